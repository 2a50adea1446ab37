"""PyTorch's special-purpose math: xlogy, logaddexp, logit, deg2rad/rad2deg, the NaN-skipping
nansum/nanmean, the trapezoid rule (trapezoid, trapz) and logspace. Each gives PyTorch's values
and its grad_fn name: a primitive of its own where PyTorch's gradient formula has one
(XlogyBackward0 …), else the ops PyTorch's own implementation is made of."""

from __future__ import annotations

import math

import numpy as np

from ...errors import IndexError_, NotImplementedError_, RuntimeError_, TypeError_
from .. import dtypes
from ..dtypes import result_type
from ..graph import apply, renamed
from ..tensor import Tensor
from .arithmetic import _two_tensors, div, mul, sub
from .comparison import isnan
from .dims import _wrap_dim
from .elementwise import where
from .promotion import _as_tensor, _binary, _floating, _is_number
from .reductions import sum
from .shape import narrow, reshape, select

P = None  # the primitive registry module, bound by ops._bind_primitives (primitives import ops)


def xlogy(x, y) -> Tensor:
    """x * log(y), with 0 * log(0) = 0 (either may be a Python number, not both)."""
    if _is_number(x) and _is_number(y):
        raise TypeError_(
            f"xlogy() received an invalid combination of arguments - got ({type(x).__name__}, {type(y).__name__}), "
            "but expected one of:\n"
            " * (Tensor input, Tensor other, *, Tensor out = None)\n"
            " * (Number self, Tensor other, *, Tensor out = None)\n"
            " * (Tensor input, Number other, *, Tensor out = None)\n"
        )
    # PyTorch's overloads with a number name their nodes apart: XlogyBackward1 (number x), 2 (number y)
    name = "XlogyBackward1" if _is_number(x) else "XlogyBackward2" if _is_number(y) else None
    return _binary(P.xlogy, x, y, name=name, floating=True)


def logaddexp(a: Tensor, b: Tensor) -> Tensor:
    """log(exp(a) + exp(b)) without overflow."""
    a, b = _two_tensors("logaddexp", a, b)
    if not result_type((a, b)).is_floating_point:
        raise NotImplementedError_(f"\"logaddexp_cpu\" not implemented for '{result_type((a, b)).short_name}'")
    return _binary(P.logaddexp, a, b)


def logit(x: Tensor, eps: float | None = None) -> Tensor:
    """log(x / (1 - x)), x clamped to [eps, 1 - eps] first when eps is given."""
    return apply(P.logit, (_floating(_as_tensor(x)),), {"eps": None if eps is None else float(eps)})


def deg2rad(x: Tensor) -> Tensor:
    return renamed(mul(_floating(_as_tensor(x)), math.pi / 180), "Deg2RadBackward0")


def rad2deg(x: Tensor) -> Tensor:
    return renamed(mul(_floating(_as_tensor(x)), 180 / math.pi), "Rad2DegBackward0")


def nansum(x: Tensor, dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """The sum with NaNs counted as zeros (NansumBackward0: no gradient reaches a NaN)."""
    x = _as_tensor(x)
    if not x.dtype.is_floating_point:
        return sum(x, dim, keepdim, dtype=dtype)
    return renamed(sum(where(isnan(x), 0.0, x), dim, keepdim, dtype=dtype), "NansumBackward0")


def nanmean(x: Tensor, dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """The mean of the values that are not NaN: their nansum divided by their count, as PyTorch."""
    x = _as_tensor(x)
    if not (dtype or x.dtype).is_floating_point:
        raise RuntimeError_(
            f"nanmean(): expected input to have floating point or complex dtype but got {x.dtype.short_name}")
    counted = sum(isnan(x).logical_not(), dim, keepdim)
    return div(nansum(x, dim, keepdim, dtype=dtype), counted)


# The overloads PyTorch lists when both x and dx are given.
_SIGNATURES = {
    "trapezoid": (" * (Tensor y, Tensor x, *, int dim = -1)\n", " * (Tensor y, *, Number dx = 1, int dim = -1)\n"),
    "trapz": (" * (Tensor y, *, float dx = 1, int dim = -1)\n", " * (Tensor y, Tensor x, *, int dim = -1)\n"),
}


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx=None, dim: int = -1) -> Tensor:
    """The integral of the samples y along `dim` by the trapezoid rule: spaced `dx` apart (1 by
    default), or at the points x (one per sample, or a tensor broadcasting with y)."""
    return _trapezoid("trapezoid", y, x, dx, dim)


def trapz(y: Tensor, x: Tensor | None = None, *, dx=None, dim: int = -1) -> Tensor:
    """torch.trapz: trapezoid's older name (DivBackward1 for points given, MulBackward1 for a spacing)."""
    return _trapezoid("trapz", y, x, dx, dim)


def _trapezoid(name: str, y, x, dx, dim: int) -> Tensor:
    if x is not None and dx is not None:
        raise TypeError_(
            f"{name}() received an invalid combination of arguments - got ({type(y).__name__}, "
            f"{type(x).__name__}, dx={type(dx).__name__}), but expected one of:\n" + "".join(_SIGNATURES[name])
        )
    y = _as_tensor(y)
    if y.ndim == 0:
        raise IndexError_(f"Dimension specified as {dim} but tensor has no dimensions")
    dim = _wrap_dim(dim, y.ndim)
    if y.array.shape[dim] == 0:  # no samples: zeros, as numpy gives
        from ..creation import zeros

        return zeros(y.array.shape[:dim] + y.array.shape[dim + 1:], dtype=y.dtype)
    if isinstance(x, Tensor):
        if y.dtype is dtypes.bool_ or x.dtype is dtypes.bool_:
            raise RuntimeError_("trapezoid: received a bool input for `x` or `y`, but bool is not supported")
        if x.ndim == 1:
            if x.array.shape[0] != y.array.shape[dim]:
                raise RuntimeError_("trapezoid: There must be one `x` value for each sample point")
            x = reshape(x, tuple(x.array.shape[0] if d == dim else 1 for d in range(y.ndim)))
        elif x.ndim < y.ndim:
            x = reshape(x, (1,) * (y.ndim - x.ndim) + tuple(x.array.shape))
        spacing = sub(_slice_from(x, dim, 1), _slice_to_last(x, dim))
        ends = _slice_to_last(y, dim) + _slice_from(y, dim, 1)
        return renamed(div(sum(mul(ends, spacing), dim), 2.0), "DivBackward1")
    if y.dtype is dtypes.bool_:
        raise RuntimeError_("trapezoid: received a bool input for `y`, but bool is not supported")
    step = 1 if x is None and dx is None else (dx if dx is not None else x)
    if isinstance(step, (bool, complex)) or not _is_number(step):
        raise RuntimeError_("trapezoid: Currently, we only support dx as a real number.")
    ends = select(y, dim, 0) + select(y, dim, -1)
    return renamed(mul(sub(sum(y, dim), mul(ends, 0.5)), float(step)), "MulBackward1")


def _slice_from(t: Tensor, dim: int, start: int) -> Tensor:
    return narrow(t, dim, start, t.array.shape[dim] - start)


def _slice_to_last(t: Tensor, dim: int) -> Tensor:
    return narrow(t, dim, 0, t.array.shape[dim] - 1)


def logspace(start, end, steps: int, base: float = 10.0, dtype=None, requires_grad: bool = False) -> Tensor:
    """base ** linspace(start, end, steps), each power computed in float64 then rounded to the
    dtype (float32 by default)."""
    from ..creation import _dtype_argument, _finish, linspace

    kind = (_dtype_argument("logspace", dtype) or dtypes.DEFAULT_FLOAT).numpy
    exponents = linspace(start, end, steps, dtype=dtypes.float64).array
    with np.errstate(all="ignore"):
        values = np.power(np.float64(base), exponents)
    return _finish(values.astype(kind), requires_grad)


__all__ = ["deg2rad", "logaddexp", "logit", "logspace", "nanmean", "nansum", "rad2deg", "trapezoid", "trapz", "xlogy"]
