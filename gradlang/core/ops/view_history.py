"""How an in-place change reaches the rest of a tensor's family, as in PyTorch: a view written
in place rewrites its base's history (CopySlices) and is rebuilt from it (AsStridedBackward0),
and the other live views of a changed base are rebuilt from it too, so gradients follow the
values that memory now holds."""

from __future__ import annotations

import numpy as np

from ..graph import retain
from ..tensor import Tensor
from .indexing import index_put, strided_region


def adopt(target: Tensor, result: Tensor, base_before: Tensor | None) -> None:
    """`target` now holds `result`'s values: it takes over its graph position and tangents.

    A view passes the change on to its base (given as it was before the write), as PyTorch
    does: the base becomes its old self with the view's elements replaced (CopySlices), and
    the view those elements of the new base (AsStridedBackward0), so that gradients reach
    both the old base and whatever the new values came from.
    """
    _set_history(target, result.grad_fn)
    target._requires_grad = result._requires_grad
    target._duals = result._duals
    base = target._base
    if base is None:
        _rebuild_views(target, None)
        return
    region = _region_in(target.array, base.array)
    if base_before is None or region is None:  # (a base laid out other than row-major: the view alone changes)
        return
    new_base = index_put(base_before, region, result)
    _set_history(base, new_base.grad_fn)
    base._requires_grad = new_base._requires_grad
    _set_history(target, strided_region(base, region).grad_fn)
    _rebuild_views(base, target)


def _set_history(tensor: Tensor, node) -> None:
    """A new grad_fn for `tensor`; a tensor that retains its gradient goes on doing so."""
    tensor.grad_fn = node
    if tensor._retains_grad and node is not None:
        retain(node, tensor)


def _rebuild_views(base: Tensor, done: Tensor | None) -> None:
    """After `base`'s history changed, each other live view of it becomes its region of the new
    base (PyTorch rebuilds a view's grad_fn as AsStridedBackward0 once its base has changed)."""
    views = getattr(base, "_views", None)
    if not views or not base._requires_grad:
        return
    for ref in list(views):
        view = ref()
        if view is None or view is done:
            continue
        region = _region_in(view.array, base.array)
        if region is not None:
            _set_history(view, strided_region(base, region).grad_fn)
            view._requires_grad = True


def _region_in(view: np.ndarray, base: np.ndarray) -> tuple | None:
    """The numpy index (integer arrays) of the elements of `base` that `view`'s elements are, from
    where their memory lies; None when `base` is not a row-major array holding all of them."""
    if not base.flags.c_contiguous or view.dtype != base.dtype:
        return None
    size = base.itemsize
    start = view.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    if start % size or any(stride % size for stride in view.strides):
        return None
    flat = np.full(view.shape, start // size, dtype=np.intp)
    for axis, (n, stride) in enumerate(zip(view.shape, view.strides)):
        steps = np.arange(n, dtype=np.intp) * (stride // size)
        flat = flat + steps.reshape((n,) + (1,) * (view.ndim - axis - 1))
    if flat.size and (flat.min() < 0 or flat.max() >= base.size):
        return None
    return np.unravel_index(flat, base.shape)
