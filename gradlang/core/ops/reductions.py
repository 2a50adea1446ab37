"""Reductions: sum, mean, max/min (a torch.return_types pair with a dim), amax/amin, argmax/argmin,
norm, and var and std."""

from __future__ import annotations

import math
import numbers
from collections import namedtuple

import numpy as np

from ...errors import IndexError_, NotImplementedError_, RuntimeError_, TypeError_
from .. import dtypes
from ..dtypes import DType
from ..graph import apply, renamed
from ..notices import warn
from ..tensor import Tensor
from .arithmetic import maximum, minimum
from .dims import _dims, _wrap_dim, reduced_count
from .promotion import _as_tensor, to

_REQUIRED = object()  # an argument PyTorch requires, left out
P = None  # the primitive registry module, bound by ops._bind_primitives (primitives import ops)


def _dims_or_all(dim, ndim: int) -> tuple[int, ...] | None:
    """The dims a reduction reduces: an empty list means all of them, as in PyTorch. None for a 0-d
    tensor (nothing to reduce), once the dims are range-checked."""
    dims = _dims(dim, ndim)
    if len(set(dims)) < len(dims):
        _refuse_repeats(dim, ndim)
    if ndim == 0:
        return None
    return dims or tuple(range(ndim))


def _refuse_repeats(dims, ndim: int) -> None:
    """PyTorch's error for a dim listed twice: it names the first one seen again, in the given order."""
    seen = set()
    for dim in dims:
        dim = _wrap_dim(dim, ndim)
        if dim in seen:
            raise RuntimeError_(f"dim {dim} appears multiple times in the list of dims")
        seen.add(dim)


def sum(x: Tensor, dim=None, keepdim: bool = False, dtype: DType | None = None) -> Tensor:  # noqa: A001
    x = _as_tensor(x)
    if dtype is not None:
        x = to(x, dtype)
    if dim is None:
        return apply(P.sum_, (x,), {"dims": None, "keepdim": keepdim})
    return apply(P.sum_, (x,), {"dims": _dims_or_all(dim, x.ndim), "keepdim": keepdim}, "SumBackward1")


def mean(x: Tensor, dim=None, keepdim: bool = False, dtype: DType | None = None) -> Tensor:
    x = _as_tensor(x)
    if dtype is not None:
        x = to(x, dtype)
    if not x.dtype.is_floating_point:
        raise RuntimeError_(
            f"mean(): could not infer output dtype. {'Input' if dtype is None else 'Optional'} dtype must be either "
            f"a floating point or complex dtype. Got: {x.dtype.short_name}"
        )
    if dim is None:
        return apply(P.mean, (x,), {"dims": None, "keepdim": keepdim})
    return apply(P.mean, (x,), {"dims": _dims_or_all(dim, x.ndim), "keepdim": keepdim}, "MeanBackward1")


class _ValuesIndices(namedtuple("_ValuesIndices", ["values", "indices"])):
    """torch.return_types.max, min, …: a (values, indices) pair printed as PyTorch prints it."""

    __slots__ = ()
    kind = "max"

    def __repr__(self) -> str:
        return f"torch.return_types.{self.kind}(\nvalues={self.values!r},\nindices={self.indices!r})"

    __str__ = __repr__


def values_indices(kind: str) -> type:
    """The result type of the op `kind` (MaxResult for "max")."""
    return type(f"{kind.title()}Result", (_ValuesIndices,), {"__slots__": (), "kind": kind})


MaxResult, MinResult, MedianResult = values_indices("max"), values_indices("min"), values_indices("median")


def _named_pair(kind: str, values: Tensor, indices: Tensor):
    return (MaxResult if kind == "max" else MinResult)(values, indices)


def _refuse_empty_dim(op: str, x: Tensor, dim: int, shown=None) -> None:
    """PyTorch's IndexError for reducing over a dim of size 0 (`shown`: the dim as the message names it)."""
    if x.ndim and x.shape[dim] == 0:
        raise IndexError_(f"{op}(): Expected reduction dim {dim if shown is None else shown} to have non-zero size.")


def _unspecified_dim(op: str) -> str:
    """The start of PyTorch's message for reducing an empty tensor over every dim."""
    return f"{op}(): Expected reduction dim to be specified for input.numel() == 0."


def _refuse_dim_type(op: str, dim, keepdim: bool) -> None:
    """PyTorch's TypeError for a dim that is not an int, as it words it for `dim=` given by keyword:
    max and min without keepdim list their overloads."""
    if dim is None or isinstance(dim, (numbers.Integral, Tensor)):
        return
    got = type(dim).__name__
    if op in ("max", "min") and not keepdim:
        raise TypeError_(
            f"{op}() received an invalid combination of arguments - got (dim={got}, ), but expected one of:\n"
            " * ()\n      didn't match because some of the keywords were incorrect: dim\n"
            " * (Tensor other)\n      didn't match because some of the keywords were incorrect: dim\n"
            " * (int dim, bool keepdim = False)\n"
        )
    raise TypeError_(f"{op}(): argument 'dim' must be int, not {got}")


def _reduce_dim(kind: str, x: Tensor, dim: int, keepdim: bool, op: str | None = None):
    dim = _wrap_dim(dim, x.ndim)
    _refuse_empty_dim(op or kind, x, dim)
    if x.ndim == 0:
        values = apply(P.clone, (x,), None, "MaxBackward0" if kind == "max" else "MinBackward0")
        return _named_pair(kind, values, Tensor._wrap(np.asarray(0)))
    arg = np.argmax if kind == "max" else np.argmin
    indices = np.asarray(arg(x.array, axis=dim))
    if keepdim:
        indices = np.expand_dims(indices, dim)
    name = "MaxBackward0" if kind == "max" else "MinBackward0"
    values = apply(P.reduce_dim, (x,), {"dim": dim, "keepdim": keepdim, "indices": indices}, name)
    return _named_pair(kind, values, Tensor._wrap(indices.astype(np.int64)))


def _extreme(kind: str, x, dim=None, keepdim=False):
    x = _as_tensor(x)
    if isinstance(dim, Tensor):
        return maximum(x, dim) if kind == "max" else minimum(x, dim)
    _refuse_dim_type(kind, dim, keepdim)
    if dim is not None:
        return _reduce_dim(kind, x, dim, keepdim)
    if x.numel() == 0:
        raise RuntimeError_(f"{_unspecified_dim(kind)} Specify the reduction dim with the 'dim' argument.")
    return apply(P.amax if kind == "max" else P.amin, (x,), {"dims": None, "keepdim": False, "nan_hits": True})


def max(x, dim=None, keepdim: bool = False):  # noqa: A001 - torch.max
    return _extreme("max", x, dim, keepdim)


def min(x, dim=None, keepdim: bool = False):  # noqa: A001 - torch.min
    return _extreme("min", x, dim, keepdim)


def median(x, dim=None, keepdim: bool = False):
    """The lower middle value: of all of x (ties share the gradient, as max()'s), or along `dim`
    with the index it came from (torch.return_types.median; among tied values the first, where
    PyTorch's selection may pick another)."""
    x = _as_tensor(x)
    if dim is None:
        return apply(P.median, (x,), {"dims": None, "keepdim": False, "nan_hits": True})
    _refuse_dim_type("median", dim, keepdim)
    dim = _wrap_dim(dim, x.ndim)
    _refuse_empty_dim("median", x, dim)
    if x.ndim == 0:
        return MedianResult(apply(P.clone, (x,), None, "MedianBackward1"), Tensor._wrap(np.asarray(0)))
    rows = np.moveaxis(x.array, dim, -1)
    middle = np.sort(rows, axis=-1)[..., (rows.shape[-1] - 1) // 2]  # NaN sorts last
    hits = rows == middle[..., None]
    if rows.dtype.kind == "f":
        has_nan = np.isnan(rows).any(axis=-1, keepdims=True)
        hits = np.where(has_nan, np.isnan(rows), hits)  # a NaN is the median, at its first place
    indices = np.argmax(hits, axis=-1)
    if keepdim:
        indices = np.expand_dims(indices, dim)
    values = apply(P.reduce_dim, (x,), {"dim": dim, "keepdim": keepdim, "indices": indices}, "MedianBackward1")
    return MedianResult(values, Tensor._wrap(indices.astype(np.int64)))


def _amax_like(op: str, x: Tensor, dim, keepdim: bool, name: str) -> Tensor:
    """amax/amin: the extremes over `dim` (all dims when None or empty); ties share the gradient."""
    x = _as_tensor(x)
    dims = _dims_or_all(() if dim is None else dim, x.ndim)
    if x.numel() == 0:
        if dim is None or (not isinstance(dim, int) and len(dim) == 0):
            raise RuntimeError_(f"{_unspecified_dim(op)} Specify the reduction dim with the 'dim' argument.")
        for given in (dim,) if isinstance(dim, int) else dim:  # the first empty one, named as given
            _refuse_empty_dim(op, x, _wrap_dim(given, x.ndim), shown=given)
    return apply(P.PRIMITIVES[op], (x,), {"dims": dims, "keepdim": keepdim}, name)


def amax(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    return _amax_like("amax", x, dim, keepdim, "AmaxBackward0")


def amin(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    return _amax_like("amin", x, dim, keepdim, "AminBackward0")


def _arg_extreme(kind: str, x: Tensor, dim, keepdim: bool) -> Tensor:
    op = f"arg{kind}"
    _refuse_dim_type(op, dim, keepdim)
    if x.dtype is dtypes.bool_:
        raise RuntimeError_(f"{op}(): does not support bool input")
    if dim is not None:
        return _reduce_dim(kind, x, dim, keepdim, op).indices
    if x.numel() == 0:
        raise IndexError_(_unspecified_dim(op))
    index = np.asarray(getattr(np, op)(x.array), dtype=np.int64)
    return Tensor._wrap(index.reshape((1,) * x.ndim) if keepdim else index)  # keepdim keeps every dim, as 1


def argmax(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    return _arg_extreme("max", x, dim, keepdim)


def argmin(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    return _arg_extreme("min", x, dim, keepdim)


def norm(x: Tensor, p=2, dim=None, keepdim: bool = False, dtype: DType | None = None) -> Tensor:
    """torch.norm / Tensor.norm: the vector norm of order `p` ('fro' is 2) over `dim` (None: all)."""
    x = _as_tensor(x)
    if dtype is not None:
        x = to(x, dtype)
    if not x.dtype.is_floating_point:
        raise RuntimeError_(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {x.dtype.short_name}"
        )
    if p is None:
        p = 2
    if isinstance(p, str):
        given = [dim] if isinstance(dim, int) else list(dim) if dim is not None else list(range(x.ndim))
        if p == "fro" and (dim is None or len(given) <= 2):
            p = 2  # the Frobenius norm is the 2-norm of the elements
        elif len(given) != 2:
            raise RuntimeError_(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, given))}")
        else:
            raise NotImplementedError_(f"norm(p={p!r}): matrix norms other than 'fro' are not supported")
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError_(f"norm(): argument 'p' must be Number, not {type(p).__name__}")
    dims = None if dim is None else _dims_or_all(dim, x.ndim)
    if dims is None and keepdim:
        dims = tuple(range(x.ndim))
    if p in (math.inf, -math.inf) and reduced_count(x.array.shape, dims) == 0:
        sign = "" if p > 0 else "-"
        raise RuntimeError_(f"linalg.vector_norm cannot compute the {sign}inf norm on an empty tensor because the "
                            "operation does not have an identity")
    return apply(P.vector_norm, (x,), {"ord": float(p), "dims": dims, "keepdim": keepdim})


_SPREAD_OVERLOADS = (
    " * (tuple of ints dim, bool unbiased = True, bool keepdim = False)\n"
    " * (tuple of ints dim = None, *, Number correction = None, bool keepdim = False)\n"
    " * (bool unbiased = True)\n"
)


def _refuse_spread_arguments(op: str, positional: tuple, keywords: dict, mismatch: str = "") -> None:
    """PyTorch's TypeError for arguments no overload of var/std takes, naming their types."""
    got = [type(a).__name__ for a in positional] + [f"{k}={type(v).__name__}" for k, v in sorted(keywords.items())]
    first = _SPREAD_OVERLOADS.split("\n", 1)
    if "unbiased" in keywords and "correction" in keywords:
        first[0] += "\n      didn't match because some of the keywords were incorrect: correction, unbiased"
    raise TypeError_(
        f"{op}() received an invalid combination of arguments - got ({', '.join(got)}), but expected one of:\n"
        + "\n".join(first) + mismatch
    )


def _is_dim_argument(dim) -> bool:
    if isinstance(dim, (list, tuple)):
        return all(isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in dim)
    return isinstance(dim, numbers.Integral) and not isinstance(dim, bool)


_SPREAD_PARAMETERS = ("dim", "unbiased", "keepdim")


def _spread(op: str, x, args: tuple, kwargs: dict) -> Tensor:
    """var and std: PyTorch's three overloads (dim, unbiased, keepdim), (dim, *, correction,
    keepdim) and (unbiased), told apart as PyTorch's argument parser does."""
    x = _as_tensor(x)
    unknown = set(kwargs) - {"dim", "unbiased", "keepdim", "correction"}
    if len(args) > 3 or unknown or any(name in kwargs for name in _SPREAD_PARAMETERS[:len(args)]):
        _refuse_spread_arguments(op, args, kwargs)
    given = dict(zip(_SPREAD_PARAMETERS, args), **kwargs)
    dim, unbiased = given.get("dim"), given.get("unbiased")
    keepdim, correction = given.get("keepdim", False), given.get("correction")
    if len(args) == 1 and isinstance(dim, bool) and not kwargs:
        dim, unbiased = None, dim  # x.var(False): the unbiased overload
    if len(args) == 1 and not kwargs and dim is not None and not _is_dim_argument(dim):
        kind = type(dim).__name__
        _refuse_spread_arguments(op, args, kwargs,
                                 f"      didn't match because some of the arguments have invalid types: (!{kind}!)\n")
    if (dim is not None and not _is_dim_argument(dim)) or (unbiased is not None and not isinstance(unbiased, bool)) \
            or (unbiased is not None and correction is not None) or not isinstance(keepdim, bool) \
            or (correction is not None and not isinstance(correction, numbers.Real)):
        _refuse_spread_arguments(op, args, kwargs)
    if not x.dtype.is_floating_point:
        raise RuntimeError_("std and var only support floating point and complex dtypes")
    if correction is None:
        correction = 0 if unbiased is False else 1
    dims = None if dim is None else _dims_or_all(dim, x.ndim)
    if reduced_count(x.shape, dims) - correction <= 0:
        warn(
            f"{op}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor "
            "(input numel divided by output numel).",
            UserWarning, stacklevel=3,
        )
    return apply(P.PRIMITIVES[op], (x,), {"dims": dims, "correction": correction, "keepdim": keepdim})


def var(x: Tensor, *args, **kwargs) -> Tensor:
    """The variance over `dim` (all dims by default), divided by the count less `correction` (1, or 0
    for unbiased=False)."""
    return _spread("var", x, args, kwargs)


def std(x: Tensor, *args, **kwargs) -> Tensor:
    """The standard deviation: var's square root."""
    return _spread("std", x, args, kwargs)


def _scan(op: str, x, dim, dtype: DType | None) -> Tensor:
    x = _as_tensor(x)
    if dtype is not None:
        x = to(x, dtype)
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError_(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    return apply(P.PRIMITIVES[op], (x,), {"dim": _wrap_dim(dim, x.ndim)})


def cumsum(x: Tensor, dim, dtype: DType | None = None) -> Tensor:
    """Running sums along `dim` (CumsumBackward0); integers and bools sum in int64."""
    return _scan("cumsum", x, dim, dtype)


def cumprod(x: Tensor, dim, dtype: DType | None = None) -> Tensor:
    """Running products along `dim` (CumprodBackward0); integers and bools multiply in int64."""
    return _scan("cumprod", x, dim, dtype)


def logsumexp(x: Tensor, dim=_REQUIRED, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) over `dim` (one or several dims), without overflow (LogsumexpBackward0)."""
    if dim is _REQUIRED:
        raise TypeError_('logsumexp() missing 1 required positional arguments: "dim"')
    x = _as_tensor(x)
    if not x.dtype.is_floating_point:
        x = to(x, dtypes.DEFAULT_FLOAT)
    dims = _dims_or_all(dim, x.ndim)
    if dims is None:  # a 0-d tensor: its own logsumexp
        dims = ()
    return apply(P.logsumexp, (x,), {"dims": dims, "keepdim": keepdim})


def prod(x: Tensor, dim=None, keepdim: bool = False, dtype: DType | None = None) -> Tensor:
    """The product of the elements (ProdBackward0), or along `dim` (ProdBackward1)."""
    x = _as_tensor(x)
    if dtype is not None:
        x = to(x, dtype)
    if dim is None:
        return apply(P.prod, (x,), {"dim": None, "keepdim": False})
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError_(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    return apply(P.prod, (x,), {"dim": _wrap_dim(dim, x.ndim) if x.ndim else None, "keepdim": keepdim}, "ProdBackward1")


def dist(a: Tensor, b: Tensor, p=2) -> Tensor:
    """The p-norm of a - b (DistBackward0)."""
    return renamed(norm(_as_tensor(a) - _as_tensor(b), p), "DistBackward0")


def linalg_vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype: DType | None = None) -> Tensor:  # noqa: A002
    """torch.linalg.vector_norm: the vector norm of order `ord` over `dim` (None: all elements)."""
    if isinstance(ord, str):
        raise TypeError_("linalg_vector_norm(): argument 'ord' (position 2) must be Number, not str")
    return norm(x, ord, dim, keepdim, dtype)


def linalg_norm(x: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype: DType | None = None) -> Tensor:  # noqa: A002
    """torch.linalg.norm: the 2-norm (Frobenius for a matrix) when `ord` is None, a vector norm
    for a vector or one dim, and the matrix norms 'fro', 1, -1, inf and -inf for matrices."""
    x = _as_tensor(x)
    if ord is None:
        return norm(x, 2, dim, keepdim, dtype)
    if dim is None and x.ndim not in (1, 2):
        raise RuntimeError_(
            f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {x.ndim}D."
        )
    matrix_dims = dim if dim is not None and not isinstance(dim, int) else (None if dim is not None or x.ndim != 2
                                                                             else (0, 1))
    if matrix_dims is None:
        return linalg_vector_norm(x, ord, dim, keepdim, dtype=dtype)
    rows, columns = (_wrap_dim(d, x.ndim) for d in matrix_dims)
    if ord == "fro":
        return norm(x, 2, (rows, columns), keepdim, dtype)
    if ord in (1, -1, math.inf, -math.inf):  # the largest or smallest absolute column (1) or row (inf) sum
        summed, other = (rows, columns) if ord in (1, -1) else (columns, rows)
        sums = sum(abs(x if dtype is None else to(x, dtype)), summed, keepdim=keepdim)
        if not keepdim and other > summed:
            other -= 1  # the summed dim is gone
        return (amax if ord > 0 else amin)(sums, other, keepdim=keepdim)
    raise NotImplementedError_(f"linalg.norm: the matrix norm of order {ord!r} is not supported")

