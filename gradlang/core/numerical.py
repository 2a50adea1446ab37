"""torch.gradient: derivatives estimated from sampled values by finite differences.

Interior points use central differences, the two edges one-sided differences of order
`edge_order`. Samples are evenly spaced (one number per dim) or sit at given coordinates
(one 1-D tensor per dim: non-uniform differences). The result is built from the
differentiable ops in the order ATen builds it, so values, dtypes and the graph
(`grad_fn=<CatBackward0>`) are PyTorch's.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..errors import IndexError_, RuntimeError_, TypeError_
from . import ops
from .tensor import Tensor

_SIGNATURES = (
    "(Tensor input, *, tuple of ints dim, int edge_order = 1)",
    "(Tensor input, *, Number spacing, tuple of ints dim, int edge_order = 1)",
    "(Tensor input, *, Number spacing = None, int dim = None, int edge_order = 1)",
    "(Tensor input, *, tuple of Scalars spacing, int dim = None, int edge_order = 1)",
    "(Tensor input, *, tuple of Scalars spacing, tuple of ints dim, int edge_order = 1)",
    "(Tensor input, *, tuple of Tensors spacing, int dim = None, int edge_order = 1)",
    "(Tensor input, *, tuple of Tensors spacing, tuple of ints dim, int edge_order = 1)",
)


def gradient(values, spacing=1, dim=None, edge_order: int = 1) -> tuple:
    """torch.gradient(values, spacing=..., dim=..., edge_order=...): one tensor per differentiated dim."""
    if not isinstance(values, Tensor):
        raise TypeError_(f"gradient(): argument 'input' (position 1) must be Tensor, not {type(values).__name__}")
    _check_argument_types(spacing, dim, edge_order)
    dims = [int(dim)] if _is_int(dim) else (None if dim is None else [int(d) for d in dim])
    targets = dims if dims is not None else list(range(values.ndim))

    coordinates = None
    if spacing is None or _is_number(spacing):
        step = 1 if spacing is None else _number(spacing)
        steps = [step] * len(targets)
        given = None if spacing is None else len(steps)
    elif all(_is_scalar(s) for s in spacing):
        steps = [_number(s) for s in spacing]
        given = len(steps)
    else:
        coordinates = list(spacing)
        given = len(coordinates)

    _check(values, given, dims, edge_order)
    if coordinates is not None:
        return tuple(_along_coordinates(values, c, d, edge_order) for c, d in zip(coordinates, targets))
    return tuple(_evenly_spaced(values, h, d, edge_order) for h, d in zip(steps, targets))


# ---------------------------------------------------------------- the two formulas


def _part(x: Tensor, dim: int, start: int | None, stop: int | None = None) -> Tensor:
    """x[..., start:stop, ...] along `dim` (a differentiable slice)."""
    return ops.index(x, (slice(None),) * dim + (slice(start, stop),))


def _evenly_spaced(x: Tensor, h, dim: int, edge_order: int) -> Tensor:
    dim = ops._wrap_dim(dim, x.ndim)
    center = ops.div(ops.sub(_part(x, dim, 2), _part(x, dim, 0, -2)), h)
    if edge_order == 1:
        first = ops.div(ops.sub(_part(x, dim, 1, 2), _part(x, dim, 0, 1)), h)
        last = ops.div(ops.sub(_part(x, dim, -1), _part(x, dim, -2, -1)), h)
    else:
        first = ops.sub(
            ops.add(ops.mul(-1.5, _part(x, dim, 0, 1)), ops.mul(2, _part(x, dim, 1, 2))),
            ops.mul(0.5, _part(x, dim, 2, 3)),
        )
        first = ops.div(first, h)
        last = ops.add(
            ops.sub(ops.mul(0.5, _part(x, dim, -3, -2)), ops.mul(2, _part(x, dim, -2, -1))),
            ops.mul(1.5, _part(x, dim, -1)),
        )
        last = ops.div(last, h)
    return ops.cat([first, ops.div(center, 2), last], dim)


def _along_coordinates(x: Tensor, coords: Tensor, dim: int, edge_order: int) -> Tensor:
    if coords.ndim != 1:
        raise RuntimeError_(
            "torch.gradient expected each element of spacing to have one dimension, but got an element with "
            f"{coords.ndim} dimensions!"
        )
    dim = ops._wrap_dim(dim, x.ndim)
    shape = [1] * x.ndim
    shape[dim] = -1
    dx = ops.sub(coords[1:], coords[:-1])
    dx1, dx2 = dx[:-1], dx[1:]
    add, sub, mul, div = ops.add, ops.sub, ops.mul, ops.div
    a = ops.reshape(div(ops.neg(dx2), mul(dx1, add(dx1, dx2))), shape)
    b = ops.reshape(div(sub(dx2, dx1), mul(dx1, dx2)), shape)
    c = ops.reshape(div(dx1, mul(dx2, add(dx1, dx2))), shape)
    center = add(
        add(mul(a, _part(x, dim, 0, -2)), mul(b, _part(x, dim, 1, -1))), mul(c, _part(x, dim, 2))
    )
    if edge_order == 1:
        first = div(sub(_part(x, dim, 1, 2), _part(x, dim, 0, 1)), dx[0])
        last = div(sub(_part(x, dim, -1), _part(x, dim, -2, -1)), dx[-1])
    else:
        h0, h1 = dx[0], dx[1]
        a = div(ops.neg(add(mul(2.0, h0), h1)), mul(h0, add(h0, h1)))
        b = div(add(h0, h1), mul(h0, h1))
        c = div(ops.neg(h0), mul(h1, add(h0, h1)))
        first = add(add(mul(a, _part(x, dim, 0, 1)), mul(b, _part(x, dim, 1, 2))), mul(c, _part(x, dim, 2, 3)))
        h0, h1 = dx[-2], dx[-1]
        a = div(h1, mul(h0, add(h1, h0)))
        b = div(ops.neg(add(h1, h0)), mul(h1, h0))
        c = div(add(mul(2, h1), h0), mul(h1, add(h1, h0)))
        last = add(add(mul(a, _part(x, dim, -3, -2)), mul(b, _part(x, dim, -2, -1))), mul(c, _part(x, dim, -1)))
    return ops.cat([first, center, last], dim)


# ---------------------------------------------------------------- argument checks, in ATen's order


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_number(value) -> bool:
    if isinstance(value, Tensor):  # a 0-d tensor that needs no grad passes as a Number
        return value.ndim == 0 and not value.requires_grad
    return isinstance(value, (numbers.Number, np.bool_)) and not isinstance(value, complex)


def _is_scalar(value) -> bool:
    """An element of a list of spacings read as numbers (in a list, a tensor is a coordinate)."""
    return not isinstance(value, Tensor) and _is_number(value)


def _number(value):
    return value.item() if isinstance(value, (Tensor, np.generic)) else value


def _check_argument_types(spacing, dim, edge_order) -> None:
    """PyTorch's overload resolution: an argument of no accepted type is a TypeError."""
    if isinstance(spacing, (list, tuple)) and not all(_is_scalar(s) for s in spacing):
        for i, s in enumerate(spacing):  # not a list of numbers: it must be a list of tensors
            if not isinstance(s, Tensor):
                raise TypeError_(f"expected Tensor as element {i} in argument 1, but got {type(s).__name__}")
    spacing_ok = spacing is None or _is_number(spacing) or isinstance(spacing, (list, tuple))
    dim_ok = dim is None or _is_int(dim) or (isinstance(dim, (list, tuple)) and all(_is_int(d) for d in dim))
    if spacing_ok and dim_ok and _is_int(edge_order):
        return
    given = ["Tensor"]
    for name, value, default in (("spacing", spacing, 1), ("dim", dim, None), ("edge_order", edge_order, 1)):
        if value is not None and not (_is_int(value) and value == default):
            given.append(f"{name}={type(value).__name__}")
    raise TypeError_(
        f"gradient() received an invalid combination of arguments - got ({', '.join(given)}), but expected one of:\n"
        + "".join(f" * {signature}\n" for signature in _SIGNATURES)
    )


def _check(values: Tensor, spacing_size: int | None, dims: list[int] | None, edge_order: int) -> None:
    ndim = values.ndim
    if spacing_size is not None and dims is None and spacing_size != ndim:
        raise RuntimeError_(
            "torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to "
            f"'self.dim() = {ndim}', since dim argument was not given, but got a list of length {spacing_size}"
        )
    if spacing_size is not None and dims is not None and spacing_size != len(dims):
        raise RuntimeError_(
            "torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim arguments to "
            f"have the same length, but got a spacing argument of length {spacing_size} and a dim argument of "
            f"length {len(dims)}."
        )
    if edge_order not in (1, 2):
        raise RuntimeError_("torch.gradient only supports edge_order=1 and edge_order=2.")
    if dims is not None:
        seen = set()
        for d in dims:
            if ndim == 0:
                raise IndexError_(f"Dimension specified as {d} but tensor has no dimensions")
            wrapped = ops._wrap_dim(d, ndim)
            if wrapped in seen:
                raise RuntimeError_(f"dim {wrapped} appears multiple times in the list of dims")
            seen.add(wrapped)
    for d in dims if dims is not None else range(ndim):
        if values.shape[d] < edge_order + 1:
            raise RuntimeError_("torch.gradient expected each dimension size to be at least edge_order+1")
