"""PyTorch's other names and small compositions of ops defined elsewhere: each is recorded as
the op it is made of, which is also the node PyTorch records (`broadcast_to` is an expand)."""

from __future__ import annotations

import builtins

import numpy as np

from ...errors import RuntimeError_
from ..graph import renamed
from ..tensor import Tensor
from .arithmetic import _two_tensors, div, tensor_argument
from .dims import _wrap_dim
from .elementwise import acos, acosh, asin, asinh, atan, atanh, nonzero, trunc
from .indexing import index
from .joining import cat
from .promotion import _as_tensor, _nograd_binary, broadcast_shapes
from .reductions import _dims_or_all
from .shape import expand, expand_view, permute, reshape, transpose, unsqueeze


def broadcast_to(x: Tensor, size) -> Tensor:
    return expand_view(_as_tensor(x), size)


def ravel(x: Tensor) -> Tensor:
    return reshape(_as_tensor(x), -1)


def reshape_as(x: Tensor, other: Tensor) -> Tensor:
    return reshape(x, tuple(other.shape))


def swapaxes(x: Tensor, axis0: int, axis1: int) -> Tensor:
    return transpose(_as_tensor(x), axis0, axis1)


def movedim(x: Tensor, source, destination) -> Tensor:
    """The dims `source` moved to the places `destination`, the others kept in order (a permute)."""
    x = _as_tensor(x)
    sources, targets = ([_wrap_dim(d, x.ndim) for d in (dims if isinstance(dims, (tuple, list)) else (dims,))]
                        for dims in (source, destination))
    if len(sources) != len(targets):
        raise RuntimeError_(
            f"movedim: Invalid source or destination dims: source ({sources} dims) should contain the same "
            f"number of dims as destination ({targets} dims)"
        )
    order = [None] * x.ndim
    for s, d in zip(sources, targets):
        order[d] = s
    rest = iter(d for d in range(x.ndim) if d not in sources)
    return permute(x, *[d if d is not None else next(rest) for d in order])


def masked_select(x: Tensor, mask: Tensor) -> Tensor:
    """The values of x where mask (broadcast with x) holds, as a 1-D tensor (MaskedSelectBackward0)."""
    x, mask = tensor_argument("masked_select", "input", 1, x), tensor_argument("masked_select", "mask", 2, mask)
    shape = broadcast_shapes(x.array.shape, mask.array.shape)
    return renamed(index(expand(x, shape), expand(mask, shape)), "MaskedSelectBackward0")


def _at_least(x: Tensor, ndim: int) -> Tensor:
    x = _as_tensor(x)
    if x.ndim == 0:
        return reshape(x, (1,) * ndim)
    return unsqueeze(x, 0) if x.ndim < ndim else x


def hstack(tensors) -> Tensor:
    """cat along dim 1, or along dim 0 when the tensors are 1-D (0-d ones count as 1-D)."""
    parts = [_at_least(t, 1) for t in tensors]
    return cat(parts, 0 if parts and parts[0].ndim == 1 else 1)


def vstack(tensors) -> Tensor:
    """cat along dim 0 of the tensors made at least 2-D (a 1-D one becomes a row)."""
    return cat([_at_least(t, 2) for t in tensors], 0)


def _axes(values: np.ndarray, dim) -> tuple[int, ...] | None:
    return None if dim is None else _dims_or_all(dim, values.ndim)


def _reduced_bools(ufunc, x: Tensor, dim, keepdim: bool) -> Tensor:
    values = _as_tensor(x).array
    return Tensor._wrap(np.asarray(ufunc(values, axis=_axes(values, dim), keepdims=keepdim)))


def all(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.all
    return _reduced_bools(np.all, x, dim, keepdim)


def any(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.any
    return _reduced_bools(np.any, x, dim, keepdim)


def count_nonzero(x: Tensor, dim=None) -> Tensor:
    values = _as_tensor(x).array
    return Tensor._wrap(np.asarray(np.count_nonzero(values, axis=_axes(values, dim)), dtype=np.int64))


def equal(a: Tensor, b: Tensor) -> bool:
    """Whether a and b have the same size and the same values."""
    a, b = _two_tensors("equal", a, b)
    return a.array.shape == b.array.shape and builtins.bool(np.array_equal(a.array, b.array))


def logical_and(a, b) -> Tensor:
    return _nograd_binary(np.logical_and, *_two_tensors("logical_and", a, b))


def logical_or(a, b) -> Tensor:
    return _nograd_binary(np.logical_or, *_two_tensors("logical_or", a, b))


def logical_xor(a, b) -> Tensor:
    return _nograd_binary(np.logical_xor, *_two_tensors("logical_xor", a, b))


# Names PyTorch gives the same op twice (numpy's spellings among them).
moveaxis = movedim
swapdims = swapaxes
concatenate = cat  # (torch.concat too: core's name, ops.concat being cat's and stack's own)
true_divide = div
fix = trunc
arccos, arcsin, arctan, arccosh, arcsinh, arctanh = acos, asin, atan, acosh, asinh, atanh


def argwhere(x: Tensor) -> Tensor:
    return nonzero(x)


def is_floating_point(x: Tensor) -> bool:
    return x.is_floating_point()


__all__ = [
    "argwhere", "is_floating_point",
    "all", "any", "broadcast_to", "count_nonzero", "equal", "hstack", "logical_and", "logical_or", "logical_xor",
    "masked_select", "movedim", "ravel", "reshape_as", "swapaxes", "vstack",
    "moveaxis", "swapdims", "concatenate", "true_divide", "fix",
    "arccos", "arcsin", "arctan", "arccosh", "arcsinh", "arctanh",
]
