"""Shortcuts for 0-d tensors give the bits of the general path they stand in for.

A scalar program (the seed's SGD loop) spends its time on 0-d tensors, so a few operations
take a shortcut there: in-place arithmetic under no_grad, clamp by comparisons, and the
accumulation of a 0-d gradient into .grad. Each is compared here with the general path,
bit for bit, on values chosen for their corners (signed zeros, infinities, NaN, subnormals).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import gradlang as T
from gradlang.core.ops import in_place

VALUES = [0.0, -0.0, 1.0, -2.5, 0.1, 3e38, -3e38, 1e-45, float("inf"), float("-inf"), float("nan")]
DTYPES = [T.float32, T.float64]


def _same(a: T.Tensor, b: T.Tensor) -> bool:
    return a.dtype is b.dtype and a.shape == b.shape and a.array.tobytes() == b.array.tobytes()


UPDATES = {
    "add_": lambda w, g: w.add_(g),
    "sub_": lambda w, g: w.sub_(g),
    "mul_": lambda w, g: w.mul_(g),
    "div_": lambda w, g: w.div_(g),
    "-=": lambda w, g: w.__isub__(g),
    "+=": lambda w, g: w.__iadd__(g),
    "*=": lambda w, g: w.__imul__(g),
    "/=": lambda w, g: w.__itruediv__(g),
    "sub_ alpha": lambda w, g: w.sub_(g, alpha=2),
}


def _updated(name: str, dtype, a: float, b: float) -> tuple[T.Tensor, int]:
    w = T.tensor(a, dtype=dtype, requires_grad=True)
    g = T.tensor(b, dtype=dtype)
    with T.no_grad(), np.errstate(all="ignore"):
        UPDATES[name](w, g)
    return w.detach(), w._version[0]


@pytest.mark.parametrize("name", UPDATES)
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_in_place_arithmetic_under_no_grad_matches_the_general_path(monkeypatch, name, dtype):
    pairs = list(itertools.product(VALUES, repeat=2))
    taken = []
    shortcut = in_place._updated_scalar
    monkeypatch.setattr(in_place, "_updated_scalar", lambda *args: taken.append(shortcut(*args)) or taken[-1])
    quick = [_updated(name, dtype, a, b) for a, b in pairs]
    assert all(taken) if name != "sub_ alpha" else not any(taken)  # the shortcut ran (not with alpha)
    monkeypatch.setattr(in_place, "_updated_scalar", lambda target, op, args: False)
    general = [_updated(name, dtype, a, b) for a, b in pairs]
    for (a, b), (fast, fast_version), (slow, slow_version) in zip(pairs, quick, general):
        assert _same(fast, slow), (a, b, fast, slow)
        assert fast_version == slow_version == 1


def test_the_in_place_shortcut_keeps_the_general_rules():
    w = T.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.sub_(T.tensor(1.0))  # grad mode on: the leaf rule, not the shortcut
    i = T.tensor(3)
    with T.no_grad():
        i -= T.tensor(1)  # integers take the general path
        with pytest.raises(RuntimeError, match="can't be cast"):
            i -= T.tensor(0.5)
    assert i.item() == 2


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_clamp_of_a_0d_tensor_matches_clamp_of_one_element(dtype):
    bounds = [None, -1.0, -0.0, 0.0, 0.1, float("nan"), float("inf")]
    for value, low, high in itertools.product(VALUES, bounds, bounds):
        if low is None and high is None:
            continue
        with np.errstate(all="ignore"):
            scalar = T.clamp(T.tensor(value, dtype=dtype), low, high)
            element = T.clamp(T.tensor([value], dtype=dtype), low, high)
        assert scalar.array.tobytes() == element.array.tobytes(), (value, low, high)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_a_0d_gradient_accumulates_with_the_bits_of_array_addition(dtype):
    for first, second in itertools.product([0.1, -0.0, 3e38, 1e-45], repeat=2):
        x = T.tensor(1.0, dtype=dtype, requires_grad=True)
        (x * first).backward()
        (x * second).backward()
        with np.errstate(all="ignore"):
            expected = np.asarray(first, dtype.numpy) + np.asarray(second, dtype.numpy)
        assert x.grad.array.tobytes() == np.asarray(expected, dtype.numpy).tobytes(), (first, second)
        assert x.grad._version[0] == 1  # accumulated in place, as PyTorch does
