"""torch.autograd.forward_ad: dual tensors made and read by hand, on the core's forward-mode levels.

`with dual_level():` opens a level (one at a time, as in PyTorch), `make_dual(x, t)` gives a
tensor that carries the tangent t through every op, `unpack_dual(y)` reads back (primal,
tangent). While the level is open a dual tensor prints with its tangent, as PyTorch prints it.
"""

from __future__ import annotations

from collections import namedtuple

from ..errors import RuntimeError_, ValueError_
from . import forward_mode, ops
from .graph import renamed
from .tensor import Tensor

__all__ = ["UnpackedDualTensor", "dual_level", "make_dual", "unpack_dual"]


# (collections' namedtuple: typing.NamedTuple costs the start-up ~0.8 ms)
UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])


class dual_level:  # noqa: N801 - PyTorch's name
    """A context in which dual tensors can be made; their tangents go when it ends."""

    def __enter__(self) -> int:
        if forward_mode.printed_levels:
            raise RuntimeError_("Nested forward mode AD is not supported at the moment")
        self._opened = forward_mode.DualLevel()
        forward_mode.printed_levels.append(self._opened.__enter__())
        return 0  # PyTorch's number for its first (and only) level

    def __exit__(self, *exc) -> None:
        forward_mode.printed_levels.pop()
        self._opened.__exit__(*exc)


def _open_level(level: int | None) -> int | None:
    """The core's level for PyTorch's level number (None or 0: the open one), None if none is open."""
    if level not in (None, 0):
        raise RuntimeError_("Invalid level given to _fw_primal")
    return forward_mode.printed_levels[-1] if forward_mode.printed_levels else None


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A view of `tensor` that carries `tangent` (of the same size) through every op."""
    opened = _open_level(level)
    if opened is None:
        raise RuntimeError_("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                            "enter_dual_level() first.")
    for what, value in (("primal", tensor), ("tangent", tangent)):
        if not value.dtype.is_floating_point:
            raise ValueError_(f"Expected {what} to be floating point or complex, but got: {value.dtype}")
    if forward_mode.tangent_of(tensor, opened) is not None:
        raise RuntimeError_("Making a dual Tensor based on a Tensor that already has a forward gradient at the same "
                            "level 0 is not supported.")
    view = ops.view(tensor, tuple(tensor.shape))  # (a view, as PyTorch's: ViewBackward0 where recorded)
    return forward_mode.make_dual(view, tangent, opened, alias=False)


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """(primal, tangent) of a dual tensor; the tangent is None for a plain one or outside the level."""
    opened = _open_level(level)
    tangent = forward_mode.tangent_of(tensor, opened) if opened is not None else None
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    primal = ops.alias(tensor)
    if tensor.grad_fn is not None or tensor.requires_grad:
        primal = renamed(ops.view(tensor, tuple(tensor.shape)), "Identity")
    primal._duals = {key: value for key, value in tensor._duals.items() if key != opened} or None
    return UnpackedDualTensor(primal, tangent)
