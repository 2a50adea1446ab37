"""softmax and log_softmax (torch's, `dim` required, and torch.nn.functional's, where it may be left
out) and the loss functions mse_loss and binary_cross_entropy."""

from __future__ import annotations

from ...errors import AttributeError_, NotImplementedError_, RuntimeError_, TypeError_, ValueError_
from ..dtypes import DType, result_type
from ..graph import apply
from ..notices import warn
from ..tensor import Tensor
from .dims import _wrap_dim
from .promotion import _as_tensor, _broadcast_shape, _coerce, _floating, to

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


def _checked_reduction(reduction) -> str:
    """'none', 'sum' or 'mean'; the old name 'elementwise_mean' still means 'mean', with a warning."""
    if reduction == "elementwise_mean" and isinstance(reduction, str):
        warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.", UserWarning,
             stacklevel=3)
        return "mean"
    if not (isinstance(reduction, str) and reduction in ("none", "sum", "mean")):
        raise ValueError_(f"{reduction} is not a valid value for reduction")
    return reduction


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:  # noqa: A002
    if not isinstance(target, Tensor):  # PyTorch asks for its size first
        raise AttributeError_(f"'{type(target).__name__}' object has no attribute 'size'")
    if tuple(target.shape) != tuple(input.shape):
        warn(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). This will "
            "likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            UserWarning, stacklevel=2,
        )
    _broadcast_shape(input, target)
    reduction = _checked_reduction(reduction)
    dtype = result_type((input, target))
    if not dtype.is_floating_point:
        raise NotImplementedError_(f'"mse_cpu" not implemented for \'{dtype.short_name}\'')
    input, target = _coerce(input, dtype), _coerce(target, dtype)  # noqa: A001
    return apply(P.mse_loss, (input, target), {"reduction": reduction})


def binary_cross_entropy(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:  # noqa: A002
    reduction = _checked_reduction(reduction)  # PyTorch checks it before the target
    if not isinstance(target, Tensor):
        raise AttributeError_(f"'{type(target).__name__}' object has no attribute 'size'")
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError_(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) is "
            "deprecated. Please ensure they have the same size."
        )
    if not input.dtype.is_floating_point:
        raise NotImplementedError_(f'"binary_cross_entropy" not implemented for \'{input.dtype.short_name}\'')
    if target.dtype is not input.dtype:
        raise RuntimeError_(f"Found dtype {target.dtype.short_name} but expected {input.dtype.short_name}")
    return apply(P.binary_cross_entropy, (input, target), {"reduction": reduction})
