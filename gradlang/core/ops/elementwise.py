"""Differentiable elementwise functions: exp, log, the trigonometric and activation functions, abs,
clamp (with PyTorch's Clamp/ClampMin/ClampMax names) and where."""

from __future__ import annotations

import numpy as np

from ...errors import NotImplementedError_, RuntimeError_, TypeError_
from .. import dtypes, limits
from ..dtypes import result_type
from ..graph import apply, renamed
from ..tensor import Tensor
from .promotion import _as_tensor, _coerce, _floating, broadcast_shapes, to

P = None  # the primitive registry module, bound by ops._bind_primitives (primitives import ops)


def _unary_float(name: str):
    prim = None  # bound on first use (the registry is bound after this module)

    def op(x) -> Tensor:
        nonlocal prim
        if prim is None:
            prim = P.PRIMITIVES[name]
        if type(x) is not Tensor or x.array.dtype.kind != "f":  # a float tensor needs neither
            x = _floating(_as_tensor(x))
        return apply(prim, (x,))

    op.__name__ = op.__qualname__ = name  # (Python names it in an argument error: "exp() got …")
    op.__doc__ = f"Elementwise {name}, differentiable."
    return op


exp = _unary_float("exp")
log = _unary_float("log")
log1p = _unary_float("log1p")
sin = _unary_float("sin")
cos = _unary_float("cos")
tan = _unary_float("tan")
tanh = _unary_float("tanh")
sigmoid = _unary_float("sigmoid")
sqrt = _unary_float("sqrt")
exp2 = _unary_float("exp2")
expm1 = _unary_float("expm1")
log2 = _unary_float("log2")
log10 = _unary_float("log10")
sinh = _unary_float("sinh")
cosh = _unary_float("cosh")
asin = _unary_float("asin")
acos = _unary_float("acos")
atan = _unary_float("atan")
rsqrt = _unary_float("rsqrt")
erf = _unary_float("erf")
erfc = _unary_float("erfc")
asinh = _unary_float("asinh")
acosh = _unary_float("acosh")
atanh = _unary_float("atanh")


def _not_for(x: Tensor, kernel: str, kinds: str) -> Tensor:
    """x, unless its dtype's kind is in `kinds`: then PyTorch's "not implemented" error."""
    if x.array.dtype.kind in kinds:
        raise NotImplementedError_(f"\"{kernel}\" not implemented for '{x.dtype.short_name}'")
    return x


def floor(x) -> Tensor:
    return apply(P.PRIMITIVES["floor"], (_not_for(_as_tensor(x), "floor_vml_cpu", "b"),))


def ceil(x) -> Tensor:
    return apply(P.PRIMITIVES["ceil"], (_not_for(_as_tensor(x), "ceil_vml_cpu", "b"),))


def trunc(x) -> Tensor:
    return apply(P.PRIMITIVES["trunc"], (_not_for(_as_tensor(x), "trunc_vml_cpu", "b"),))


def frac(x) -> Tensor:
    return apply(P.PRIMITIVES["frac"], (_not_for(_as_tensor(x), "frac_cpu", "biu"),))


def round(x, *, decimals=None) -> Tensor:  # noqa: A001 - torch.round
    """Half to even; `decimals` (given at all, even 0) picks PyTorch's other overload, RoundBackward1."""
    x = _as_tensor(x)
    if decimals is None:
        return apply(P.PRIMITIVES["round"], (_not_for(x, "round_vml_cpu", "b"),))
    kernel = "round_vml_cpu" if decimals == 0 else "round_cpu"
    return apply(P.PRIMITIVES["round_decimals"], (_not_for(x, kernel, "biu"),), {"decimals": int(decimals)})


def nan_to_num(x, nan=0.0, posinf=None, neginf=None) -> Tensor:
    """NaN, +inf and -inf replaced (by 0 and the dtype's largest and lowest values unless given)."""
    return apply(P.PRIMITIVES["nan_to_num"], (_as_tensor(x),), {"nan": nan, "posinf": posinf, "neginf": neginf})


def isinf(x) -> Tensor:
    return Tensor._wrap(np.asarray(np.isinf(_as_tensor(x).array)))


def isfinite(x) -> Tensor:
    return Tensor._wrap(np.asarray(np.isfinite(_as_tensor(x).array)))


def sign(x: Tensor) -> Tensor:
    """-1, 0 or 1 (SignBackward0: a zero gradient)."""
    return apply(P.PRIMITIVES["sign"], (_as_tensor(x),))


def threshold_backward(g: Tensor, out: Tensor) -> Tensor:
    """relu's gradient: `g` where `out` is positive or NaN, +0 elsewhere (differentiable, for create_graph)."""
    return apply(P.PRIMITIVES["threshold_backward"], (g, out))


def tanh_backward(g: Tensor, y: Tensor) -> Tensor:
    """tanh's gradient `g * (1 - y*y)` from its output `y` (differentiable, for create_graph)."""
    return apply(P.PRIMITIVES["tanh_backward"], (g, y))


def sigmoid_backward(g: Tensor, y: Tensor) -> Tensor:
    """sigmoid's gradient `g * (1 - y) * y` from its output `y` (differentiable, for create_graph)."""
    return apply(P.PRIMITIVES["sigmoid_backward"], (g, y))


def gelu_backward(g: Tensor, x: Tensor, approximate: str = "none") -> Tensor:
    """gelu's gradient `g * gelu'(x)` (differentiable, for create_graph)."""
    return apply(P.PRIMITIVES["gelu_backward"], (g, x), {"approximate": approximate})


def relu(x: Tensor) -> Tensor:
    x = _as_tensor(x)
    if x.dtype is dtypes.bool_:
        raise RuntimeError_("Boolean inputs not supported for relu")
    return apply(P.PRIMITIVES["relu"], (x,))


def abs(x: Tensor) -> Tensor:  # noqa: A001 - torch.abs
    return apply(P.PRIMITIVES["abs"], (_not_for(_as_tensor(x), "abs_cpu", "b"),))


_BOUNDS: dict = {}  # (low, its type, high, its type, numpy dtype) -> clamp's params: a loop clamps to the same ones


def _bounds(low, high, x: Tensor) -> dict:
    """clamp's params for Python-number bounds (None where there is none), as numpy scalars of
    x's dtype. One dict per pair of bounds, made once (nodes only read their params)."""
    dtype = x.array.dtype
    # 1 and 1.0 and True are equal keys: the types tell them apart; 0. and -0. are equal keys too,
    # and a NaN matches no key, so bounds of zero or NaN are not kept
    kept = (low is None or low and low == low) and (high is None or high and high == high)
    key = (low, type(low), high, type(high), dtype)
    found = _BOUNDS.get(key) if kept else None
    if found is None:
        found = {"low": None if low is None else dtype.type(low), "high": None if high is None else dtype.type(high)}
        if kept:
            if len(_BOUNDS) > 256:
                _BOUNDS.clear()
            _BOUNDS[key] = found
    return found


def clamp(x: Tensor, min=None, max=None) -> Tensor:  # noqa: A002 - PyTorch's argument names
    if min is None and max is None:
        raise RuntimeError_("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if not all(bound is None or isinstance(bound, Tensor) for bound in (min, max)):
            # PyTorch has a clamp of tensors by tensors and one by numbers, none that mixes them
            got = ", ".join(f"{key}={type(bound).__name__}" for key, bound in (("max", max), ("min", min))
                            if bound is not None)
            raise TypeError_(
                f"clamp() received an invalid combination of arguments - got (Tensor, {got}), but expected one of:\n"
                " * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
                " * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n"
            )
        return _clamp_to_tensors(x, min, max, "ClampBackward0")
    return _clamp_to_numbers(x, min, max)


def _clamp_to_tensors(x: Tensor, low, high, name: str) -> Tensor:
    """clamp with a tensor bound (ClampBackward0, ClampMinBackward1, ClampMaxBackward1), in the
    dtype all three promote to. clamp itself always has three inputs: a missing bound is a
    placeholder that nothing reads."""
    given = [bound for bound in (low, high) if bound is not None]
    dtype = result_type([x, *given])
    x = _coerce(x, dtype)
    bounds = [None if bound is None else _coerce(_as_tensor(bound), dtype) for bound in (low, high)]
    _broadcast_in_order((x, *[b for b in bounds if b is not None]))
    if name == "ClampBackward0":
        slots = tuple(slot if bound is not None else None for slot, bound in zip(("low", "high"), bounds))
        inputs = (x, *(bound if bound is not None else _PLACEHOLDER for bound in bounds))
    else:
        slots = ("low",) if low is not None else ("high",)
        inputs = (x, bounds[0] if low is not None else bounds[1])
    return apply(P.clamp_tensors if len(inputs) == 3 else P.clamp_tensor, inputs, {"slots": slots}, name)


_PLACEHOLDER = Tensor._wrap(np.zeros((), np.float32))  # a missing bound's input: never read


_PLAIN_BOUNDS = (float, int, type(None))


def _clamp_to_numbers(x: Tensor, low, high, name: str | None = None) -> Tensor:
    """clamp with Python-number bounds, in the dtype they promote `x` to (a bool tensor clamped to
    ints gives int64): PyTorch has no clamp of bools by bools."""
    if x.array.dtype.kind == "f" and type(low) in _PLAIN_BOUNDS and type(high) in _PLAIN_BOUNDS:
        # the common case: Python numbers never change a float tensor's dtype
        return apply(P.clamp, (x,), _bounds(low, high, x), name)
    dtype = result_type([x] + [bound for bound in (low, high) if bound is not None])
    if dtype is dtypes.bool_:
        kernel = "clamp" if low is not None and high is not None else "clamp_min" if high is None else "clamp_max"
        raise NotImplementedError_(f"\"{kernel}_scalar_cpu\" not implemented for 'Bool'")
    x = to(x, dtype)
    return apply(P.clamp, (x,), _bounds(low, high, x), name)


def clamp_min(x: Tensor, min) -> Tensor:  # noqa: A002
    if isinstance(min, Tensor):
        return _clamp_to_tensors(x, min, None, "ClampMinBackward1")
    return _clamp_to_numbers(x, min, None, "ClampMinBackward0")


def clamp_max(x: Tensor, max) -> Tensor:  # noqa: A002
    if isinstance(max, Tensor):
        return _clamp_to_tensors(x, None, max, "ClampMaxBackward1")
    return _clamp_to_numbers(x, None, max, "ClampMaxBackward0")


_ONLY_CONDITION = object()  # where(condition): the positions where it holds


def where(condition: Tensor, a=_ONLY_CONDITION, b=_ONLY_CONDITION):
    if a is _ONLY_CONDITION and b is _ONLY_CONDITION:
        return nonzero(_as_tensor(condition), as_tuple=True)
    if a is _ONLY_CONDITION or b is _ONLY_CONDITION:
        raise TypeError_(
            "where() received an invalid combination of arguments - got (Tensor, Tensor), but expected one of:\n"
            " * (Tensor condition)\n"
            " * (Tensor condition, Tensor input, Tensor other, *, Tensor out = None)\n"
            " * (Tensor condition, Number self, Tensor other)\n"
            " * (Tensor condition, Tensor input, Number other)\n"
            " * (Tensor condition, Number self, Number other)\n"
        )
    condition = _as_tensor(condition)
    if condition.dtype is not dtypes.bool_:
        raise RuntimeError_(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                            f"{condition.dtype.short_name}")
    dtype = result_type((a, b))
    ta, tb = _coerce(a, dtype), _coerce(b, dtype)
    _broadcast_in_order((condition, ta, tb))
    limits.check_broadcast(condition.array.shape, ta.array.shape, tb.array.shape)
    return apply(P.where, (ta, tb, condition))


def _broadcast_in_order(operands: tuple[Tensor, ...]) -> None:
    """PyTorch broadcasts several operands one after another: a mismatch is reported between the
    shape so far (tensor a) and the next operand's (tensor b)."""
    shape = operands[0].array.shape
    for operand in operands[1:]:
        shape = broadcast_shapes(shape, operand.array.shape)


def masked_fill(x: Tensor, mask: Tensor, value) -> Tensor:
    """`value` where `mask` holds, `x` elsewhere, in x's dtype: MaskedFillBackward0 for a number,
    MaskedFillBackward1 for a 0-d tensor (whose gradient sums the masked places)."""
    mask = _as_tensor(mask)
    if mask.dtype is not dtypes.bool_:
        raise RuntimeError_(f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype.cpp_name}")
    given = isinstance(value, Tensor)
    if given and value.ndim:
        raise RuntimeError_(
            f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.ndim} dimension(s)."
        )
    broadcast_shapes(mask.array.shape, x.array.shape)
    keep = Tensor._wrap(~mask.array)
    keep._version = mask._version  # saved for where's gradient: changing the mask in place is caught
    out = where(keep, x, _coerce(value, x.dtype) if given else Tensor._wrap(np.asarray(value).astype(x.array.dtype)))
    return renamed(out, "MaskedFillBackward1" if given else "MaskedFillBackward0")


def _triangle(x: Tensor, diagonal: int, lower: bool) -> Tensor:
    name = "tril" if lower else "triu"
    if x.ndim < 2:
        raise RuntimeError_(f"{name}: input tensor must have at least 2 dimensions")
    rows, columns = x.array.shape[-2:]
    keep = (np.tri(rows, columns, diagonal, dtype=bool) if lower
            else ~np.tri(rows, columns, diagonal - 1, dtype=bool))
    out = where(Tensor._wrap(keep), x, Tensor._wrap(np.zeros((), x.array.dtype)))
    return renamed(out, "TrilBackward0" if lower else "TriuBackward0")


def tril(x: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below `diagonal`) of the last two dims; zeros elsewhere."""
    return _triangle(x, diagonal, lower=True)


def triu(x: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above `diagonal`) of the last two dims; zeros elsewhere."""
    return _triangle(x, diagonal, lower=False)



def nonzero(x: Tensor, as_tuple: bool = False):
    """The indices of x's non-zero values: one row per value (int64), or with as_tuple one
    index tensor per dimension (a 0-d x counts as one-dimensional there)."""
    values = x.array
    if as_tuple:
        positions = np.nonzero(values if values.ndim else values.reshape(1))
        return tuple(Tensor._wrap(np.asarray(i, dtype=np.int64)) for i in positions)
    if not values.ndim:
        return Tensor._wrap(np.zeros((1 if values else 0, 0), dtype=np.int64))
    return Tensor._wrap(np.argwhere(values).astype(np.int64))
