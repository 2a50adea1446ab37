"""Function transforms over the core: `jvp`, `grad`, `hessian`, `gradcheck`.

`jvp` runs a function once on dual tensors (forward mode, no reverse graph);
`grad` uses reverse mode; `hessian` is forward-over-reverse: one `jvp` of `grad(f)`
per input element; `gradcheck` compares central differences with both modes.

Nesting is safe. Each `jvp` has its own level (see forward_mode). Each `grad` differentiates
with respect to a fresh tensor of its own: a new leaf, or, for an input that is already
differentiable (an outer `grad` is running), a new clone node of it. A value the function
closes over is never mistaken for the argument (no perturbation confusion).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np

from ..errors import GradcheckError_, RuntimeError_, ValueError_
from . import engine, forward_mode, ops
from .grad_mode import enable_grad, no_grad
from .graph import Node, renamed
from .notices import warn
from .tensor import Tensor


def _float_input(value, what: str) -> Tensor:
    """A transform's input: a floating tensor (Python numbers are made float tensors)."""
    if isinstance(value, Tensor):
        if not value.dtype.is_floating_point:
            raise ValueError_(f"Expected {what} to be floating point or complex, but got: torch.{value.dtype.name}")
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        from .creation import tensor

        return tensor(float(value))
    raise ValueError_(f"Thing passed to transform API must be Tensor, got {type(value)}")


# ---------------------------------------------------------------- jvp


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _primal_part(value, level: int):
    """The output without this level's tangent (other levels' tangents stay: nesting)."""
    if isinstance(value, Tensor):
        # PyTorch unwraps a differentiable output through an alias node (AliasBackward0)
        out = renamed(ops.clone(value), "AliasBackward0") if value._requires_grad else forward_mode.new_alias(value)
        if value._duals:
            out._duals = {k: v for k, v in value._duals.items() if k != level} or None
        return out
    return _rebuilt(value, [_primal_part(v, level) for v in value])


def _rebuilt(container, parts: list):
    """A tuple or list like `container` holding `parts` (a named tuple such as max's takes them as fields)."""
    return type(container)(*parts) if hasattr(container, "_fields") else type(container)(parts)


def _tangent_part(value, level: int):
    if isinstance(value, Tensor):
        found = forward_mode.tangent_of(value, level)
        return found if found is not None else ops.zeros_like(value)
    return _rebuilt(value, [_tangent_part(v, level) for v in value])


def _check_outputs(value) -> None:
    if isinstance(value, (tuple, list)):
        for v in value:
            _check_outputs(v)
    elif not isinstance(value, Tensor):
        raise RuntimeError_(
            f"jvp(f, primals, tangents): expected f(*primals) to return only tensors, got unsupported type "
            f"{type(value)}"
        )


def jvp(func: Callable, primals, tangents, *, has_aux: bool = False) -> tuple:
    """(func(*primals), J·tangents), computed in one forward pass through the JVP rules; with
    has_aux, func returns (output, aux) and aux comes third, without tangents."""
    primals = tuple(_float_input(p, "primal") for p in _as_tuple(primals))
    tangents = tuple(_float_input(t, "tangent") for t in _as_tuple(tangents))
    if len(primals) != len(tangents):
        raise RuntimeError_(
            "jvp(f, primals, tangents): Expected primals and tangents to have the same python structure, but got "
            f"{len(primals)} primals and {len(tangents)} tangents"
        )
    with forward_mode.DualLevel() as level:
        out = func(*(forward_mode.make_dual(p, t, level) for p, t in zip(primals, tangents)))
        if has_aux:
            out, aux = _output_and_aux(out, "jvp(f, primals, tangents)")
        _check_outputs(out)
        if has_aux:
            return _primal_part(out, level), _tangent_part(out, level), _primal_part(aux, level)
        return _primal_part(out, level), _tangent_part(out, level)


def _output_and_aux(out, caller: str) -> tuple:
    """A has_aux function's (output, aux) pair."""
    if not isinstance(out, tuple) or len(out) != 2:
        raise RuntimeError_(f"{caller}: output of function f should be a tuple: (output, aux) if has_aux is True")
    return out


# ---------------------------------------------------------------- grad


def _positions(argnums, count: int) -> tuple[int, ...]:
    if isinstance(argnums, bool) or not isinstance(argnums, (int, tuple)) or (
        isinstance(argnums, tuple) and not all(isinstance(i, int) and not isinstance(i, bool) for i in argnums)
    ):
        raise RuntimeError_(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    positions = argnums if isinstance(argnums, tuple) else (argnums,)
    if not positions:
        raise RuntimeError_("argnums must be non-empty")
    for i in positions:
        if not -count <= i < count:
            raise RuntimeError_(f"Got argnum={i}, but only {count} positional inputs")
    if len({i % count for i in positions}) != len(positions):
        raise RuntimeError_(f"argnums elements must be unique, got {argnums}")
    return tuple(i % count for i in positions)


def _differentiable(value, fresh_leaves: list) -> Tensor:
    """A new tensor standing for `value` that this grad call differentiates with respect to."""
    if isinstance(value, Tensor) and not value.dtype.is_floating_point:
        raise RuntimeError_("only Tensors of floating point dtype can require gradients")
    value = _float_input(value, "input")
    if value._requires_grad:
        # Already differentiable for an outer transform: a new node keeps that connection.
        return ops.clone(value)
    leaf = Tensor._wrap(value.array)
    leaf._requires_grad = True
    leaf._duals = value._duals  # forward-over-reverse: the tangents go along
    fresh_leaves.append(leaf)
    return leaf


# The leaves grad calls made for their inputs, once those calls have returned: nothing can ask
# for a gradient with respect to them any more, so a result that still depends on them (an outer
# grad's result through an inner grad's leaf) is not differentiable for that reason.
_spent_leaves: weakref.WeakSet = weakref.WeakSet()


def _reaches_other_leaves(tensor: Tensor, own: set[int]) -> bool:
    """Whether `tensor` is differentiable with respect to a leaf that is not one of `own` (nor
    one of a finished grad call)."""
    if tensor.grad_fn is None:
        return tensor._requires_grad and id(tensor) not in own and tensor not in _spent_leaves
    stack: list[Node] = [tensor.grad_fn]
    seen = {id(tensor.grad_fn)}
    while stack:
        for edge in stack.pop().edges:
            if edge is None:
                continue
            if isinstance(edge, Tensor):
                if id(edge) not in own and edge not in _spent_leaves:
                    return True
            elif id(edge) not in seen:
                seen.add(id(edge))
                stack.append(edge)
    return False


def _release(tensor: Tensor, own: set[int]) -> Tensor:
    """`tensor` cut from this grad call's private graph, unless a caller can differentiate it.

    Tangents (forward mode running around the grad) are kept, released the same way."""
    if _reaches_other_leaves(tensor, own):
        return tensor
    array = tensor.array
    out = Tensor._wrap(array if array.flags.writeable else array.copy())  # not a read-only broadcast view
    if tensor._duals:
        out._duals = {level: _release(t, own) for level, t in tensor._duals.items()}
    return out


def _mapped(tree, function):
    """`tree` (a value, or a tuple, list or dict of them, nested) with `function` of each value."""
    if isinstance(tree, (tuple, list)) and not isinstance(tree, Tensor):
        return type(tree)(_mapped(v, function) for v in tree)
    if isinstance(tree, dict):
        return {k: _mapped(v, function) for k, v in tree.items()}
    return function(tree)


def _leaves(tree) -> list:
    """The values of `tree` in _mapped's order."""
    found: list = []
    _mapped(tree, found.append)
    return found


def _released_values(tree, own: set[int]):
    """_release over the tensors in a (nested) tuple, list or dict; anything else is refused."""

    def released(value):
        if not isinstance(value, Tensor):
            raise RuntimeError_(f"Expected tensors, got unsupported type {type(value)}")
        return _release(value, own)

    return _mapped(tree, released)


def grad(func: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False) -> Callable:
    """A function returning d func / d argument(s); func must return a scalar (0-dim) tensor.
    Keyword arguments pass through to func, not differentiated (as torch.func.grad). With
    has_aux, func returns (output, aux), and the gradient comes paired with aux."""

    def gradient_of(*args, **kwargs):
        positions = _positions(argnums, len(args))
        args = list(args)
        fresh_leaves: list[Tensor] = []
        with enable_grad():
            for i in positions:
                args[i] = _mapped(args[i], lambda value: _differentiable(value, fresh_leaves))
            out = func(*args, **kwargs)
            if has_aux:
                out, aux = _output_and_aux(out, "grad_and_value(f)(*args)")
            if not isinstance(out, Tensor):
                raise RuntimeError_(
                    f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(out)}"
                )
            if out.ndim != 0:
                raise RuntimeError_(
                    f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with "
                    f"{out.ndim} dims. Maybe you wanted to use the vjp or jacrev APIs instead?"
                )
            inputs = [leaf for i in positions for leaf in _leaves(args[i])]
            if out._requires_grad:
                found = engine.grad(out, inputs, create_graph=True, allow_unused=True, materialize_grads=True)
            else:
                found = tuple(ops.zeros_like(x) for x in inputs)
        own = {id(leaf) for leaf in fresh_leaves}
        released = iter([_release(g, own) for g in found])
        # each gradient in the shape its argument had (a tensor, or a tuple, list or dict of them)
        found = tuple(_mapped(args[i], lambda _: next(released)) for i in positions)
        if has_aux:
            aux = _released_values(aux, own)
        _spent_leaves.update(fresh_leaves)
        result = found if isinstance(argnums, tuple) else found[0]
        return (result, aux) if has_aux else result

    gradient_of.__name__ = f"grad({getattr(func, '__name__', 'f')})"
    return gradient_of


# ---------------------------------------------------------------- hessian


def hessian(func: Callable, argnums: int | tuple[int, ...] = 0) -> Callable:
    """The matrix of second derivatives of a scalar function with respect to one argument, or
    for a tuple of argnums the nested tuple of blocks d2f / (dx_a dx_b), as torch.func.hessian.

    Forward-over-reverse: column j of a block is the jvp of grad(func) along the j-th basis vector."""

    def hessian_of(*args, **kwargs):
        positions = _positions(argnums, len(args))
        inputs = {k: _float_input(args[k], "input") for k in positions}
        with no_grad():
            out = func(*args, **kwargs)
        if isinstance(out, Tensor) and out.ndim:
            return _hessians_of_elements(func, argnums, out.shape, args, kwargs)

        def block(a: int, b: int) -> Tensor:
            first = grad(func, a)
            xa, xb = inputs[a], inputs[b]

            def first_along(xi):
                return first(*args[:b], xi, *args[b + 1:], **kwargs)

            n = xb.numel()
            columns = []
            for j in range(n):
                basis = np.zeros(n, dtype=xb.array.dtype)
                basis[j] = 1
                _, column = jvp(first_along, (xb,), (Tensor._wrap(basis.reshape(tuple(xb.shape))),))
                columns.append(ops.reshape(column, (xa.numel(),)))
            shape = tuple(xa.shape) + tuple(xb.shape)
            if not columns or not xa.numel():
                return Tensor._wrap(np.zeros(shape, dtype=xa.array.dtype))
            return ops.reshape(ops.stack(columns, 1), shape)

        if not isinstance(argnums, tuple):
            return block(positions[0], positions[0])
        return tuple(tuple(block(a, b) for b in positions) for a in positions)

    hessian_of.__name__ = f"hessian({getattr(func, '__name__', 'f')})"
    return hessian_of


def _hessians_of_elements(func: Callable, argnums, shape: tuple, args: tuple, kwargs: dict):
    """hessian of a function with a tensor output: each output element's hessian, stacked in
    front of the input dims (torch.func.hessian's shape: output.shape + input.shape + input.shape)."""

    def element(k: int) -> Callable:
        return lambda *a, **kw: ops.reshape(func(*a, **kw), (-1,))[k]

    per_element = [hessian(element(k), argnums)(*args, **kwargs) for k in range(int(np.prod(shape)))]

    def stacked(blocks: list) -> Tensor:
        return ops.reshape(ops.stack(blocks, 0), tuple(shape) + tuple(blocks[0].shape))

    if not isinstance(argnums, tuple):
        return stacked(per_element)
    count = len(argnums)
    return tuple(tuple(stacked([h[a][b] for h in per_element]) for b in range(count)) for a in range(count))


# ---------------------------------------------------------------- gradcheck


class GradcheckResult:
    """What gradcheck found: the worst absolute error of each mode against central differences."""

    def __init__(self, ok: bool, reverse_error: float, forward_error: float) -> None:
        self.ok = ok
        self.reverse_error = reverse_error
        self.forward_error = forward_error

    @property
    def max_error(self) -> float:
        return max(self.reverse_error, self.forward_error)

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return (
            f"GradcheckResult(ok={self.ok}, max_error={self.max_error:.3g}, reverse_error={self.reverse_error:.3g}, "
            f"forward_error={self.forward_error:.3g})"
        )


def gradcheck(func: Callable, inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, *, as_given: bool = False, forward: bool = True) -> GradcheckResult:
    """Compare central differences, reverse mode and forward mode on float64 copies of `inputs`.

    Every floating input is checked (integer tensors are passed through); `func` returns a
    tensor or a tuple of tensors. Returns a result that is truthy when both modes agree with
    the numbers within `atol + rtol * |numerical|` everywhere; otherwise raises PyTorch's
    GradcheckError, unless raise_exception=False. `as_given` (torch.autograd.gradcheck) checks
    the inputs in their own dtypes, as PyTorch does (float32 differences are too coarse: it
    warns, and the check fails); `forward=False` leaves forward mode out.
    """
    from .creation import tensor
    from .dtypes import float64

    given = _as_tuple(inputs)
    args = list(given) if as_given else [
        tensor(x.array if isinstance(x, Tensor) else x, dtype=float64) if _is_checked(x) else x for x in given]
    checked = [k for k, x in enumerate(given) if _is_checked(x)]
    errors = {"backward": 0.0, "forward": 0.0}
    ok = True
    for k in checked:
        numeric = _numeric_jacobians(func, args, k, eps)
        analytic = {"backward": _reverse_jacobians(func, args, k)}
        if forward:
            analytic["forward"] = _forward_jacobians(func, args, k)
        for mode, jacobians in analytic.items():
            for out_index, (found, expected) in enumerate(zip(jacobians, numeric)):
                error = np.abs(found - expected)
                worst = float(error.max(initial=0.0))
                if worst != worst or worst > errors[mode]:  # a NaN error is the worst of all
                    errors[mode] = worst
                # NaN anywhere is a mismatch, as in PyTorch (`error > tol` alone would let it pass).
                if not (error <= atol + rtol * np.abs(expected)).all():
                    ok = False
                    if raise_exception:
                        dtype = args[k].array.dtype if isinstance(args[k], Tensor) else np.float64
                        shown = [Tensor._wrap(np.asarray(m, dtype=dtype)) for m in (expected, found)]
                        raise GradcheckError_(
                            f"Jacobian mismatch for output {out_index} with respect to input {k}"
                            f"{' (forward mode)' if mode == 'forward' else ''},\n"
                            f"numerical:{shown[0]!r}\nanalytical:{shown[1]!r}\n"
                        )
    return GradcheckResult(ok, errors["backward"], errors["forward"])


def _is_checked(value) -> bool:
    if isinstance(value, Tensor):
        return value.dtype.is_floating_point
    return isinstance(value, float)


def _outputs(func, args) -> list[Tensor]:
    out = func(*args)
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _numeric_jacobians(func, args, k, eps) -> list[np.ndarray]:
    """Per output, the (input size, output size) matrix of central differences."""
    x = args[k]
    flat = x.array.reshape(-1)
    rows = []
    for i in range(flat.size):
        shifted = []
        for step in (eps, -eps):
            moved = flat.copy()
            moved[i] += step
            moved_args = list(args)
            moved_args[k] = Tensor._wrap(moved.reshape(x.array.shape))
            shifted.append([o.array.reshape(-1) for o in _outputs(func, moved_args)])
        # in the outputs' dtype, as PyTorch takes the differences (float64 for float64 copies)
        rows.append([(plus - minus) / plus.dtype.type(2 * eps) for plus, minus in zip(*shifted)])
    sizes = [o.numel() for o in _outputs(func, args)]
    return [np.array([row[j] for row in rows]).reshape(flat.size, n) for j, n in enumerate(sizes)]


def _reverse_jacobians(func, args, k) -> list[np.ndarray]:
    """Per output, one backward pass per output element."""
    n_in = args[k].numel()
    result = []
    with enable_grad():
        leaf = args[k].detach().requires_grad_(True)
        moved = list(args)
        moved[k] = leaf
        outputs = _outputs(func, moved)
        for out in outputs:
            jacobian = np.zeros((n_in, out.numel()))
            if out._requires_grad:
                for j in range(out.numel()):
                    seed = np.zeros(out.numel(), dtype=out.array.dtype)
                    seed[j] = 1
                    (g,) = engine.grad(out, [leaf], grad_outputs=[Tensor._wrap(seed.reshape(out.array.shape))],
                                       retain_graph=True, allow_unused=True, materialize_grads=True)
                    jacobian[:, j] = g.array.reshape(-1)
            result.append(jacobian)
    return result


def _forward_jacobians(func, args, k) -> list[np.ndarray]:
    """Per output, one jvp per input element."""
    x = args[k]
    columns = []
    for i in range(x.numel()):
        basis = np.zeros(x.numel(), dtype=x.array.dtype)
        basis[i] = 1

        def along(xk):
            moved = list(args)
            moved[k] = xk
            return tuple(_outputs(func, moved))

        _, tangents = jvp(along, (x,), (Tensor._wrap(basis.reshape(x.array.shape)),))
        columns.append([t.array.astype(np.float64).reshape(-1) for t in tangents])
    sizes = [o.numel() for o in _outputs(func, args)]
    return [np.array([c[j] for c in columns]).reshape(x.numel(), n) for j, n in enumerate(sizes)]


def autograd_gradcheck(func: Callable, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                       raise_exception: bool = True, check_forward_ad: bool = False, fast_mode: bool = False,
                       nondet_tol: float = 0.0, check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
                       check_batched_grad: bool = False, check_backward_ad: bool = True) -> bool:
    """torch.autograd.gradcheck: True when reverse mode (and forward mode, with check_forward_ad)
    agrees with central differences taken in the inputs' own dtypes; PyTorch's form wants at
    least one input that requires grad and warns for one that is not float64. (fast_mode and the
    other checks' options are taken; the full check always runs.)"""
    given = _as_tuple(inputs)
    if not any(isinstance(x, Tensor) and x.requires_grad for x in given):
        raise ValueError_("gradcheck expects at least one input tensor to require gradient, but none of them have "
                          "requires_grad=True.")
    for i, x in enumerate(given):
        if isinstance(x, Tensor) and x.requires_grad and x.dtype.name != "float64":
            warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. This check "
                 "will likely fail if all the inputs are not of double precision floating point or complex. ")
    return bool(gradcheck(func, inputs, eps, atol, rtol, raise_exception, as_given=True, forward=check_forward_ad))
