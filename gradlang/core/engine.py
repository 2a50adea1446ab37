"""Reverse mode: walk the graph from the outputs and send gradients to the leaves.

The walk is iterative (a 100 000-node chain needs no recursion): nodes run newest first by
their creation count (a heap), so each has all of its gradient when its turn comes, with no
pass over the graph to count edges first.
"""

from __future__ import annotations

from collections.abc import Sequence
from heapq import heapify, heappop, heappush, heappushpop

import numpy as np

from ..errors import RuntimeError_, TypeError_
from . import hooks
from .forward_mode import active_levels as _active_levels
from .grad_mode import enable_grad, no_grad, run_rule, run_without_grad
from .graph import _FREED, apply
from .notices import warn_once
from .primitives import _ONE, PRIMITIVES
from .tensor import Size, Tensor

CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter and its "
    "gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid "
    "this. If you have to use this function, make sure to reset the .grad fields of your parameters to None "
    "after use to break the cycle and avoid the leak."
)


def _initial_grads(outputs: Sequence[Tensor], grad_outputs: Sequence | None) -> list[Tensor]:
    """The gradients backward starts from, checked as PyTorch makes them: before it checks that
    the outputs require grad."""
    grads = []
    for i, out in enumerate(outputs):
        given = grad_outputs[i] if grad_outputs is not None and i < len(grad_outputs) else None
        if given is None:
            if out.array.size != 1 and out._requires_grad:  # (one that does not fails the check below)
                raise RuntimeError_("grad can be implicitly created only for scalar outputs")
            shape, dtype = out.array.shape, out.array.dtype
            grads.append(Tensor._wrap(np.asarray(1, dtype) if shape == () else np.ones(shape, dtype)))
            continue
        if not isinstance(given, Tensor):
            raise TypeError_(f"gradients can be either Tensors or None, but got {type(given).__name__}")
        if given.array.shape != out.array.shape:
            raise RuntimeError_(
                f"Mismatch in shape: grad_output[{i}] has a shape of {Size(given.array.shape)!r} and output[{i}] "
                f"has a shape of {Size(out.array.shape)!r}."
            )
        if given.array.dtype != out.array.dtype:  # PyTorch casts a given gradient to its output's dtype
            given = given.to(out.dtype)
        grads.append(given)
    _check_outputs_require_grad(outputs)
    return grads


def _check_outputs_require_grad(outputs: Sequence[Tensor]) -> None:
    for i, out in enumerate(outputs):
        if not out._requires_grad:
            raise RuntimeError_(f"element {i} of tensors does not require grad and does not have a grad_fn")


def _accumulate(pending: dict, key, grad: Tensor) -> None:
    existing = pending.get(key)
    pending[key] = grad if existing is None else existing + grad


def _accumulate_into_leaf(leaf: Tensor, grad: Tensor, create_graph: bool, in_place: bool = True) -> None:
    if not leaf._requires_grad:  # turned off since the graph was built: PyTorch leaves .grad alone
        return
    if not create_graph:
        _accumulate_value_into_leaf(leaf, grad.array, in_place)
        return
    if grad.array.dtype != leaf.array.dtype:
        grad = grad.to(leaf.dtype)
    if leaf._grad is None:
        # PyTorch stores a differentiable copy of the gradient: a leaf's through its accumulator
        # (CopyBackwards), a retained non-leaf gradient as a clone (CloneBackward0).
        leaf._grad = apply(PRIMITIVES["clone"], (grad,), None, "CopyBackwards" if in_place else "CloneBackward0")
    else:
        leaf._grad = leaf._grad + grad


def run_backward(
    outputs: Sequence[Tensor],
    grad_outputs: Sequence | None,
    retain_graph: bool,
    create_graph: bool,
    capture: Sequence[Tensor] | None = None,
) -> list | None:
    """Backpropagate; accumulate into leaves' .grad, or return the grads of `capture` instead."""
    if capture is None and grad_outputs is None and len(outputs) == 1 and ARRAY_RULES and not create_graph \
            and not _active_levels:
        out = outputs[0]
        node = out.grad_fn
        if node is not None and out.array.shape == ():
            # `loss.backward()`, the common case: gradient 1 as a numpy scalar, straight to the loop.
            run_without_grad(_propagate_arrays, {node: _ONE[out.array.dtype]}, [(node.order, node)], None, None,
                             None, retain_graph)
            return None
    grads = _initial_grads(outputs, grad_outputs)  # the gradients and outputs checked first, as PyTorch
    if capture is not None:
        for t in capture:
            if not t._requires_grad:
                raise RuntimeError_("One of the differentiated Tensors does not require grad")
    # Gradients on their way: per node, or per leaf tensor (delivered once every node has run).
    pending: dict = {}
    for out, grad in zip(outputs, grads):
        _accumulate(pending, out.grad_fn if out.grad_fn is not None else out, grad)

    wanted: dict = {}
    if capture is not None:
        for i, t in enumerate(capture):
            wanted.setdefault(t.grad_fn if t.grad_fn is not None else t, []).append(i)
    captured: list = [None] * (len(capture) if capture is not None else 0)

    # Nodes waiting to run, newest first: every node that sends a node gradient is newer than
    # it, so a node's gradient is complete when its turn comes.
    queue = [(key.order, key) for key in pending if not isinstance(key, Tensor)]
    heapify(queue)
    if ARRAY_RULES and not create_graph and not _active_levels:
        # Captured gradients are wrapped once per value, and a given gradient comes back as itself
        # (entries keep their value alive, so an id is never reused while it is a key).
        wrapped = {} if capture is not None else None
        for key in pending:
            grad = pending[key]
            value = pending[key] = _as_value(grad)
            if wrapped is not None:
                wrapped[id(value)] = (value, grad)
        run_without_grad(_propagate_arrays, pending, queue, wanted, captured, wrapped, retain_graph)
        return captured if capture is not None else None
    mode = enable_grad() if create_graph else no_grad()
    with mode:
        while queue:
            node = heappop(queue)[1]
            grad = pending.pop(node)
            if node.hooks and grad is not None:
                grad = hooks.run(node.hooks, grad)
            if wanted and node in wanted and grad is not None:
                for i in wanted[node]:
                    captured[i] = grad
            if node.retained is not None and grad is not None:
                holder = node.retained()
                if holder is not None and holder.grad_fn is node:
                    _accumulate_into_leaf(holder, grad, create_graph, in_place=False)
            if grad is None:
                input_grads = ()
            else:
                input_grads = run_rule(node.prim.vjp, node, grad, **node.params)
            if not retain_graph:
                node.release()
            given = len(input_grads)
            for i, edge in enumerate(node.edges):
                if edge is None:
                    continue
                g = input_grads[i] if i < given else None
                if edge not in pending:  # its first gradient (None too: the node still runs)
                    pending[edge] = g
                    if not isinstance(edge, Tensor):
                        heappush(queue, (edge.order, edge))
                elif g is not None:
                    existing = pending[edge]
                    pending[edge] = g if existing is None else existing + g
        for leaf, grad in pending.items():
            _deliver_to_leaf(leaf, grad, wanted, captured, capture, create_graph)
    return captured if capture is not None else None


# When nothing records (no create_graph, no forward-mode level open), gradients flow as bare
# numpy values (0-d ones as numpy scalars) and primitives with a `vjp_array` rule compute
# theirs without ops; the others run their ops rule on wrapped values. Tests turn this off
# to check that both paths give the same bits.
ARRAY_RULES = True

_ndarray = np.ndarray
_asarray = np.asarray
_heappop, _heappush, _heappushpop = heappop, heappush, heappushpop
_wrap = Tensor._wrap


def _as_value(grad: Tensor):
    array = grad.array
    return array[()] if array.shape == () else array


def _propagate_arrays(pending, queue, wanted, captured, wrapped, retain_graph) -> None:
    """The backward loop of run_backward on bare numpy values (see ARRAY_RULES); `wrapped`, when
    gradients are captured instead of accumulated, holds the tensors handed out per value."""
    node = _heappop(queue)[1] if queue else None
    while node is not None:
        grad = pending.pop(node)
        if grad is not None:
            if node.hooks:
                grad = _hooked_value(node.hooks, grad)
            if wanted and node in wanted:
                for i in wanted[node]:
                    captured[i] = _wrap_value(grad, wrapped)
            if node.retained is not None:
                holder = node.retained()
                if holder is not None and holder.grad_fn is node:
                    _accumulate_value_into_leaf(holder, grad, in_place=False)
            prim = node.prim
            rule = prim.vjp_array
            params = node.params
            input_grads = None
            if rule is not None:
                input_grads = rule(node, grad, **params) if params else rule(node, grad)
            if input_grads is None:  # no array rule, or it declined this case
                g = _wrap(grad if type(grad) is _ndarray else _asarray(grad))
                found = prim.vjp(node, g, **params) if params else prim.vjp(node, g)
                input_grads = [None if t is None else _as_value(t) for t in found]
        else:
            input_grads = ()
        if not retain_graph and node.saved is not None:
            node.saved = _FREED  # node.release()
        edges = node.edges
        if len(input_grads) != len(edges):
            input_grads = tuple(input_grads) + (None,) * (len(edges) - len(input_grads))
        following = None  # a node met for the first time here, run next without the heap if it is the newest
        for edge, g in zip(edges, input_grads):
            if edge is not None:
                if edge not in pending:  # its first gradient (None too: the node still runs)
                    pending[edge] = g
                    if type(edge) is not Tensor:
                        if following is None:
                            following = edge
                        else:
                            _heappush(queue, (edge.order, edge))
                elif g is not None:
                    existing = pending[edge]
                    pending[edge] = g if existing is None else _add_values(existing, g)
        # The gradients sent on are held by `pending` alone, so a rule that finds nothing else
        # refers to its gradient may write into it (primitives._times_into_spare).
        input_grads = g = None
        if following is None:
            node = _heappop(queue)[1] if queue else None
        elif queue and queue[0][0] < following.order:
            node = _heappushpop(queue, (following.order, following))[1]
        else:
            node = following
    for leaf, grad in pending.items():  # only leaves are left
        if grad is None:
            continue
        on_leaf = hooks.leaf_hooks(leaf)
        if on_leaf:
            grad = _hooked_value(on_leaf, grad)
        if wrapped is not None:
            for i in wanted.get(leaf, ()):
                captured[i] = _wrap_value(grad, wrapped)
            continue
        _accumulate_value_into_leaf(leaf, grad)


def _hooked_value(hook_list: list, grad):
    """A gradient value after its hooks (which see it as a tensor of its own)."""
    return _as_value(hooks.run(hook_list, _wrap(_owning_memory(_asarray(grad)))))


def _add_values(a, b):
    if a.dtype is b.dtype and a.shape == b.shape:
        return a + b
    a, b = _wrap(_asarray(a)), _wrap(_asarray(b))  # PyTorch's promotion and broadcasting
    return _as_value(a + b)


def _wrap_value(value, wrapped: dict) -> Tensor:
    known = wrapped.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    tensor = _wrap(_owning_memory(value) if type(value) is _ndarray else _asarray(value))
    wrapped[id(value)] = (value, tensor)
    return tensor


def _owning_memory(value: np.ndarray) -> np.ndarray:
    """A gradient value fit to hand to a user: a writable view with a zero stride is one number
    spread without filling memory (primitives._unfilled) and becomes an array of its own here."""
    if value.flags.writeable and 0 in value.strides and value.size > 1:
        return value.copy()
    return value


def _accumulate_value_into_leaf(leaf: Tensor, grad, in_place: bool = True) -> None:
    """Add a gradient value into `leaf.grad` in place, as PyTorch does outside create_graph (a
    .grad made with create_graph keeps its history); a retained non-leaf gradient is replaced by
    the sum instead (in_place=False)."""
    if not leaf._requires_grad:  # turned off since the graph was built: PyTorch leaves .grad alone
        return
    dtype = leaf.array.dtype
    if grad.dtype is not dtype:
        grad = _asarray(grad).astype(dtype)
    current = leaf._grad
    if current is None:
        leaf._grad = _wrap(np.array(grad, copy=True))
    elif not in_place:
        leaf._grad = current + _wrap(_asarray(grad))
    else:
        array = current.array
        if array.shape == () and type(grad) is not _ndarray:
            array[()] = array[()] + grad  # a 0-d ufunc in place costs ten times more: same bits
        else:
            array += grad
        current._version[0] += 1


def _deliver_to_leaf(leaf: Tensor, grad, wanted: dict, captured: list, capture, create_graph: bool) -> None:
    if grad is None:
        return
    on_leaf = hooks.leaf_hooks(leaf)
    if on_leaf:
        grad = hooks.run(on_leaf, grad)
    if capture is not None:
        for i in wanted.get(leaf, ()):
            captured[i] = grad
        return
    _accumulate_into_leaf(leaf, grad, create_graph)


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, Tensor):
        return [value]
    return list(value)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph: bool = False, inputs=None) -> None:
    """torch.autograd.backward: accumulate d(tensors)/d(leaf) into every leaf's .grad."""
    outputs = _as_list(tensors)
    grads = _as_list(grad_tensors) if grad_tensors is not None else None
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        warn_once(CREATE_GRAPH_WARNING, UserWarning, stacklevel=3)
    if inputs is not None:
        targets = list({id(t): t for t in _as_list(inputs)}.values())  # each once, however often given
        if not targets:
            raise RuntimeError_("`inputs` argument to `backward()` cannot be empty.")
        for t in targets:
            if not t._requires_grad:
                raise RuntimeError_("can't retain_grad on Tensor that has requires_grad=False")
        found = run_backward(outputs, grads, retain_graph, create_graph, capture=targets)
        for target, g in zip(targets, found):
            if g is not None:  # a non-leaf's gradient is retained (a new tensor each time), as PyTorch does
                _accumulate_into_leaf(target, g, create_graph, in_place=target.grad_fn is None)
            target.retain_grad()
        return
    run_backward(outputs, grads, retain_graph, create_graph)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple:
    """torch.autograd.grad: the gradients of `outputs` with respect to `inputs`, as a tuple."""
    outs = _as_list(outputs)
    targets = _as_list(inputs)
    if not targets:
        raise RuntimeError_("`inputs` argument to `grad()` cannot be empty.")
    grads = _as_list(grad_outputs) if grad_outputs is not None else None
    if retain_graph is None:
        retain_graph = create_graph
    found = run_backward(outs, grads, retain_graph, create_graph, capture=targets)
    result = []
    for i, (t, g) in enumerate(zip(targets, found)):
        if g is None:
            if materialize_grads:
                g = Tensor._wrap(np.zeros(t.array.shape, dtype=t.array.dtype))
            elif not allow_unused:
                raise RuntimeError_(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. Set "
                    "allow_unused=True if this is the desired behavior."
                )
        elif not create_graph and g._requires_grad:
            g = g.detach()
        result.append(g)
    return tuple(result)
