"""Reading by index: `x[key]` checked and turned into a numpy index with PyTorch's grad_fn name, and
the functional forms that backward rules and `x[key] = value` use (index_scatter, index_put)."""

from __future__ import annotations

import builtins

import numpy as np

from ...errors import IndexError_, NotImplementedError_, RuntimeError_, TypeError_, ValueError_
from .. import dtypes
from ..graph import apply, renamed
from ..tensor import Tensor
from .dims import _wrap_dim
from .reductions import sum
from .shape import _share_storage

P = None  # the primitive registry module, bound by ops._bind_primitives (primitives import ops)


def _index_part(part, size: int | None, dim: int):
    """One component of an index, checked and turned into what numpy takes."""
    if isinstance(part, Tensor):
        if part.dtype.is_floating_point:
            raise IndexError_("tensors used as indices must be long, int, byte or bool tensors")
        if not part.array.shape and part.array.dtype.kind in "iu":  # PyTorch takes a 0-d one as the integer
            part = part.array.item()
            if size is not None and not -size <= part < size:
                raise IndexError_(f"index {part} is out of bounds for dimension {dim} with size {size}")
            return part
        # a copy: the backward rule must see the index as it was, even if the tensor changes later
        return part.array.copy()
    if isinstance(part, np.ndarray):  # a key normalised before, passed on by a derivative rule
        return part
    if isinstance(part, bool):
        return part
    if isinstance(part, (int, np.integer)):
        if size is not None and not -size <= part < size:
            raise IndexError_(f"index {part} is out of bounds for dimension {dim} with size {size}")
        return int(part)
    if isinstance(part, slice):
        for bound in (part.start, part.stop, part.step):
            if bound is not None and not isinstance(bound, (int, np.integer)):
                if isinstance(bound, Tensor) and bound.numel() == 1 and not bound.dtype.is_floating_point:
                    continue
                raise TypeError_("slice indices must be integers or None or have an __index__ method")
        if part.step is not None and int(part.step) == 0:
            raise ValueError_("slice step cannot be zero")
        if part.step is not None and int(part.step) < 0:
            raise ValueError_("step must be greater than zero")
        return slice(*(None if b is None else int(b) for b in (part.start, part.stop, part.step)))
    if part is None or part is Ellipsis:
        return part
    if isinstance(part, range):  # `probs[range(n), labels]`: a sequence of indices, as PyTorch takes it
        part = list(part)
    if isinstance(part, (list, tuple)):
        array = np.asarray([p.item() if isinstance(p, Tensor) else p for p in part])
        if array.size == 0:  # `x[[]]`, `x[range(0)]`: no index, none of x
            array = array.astype(np.int64)
        if array.dtype.kind not in "iub":
            raise IndexError_("tensors used as indices must be long, int, byte or bool tensors")
        return array
    raise IndexError_(
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
        f"(got {type(part).__name__})"
    )


def _check_index_array(index: np.ndarray, shape: tuple, dim: int, position: int) -> None:
    """A mask must have the shape of the dims it covers, integer indices must be in range:
    PyTorch's messages (which count integer index tensors by `position`, not by dim)."""
    if index.dtype == np.bool_:
        covered = shape[dim:dim + index.ndim]
        for i, (n, m) in enumerate(zip(index.shape, covered + (None,) * index.ndim)):
            if n != m:
                raise IndexError_(
                    f"The shape of the mask {list(index.shape)} at index {i} does not match the shape of the "
                    f"indexed tensor {list(shape)} at index {dim + i}"
                )
        return
    size = shape[dim]
    outside = (index < -size) | (index >= size)
    if outside.any():
        value = index[outside].flat[0]
        raise IndexError_(f"index {value} is out of bounds for dimension {position} with size {size}")


def _normalise_index(x: Tensor, key) -> tuple[tuple, str, bool]:
    """(numpy index, grad_fn name, whether numpy returns a view)."""
    parts = key if isinstance(key, tuple) else (key,)
    if x.ndim == 0 and any(p is not None and p is not Ellipsis and not isinstance(p, (slice, bool)) for p in parts):
        raise IndexError_(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to "
            "convert a 0-dim tensor to a number"
        )
    consumed = builtins.sum(
        p.ndim if (isinstance(p, Tensor) and p.dtype is dtypes.bool_)
        or (isinstance(p, np.ndarray) and p.dtype == np.bool_) else 1
        for p in parts if p is not None and p is not Ellipsis
    )
    if consumed > x.ndim:
        raise IndexError_(f"too many indices for tensor of dimension {x.ndim}")
    out, dim, names, basic = [], 0, [], True
    advanced = 0  # tensor (advanced) indices so far
    ellipsis_span = x.ndim - consumed
    for part in parts:
        if part is Ellipsis:
            out.append(Ellipsis)
            dim += ellipsis_span
            continue
        size = x.array.shape[dim] if part is not None and dim < x.ndim else None
        converted = _index_part(part, size, dim)
        out.append(converted)
        if part is None:
            names.append("UnsqueezeBackward0")
            continue
        if isinstance(converted, np.ndarray):
            _check_index_array(converted, x.array.shape, dim, advanced)
            advanced += 1
        if isinstance(converted, np.ndarray) or isinstance(converted, bool):
            basic = False
            names.append("IndexBackward0")
            dim += converted.ndim if isinstance(converted, np.ndarray) and converted.dtype == bool else 1
        elif isinstance(converted, slice):
            full = converted == slice(None) or (
                converted.start in (None, 0) and converted.step in (None, 1)
                and (converted.stop is None or converted.stop >= x.array.shape[dim])
            )
            if not full or not isinstance(key, tuple):  # torch keeps `x[:]` a slice, `x[:, :]` an alias
                names.append("SliceBackward0")
            dim += 1
        else:
            names.append("SelectBackward0")
            dim += 1
    name = "IndexBackward0" if not basic else (names[-1] if names else "AliasBackward0")
    if basic and Ellipsis not in out:
        out.append(Ellipsis)  # keeps numpy returning a 0-d view, not a copied scalar
    return tuple(out), name, basic


def selected_first(shape: tuple, key: tuple) -> tuple:
    """`key` (from _normalise_index), or where it mixes integers and index arrays, the numpy key
    that indexes as PyTorch does.

    PyTorch applies the integers (and slices) first, then the index arrays to what is left, so
    `x[0, :, [1, 2]]` keeps the slice's dim before the list's; numpy counts the integers among
    the index arrays, which moves the list's dim to the front when a slice parts them. Here each
    coordinate grid of `shape` is indexed PyTorch's way, and the grids become one key of index
    arrays (for reading, writing and the gradient alike)."""
    if not any(type(p) is int for p in key) or not any(isinstance(p, np.ndarray) for p in key):
        return key
    sliced, arrays = [], []
    for part in key:
        if isinstance(part, np.ndarray):  # an index array: all of its dims first, picked after
            sliced += [slice(None)] * (part.ndim if part.dtype == bool else 1)
            arrays.append(part)
        else:
            sliced.append(part)
            if type(part) is not int:  # a slice, None or Ellipsis stays a dim (or dims) of its own
                arrays.append(slice(None) if part is not Ellipsis else Ellipsis)
    picked = tuple(sliced), tuple(arrays)
    return tuple(np.broadcast_to(grid, shape)[picked[0]][picked[1]] for grid in np.indices(shape, sparse=True))


def index(x: Tensor, key) -> Tensor:
    numpy_key, name, basic = _normalise_index(x, key)
    if not basic:
        numpy_key = selected_first(x.array.shape, numpy_key)
    out = apply(P.index, (x,), {"index": numpy_key}, name)
    return _share_storage(out, x) if basic else out


def strided_region(base: Tensor, region: tuple) -> Tensor:
    """The elements `region` (integer arrays) of `base`, recorded as PyTorch's AsStridedBackward0:
    a view as it is rebuilt from its base after an in-place change."""
    return apply(P.index, (base,), {"index": region}, "AsStridedBackward0")


def index_scatter(g: Tensor, key, shape) -> Tensor:
    return apply(P.index_scatter, (g,), {"index": key, "shape": shape})


def index_put(x: Tensor, key, value, name: str | None = None) -> Tensor:
    """The functional form of `x[key] = value` (CopySlices, or as `name` says)."""
    return apply(P.index_put, (x, value), {"index": key}, name)


def _integer_index(index, op: str) -> np.ndarray:
    if not isinstance(index, Tensor) or index.array.dtype.kind not in "iu":
        kinds = "int32/int64" if op == "gather" else "int32 or int64"  # PyTorch words the two apart
        raise RuntimeError_(f"{op}(): Expected dtype {kinds} for index")
    return index.array.astype(np.int64)


def index_select(x: Tensor, dim: int, index: Tensor) -> Tensor:
    """The entries of `index` along `dim` (IndexSelectBackward0: gradients add up at repeats)."""
    picks = _integer_index(index, "index_select")
    if picks.ndim > 1:
        raise IndexError_("index_select(): Index is supposed to be a vector")
    dim = _wrap_dim(dim, x.ndim)
    size = x.array.shape[dim] if x.ndim else 1
    bad = picks[(picks < 0) | (picks >= size)]
    if bad.size:
        raise RuntimeError_(f"INDICES element is out of DATA bounds, id={bad[0]} axis_dim={size}")
    if x.ndim == 0 and picks.size != 1:
        raise RuntimeError_(f"index_select(): Index to scalar can have only 1 value, got {picks.size} value(s)")
    # a 0-d tensor is its own only entry: picking it keeps it 0-d (picks are 0 there, checked above)
    key = (slice(None),) * dim + (picks.reshape(-1),) if x.ndim else ()
    return renamed(apply(P.index, (x,), {"index": key}), "IndexSelectBackward0")


def gather(x: Tensor, dim: int, index: Tensor) -> Tensor:
    """out[i][j] = x[i][index[i][j]] for dim 1 (and alike): GatherBackward0."""
    picks = _integer_index(index, "gather")
    dim = _wrap_dim(dim, x.ndim)
    if picks.ndim != x.ndim:
        raise RuntimeError_("Index tensor must have the same number of dimensions as input tensor")
    if x.ndim == 0:
        if picks != 0:
            raise RuntimeError_(f"index {picks} is out of bounds for dimension 0 with size 1")
        return renamed(apply(P.index, (x,), {"index": ()}), "GatherBackward0")
    for d, (n, m) in enumerate(zip(picks.shape, x.array.shape)):
        if d != dim and n > m:
            raise RuntimeError_(f"Size does not match at dimension {d} expected index {list(picks.shape)} to be no "
                                f"larger than self {list(x.array.shape)} apart from dimension {dim}")
    size = x.array.shape[dim]
    bad = picks[(picks < 0) | (picks >= size)]
    if bad.size:
        raise RuntimeError_(f"index {bad[0]} is out of bounds for dimension {dim} with size {size}")
    axes = np.ogrid[tuple(slice(n) for n in picks.shape)]
    key = tuple(picks if d == dim else axes[d] for d in range(picks.ndim))
    return renamed(apply(P.index, (x,), {"index": key}), "GatherBackward0")


def _diagonal_key(rows: int, columns: int, offset: int) -> tuple:
    length = max(0, min(rows, columns - offset) if offset >= 0 else min(rows + offset, columns))
    start_row, start_column = max(0, -offset), max(0, offset)
    return (np.arange(length) + start_row, np.arange(length) + start_column)


def diag(x: Tensor, diagonal: int = 0) -> Tensor:
    """A vector's diagonal matrix (DiagEmbedBackward0), or a matrix's diagonal as a vector."""
    if x.ndim == 1:
        n = x.array.shape[0] + abs(diagonal)
        out = index_scatter(x, _diagonal_key(n, n, diagonal), (n, n))
        return renamed(out, "DiagEmbedBackward0")
    if x.ndim != 2:
        raise RuntimeError_("diag(): Supports 1D or 2D tensors. Got " + f"{x.ndim}D")
    key = _diagonal_key(*x.array.shape, diagonal)
    return renamed(apply(P.index, (x,), {"index": key}), "DiagonalBackward0_copy")


def trace(x: Tensor) -> Tensor:
    """The sum of a matrix's diagonal (TraceBackward0)."""
    if x.ndim != 2:
        raise RuntimeError_(f"trace: expected a matrix, but got tensor with dim {x.ndim}")
    if x.array.dtype.kind == "b":
        raise NotImplementedError_("\"trace\" not implemented for 'Bool'")
    on_diagonal = apply(P.index, (x,), {"index": _diagonal_key(*x.array.shape, 0)})
    return renamed(sum(on_diagonal), "TraceBackward0")

