"""Dim arguments: one dim or several, negatives allowed, range-checked with PyTorch's message."""

from __future__ import annotations

import builtins
import math

from ...errors import IndexError_


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


def reduced_count(shape: tuple, dims) -> int:
    """How many elements each result of a reduction over `dims` (None: all) gathers."""
    if dims is None:
        return math.prod(shape)
    return math.prod([shape[d] for d in dims])
