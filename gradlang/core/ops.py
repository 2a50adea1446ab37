"""The differentiable operations users call (`T.add`, `T.sigmoid`, `x @ y`, …).

Each op checks its arguments, applies PyTorch's type promotion, picks the grad_fn name
PyTorch would give the same expression, and runs one primitive through `graph.apply`.
"""

from __future__ import annotations

import builtins
from collections import namedtuple

import numpy as np

from ..errors import IndexError_, RuntimeError_, TypeError_
from . import dtypes, limits
from .dtypes import DType, result_type
from .grad_mode import _state as _grad_state
from .graph import CONSTANT_VERSION, apply, rename
from .notices import warn
from .tensor import Tensor

P = None  # the primitive registry module, bound below (primitives import this module)
_wrap = Tensor._wrap
_asarray = np.asarray


# ---------------------------------------------------------------- helpers


def constant(array: np.ndarray) -> Tensor:
    """A tensor that requires no grad around a numpy array."""
    return Tensor._wrap(np.asarray(array))


def constant_like(value: float, like: Tensor) -> Tensor:
    return Tensor._wrap(np.asarray(value, dtype=like.array.dtype))


def _scalar(value, dtype: DType) -> Tensor:
    return Tensor._wrap(np.asarray(value, dtype=dtype.numpy))


def _coerce(value, dtype: DType) -> Tensor:
    if isinstance(value, Tensor):
        return value if value.dtype is dtype else to(value, dtype)
    return _scalar(value, dtype)


def _check_operand(value, op: str):
    if isinstance(value, Tensor) or type(value) in (int, float, bool):
        return
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return
    raise TypeError_(f"unsupported operand type(s) for {op}: 'Tensor' and '{type(value).__name__}'")


def _broadcast_shape(a: Tensor, b) -> None:
    """Raise PyTorch's message when two shapes cannot broadcast."""
    if not isinstance(b, Tensor):
        return
    sa, sb = a.array.shape, b.array.shape
    if sa == sb:
        return
    for i in range(1, builtins.min(len(sa), len(sb)) + 1):
        x, y = sa[-i], sb[-i]
        if x != y and x != 1 and y != 1:
            dim = builtins.max(len(sa), len(sb)) - i
            raise RuntimeError_(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                f"dimension {dim}"
            )
    limits.check_broadcast(sa, sb)


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
            # A Python number as the operand of this op only: nothing else ever holds it, so it
            # gets the shared constant version box and a node saves its array alone (as PyTorch
            # saves a scalar), not a tensor.
            number = _wrap(_asarray(b, dtype))
            number._version = CONSTANT_VERSION
            return apply(prim, (a, number), None, name)
    elif tb is Tensor and (ta is float or ta is int):
        dtype = b.array.dtype
        if dtype.kind == "f":
            number = _wrap(_asarray(a, dtype))
            number._version = CONSTANT_VERSION
            return apply(prim, (number, b), None, name)
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


def _floating(x: Tensor) -> Tensor:
    return x if x.dtype.is_floating_point else to(x, dtypes.DEFAULT_FLOAT)


def _as_tensor(x) -> Tensor:
    if isinstance(x, Tensor):
        return x
    from .creation import tensor

    return tensor(x)


def _dims(dim, ndim: int) -> tuple[int, ...]:
    """Normalise a dim argument (int or sequence, negatives allowed) to sorted positive dims."""
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(sorted(_wrap_dim(d, ndim) for d in dims))


def _wrap_dim(dim: int, ndim: int) -> int:
    rank = builtins.max(ndim, 1)
    if not -rank <= dim < rank:
        raise IndexError_(
            f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {dim})"
        )
    return dim % rank


def _share_storage(view: Tensor, base: Tensor) -> Tensor:
    """Views of a tensor share its version counter (and remember a base that is a leaf)."""
    if np.may_share_memory(view.array, base.array):
        view._version = base._version
        view._base = base._base if base._base is not None else base
    return view


# ---------------------------------------------------------------- arithmetic


def add(a, b, alpha=None) -> Tensor:
    if alpha is not None:
        b = mul(b, alpha)
    return _binary(P.add, a, b)


def _check_bool_subtraction(a, b) -> None:
    is_bool = [isinstance(v, (bool, np.bool_)) or (isinstance(v, Tensor) and v.dtype is dtypes.bool_) for v in (a, b)]
    if all(is_bool):
        raise RuntimeError_(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
            "`logical_xor()` operator instead."
        )
    if any(is_bool):
        raise RuntimeError_(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a "
            "mask, use the `~` or `logical_not()` operator instead."
        )


def sub(a, b, alpha=None) -> Tensor:
    _check_bool_subtraction(a, b)
    if alpha is not None:
        b = mul(b, alpha)
    if not isinstance(a, Tensor):
        return rsub(b, a)
    return _binary(P.sub, a, b)


def rsub(x: Tensor, other) -> Tensor:
    """`other - x` for a Python number `other` (PyTorch's RsubBackward1)."""
    _check_bool_subtraction(other, x)
    if isinstance(other, Tensor):
        return _binary(P.sub, other, x)
    return _binary(P.sub, other, x, name="RsubBackward1")


def mul(a, b) -> Tensor:
    return _binary(P.mul, a, b)


def div(a, b, rounding_mode=None) -> Tensor:
    if rounding_mode is not None:
        return floor_divide(a, b) if rounding_mode == "floor" else _nograd_binary(np.trunc_divide, a, b)
    if not isinstance(a, Tensor):
        return rdiv(b, a)
    return _binary(P.div, a, b, floating=True)


def rdiv(x: Tensor, other) -> Tensor:
    """`other / x` for a Python number: PyTorch computes reciprocal(x) * other (MulBackward0)."""
    if isinstance(other, Tensor):
        return div(other, x)
    return mul(reciprocal(_floating(x)), other)


def neg(x: Tensor) -> Tensor:
    if x.dtype is dtypes.bool_:
        raise RuntimeError_(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
            "mask, use the `~` or `logical_not()` operator instead."
        )
    return apply(P.neg, (x,))


def reciprocal(x: Tensor) -> Tensor:
    return apply(P.reciprocal, (_floating(x),))


def pow(base, exponent) -> Tensor:  # noqa: A001 - torch.pow
    if not isinstance(base, Tensor):
        return rpow(exponent, base)
    if isinstance(exponent, Tensor):
        return _binary(P.pow_, base, exponent)
    _check_operand(exponent, "** or pow()")
    dtype = result_type((base, exponent))
    return apply(P.pow_scalar, (_coerce(base, dtype),), {"exponent": exponent})


def pow_scalar(x: Tensor, exponent) -> Tensor:
    return apply(P.pow_scalar, (x,), {"exponent": exponent})


def rpow(x: Tensor, base) -> Tensor:
    """`base ** x` for a Python number `base` (PowBackward2)."""
    if isinstance(base, Tensor):
        return pow(base, x)
    return _binary(P.pow_, base, x, name="PowBackward2")


def square(x: Tensor) -> Tensor:
    return pow(x, 2)


def maximum(a: Tensor, b: Tensor) -> Tensor:
    return _binary(P.maximum, _as_tensor(a), _as_tensor(b))


def minimum(a: Tensor, b: Tensor) -> Tensor:
    return _binary(P.minimum, _as_tensor(a), _as_tensor(b))


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


def floor_divide(a, b) -> Tensor:
    return _nograd_binary(np.floor_divide, a, b)


def remainder(a, b) -> Tensor:
    return _nograd_binary(np.remainder, a, b)


def _comparison(ufunc, name: str):
    def compare(a, b) -> Tensor:
        return _nograd_binary(ufunc, a, b)

    compare.__name__ = name
    compare.__doc__ = f"Elementwise {ufunc.__name__}: a bool tensor, never recorded."
    return compare


eq = _comparison(np.equal, "eq")
ne = _comparison(np.not_equal, "ne")
lt = _comparison(np.less, "lt")
le = _comparison(np.less_equal, "le")
gt = _comparison(np.greater, "gt")
ge = _comparison(np.greater_equal, "ge")


def _logical(ufunc, a, b) -> Tensor:
    for operand in (a, b):
        if isinstance(operand, Tensor) and operand.dtype.is_floating_point:
            raise RuntimeError_(f'"{ufunc.__name__}_cpu" not implemented for \'{operand.dtype.short_name}\'')
    return _nograd_binary(ufunc, a, b)


def bitwise_and(a, b) -> Tensor:
    return _logical(np.bitwise_and, a, b)


def bitwise_or(a, b) -> Tensor:
    return _logical(np.bitwise_or, a, b)


def bitwise_xor(a, b) -> Tensor:
    return _logical(np.bitwise_xor, a, b)


def bitwise_not(x: Tensor) -> Tensor:
    if x.dtype.is_floating_point:
        raise RuntimeError_(f"\"bitwise_not_cpu\" not implemented for '{x.dtype.short_name}'")
    return Tensor._wrap(np.asarray(np.invert(x.array)))


def logical_not(x: Tensor) -> Tensor:
    return Tensor._wrap(np.asarray(np.logical_not(x.array)))


def sign(x: Tensor) -> Tensor:
    return Tensor._wrap(np.asarray(np.sign(x.array)))


def isnan(x: Tensor) -> Tensor:
    return Tensor._wrap(np.asarray(np.isnan(x.array)))


# ---------------------------------------------------------------- elementwise functions


def _unary_float(name: str):
    def op(x) -> Tensor:
        x = _as_tensor(x)
        return apply(P.PRIMITIVES[name], (_floating(x),))

    op.__name__ = name
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


def relu(x: Tensor) -> Tensor:
    return apply(P.PRIMITIVES["relu"], (_as_tensor(x),))


def abs(x: Tensor) -> Tensor:  # noqa: A001 - torch.abs
    return apply(P.PRIMITIVES["abs"], (_as_tensor(x),))


def _bound(value, x: Tensor):
    if value is None:
        return None
    if isinstance(value, Tensor):
        return value
    return x.dtype.numpy.type(value)


def clamp(x: Tensor, min=None, max=None) -> Tensor:  # noqa: A002 - PyTorch's argument names
    if min is None and max is None:
        raise RuntimeError_("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = x
        if min is not None:
            out = maximum(out, _as_tensor(min))
        if max is not None:
            out = minimum(out, _as_tensor(max))
        if out.grad_fn is not None:
            rename(out.grad_fn, "ClampBackward0")
        return out
    if not x.dtype.is_floating_point and (isinstance(min, float) or isinstance(max, float)):
        x = to(x, dtypes.DEFAULT_FLOAT)
    return apply(P.clamp, (x,), {"low": _bound(min, x), "high": _bound(max, x)})


def clamp_min(x: Tensor, min) -> Tensor:  # noqa: A002
    return apply(P.clamp, (x,), {"low": _bound(min, x), "high": None}, "ClampMinBackward0")


def clamp_max(x: Tensor, max) -> Tensor:  # noqa: A002
    return apply(P.clamp, (x,), {"low": None, "high": _bound(max, x)}, "ClampMaxBackward0")


def where(condition: Tensor, a, b) -> Tensor:
    condition = _as_tensor(condition)
    if condition.dtype is not dtypes.bool_:
        raise RuntimeError_(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                            f"{condition.dtype.short_name}")
    dtype = result_type((a, b))
    ta, tb = _coerce(a, dtype), _coerce(b, dtype)
    limits.check_broadcast(condition.array.shape, ta.array.shape, tb.array.shape)
    return apply(P.where, (ta, tb), {"condition": condition})


# ---------------------------------------------------------------- reductions


def sum(x: Tensor, dim=None, keepdim: bool = False, dtype: DType | None = None) -> Tensor:  # noqa: A001
    x = _as_tensor(x)
    if dtype is not None:
        x = to(x, dtype)
    if dim is None or (not isinstance(dim, int) and len(dim) == 0 and x.ndim == 0):
        return apply(P.sum_, (x,), {"dims": None, "keepdim": keepdim})
    return apply(P.sum_, (x,), {"dims": _dims(dim, x.ndim) if x.ndim else None, "keepdim": keepdim},
                 "SumBackward1")


def mean(x: Tensor, dim=None, keepdim: bool = False, dtype: DType | None = None) -> Tensor:
    x = _as_tensor(x)
    if dtype is not None:
        x = to(x, dtype)
    if not x.dtype.is_floating_point:
        raise RuntimeError_(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
            f"dtype. Got: {x.dtype.short_name}"
        )
    if dim is None:
        return apply(P.mean, (x,), {"dims": None, "keepdim": keepdim})
    return apply(P.mean, (x,), {"dims": _dims(dim, x.ndim) if x.ndim else None, "keepdim": keepdim},
                 "MeanBackward1")


class _ValuesIndices(namedtuple("_ValuesIndices", ["values", "indices"])):
    """torch.return_types.max / min: a (values, indices) pair printed as PyTorch prints it."""

    __slots__ = ()
    kind = "max"

    def __repr__(self) -> str:
        return f"torch.return_types.{self.kind}(\nvalues={self.values!r},\nindices={self.indices!r})"

    __str__ = __repr__


class MaxResult(_ValuesIndices):
    __slots__ = ()
    kind = "max"


class MinResult(_ValuesIndices):
    __slots__ = ()
    kind = "min"


def _named_pair(kind: str, values: Tensor, indices: Tensor):
    return (MaxResult if kind == "max" else MinResult)(values, indices)


def _reduce_dim(kind: str, x: Tensor, dim: int, keepdim: bool):
    dim = _wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        values = apply(P.clone, (x,), None, "MaxBackward0" if kind == "max" else "MinBackward0")
        return _named_pair(kind, values, Tensor._wrap(np.asarray(0)))
    arg = np.argmax if kind == "max" else np.argmin
    indices = np.asarray(arg(x.array, axis=dim))
    if keepdim:
        indices = np.expand_dims(indices, dim)
    name = "MaxBackward0" if kind == "max" else "MinBackward0"
    values = apply(P.reduce_dim, (x,), {"dim": dim, "keepdim": keepdim, "indices": indices}, name)
    return _named_pair(kind, values, Tensor._wrap(indices.astype(np.int64)))


def _extreme(kind: str, x, dim=None, keepdim=False):
    x = _as_tensor(x)
    if isinstance(dim, Tensor):
        return maximum(x, dim) if kind == "max" else minimum(x, dim)
    if dim is not None:
        return _reduce_dim(kind, x, dim, keepdim)
    if x.numel() == 0:
        raise RuntimeError_(
            f"{kind}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction "
            "dim with the 'dim' argument."
        )
    return apply(P.amax if kind == "max" else P.amin, (x,), {"dims": None, "keepdim": False})


def max(x, dim=None, keepdim: bool = False):  # noqa: A001 - torch.max
    return _extreme("max", x, dim, keepdim)


def min(x, dim=None, keepdim: bool = False):  # noqa: A001 - torch.min
    return _extreme("min", x, dim, keepdim)


def _amax_like(prim, x: Tensor, dim, keepdim: bool, name: str) -> Tensor:
    """amax/amin: the extremes over `dim` (all dims when None or empty); ties share the gradient."""
    x = _as_tensor(x)
    if dim is None or (not isinstance(dim, int) and len(dim) == 0) or x.ndim == 0:
        dims = None if x.ndim == 0 or not keepdim else tuple(range(x.ndim))
        if dim is not None and x.ndim == 0:
            _dims(dim, 0)  # still range-checked
        return apply(prim, (x,), {"dims": dims, "keepdim": keepdim and dims is not None}, name)
    return apply(prim, (x,), {"dims": _dims(dim, x.ndim), "keepdim": keepdim}, name)


def amax(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    return _amax_like(P.amax, x, dim, keepdim, "AmaxBackward0")


def amin(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    return _amax_like(P.amin, x, dim, keepdim, "AminBackward0")


def argmax(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return Tensor._wrap(np.asarray(np.argmax(x.array), dtype=np.int64))
    return _reduce_dim("max", x, dim, keepdim).indices


def argmin(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return Tensor._wrap(np.asarray(np.argmin(x.array), dtype=np.int64))
    return _reduce_dim("min", x, dim, keepdim).indices


def norm(x: Tensor, p=2, dim=None, keepdim: bool = False) -> Tensor:
    if p != 2 or dim is not None:
        powered = pow(abs(x), p)
        return pow(sum(powered, dim, keepdim), 1.0 / p)
    return apply(P.norm, (_floating(x),))


_MISSING = object()  # marks a required argument that was left out


def _softmax_like(name: str, x, dim, dtype: DType | None, implicit_dim: bool) -> Tensor:
    """softmax / log_softmax. Only torch.nn.functional may leave out `dim` (with a warning)."""
    if dim is _MISSING or (dim is None and not implicit_dim):
        if dim is None:
            raise TypeError_(f"{name}(): argument 'dim' (position 2) must be int, not NoneType")
        raise TypeError_(f'{name}() missing 1 required positional arguments: "dim"')
    x = _floating(_as_tensor(x) if dtype is None else to(x, dtype))
    if dim is None:
        warn(
            f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
            "argument.",
            UserWarning, stacklevel=3,
        )
        dim = 0 if x.ndim in (0, 1, 3) else 1
    return apply(P.PRIMITIVES[name], (x,), {"dim": _wrap_dim(dim, x.ndim) if x.ndim else None})


def softmax(x: Tensor, dim=_MISSING, dtype: DType | None = None) -> Tensor:
    return _softmax_like("softmax", x, dim, dtype, implicit_dim=False)


def log_softmax(x: Tensor, dim=_MISSING, dtype: DType | None = None) -> Tensor:
    return _softmax_like("log_softmax", x, dim, dtype, implicit_dim=False)


def functional_softmax(x: Tensor, dim=None, dtype: DType | None = None) -> Tensor:
    """torch.nn.functional.softmax: `dim` may be left out (deprecated, warns)."""
    return _softmax_like("softmax", x, dim, dtype, implicit_dim=True)


def functional_log_softmax(x: Tensor, dim=None, dtype: DType | None = None) -> Tensor:
    """torch.nn.functional.log_softmax: `dim` may be left out (deprecated, warns)."""
    return _softmax_like("log_softmax", x, dim, dtype, implicit_dim=True)


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:  # noqa: A002
    if reduction != "mean":
        diff = pow(sub(input, target), 2)
        return sum(diff) if reduction == "sum" else diff
    return apply(P.mse_loss, (input, _coerce(target, input.dtype)))


def binary_cross_entropy(input: Tensor, target, reduction: str = "mean") -> Tensor:  # noqa: A002
    target = _coerce(target if isinstance(target, Tensor) else _as_tensor(target), input.dtype)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) is "
            "deprecated. Please ensure they have the same size."
        )
    return apply(P.binary_cross_entropy, (input, target))


# ---------------------------------------------------------------- linear algebra


def _shape_text(x: Tensor) -> str:
    return "x".join(str(n) for n in x.array.shape)


def _same_dtype_for_matmul(a: Tensor, b: Tensor) -> None:
    if a.dtype is not b.dtype:
        names = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "bool": "bool"}
        raise RuntimeError_(
            f"expected m1 and m2 to have the same dtype, but got: {names[a.dtype.name]} != {names[b.dtype.name]}"
        )


def dot(a: Tensor, b: Tensor) -> Tensor:
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError_(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype is not b.dtype:
        raise RuntimeError_(
            f"dot : expected both vectors to have same dtype, but found {a.dtype.short_name} and {b.dtype.short_name}"
        )
    if a.array.shape[0] != b.array.shape[0]:
        n, m = a.array.shape[0], b.array.shape[0]
        raise RuntimeError_(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number of elements, "
            f"but got {n} and {m} elements respectively"
        )
    return apply(P.dot, (a, b))


def mm(a: Tensor, b: Tensor) -> Tensor:
    if a.ndim != 2 or b.ndim != 2:
        raise RuntimeError_("self must be a matrix" if a.ndim != 2 else "mat2 must be a matrix")
    _same_dtype_for_matmul(a, b)
    if a.array.shape[1] != b.array.shape[0]:
        raise RuntimeError_(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_text(a)} and {_shape_text(b)})"
        )
    limits.check_elements(a.array.shape[0] * b.array.shape[1])
    return apply(P.mm, (a, b))


def mv(a: Tensor, v: Tensor) -> Tensor:
    _same_dtype_for_matmul(a, v)
    if a.array.shape[1] != v.array.shape[0]:
        raise RuntimeError_(
            f"size mismatch, got input ({a.array.shape[0]}), mat ({_shape_text(a)}), vec ({v.array.shape[0]})"
        )
    return apply(P.mv, (a, v))


def matmul(a: Tensor, b: Tensor) -> Tensor:
    a, b = _as_tensor(a), _as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError_(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    if a.ndim == 1 and b.ndim == 1:
        return dot(a, b)
    if a.ndim == 2 and b.ndim == 1:
        return mv(a, b)
    if a.ndim == 1 and b.ndim == 2:
        _same_dtype_for_matmul(a, b)
        if a.array.shape[0] != b.array.shape[0]:
            raise RuntimeError_(
                f"mat1 and mat2 shapes cannot be multiplied (1x{a.array.shape[0]} and {_shape_text(b)})"
            )
        return squeeze(mm(unsqueeze(a, 0), b), 0, name="SqueezeBackward4")
    if a.ndim == 2 and b.ndim == 2:
        return mm(a, b)
    _same_dtype_for_matmul(a, b)
    if a.array.shape[-1] != b.array.shape[-2 if b.ndim > 1 else 0]:
        raise RuntimeError_(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a.array.shape[0]}, "
            f"{a.array.shape[-1]}] but got: [{b.array.shape[0]}, {b.array.shape[-2 if b.ndim > 1 else 0]}]."
        )
    if b.ndim == 1:
        out = squeeze(bmm(a, unsqueeze(b, -1)), -1)
    elif a.ndim == 1:
        out = squeeze(bmm(unsqueeze(a, 0), b), -2)
    else:
        out = bmm(a, b)
    # torch folds batches into one mm/bmm and views the result back (_unsafe_view), except
    # when `a`'s batch is broadcast, where it copies a transposed product instead.
    folded = a.ndim != 2 and (a.ndim == 1 or b.ndim <= 2 or a.array.shape[:-2] == out.array.shape[:-2])
    return reshape(out, out.array.shape, name="UnsafeViewBackward0" if folded else "CloneBackward0")


def bmm(a: Tensor, b: Tensor) -> Tensor:
    limits.check_broadcast(a.array.shape[:-1] + (1,), b.array.shape[:-2] + (1, b.array.shape[-1]))
    return apply(P.bmm, (a, b))


def mT(x: Tensor) -> Tensor:  # noqa: N802 - PyTorch's name
    if x.ndim < 2:
        raise RuntimeError_(f"tensor.mT is only supported on matrices or batches of matrices. Got {x.ndim}-D tensor.")
    return transpose(x, -2, -1)


# ---------------------------------------------------------------- shape


def _infer_shape(shape, numel: int) -> tuple[int, ...]:
    shape = tuple(int(n) for n in shape)
    if shape.count(-1) > 1:
        raise RuntimeError_("only one dimension can be inferred")
    known = 1
    for n in shape:
        if n != -1:
            known *= n
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError_(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if n == -1 else n for n in shape)
    elif known != numel:
        raise RuntimeError_(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _sizes(args) -> tuple:
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


def reshape(x: Tensor, *shape, name: str | None = None) -> Tensor:
    shape = _infer_shape(_sizes(shape), x.array.size)
    if name is None and x.ndim > 1 and not x.array.flags.c_contiguous:
        name = "UnsafeViewBackward0"
    return _share_storage(apply(P.reshape, (x,), {"shape": shape}, name), x)


def view(x: Tensor, *shape) -> Tensor:
    return reshape(x, *shape)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    if x.ndim <= 1 and (start_dim, end_dim) == (0, -1):
        return x if x.ndim == 1 else reshape(x, 1)
    start, end = _wrap_dim(start_dim, x.ndim), _wrap_dim(end_dim, x.ndim)
    shape = x.array.shape
    merged = int(np.prod(shape[start:end + 1]))
    return reshape(x, shape[:start] + (merged,) + shape[end + 1:])


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    dim = _wrap_dim(dim, x.ndim + 1) if dim >= 0 else dim + x.ndim + 1
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


def expand(x: Tensor, *sizes) -> Tensor:
    sizes = _sizes(sizes)
    lead = len(sizes) - x.ndim
    if lead < 0:
        raise RuntimeError_(
            f"expand(torch.FloatTensor{{{list(x.shape)}}}, size={list(sizes)}): the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({x.ndim})"
        )
    shape = tuple(x.array.shape[i - lead] if n == -1 else int(n) for i, n in enumerate(sizes))
    if shape == x.array.shape:
        return x
    try:
        np.broadcast_shapes(x.array.shape, shape)
    except ValueError:
        raise RuntimeError_(
            f"The expanded size of the tensor ({shape[-1]}) must match the existing size ({x.array.shape[-1]}) at "
            f"non-singleton dimension {len(shape) - 1}.  Target sizes: {list(sizes)}.  Tensor sizes: "
            f"{list(x.array.shape)}"
        ) from None
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
    dims = tuple(_wrap_dim(d, x.ndim) for d in _sizes(dims))
    return _share_storage(apply(P.permute, (x,), {"dims": dims}), x)


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
    if x.ndim != 2:
        warn(
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


def to(x: Tensor, dtype: DType | None = None, *args, **kwargs) -> Tensor:
    if isinstance(dtype, str) or dtype is None:
        dtype = kwargs.get("dtype", next((a for a in args if isinstance(a, DType)), None))
        if dtype is None:
            return x
    if dtype is x.dtype:
        return x
    return apply(P.to_dtype, (x,), {"dtype": dtype})


def zeros_like(x: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    out = Tensor._wrap(np.zeros(x.array.shape, dtype=(dtype or x.dtype).numpy))
    return out.requires_grad_(True) if requires_grad else out


def ones_like(x: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    out = Tensor._wrap(np.ones(x.array.shape, dtype=(dtype or x.dtype).numpy))
    return out.requires_grad_(True) if requires_grad else out


def full_like(x: Tensor, fill_value, dtype: DType | None = None) -> Tensor:
    return Tensor._wrap(np.full(x.array.shape, fill_value, dtype=(dtype or x.dtype).numpy))


# ---------------------------------------------------------------- indexing


def _index_part(part, size: int | None, dim: int):
    """One component of an index, checked and turned into what numpy takes."""
    if isinstance(part, Tensor):
        if part.dtype is dtypes.bool_:
            return part.array
        if part.dtype.is_floating_point:
            raise IndexError_("tensors used as indices must be long, int, byte or bool tensors")
        return part.array
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
        if part.step is not None and int(part.step) <= 0:
            raise ValueError("step must be greater than zero")
        return slice(*(None if b is None else int(b) for b in (part.start, part.stop, part.step)))
    if part is None or part is Ellipsis:
        return part
    if isinstance(part, (list, tuple)):
        array = np.asarray([p.item() if isinstance(p, Tensor) else p for p in part])
        if array.dtype.kind not in "iub":
            raise IndexError_("tensors used as indices must be long, int, byte or bool tensors")
        return array
    raise IndexError_(
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
        f"(got {type(part).__name__})"
    )


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


def index(x: Tensor, key) -> Tensor:
    numpy_key, name, basic = _normalise_index(x, key)
    out = apply(P.index, (x,), {"index": numpy_key}, name)
    return _share_storage(out, x) if basic else out


def index_scatter(g: Tensor, key, shape) -> Tensor:
    return apply(P.index_scatter, (g,), {"index": key, "shape": shape})


def index_put(x: Tensor, key, value) -> Tensor:
    """The functional form of `x[key] = value` (PyTorch's CopySlices)."""
    return apply(P.index_put, (x, value), {"index": key})


# ---------------------------------------------------------------- joining


def concat(tensors, dim: int, stacked: bool) -> Tensor:
    tensors = [_as_tensor(t) for t in tensors]
    dtype = result_type(tensors)
    tensors = [_coerce(t, dtype) for t in tensors]
    name = "StackBackward0" if stacked else "CatBackward0"
    limits.check_elements(builtins.sum(t.array.size for t in tensors))
    return apply(P.concat, tuple(tensors), {"dim": dim, "stacked": stacked}, name)


def stack(tensors, dim: int = 0) -> Tensor:
    tensors = [_as_tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError_("stack expects a non-empty TensorList")
    first = tensors[0].array.shape
    for i, t in enumerate(tensors[1:], 1):
        if t.array.shape != first:
            raise RuntimeError_(
                f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 and "
                f"{list(t.array.shape)} at entry {i}"
            )
    return concat(tensors, _wrap_dim(dim, len(first) + 1), stacked=True)


def cat(tensors, dim: int = 0) -> Tensor:
    tensors = [_as_tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError_("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError_(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    dim = _wrap_dim(dim, tensors[0].ndim)
    first = tensors[0].array.shape
    for i, t in enumerate(tensors[1:], 1):
        other = t.array.shape
        if len(other) != len(first):
            raise RuntimeError_(
                f"Tensors must have same number of dimensions: got {len(first)} and {len(other)}"
            )
        for d, (n, m) in enumerate(zip(first, other)):
            if d != dim and n != m:
                raise RuntimeError_(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size {n} but got size "
                    f"{m} for tensor number {i} in the list."
                )
    return concat(tensors, dim, stacked=False)


# ---------------------------------------------------------------- in place


def copy_values(target: Tensor, source, name: str = "CopyBackwards") -> Tensor:
    """The values of `source` in `target`'s shape and dtype (the out-of-place half of `copy_`).

    Recorded as a `where` that never picks `target`: its gradient is zeros (never -0), and the
    source's is the incoming gradient summed back to its shape.
    """
    source = _coerce(_as_tensor(source), target.dtype)
    _broadcast_shape(target, source)
    out = where(Tensor._wrap(np.zeros(target.array.shape, dtype=bool)), target, source)
    if out.grad_fn is not None:
        rename(out.grad_fn, name)
    return out


def check_inplace(target: Tensor) -> None:
    """PyTorch's leaf rule: a leaf that requires grad may only be changed under no_grad."""
    if not _grad_state.enabled:
        return
    if target.requires_grad and target.grad_fn is None:
        raise RuntimeError_("a leaf Variable that requires grad is being used in an in-place operation.")
    base = target._base
    if base is not None and base.requires_grad and base.grad_fn is None:
        raise RuntimeError_("a view of a leaf Variable that requires grad is being used in an in-place operation.")


def _write_into(target: Tensor, result: Tensor) -> None:
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
    target.array[...] = result.array
    target._version[0] += 1


def inplace(target: Tensor, op, *args) -> Tensor:
    """Run `op(target, *args)` and store the result into `target`, as PyTorch's `op_` does."""
    check_inplace(target)
    tracked = _grad_state.enabled and (
        target.requires_grad or any(isinstance(a, Tensor) and a.requires_grad for a in args)
    )
    if not tracked:
        from .grad_mode import no_grad

        with no_grad():
            result = op(target, *args)
        _write_into(target, result)
        target._duals = result._duals  # forward mode: the new values' tangents
        return target
    # The node must see the old values, which are about to be overwritten.
    before = Tensor._wrap(target.array.copy())
    before._requires_grad = target._requires_grad
    before.grad_fn = target.grad_fn
    before._duals = target._duals
    result = op(before, *args)
    _write_into(target, result)
    target.grad_fn = result.grad_fn
    target._requires_grad = result._requires_grad
    target._duals = result._duals
    return target


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
    if _grad_state.enabled and target.requires_grad and target.grad_fn is None and not whole:
        raise RuntimeError_("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    check_inplace(target)
    numpy_key, _name, _basic = _normalise_index(target, key)
    value_tensor = _coerce(value, target.dtype) if not isinstance(value, Tensor) else value
    if value_tensor.dtype is not target.dtype:
        value_tensor = to(value_tensor, target.dtype)
    recorded = _grad_state.enabled and (target.requires_grad or value_tensor.requires_grad)
    if recorded or target._duals or value_tensor._duals:  # a graph, or forward-mode tangents, to update
        before = Tensor._wrap(target.array.copy())
        before._requires_grad = target._requires_grad
        before.grad_fn = target.grad_fn
        before._duals = target._duals
        if whole:
            result = copy_values(before, value_tensor, "FillBackward3" if value_tensor.ndim == 0 else "CopyBackwards")
        else:
            result = index_put(before, numpy_key, value_tensor)
        target.array[...] = result.array
        target.grad_fn = result.grad_fn
        target._requires_grad = result._requires_grad
        target._duals = result._duals
    else:
        try:
            target.array[numpy_key] = value_tensor.array
        except ValueError as exc:
            raise RuntimeError_(str(exc)) from None
    target._version[0] += 1


def _bind_primitives() -> None:
    global P
    from . import primitives

    P = primitives
