"""Function transforms over the core: `jvp`, `grad`, `hessian`, `gradcheck`.

`jvp` runs a function once on dual tensors (forward mode, no reverse graph);
`grad` uses reverse mode; `hessian` is forward-over-reverse: one `jvp` of `grad(f)`
per input element; `gradcheck` compares central differences with both modes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..errors import RuntimeError_, TypeError_
from . import engine, forward_mode, ops
from .grad_mode import enable_grad
from .tensor import Tensor


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _as_float_tensor(value) -> Tensor:
    if isinstance(value, Tensor):
        return value if value.dtype.is_floating_point else ops.to(value, _default_float())
    from .creation import tensor

    made = tensor(value)
    return made if made.dtype.is_floating_point else ops.to(made, _default_float())


def _default_float():
    from .dtypes import DEFAULT_FLOAT

    return DEFAULT_FLOAT


def _strip(value, level: int):
    """The primal part of a function's result: the same tensor without this level's tangent."""
    if isinstance(value, Tensor):
        out = ops.alias(value)
        if value._duals:
            rest = {k: v for k, v in value._duals.items() if k != level}
            out._duals = rest or None
        return out
    if isinstance(value, (tuple, list)):
        return type(value)(_strip(v, level) for v in value)
    return value


def _tangent(value, level: int):
    if isinstance(value, Tensor):
        found = forward_mode.tangent_of(value, level)
        return found if found is not None else ops.zeros_like(value)
    if isinstance(value, (tuple, list)):
        return type(value)(_tangent(v, level) for v in value)
    raise TypeError_(f"jvp: the function must return tensors, not {type(value).__name__}")


def jvp(func: Callable, primals, tangents) -> tuple:
    """(func(*primals), J·tangents), computed in one forward pass through the JVP rules."""
    primals = tuple(_as_float_tensor(p) for p in _as_tuple(primals))
    tangents = tuple(_as_float_tensor(t) for t in _as_tuple(tangents))
    if len(primals) != len(tangents):
        raise RuntimeError_(
            f"jvp: Expected primals and tangents to have the same length, but got {len(primals)} primals and "
            f"{len(tangents)} tangents"
        )
    with forward_mode.DualLevel() as level:
        duals = [forward_mode.make_dual(p, t, level) for p, t in zip(primals, tangents)]
        out = func(*duals)
        return _strip(out, level), _tangent(out, level)


def grad(func: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """A function returning d func / d argument(s) (func must return a one-element tensor)."""
    many = not isinstance(argnums, int)
    positions = tuple(argnums) if many else (argnums,)

    def gradient_of(*args):
        args = list(args)
        outer = any(isinstance(args[i], Tensor) and args[i]._requires_grad for i in positions)
        with enable_grad():
            for i in positions:
                value = _as_float_tensor(args[i])
                # Differentiate with respect to this value; keep it connected to an outer
                # transform's graph so that grad(grad(f)) and hessians compose.
                if not value._requires_grad:
                    leaf = value.detach().requires_grad_(True)
                    leaf._duals = value._duals  # forward-over-reverse: keep the tangents
                    value = leaf
                args[i] = value
            out = func(*args)
            if not isinstance(out, Tensor):
                raise TypeError_(f"grad: the function must return a tensor, not {type(out).__name__}")
            if out.numel() != 1:
                raise RuntimeError_("grad can be implicitly created only for scalar outputs")
            inputs = [args[i] for i in positions]
            if not out._requires_grad:
                found = tuple(ops.zeros_like(x) for x in inputs)
            else:
                found = engine.grad(out, inputs, create_graph=True, allow_unused=True, materialize_grads=True)
        if not outer and not forward_mode.active_levels:
            found = tuple(g.detach() for g in found)
        return found if many else found[0]

    gradient_of.__name__ = f"grad({getattr(func, '__name__', 'f')})"
    return gradient_of


def hessian(func: Callable) -> Callable:
    """A function returning the matrix of second derivatives of a scalar function of one tensor."""
    first = grad(func)

    def hessian_of(x):
        x = _as_float_tensor(x)
        n = x.numel()
        columns = []
        for i in range(n):
            basis = np.zeros(n, dtype=x.array.dtype)
            basis[i] = 1
            _, column = jvp(first, (x,), (Tensor._wrap(basis.reshape(x.array.shape)),))
            columns.append(ops.reshape(column, (n,)))
        if not columns:
            return ops.zeros_like(x)
        matrix = ops.stack(columns, 1)
        return ops.reshape(matrix, tuple(x.shape) + tuple(x.shape))

    hessian_of.__name__ = f"hessian({getattr(func, '__name__', 'f')})"
    return hessian_of


class GradcheckResult:
    """What gradcheck found: the worst absolute error of each mode against central differences."""

    def __init__(self, ok: bool, reverse_error: float, forward_error: float, tolerance: float) -> None:
        self.ok = ok
        self.reverse_error = reverse_error
        self.forward_error = forward_error
        self.tolerance = tolerance

    @property
    def max_error(self) -> float:
        return max(self.reverse_error, self.forward_error)

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return (
            f"GradcheckResult(ok={self.ok}, max_error={self.max_error:.3g}, reverse_error={self.reverse_error:.3g}, "
            f"forward_error={self.forward_error:.3g}, tolerance={self.tolerance:.3g})"
        )


def gradcheck(func: Callable, inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True) -> GradcheckResult:
    """Compare central differences, reverse mode and forward mode on float64 copies of `inputs`.

    Returns a result that is truthy when both modes agree with the numbers; raises
    PyTorch's GradcheckError text (as a RuntimeError) otherwise, unless raise_exception=False.
    """
    inputs = [ops.to(_as_float_tensor(x).detach(), _float64()) for x in _as_tuple(inputs)]

    def scalar_parts(*args):
        out = func(*args)
        return out if isinstance(out, Tensor) else _as_float_tensor(out)

    base_out = scalar_parts(*inputs)
    out_size = base_out.numel()
    worst_reverse = worst_forward = 0.0
    worst_allowed = 0.0
    for k in range(len(inputs)):
        numeric = _numeric_jacobian(scalar_parts, inputs, k, eps)  # (x.numel(), out_size)
        allowed = atol + rtol * np.abs(numeric)
        worst_allowed = max(worst_allowed, float(allowed.max(initial=0.0)))
        reverse = _reverse_jacobian(scalar_parts, inputs, k, out_size)
        forward = _forward_jacobian(scalar_parts, inputs, k, out_size)
        worst_reverse = max(worst_reverse, float(np.abs(reverse - numeric).max(initial=0.0)))
        worst_forward = max(worst_forward, float(np.abs(forward - numeric).max(initial=0.0)))
        bad = (np.abs(reverse - numeric) > allowed).any() or (np.abs(forward - numeric) > allowed).any()
        if bad and raise_exception:
            mode = "backward" if (np.abs(reverse - numeric) > allowed).any() else "forward"
            raise RuntimeError_(
                f"Jacobian mismatch for output 0 with respect to input {k} ({mode} mode),\n"
                f"numerical:{numeric.reshape(-1)}\n"
                f"analytical:{(reverse if mode == 'backward' else forward).reshape(-1)}"
            )
    ok = max(worst_reverse, worst_forward) <= worst_allowed or max(worst_reverse, worst_forward) <= atol
    return GradcheckResult(ok, worst_reverse, worst_forward, worst_allowed)


def _float64():
    from .dtypes import float64

    return float64


def _numeric_jacobian(func, inputs, k, eps) -> np.ndarray:
    x = inputs[k]
    flat = x.array.reshape(-1)
    rows = []
    for i in range(flat.size):
        shifted = []
        for sign in (1, -1):
            moved = flat.copy()
            moved[i] += sign * eps
            args = list(inputs)
            args[k] = Tensor._wrap(moved.reshape(x.array.shape))
            shifted.append(func(*args).array.astype(np.float64).reshape(-1))
        rows.append((shifted[0] - shifted[1]) / (2 * eps))
    return np.array(rows).reshape(flat.size, -1)


def _reverse_jacobian(func, inputs, k, out_size) -> np.ndarray:
    rows = []
    for j in range(out_size):
        args = [x.detach().requires_grad_(True) for x in inputs]
        with enable_grad():
            out = func(*args)
            if not out._requires_grad:
                return np.zeros((inputs[k].numel(), out_size))
            seed = np.zeros(out_size, dtype=out.array.dtype)
            seed[j] = 1
            (g,) = engine.grad(out, [args[k]], grad_outputs=[Tensor._wrap(seed.reshape(out.array.shape))],
                               allow_unused=True, materialize_grads=True)
        rows.append(g.array.reshape(-1))
    return np.array(rows).T.reshape(inputs[k].numel(), out_size)


def _forward_jacobian(func, inputs, k, out_size) -> np.ndarray:
    x = inputs[k]
    columns = []
    for i in range(x.numel()):
        basis = np.zeros(x.numel(), dtype=x.array.dtype)
        basis[i] = 1
        tangents = [ops.zeros_like(v) for v in inputs]
        tangents[k] = Tensor._wrap(basis.reshape(x.array.shape))
        _, tangent = jvp(func, inputs, tangents)
        columns.append(tangent.array.astype(np.float64).reshape(-1))
    return np.array(columns).reshape(x.numel(), out_size)
