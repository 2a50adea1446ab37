"""Comparisons, logical and bitwise ops and isnan: computed directly, never recorded."""

from __future__ import annotations

import numpy as np

from ...errors import NotImplementedError_, RuntimeError_, TypeError_
from ..dtypes import result_type
from ..tensor import Tensor
from .promotion import _broadcast_shape, _nograd_binary


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
    common = result_type((a, b))  # a float number makes it float too: `int_tensor & 0.5`
    if common.is_floating_point:
        raise NotImplementedError_(f'"{ufunc.__name__}_cpu" not implemented for \'{common.short_name}\'')
    return _nograd_binary(ufunc, a, b)


def bitwise_and(a, b) -> Tensor:
    return _logical(np.bitwise_and, a, b)


def bitwise_or(a, b) -> Tensor:
    return _logical(np.bitwise_or, a, b)


def bitwise_xor(a, b) -> Tensor:
    return _logical(np.bitwise_xor, a, b)


def bitwise_not(x: Tensor) -> Tensor:
    """`~x`, its only use: PyTorch refuses floats there with a TypeError of the operator's own."""
    if x.dtype.is_floating_point:
        raise TypeError_("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return Tensor._wrap(np.asarray(np.invert(x.array)))


def logical_not(x: Tensor) -> Tensor:
    return Tensor._wrap(np.asarray(np.logical_not(x.array)))


def isnan(x: Tensor) -> Tensor:
    return Tensor._wrap(np.asarray(np.isnan(x.array)))


def _close(a, b, rtol: float, atol: float, equal_nan: bool, name: str) -> np.ndarray:
    """|a - b| <= atol + rtol * |b|, elementwise, for tensors of one dtype (PyTorch's checks)."""
    for position, (argument, value) in enumerate((("input", a), ("other", b)), start=1):
        if not isinstance(value, Tensor):
            raise TypeError_(f"{name}(): argument '{argument}' (position {position}) must be Tensor, "
                             f"not {type(value).__name__}")
    if a.dtype is not b.dtype:
        raise RuntimeError_(f"{a.dtype.short_name} did not match {b.dtype.short_name}")
    _broadcast_shape(a, b)
    return np.asarray(np.isclose(a.array, b.array, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(a: Tensor, b: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    return Tensor._wrap(_close(a, b, rtol, atol, equal_nan, "isclose"))


def allclose(a: Tensor, b: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    return bool(_close(a, b, rtol, atol, equal_nan, "allclose").all())
