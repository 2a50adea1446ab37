"""micrograd's engine tests (karpathy/micrograd test/test_engine.py), written with gradlang.

The same expressions run on gradlang and on torch (the oracle, computed live) and must give
the same value and gradients; the float64 version also matches micrograd's own Value.
Written here from the original's idea, with `+=` on tensors (an in-place add on a non-leaf).
"""

from __future__ import annotations

import pytest

import gradlang as T


def sanity_check(lib, dtype, x0=-4.0):
    x = lib.tensor(x0, dtype=dtype, requires_grad=True)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return y.item(), x.grad.item()


def more_ops(lib, dtype, activation="relu"):
    a = lib.tensor(-4.0, dtype=dtype, requires_grad=True)
    b = lib.tensor(2.0, dtype=dtype, requires_grad=True)
    act = {"relu": lambda t: t.relu(), "tanh": lambda t: t.tanh(), "exp": lambda t: (t / 4).exp()}[activation]
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + act(b + a)
    d += 3 * d + act(b - a)
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return g.item(), a.grad.item(), b.grad.item()


@pytest.mark.parametrize("dtype_name", ["float32", "float64"])
@pytest.mark.parametrize("x0", [-4.0, 1.5, 0.0])
def test_sanity_check_matches_torch(torch, dtype_name, x0):
    ours = sanity_check(T, getattr(T, dtype_name), x0)
    theirs = sanity_check(torch, getattr(torch, dtype_name), x0)
    assert ours == pytest.approx(theirs, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("activation", ["relu", "tanh", "exp"])
@pytest.mark.parametrize("dtype_name", ["float32", "float64"])
def test_more_ops_match_torch(torch, dtype_name, activation):
    ours = more_ops(T, getattr(T, dtype_name), activation)
    theirs = more_ops(torch, getattr(torch, dtype_name), activation)
    tolerance = 1e-6 if dtype_name == "float32" else 1e-12
    assert ours == pytest.approx(theirs, rel=tolerance)


def test_float64_matches_micrograd_itself():
    engine = pytest.importorskip("micrograd.engine")
    ours = more_ops(T, T.float64)

    a, b = engine.Value(-4.0), engine.Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert ours == pytest.approx((g.data, a.grad, b.grad), rel=1e-12)
    assert ours[0] == pytest.approx(24.70408163265306, rel=1e-12)


def test_in_place_add_on_non_leaf_keeps_the_graph():
    a = T.tensor(-4.0, requires_grad=True)
    c = a + 0
    c += c + 1  # c.add_(c + 1): c's node is replaced, not its leaf
    assert not c.is_leaf and c.grad_fn.name() == "AddBackward0"
    c.backward()
    assert a.grad.item() == 2.0
