"""torch.autograd.functional: vjp, jvp, jacobian, hessian, vhp and hvp of a function of tensors.

As in PyTorch, everything is reverse mode on the tape: a Jacobian is one backward per output
element, and jvp and hvp use the double-backward trick (the gradient of a vjp with respect to
its cotangent), so the values are the ones PyTorch computes and prints. `jacobian(...,
strategy="forward-mode", vectorize=True)` runs the core's JVP rules instead, one input element
at a time. The argument checks and strict mode's errors are PyTorch's.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import AssertionError_, NotImplementedError_, RuntimeError_, TypeError_
from . import engine, forward_mode
from .creation import zeros, zeros_like
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled
from .ops import stack
from .tensor import Tensor

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def vjp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), vᵀ·J): v weights the outputs (may be left out for a one-element output)."""
    with enable_grad():
        inputs_tuple, inputs = _tensors(inputs, "inputs", "vjp")
        inputs = _prepared(inputs, create_graph, need_graph=True)
        outputs_tuple, outputs = _called(func, inputs, "vjp", strict)
        if v is not None:
            v = _cotangents(v, "vjp", outputs, outputs_tuple, create_graph)
        elif len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError_("The vector v can only be None if the user-provided function returns a single "
                                "Tensor with a single element.")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        result = _zeros_where_missing(_grads(outputs, inputs, v, create_graph), inputs, strict, create_graph, "back")
    return (_unpacked(_finished(outputs, create_graph), outputs_tuple),
            _unpacked(_finished(result, create_graph), inputs_tuple))


def jvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), J·v): v moves the inputs (may be left out for a one-element input)."""
    with enable_grad():
        inputs_tuple, inputs = _tensors(inputs, "inputs", "jvp")
        inputs = _prepared(inputs, create_graph, need_graph=True)
        v = _tangents(v, "jvp", inputs, inputs_tuple, create_graph)
        outputs_tuple, outputs = _called(func, inputs, "jvp", strict)
        # The double-backward trick: vᵀ·J as a function of v is linear, so its gradient with
        # respect to v, applied to a tangent, is J·tangent.
        cotangents = tuple(zeros_like(out, requires_grad=True) for out in outputs)
        vector_jacobian = _grads(outputs, inputs, cotangents, create_graph=True)
        _check_strict(vector_jacobian, "grad_inputs", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        found = _grads(vector_jacobian, cotangents, v, create_graph)
        result = _zeros_where_missing(found, outputs, strict, create_graph, "back_trick")
    return (_unpacked(_finished(outputs, create_graph), outputs_tuple),
            _unpacked(_finished(result, create_graph), outputs_tuple))


def jacobian(func: Callable, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode"):
    """d outputs / d inputs: for one output and one input a tensor of shape output.shape +
    input.shape; tuples of them (outputs, then inputs) where func takes or gives tuples."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError_('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                              'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                              'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError_(
                "torch.autograd.functional.jacobian: `create_graph=True` and `strategy=\"forward-mode\"` are not "
                "supported together (yet). Please either set `create_graph=False` or `strategy=\"reverse-mode\"`.")
        return _forward_jacobian(func, inputs, strict, vectorize)
    with enable_grad():
        inputs_tuple, inputs = _tensors(inputs, "inputs", "jacobian")
        inputs = _prepared(inputs, create_graph, need_graph=True)
        outputs_tuple, outputs = _called(func, inputs, "jacobian", strict)
        if vectorize and strict:
            raise RuntimeError_("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                                "supported together. Please either set `strict=False` or `vectorize=False`.")
        # (vectorize: PyTorch batches the rows; they are the same rows, made one by one here)
        jacobians = tuple(_reverse_rows(out, i, inputs, create_graph, strict) for i, out in enumerate(outputs))
    return _unpacked(_finished(jacobians, create_graph), outputs_tuple, inputs_tuple)


def hessian(func: Callable, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode"):
    """The second derivatives of a function with a one-element output: the Jacobian of its
    gradient (tuples of tuples where func takes a tuple)."""
    inputs_tuple, inputs = _tensors(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError_('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def one_element(*args):
        out = func(*args)
        out_tuple, outs = _tensors(out, "outputs of the user-provided function", "hessian")
        _check_strict(outs, "outputs", strict)
        if out_tuple or not isinstance(out, Tensor):
            raise RuntimeError_("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError_("The Tensor returned by the function given to hessian should contain a single element")
        return out.squeeze()

    def gradient(*args):
        if outer_jacobian_strategy == "forward-mode":
            args = tuple(a.requires_grad_(True) for a in args)
        found = jacobian(one_element, args, create_graph=True)
        _check_strict(found, "jacobian", strict)
        return found

    found = jacobian(gradient, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                     strategy=outer_jacobian_strategy)
    return _unpacked(found, inputs_tuple, inputs_tuple)


def vhp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), vᵀ·H) for a function with a one-element output."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), H·v) for a function with a one-element output (by the double-backward trick)."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph: bool, strict: bool, name: str) -> tuple:
    with enable_grad():
        inputs_tuple, inputs = _tensors(inputs, "inputs", name)
        inputs = _prepared(inputs, create_graph, need_graph=True)
        v = _tangents(v, name, inputs, inputs_tuple, create_graph)
        outputs_tuple, outputs = _called(func, inputs, name, strict)
        if outputs_tuple or not isinstance(outputs[0], Tensor):
            raise RuntimeError_(f"The function given to {name} should return a single Tensor")
        if outputs[0].numel() != 1:
            raise RuntimeError_(f"The Tensor returned by the function given to {name} should contain a single element")
        gradient = _grads(outputs, inputs, None, create_graph=True)
        _check_strict(gradient, "jacobian", strict)
        if name == "hvp":  # vᵀ·H is H·v transposed: the gradient of (wᵀ·H) with respect to w, applied to v
            weights = tuple(zeros_like(inp, requires_grad=True) for inp in inputs)
            twice = _grads(gradient, inputs, weights, create_graph=True)
            _check_strict(gradient, "hessian", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        if name == "hvp":
            found = _grads(twice, weights, v, create_graph)
            result = _zeros_where_missing(found, inputs, strict, create_graph, "double_back_trick")
        else:
            found = _grads(gradient, inputs, v, create_graph)
            result = _zeros_where_missing(found, inputs, strict, create_graph, "double_back")
    return (_unpacked(_finished(outputs, create_graph), outputs_tuple),
            _unpacked(_finished(result, create_graph), inputs_tuple))


# ---------------------------------------------------------------- the Jacobian's rows and columns


def _reverse_rows(out: Tensor, i: int, inputs: tuple, create_graph: bool, strict: bool) -> tuple:
    """d out / d each input: one backward per element of out, stacked."""
    rows: tuple[list, ...] = tuple([] for _ in inputs)
    flat = out.reshape(-1)
    for j in range(out.numel()):
        found = _grads((flat[j],), inputs, None, create_graph, retain_graph=True)
        for k, (row, grad, inp) in enumerate(zip(rows, found, inputs)):
            if grad is None:
                if strict:
                    raise RuntimeError_(f"Output {i} of the user-provided function is independent of input {k}. "
                                        "This is not allowed in strict mode.")
                grad = zeros_like(inp)
            elif strict and create_graph and not grad.requires_grad:
                raise RuntimeError_(f"The jacobian of the user-provided function is independent of input {i}. "
                                    "This is not allowed in strict mode when create_graph=True.")
            row.append(grad)
    return tuple(stack(row, 0).view(tuple(out.shape) + tuple(inp.shape)) for row, inp in zip(rows, inputs))


def _forward_jacobian(func, inputs, strict: bool, vectorize: bool):
    if strict:
        raise RuntimeError_('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are '
                            'not supported together (yet). Please either set `strict=False` or '
                            '`strategy="reverse-mode"`.')
    inputs_tuple, inputs = _tensors(inputs, "inputs", "jacobian")
    if not vectorize:
        raise NotImplementedError_("Computing Jacobian using forward-AD or forward-over-reverse Hessian "
                                   "isonly implemented for `vectorize=True`.")
    columns = []  # per input element: the outputs' tangents
    outputs_tuple = False
    outputs: tuple = ()
    for k, inp in enumerate(inputs):
        for index in range(inp.numel()):
            with forward_mode.DualLevel() as level:
                duals = tuple(forward_mode.make_dual(x, _basis(x, index if m == k else None), level)
                              for m, x in enumerate(inputs))
                outputs_tuple, found = _tensors(func(*duals), "outputs", None)
                tangents = [forward_mode.tangent_of(out, level) for out in found]
                outputs = tuple(out.detach() for out in found)
                # (the tangents keep their history: a forward-over-reverse Hessian has some)
                columns.append((k, [zeros_like(out) if t is None else t for out, t in zip(outputs, tangents)]))
    jacobians = []  # lists, not tuples, as PyTorch's forward-mode jacobian gives them
    for o, out in enumerate(outputs):
        per_input = []
        for k, inp in enumerate(inputs):
            parts = [tangents[o] for m, tangents in columns if m == k]
            shape = tuple(out.shape) + tuple(inp.shape)
            if not parts:
                per_input.append(zeros(shape, dtype=out.dtype))
                continue
            columns_first = stack(parts, 0)  # (PyTorch's order of steps: its grad_fn names)
            per_input.append(columns_first.permute(*range(1, columns_first.ndim), 0).reshape(shape))
        jacobians.append(per_input)
    return _unpacked(jacobians, outputs_tuple, inputs_tuple)


def _basis(like: Tensor, index: int | None) -> Tensor:
    """A tangent for `like`: zeros, with a one at flat position `index` (None: zeros only)."""
    tangent = zeros_like(like)
    if index is not None:
        tangent.view(-1)[index] = 1
    return tangent


# ---------------------------------------------------------------- arguments and results


def _tensors(value, what: str, function: str | None) -> tuple[bool, tuple]:
    """(was it a tuple, the tensors as a tuple), refusing anything but tensors."""
    was_tuple = isinstance(value, tuple)
    items = value if was_tuple else (value,)
    if function is not None:
        for i, item in enumerate(items):
            if not isinstance(item, Tensor):
                where = f"value at index {i}" if was_tuple else f"given {what}"
                raise TypeError_(f"The {what} given to {function} must be either a Tensor or a tuple of Tensors "
                                 f"but the {where} has type {type(item)}.")
    return was_tuple, items


def _prepared(inputs: tuple, create_graph: bool, need_graph: bool) -> tuple:
    """The inputs as the function will see them: fresh leaves (or, to differentiate the result
    again, views that keep their history)."""
    return tuple(inp.view_as(inp) if create_graph and inp.requires_grad else inp.detach().requires_grad_(need_graph)
                 for inp in inputs)


def _called(func, inputs: tuple, name: str, strict: bool) -> tuple[bool, tuple]:
    outputs_tuple, outputs = _tensors(func(*inputs), "outputs of the user-provided function", name)
    _check_strict(outputs, "outputs", strict)
    return outputs_tuple, outputs


def _cotangents(v, name: str, outputs: tuple, outputs_tuple: bool, create_graph: bool) -> tuple:
    _, v = _tensors(v, "v", name)
    v = _prepared(v, create_graph, need_graph=False)
    _check_sizes(v, outputs, outputs_tuple)
    return v


def _tangents(v, name: str, inputs: tuple, inputs_tuple: bool, create_graph: bool):
    if v is not None:
        return _cotangents(v, name, inputs, inputs_tuple, create_graph)
    if len(inputs) != 1 or inputs[0].numel() != 1:
        raise RuntimeError_("The vector v can only be None if the input to the user-provided function is a single "
                            "Tensor with a single element.")
    return None


def _check_sizes(v: tuple, other: tuple, other_tuple: bool) -> None:
    if len(v) != len(other):
        if other_tuple:
            raise RuntimeError_(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError_("The given v should contain a single Tensor.")
    for i, (given, wanted) in enumerate(zip(v, other)):
        if given.size() != wanted.size():
            entry = f"Entry {i} in " if other_tuple else ""
            raise RuntimeError_(f"{entry}v has invalid size: should be {wanted.size()} but got {given.size()}.")


def _grads(outputs: tuple, inputs: tuple, weights, create_graph: bool, retain_graph=None) -> tuple:
    """autograd.grad over the outputs that require grad (None for every input if none does)."""
    weights = (None,) * len(outputs) if weights is None else weights
    kept = [(out, w) for out, w in zip(outputs, weights) if out is not None and out.requires_grad]
    if not kept:
        return (None,) * len(inputs)
    return engine.grad([out for out, _ in kept], list(inputs), [w for _, w in kept], retain_graph=retain_graph,
                       create_graph=create_graph, allow_unused=True)


_STRICT_OUTPUTS = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The outputs must be "
               "computed in a differentiable manner from the input when running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the user-provided "
                   "function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided function with respect "
                "to input {i} is independent of the input. This is not allowed in strict mode. You should ensure "
                "that your function is twice differentiable and that the jacobian depends on the inputs (this "
                "would be violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is independent of the input. "
               "This is not allowed in strict mode. You should ensure that your function is thrice differentiable "
               "and that the hessian depends on the inputs.",
}


def _check_strict(tensors, kind: str, strict: bool) -> None:
    """Strict mode: each of these must exist and require grad (tuples of tuples are not checked)."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError_(f"The output of the user-provided function is independent of input {i}. "
                                "This is not allowed in strict mode.")
        if isinstance(t, Tensor) and not t.requires_grad:
            raise RuntimeError_(_STRICT_OUTPUTS[kind].format(i=i))


_STRICT_MISSING = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in "
            "strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                  "using the double backward trick to compute forward mode gradients. This is not allowed in "
                  "strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed "
                   "in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the "
                         "grad_jacobian. This is not allowed in strict mode as it prevents from using the double "
                         "backward trick to replace forward mode AD.",
}


def _zeros_where_missing(grads: tuple, like: tuple, strict: bool, create_graph: bool, stage: str) -> tuple:
    result = []
    for i, (grad, ref) in enumerate(zip(grads, like)):
        if grad is None:
            if strict:
                raise RuntimeError_(_STRICT_MISSING[stage].format(i=i))
            grad = zeros_like(ref)
        elif strict and create_graph and not grad.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError_(f"The {what} of the user-provided function is independent of input {i}. "
                                "This is not allowed in strict mode when create_graph=True.")
        result.append(grad)
    return tuple(result)


def _finished(values: tuple, create_graph: bool) -> tuple:
    """Results cut from the graph unless they are to be differentiated again (tuples of tuples too)."""
    if create_graph:
        return values
    return tuple(_finished(v, False) if isinstance(v, tuple) else v.detach() for v in values)


def _unpacked(values, outer_tuple: bool, inner_tuple: bool | None = None):
    """A result shaped as the function's: tuples (or lists) only where it took or gave tuples."""
    if inner_tuple is not None and not inner_tuple:
        values = type(values)(v[0] for v in values)
    return values if outer_tuple else values[0]
