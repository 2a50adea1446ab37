"""Tensors that require no grad: constants around numpy arrays and the `*_like` fills."""

from __future__ import annotations

import numpy as np

from ..dtypes import DType
from ..tensor import Tensor


def constant(array: np.ndarray) -> Tensor:
    """A tensor that requires no grad around a numpy array."""
    return Tensor._wrap(np.asarray(array))


def constant_like(value: float, like: Tensor) -> Tensor:
    return Tensor._wrap(np.asarray(value, dtype=like.array.dtype))


def zeros_like(x: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    out = Tensor._wrap(np.zeros(x.array.shape, dtype=(dtype or x.dtype).numpy))
    return out.requires_grad_(True) if requires_grad else out


def ones_like(x: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    out = Tensor._wrap(np.ones(x.array.shape, dtype=(dtype or x.dtype).numpy))
    return out.requires_grad_(True) if requires_grad else out


def full_like(x: Tensor, fill_value, dtype: DType | None = None) -> Tensor:
    return Tensor._wrap(np.full(x.array.shape, fill_value, dtype=(dtype or x.dtype).numpy))
