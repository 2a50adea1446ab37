"""Gradient hooks: `t.register_hook(fn)` calls `fn(grad)` when backward reaches `t`'s gradient.

A hook may return a tensor that replaces the gradient from then on (what is passed further back,
and what accumulates into `.grad`). A leaf keeps its hooks itself; a non-leaf's stay with its
grad_fn node, as in PyTorch, where they outlive the tensor.
"""

from __future__ import annotations

from ..errors import RuntimeError_, TypeError_
from .tensor import Tensor


class RemovableHandle:
    """What register_hook returns: `handle.remove()` takes the hook off again."""

    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks: list, hook) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)

    # `with x.register_hook(h):` keeps the hook for the block only, as PyTorch's handle does.
    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()

    def __repr__(self) -> str:
        return "<torch.utils.hooks.RemovableHandle object>"


def register(tensor: Tensor, hook) -> RemovableHandle:
    if not tensor._requires_grad:
        raise RuntimeError_("cannot register a hook on a tensor that doesn't require gradient")
    node = tensor.grad_fn
    if node is not None:
        if node.hooks is None:
            node.hooks = []
        hooks = node.hooks
    else:
        hooks = getattr(tensor, "_hooks", None)
        if hooks is None:
            hooks = tensor._hooks = []
            global _on_leaves
            _on_leaves = True
    hooks.append(hook)
    return RemovableHandle(hooks, hook)


_on_leaves = False  # whether any leaf ever had a hook: until then backward need not look


def leaf_hooks(tensor: Tensor) -> list | None:
    return (getattr(tensor, "_hooks", None) or None) if _on_leaves else None


def run(hooks: list, grad: Tensor) -> Tensor:
    """`grad` after each hook in turn; a hook returning a tensor replaces it (same shape)."""
    for hook in list(hooks):
        result = hook(grad)
        if result is None:
            continue
        if not isinstance(result, Tensor):
            raise TypeError_(f"expected Variable, but hook returned '{type(result).__name__}'")
        if result.array.shape != grad.array.shape:
            changed = "size of value"
        elif result.array.dtype != grad.array.dtype:
            changed = f"type of value (was {grad.type()} got {result.type()})"
        else:
            changed = None
        if changed is not None:
            name = getattr(hook, "__name__", None) or getattr(hook, "name", "hook")
            raise RuntimeError_(f"hook '{name}' has changed the {changed}")
        grad = result
    return grad
