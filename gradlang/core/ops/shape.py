"""Shape ops: reshape/view, flatten, squeeze/unsqueeze, expand, sum_to, permute/transpose/t/T, clone
and alias; a view shares its base's version counter."""

from __future__ import annotations

import builtins
from weakref import ref as _weak

import numpy as np

from ...errors import IndexError_, RuntimeError_, TypeError_
from .. import limits
from ..grad_mode import _state as _grad_state
from ..graph import apply, renamed
from ..notices import warn_once
from ..tensor import Tensor
from .dims import _dims, _wrap_dim
from .reductions import sum

P = None  # the primitive registry module, bound by ops._bind_primitives (primitives import ops)


def _share_storage(view: Tensor, base: Tensor) -> Tensor:
    """Views of a tensor share its version counter and remember their root base. The base also
    keeps (weakly) its views: an in-place change through one of them, or of the base, rewrites
    the others' history (ops.view_history), even a plain tensor's that gets its first history
    that way. A leaf that requires grad needs none: with grad on, PyTorch refuses in-place
    changes of such a leaf and of its views."""
    if np.may_share_memory(view.array, base.array):
        view._version = base._version
        root = view._base = base._base if base._base is not None else base
        if root.grad_fn is not None or not root._requires_grad:
            try:
                views = root._views
            except AttributeError:
                views = root._views = []
            views.append(_weak(view))  # a weak reference without a callback: cheap to make and drop
            count = len(views)
            if count >= _VIEWS_PRUNED_FROM and not count & (count - 1):
                # the dead ones go at each power of two, not one by one: amortised O(1) however
                # many views stay alive
                views[:] = [ref for ref in views if ref() is not None]
        if getattr(base, "_output_of_many", None) is not None:
            view._output_of_many = 0  # a view of one: in-place refused all the same (in_place.py)
        # Made under no_grad (True), or a view of such a view (False): with grad on, in-place is refused.
        if not _grad_state.enabled:
            view._no_grad_view = True
        elif getattr(base, "_no_grad_view", None) is not None:
            view._no_grad_view = False
        if base._requires_grad and not view._requires_grad and not _grad_state.enabled:
            view._requires_grad = True  # made under no_grad: a leaf that requires grad, as in PyTorch
    return view


_VIEWS_PRUNED_FROM = 64


def _infer_shape(shape, numel: int) -> tuple[int, ...]:
    """A reshape's target with its -1 filled in, checked dim by dim as PyTorch does."""
    shape = tuple(int(n) for n in shape)
    inferred = None
    known = 1
    for i, n in enumerate(shape):
        if n == -1:
            if inferred is not None:
                raise RuntimeError_("only one dimension can be inferred")
            inferred = i
        elif n < 0:
            raise RuntimeError_(f"invalid shape dimension {n} at index {i} of shape {list(shape)}")
        else:
            known *= n
    if inferred is None:
        if known != numel:
            raise RuntimeError_(f"shape '{list(shape)}' is invalid for input of size {numel}")
        return shape
    if known == 0 and numel == 0:  # any size would do for the -1
        raise RuntimeError_(
            f"cannot reshape tensor of 0 elements into shape {list(shape)} because the unspecified dimension size "
            "-1 can be any value and is ambiguous"
        )
    if known == 0 or numel % known:
        raise RuntimeError_(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape[:inferred] + (numel // known,) + shape[inferred + 1:]


def _sizes(args) -> tuple:
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


def reshape(x: Tensor, *shape, name: str | None = None) -> Tensor:
    """A view where the new shape fits the layout (ViewBackward0 from row-major order,
    ReshapeAliasBackward0 from another), else a copy (UnsafeViewBackward0), as PyTorch's."""
    shape = _infer_shape(_sizes(shape), x.array.size)
    if name is None and not x.array.flags.c_contiguous:
        name = "ReshapeAliasBackward0" if _fits_layout(x.array, shape) else "UnsafeViewBackward0"
    return _share_storage(apply(P.reshape, (x,), {"shape": shape}, name), x)


def _fits_layout(array: np.ndarray, shape: tuple) -> bool:
    """Can `array` take `shape` without a copy (numpy and PyTorch decide alike, from the strides)?"""
    try:
        np.reshape(array, shape, copy=False)
    except ValueError:
        return False
    return True


def view(x: Tensor, *shape) -> Tensor:
    """reshape, but only where the new shape fits the existing layout (no copy), as PyTorch's view."""
    sizes = _infer_shape(_sizes(shape), x.array.size)
    if not _fits_layout(x.array, sizes):
        raise RuntimeError_(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans across "
            "two contiguous subspaces). Use .reshape(...) instead."
        )
    return reshape(x, sizes, name="ViewBackward0")  # (a view of any layout is ViewBackward0, unlike reshape)


def contiguous(x: Tensor) -> Tensor:
    """`x` itself when its elements lie in row-major order, else a row-major copy (CloneBackward0)."""
    return x if x.array.flags.c_contiguous else apply(P.clone, (x,), {"order": "C"})


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    if x.ndim <= 1 and (start_dim, end_dim) == (0, -1):
        return x if x.ndim == 1 else reshape(x, 1)
    start, end = _wrap_dim(start_dim, x.ndim), _wrap_dim(end_dim, x.ndim)
    if start > end:
        raise RuntimeError_("flatten() has invalid args: start_dim cannot come after end_dim")
    if x.ndim == 0:
        return reshape(x, 1)
    if start == end:  # nothing to merge: the tensor itself, as PyTorch returns it
        return x
    shape = x.array.shape
    merged = int(np.prod(shape[start:end + 1]))
    return reshape(x, shape[:start] + (merged,) + shape[end + 1:])


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    dim = _wrap_dim(dim, x.ndim + 1)
    shape = x.array.shape[:dim] + (1,) + x.array.shape[dim:]
    return _share_storage(apply(P.reshape, (x,), {"shape": shape}, "UnsqueezeBackward0"), x)


def squeeze(x: Tensor, dim=None, name: str | None = None) -> Tensor:
    shape = x.array.shape
    if dim is None:
        new = tuple(n for n in shape if n != 1)
        name = name or "SqueezeBackward0"
    else:
        dims = _dims(dim, x.ndim) if x.ndim else ()
        new = tuple(n for i, n in enumerate(shape) if not (i in dims and n == 1))
        name = name or ("SqueezeBackward1" if isinstance(dim, int) else "SqueezeBackward2")
    return _share_storage(apply(P.reshape, (x,), {"shape": new}, name), x)


def _type_text(x: Tensor) -> str:
    """How PyTorch's expand message names a tensor's type."""
    return "CPUBoolType" if x.dtype.name == "bool" else f"torch.{x.dtype.legacy_name}"


def _expanded_shape(x: Tensor, sizes: tuple) -> tuple[int, ...]:
    """expand's target: -1 keeps a size, a size of 1 stretches; checked from the last dim, as PyTorch."""
    lead = len(sizes) - x.ndim
    if lead < 0:
        raise RuntimeError_(
            f"expand({_type_text(x)}{{{list(x.shape)}}}, size={list(sizes)}): the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({x.ndim})"
        )
    shape = [int(n) for n in sizes]
    for i in reversed(range(len(shape))):
        if i < lead:
            if shape[i] == -1 and x.ndim:
                raise RuntimeError_(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}"
                )
            continue
        size = x.array.shape[i - lead]
        if shape[i] == -1:
            shape[i] = size
        elif shape[i] != size and size != 1:
            raise RuntimeError_(
                f"The expanded size of the tensor ({shape[i]}) must match the existing size ({size}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(x.array.shape)}"
            )
    if builtins.min(shape, default=0) < 0:  # PyTorch counts the elements, and a negative count overflows
        raise RuntimeError_("numel: integer multiplication overflow")
    return tuple(shape)


def expand(x: Tensor, *sizes) -> Tensor:
    """x broadcast to `sizes` as a view; x itself when it has that shape already (what the
    backward rules and broadcasting need: no node that changes nothing)."""
    shape = _expanded_shape(x, _sizes(sizes))
    if shape == x.array.shape:
        return x
    return _expand_view(x, shape)


def expand_view(x: Tensor, *sizes) -> Tensor:
    """PyTorch's Tensor.expand (and expand_as, broadcast_to): always a new view (ExpandBackward0),
    to x's own shape too, so that a hook or an in-place change on it is the view's."""
    return _expand_view(x, _expanded_shape(x, _sizes(sizes)))


def _expand_view(x: Tensor, shape: tuple) -> Tensor:
    limits.check_shape(shape)  # a view, but every op on it computes that many elements
    return _share_storage(apply(P.expand, (x,), {"shape": shape}), x)


def sum_to(x: Tensor, shape: tuple) -> Tensor:
    """Sum a broadcast gradient back down to `shape` (the inverse of broadcasting)."""
    if x.array.shape == shape:
        return x
    lead = x.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and x.array.shape[i + lead] != 1
    )
    out = sum(x, dims, keepdim=True) if dims else x
    return reshape(out, shape) if out.array.shape != shape else out


def permute(x: Tensor, *dims) -> Tensor:
    if not dims:
        raise TypeError_('permute() missing 1 required positional arguments: "dims"')
    given = _sizes(dims)
    if len(given) != x.ndim:
        raise RuntimeError_(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
            f"desired ordering of dimensions i.e. input.dim() = {x.ndim} is not equal to len(dims) = {len(given)}"
        )
    order: list[int] = []
    for d in given:  # PyTorch range-checks and looks for a repeat one dim at a time
        d = _wrap_dim(d, x.ndim)
        if d in order:
            raise RuntimeError_("permute(): duplicate dims are not allowed.")
        order.append(d)
    return _share_storage(apply(P.permute, (x,), {"dims": tuple(order)}), x)


def transpose(x: Tensor, dim0: int, dim1: int, name: str = "TransposeBackward0") -> Tensor:
    if x.ndim == 0:
        return apply(P.permute, (x,), {"dims": ()}, name)
    d0, d1 = _wrap_dim(dim0, x.ndim), _wrap_dim(dim1, x.ndim)
    dims = list(range(x.ndim))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return _share_storage(apply(P.permute, (x,), {"dims": tuple(dims)}, name), x)


def t(x: Tensor) -> Tensor:
    if x.ndim > 2:
        raise RuntimeError_(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    if x.ndim < 2:
        return _share_storage(apply(P.permute, (x,), {"dims": tuple(range(x.ndim))}, "TBackward0"), x)
    return transpose(x, 0, 1, name="TBackward0")


def T(x: Tensor) -> Tensor:  # noqa: N802 - the .T property
    if x.ndim == 0:
        warn_once("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.",
                  UserWarning, stacklevel=3)
    elif x.ndim != 2:
        warn_once(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it "
            "will throw an error in a future release. Consider `x.mT` to transpose batches of matrices or "
            "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.",
            UserWarning, stacklevel=3,
        )
    return permute(x, tuple(range(x.ndim - 1, -1, -1)))


def clone(x: Tensor) -> Tensor:
    return apply(P.clone, (x,))


def alias(x: Tensor) -> Tensor:
    """The same values as a new tensor object that shares storage and graph position."""
    out = Tensor._wrap(x.array)
    out._version = x._version
    out._requires_grad = x._requires_grad
    out.grad_fn = x.grad_fn
    return out


# ---------------------------------------------------------------- pieces along a dim: views of the input


def _view_along(x: Tensor, dim: int, part, name: str) -> Tensor:
    """`x` indexed by `part` (a slice or an integer) along `dim`: a view recorded as `name`."""
    key = (slice(None),) * dim + (part, Ellipsis)  # the Ellipsis keeps numpy returning a 0-d view
    return _share_storage(apply(P.index, (x,), {"index": key}, name), x)


def _an_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _integral(value):
    """An int, or a one-element integer tensor as PyTorch takes one for an int argument; else None."""
    if _an_int(value):
        return int(value)
    if isinstance(value, Tensor) and value.numel() == 1 and not value.dtype.is_floating_point \
            and value.dtype.name != "bool":
        return int(value.item())
    return None


def _pieces(x: Tensor, dim: int, sizes, name: str) -> tuple:
    out, start = [], 0
    for size in sizes:
        out.append(_view_along(x, dim, slice(start, start + size), name))
        start += size
    return _outputs_of_many(out)


def _outputs_of_many(views) -> tuple:
    """The views of one op that returns several (split, chunk, unbind): PyTorch refuses to change
    them in place while they take part in autograd, each numbered in the message."""
    for i, view in enumerate(views):
        view._output_of_many = i
    return tuple(views)


def split(x: Tensor, split_size, dim: int = 0) -> tuple:
    """Pieces of `split_size` along `dim` (the last may be shorter), or of the sizes listed."""
    if isinstance(split_size, (list, tuple)):
        return _split_with_sizes(x, split_size, dim)
    size = _integral(split_size)
    if size is None:
        if isinstance(split_size, bool):
            raise TypeError_(
                "split() received an invalid combination of arguments - got (Tensor, bool, int), but expected one "
                "of:\n * (Tensor input, int split_size, int dim = 0)\n      didn't match because some of the "
                "arguments have invalid types: (Tensor, !bool!, !int!)\n * (Tensor input, tuple of ints "
                "split_size, int dim = 0)\n      didn't match because some of the arguments have invalid types: "
                "(Tensor, !bool!, !int!)\n"
            )
        raise TypeError_(
            "split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, not "
            f"{type(split_size).__name__}"
        )
    dim, length = _split_dim(x, dim)
    if size < 0:
        raise RuntimeError_(f"split expects split_size be non-negative, but got split_size={size}")
    if size == 0 and length != 0:
        raise RuntimeError_(f"split_size can only be 0 if dimension size is 0, but got dimension size of {length}")
    count = builtins.max(-(-length // size), 1) if size else 1
    sizes = [builtins.min(size, length - i * size) for i in range(count)]
    return _pieces(x, dim, sizes, "SplitBackward0")


def _split_dim(x: Tensor, dim: int) -> tuple[int, int]:
    """The dim a split cuts (wrapped) and its length; a 0-d tensor has none to cut."""
    if x.ndim == 0:
        raise RuntimeError_("split expects at least a 1-dimensional tensor")
    dim = _wrap_dim(dim, x.ndim)
    return dim, x.array.shape[dim]


def _split_with_sizes(x: Tensor, split_sizes, dim: int) -> tuple:
    sizes = [_integral(s) for s in split_sizes]
    if any(s is None for s in sizes):
        bad = next(s for s in split_sizes if _integral(s) is None)
        raise TypeError_(
            "split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, but found element "
            f"of type {type(bad).__name__} at pos {sizes.index(None)}"
        )
    dim, length = _split_dim(x, dim)
    if any(s < 0 for s in sizes):
        raise RuntimeError_(
            f"split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={sizes}"
        )
    if builtins.sum(sizes) != length:
        raise RuntimeError_(
            f"split_with_sizes expects split_sizes to sum exactly to {length} (input tensor's size at dimension "
            f"{dim}), but got split_sizes={sizes}"
        )
    return _pieces(x, dim, sizes, "SplitWithSizesBackward0")


def chunk(x: Tensor, chunks, dim: int = 0) -> tuple:
    """At most `chunks` pieces of equal size along `dim` (the last may be smaller)."""
    if not _an_int(chunks):
        raise TypeError_(f"chunk(): argument 'chunks' (position 1) must be int, not {type(chunks).__name__}")
    if x.ndim == 0:
        raise RuntimeError_("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError_(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    dim = _wrap_dim(dim, x.ndim)
    length = x.array.shape[dim]
    if length == 0:  # as many empty pieces as asked for
        return _pieces(x, dim, [0] * chunks, "SplitWithSizesBackward0")
    return split(x, -(-length // chunks), dim)


def unbind(x: Tensor, dim: int = 0) -> tuple:
    """The slices along `dim`, that dim removed from each."""
    if x.ndim == 0:
        raise IndexError_("Dimension specified as 0 but tensor has no dimensions")
    dim = _wrap_dim(dim, x.ndim)
    return _outputs_of_many([_view_along(x, dim, i, "UnbindBackward0") for i in range(x.array.shape[dim])])


def narrow(x: Tensor, dim: int, start, length) -> Tensor:
    """The `length` elements from `start` along `dim`: a view (SliceBackward0)."""
    if isinstance(start, Tensor) and (start.ndim or start.dtype.is_floating_point or start.dtype.name == "bool"):
        raise RuntimeError_("start must be an 0-dim integral Tensor.")
    begin = _integral(start)
    if begin is None or not _an_int(length) or not _an_int(dim):
        def matched(start_fits) -> str:
            marks = [type(a).__name__ if fits else f"!{type(a).__name__}!"
                     for a, fits in ((dim, _an_int(dim)), (start, start_fits), (length, _an_int(length)))]
            return f"      didn't match because some of the arguments have invalid types: ({', '.join(marks)})\n"

        shown = ", ".join(type(a).__name__ for a in (dim, start, length))
        raise TypeError_(
            f"narrow() received an invalid combination of arguments - got ({shown}), but expected one of:\n"
            f" * (int dim, Tensor start, int length)\n{matched(isinstance(start, Tensor))}"
            f" * (int dim, int start, int length)\n{matched(_an_int(start))}"
        )
    if x.ndim == 0:
        raise RuntimeError_("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError_("narrow(): length must be non-negative.")
    dim = _wrap_dim(dim, x.ndim)
    size = x.array.shape[dim]
    if not -size <= begin <= size:
        raise IndexError_(f"start out of range (expected to be in range of [{-size}, {size}], but got {begin})")
    if begin < 0:
        begin += size
    if begin + length > size:
        raise RuntimeError_(f"start ({begin}) + length ({length}) exceeds dimension size ({size}).")
    return _view_along(x, dim, slice(begin, begin + length), "SliceBackward0")


def select(x: Tensor, dim: int, index) -> Tensor:
    """The slice at `index` along `dim`, that dim removed: a view (SelectBackward0)."""
    position = _integral(index)
    if position is None:
        raise TypeError_(f"select(): argument 'index' (position 2) must be int, not {type(index).__name__}")
    if x.ndim == 0:
        raise IndexError_("select() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, x.ndim)
    size = x.array.shape[dim]
    if not -size <= position < size:
        raise IndexError_(
            f"select(): index {position} out of range for tensor of size {list(x.array.shape)} at dimension {dim}"
        )
    return _view_along(x, dim, position, "SelectBackward0")


def flip(x: Tensor, *dims) -> Tensor:
    """The elements in reverse order along each of `dims` (a copy: FlipBackward0)."""
    given = dims[0] if len(dims) == 1 and not isinstance(dims[0], int) else dims
    wrapped = [_wrap_dim(d, x.ndim) for d in given]
    for i, d in enumerate(wrapped):
        if d in wrapped[:i]:
            raise RuntimeError_(f"dim {d} appears multiple times in the list of dims")
    return apply(P.flip, (x,), {"dims": tuple(wrapped) if x.ndim else ()})


def repeat(x: Tensor, *sizes) -> Tensor:
    """x tiled `sizes` times along each dim (new leading dims for extra sizes): RepeatBackward0,
    made as an expanded view copied out, so the gradient sums over the copies."""
    if not sizes:
        raise TypeError_('repeat() missing 1 required positional arguments: "repeats"')
    sizes = _sizes(sizes)
    if len(sizes) < x.ndim:
        raise RuntimeError_(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        )
    shape = (1,) * (len(sizes) - x.ndim) + x.array.shape
    result = tuple(s * n for s, n in zip(sizes, shape))
    if any(n < 0 for n in result):
        raise RuntimeError_(f"Trying to create tensor with negative dimension {min(result)}: {list(result)}")
    interleaved = reshape(x, *[n for d in shape for n in (1, d)])
    spread = expand(interleaved, *[n for s, d in zip(sizes, shape) for n in (s, d)])
    return renamed(clone(reshape(spread, *result)), "RepeatBackward0")  # new memory, as PyTorch's repeat


def tile(x: Tensor, *sizes) -> Tensor:
    """repeat, with sizes padded by leading ones when fewer than x's dims."""
    sizes = _sizes(sizes)
    return repeat(x, (1,) * (x.ndim - len(sizes)) + tuple(sizes))


def roll(x: Tensor, shifts, dims=None) -> Tensor:
    """The elements shifted round along `dims` (the flattened tensor when None): RollBackward0."""
    if dims is None:
        if not isinstance(shifts, int):
            if len(shifts) != 1:
                raise RuntimeError_(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
            shifts = shifts[0]
        return apply(P.roll, (x,), {"shifts": int(shifts), "dims": None})
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError_(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    return apply(P.roll, (x,), {"shifts": shifts, "dims": tuple(_wrap_dim(d, x.ndim) for d in dims)})

