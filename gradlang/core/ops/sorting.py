"""sort, argsort, msort and topk: the order from numpy's stable argsort, the values gathered by it
(so their gradient goes back to where each value came from: SortBackward0, TopkBackward0).

PyTorch's default sort is not stable: among equal values its indices come in an order of its
own. Ours keep the equal values' original order, which is what PyTorch gives with stable=True.
NaN sorts above everything, as in PyTorch (last ascending, first descending).
"""

from __future__ import annotations

import numpy as np

from ...errors import RuntimeError_
from ..graph import apply, renamed
from ..tensor import Tensor
from .dims import _wrap_dim
from .indexing import gather
from .promotion import _as_tensor
from .reductions import values_indices
from .shape import clone

P = None  # the primitive registry module, bound by ops._bind_primitives (primitives import ops)

SortResult, TopkResult = values_indices("sort"), values_indices("topk")


def _order(array: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """The stable sorting permutation along `dim`. Descending: the ascending order of the reversed
    values, reversed back, so that equal values keep their original order and NaN comes first."""
    if not descending:
        return np.argsort(array, axis=dim, kind="stable")
    backwards = np.argsort(np.flip(array, axis=dim), axis=dim, kind="stable")
    return np.flip(array.shape[dim] - 1 - backwards, axis=dim)


def _sorted(x: Tensor, dim: int, descending: bool, count: int | None, name: str) -> tuple[Tensor, Tensor]:
    """(values, indices) of the first `count` (None: all) along `dim` in sorted order."""
    if x.ndim == 0:  # one value: itself, at index 0
        return renamed(clone(x), name), Tensor._wrap(np.zeros((), np.int64))
    indices = _order(x.array, dim, descending)
    if count is not None:
        indices = np.take(indices, np.arange(count), axis=dim)
    index = Tensor._wrap(np.ascontiguousarray(indices, dtype=np.int64))
    return renamed(gather(x, dim, index), name), index


def sort(x, dim: int = -1, descending: bool = False, stable: bool | None = None) -> SortResult:
    """`stable=` given at all picks PyTorch's other overload (SortBackward1)."""
    x = _as_tensor(x)
    dim = _wrap_dim(dim, x.ndim)
    return SortResult(*_sorted(x, dim, descending, None, "SortBackward0" if stable is None else "SortBackward1"))


def argsort(x, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    return sort(x, dim, descending, stable).indices


def msort(x) -> Tensor:
    return sort(x, 0).values


def topk(x, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> TopkResult:  # noqa: A002
    """The k largest (or smallest) along `dim`, in order (also when sorted=False, where PyTorch's
    order is its partial sort's own)."""
    x = _as_tensor(x)
    dim = _wrap_dim(dim, x.ndim)
    size = x.shape[dim] if x.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError_("selected index k out of range")
    return TopkResult(*_sorted(x, dim, largest, k, "TopkBackward0"))


def unique(x, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,  # noqa: A002
           dim: int | None = None):
    """The distinct values (sorted, as PyTorch's CPU kernel gives them even with sorted=False), or
    with `dim` the distinct slices along it; with return_inverse each element's (or slice's)
    position among them, with return_counts how often each occurs (both int64)."""
    x = _as_tensor(x)
    axis = None if dim is None else _wrap_dim(dim, x.ndim)
    name = "Unique2Backward0" if axis is None else "UniqueDimBackward0"
    out = apply(P.PRIMITIVES["unique"], (x,), {"dim": axis}, name)
    if not (return_inverse or return_counts):
        return out
    _, inverse, counts = np.unique(x.array, axis=axis, return_inverse=True, return_counts=True, equal_nan=False)
    extras = []
    if return_inverse:
        extras.append(Tensor._wrap(inverse.reshape(x.array.shape if axis is None else -1).astype(np.int64)))
    if return_counts:
        extras.append(Tensor._wrap(counts.astype(np.int64)))
    return (out, *extras)
