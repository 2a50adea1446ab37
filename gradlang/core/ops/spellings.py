"""PyTorch's other names and small compositions of ops defined elsewhere: each is recorded as
the op it is made of, which is also the node PyTorch records (`broadcast_to` is an expand)."""

from __future__ import annotations

import builtins

import numpy as np

from ...errors import RuntimeError_, TypeError_
from ..graph import renamed
from ..notices import warn_once
from ..tensor import Tensor
from .arithmetic import _two_tensors, div, tensor_argument
from .comparison import ge, gt, le, lt, ne
from .dims import _wrap_dim
from .elementwise import acos, acosh, asin, asinh, atan, atanh, nonzero, trunc
from .indexing import index
from .joining import cat
from .promotion import _as_tensor, _nograd_binary, broadcast_shapes
from .reductions import _dims_or_all
from .shape import expand, expand_view, permute, reshape, transpose, unsqueeze


def broadcast_to(x: Tensor, size) -> Tensor:
    return expand_view(_as_tensor(x), size)


def ravel(x: Tensor) -> Tensor:
    return reshape(_as_tensor(x), -1)


def reshape_as(x: Tensor, other: Tensor) -> Tensor:
    return reshape(x, tuple(other.shape))


def swapaxes(x: Tensor, axis0: int, axis1: int) -> Tensor:
    return transpose(_as_tensor(x), axis0, axis1)


def movedim(x: Tensor, source, destination) -> Tensor:
    """The dims `source` moved to the places `destination`, the others kept in order (a permute)."""
    x = _as_tensor(x)
    sources, targets = ([_wrap_dim(d, x.ndim) for d in (dims if isinstance(dims, (tuple, list)) else (dims,))]
                        for dims in (source, destination))
    if len(sources) != len(targets):
        raise RuntimeError_(
            f"movedim: Invalid source or destination dims: source ({sources} dims) should contain the same "
            f"number of dims as destination ({targets} dims)"
        )
    order = [None] * x.ndim
    for s, d in zip(sources, targets):
        order[d] = s
    rest = iter(d for d in range(x.ndim) if d not in sources)
    return permute(x, *[d if d is not None else next(rest) for d in order])


def masked_select(x: Tensor, mask: Tensor) -> Tensor:
    """The values of x where mask (broadcast with x) holds, as a 1-D tensor (MaskedSelectBackward0)."""
    x, mask = tensor_argument("masked_select", "input", 1, x), tensor_argument("masked_select", "mask", 2, mask)
    shape = broadcast_shapes(x.array.shape, mask.array.shape)
    return renamed(index(expand(x, shape), expand(mask, shape)), "MaskedSelectBackward0")


def _each_at_least(ndim: int, name: str, tensors: tuple):
    """atleast_Nd: one tensor given, it with dims added; several (or a list), a tuple of them."""
    one = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    tensors = _tensor_list(tensors)
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError_(
                f"{name}() received an invalid combination of arguments - got ({type(t).__name__}), but expected "
                f"one of:\n * (Tensor input)\n * (tuple of Tensors tensors)\n"
            )
    made = tuple(_dims_added(t, ndim) for t in tensors)
    return made[0] if one else made


def _dims_added(x: Tensor, ndim: int) -> Tensor:
    """x itself when it has ndim dims or more; else PyTorch's view: a 0-d tensor reshaped, a 1-D
    one made a row, and for 3 dims a row (or a 2-D tensor) given a trailing dim."""
    if x.ndim >= ndim:
        return x
    if x.ndim == 0:
        return reshape(x, (1,) * ndim)
    if ndim == 2 or x.ndim == 1 and ndim == 3:
        x = unsqueeze(x, 0)
    return unsqueeze(x, -1) if x.ndim < ndim else x


def atleast_1d(*tensors):
    return _each_at_least(1, "atleast_1d", tensors)


def atleast_2d(*tensors):
    return _each_at_least(2, "atleast_2d", tensors)


def atleast_3d(*tensors):
    return _each_at_least(3, "atleast_3d", tensors)


def _tensor_list(tensors: tuple) -> list:
    """Tensors given one by one or as one list or tuple."""
    return list(tensors[0]) if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else list(tensors)


def broadcast_tensors(*tensors) -> tuple:
    """The tensors expanded to their common shape (views; one already of that shape is itself)."""
    tensors = [_as_tensor(t) for t in _tensor_list(tensors)]
    shape = broadcast_shapes(*(t.array.shape for t in tensors))
    return tuple(t if t.array.shape == shape else expand_view(t, shape) for t in tensors)


MESHGRID_WARNING = "torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument."


def meshgrid(*tensors, indexing: str | None = None) -> tuple:
    """Coordinate grids from 1-D (or 0-d) tensors: output i varies along dim i with tensor i
    ("ij"), or with the first two roles swapped ("xy", as numpy's default). Each is an expanded
    view of its tensor (ExpandBackward0)."""
    tensors = _tensor_list(tensors)
    if not tensors:
        raise RuntimeError_("meshgrid expects a non-empty TensorList")
    if indexing is None:
        warn_once(MESHGRID_WARNING)
        indexing = "ij"
    elif indexing not in ("xy", "ij"):
        raise RuntimeError_(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in tensors:
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError_("meshgrid expects all tensors to have the same dtype")
        if t.ndim > 1:
            raise RuntimeError_(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    swapped = indexing == "xy" and len(tensors) >= 2
    if swapped:
        tensors[0], tensors[1] = tensors[1], tensors[0]
    shape = tuple(t.numel() for t in tensors)
    grids = [expand_view(reshape(t, tuple(-1 if d == i else 1 for d in range(len(shape)))), shape)
             for i, t in enumerate(tensors)]
    if swapped:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def hstack(tensors) -> Tensor:
    """cat along dim 1, or along dim 0 when the tensors are 1-D (0-d ones count as 1-D)."""
    parts = [_dims_added(_as_tensor(t), 1) for t in tensors]
    return cat(parts, 0 if parts and parts[0].ndim == 1 else 1)


def vstack(tensors) -> Tensor:
    """cat along dim 0 of the tensors made at least 2-D (a 1-D one becomes a row)."""
    return cat([_dims_added(_as_tensor(t), 2) for t in tensors], 0)


def _axes(values: np.ndarray, dim) -> tuple[int, ...] | None:
    return None if dim is None else _dims_or_all(dim, values.ndim)


def _reduced_bools(ufunc, x: Tensor, dim, keepdim: bool) -> Tensor:
    values = _as_tensor(x).array
    return Tensor._wrap(np.asarray(ufunc(values, axis=_axes(values, dim), keepdims=keepdim)))


def all(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.all
    return _reduced_bools(np.all, x, dim, keepdim)


def any(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.any
    return _reduced_bools(np.any, x, dim, keepdim)


def count_nonzero(x: Tensor, dim=None) -> Tensor:
    values = _as_tensor(x).array
    return Tensor._wrap(np.asarray(np.count_nonzero(values, axis=_axes(values, dim)), dtype=np.int64))


def equal(a: Tensor, b: Tensor) -> bool:
    """Whether a and b have the same size and the same values."""
    a, b = _two_tensors("equal", a, b)
    return a.array.shape == b.array.shape and builtins.bool(np.array_equal(a.array, b.array))


def logical_and(a, b) -> Tensor:
    return _nograd_binary(np.logical_and, *_two_tensors("logical_and", a, b))


def logical_or(a, b) -> Tensor:
    return _nograd_binary(np.logical_or, *_two_tensors("logical_or", a, b))


def logical_xor(a, b) -> Tensor:
    return _nograd_binary(np.logical_xor, *_two_tensors("logical_xor", a, b))


# Names PyTorch gives the same op twice (numpy's spellings among them).
moveaxis = movedim
swapdims = swapaxes
concatenate = cat  # (torch.concat too: core's name, ops.concat being cat's and stack's own)
true_divide = div
fix = trunc
arccos, arcsin, arctan, arccosh, arcsinh, arctanh = acos, asin, atan, acosh, asinh, atanh
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def positive(x: Tensor) -> Tensor:
    """torch.positive: x itself (an error for bools, as PyTorch's)."""
    if x.dtype.name == "bool":
        raise RuntimeError_("The `+` operator, on a bool tensor is not supported.")
    return x


def argwhere(x: Tensor) -> Tensor:
    return nonzero(x)


def is_floating_point(x: Tensor) -> bool:
    return x.is_floating_point()


__all__ = [
    "argwhere", "is_floating_point", "positive",
    "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_tensors", "meshgrid",
    "greater", "greater_equal", "less", "less_equal", "not_equal",
    "all", "any", "broadcast_to", "count_nonzero", "equal", "hstack", "logical_and", "logical_or", "logical_xor",
    "masked_select", "movedim", "ravel", "reshape_as", "swapaxes", "vstack",
    "moveaxis", "swapdims", "concatenate", "true_divide", "fix",
    "arccos", "arcsin", "arctan", "arccosh", "arcsinh", "arctanh",
]
