"""The differentiable operations users call (`T.add`, `T.sigmoid`, `x @ y`, ...).

Each op checks its arguments, applies PyTorch's type promotion, picks the grad_fn name
PyTorch would give the same expression, and runs one primitive through `graph.apply`.
One module per area; this package re-exports every op and the helpers other core modules
use, so `ops.add` and `from .ops import add` work as they always did.
"""

from __future__ import annotations

from . import (
    arithmetic,
    comparison,
    constants,
    dims,
    elementwise,
    functional,
    in_place,
    indexing,
    joining,
    linalg,
    promotion,
    reductions,
    shape,
    sorting,
    special,
    spellings,
    view_history,
)
from .arithmetic import (
    add,
    addcdiv,
    addcmul,
    atan2,
    div,
    floor_divide,
    fmod,
    hypot,
    integer_fmod,
    integer_remainder,
    lerp,
    maximum,
    minimum,
    mul,
    neg,
    pow,
    pow_scalar,
    rdiv,
    reciprocal,
    remainder,
    rpow,
    rsub,
    square,
    sub,
    tensor_argument,
)
from .comparison import (
    allclose,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    eq,
    ge,
    gt,
    isclose,
    isnan,
    le,
    logical_not,
    lt,
    ne,
)
from .constants import constant, constant_like, full_like, ones_like, zeros_like
from .dims import _dims, _wrap_dim
from .elementwise import (
    abs,
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atanh,
    ceil,
    clamp,
    clamp_max,
    clamp_min,
    cos,
    cosh,
    erf,
    erfc,
    exp,
    exp2,
    expm1,
    floor,
    frac,
    gelu_backward,
    isfinite,
    isinf,
    log,
    log1p,
    log2,
    log10,
    masked_fill,
    nan_to_num,
    nonzero,
    relu,
    round,
    rsqrt,
    sigmoid,
    sigmoid_backward,
    sign,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
    tanh_backward,
    threshold_backward,
    tril,
    triu,
    trunc,
    where,
)
from .functional import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    dropout,
    elu,
    functional_log_softmax,
    functional_relu,
    functional_softmax,
    gelu,
    hardtanh,
    huber_loss,
    l1_loss,
    leaky_relu,
    linear,
    log_softmax,
    log_softmax_backward,
    logsigmoid,
    mse_loss,
    nll_loss,
    normalize,
    one_hot,
    relu6,
    silu,
    smooth_l1_loss,
    softmax,
    softmax_backward,
    softplus,
    softsign,
)
from .in_place import check_inplace, copy_values, fill, fill_random, inplace, setitem
from .indexing import _normalise_index, diag, gather, index, index_put, index_scatter, index_select, trace
from .joining import cat, concat, diff, stack
from .linalg import addmm, bmm, cross, dot, linalg_cross, matmul, mm, mT, mv, outer
from .promotion import (
    UnsupportedOperand,
    _as_tensor,
    _binary,
    _broadcast_shape,
    _check_operand,
    _coerce,
    _floating,
    _nograd_binary,
    _scalar,
    to,
)
from .reductions import (
    MaxResult,
    MedianResult,
    MinResult,
    amax,
    amin,
    argmax,
    argmin,
    cumprod,
    cumsum,
    dist,
    linalg_norm,
    linalg_vector_norm,
    logsumexp,
    max,
    mean,
    median,
    min,
    norm,
    prod,
    std,
    sum,
    var,
)
from .shape import (
    T,
    _share_storage,
    alias,
    chunk,
    clone,
    contiguous,
    expand,
    expand_view,
    flatten,
    flip,
    narrow,
    permute,
    repeat,
    reshape,
    roll,
    select,
    split,
    squeeze,
    sum_to,
    t,
    tile,
    transpose,
    unbind,
    unsqueeze,
    view,
)
from .sorting import SortResult, TopkResult, argsort, msort, sort, topk, unique
from .special import *  # noqa: F403 - xlogy, logaddexp, nansum, trapezoid, …
from .spellings import *  # noqa: F403 - PyTorch's other names for ops above

# Every op module: those that run primitives read the registry as their own global `P`.
OP_MODULES = (
    promotion, dims, constants, arithmetic, comparison, elementwise, reductions, functional, linalg, shape,
    indexing, joining, sorting, in_place, view_history, special, spellings,
)

P = None  # the primitive registry module, bound by _bind_primitives (primitives import ops)


def _bind_primitives() -> None:
    """Hand the primitive registry to every op module that runs primitives (called by core/__init__.py
    once both are imported). Each reads it as its own global `P`: no extra lookup per op."""
    global P
    from .. import primitives

    P = primitives
    for module in OP_MODULES:
        if hasattr(module, "P"):
            module.P = primitives


__all__ = [
    "MaxResult", "MinResult", "T", "UnsupportedOperand", "_as_tensor", "_binary", "_broadcast_shape", "_check_operand",
    "_coerce", "_dims", "_floating", "_nograd_binary", "_normalise_index", "_scalar", "_share_storage",
    "_wrap_dim", "abs", "add", "alias", "allclose", "amax", "amin", "argmax", "argmin", "binary_cross_entropy",
    "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor", "bmm", "cat", "check_inplace", "clamp",
    "clamp_max", "clamp_min", "clone", "concat", "contiguous", "constant", "constant_like", "copy_values", "cos",
    "div", "dot",
    "eq", "exp", "expand", "expand_view", "fill", "fill_random", "flatten", "floor_divide", "full_like",
    "dropout", "functional_log_softmax", "functional_relu",
    "functional_softmax", "ge", "gt", "index", "index_put", "index_scatter", "inplace", "integer_remainder",
    "isclose", "isnan", "le", "log",
    "log1p", "log_softmax", "logical_not", "lt", "matmul", "max", "maximum", "mean", "min", "minimum", "mm",
    "mse_loss", "mT", "mul", "mv", "ne", "neg", "norm", "ones_like", "permute", "pow", "pow_scalar", "rdiv",
    "reciprocal", "relu", "remainder", "reshape", "rpow", "rsub", "setitem", "sigmoid", "sign", "sin",
    "softmax", "sqrt", "square", "squeeze", "stack", "sub", "sum", "sum_to", "t", "tan", "tanh",
    "gelu_backward", "log_softmax_backward", "softmax_backward", "sigmoid_backward", "tanh_backward",
    "threshold_backward", "to",
    "transpose", "unsqueeze", "view", "where", "zeros_like", "nonzero", "tensor_argument", "addmm", "linear", "one_hot",
    "fmod", "integer_fmod", "cumprod", "median", "MedianResult",
    "chunk", "cross_entropy", "narrow", "nll_loss", "select", "split", "std", "unbind", "var",
    "acos", "asin", "atan", "cosh", "exp2", "expm1", "log10", "log2", "rsqrt", "sinh",
    "elu", "leaky_relu", "silu", "softplus",
    "cumsum", "flip", "logsumexp", "masked_fill", "outer",
    "addcdiv", "addcmul", "atan2", "erf", "gelu", "hypot", "lerp",
    "diag", "dist", "gather", "index_select", "prod", "repeat", "tile", "trace", "tril", "triu",
    "cross", "linalg_cross", "linalg_norm", "linalg_vector_norm", "roll",
    "binary_cross_entropy_with_logits",
    "hardtanh", "huber_loss", "l1_loss", "logsigmoid", "normalize", "relu6", "smooth_l1_loss", "softsign",
    "acosh", "asinh", "atanh", "ceil", "erfc", "floor", "frac", "isfinite", "isinf", "nan_to_num", "round", "trunc",
    "diff", "SortResult", "TopkResult", "argsort", "msort", "sort", "topk", "unique",
]
