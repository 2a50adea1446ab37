"""Arithmetic: + - * / ** and their reflected forms, maximum/minimum, floor division and remainder,
with PyTorch's grad_fn names (RsubBackward1, PowBackward2, ...) and its errors for bool operands."""

from __future__ import annotations

import functools

import numpy as np

from ...errors import NotImplementedError_, RuntimeError_, TypeError_
from .. import dtypes
from ..dtypes import result_type
from ..grad_mode import _state as _grad_state
from ..graph import apply
from ..tensor import Tensor
from .promotion import (
    UnsupportedOperand,
    _as_tensor,
    _binary,
    _broadcast_shape,
    _check_operand,
    _coerce,
    _floating,
    _is_number,
    _nograd_binary,
    broadcast_shapes,
    to,
)

P = None  # the primitive registry module, bound by ops._bind_primitives (primitives import ops)


def _scaled_sum(a, b, alpha, name: str, node_name: str | None = None) -> Tensor:
    """a + alpha * b, one node (the primitive's AddBackward0, or `node_name`: PyTorch's sub and
    rsub with alpha name theirs); a float alpha only with a floating result, as PyTorch allows."""
    dtype = result_type((a, b))
    if isinstance(alpha, float) and not dtype.is_floating_point:
        raise RuntimeError_("For integral input tensors, argument alpha must not be a floating point number.")
    _check_operand(b, name)
    a, b = _coerce(_as_tensor(a), dtype), _coerce(b, dtype)
    _broadcast_shape(a, b)
    return apply(P.add_scaled, (a, b), {"alpha": alpha}, node_name)


def add(a, b, alpha=None) -> Tensor:
    if alpha is not None:
        return _scaled_sum(a, b, alpha, "add")
    return _binary(P.add, a, b)


def _is_bool(value) -> bool:
    kind = type(value)
    return kind is bool or kind is np.bool_ or (kind is Tensor and value.array.dtype.kind == "b")


def _check_bool_subtraction(a, b) -> None:
    """PyTorch refuses `-` on bools (it would mean xor or not): the same two messages."""
    a_bool, b_bool = _is_bool(a), _is_bool(b)
    if a_bool and b_bool:
        raise RuntimeError_(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
            "`logical_xor()` operator instead."
        )
    if a_bool or b_bool:
        raise RuntimeError_(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a "
            "mask, use the `~` or `logical_not()` operator instead."
        )


def sub(a, b, alpha=None) -> Tensor:
    _check_bool_subtraction(a, b)
    if alpha is not None and isinstance(a, Tensor):
        return _scaled_sum(a, b, -alpha, "sub", "SubBackward0")
    if alpha is not None:
        b = mul(b, alpha)
    if not isinstance(a, Tensor):
        return rsub(b, a)
    return _binary(P.sub, a, b)


def rsub(x: Tensor, other, alpha=None) -> Tensor:
    """torch.rsub: `other - alpha * x` (RsubBackward0 for a tensor `other`, RsubBackward1 for a
    number, as `2 - x` records)."""
    if alpha is None and (type(other) is float or type(other) is int) and type(x) is Tensor \
            and x.array.dtype.kind == "f":  # `1 - x`, the common case: no bool to refuse
        return _binary(P.sub, other, x, name="RsubBackward1")
    _check_bool_subtraction(other, x)
    node_name = "RsubBackward0" if isinstance(other, Tensor) else "RsubBackward1"
    if alpha is not None:
        return _scaled_sum(other, _as_tensor(x), -alpha, "rsub", node_name)
    return _binary(P.sub, other, x, name=node_name)


def mul(a, b) -> Tensor:
    return _binary(P.mul, a, b)


def div(a, b, rounding_mode=None) -> Tensor:
    if rounding_mode not in (None, "trunc", "floor"):
        raise RuntimeError_(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
        )
    if rounding_mode is not None:
        floor = rounding_mode == "floor"
        if _recorded(a, b):
            return _binary(P.div_floor if floor else P.div_trunc, a, b)
        if floor:
            return floor_divide(a, b)
        _refuse_bool_division(a, b, "div_trunc_cpu")
        return _nograd_binary(_integer_division(_trunc), a, b)
    return _binary(P.div, a, b, floating=True)  # a number first too: torch.div(3, x) is DivBackward0


def rdiv(x: Tensor, other) -> Tensor:
    """`other / x` for a Python number: PyTorch computes reciprocal(x) * other (MulBackward0)."""
    if isinstance(other, Tensor):
        return div(other, x)
    return mul(reciprocal(_floating(x)), other)


def neg(x: Tensor) -> Tensor:
    if x.array.dtype.kind == "b":
        raise RuntimeError_(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
            "mask, use the `~` or `logical_not()` operator instead."
        )
    return apply(P.neg, (x,))


def reciprocal(x: Tensor) -> Tensor:
    return apply(P.reciprocal, (_floating(x),))


def _refuse_bool_powers(base, exponent) -> None:
    """PyTorch raises a bool tensor to a Python bool, but has no pow of bools by a bool tensor."""
    if result_type((base, exponent)) is dtypes.bool_:
        raise NotImplementedError_("\"pow\" not implemented for 'Bool'")


def pow(base, exponent) -> Tensor:  # noqa: A001 - torch.pow
    if not isinstance(base, Tensor):
        return rpow(exponent, base)
    if isinstance(exponent, Tensor):
        _refuse_bool_powers(base, exponent)
        return _binary(P.pow_, base, exponent)
    if not _is_number(exponent):
        raise UnsupportedOperand(
            f"unsupported operand type(s) for ** or pow(): 'Tensor' and '{type(exponent).__name__}'"
        )
    dtype = result_type((base, exponent))
    if not dtype.is_floating_point and exponent < 0:
        raise RuntimeError_("Integers to negative integer powers are not allowed.")
    return apply(P.pow_scalar, (_coerce(base, dtype),), {"exponent": exponent})


def pow_scalar(x: Tensor, exponent) -> Tensor:
    return apply(P.pow_scalar, (x,), {"exponent": exponent})


def rpow(x: Tensor, base) -> Tensor:
    """`base ** x` for a Python number `base` (PowBackward2)."""
    if isinstance(base, Tensor):
        return pow(base, x)
    _refuse_bool_powers(base, x)
    return _binary(P.pow_, base, x, name="PowBackward2")


def square(x: Tensor) -> Tensor:
    return pow(x, 2)


def tensor_argument(op: str, name: str, position: int, value) -> Tensor:
    """`value`, which must be a tensor (PyTorch's binary functions without a number overload)."""
    if not isinstance(value, Tensor):
        raise TypeError_(f"{op}(): argument '{name}' (position {position}) must be Tensor, not {type(value).__name__}")
    return value


def _two_tensors(op: str, a, b) -> tuple[Tensor, Tensor]:
    return tensor_argument(op, "input", 1, a), tensor_argument(op, "other", 2, b)


def maximum(a: Tensor, b: Tensor) -> Tensor:
    return _binary(P.maximum, *_two_tensors("maximum", a, b))


def minimum(a: Tensor, b: Tensor) -> Tensor:
    return _binary(P.minimum, *_two_tensors("minimum", a, b))


def _refuse_bool_division(a, b, kernel: str) -> None:
    if result_type((a, b)) is dtypes.bool_:
        raise NotImplementedError_(f"\"{kernel}\" not implemented for 'Bool'")


def _integer_division(ufunc):
    """`ufunc` refusing an integer division by zero with PyTorch's message (named as `ufunc`, for
    the messages that name the op)."""

    @functools.wraps(ufunc)
    def divide(a, b):
        if np.asarray(a).dtype.kind in "iub" and np.any(np.asarray(b) == 0):
            raise RuntimeError_("ZeroDivisionError")  # PyTorch's whole message for integers
        return ufunc(a, b)

    return divide


_floor_divide = _integer_division(np.floor_divide)
integer_remainder = _integer_division(np.remainder)  # the remainder primitive's integer case
integer_fmod = _integer_division(np.fmod)  # the fmod primitive's integer case


def _trunc(a, b):
    if np.asarray(a).dtype.kind == "f":
        return np.trunc(a / b)
    quotient = np.floor_divide(a, b)
    return quotient + ((quotient < 0) & (quotient * b != a))  # rounded towards zero, in integers


def _recorded(a, b) -> bool:
    """Whether an op on a and b is recorded for backward (only a float tensor can require grad)."""
    return _grad_state.enabled and any(type(t) is Tensor and t._requires_grad for t in (a, b))


def floor_divide(a, b) -> Tensor:
    if _recorded(a, b):
        return _binary(P.floor_divide, a, b)
    _refuse_bool_division(a, b, "div_floor_cpu")
    return _nograd_binary(_floor_divide, a, b)


def remainder(a, b) -> Tensor:
    """a % b (RemainderBackward0 for a Python-number divisor, RemainderBackward1 for a tensor)."""
    _refuse_bool_division(a, b, "remainder_cpu")
    if isinstance(b, Tensor):
        return _binary(P.remainder, a, b)
    return _binary(P.remainder, a, b, name="RemainderBackward0")


def fmod(a, b) -> Tensor:
    """a mod b with the dividend's sign (FmodBackward0 for a Python-number divisor, 1 for a tensor)."""
    _refuse_bool_division(a, b, "fmod_cpu")
    if isinstance(b, Tensor):
        return _binary(P.fmod, a, b)
    return _binary(P.fmod, a, b, name="FmodBackward0")


def atan2(a, b) -> Tensor:
    """The angle of the point (b, a), elementwise, with broadcasting (integers give floats)."""
    return _binary(P.atan2, *_two_tensors("atan2", a, b), floating=True)


def hypot(a, b) -> Tensor:
    a, b = _two_tensors("hypot", a, b)
    dtype = result_type((a, b))
    if not dtype.is_floating_point:
        raise NotImplementedError_(f"\"hypot_cpu\" not implemented for '{dtype.short_name}'")
    return _binary(P.hypot, a, b)


def lerp(start: Tensor, end: Tensor, weight) -> Tensor:
    """start + weight * (end - start), by PyTorch's formula that is exact at both ends."""
    start, end = _as_tensor(start), _as_tensor(end)
    given = isinstance(weight, Tensor)
    if end.dtype is not start.dtype:
        raise RuntimeError_(f"expected dtype {start.dtype.cpp_name} for `end` but got dtype {end.dtype.cpp_name}")
    if given and weight.ndim and weight.dtype is not start.dtype:  # (a 0-d weight is converted, as a number)
        raise RuntimeError_(f"expected dtype {start.dtype.cpp_name} for `weight` but got dtype {weight.dtype.cpp_name}")
    if not start.dtype.is_floating_point:
        kernel = "lerp_kernel_tensor" if given else "lerp_kernel_scalar"
        raise NotImplementedError_(f"\"{kernel}\" not implemented for '{start.dtype.short_name}'")
    if not given:
        _broadcast_shape(start, end)
        return apply(P.lerp, (start, end), {"weight": weight})
    weight = weight if weight.dtype is start.dtype else to(weight, start.dtype)
    broadcast_shapes(broadcast_shapes(start.array.shape, end.array.shape), weight.array.shape)
    return apply(P.lerp_tensor, (start, end, weight))


def addcmul(x: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1) -> Tensor:
    """x + value * tensor1 * tensor2, the three broadcast together."""
    operands = _three_broadcast(x, tensor1, tensor2)
    if operands[0].dtype is dtypes.bool_:
        raise NotImplementedError_("\"addcmul_cpu_out\" not implemented for 'Bool'")
    return apply(P.addcmul, operands, {"value": value})


def addcdiv(x: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1) -> Tensor:
    """x + value * tensor1 / tensor2, the three broadcast together (floats only, as PyTorch now)."""
    if not (_as_tensor(tensor1).dtype.is_floating_point or _as_tensor(tensor2).dtype.is_floating_point):
        raise RuntimeError_(_INTEGER_ADDCDIV)
    return apply(P.addcdiv, _three_broadcast(x, tensor1, tensor2), {"value": value})


_INTEGER_ADDCDIV = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true "
    "division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * "
    "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) "
    "for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
    "tensor2), for all dtypes."
)


def _three_broadcast(x, tensor1, tensor2) -> tuple[Tensor, Tensor, Tensor]:
    """The three operands in their common dtype, checked to broadcast together."""
    operands = (_as_tensor(x), _as_tensor(tensor1), _as_tensor(tensor2))
    dtype = result_type(operands)
    x, tensor1, tensor2 = (_coerce(t, dtype) for t in operands)
    broadcast_shapes(broadcast_shapes(x.array.shape, tensor1.array.shape), tensor2.array.shape)
    return x, tensor1, tensor2

