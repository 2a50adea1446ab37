"""softmax and log_softmax (torch's, `dim` required, and torch.nn.functional's, where it may be left
out) and the loss functions mse_loss, binary_cross_entropy, nll_loss and cross_entropy."""

from __future__ import annotations

import numpy as np

from ...errors import AttributeError_, IndexError_, NotImplementedError_, RuntimeError_, TypeError_, ValueError_
from ..dtypes import DType, result_type
from ..graph import apply, renamed
from ..notices import warn
from ..tensor import Tensor
from .arithmetic import add, div, mul, neg, sub
from .dims import _wrap_dim
from .elementwise import abs as abs_
from .elementwise import relu, where
from .in_place import inplace as run_in_place
from .linalg import addmm, matmul
from .promotion import _as_tensor, _broadcast_shape, _coerce, to
from .reductions import mean, norm
from .reductions import sum as sum_
from .shape import reshape, t

P = None  # the primitive registry module, bound by ops._bind_primitives (primitives import ops)


_MISSING = object()  # marks a required argument that was left out


def _softmax_like(name: str, x, dim, dtype: DType | None, implicit_dim: bool) -> Tensor:
    """softmax / log_softmax. Only torch.nn.functional may leave out `dim` (with a warning)."""
    if dim is _MISSING or (dim is None and not implicit_dim):
        if dim is None:
            raise TypeError_(f"{name}(): argument 'dim' (position 2) must be int, not NoneType")
        raise TypeError_(f'{name}() missing 1 required positional arguments: "dim"')
    x = _as_tensor(x) if dtype is None else to(x, dtype)
    if not x.dtype.is_floating_point:  # PyTorch's kernels take floats only, unless dtype= converts
        last = dim is None or not x.ndim or _wrap_dim(dim, x.ndim) == x.ndim - 1
        kernel = f"{name}_lastdim_kernel_impl" if last else f"{name}_kernel_impl"
        raise NotImplementedError_(f"\"{kernel}\" not implemented for '{x.dtype.short_name}'")
    if dim is None:
        warn(
            f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
            "argument.",
            UserWarning, stacklevel=3,
        )
        dim = 0 if x.ndim in (0, 1, 3) else 1
    return apply(P.PRIMITIVES[name], (x,), {"dim": _wrap_dim(dim, x.ndim) if x.ndim else None})


def softmax_backward(g: Tensor, y: Tensor, dim: int) -> Tensor:
    """softmax's gradient from its output y (differentiable, for create_graph)."""
    return apply(P.PRIMITIVES["softmax_backward"], (g, y), {"dim": dim})


def log_softmax_backward(g: Tensor, y: Tensor, dim: int) -> Tensor:
    """log_softmax's gradient from its output y (differentiable, for create_graph)."""
    return apply(P.PRIMITIVES["log_softmax_backward"], (g, y), {"dim": dim})


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


def _pointwise_loss_inputs(input: Tensor, target: Tensor, reduction: str, kernel: str | None) -> tuple:  # noqa: A002
    """The checks and promotion mse_loss, l1_loss, smooth_l1_loss and huber_loss share (`kernel`:
    the name in PyTorch's error for integers, None where integers are fine)."""
    if not isinstance(target, Tensor):  # PyTorch asks for its size first
        raise AttributeError_(f"'{type(target).__name__}' object has no attribute 'size'")
    if tuple(target.shape) != tuple(input.shape):
        warn(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). This will "
            "likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            UserWarning, stacklevel=3,
        )
    _broadcast_shape(input, target)
    reduction = _checked_reduction(reduction)
    dtype = result_type((input, target))
    if kernel is not None and not dtype.is_floating_point:
        raise NotImplementedError_(f'"{kernel}" not implemented for \'{dtype.short_name}\'')
    return _coerce(input, dtype), _coerce(target, dtype), reduction


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:  # noqa: A002
    input, target, reduction = _pointwise_loss_inputs(input, target, reduction, "mse_cpu")  # noqa: A001
    return apply(P.mse_loss, (input, target), {"reduction": reduction})


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:  # noqa: A002
    """|input - target|, reduced: PyTorch composes it (AbsBackward0, then MeanBackward0/SumBackward0)."""
    input, target, reduction = _pointwise_loss_inputs(input, target, reduction, None)  # noqa: A001
    losses = abs_(sub(input, target))
    return mean(losses) if reduction == "mean" else sum_(losses) if reduction == "sum" else losses


def smooth_l1_loss(input: Tensor, target: Tensor, reduction: str = "mean", beta: float = 1.0) -> Tensor:  # noqa: A002
    if beta < 0:
        raise RuntimeError_("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:  # PyTorch's own shortcut: the L1 loss
        return l1_loss(input, target, reduction)
    input, target, reduction = _pointwise_loss_inputs(input, target, reduction, "smooth_l1_cpu")  # noqa: A001
    return apply(P.smooth_l1_loss, (input, target), {"reduction": reduction, "beta": beta})


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0) -> Tensor:  # noqa: A002
    if delta <= 0:
        raise RuntimeError_("huber_loss does not support non-positive values for delta.")
    input, target, reduction = _pointwise_loss_inputs(input, target, reduction, "huber_cpu")  # noqa: A001
    return apply(P.huber_loss, (input, target), {"reduction": reduction, "delta": delta})


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
    values = input.array
    if not ((values >= 0) & (values <= 1)).all():  # NaN is outside too
        raise RuntimeError_("all elements of input should be between 0 and 1")
    return apply(P.binary_cross_entropy, (input, target), {"reduction": reduction})


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """binary_cross_entropy of sigmoid(input), computed from the logits without overflow."""
    reduction = _checked_reduction(_legacy_reduction(size_average, reduce, reduction))
    if not isinstance(target, Tensor):
        raise AttributeError_(f"'{type(target).__name__}' object has no attribute 'size'")
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError_(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    if not input.dtype.is_floating_point:
        raise NotImplementedError_(f'"log_sigmoid_cpu" not implemented for \'{input.dtype.short_name}\'')
    if not target.dtype.is_floating_point:
        raise RuntimeError_(
            f"result type {input.dtype.short_name} can't be cast to the desired output type {target.dtype.short_name}"
        )
    if weight is not None:
        _broadcast_shape(input, _as_tensor(weight))  # PyTorch's message when they do not fit
    if pos_weight is not None:
        _broadcast_shape(_as_tensor(pos_weight), target)
    extra = {name: None if value is None else np.broadcast_to(_as_tensor(value).array.astype(input.array.dtype),
                                                               input.array.shape)
             for name, value in (("weight", weight), ("pos_weight", pos_weight))}
    return apply(P.PRIMITIVES["binary_cross_entropy_with_logits"], (input, _coerce(target, input.dtype)),
                 {"reduction": reduction, **extra})


def _legacy_reduction(size_average, reduce, reduction: str, stacklevel: int = 3) -> str:
    """The reduction the deprecated `size_average` and `reduce` flags ask for, with PyTorch's warning."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    chosen = "none" if not reduce else "mean" if size_average else "sum"
    warn(f"size_average and reduce args will be deprecated, please use reduction='{chosen}' instead.",
         UserWarning, stacklevel=stacklevel)
    return chosen


def _check_nll_arguments(op: str, input, target, weight, ignore_index) -> None:  # noqa: A002
    """PyTorch's argument-type errors, named after the function its Python layer calls."""
    if not isinstance(target, Tensor):
        raise TypeError_(f"{op}(): argument 'target' (position 2) must be Tensor, not {type(target).__name__}")
    if weight is not None and not isinstance(weight, Tensor):
        raise TypeError_(f"{op}(): argument 'weight' (position 3) must be Tensor, not {type(weight).__name__}")
    if not isinstance(ignore_index, int) or isinstance(ignore_index, bool):
        raise TypeError_(
            f"{op}(): argument 'ignore_index' (position 5) must be int, not {type(ignore_index).__name__}"
        )


def _class_index_loss(input: Tensor, target: Tensor, weight, ignore_index: int, reduction: str) -> Tensor:  # noqa: A002
    """nll_loss on checked arguments: `input` (N, C, d1, ...) or (C,), `target` the class per item."""
    if input.ndim == 0:
        raise ValueError_("Expected 1 or more dimensions (got 0)")
    batch = 1 if input.ndim == 1 else input.shape[0]
    target_batch = 1 if input.ndim == 1 else (target.shape[0] if target.ndim else 0)
    if input.ndim == 1 and target.ndim == 1 and target.shape[0] != 1:
        raise ValueError_(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")
    if target_batch != batch:
        raise ValueError_(f"Expected input batch_size ({batch}) to match target batch_size ({target_batch}).")
    expected = (input.shape[0],) + tuple(input.shape[2:]) if input.ndim > 1 else None
    if input.ndim > 2 and tuple(target.shape) != expected:
        raise RuntimeError_(f"Expected target size {list(expected)}, got {list(target.shape)}")
    if input.ndim <= 2 and target.ndim > 1:
        raise RuntimeError_("0D or 1D target tensor expected, multi-target not supported")
    if target.dtype.name != "int64":
        raise RuntimeError_(f"expected target dtype to be Long or Byte, but got {target.dtype.short_name}")
    classes = input.shape[0 if input.ndim == 1 else 1]
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != classes):
        raise RuntimeError_(
            f"weight tensor should be defined either for all {classes} classes or no classes but got weight "
            f"tensor of shape: {list(weight.shape)}"
        )
    if not input.dtype.is_floating_point:
        raise NotImplementedError_(f'"nll_loss_out_frame" not implemented for \'{input.dtype.short_name}\'')
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError_(f"expected scalar type {input.dtype.short_name} but found {weight.dtype.short_name}")
    labels = target.array.reshape(()) if input.ndim == 1 else target.array
    outside = (labels != ignore_index) & ((labels < 0) | (labels >= classes))
    if outside.any():
        raise IndexError_(f"Target {labels[outside].flat[0]} is out of bounds.")
    params = {"target": labels, "weight": None if weight is None else weight.array, "ignore_index": ignore_index,
              "reduction": reduction, "dim": 0 if input.ndim == 1 else 1}
    # PyTorch's loss over images (N, C, d1, ...) is its nll_loss2d: NllLoss2DBackward0
    return apply(P.nll_loss, (input,), params, "NllLoss2DBackward0" if input.ndim > 2 else None)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,  # noqa: A002
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """torch.nn.functional.nll_loss with class-index targets: -input[i, target[i]] * weight, reduced."""
    reduction = _checked_reduction(_legacy_reduction(size_average, reduce, reduction))
    _check_nll_arguments("nll_loss_nd", input, target, weight, ignore_index)
    return _class_index_loss(_as_tensor(input), target, weight, ignore_index, reduction)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,  # noqa: A002
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """torch.nn.functional.cross_entropy: nll_loss of log_softmax over the class dim (dim 1, or 0 for
    one unbatched item); a floating `target` of input's shape gives the probabilities of each class."""
    reduction = _checked_reduction(_legacy_reduction(size_average, reduce, reduction))
    _check_nll_arguments("cross_entropy_loss", input, target, weight, ignore_index)
    input = _as_tensor(input)  # noqa: A001
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError_(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
    if label_smoothing and weight is not None:
        raise NotImplementedError_("cross_entropy: label_smoothing with weight is not supported by gradlang")
    class_dim = 0 if input.ndim <= 1 else 1
    if not input.dtype.is_floating_point:
        kernel = "log_softmax_lastdim_kernel_impl" if class_dim == input.ndim - 1 or input.ndim == 0 else \
            "log_softmax_kernel_impl"
        raise NotImplementedError_(f'"{kernel}" not implemented for \'{input.dtype.short_name}\'')
    classes = input.shape[class_dim] if input.ndim else 1
    if tuple(target.shape) == tuple(input.shape):
        if ignore_index >= 0:
            raise RuntimeError_("ignore_index is not supported for floating point target")
        if label_smoothing:  # the targets moved towards uniform, as PyTorch does
            target = add(mul(target, 1 - label_smoothing), label_smoothing / classes)
        return _class_probability_loss(input, target, weight, class_dim, reduction)
    log_probs = apply(P.log_softmax, (input,), {"dim": class_dim})
    loss = _class_index_loss(log_probs, target, weight, ignore_index, reduction)
    if not label_smoothing:
        return loss
    # PyTorch's blend: (1 - s) * nll + s / C * (-sum of the log-probabilities), ignored items left out
    kept = Tensor._wrap(np.asarray(target.array != ignore_index))
    smooth = where(kept, neg(sum_(log_probs, class_dim)), 0.0)
    if reduction == "mean":
        smooth = div(sum_(smooth), int(kept.array.sum()))
    elif reduction == "sum":
        smooth = sum_(smooth)
    return add(mul(loss, 1 - label_smoothing), mul(smooth, label_smoothing / classes))


def _class_probability_loss(input: Tensor, target: Tensor, weight, class_dim: int, reduction: str) -> Tensor:  # noqa: A002
    """cross_entropy against class probabilities: -sum(target * log_softmax(input)) over the classes,
    as PyTorch composes it (a mean divides by the number of items)."""
    if not target.dtype.is_floating_point:
        raise RuntimeError_(
            f"Expected floating point type for target with class probabilities, got {target.dtype.short_name}"
        )
    if weight is not None:
        raise NotImplementedError_("cross_entropy: weight with class-probability targets is not supported")
    log_probs = apply(P.log_softmax, (input,), {"dim": class_dim})
    products = mul(log_probs, target)
    if reduction == "none":
        return neg(sum_(products, class_dim))
    total = neg(sum_(products))
    if reduction == "sum":
        return total
    items = input.numel() // input.shape[class_dim] if input.ndim else 1
    return renamed(div(total, items), "DivBackward1")  # PyTorch divides by a number there


def _activation_input(x, name: str) -> Tensor:
    x = _as_tensor(x)
    if not x.dtype.is_floating_point:
        raise NotImplementedError_(f"\"{name}\" not implemented for '{x.dtype.short_name}'")
    return x


def _activated(x, name: str, params: dict | None, kernel: str, inplace: bool, in_place_name: str) -> Tensor:
    """The activation `name` of x; with inplace=True written into x (PyTorch's `name_`, whose
    node is named `in_place_name`)."""
    x = _activation_input(x, kernel)
    prim = P.PRIMITIVES[name]
    if not inplace:
        return apply(prim, (x,), params)
    return renamed(run_in_place(x, lambda t: apply(prim, (t,), params)), in_place_name)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002
    """input @ weight.T + bias: with a bias, one addmm (AddmmBackward0) over the rows, as in
    PyTorch; a single row or a batch of more dims is viewed as rows and back (ViewBackward0)."""
    input = _as_tensor(input)  # noqa: A001
    if bias is not None and weight.ndim == 2:
        if input.ndim == 2:
            return addmm(bias, input, t(weight))
        if input.ndim and input.shape[-1] == weight.shape[1]:  # (other shapes: matmul's message)
            rows = reshape(input, (-1, input.shape[-1]))
            out = addmm(bias, rows, t(weight))
            return reshape(out, (*input.shape[:-1], weight.shape[0]))
    out = matmul(input, t(weight) if weight.ndim == 2 else weight)
    return out if bias is None else add(out, bias)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """In training, each value zeroed with probability p and the others scaled by 1 / (1 - p)
    (times a constant mask: MulBackward0, as PyTorch records it); otherwise the input itself.
    The mask is drawn from gradlang's random stream, so which values drop differs from PyTorch's."""
    if not 0.0 <= p <= 1.0:
        raise ValueError_(f"dropout probability has to be between 0 and 1, but got {p}")
    input = _as_tensor(input)  # noqa: A001
    if not training or p == 0:
        return input
    from ..creation import rand

    dtype = input.array.dtype
    keep = rand(*input.array.shape).array >= p if p < 1 else np.zeros(input.array.shape, dtype=bool)
    scale = keep.astype(dtype) * (dtype.type(1) / dtype.type(1 - p) if p < 1 else dtype.type(0))
    mask = Tensor._wrap(scale)
    return run_in_place(input, mul, mask) if inplace else mul(input, mask)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """A row of zeros with a one at each class index (int64, with a last dim of num_classes)."""
    labels = _as_tensor(tensor)
    if labels.dtype.name != "int64":
        raise RuntimeError_("one_hot is only applicable to index tensor of type LongTensor.")
    values = labels.array
    if values.size and values.min() < 0:
        raise RuntimeError_("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(values.max()) + 1 if values.size else 0
    elif values.size and values.max() >= num_classes:
        raise RuntimeError_("Class values must be smaller than num_classes.")
    return Tensor._wrap((values[..., None] == np.arange(num_classes)).astype(np.int64))


def functional_relu(x, inplace: bool = False) -> Tensor:
    """torch.nn.functional.relu: with inplace=True, x.relu_()."""
    x = _as_tensor(x)
    return x.relu_() if inplace else relu(x)


def leaky_relu(x, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    return _activated(x, "leaky_relu", {"slope": negative_slope}, "leaky_relu_cpu", inplace, "LeakyReluBackward1")


def elu(x, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return _activated(x, "elu", {"alpha": alpha}, "elu_cpu", inplace, "EluBackward1")


def softplus(x, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    x = _activation_input(x, "softplus_cpu")
    return apply(P.PRIMITIVES["softplus"], (x,), {"beta": beta, "threshold": threshold})


def silu(x, inplace: bool = False) -> Tensor:
    return _activated(x, "silu", None, "silu_cpu", inplace, "SiluBackward0")


def gelu(x, approximate: str = "none") -> Tensor:
    """x times the normal distribution's CDF at x ('none'), or its tanh approximation ('tanh')."""
    x = _activation_input(x, "GeluKernelImpl")
    if approximate not in ("none", "tanh"):
        raise RuntimeError_("approximate argument must be either none or tanh.")
    return apply(P.PRIMITIVES["gelu"], (x,), {"approximate": approximate})


def logsigmoid(x) -> Tensor:
    return apply(P.PRIMITIVES["logsigmoid"], (_activation_input(x, "log_sigmoid_cpu"),))


def hardtanh(x, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    if min_val > max_val:
        raise ValueError_("min_val cannot be greater than max_val")
    x = _as_tensor(x)
    if not x.dtype.is_floating_point:  # integers are clamped to the bounds made integers, with no gradient
        return x.clamp(int(min_val), int(max_val))
    return _activated(x, "hardtanh", {"low": min_val, "high": max_val}, "hardtanh", inplace, "HardtanhBackward0")


def relu6(x, inplace: bool = False) -> Tensor:
    return hardtanh(x, 0.0, 6.0, inplace)


def softsign(x) -> Tensor:
    """x / (1 + |x|), composed as PyTorch does (DivBackward0)."""
    x = _as_tensor(x)
    return div(x, add(abs_(x), 1))


def normalize(x, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """x divided by its p-norm along `dim` (at least eps), composed as PyTorch does (DivBackward0)."""
    x = _as_tensor(x)
    return div(x, norm(x, p, dim, keepdim=True).clamp_min(eps).expand_as(x))
