"""softmax and log_softmax (torch's, `dim` required, and torch.nn.functional's, where it may be left
out) and the loss functions mse_loss and binary_cross_entropy."""

from __future__ import annotations

from ...errors import TypeError_
from ..dtypes import DType
from ..graph import apply
from ..notices import warn
from ..tensor import Tensor
from .arithmetic import pow, sub
from .dims import _wrap_dim
from .promotion import _as_tensor, _coerce, _floating, to
from .reductions import sum

P = None  # the primitive registry module, bound by ops._bind_primitives (primitives import ops)


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
