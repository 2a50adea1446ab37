"""Joining tensors: stack and cat, checked with PyTorch's messages, both one concat primitive."""

from __future__ import annotations

import builtins

from ...errors import RuntimeError_, TypeError_, ValueError_
from .. import limits
from ..dtypes import result_type
from ..graph import apply
from ..tensor import Tensor
from .dims import _wrap_dim
from .promotion import _as_tensor, _coerce

P = None  # the primitive registry module, bound by ops._bind_primitives (primitives import ops)


def concat(tensors, dim: int, stacked: bool) -> Tensor:
    tensors = [_as_tensor(t) for t in tensors]
    dtype = result_type(tensors)
    tensors = [_coerce(t, dtype) for t in tensors]
    name = "StackBackward0" if stacked else "CatBackward0"
    limits.check_elements(builtins.sum(t.array.size for t in tensors))
    return apply(P.concat, tuple(tensors), {"dim": dim, "stacked": stacked}, name)


def _tensor_list(op: str, tensors) -> list[Tensor]:
    """The `tensors` argument of cat and stack: a sequence whose elements are all tensors."""
    if not isinstance(tensors, (list, tuple)):
        kind = type(tensors).__name__
        raise TypeError_(f"{op}(): argument 'tensors' (position 1) must be tuple of Tensors, not {kind}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError_(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return list(tensors)


def stack(tensors, dim: int = 0) -> Tensor:
    tensors = _tensor_list("stack", tensors)
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
    tensors = _tensor_list("cat", tensors)
    if not tensors:
        raise ValueError_("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError_(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    tensors = _empty_rows_fitted(tensors, dim)
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


def _empty_rows_fitted(tensors: list[Tensor], dim: int) -> list[Tensor]:
    """PyTorch's old rule, which `out = torch.cat([out, row])` loops from `torch.tensor([])` rely
    on: an empty 1-D tensor joins tensors of any shape. It is viewed here as an empty slab of the
    others' shape (its dtype still counts, its gradient is still its own)."""
    others = [t for t in tensors if t.array.shape != (0,)]
    if not others or len(others) == len(tensors):
        return tensors
    from .shape import reshape

    shape = others[0].array.shape
    at = _wrap_dim(dim, len(shape))
    slab = shape[:at] + (0,) + shape[at + 1:]
    return [reshape(t, slab) if t.array.shape == (0,) else t for t in tensors]


def diff(x, n: int = 1, dim: int = -1, prepend=None, append=None) -> Tensor:
    """The n-th forward difference along `dim`, `prepend` and `append` joined on first: later minus
    earlier (SubBackward0; exclusive or for bools), as torch.diff."""
    from .arithmetic import sub
    from .comparison import bitwise_xor
    from .shape import narrow

    x = _as_tensor(x)
    if x.ndim == 0:
        raise RuntimeError_("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError_(f"order must be non-negative but got {n}")
    dim = _wrap_dim(dim, x.ndim)
    if prepend is not None or append is not None:
        x = cat([t for t in (prepend, x, append) if t is not None], dim)
    if not n:  # a copy, made as PyTorch makes it (CopyBackwards)
        from ..creation import empty_like

        return empty_like(x).copy_(x)
    difference = bitwise_xor if x.dtype.name == "bool" else sub
    for _ in range(n):
        length = x.shape[dim]
        if not length:
            break
        x = difference(narrow(x, dim, 1, length - 1), narrow(x, dim, 0, length - 1))
    return x
