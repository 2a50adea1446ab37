"""float32 transcendental functions give PyTorch's bits on the inputs tutorials use.

numpy's float32 SIMD loops differ from PyTorch in the last bit for many inputs, which printing
shows (`tanh(9.2)`: `1.0000` against `1.`); gradlang rounds these functions from float64
(gradlang/core/rounding.py). Checked on short tensors over a grid of simple values.
"""

from __future__ import annotations

import numpy as np
import pytest

import gradlang as T
from gradlang.core import rounding

pytestmark = pytest.mark.torch

GRID = sorted({k / 4 for k in range(-40, 41)} | {k / 10 for k in range(-50, 51)} | set(range(1, 30)) | {9.18053})
FUNCTIONS = {
    "exp": GRID, "tanh": GRID, "sin": GRID, "cos": GRID, "sigmoid": GRID, "tan": [v for v in GRID if abs(v) < 1.5],
    "log": [v for v in GRID if v > 0], "log1p": [v for v in GRID if v > -1],
}


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_short_tensors_print_as_pytorch_prints(torch, name):
    # Every short tensor prints as PyTorch's, and most agree to the bit (numpy's float32 loops:
    # 44-88% of these tensors, and exp and tanh printed differently for 3-10% of them).
    values = FUNCTIONS[name]
    same_bits = count = 0
    for length in (1, 3, 7):
        for start in range(0, len(values), length):
            chunk = values[start:start + length]
            ours = getattr(T, name)(T.tensor(chunk))
            theirs = getattr(torch, name)(torch.tensor(chunk))
            assert repr(ours) == repr(theirs), (name, chunk)
            same_bits += ours.numpy().tobytes() == theirs.numpy().tobytes()
            count += 1
    assert same_bits / count >= 0.75, (name, same_bits / count)


def test_round_trips_print_as_pytorch_prints(torch):
    for lib_values in ([1.0, 2.0], [0.5, 3.0, 7.0]):
        ours, theirs = T.tensor(lib_values), torch.tensor(lib_values)
        assert repr(ours.exp().log()) == repr(theirs.exp().log())
        assert repr(ours.log().exp()) == repr(theirs.log().exp())


def test_scalars_arrays_and_long_vectors():
    x = np.array([0.3, -2.0, 9.18053], np.float32)
    rounded = rounding.tanh(x)
    assert rounded.dtype == np.float32
    assert [rounding.tanh(v) for v in x] == list(rounded)  # the math-module path for numpy scalars agrees
    assert rounding.exp(np.float32(1000.0)) == np.inf  # past math's range: numpy's answer
    assert np.isnan(rounding.sin(np.float32(np.inf)))
    long = np.full(rounding.ROUNDED_LIMIT + 1, 0.3, np.float32)
    assert rounding.exp(long).tobytes() == np.exp(long).tobytes()  # long vectors keep numpy's float32 loop
    assert rounding.exp(np.float64(0.3)) == np.exp(np.float64(0.3))  # float64 untouched


def test_tanh_gradient_has_pytorchs_bits(torch):
    # PyTorch rounds 1 - y*y once (a fused multiply-add); two float32 steps differ for ~70% of inputs.
    rng = np.random.RandomState(0)
    x = rng.uniform(-4, 4, 1000).astype(np.float32).tolist()
    g = rng.uniform(-2, 2, 1000).astype(np.float32).tolist()
    grads = []
    for lib in (T, torch):
        leaf = lib.tensor(x, requires_grad=True)
        lib.tanh(leaf).backward(lib.tensor(g))
        grads.append(np.array(leaf.grad.tolist(), np.float32))
    assert grads[0].tobytes() == grads[1].tobytes()


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_binary_cross_entropy_gradient_has_pytorchs_bits(torch, reduction):
    # g * (p - target) / max((1 - p) * p, 1e-12), then / n: PyTorch's order of operations.
    rng = np.random.RandomState(2)
    p = rng.uniform(0.05, 0.95, (4, 5)).astype(np.float32).tolist()
    target = rng.uniform(0.0, 1.0, (4, 5)).astype(np.float32).tolist()
    grads = []
    for lib in (T, torch):
        leaf = lib.tensor(p, requires_grad=True)
        out = lib.nn.functional.binary_cross_entropy(leaf, lib.tensor(target), reduction=reduction)
        (out.sum() if out.ndim else out * 1.7).backward()
        grads.append(np.array(leaf.grad.tolist(), np.float32))
    assert grads[0].tobytes() == grads[1].tobytes()


@pytest.mark.parametrize("size", [5, rounding.ROUNDED_LIMIT + 1])
def test_out_writes_the_same_values_into_the_given_array(size):
    x = np.linspace(-4, 4, size, dtype=np.float32)
    into = np.empty_like(x)
    assert rounding.exp(x, out=into) is into
    assert into.tobytes() == rounding.exp(x).tobytes()
    assert rounding.tanh(x, out=x) is x  # in place, as sigmoid's forward uses it
    assert x.tobytes() == rounding.tanh(np.linspace(-4, 4, size, dtype=np.float32)).tobytes()


@pytest.mark.parametrize("size", [5, rounding.ROUNDED_LIMIT + 1])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_of_an_array_is_its_steps_composed(size, dtype):
    x = np.linspace(-30, 30, size).astype(dtype)
    one = dtype(1)
    steps = one / (rounding.exp(-x) + one)
    assert T.sigmoid(T.tensor(x)).numpy().tobytes() == steps.tobytes()
