"""The autograd core: tensors, primitives with reverse and forward rules, and the engine.

It knows nothing of the gradlang language; `import gradlang as T` reads like torch.
"""

from __future__ import annotations

import numpy as np

from . import ops as _ops
from . import primitives as _primitives  # noqa: F401 - registers the primitives

_ops._bind_primitives()

# Float arithmetic follows IEEE like PyTorch: 1/0 is inf, log(0) is -inf, quietly.
np.seterr(all="ignore")

from types import SimpleNamespace as _Namespace  # noqa: E402

from . import autograd_functional as _autograd_functional  # noqa: E402
from . import engine as _engine  # noqa: E402
from . import forward_ad as _forward_ad  # noqa: E402
from . import losses as _losses  # noqa: E402
from . import lr_scheduler as _lr_scheduler  # noqa: E402
from . import modules as _modules  # noqa: E402
from . import optim as _optim  # noqa: E402
from . import transforms as _transforms  # noqa: E402
from .creation import (  # noqa: E402
    Generator,
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    initial_seed,
    linspace,
    manual_seed,
    normal,
    ones,
    ones_like,
    param,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    seed,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import DType, bool_, float32, float64, int32, int64  # noqa: E402
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled  # noqa: E402
from .numerical import gradient  # noqa: E402
from .ops import (  # noqa: E402
    abs,
    acos,
    acosh,
    add,
    addcdiv,
    addcmul,
    addmm,
    allclose,
    amax,
    amin,
    argmax,
    argmin,
    argsort,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    binary_cross_entropy,
    bmm,
    cat,
    ceil,
    chunk,
    clamp,
    clamp_max,
    clamp_min,
    clone,
    cos,
    cosh,
    cross,
    cumprod,
    cumsum,
    diag,
    diff,
    dist,
    div,
    dot,
    eq,
    erf,
    erfc,
    exp,
    exp2,
    expand,
    expm1,
    flatten,
    flip,
    floor,
    floor_divide,
    fmod,
    frac,
    gather,
    ge,
    gt,
    hypot,
    index_select,
    isclose,
    isfinite,
    isinf,
    isnan,
    le,
    lerp,
    log,
    log1p,
    log2,
    log10,
    log_softmax,
    logical_not,
    logsumexp,
    lt,
    masked_fill,
    matmul,
    max,
    maximum,
    mean,
    median,
    min,
    minimum,
    mm,
    mse_loss,
    msort,
    mul,
    mv,
    nan_to_num,
    narrow,
    ne,
    neg,
    nonzero,
    norm,
    outer,
    permute,
    pow,
    prod,
    reciprocal,
    relu,
    remainder,
    reshape,
    roll,
    round,
    rsqrt,
    rsub,
    select,
    sigmoid,
    sign,
    sin,
    sinh,
    softmax,
    sort,
    split,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    sub,
    sum,
    t,
    tan,
    tanh,
    tile,
    topk,
    trace,
    transpose,
    tril,
    triu,
    trunc,
    unbind,
    unique,
    unsqueeze,
    var,
    where,
)
from .ops.special import *  # noqa: E402, F403 - xlogy, logaddexp, nansum, trapezoid, …
from .ops.spellings import *  # noqa: E402, F403 - PyTorch's other names for ops
from .primitives import PRIMITIVES, Primitive  # noqa: E402
from .printing import set_printoptions  # noqa: E402
from .tensor import NUMPY_KEYWORD_OPS as _NUMPY_KEYWORD_OPS  # noqa: E402
from .tensor import Device, Size, Tensor, device  # noqa: E402
from .tensor import numpy_keywords as _numpy_keywords  # noqa: E402
from .transforms import grad, gradcheck, hessian, jvp  # noqa: E402

bool = bool_  # noqa: A001 - torch.bool
float = float32  # noqa: A001 - torch.float
double = float64
long = int64
int = int32  # noqa: A001 - torch.int
clip = clamp
divide = div
multiply = mul
subtract = sub
negative = neg
absolute = abs

autograd = _Namespace(grad=_engine.grad, backward=_engine.backward, functional=_autograd_functional,
                      forward_ad=_forward_ad, gradcheck=_transforms.autograd_gradcheck)
optim = _Namespace(SGD=_optim.SGD, Adam=_optim.Adam, AdamW=_optim.AdamW, RMSprop=_optim.RMSprop,
                   Adagrad=_optim.Adagrad,
                   lr_scheduler=_Namespace(**{cls.__name__: cls for cls in _lr_scheduler.SCHEDULERS}))
# A CPU build of PyTorch: no CUDA device is available (tutorials ask before they pick one).
cuda = _Namespace(is_available=lambda: False, device_count=lambda: 0)
inference_mode = no_grad
concat = cat  # torch.concat
# torch.sum(x, axis=0) and the like: numpy's keyword names, as the methods take them (tensor.py).
for _name in _NUMPY_KEYWORD_OPS:
    if _name in globals():
        globals()[_name] = _numpy_keywords(globals()[_name])


def get_default_dtype() -> DType:
    """The dtype of a tensor made from Python floats: float32, as in PyTorch."""
    return float32
linalg = _Namespace(norm=_ops.linalg_norm, vector_norm=_ops.linalg_vector_norm, cross=_ops.linalg_cross)
nn = _Namespace(
    functional=_Namespace(
        relu=_ops.functional_relu, sigmoid=sigmoid, tanh=tanh, softmax=_ops.functional_softmax,
        log_softmax=_ops.functional_log_softmax, mse_loss=mse_loss,
        binary_cross_entropy=binary_cross_entropy, nll_loss=_ops.nll_loss, cross_entropy=_ops.cross_entropy,
        binary_cross_entropy_with_logits=_ops.binary_cross_entropy_with_logits,
        l1_loss=_ops.l1_loss, smooth_l1_loss=_ops.smooth_l1_loss, huber_loss=_ops.huber_loss,
        logsigmoid=_ops.logsigmoid, hardtanh=_ops.hardtanh, relu6=_ops.relu6, softsign=_ops.softsign,
        normalize=_ops.normalize, linear=_ops.linear, one_hot=_ops.one_hot,
        leaky_relu=_ops.leaky_relu, dropout=_ops.dropout,
        elu=_ops.elu, softplus=_ops.softplus, silu=_ops.silu, gelu=_ops.gelu,
    ),
    **{name: getattr(_losses, name) for name in _losses.LOSSES},
    Module=_modules.Module, Parameter=_modules.Parameter, init=_Namespace(**_modules.INIT), **_modules.LAYERS,
)

__all__ = [
    "DType", "Generator", "PRIMITIVES", "Primitive", "Size", "Tensor", "abs", "absolute", "add", "allclose", "amax",
    "amin", "arange", "argmax", "argmin", "as_tensor", "autograd", "binary_cross_entropy", "bmm", "bool",
    "bool_", "cat", "clamp", "clamp_max", "clamp_min", "clip", "clone", "cos", "div", "divide", "dot",
    "double", "empty", "enable_grad", "eq", "exp", "expand", "eye", "flatten", "float", "float32", "float64",
    "floor_divide", "from_numpy", "full", "full_like", "ge", "grad", "gradcheck", "gradient", "gt", "hessian",
    "int", "int32", "int64", "is_grad_enabled", "isclose", "isnan", "jvp", "le", "linspace", "log", "log1p",
    "log_softmax", "logical_not", "long", "lt", "manual_seed", "matmul", "max", "maximum", "mean", "min",
    "minimum", "mm", "mse_loss", "mul", "multiply", "mv", "ne", "neg", "negative", "nn", "no_grad", "norm",
    "ones", "ones_like", "param", "permute", "pow", "rand", "randint", "randn", "reciprocal", "relu",
    "remainder", "reshape", "rsub", "set_grad_enabled", "sigmoid", "sign", "sin", "softmax", "sqrt", "square",
    "squeeze", "stack", "sub", "subtract", "sum", "t", "tan", "tensor", "tanh", "transpose", "unsqueeze", "where",
    "zeros", "zeros_like",
    "chunk", "narrow", "select", "split", "std", "unbind", "var",
    "acos", "asin", "atan", "cosh", "exp2", "expm1", "log10", "log2", "rsqrt", "sinh",
    "cumsum", "flip", "logsumexp", "masked_fill", "outer",
    "addcdiv", "addcmul", "atan2", "erf", "hypot", "lerp",
    "diag", "dist", "gather", "index_select", "prod", "tile", "trace", "tril", "triu",
    "cross", "linalg", "roll",
    "optim",
    "acosh", "asinh", "atanh", "ceil", "erfc", "floor", "frac", "isfinite", "isinf", "nan_to_num", "round", "trunc",
    "diff",
    "empty_like", "rand_like", "randn_like",
    "argsort", "msort", "sort", "topk", "unique",
    "normal", "randperm", "nonzero",
    "Device", "cuda", "device", "inference_mode", "set_printoptions", "addmm", "get_default_dtype",
    "initial_seed", "seed", "fmod", "cumprod", "median", "concat",
    *_ops.special.__all__, *_ops.spellings.__all__,
]
