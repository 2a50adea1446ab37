"""T.jvp, T.grad, T.hessian and T.gradcheck against torch.func, on functions over every differentiable op."""

from __future__ import annotations

import math

import numpy as np
import pytest

import gradlang as T
from gradlang.core import graph, ops
from gradlang.core import primitives as P

# torch.func's first call goes through torch.jit, which warns that it is deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")

RNG = np.random.default_rng(0)
A = RNG.normal(size=(3, 3))
X = np.array([0.7, -1.3, 0.4])
V = np.array([0.3, 0.5, -0.2])


def const(lib, values):
    return lib.from_numpy(np.array(values, dtype=np.float64))


def _setitem(lib, x):
    y = x * 1.0
    y[1] = x[0] ** 2
    return (y * y).sum()


def _inplace(lib, x):
    y = x * 2.0
    y.mul_(x)
    y.add_(x.sin())
    return y.sum()


def _outer(lib, x):
    return lib.reshape(x, (3, 1)) * lib.reshape(x, (1, 3))


# Scalar functions of a 3-vector, written once for torch and for gradlang (`lib`).
FUNCTIONS = {
    "sin": lambda lib, x: lib.sin(x).sum(),
    "cos": lambda lib, x: lib.cos(x).sum(),
    "tan": lambda lib, x: lib.tan(x * 0.3).sum(),
    "exp": lambda lib, x: lib.exp(x).sum(),
    "log": lambda lib, x: lib.log(x * x + 1).sum(),
    "log1p": lambda lib, x: lib.log1p(x * x).sum(),
    "sqrt": lambda lib, x: lib.sqrt(x * x + 1).sum(),
    "sigmoid": lambda lib, x: lib.sigmoid(x).sum(),
    "tanh": lambda lib, x: lib.tanh(x).sum(),
    "relu": lambda lib, x: lib.relu(x).pow(3).sum(),
    "abs": lambda lib, x: lib.abs(x).pow(3).sum(),
    "pow_scalar": lambda lib, x: (x ** 3).sum(),
    "pow_tensor": lambda lib, x: lib.pow(x * x + 1, x).sum(),
    "rpow": lambda lib, x: (2.0 ** x).sum(),
    "square": lambda lib, x: lib.square(x).sum(),
    "div": lambda lib, x: (x / (x * x + 1)).sum(),
    "rdiv": lambda lib, x: (1.0 / (x * x + 1)).sum(),
    "reciprocal": lambda lib, x: lib.reciprocal(x * x + 1).sum(),
    "neg_sub_rsub": lambda lib, x: (-(x - 2) * (3 - x)).sum(),
    "matmul": lambda lib, x: (const(lib, A) @ lib.reshape(x, (3, 1))).pow(2).sum(),
    "mm": lambda lib, x: lib.mm(lib.reshape(x, (3, 1)), lib.reshape(x, (1, 3))).sin().sum(),
    "mv": lambda lib, x: lib.mv(const(lib, A), x).exp().sum(),
    "dot": lambda lib, x: lib.dot(x, lib.sin(x)),
    "softmax": lambda lib, x: (lib.softmax(x, 0) * const(lib, [1.0, 2.0, 3.0])).sum(),
    "log_softmax": lambda lib, x: (lib.log_softmax(x, 0) * const(lib, [1.0, 2.0, 3.0])).sum(),
    "sum": lambda lib, x: lib.sum(_outer(lib, x), 0).pow(2).sum(),
    "mean": lambda lib, x: lib.mean(x * x),
    "mean_dim": lambda lib, x: lib.mean(_outer(lib, x), 1).pow(2).sum(),
    "max": lambda lib, x: lib.max(x * x),
    "min": lambda lib, x: lib.min(x * x),
    "max_dim": lambda lib, x: lib.max(_outer(lib, x), 1).values.pow(2).sum(),
    "amax": lambda lib, x: lib.amax(x.sin()),
    "maximum": lambda lib, x: lib.maximum(x, x.sin() + 0.5).pow(2).sum(),
    "minimum": lambda lib, x: lib.minimum(x, x.cos()).pow(2).sum(),
    "clamp": lambda lib, x: lib.clamp(x, -0.5, 0.5).pow(2).sum() + (x ** 2).sum(),
    "clamp_min": lambda lib, x: lib.clamp(x * x, min=0.3).sum(),
    "where": lambda lib, x: lib.where(x > 0, x ** 2, lib.sin(x)).sum(),
    "index": lambda lib, x: x[0] * x[2] + x[1:].pow(2).sum(),
    "index_list": lambda lib, x: x[[0, 0, 2]].pow(3).sum(),
    "index_mask": lambda lib, x: _outer(lib, x)[_outer(lib, x) > 0].pow(2).sum(),
    "setitem": _setitem,
    "inplace": _inplace,
    "stack": lambda lib, x: lib.stack([x, x.sin(), x * x], 1).pow(2).sum(),
    "cat": lambda lib, x: lib.cat([x, x.exp()], 0).pow(2).sum(),
    "reshape_T": lambda lib, x: (lib.reshape(x, (3, 1)) @ lib.reshape(x, (1, 3))).T.sin().sum(),
    "transpose": lambda lib, x: lib.transpose(_outer(lib, x) * const(lib, A), 0, 1).mul(const(lib, A)).sum(),
    "expand": lambda lib, x: (lib.reshape(x, (3, 1)).expand(3, 3) * const(lib, A)).pow(2).sum(),
    "unsqueeze_squeeze": lambda lib, x: lib.squeeze(lib.unsqueeze(x, 0) * 2, 0).pow(3).sum(),
    "flatten": lambda lib, x: lib.flatten(_outer(lib, x)).pow(2).sum(),
    "clone": lambda lib, x: x.clone().pow(2).sum(),
    "norm": lambda lib, x: lib.norm(x),
    "mse_loss": lambda lib, x: lib.nn.functional.mse_loss(x.sin(), const(lib, [0.1, 0.2, 0.3])),
    "binary_cross_entropy": lambda lib, x: lib.nn.functional.binary_cross_entropy(
        lib.sigmoid(x), const(lib, [0.0, 1.0, 1.0])
    ),
    "chain": lambda lib, x: lib.tanh(lib.exp(lib.sin(x)) * x).sum(),
}


def ours(array):
    return T.from_numpy(np.array(array, dtype=np.float64))


def assert_close(got, expected):
    assert got.grad_fn is None, got.grad_fn
    np.testing.assert_allclose(got.numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- every op, against torch.func


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_jvp_matches_torch_func(torch, name):
    f = FUNCTIONS[name]
    value, tangent = T.jvp(lambda x: f(T, x), (ours(X),), (ours(V),))
    expected = torch.func.jvp(lambda x: f(torch, x), (torch.from_numpy(X.copy()),), (torch.from_numpy(V.copy()),))
    assert_close(value, expected[0])
    assert_close(tangent, expected[1])


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_grad_matches_torch_func(torch, name):
    f = FUNCTIONS[name]
    assert_close(T.grad(lambda x: f(T, x))(ours(X)), torch.func.grad(lambda x: f(torch, x))(torch.from_numpy(X.copy())))


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_hessian_matches_torch_func(torch, name):
    f = FUNCTIONS[name]
    expected = torch.func.hessian(lambda x: f(torch, x))(torch.from_numpy(X.copy()))
    assert_close(T.hessian(lambda x: f(T, x))(ours(X)), expected)


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_jvp_of_jvp_matches_torch_func(torch, name):
    """Nested forward mode: the second directional derivative v' H v."""
    f = FUNCTIONS[name]

    def second(lib, jvp):
        def directional(x):
            return jvp(lambda y: f(lib, y), (x,), (const(lib, V),))[1]

        return jvp(directional, (const(lib, X),), (const(lib, V[::-1]),))

    got, expected = second(T, T.jvp), second(torch, torch.func.jvp)
    assert_close(got[0], expected[0])
    assert_close(got[1], expected[1])


@pytest.mark.torch
@pytest.mark.parametrize("name", ["sin", "pow_tensor", "softmax", "div", "matmul"])
def test_grad_of_grad_matches_torch_func(torch, name):
    """Reverse over reverse, through a sum so that the inner result is a scalar."""
    f = FUNCTIONS[name]

    def twice(lib, grad):
        return grad(lambda x: (grad(lambda y: f(lib, y))(x) * const(lib, V)).sum())(const(lib, X))

    assert_close(twice(T, T.grad), twice(torch, torch.func.grad))


@pytest.mark.torch
def test_float32_grad_and_jvp_match_torch_func(torch):
    f = FUNCTIONS["chain"]
    x32, v32 = X.astype(np.float32), V.astype(np.float32)
    got = T.grad(lambda x: f(T, x))(T.from_numpy(x32.copy()))
    expected = torch.func.grad(lambda x: f(torch, x))(torch.from_numpy(x32.copy()))
    assert got.dtype is T.float32
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)
    _, tangent = T.jvp(lambda x: f(T, x), (T.from_numpy(x32.copy()),), (T.from_numpy(v32.copy()),))
    _, expected = torch.func.jvp(lambda x: f(torch, x), (torch.from_numpy(x32),), (torch.from_numpy(v32),))
    np.testing.assert_allclose(tangent.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- grad: several arguments, argnums


def _two(lib, a, b):
    return (a.sin() * b ** 2).sum() + lib.dot(a, b)


@pytest.mark.torch
@pytest.mark.parametrize("argnums", [0, 1, -1, (0,), (1, 0), (0, 1)], ids=str)
def test_grad_argnums_match_torch_func(torch, argnums):
    got = T.grad(lambda a, b: _two(T, a, b), argnums=argnums)(ours(X), ours(V))
    expected = torch.func.grad(lambda a, b: _two(torch, a, b), argnums=argnums)(
        torch.from_numpy(X.copy()), torch.from_numpy(V.copy())
    )
    if isinstance(argnums, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_close(g, e)
    else:
        assert_close(got, expected)


@pytest.mark.torch
@pytest.mark.parametrize("call", [
    ("vector_output", lambda lib: lambda x: x * 2, 0, 1),
    ("one_element_vector", lambda lib: lambda x: (x * 2).sum().reshape(1), 0, 1),
    ("number_output", lambda lib: lambda x: 3.0, 0, 1),
    ("argnum_out_of_range", lambda lib: lambda x, y: (x * y).sum(), 2, 2),
    ("argnums_list", lambda lib: lambda x, y: (x * y).sum(), [0, 1], 2),
    ("argnums_float", lambda lib: lambda x, y: (x * y).sum(), 0.0, 2),
    ("argnums_twice", lambda lib: lambda x, y: (x * y).sum(), (0, 0), 2),
    ("argnums_empty", lambda lib: lambda x, y: (x * y).sum(), (), 2),
], ids=lambda c: c[0])
def test_grad_errors_match_torch_func(torch, call):
    _, make, argnums, count = call
    messages = []
    for lib, grad in ((torch, torch.func.grad), (T, T.grad)):
        args = [lib.from_numpy(X.copy()) for _ in range(count)]
        with pytest.raises(Exception) as caught:
            grad(make(lib), argnums=argnums)(*args)
        messages.append((type(caught.value).__name__.rstrip("_"), str(caught.value)))
    assert messages[1] == messages[0]


def test_grad_of_integer_tensor_is_an_error():
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        T.grad(lambda x: (x * x).sum())(T.tensor([1, 2]))


def test_grad_accepts_python_numbers():
    assert T.grad(lambda x: x ** 3)(2.0).item() == 12.0


def test_unused_argument_has_zero_gradient():
    g = T.grad(lambda x, y: (x * x).sum(), argnums=1)(ours(X), ours(V))
    assert g.tolist() == [0.0, 0.0, 0.0]


def test_grad_result_has_no_graph_and_is_writable():
    g = T.grad(lambda x: x.sum())(ours(X))
    assert g.grad_fn is None and not g.requires_grad
    g.add_(1.0)
    assert g.tolist() == [2.0, 2.0, 2.0]


def test_grad_stays_differentiable_for_tensors_the_caller_differentiates():
    """As torch.func.grad: an input or closure that requires grad keeps the result in its graph."""
    w = T.tensor(3.0, requires_grad=True)
    g = T.grad(lambda x: w * x ** 2)(T.tensor(2.0))
    assert g.item() == 12.0 and g.grad_fn is not None
    g.backward()
    assert w.grad.item() == 4.0
    x = T.tensor([1.0, 2.0], requires_grad=True)
    (d,) = T.autograd.grad(T.grad(lambda y: (y ** 3).sum())(x).sum(), x)
    assert d.tolist() == [6.0, 12.0]


def test_higher_derivatives_compose():
    x = T.tensor(2.0)
    assert T.grad(lambda x: x ** 3)(x).item() == 12.0
    assert T.grad(T.grad(lambda x: x ** 3))(x).item() == 12.0
    assert T.grad(T.grad(T.grad(lambda x: x ** 3)))(x).item() == 6.0
    assert T.grad(T.grad(T.grad(T.grad(lambda x: x ** 3))))(x).item() == 0.0


# ---------------------------------------------------------------- perturbation confusion


def test_forward_mode_perturbation_confusion():
    """d/dx (x * d/dy (x + y)) at y = 1 is 1, not 2: the inner jvp does not see x's tangent."""

    def inner(x):
        return T.jvp(lambda y: x + y, (T.tensor(1.0),), (T.tensor(1.0),))[1]

    _, derivative = T.jvp(lambda x: x * inner(x), (T.tensor(5.0),), (T.tensor(1.0),))
    assert derivative.item() == 1.0


def test_reverse_mode_perturbation_confusion():
    outer = T.grad(lambda x: x * T.grad(lambda y: x + y)(T.tensor(1.0)))
    assert outer(T.tensor(5.0)).item() == 1.0


def test_reverse_mode_argument_closed_over_and_passed():
    """d/dx [d/dy (x * y)](y = x) = d/dx x = 1: the inner grad must not differentiate the closed-over x."""
    assert T.grad(lambda x: T.grad(lambda y: x * y)(x))(T.tensor(5.0)).item() == 1.0


def test_mixed_mode_perturbation_confusion():
    forward_over_reverse = T.jvp(lambda x: T.grad(lambda y: x * y)(x), (T.tensor(5.0),), (T.tensor(1.0),))[1]
    reverse_over_forward = T.grad(
        lambda x: T.jvp(lambda y: x * y, (x,), (T.tensor(1.0),))[1]
    )(T.tensor(5.0))
    assert forward_over_reverse.item() == 1.0
    assert reverse_over_forward.item() == 1.0


@pytest.mark.torch
def test_nested_perturbation_matches_torch_func(torch):
    def f(lib, jvp):
        def inner(x):
            return jvp(lambda y: (x * y).sin(), (const(lib, 0.5),), (const(lib, 1.0),))[1]

        return jvp(lambda x: x * inner(x), (const(lib, 1.5),), (const(lib, 1.0),))

    got, expected = f(T, T.jvp), f(torch, torch.func.jvp)
    assert_close(got[1], expected[1])


# ---------------------------------------------------------------- jvp builds no reverse graph


def test_jvp_records_no_backward_graph():
    before = next(graph._creation_count)  # every recorded node takes the next number
    value, tangent = T.jvp(lambda x: FUNCTIONS["chain"](T, x) * FUNCTIONS["softmax"](T, x), (ours(X),), (ours(V),))
    assert next(graph._creation_count) == before + 1
    assert value.grad_fn is None and tangent.grad_fn is None
    assert not value.requires_grad and not tangent.requires_grad


def test_jvp_keeps_the_graph_of_inputs_that_require_grad():
    x = ours(X).requires_grad_(True)
    value, tangent = T.jvp(lambda x: x.sin(), (x,), (ours(V),))
    assert value.grad_fn is not None and tangent.grad_fn is not None
    value.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.cos(X))


def test_jvp_leaves_no_tangent_behind():
    x = ours(X)
    T.jvp(lambda x: x * 2, (x,), (ours(V),))
    assert x._duals is None
    value, _ = T.jvp(lambda x: x * 2, (x,), (ours(V),))
    assert not value._duals


@pytest.mark.torch
def test_jvp_of_several_outputs_and_inputs(torch):
    def f(lib, a, b):
        return a * b, (a.sin() + b).sum()

    got = T.jvp(lambda a, b: f(T, a, b), (ours(X), ours(V)), (ours(V), ours(X)))
    expected = torch.func.jvp(
        lambda a, b: f(torch, a, b), (const(torch, X), const(torch, V)), (const(torch, V), const(torch, X))
    )
    for g, e in zip(got[0] + got[1], expected[0] + expected[1]):
        assert_close(g, e)


@pytest.mark.torch
@pytest.mark.parametrize("call", [
    ("number_output", lambda x: 3.0, (1.0, 2.0), (1.0, 2.0)),
    ("shape_mismatch", lambda x: x * 2, (1.0, 2.0), (1.0, 2.0, 3.0)),
], ids=lambda c: c[0])
def test_jvp_errors_match_torch_func(torch, call):
    _, f, primal, tangent = call
    messages = []
    for lib, jvp in ((torch, torch.func.jvp), (T, T.jvp)):
        with pytest.raises(Exception) as caught:
            jvp(f, (const(lib, primal),), (const(lib, tangent),))
        messages.append((type(caught.value).__name__.rstrip("_"), str(caught.value)))
    assert messages[1] == messages[0]


def test_jvp_of_integer_tensor_is_an_error():
    with pytest.raises(ValueError, match="Expected primal to be floating point or complex, but got: torch.int64"):
        T.jvp(lambda x: x * 2, (T.tensor([1, 2]),), (T.tensor([1.0, 1.0]),))


def test_forward_mode_through_inplace_ops_and_setitem():
    def f(x):
        y = x * 1.0
        y.mul_(x)
        y[0] = x[1] * 3
        return y

    _, tangent = T.jvp(f, (T.tensor([1.0, 2.0, 3.0]),), (T.tensor([1.0, 1.0, 1.0]),))
    assert tangent.tolist() == [3.0, 4.0, 6.0]
    _, tangent = T.jvp(lambda x: (x * 1.0).zero_(), (T.tensor([1.0]),), (T.tensor([1.0]),))
    assert tangent.tolist() == [0.0]


# ---------------------------------------------------------------- hessian


@pytest.mark.torch
def test_hessian_of_a_matrix_argument_and_argnums(torch):
    m = RNG.normal(size=(2, 2))

    def f(lib, a, b):
        return (lib.tanh(a @ b) * b).sum()

    got = T.hessian(lambda a, b: f(T, a, b), argnums=1)(ours(m), ours(m.T))
    expected = torch.func.hessian(lambda a, b: f(torch, a, b), argnums=1)(const(torch, m), const(torch, m.T))
    assert tuple(got.shape) == (2, 2, 2, 2)
    assert_close(got, expected)


def test_hessian_of_a_scalar_argument():
    assert T.hessian(lambda x: x ** 3)(T.tensor(2.0)).item() == 12.0


# ---------------------------------------------------------------- gradcheck


def test_gradcheck_passes_on_correct_functions():
    inputs = (ours(X), ours(V))
    for name, f in FUNCTIONS.items():
        result = T.gradcheck(lambda x, f=f: f(T, x), (ours(X),))
        assert result, name
        assert result.max_error < 1e-6, name
    assert T.gradcheck(lambda a, b: (a * b.exp(), T.softmax(a - b, 0)), inputs)


def test_gradcheck_passes_integer_inputs_through():
    assert T.gradcheck(lambda x, n: x ** n, (T.tensor([1.5, 2.0]), T.tensor(3)))


@pytest.fixture
def wrong_sin():
    """A primitive whose reverse rule is wrong (factor 2), registered for one test only."""

    def forward(x):
        return np.sin(x)

    def vjp(node, g):
        (x,) = node.saved_tensors()
        return (ops.mul(ops.mul(g, ops.cos(x)), 2.0),)

    def jvp(p, t):
        return ops.mul(t[0], ops.cos(p[0]))

    prim = P.define("wrong_sin", forward, vjp, jvp, "WrongSinBackward0", save_inputs=(0,))
    try:
        yield lambda x: graph.apply(prim, (x,))
    finally:
        del P.PRIMITIVES["wrong_sin"]


@pytest.fixture
def wrong_forward_sin():
    """A primitive whose forward rule is wrong (no cos), registered for one test only."""
    prim = P.define(
        "wrong_forward_sin", np.sin,
        lambda node, g: (ops.mul(g, ops.cos(node.saved_tensors()[0])),),
        lambda p, t: t[0],
        "WrongSinBackward0", save_inputs=(0,),
    )
    try:
        yield lambda x: graph.apply(prim, (x,))
    finally:
        del P.PRIMITIVES["wrong_forward_sin"]


def test_gradcheck_reports_a_wrong_reverse_rule(wrong_sin):
    x = T.tensor([0.5, 1.0], dtype=T.float64)
    with pytest.raises(RuntimeError) as caught:
        T.gradcheck(wrong_sin, (x,))
    assert str(caught.value) == (
        "Jacobian mismatch for output 0 with respect to input 0,\n"
        "numerical:tensor([[0.8776, 0.0000],\n        [0.0000, 0.5403]], dtype=torch.float64)\n"
        "analytical:tensor([[1.7552, 0.0000],\n        [0.0000, 1.0806]], dtype=torch.float64)\n"
    )
    result = T.gradcheck(wrong_sin, (x,), raise_exception=False)
    assert not result
    assert result.reverse_error == pytest.approx(np.cos(0.5))
    assert result.forward_error < 1e-8


@pytest.mark.torch
def test_gradcheck_message_matches_torch(torch, wrong_sin):
    class WrongSin(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin()

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x.cos() * 2

    x = np.array([0.5, 1.0, -2.0])
    with pytest.raises(RuntimeError) as expected:
        torch.autograd.gradcheck(WrongSin.apply, (torch.from_numpy(x.copy()).requires_grad_(),))
    with pytest.raises(RuntimeError) as got:
        T.gradcheck(wrong_sin, (T.from_numpy(x.copy()),))
    assert str(got.value) == str(expected.value)


def test_gradcheck_reports_a_wrong_forward_rule(wrong_forward_sin):
    x = T.tensor([0.5, 1.0], dtype=T.float64)
    with pytest.raises(RuntimeError, match=r"^Jacobian mismatch for output 0 with respect to input 0 \(forward mode\)"):
        T.gradcheck(wrong_forward_sin, (x,))
    result = T.gradcheck(wrong_forward_sin, (x,), raise_exception=False)
    assert not result and result.reverse_error < 1e-8 and result.forward_error > 0.4


def test_test_primitives_are_unregistered():
    assert "wrong_sin" not in T.PRIMITIVES and "wrong_forward_sin" not in T.PRIMITIVES


@pytest.mark.parametrize("f", [lambda x: T.where(x > 0, T.sqrt(x), x), lambda x: x * float("nan")])
def test_gradcheck_fails_on_a_nan_jacobian(f):
    # NaN is never within tolerance (a plain `error > tol` test would let it pass).
    x = T.tensor([-1.0, 2.0], dtype=T.float64, requires_grad=True)
    with pytest.raises(T.GradlangError, match="Jacobian mismatch"):
        T.gradcheck(f, (x,))
    result = T.gradcheck(f, (x,), raise_exception=False)
    assert not result.ok and math.isnan(result.max_error)


INF = float("inf")
CONSTANT_PARTNERS = {
    "x * c": lambda lib, x: x * lib.tensor([INF, 1.0, 2.0]),
    "c * x": lambda lib, x: lib.tensor([2.0, 0.0, 1.0]) * x,
    "x / c": lambda lib, x: x / lib.tensor([0.0, 1.0, 2.0]),
    "c / x": lambda lib, x: lib.tensor([0.0, 1.0, 2.0]) / x,
    "c ** x": lambda lib, x: lib.tensor([0.0, 2.0, INF]) ** x,
    "x ** c": lambda lib, x: x ** lib.tensor([2.0, 0.5, 1.0]),
    "x + c": lambda lib, x: x + lib.tensor([INF, -INF, 1.0]),
    "c - x": lambda lib, x: lib.tensor([INF, -INF, 1.0]) - x,
    "c @ x": lambda lib, x: lib.tensor([[INF, 1.0, 0.0]]) @ x,  # products do use zeros (NaN here, as in torch)
    "addcmul": lambda lib, x: lib.addcmul(x, lib.tensor([INF, 1.0, 0.0]), lib.tensor([0.0, 1.0, 2.0])),
    "cross": lambda lib, x: lib.linalg.cross(x, lib.tensor([INF, 1.0, 0.0])),
    "x % c": lambda lib, x: x % lib.tensor([INF, 2.0, 1.0]),
    "bce": lambda lib, x: lib.nn.functional.binary_cross_entropy(lib.sigmoid(x), lib.tensor([0.0, 1.0, 0.5]),
                                                                 reduction="none"),
    "maximum": lambda lib, x: lib.maximum(x, lib.tensor([INF, 1.0, -INF])),
    "clamp by tensors": lambda lib, x: lib.clamp(x, min=lib.tensor([INF, 0.0, -INF])),
}


@pytest.mark.parametrize("name", CONSTANT_PARTNERS)
def test_jvp_leaves_out_the_tangents_constants_do_not_have(torch, name):
    # An input without a tangent is left out of PyTorch's forward formulas, not taken as zeros:
    # with an infinite primal, a zero tangent would make 0 * inf a NaN.
    f = CONSTANT_PARTNERS[name]
    x, v = [INF, 0.0, 3.0], [1.0, 1.0, 1.0]
    _, ours = T.jvp(lambda a: f(T, a), (T.tensor(x),), (T.tensor(v),))
    _, theirs = torch.func.jvp(lambda a: f(torch, a), (torch.tensor(x),), (torch.tensor(v),))
    assert repr(ours) == repr(theirs)


def test_hessian_of_several_arguments_is_torch_funcs_nested_blocks(torch):
    def f(lib):
        return lambda x, y: (x**2).sum() * y.sum() + (x**3).sum() * (y**2).sum()

    args = ([1.0, 2.0], [3.0, 4.0, 0.5])
    for argnums in ((0, 1), (1, 0), 1):
        ours = T.hessian(f(T), argnums=argnums)(*[T.tensor(a) for a in args])
        theirs = torch.func.hessian(f(torch), argnums=argnums)(*[torch.tensor(a) for a in args])
        assert repr(ours) == repr(theirs)


def test_grad_passes_keyword_arguments_through(torch):
    def h(x, y=2.0):
        return (x**2 * y).sum()

    assert repr(T.grad(h)(T.tensor([1.0, 2.0]), y=T.tensor(3.0))) == repr(
        torch.func.grad(h)(torch.tensor([1.0, 2.0]), y=torch.tensor(3.0)))


def test_torch_autograd_gradcheck_answers_true_or_refuses_as_torch(torch):
    for lib in (T, torch):
        x = lib.tensor([1.0, 0.3], dtype=lib.float64, requires_grad=True)
        assert lib.autograd.gradcheck(lambda v: v.sin() * v, (x,), eps=1e-6, atol=1e-4) is True
        with pytest.raises(ValueError, match="gradcheck expects at least one input tensor to require gradient"):
            lib.autograd.gradcheck(lambda v: v * 2, (lib.tensor([1.0], dtype=lib.float64),))
