"""Linear algebra: dot, mm, mv, bmm, matmul (which picks one of them as torch does) and mT, with
PyTorch's shape and dtype messages."""

from __future__ import annotations

from ...errors import RuntimeError_
from .. import limits
from ..graph import apply
from ..tensor import Tensor
from .promotion import _as_tensor
from .shape import reshape, squeeze, transpose, unsqueeze

P = None  # the primitive registry module, bound by ops._bind_primitives (primitives import ops)


def _shape_text(x: Tensor) -> str:
    return "x".join(str(n) for n in x.array.shape)


def _same_dtype_for_matmul(a: Tensor, b: Tensor) -> None:
    if a.dtype is not b.dtype:
        names = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "bool": "bool"}
        raise RuntimeError_(
            f"expected m1 and m2 to have the same dtype, but got: {names[a.dtype.name]} != {names[b.dtype.name]}"
        )


def dot(a: Tensor, b: Tensor) -> Tensor:
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError_(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype is not b.dtype:
        raise RuntimeError_(
            f"dot : expected both vectors to have same dtype, but found {a.dtype.short_name} and {b.dtype.short_name}"
        )
    if a.array.shape[0] != b.array.shape[0]:
        n, m = a.array.shape[0], b.array.shape[0]
        raise RuntimeError_(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number of elements, "
            f"but got {n} and {m} elements respectively"
        )
    return apply(P.dot, (a, b))


def mm(a: Tensor, b: Tensor) -> Tensor:
    if a.ndim != 2 or b.ndim != 2:
        raise RuntimeError_("self must be a matrix" if a.ndim != 2 else "mat2 must be a matrix")
    _same_dtype_for_matmul(a, b)
    if a.array.shape[1] != b.array.shape[0]:
        raise RuntimeError_(
            f"mat1 and mat2 shapes cannot be multiplied ({_shape_text(a)} and {_shape_text(b)})"
        )
    limits.check_elements(a.array.shape[0] * b.array.shape[1])
    return apply(P.mm, (a, b))


def mv(a: Tensor, v: Tensor) -> Tensor:
    _same_dtype_for_matmul(a, v)
    if a.array.shape[1] != v.array.shape[0]:
        raise RuntimeError_(
            f"size mismatch, got input ({a.array.shape[0]}), mat ({_shape_text(a)}), vec ({v.array.shape[0]})"
        )
    return apply(P.mv, (a, v))


def matmul(a: Tensor, b: Tensor) -> Tensor:
    a, b = _as_tensor(a), _as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError_(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    if a.ndim == 1 and b.ndim == 1:
        return dot(a, b)
    if a.ndim == 2 and b.ndim == 1:
        return mv(a, b)
    if a.ndim == 1 and b.ndim == 2:
        _same_dtype_for_matmul(a, b)
        if a.array.shape[0] != b.array.shape[0]:
            raise RuntimeError_(
                f"mat1 and mat2 shapes cannot be multiplied (1x{a.array.shape[0]} and {_shape_text(b)})"
            )
        return squeeze(mm(unsqueeze(a, 0), b), 0, name="SqueezeBackward4")
    if a.ndim == 2 and b.ndim == 2:
        return mm(a, b)
    _same_dtype_for_matmul(a, b)
    if a.array.shape[-1] != b.array.shape[-2 if b.ndim > 1 else 0]:
        raise RuntimeError_(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a.array.shape[0]}, "
            f"{a.array.shape[-1]}] but got: [{b.array.shape[0]}, {b.array.shape[-2 if b.ndim > 1 else 0]}]."
        )
    if b.ndim == 1:
        out = squeeze(bmm(a, unsqueeze(b, -1)), -1)
    elif a.ndim == 1:
        out = squeeze(bmm(unsqueeze(a, 0), b), -2)
    else:
        out = bmm(a, b)
    # torch folds batches into one mm/bmm and views the result back (_unsafe_view), except
    # when `a`'s batch is broadcast, where it copies a transposed product instead.
    folded = a.ndim != 2 and (a.ndim == 1 or b.ndim <= 2 or a.array.shape[:-2] == out.array.shape[:-2])
    return reshape(out, out.array.shape, name="UnsafeViewBackward0" if folded else "CloneBackward0")


def bmm(a: Tensor, b: Tensor) -> Tensor:
    limits.check_broadcast(a.array.shape[:-1] + (1,), b.array.shape[:-2] + (1, b.array.shape[-1]))
    return apply(P.bmm, (a, b))


def mT(x: Tensor) -> Tensor:  # noqa: N802 - PyTorch's name
    if x.ndim < 2:
        raise RuntimeError_(f"tensor.mT is only supported on matrices or batches of matrices. Got {x.ndim}-D tensor.")
    return transpose(x, -2, -1)
