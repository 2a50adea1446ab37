"""Linear algebra: dot, mm, mv, bmm, matmul (which picks one of them as torch does) and mT, with
PyTorch's shape and dtype messages, checked in PyTorch's order."""

from __future__ import annotations

import math

import numpy as np

from ...errors import IndexError_, NotImplementedError_, RuntimeError_
from .. import limits
from ..dtypes import DType, bool_, promote_types
from ..graph import apply
from ..notices import warn_once
from ..tensor import Tensor
from .dims import _wrap_dim
from .promotion import _as_tensor, broadcast_shapes, to
from .shape import reshape, squeeze, transpose, unsqueeze

P = None  # the primitive registry module, bound by ops._bind_primitives (primitives import ops)

Shape = tuple[int, ...]


def _shape_text(shape: Shape) -> str:
    return "x".join(str(n) for n in shape)


def _refuse_bool(dtype: DType, kernel: str, out_numel: int, inner: int) -> None:
    """PyTorch has no boolean products, but an empty one (or one over no terms) never reaches the kernel."""
    if dtype is bool_ and out_numel and inner:
        raise NotImplementedError_(f"\"{kernel}\" not implemented for 'Bool'")


def _check_mm(a: Shape, b: Shape, a_dtype: DType, b_dtype: DType) -> None:
    """mm's checks on two matrix shapes: sizes first, then dtypes."""
    if a[1] != b[0]:
        raise RuntimeError_(f"mat1 and mat2 shapes cannot be multiplied ({_shape_text(a)} and {_shape_text(b)})")
    if a_dtype is not b_dtype:
        raise RuntimeError_(
            f"expected m1 and m2 to have the same dtype, but got: {a_dtype.cpp_name} != {b_dtype.cpp_name}"
        )
    _refuse_bool(a_dtype, "addmm_impl_cpu_", a[0] * b[1], a[1])
    limits.check_elements(a[0] * b[1])


def _check_mv(mat: Shape, length: int, mat_dtype: DType, vec_dtype: DType) -> None:
    """mv's checks on a matrix shape and a vector length; its result takes the vector's dtype."""
    if mat[1] != length:
        raise RuntimeError_(f"size mismatch, got input ({mat[0]}), mat ({_shape_text(mat)}), vec ({length})")
    if mat_dtype is not vec_dtype:
        raise RuntimeError_(
            f"addmv input tensors must have the same dtype, but got {vec_dtype.short_name}, {mat_dtype.short_name}, "
            f"and {vec_dtype.short_name}"
        )
    _refuse_bool(mat_dtype, "addmv_impl_cpu", mat[0], mat[1])


def _check_bmm(a: Shape, b: Shape, a_dtype: DType, b_dtype: DType) -> DType:
    """bmm's checks on two batches of matrices; returns the result's dtype.

    An empty product (or one over no terms) is filled in before the dtypes are compared: it takes
    the promoted dtype."""
    if b[:2] != (a[0], a[2]):
        raise RuntimeError_(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a[0]}, {a[2]}] but got: "
            f"[{b[0]}, {b[1]}]."
        )
    out_numel = a[0] * a[1] * b[2]
    if a_dtype is not b_dtype:
        if out_numel and a[2]:
            raise RuntimeError_(f"expected scalar type {a_dtype.short_name} but found {b_dtype.short_name}")
        return promote_types(a_dtype, b_dtype)
    _refuse_bool(a_dtype, "bmm", out_numel, a[2])
    return a_dtype


def dot(a: Tensor, b: Tensor) -> Tensor:
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError_(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype is not b.dtype:
        raise RuntimeError_(
            f"dot : expected both vectors to have same dtype, but found {a.dtype.short_name} and {b.dtype.short_name}"
        )
    n, m = a.array.shape[0], b.array.shape[0]
    if n != m:
        raise RuntimeError_(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number of elements, "
            f"but got {n} and {m} elements respectively"
        )
    if a.dtype is bool_:
        raise NotImplementedError_("\"dot\" not implemented for 'Bool'")
    return apply(P.dot, (a, b))


def mm(a: Tensor, b: Tensor) -> Tensor:
    if a.ndim != 2 or b.ndim != 2:
        raise RuntimeError_("self must be a matrix" if a.ndim != 2 else "mat2 must be a matrix")
    _check_mm(a.array.shape, b.array.shape, a.dtype, b.dtype)
    return apply(P.mm, (a, b))


def mv(a: Tensor, v: Tensor) -> Tensor:
    if a.ndim == 0:  # PyTorch sizes the result by a's first dim before any check
        raise IndexError_("Dimension specified as 0 but tensor has no dimensions")
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError_(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    _check_mv(a.array.shape, v.array.shape[0], a.dtype, v.dtype)
    return apply(P.mv, (a, v))


def bmm(a: Tensor, b: Tensor) -> Tensor:
    if a.ndim != 3 or b.ndim != 3:
        raise RuntimeError_("batch1 must be a 3D tensor" if a.ndim != 3 else "batch2 must be a 3D tensor")
    dtype = _check_bmm(a.array.shape, b.array.shape, a.dtype, b.dtype)
    return _batched_product(to(a, dtype), to(b, dtype))


def _batched_product(a: Tensor, b: Tensor) -> Tensor:
    """The product of (broadcast) batches of matrices, checked already."""
    limits.check_broadcast(a.array.shape[:-1] + (1,), b.array.shape[:-2] + (1, b.array.shape[-1]))
    return apply(P.bmm, (a, b))


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
        return squeeze(mm(unsqueeze(a, 0), b), 0, name="SqueezeBackward4")
    if a.ndim == 2 and b.ndim == 2:
        return mm(a, b)
    if _folds(a, b):
        return _folded_matmul(a, b)
    return _broadcast_matmul(a, b)


def _folds(a: Tensor, b: Tensor) -> bool:
    """PyTorch's choice to fold the batch of the operand with 3 dims or more into the rows of one
    matrix (an mm or mv, whose messages name the folded shape) rather than run a bmm."""
    a_larger = a.ndim >= b.ndim
    larger = a.array if a_larger else np.swapaxes(b.array, -1, -2)
    smaller = b if a_larger else a
    if larger.ndim < 3 or smaller.ndim > 2:
        return False
    if smaller.requires_grad:  # folding keeps the smaller operand's gradient from growing a batch
        return True
    if a.ndim == 2:  # the product would come out transposed and need a copy
        return False
    if larger.size == 0:
        return True
    strides, shape = larger.strides, larger.shape  # folding must not copy: rows lie evenly spaced
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(larger.ndim - 2))


def _folded_matmul(a: Tensor, b: Tensor) -> Tensor:
    transposed = b.ndim > a.ndim  # a @ b computed as (b.mT @ a.mT).mT
    larger = b.array.shape[:-2] + b.array.shape[:-3:-1] if transposed else a.array.shape
    smaller, smaller_dtype = (a, a.dtype) if transposed else (b, b.dtype)
    larger_dtype = b.dtype if transposed else a.dtype
    rows = (math.prod(larger[:-1]), larger[-1])
    if smaller.ndim == 1:
        _check_mv(rows, smaller.array.shape[0], larger_dtype, smaller_dtype)
    else:
        _check_mm(rows, smaller.array.shape[::-1] if transposed else smaller.array.shape, larger_dtype,
                  smaller_dtype)
    out = _batched_values(a, b)
    if not (transposed and smaller.ndim == 2):
        return reshape(out, out.array.shape, name="UnsafeViewBackward0")
    # PyTorch transposes the folded product back and copies it, unless that is row-major already.
    *_, n, p = out.array.shape
    row_major = n <= 1 or p <= 1 or out.array.size == 0
    return reshape(out, out.array.shape, name="TransposeBackward0" if row_major else "CloneBackward0")


def _broadcast_matmul(a: Tensor, b: Tensor) -> Tensor:
    if a.ndim == b.ndim == 3 and a.array.shape[0] != b.array.shape[0]:
        # PyTorch drops a batch of one that requires grad, for a smaller gradient.
        if a.array.shape[0] == 1 and a.requires_grad:
            return matmul(squeeze(a, 0), b)
        if b.array.shape[0] == 1 and b.requires_grad:
            return matmul(a, squeeze(b, 0))
    sa, sb = a.array.shape, b.array.shape
    batch = broadcast_shapes(sa[:-2], sb[:-2])
    count = math.prod(batch)
    rows, inner = (sa[-2] if a.ndim > 1 else 1), sa[-1]
    inner_b, cols = (sb[-2], sb[-1]) if b.ndim > 1 else (sb[0], 1)
    dtype = _check_bmm((count, rows, inner), (count, inner_b, cols), a.dtype, b.dtype)
    out = _batched_values(to(a, dtype), to(b, dtype))
    return reshape(out, out.array.shape, name="UnsafeViewBackward0")


def _batched_values(a: Tensor, b: Tensor) -> Tensor:
    """a @ b for checked operands, one of them with 3 dims or more, vectors made matrices and back."""
    if b.ndim == 1:
        return squeeze(_batched_product(a, unsqueeze(b, -1)), -1)
    if a.ndim == 1:
        return squeeze(_batched_product(unsqueeze(a, 0), b), -2)
    return _batched_product(a, b)


def mT(x: Tensor) -> Tensor:  # noqa: N802 - PyTorch's name
    if x.ndim < 2:
        raise RuntimeError_(f"tensor.mT is only supported on matrices or batches of matrices. Got {x.ndim}-D tensor.")
    return transpose(x, -2, -1)


def outer(a: Tensor, b: Tensor) -> Tensor:
    """The outer product of two vectors: a as a column times b (MulBackward0, as in PyTorch)."""
    a, b = _as_tensor(a), _as_tensor(b)
    for name, v in (("self", a), ("vec2", b)):
        if v.ndim != 1:
            raise RuntimeError_(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
    return reshape(a, -1, 1) * b


_CROSS_DIM_WARNING = (
    "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim explicitly or "
    "simply use torch.linalg.cross.\nThe default value of dim will change to agree with that of linalg.cross in a "
    "future release."
)


def cross(a: Tensor, b: Tensor, dim=None) -> Tensor:
    """torch.cross: the cross product of 3-vectors along `dim` (without one: the first dim of size 3,
    with PyTorch's deprecation warning)."""
    a, b = _as_tensor(a), _as_tensor(b)
    if dim is None:
        warn_once(_CROSS_DIM_WARNING, UserWarning)
        dim = next((d for d, n in enumerate(broadcast_shapes(a.array.shape, b.array.shape)) if n == 3), -1)
    return linalg_cross(a, b, dim)


def linalg_cross(a: Tensor, b: Tensor, dim: int = -1) -> Tensor:
    """torch.linalg.cross (LinalgCrossBackward0)."""
    a, b = _as_tensor(a), _as_tensor(b)
    if a.ndim != b.ndim:
        raise RuntimeError_("linalg.cross: inputs must have the same number of dimensions.")
    shape = broadcast_shapes(a.array.shape, b.array.shape)
    axis = _wrap_dim(dim, len(shape))
    if not shape or a.array.shape[axis] != 3 or b.array.shape[axis] != 3:
        sizes = (a.array.shape[axis] if a.ndim else 0, b.array.shape[axis] if b.ndim else 0)
        raise RuntimeError_(f"linalg.cross: inputs dimension {dim} must have length 3. Got {sizes[0]} and {sizes[1]}")
    if a.dtype is not b.dtype:
        raise RuntimeError_(f"expected scalar type {a.dtype.short_name} but found {b.dtype.short_name}")
    return apply(P.cross, (a, b), {"dim": axis})



def addmm(b: Tensor, m1: Tensor, m2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * b + alpha * (m1 @ m2), b broadcast to the product's shape (AddmmBackward0)."""
    b = _as_tensor(b)
    if m1.ndim != 2 or m2.ndim != 2:
        raise RuntimeError_("mat1 must be a matrix, got 1-D tensor" if m1.ndim != 2 else
                            f"mat2 must be a matrix, got {m2.ndim}-D tensor")
    for first, name in ((b, "self"), (m1, "mat1")):  # addmm's dtype checks come first, in this order
        if first.dtype is not m2.dtype:
            raise RuntimeError_(f"{name} and mat2 must have the same dtype, but got {first.dtype.short_name} and "
                                f"{m2.dtype.short_name}")
    _check_mm(m1.array.shape, m2.array.shape, m1.dtype, m2.dtype)
    shape = (m1.array.shape[0], m2.array.shape[1])
    try:
        fits = np.broadcast_shapes(b.array.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError_(f"The expanded size of the tensor ({shape[1]}) must match the existing size "
                            f"({b.array.shape[-1]}) at non-singleton dimension 1.  Target sizes: {list(shape)}.  "
                            f"Tensor sizes: {list(b.array.shape)}")
    return apply(P.addmm, (b, m1, m2), {"beta": beta, "alpha": alpha})
