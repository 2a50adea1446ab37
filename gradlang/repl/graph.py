"""`:graph EXPR`: a tensor's backward graph as a rich Tree.

grad_fn nodes go down through `next_functions` to the leaves (AccumulateGrad, whose
`.variable` is the leaf tensor). Each node is labelled with the names that hold it in the
session, with its value and, for leaves, its gradient. A node reached a second time is
drawn once, numbered, and referred to by number after that.
"""

from __future__ import annotations

import warnings

from rich.text import Text
from rich.tree import Tree

from ..core.tensor import Tensor
from ..language.values import to_repr

MAX_NODES = 200
BRIEF_ELEMENTS = 12


def brief(tensor: Tensor) -> str:
    """A one-line picture of a tensor's value: its repr when small, else shape and dtype."""
    if tensor.numel() > BRIEF_ELEMENTS:
        return f"shape {list(tensor.shape)} {tensor.dtype}"
    return " ".join(to_repr(tensor.detach()).split())


def _grad_of(tensor: Tensor) -> Tensor | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a non-leaf's .grad warns; we only ask when it is kept
        return tensor.grad if (tensor.is_leaf or tensor.retains_grad) else None


def _key(function) -> tuple:
    """Identity of a graph node: AccumulateGrad objects are made afresh, their leaves are not."""
    variable = getattr(function, "variable", None)
    if variable is not None:
        return ("leaf", id(variable))
    return ("node", id(function))


def _children(function) -> list:
    return [child for child, _ in function.next_functions if child is not None]


class _Holders:
    """Which session names hold which graph node (a non-leaf's grad_fn, or a leaf itself)."""

    def __init__(self, bindings: dict) -> None:
        self.names: dict[tuple, list[str]] = {}
        self.tensors: dict[tuple, Tensor] = {}
        for name, value in bindings.items():
            if not isinstance(value, Tensor) or name == "_":
                continue
            key = ("node", id(value.grad_fn)) if value.grad_fn is not None else ("leaf", id(value))
            self.names.setdefault(key, []).append(name)
            self.tensors.setdefault(key, value)

    def add(self, key: tuple, tensor: Tensor) -> None:
        self.tensors.setdefault(key, tensor)


def _shared_nodes(root) -> set[tuple]:
    """Keys of the nodes reachable along more than one path (they get a number)."""
    seen: set[tuple] = set()
    shared: set[tuple] = set()
    stack = [root]
    while stack and len(seen) <= MAX_NODES:
        function = stack.pop()
        for child in _children(function):
            key = _key(child)
            if key in seen:
                shared.add(key)
            else:
                seen.add(key)
                stack.append(child)
    return shared


def _label(function, key: tuple, holders: _Holders, number: int | None, is_output: bool) -> Text:
    is_leaf = key[0] == "leaf"
    tensor = function.variable if is_leaf else holders.tensors.get(key)
    label = Text()
    label.append(type(function).__name__, style="bold green" if is_leaf else "bold")
    if number is not None:
        label.append(f" #{number}", style="magenta")
    names = holders.names.get(key)
    if names:
        label.append("  " + ", ".join(names), style="cyan")
    if is_output:
        label.append("  (output)", style="bold")
    if tensor is not None:
        label.append(f"  = {brief(tensor)}")
        grad = _grad_of(tensor)
        if grad is not None:
            label.append("  grad ", style="dim")
            label.append(brief(grad))
    return label


def graph_tree(tensor: Tensor, bindings: dict, expression: str, width: int = 80) -> Tree | Text:
    """The backward graph of `tensor` (the value of `expression`), or a note saying why there is none.

    It stops MAX_NODES nodes in, and as deep as `width` columns leave room for a label.
    """
    max_depth = max(4, (width - 40) // 4)
    holders = _Holders(bindings)
    root = tensor.grad_fn
    if root is None:
        if tensor.requires_grad:
            leaf = Tree(Text(f"{expression} is a leaf tensor: gradients accumulate into its .grad", style="bold"))
            leaf.add(_label(_LeafView(tensor), ("leaf", id(tensor)), holders, None, True))
            return leaf
        return Text(f"{expression} does not require grad: it has no backward graph", style="yellow")
    root_key = _key(root)
    holders.add(root_key, tensor)
    shared = _shared_nodes(root)
    numbers: dict[tuple, int] = {}

    def number_for(key: tuple) -> int | None:
        if key not in shared:
            return None
        return numbers.setdefault(key, len(numbers) + 1)

    tree = Tree(_label(root, root_key, holders, number_for(root_key), True))
    shown = {root_key}
    count = 1
    # Depth first, in next_functions order, so a node's first appearance is the one drawn in full.
    stack = [(child, tree, 1) for child in reversed(_children(root))]
    while stack:
        function, parent, depth = stack.pop()
        key = _key(function)
        if key in shown:
            reference = Text(f"↑ {type(function).__name__} #{number_for(key)}", style="magenta")
            reference.append(" (shown above)", style="dim")
            parent.add(reference)
            continue
        if count >= MAX_NODES:
            parent.add(Text(f"… more nodes (the picture stops at {MAX_NODES})", style="dim"))
            break
        if depth > max_depth:
            parent.add(Text("… (deeper nodes not drawn)", style="dim"))
            continue
        shown.add(key)
        count += 1
        branch = parent.add(_label(function, key, holders, number_for(key), False))
        stack.extend((child, branch, depth + 1) for child in reversed(_children(function)))
    return tree


class _LeafView:
    """A leaf drawn on its own, as the AccumulateGrad node PyTorch would show."""

    def __init__(self, tensor: Tensor) -> None:
        self.variable = tensor

    @staticmethod
    def name() -> str:
        return "AccumulateGrad"
