"""Forward-mode differentiation with dual tensors.

A tensor can carry tangents, one per active *level* (one level per nested `jvp`).
Every primitive call on a tensor with tangents also runs the primitive's JVP rule.
While the rule for level L runs, L's tangents are hidden, so the rule's own ops do
not differentiate themselves at level L (no perturbation confusion), but they do
carry the tangents of every other level: nested forward mode composes.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from .grad_mode import run_rule

if TYPE_CHECKING:
    from .primitives import Primitive
    from .tensor import Tensor

# Levels of the jvp calls now running; empty means no tensor anywhere carries a tangent.
active_levels: list[int] = []
# The level torch.autograd.forward_ad opened (one at most): tensors print their tangent at it.
printed_levels: list[int] = []
_hidden: set[int] = set()
_counter = itertools.count(1)


class DualLevel:
    """A context that opens a new forward-mode level and closes it on exit."""

    __slots__ = ("level",)

    def __enter__(self) -> int:
        self.level = next(_counter)
        active_levels.append(self.level)
        return self.level

    def __exit__(self, *exc) -> None:
        active_levels.remove(self.level)


def make_dual(primal: Tensor, tangent: Tensor, level: int, alias: bool = True) -> Tensor:
    """A tensor that behaves as `primal` and carries `tangent` at `level` (`primal` itself, given
    its tangent, when `alias` is False)."""
    if tuple(tangent.shape) != tuple(primal.shape):
        from ..errors import RuntimeError_

        raise RuntimeError_(
            f"Trying to set a forward gradient that has a different size than that of the original "
            f"Tensor, this is not supported. Tensor is of size {list(primal.shape)} while the given "
            f"forward gradient is of size {list(tangent.shape)}."
        )
    dual = new_alias(primal) if alias else primal
    dual._duals = dict(primal._duals or {})
    dual._duals[level] = tangent
    return dual


def new_alias(tensor: Tensor) -> Tensor:
    """A new tensor object with `tensor`'s values that backward sees as `tensor`.

    A leaf that requires grad gets a clone node (a plain alias of the leaf would be a
    second leaf, and its gradient would never reach the first)."""
    from . import ops

    if tensor._requires_grad and tensor.grad_fn is None:
        return ops.clone(tensor)
    return ops.alias(tensor)


def tangent_of(tensor: Tensor, level: int) -> Tensor | None:
    duals = tensor._duals
    return duals.get(level) if duals else None


def propagate(prim: Primitive, inputs: tuple, params: dict, result: Tensor) -> None:
    """Give `result` the tangent of each level its inputs carry, through `prim`'s JVP rule."""
    from . import ops

    # Only open levels: tangents left on tensors by a finished jvp are ignored.
    levels = [level for level in active_levels if level not in _hidden and any(t._duals and level in t._duals
                                                                               for t in inputs)]
    for level in levels:
        tangents = tuple(
            (t._duals.get(level) if t._duals else None) if t.dtype.is_floating_point else None for t in inputs
        )
        if not getattr(prim.jvp, "takes_missing", False):  # other rules see zeros for missing tangents
            tangents = tuple(
                tangent if tangent is not None else ops.zeros_like(t) for t, tangent in zip(inputs, tangents)
            )
        _hidden.add(level)
        try:
            out_tangent = run_rule(prim.jvp, inputs, tangents, **params)
        finally:
            _hidden.discard(level)
        if out_tangent.shape != result.shape:
            out_tangent = ops.expand(out_tangent, result.shape)
        if result._duals is None:
            result._duals = {}
        result._duals[level] = out_tangent
