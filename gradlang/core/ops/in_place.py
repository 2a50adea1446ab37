"""In-place ops: `op_` methods, `copy_` and `x[key] = value`, with PyTorch's leaf rule, version
counters and the old values a recorded node must see."""

from __future__ import annotations

import numpy as np

from ...errors import RuntimeError_, TypeError_
from ..forward_mode import active_levels as _active_levels
from ..grad_mode import _state as _grad_state
from ..grad_mode import run_without_grad
from ..graph import SavedOutput, renamed
from ..notices import warn
from ..tensor import Tensor
from .elementwise import where
from .indexing import _normalise_index, index_put, selected_first
from .promotion import _as_tensor, _broadcast_shape, _coerce, _is_number, to
from .shape import expand
from .view_history import adopt


def copy_values(target: Tensor, source, name: str = "CopyBackwards") -> Tensor:
    """The values of `source` in `target`'s shape and dtype (the out-of-place half of `copy_`).

    Recorded as a `where` that never picks `target`: its gradient is zeros (never -0), and the
    source's is the incoming gradient summed back to its shape.
    """
    source = _coerce(_as_tensor(source), target.dtype)
    _broadcast_shape(target, source)
    return renamed(where(Tensor._wrap(np.zeros(target.array.shape, dtype=bool)), target, source), name)


OVERLAP_ERROR = (
    "unsupported operation: more than one element of the written-to tensor refers to a single memory "
    "location. Please clone() the tensor before performing the operation."
)
_EXPANDED_WARNING = (
    "Use of {op} on expanded tensors is deprecated. Please clone() the tensor before performing this operation. "
    "This also applies to advanced indexing e.g. {example}"
)


def overlaps(array: np.ndarray) -> bool:
    """Whether several elements of `array` are one memory location (a zero stride on a dimension
    longer than 1: an expanded tensor, or a view of one)."""
    return (0 in array.strides and array.size > 0
            and any(n > 1 and not stride for n, stride in zip(array.shape, array.strides)))


def check_inplace(target: Tensor, overlap_allowed: bool = False, values: tuple = ()) -> None:
    """PyTorch's rules for writing into `target` (the new values computed from `values`): not
    where several elements share one memory location (fill_ and zero_ allow that), a leaf that
    requires grad only under no_grad, and a view made under no_grad not with grad on."""
    if not overlap_allowed and overlaps(target.array):
        raise RuntimeError_(OVERLAP_ERROR)
    if not _grad_state.enabled:
        return
    if not target._requires_grad and target._base is None:
        return  # (`w.grad.zero_()`: each refusal below needs one or the other)
    _refuse_output_of_many(target)
    # (the cheap tests first: an unset slot read with a default costs as much as an exception)
    if (target._requires_grad or _any_requires_grad(values)) and (
            made_without_grad := getattr(target, "_no_grad_view", None)) is not None:
        if made_without_grad or target.grad_fn is None:
            raise RuntimeError_(_NO_GRAD_VIEW.format("A view was "))
        op = target.grad_fn.name().removesuffix("Backward0")
        raise RuntimeError_(_NO_GRAD_VIEW.format(f"Output 0 of {op} is a view of a view which was "))
    if target.requires_grad and target.grad_fn is None:
        raise RuntimeError_("a leaf Variable that requires grad is being used in an in-place operation.")
    base = target._base
    if base is not None and base.requires_grad and base.grad_fn is None:
        raise RuntimeError_("a view of a leaf Variable that requires grad is being used in an in-place operation.")


_NO_GRAD_VIEW = (
    "{}created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case "
    "is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the "
    "inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside "
    "(if you want the inplace to be tracked)."
)


def _refuse_partial_overlap(written: np.ndarray, read: np.ndarray) -> None:
    """PyTorch refuses an in-place op whose other operand shares some, not all, of the memory
    it writes (`y.add_(y[0])`): the result would depend on the order of the writes."""
    if not np.may_share_memory(written, read):
        return
    same = (written.__array_interface__["data"][0] == read.__array_interface__["data"][0]
            and written.shape == read.shape and written.strides == read.strides)
    if not same and np.shares_memory(written, read):
        raise RuntimeError_(
            "unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
            "single memory location. Please clone() the tensor before performing the operation."
        )


def _refuse_output_of_many(target: Tensor, made_by: str | None = None) -> None:
    """PyTorch's refusal to change in place, while autograd records, a view from an op that
    returns several (or a view of one). `made_by` names the view op when it is not the
    target's own (an assignment into it selects or slices first)."""
    if not target._requires_grad:  # (first: reading an unset slot with a default is slow)
        return
    output = getattr(target, "_output_of_many", None)
    if output is None:
        return
    if made_by is None:
        made_by = target.grad_fn.name().removesuffix("Backward0") if target.grad_fn is not None else "View"
    else:
        output = 0
    raise RuntimeError_(
        f"Output {output} of {made_by} is a view and is being modified inplace. This view is the output of a "
        "function that returns multiple views. Such functions do not allow the output views to be modified "
        "inplace. You should replace the inplace operation by an out-of-place one."
    )


def write(array: np.ndarray, key, values) -> None:
    """`array[key] = values`. numpy marks expanded arrays and views of them read-only, but PyTorch
    writes through them into the memory they share (an expanded tensor's base included): such
    a write goes through a view of that memory marked writable (tried only when numpy refuses)."""
    try:
        array[key] = values
    except ValueError:
        if array.flags.writeable:
            raise  # not a read-only refusal: the values do not fit
        alias = array.view()
        try:
            alias.flags.writeable = True
        except ValueError:  # memory numpy cannot write at all
            raise RuntimeError_("assignment destination is read-only") from None
        alias[key] = values


def fill(target: Tensor, value, name: str) -> Tensor:
    """`fill_` and `zero_` (recorded as `name`): no check for shared memory locations (one value
    everywhere), as in PyTorch. The old values' history gets a zero gradient."""
    check_inplace(target, overlap_allowed=True)
    if type(value) is not int and type(value) is not float:  # (a plain number needs no check)
        _check_fill_value(value)
    return _overwrite(target, value, name)


def _check_fill_value(value) -> None:
    """PyTorch's refusals of a fill value: neither a number nor a 0-d tensor."""
    given = isinstance(value, Tensor)
    if not given and not _is_number(value):
        kind = type(value).__name__
        mismatch = f"      didn't match because some of the arguments have invalid types: (!{kind}!)\n"
        raise TypeError_(
            f"fill_() received an invalid combination of arguments - got ({kind}), but expected one of:\n"
            f" * (Tensor value)\n{mismatch} * (Number value)\n{mismatch}"
        )
    if given and value.ndim:
        raise RuntimeError_(
            f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions."
        )


def fill_random(target: Tensor, draw, name: str) -> Tensor:
    """`uniform_`, `normal_` (recorded as `name`): the values `draw()` gives for target's shape
    and dtype (drawn once the write is known to be allowed) replace the old ones, whose history
    gets a zero gradient as with `fill_`."""
    check_inplace(target, overlap_allowed=True)
    return _overwrite(target, Tensor._wrap(draw().reshape(target.array.shape)), name)


def _overwrite(target: Tensor, value, name: str) -> Tensor:
    """Values that do not depend on target's replace them, in place."""
    given = isinstance(value, Tensor)
    if not (_grad_state.enabled and (target._requires_grad or given and value._requires_grad)):
        write(target.array, ..., value.array if given else value)
        target._version[0] += 1
        target._duals = None  # constant values: no tangent
        return target
    _store_recorded(target, copy_values(_snapshot(target), value, name))
    return target


def _write_into(target: Tensor, result: Tensor) -> None:
    array, values = target.array, result.array
    if values.dtype is array.dtype and values.shape == array.shape:  # the common case: nothing to check
        write(array, ..., values)
        target._version[0] += 1
        return
    if result.dtype.category > target.dtype.category:
        raise RuntimeError_(
            f"result type {result.dtype.short_name} can't be cast to the desired output type "
            f"{target.dtype.short_name}"
        )
    if result.array.shape != target.array.shape:
        try:
            if np.broadcast_shapes(result.array.shape, target.array.shape) != target.array.shape:
                raise ValueError
        except ValueError:
            raise RuntimeError_(
                f"output with shape {list(target.array.shape)} doesn't match the broadcast shape "
                f"{list(np.broadcast_shapes(result.array.shape, target.array.shape))}"
            ) from None
    write(target.array, ..., result.array)
    target._version[0] += 1


def inplace(target: Tensor, op, *args) -> Tensor:
    """Run `op(target, *args)` and store the result into `target`, as PyTorch's `op_` does."""
    check_inplace(target, values=args)
    if not _grad_state.enabled and _updated_scalar(target, op, args):  # the SGD step's case
        return target
    for arg in args:
        if type(arg) is Tensor and arg is not target:
            _refuse_partial_overlap(target.array, arg.array)
    if not _grad_state.enabled:  # nothing records anyway
        result = op(target, *args)
    elif target._requires_grad or _any_requires_grad(args):
        _store_recorded(target, op(_snapshot(target), *args))
        return target
    else:
        result = run_without_grad(op, target, *args)
    _write_into(target, result)
    target._duals = result._duals  # forward mode: the new values' tangents
    return target


_SCALAR_UPDATES: dict = {}  # ops.add/sub/mul/div -> their primitive (filled on first use: ops imports us)


def _updated_scalar(target: Tensor, op, args: tuple) -> bool:
    """`w -= lr * g` on 0-d float tensors of one dtype, written straight into `target`'s array
    with the primitive's scalar arithmetic (the values op() would give): True if done."""
    if not _SCALAR_UPDATES:
        from .. import primitives
        from . import arithmetic

        _SCALAR_UPDATES.update({arithmetic.add: primitives.add, arithmetic.sub: primitives.sub,
                                arithmetic.mul: primitives.mul, arithmetic.div: primitives.div})
    prim = _SCALAR_UPDATES.get(op)
    if prim is None or not args or type(args[0]) is not Tensor or _active_levels:
        return False
    if len(args) > 1 and any(a is not None for a in args[1:]):  # alpha=, rounding_mode=
        return False
    array, other = target.array, args[0].array
    if array.shape or other.shape or other.dtype is not array.dtype or array.dtype.kind != "f":
        return False
    write(array, (), prim.forward(array[()], other[()]))
    target._version[0] += 1
    target._duals = None
    return True


def _any_requires_grad(args: tuple) -> bool:
    for a in args:
        if isinstance(a, Tensor) and a._requires_grad:
            return True
    return False


def _store_recorded(target: Tensor, result: Tensor) -> None:
    """Write a recorded result into `target`, which takes over its history; a view's base is
    copied first, for adopt to rewrite the base's history around the new values."""
    base_before = _snapshot(target._base) if target._base is not None else None
    _write_into(target, result)
    _saved_output_moved(result, target)
    adopt(target, result, base_before)


def _saved_output_moved(result: Tensor, target: Tensor) -> None:
    """A node that saved its output (exp_, sigmoid_, …) now finds it in target's memory, checked
    against target's version: a later in-place change of target fails at backward, as in PyTorch."""
    node = result.grad_fn
    saved = node.saved if node is not None else None
    if type(saved) is not tuple:
        return
    for record in saved[::2]:
        if type(record) is SavedOutput and record.version_box is result._version:
            record.array, record.version_box, record.version = target.array, target._version, target._version[0]


def _snapshot(target: Tensor) -> Tensor:
    """The old values, at the same place in the graph: what a node recorded by an in-place
    op must see, since `target` is about to be overwritten."""
    before = Tensor._wrap(target.array.copy())
    before._requires_grad = target._requires_grad
    before.grad_fn = target.grad_fn
    before._duals = target._duals
    return before


def _selects_everything(x: Tensor, key) -> bool:
    """Whether `x[key]` is all of `x` (only full slices and `...`): torch then writes into `x` itself."""
    parts = key if isinstance(key, tuple) else (key,)
    if not all(p is Ellipsis or isinstance(p, slice) for p in parts):
        return False
    slices = [p for p in parts if p is not Ellipsis]
    dim = 0
    for part in parts:
        if part is Ellipsis:
            dim += x.ndim - len(slices)
            continue
        if dim >= x.ndim or any(b is not None and not isinstance(b, int) for b in (part.start, part.stop, part.step)):
            return False
        if part.start not in (None, 0) or part.step not in (None, 1):
            return False
        if part.stop is not None and part.stop < x.array.shape[dim]:
            return False
        dim += 1
    return True


def setitem(target: Tensor, key, value) -> None:
    """`target[key] = value`: an in-place write, recorded as CopySlices when it needs a graph.

    A key that selects all of `target` writes into `target` itself, as torch does: the leaf
    message is then the plain one and the node is CopyBackwards (FillBackward3 for a 0-d value).
    """
    whole = _selects_everything(target, key)
    if _grad_state.enabled:  # an assignment first selects (an index) or slices (anything else)
        _refuse_output_of_many(target, "Select" if isinstance(key, int) else "Slice")
    if _grad_state.enabled and target.requires_grad and target.grad_fn is None and not whole:
        raise RuntimeError_("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    check_inplace(target, overlap_allowed=True)
    numpy_key, _name, basic = _normalise_index(target, key)
    if overlaps(target.array):
        _check_expanded_write(target.array, numpy_key, basic, value)
    if not basic:
        numpy_key = selected_first(target.array.shape, numpy_key)
    if not isinstance(value, Tensor) and not _is_number(value):
        raise TypeError_(f"can't assign a {type(value).__name__} to a torch.{target.dtype.legacy_name}")
    value_tensor = _coerce(value, target.dtype) if not isinstance(value, Tensor) else value
    if value_tensor.dtype is not target.dtype:
        value_tensor = to(value_tensor, target.dtype)
    region = target.array[numpy_key]
    _check_fits(value_tensor, region.shape)
    if basic:  # a region of target, written from values that share some of its memory: refused
        _refuse_partial_overlap(region, value_tensor.array)
    recorded = _grad_state.enabled and (target.requires_grad or value_tensor.requires_grad)
    if recorded or target._duals or value_tensor._duals:  # a graph, or forward-mode tangents, to update
        before = _snapshot(target)
        base_before = _snapshot(target._base) if recorded and target._base is not None else None
        if whole:
            result = copy_values(before, value_tensor, "FillBackward3" if value_tensor.ndim == 0 else "CopyBackwards")
        else:
            result = index_put(before, numpy_key, value_tensor, "CopySlices" if basic else "IndexPutBackward0")
        # Only the region: in an expanded target, other elements share its memory locations.
        write(target.array, numpy_key, result.array[numpy_key])
        adopt(target, result, base_before)
    else:
        try:
            write(target.array, numpy_key, value_tensor.array)
        except ValueError as exc:
            raise RuntimeError_(str(exc)) from None
    target._version[0] += 1


def _check_fits(value: Tensor, region: tuple) -> None:
    """`x[key] = value` expands the value to the indexed region, leading 1s of its shape dropped
    first, as PyTorch does; expand raises PyTorch's message where it does not fit."""
    shape = value.array.shape
    while shape and shape[0] == 1:
        shape = shape[1:]
    if shape != region:
        expand(Tensor._wrap(value.array.reshape(shape)), region)


def _check_expanded_write(array: np.ndarray, numpy_key: tuple, basic: bool, value) -> None:
    """`x[key] = value` where x has elements sharing memory, as PyTorch: the slices and integers
    of the key pick a view first; a view whose own elements share memory is refused, except that
    tensor (advanced) indices into it still write, with PyTorch's deprecation warnings."""
    if basic:
        if overlaps(array[numpy_key]):
            raise RuntimeError_(OVERLAP_ERROR)
        return
    advanced = [part for part in numpy_key if isinstance(part, np.ndarray)]
    if not overlaps(array[tuple(slice(None) if isinstance(part, np.ndarray) else part for part in numpy_key)]):
        return
    warn(_EXPANDED_WARNING.format(op="index_put_", example="tensor[indices] = tensor"), UserWarning)
    single_value = not isinstance(value, Tensor) or value.array.size == 1
    if len(advanced) == 1 and advanced[0].dtype == np.bool_ and single_value:  # PyTorch goes on to masked_fill_
        warn(_EXPANDED_WARNING.format(op="masked_fill_", example="tensor[mask] = scalar"), UserWarning)
