"""Array rules (vjp_array) give the same bits as the ops rules they stand in for.

Backward without create_graph runs a primitive's `vjp_array` on bare numpy values; with
create_graph (or inside forward mode) it runs the ops-based `vjp`. Every case here runs
backward both ways and compares gradients bit for bit (dtype, shape, signed zeros, nans).
"""

from __future__ import annotations

import numpy as np
import pytest

import gradlang as T
from gradlang.core import PRIMITIVES, engine, summation


def _vec(values, dtype=T.float32):
    return T.tensor(values, dtype=dtype)


# Each case: (name, inputs as (values, dtype, requires_grad), function of the inputs).
F32, F64 = T.float32, T.float64
CASES = [
    ("add 0-d", [(1.5, F32, True), (2.25, F32, True)], lambda a, b: a + b),
    ("add broadcast", [([[1.0, 2.0], [3.0, 4.0]], F32, True), ([0.5, -1.0], F32, True)], lambda a, b: (a + b) * a),
    ("add number", [([1.0, -2.0, 3.0], F64, True)], lambda a: (a + 0.1) * a),
    ("sub broadcast", [([[1.0], [3.0]], F32, True), ([0.5, -1.0, 2.0], F32, True)], lambda a, b: (a - b) * b),
    ("rsub", [(0.3, F32, True)], lambda a: (1 - a) * a),
    ("mul 0-d one grad", [(1.5, F32, True), (3.0, F32, False)], lambda a, b: a * b * 1.0001),
    ("mul broadcast", [([[1.0, 2.0, 3.0]], F32, True), ([[0.5], [-1.5]], F32, True)], lambda a, b: a * b),
    ("mul f64", [([1.0, 2.0], F64, True), ([3.0, -0.0], F64, True)], lambda a, b: a * b),
    ("div", [([1.0, 2.0, -3.0], F32, True), ([0.7, -1.3, 0.0], F32, True)], lambda a, b: a / b),
    ("div broadcast", [([[1.0, 2.0]], F32, True), ([[3.0], [0.1]], F32, True)], lambda a, b: a / b),
    ("div by number", [(2.0, F32, True)], lambda a: a / 3),
    ("rdiv", [([2.0, -0.5], F32, True)], lambda a: 1.7 / a),
    ("neg", [([1.0, -0.0, 3.0], F32, True)], lambda a: -a * a),
    ("pow int", [([1.5, -2.0, 0.0], F32, True)], lambda a: a ** 3),
    ("pow float", [([1.5, 2.0, 0.3], F32, True)], lambda a: a ** 0.7),
    ("pow negative", [(1.5, F64, True)], lambda a: a ** -2),
    ("pow zero", [([1.5, 0.0], F32, True)], lambda a: a ** 0),
    ("pow bool", [([1.5, 2.0], F32, True)], lambda a: a ** True),
    ("square", [(0.37, F32, True)], lambda a: T.square(a) * a),
    ("exp", [([0.1, -3.0, 20.0], F32, True)], lambda a: T.exp(a) * a),
    ("log", [([0.1, 3.0, 0.0], F32, True)], lambda a: T.log(a)),
    ("log1p", [([0.1, 3.0, -0.5], F64, True)], lambda a: T.log1p(a)),
    ("sin cos tan", [([0.1, 3.0, -0.5], F32, True)], lambda a: T.sin(a) + T.cos(a) + T.tan(a)),
    ("tanh", [([0.1, 3.0, -0.5], F32, True)], lambda a: T.tanh(a) * a),
    ("tanh 0-d", [(0.77, F32, True)], lambda a: T.tanh(T.tanh(a))),
    ("sigmoid", [([0.1, 30.0, -0.5], F32, True)], lambda a: T.sigmoid(a) * a),
    ("sigmoid 0-d f64", [(0.1, F64, True)], lambda a: T.sigmoid(a)),
    ("sqrt", [([0.1, 3.0, 0.0], F32, True)], lambda a: T.sqrt(a)),
    ("relu abs", [([0.1, -3.0, 0.0], F32, True)], lambda a: T.relu(a) * 2 + T.abs(a)),
    ("reciprocal", [([0.1, -3.0, 2.0], F32, True)], lambda a: T.reciprocal(a)),
    ("clamp both", [([-2.0, 0.5, 2.0, 1.0, float("nan")], F32, True)], lambda a: T.clamp(a, -1.0, 1.0) * a),
    ("clamp min", [([-2.0, 0.5], F32, True)], lambda a: T.clamp(a, min=0.0)),
    ("clamp max 0-d", [(0.5, F32, True)], lambda a: T.clamp(a, max=0.5)),
    ("clamp 0-d out", [(-0.5, F32, True)], lambda a: T.clamp(a, 1e-8, 1 - 1e-8) * a),
    ("clamp 0-d nan", [(float("nan"), F32, True)], lambda a: T.clamp(a, 0.0, 1.0)),
    ("sum all", [([[1.0, 2.0], [3.0, 4.0]], F32, True)], lambda a: T.sum(a * a)),
    ("sum dim", [([[1.0, 2.0], [3.0, 4.0]], F32, True)], lambda a: T.sum(a * a, 1) * a[:, 0]),
    ("sum dim keepdim", [([[1.0, 2.0], [3.0, 4.0]], F32, True)], lambda a: T.sum(a, 0, keepdim=True) * a),
    ("sum 0-d", [(3.0, F32, True)], lambda a: T.sum(a) * a),
    ("mean all", [([[1.0, 2.0, 7.0], [3.0, 4.0, 5.0]], F32, True)], lambda a: T.mean(a * a)),
    ("mean dim", [([[1.0, 2.0, 7.0], [3.0, 4.0, 5.0]], F32, True)], lambda a: T.mean(a, 1) * a[:, 1]),
    ("mean keepdim", [([[1.0, 2.0, 7.0], [3.0, 4.0, 5.0]], F64, True)], lambda a: T.mean(a, 0, keepdim=True) * a),
    ("mm", [([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], F32, True), ([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], F32, True)],
     lambda a, b: T.tanh(a @ b)),
    ("mm one grad", [([[1.0, 2.0]], F32, False), ([[0.1], [0.4]], F32, True)], lambda a, b: a @ b),
    ("bmm", [(np.arange(12.0).reshape(2, 3, 2).tolist(), F32, True), (np.arange(8.0).reshape(2, 2, 2).tolist(),
                                                                       F32, True)], lambda a, b: a @ b),
    ("bmm broadcast", [(np.arange(12.0).reshape(2, 3, 2).tolist(), F32, True), ([[0.5, 1.0], [2.0, -1.0]], F32,
                                                                               True)], lambda a, b: a @ b),
    ("reshape expand clone", [([1.0, 2.0, 3.0, 4.0], F32, True)],
     lambda a: a.reshape(2, 2).expand(3, 2, 2).clone() * a.reshape(2, 2)),
    ("expand from 1", [([[2.0]], F32, True)], lambda a: a.expand(2, 3) * 1.5),
    ("mixed dtypes", [([1.0, 2.0], F32, True), ([0.5, 0.25], F64, True)], lambda a, b: a.double() * b),
    ("unused input", [(1.0, F32, True), (2.0, F32, True)], lambda a, b: a * 2),
    ("more unary functions", [([0.25, -0.5, 0.75, -0.0], F32, True)],
     lambda a: T.exp2(a) * T.expm1(a) + T.sinh(a) * T.cosh(a) + T.atan(a)),
    ("positive unary functions", [([0.25, 2.5, 1e-3, 7.0], F32, True)],
     lambda a: T.log2(a) * T.log10(a) + T.rsqrt(a)),
    ("positive unary functions f64", [([0.25, 2.5], F64, True)], lambda a: T.log2(a) + T.rsqrt(a) * T.exp2(a)),
    ("logsigmoid", [([-30.0, -1.0, -0.0, 0.5, 30.0], F32, True)], lambda a: T.nn.functional.logsigmoid(a) * a),
    # a mean's or a sum's gradient is one value spread: pow 2 takes it in one pass
    ("square of a mean", [([1e-3, 0.5, -0.0, 3.0, 1e-40, -7.25], F32, True)], lambda a: T.mean(a ** 2)),
    ("square of a sum, 2g overflowing", [([1e-3, 0.5, -0.0, 3.0], F32, True)], lambda a: T.sum(a ** 2) * 3e38),
    ("square of a sum f64", [([1e-3, 0.5, -0.0, 3.0], F64, True)], lambda a: T.sum(a ** 2, 0) * 0.1),
    ("sigmoid chain", [([-30.0, -1.0, -0.0, 0.5, 2.5, 30.0], F32, True)], lambda a: T.mean((T.sigmoid(a) - 0.5) ** 2)),
]


def _inputs(spec):
    made = []
    for values, dtype, requires_grad in spec:
        made.append(T.tensor(values, dtype=dtype, requires_grad=requires_grad))
    return made


def _nodes_in(out) -> list:
    seen, stack, nodes = set(), [out.grad_fn], []
    while stack:
        node = stack.pop()
        if node is None or not hasattr(node, "edges") or id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        stack.extend(node.edges)
    return nodes


def _prims_in(out) -> set:
    return {node.prim.name for node in _nodes_in(out)}


def _grads(spec, fn, array_rules: bool, monkeypatch):
    monkeypatch.setattr(engine, "ARRAY_RULES", array_rules)
    inputs = _inputs(spec)
    out = fn(*inputs)
    prims = _prims_in(out)
    seed = T.ones_like(out) * 0.75 if out.ndim else None
    out.backward(seed)
    grads = [None if t.grad is None else t.grad for t in inputs]
    return grads, prims


def _same_bits(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    x, y = a.numpy(), b.numpy()
    return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()


@pytest.mark.parametrize("name,spec,fn", CASES, ids=[c[0] for c in CASES])
def test_array_rules_match_ops_rules(name, spec, fn, monkeypatch):
    fast, prims = _grads(spec, fn, True, monkeypatch)
    slow, _ = _grads(spec, fn, False, monkeypatch)
    assert all(_same_bits(a, b) for a, b in zip(fast, slow)), (name, fast, slow)


@pytest.mark.parametrize("name,spec,fn", CASES, ids=[c[0] for c in CASES])
def test_array_rules_leave_saved_values_alone(name, spec, fn):
    # Rules may write into arrays they have just made themselves, never into what the graph saved.
    out = fn(*_inputs(spec))
    saved = [np.array(v, copy=True) for node in _nodes_in(out) for v in node.saved_values() if v is not None]
    before = out.detach().numpy().copy()
    out.backward(T.ones_like(out) if out.ndim else None, retain_graph=True)
    after = [v for node in _nodes_in(out) for v in node.saved_values() if v is not None]
    assert [(a.dtype, a.tobytes()) for a in saved] == [(np.asarray(b).dtype, np.asarray(b).tobytes()) for b in after]
    assert out.detach().numpy().tobytes() == before.tobytes()


def test_every_array_rule_is_checked(monkeypatch):
    covered = set()
    for _name, spec, fn in CASES:
        covered |= _grads(spec, fn, True, monkeypatch)[1]
    with_rules = {name for name, prim in PRIMITIVES.items() if prim.vjp_array is not None}
    assert with_rules <= covered, with_rules - covered


def test_autograd_grad_returns_the_given_gradient_itself():
    x = T.tensor(2.0, requires_grad=True)
    y = x * 3
    v = T.tensor(1.0)
    (g,) = T.autograd.grad(y, y, v)
    assert g is v
    a, b = T.tensor(1.0, requires_grad=True), T.tensor(2.0, requires_grad=True)
    ga, gb = T.autograd.grad(a + b, [a, b])
    assert ga is gb


def test_create_graph_keeps_the_ops_rules():
    x = T.tensor(0.3, requires_grad=True)
    (g,) = T.autograd.grad(T.sigmoid(x) * x, x, create_graph=True)
    assert g.grad_fn is not None
    (h,) = T.autograd.grad(g, x)
    s = 1 / (1 + np.exp(-0.3))  # d2/dx2 x*sigmoid(x) = 2 s' + x s'', s' = s(1-s), s'' = s'(1-2s)
    assert h.item() == pytest.approx(2 * s * (1 - s) + 0.3 * s * (1 - s) * (1 - 2 * s), rel=1e-5)


def test_python_number_operands_are_saved_as_arrays_and_stay_constant():
    from gradlang.core.graph import CONSTANT_VERSION

    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3.0 + 1) / 2.0
    assert (x * x).grad_fn.saved == (x, 0, x, 0)  # a tensor itself, with its version
    mul = y.grad_fn.edges[0].edges[0]
    assert mul.saved[0] is None  # x: only the gradient of the 3.0 would need it
    assert isinstance(mul.saved[2], np.ndarray) and mul.saved[3] is None  # the 3.0, no version to check
    (g,) = T.autograd.grad(y.sum(), x, create_graph=True)
    (h,) = T.autograd.grad((g * x).sum(), x)
    assert g.tolist() == [1.5, 1.5] and h.tolist() == [1.5, 1.5]
    with T.no_grad():
        x.mul_(2.0)
    assert CONSTANT_VERSION == [0]


# ---------------------------------------------------------------- products written into a spare gradient
# A product summed back to a broadcast input (x * w, w a scalar) is written into the incoming
# gradient when nothing else refers to it (primitives._times_into_spare): the same bits, and no
# gradient anyone can still see is changed.


def _big(seed: int, n: int = 5000) -> T.Tensor:
    return T.tensor(np.random.RandomState(seed).standard_normal(n).astype(np.float32))


def _without_spare_writes(monkeypatch, fn):
    from gradlang.core import primitives

    monkeypatch.setattr(primitives, "_COUNTED", False)
    try:
        return fn()
    finally:
        monkeypatch.undo()


def _scalar_weight_grads():
    x, y = _big(1), _big(2)
    w = T.tensor(0.75, requires_grad=True)
    u = T.tensor(-1.5, requires_grad=True)
    # Each product's gradient reaches it from an add that hands the same array to both sides.
    loss = T.mean((T.sigmoid(w * x + u * y) - 0.5) ** 2) + T.sum(T.tanh(x * u))
    loss.backward()
    return w.grad.numpy().tobytes(), u.grad.numpy().tobytes()


def test_spare_products_give_the_same_bits(monkeypatch):
    assert _scalar_weight_grads() == _without_spare_writes(monkeypatch, _scalar_weight_grads)


def test_the_engine_writes_into_a_spare_gradient(monkeypatch):
    from gradlang.core import primitives

    written = []
    real = primitives.np.multiply
    monkeypatch.setattr(primitives.np, "multiply", lambda *a, **k: written.append(k.get("out") is a[0]) or real(*a, **k))
    x = _big(3)
    w = T.tensor(2.0, requires_grad=True)
    T.sum(T.exp(w * x)).backward()  # exp's gradient is new, and reaches the product alone
    monkeypatch.undo()
    assert written == [True]
    assert np.array_equal(w.grad.numpy(), np.float32(np.sum(np.exp(np.float32(2.0) * x.numpy()) * x.numpy())))


@pytest.mark.parametrize("keep", ["retain_grad", "hook", "autograd.grad", "given gradient"])
def test_a_gradient_someone_holds_is_never_written_into(keep):
    h = T.exp(_big(4) * 0.5)
    w = T.tensor(1.25, requires_grad=True)
    product = h * w  # its gradient, g, comes to the product's rule: w's gradient is sum(g * h)
    expected = T.cos(product.detach()).numpy()  # g, from sin below
    held = []
    if keep == "retain_grad":
        product.retain_grad()
        T.sum(T.sin(product)).backward()
        held.append(product.grad)
    elif keep == "hook":
        product.register_hook(held.append)
        T.sum(T.sin(product)).backward()
    elif keep == "autograd.grad":
        held += T.autograd.grad(T.sum(T.sin(product)), [w, product])[1:]
    else:
        given = T.cos(product.detach())
        product.backward(given)
        held.append(given)
    assert len(held) == 1 and np.array_equal(held[0].numpy(), expected)
    assert w.grad is None or np.array_equal(w.grad.numpy(), T.sum(T.tensor(expected) * h).numpy())


# ---------------------------------------------------------------- a scalar factor's gradient over many elements
# Past summation.ORDERED_LIMIT, a 0-d factor's gradient sum(g * x) comes from dot products of
# blocks (summation.product_total), with no product array: as accurate as numpy's sum of it.


@pytest.mark.parametrize("n", [summation.ORDERED_LIMIT + 1, 9 * 4096 + 17, 1_000_000])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_blocked_product_sum_is_as_accurate_as_the_sum_of_the_product(n, dtype):
    rng = np.random.RandomState(n)
    for a, b in [(rng.standard_normal(n), rng.standard_normal(n)), (rng.random_sample(n), rng.random_sample(n))]:
        a, b = a.astype(dtype), b.astype(dtype)
        exact = np.dot(a.astype(np.float64), b.astype(np.float64))
        scale = np.sum(np.abs(a.astype(np.float64) * b))
        total = summation.product_total(a, b)
        assert total.dtype == dtype
        assert abs(total - exact) / scale <= 2 * max(abs(np.sum(a * b) - exact) / scale, np.finfo(dtype).eps)


def test_a_blocked_product_sum_only_where_it_applies():
    big = np.ones(summation.ORDERED_LIMIT + 1, np.float32)
    assert summation.product_total(big[:-1], big[:-1]) is None  # PyTorch's order is known: kept
    assert summation.product_total(big, big.astype(np.float64)) is None
    assert summation.product_total(big.astype(np.float16), big.astype(np.float16)) is None
    assert summation.product_total(big.astype(np.int64), big.astype(np.int64)) is None
    strided = np.ones(2 * big.size, np.float32)[::2]
    assert summation.product_total(strided, big) is None and summation.product_total(big, strided) is None


@pytest.mark.parametrize("weight_first", [True, False])
def test_a_scalar_factors_gradient_over_many_elements(monkeypatch, weight_first):
    from gradlang.core import primitives

    used = []
    real = primitives.summation.product_total
    monkeypatch.setattr(primitives.summation, "product_total", lambda a, b: used.append(1) or real(a, b))
    x = _big(5, 200_000)
    w = T.tensor(0.5, requires_grad=True)
    y = T.tanh(w * x if weight_first else x * w)
    T.sum(y).backward()
    assert used == [1]
    g = (1 - np.tanh(np.float32(0.5) * x.numpy()) ** 2).astype(np.float32)
    exact = np.dot(g.astype(np.float64), x.numpy().astype(np.float64))
    assert w.grad.dtype == T.float32 and w.grad.shape == ()
    assert abs(w.grad.item() - exact) <= 1e-6 * np.sum(np.abs(g * x.numpy()))
