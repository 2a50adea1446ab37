"""Type promotion for the ops: operands and broadcast shapes checked as PyTorch checks them, Python
numbers and other dtypes converted to one result dtype (`to`), and `_binary`, the path every
differentiable binary op takes to `graph.apply`."""

from __future__ import annotations

import builtins

import numpy as np

from ...errors import RuntimeError_, TypeError_
from .. import dtypes, limits
from ..dtypes import DType, result_type
from ..forward_mode import active_levels as _active_levels
from ..grad_mode import _state as _grad_state
from ..graph import CONSTANT_VERSION, apply
from ..tensor import Tensor

P = None  # the primitive registry module, bound by ops._bind_primitives (primitives import ops)
_wrap = Tensor._wrap
_asarray = np.asarray
_ndarray = np.ndarray


def _scalar(value, dtype: DType) -> Tensor:
    return Tensor._wrap(np.asarray(value, dtype=dtype.numpy))


def _coerce(value, dtype: DType) -> Tensor:
    if isinstance(value, Tensor):
        return value if value.dtype is dtype else to(value, dtype)
    return _scalar(value, dtype)


def _is_number(value) -> bool:
    return type(value) in (int, float, bool) or isinstance(value, (np.integer, np.floating, np.bool_))


# An operand that is neither a tensor nor a number. The function forms (torch.add(t, None)) raise it
# as the TypeError it is; Tensor's operators give NotImplemented instead, so that Python reports
# the operator itself ("unsupported operand type(s) for +"), as for PyTorch's tensors.
UnsupportedOperand = type("TypeError", (TypeError_,), {"__module__": __name__})


def _check_operand(value, op: str):
    if isinstance(value, Tensor) or _is_number(value):
        return
    raise UnsupportedOperand(f"{op}(): argument 'other' (position 2) must be Tensor, not {type(value).__name__}")


def _broadcast_shape(a: Tensor, b) -> None:
    """Raise PyTorch's message when two tensors' shapes cannot broadcast."""
    if isinstance(b, Tensor):
        broadcast_shapes(a.array.shape, b.array.shape)


def broadcast_shapes(sa: tuple, sb: tuple) -> tuple:
    """The shape `sa` and `sb` broadcast to, or PyTorch's message for the first dim (from the last)
    where they cannot (and the size limit's, for a result too big to make)."""
    if sa == sb:
        return sa
    for i in range(1, builtins.min(len(sa), len(sb)) + 1):
        x, y = sa[-i], sb[-i]
        if x != y and x != 1 and y != 1:
            dim = builtins.max(len(sa), len(sb)) - i
            raise RuntimeError_(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                f"dimension {dim}"
            )
    limits.check_broadcast(sa, sb)
    return np.broadcast_shapes(sa, sb)


def _binary(prim, a, b, name: str | None = None, floating: bool = False):
    # Fast paths, same results: two tensors of one dtype and shape, or a float tensor and a Python
    # number (which never changes a float tensor's dtype).
    ta, tb = type(a), type(b)
    if ta is Tensor:
        dtype = a.array.dtype
        if tb is Tensor:
            other = b.array
            if other.dtype is dtype and other.shape == a.array.shape and (not floating or dtype.kind == "f"):
                return apply(prim, (a, b), None, name)
        elif (tb is float or tb is int) and dtype.kind == "f":
            return _with_number(prim, a, _asarray(b, dtype), name, number_first=False)
    elif tb is Tensor and (ta is float or ta is int):
        dtype = b.array.dtype
        if dtype.kind == "f":
            # `2 * x` is x.__rmul__(2), mul(x, 2) for PyTorch: the tensor first for a commutative op
            first = prim.name != "mul" and prim.name != "add"
            return _with_number(prim, b, _asarray(a, dtype), name, number_first=first)
    if not isinstance(a, Tensor):
        a, b = b, a  # only for the checks: the order below is restored
        swapped = True
    else:
        swapped = False
    _check_operand(b, prim.name)
    _broadcast_shape(a, b)
    if swapped:
        a, b = b, a
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a.dtype is b.dtype:
        dtype = a.dtype
    else:
        dtype = result_type((a, b))
    if floating and not dtype.is_floating_point:
        dtype = dtypes.DEFAULT_FLOAT
    return apply(prim, (_coerce(a, dtype), _coerce(b, dtype)), None, name)


# The nodes of PyTorch's Scalar overloads, which its derivative rules use (grad_mode.run_rule).
_SCALAR_OVERLOADS = {"mul": "MulBackward1", "add": "AddBackward1", "sub": "SubBackward1", "div": "DivBackward1"}


def _with_number(prim, x: Tensor, number, name: str | None, number_first: bool) -> Tensor:
    """`prim` on a float tensor and a Python number already made a 0-d array of its dtype."""
    if not (x._requires_grad and _grad_state.enabled) and not _active_levels:
        # Nothing to record: the op's value alone (on numpy scalars for 0-d values, as graph.apply does).
        value = x.array
        if prim.elementwise and not value.shape:
            value, number = value[()], number[()]
        data = prim.forward(number, value) if number_first else prim.forward(value, number)
        return _wrap(data if type(data) is _ndarray else _asarray(data))
    if name is None and _grad_state.in_rule:
        name = _SCALAR_OVERLOADS.get(prim.name)
    # The number is the operand of this op only: nothing else ever holds it, so it gets the
    # shared constant version box and a node saves its array alone (as PyTorch saves a
    # scalar), not a tensor.
    constant = _wrap(number)
    constant._version = CONSTANT_VERSION
    return apply(prim, (constant, x) if number_first else (x, constant), None, name)


def _nograd_binary(ufunc, a, b, dtype: DType | None = None) -> Tensor:
    """A binary op with no derivative: computed directly, never recorded."""
    ta = a if isinstance(a, Tensor) else None
    tb = b if isinstance(b, Tensor) else None
    if ta is not None:
        _check_operand(b, ufunc.__name__)
        _broadcast_shape(ta, b)
    elif tb is not None:
        _check_operand(a, ufunc.__name__)
    common = result_type((a, b))
    left = _coerce(a, common).array
    right = _coerce(b, common).array
    out = ufunc(left, right)
    return Tensor._wrap(np.asarray(out if dtype is None else out.astype(dtype.numpy)))


def _floating(x: Tensor) -> Tensor:
    return x if x.dtype.is_floating_point else to(x, dtypes.DEFAULT_FLOAT)


def _as_tensor(x) -> Tensor:
    if isinstance(x, Tensor):
        return x
    from ..creation import tensor

    return tensor(x)


def to(x: Tensor, dtype: DType | None = None, *args, copy: bool = False, **kwargs) -> Tensor:
    """x in `dtype`: x itself when it has it already, unless copy=True (a copy, ToCopyBackward0)."""
    if isinstance(dtype, str) or dtype is None:
        dtype = kwargs.get("dtype", next((a for a in args if isinstance(a, DType)), None))
        if dtype is None:
            dtype = x.dtype
    if dtype is x.dtype and not copy:
        return x
    if not dtype.is_floating_point:  # integers and bools carry no gradient: PyTorch's result is a leaf
        return _wrap(x.array.astype(dtype.numpy))
    return apply(P.to_dtype, (x,), {"dtype": dtype})
