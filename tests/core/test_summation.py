"""Float sums in PyTorch's order: bit for bit against torch, over the sizes where the order is
known (see gradlang/core/summation.py), and numpy's sum elsewhere."""

from __future__ import annotations

import numpy as np
import pytest

import gradlang as T
from gradlang.core import summation

pytestmark = pytest.mark.torch

SIZES = [*range(1, 70), 100, 127, 128, 129, 255, 256, 257, 511, 512, 513, 1000, 1024, 2047, 2048, 2049, 4096, 5000,
         8191, 8193, 16384, 20000, 32768]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_full_sums_and_means_are_bit_equal_to_torch(torch, dtype):
    rng = np.random.default_rng(0)
    for n in SIZES:
        x = (rng.standard_normal(n) * 10).astype(dtype)
        assert T.tensor(x).sum().item() == torch.tensor(x).sum().item(), n
        assert T.tensor(x).mean().item() == torch.tensor(x).mean().item(), n


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(3, 5), (7, 20), (10, 100), (4, 3), (2, 9), (5, 2, 33), (64, 64)])
def test_sums_over_the_last_dims_and_of_transposes_are_bit_equal_to_torch(torch, dtype, shape):
    x = (np.random.default_rng(1).standard_normal(shape) * 10).astype(dtype)
    cases = [
        lambda t: t.sum(-1), lambda t: t.mean(-1, keepdim=True), lambda t: t.sum(),
        lambda t: t.transpose(0, -1).sum(), lambda t: t.sum(tuple(range(1, t.ndim))), lambda t: t.mean(),
    ]
    for case in cases:
        ours, theirs = case(T.tensor(x)).numpy(), case(torch.tensor(x)).numpy()
        assert ours.shape == theirs.shape and ours.tobytes() == theirs.tobytes()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sums_down_columns_are_bit_equal_to_torch(torch, dtype):
    # columns in groups of vectors, then the ones left over, each group its own order
    rng = np.random.default_rng(2)
    for rows in (2, 3, 7, 15, 16, 17, 40, 64, 65, 257):
        for columns in (1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 32, 33, 65, 100):
            x = (rng.standard_normal((rows, columns)) * 10).astype(dtype)
            for case in (lambda t: t.sum(0), lambda t: t.mean(0, keepdim=True), lambda t: t.unsqueeze(1).sum((0, 1))):
                ours, theirs = case(T.tensor(x)).numpy(), case(torch.tensor(x)).numpy()
                assert ours.shape == theirs.shape and ours.tobytes() == theirs.tobytes(), (rows, columns)


def test_a_bias_gradient_is_bit_equal_to_torch(torch):
    # a batch's gradient summed down to a bias's shape (broadcasting's backward): a sum down columns
    rng = np.random.default_rng(3)
    h, g, b = (rng.standard_normal(s).astype(np.float32) for s in ((64, 16), (64, 16), (16,)))
    grads = []
    for lib in (T, torch):
        bias = lib.tensor(b, requires_grad=True)
        (lib.tensor(h) + bias).backward(lib.tensor(g))
        grads.append(bias.grad.numpy().tobytes())
    assert grads[0] == grads[1]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sums_of_transposes_read_memory_in_order_as_torch(torch, dtype):
    rng = np.random.default_rng(4)
    for rows, columns in ((2, 3), (7, 9), (20, 33), (100, 64), (9, 1)):
        x = (rng.standard_normal((rows, columns)) * 10).astype(dtype)
        for case in (lambda t: t.t().sum(0), lambda t: t.t().sum(1), lambda t: (t.t() * 2).mean(1, keepdim=True),
                     lambda t: t.t().clone().sum()):
            ours, theirs = case(T.tensor(x)).numpy(), case(torch.tensor(x)).numpy()
            assert ours.shape == theirs.shape and ours.tobytes() == theirs.tobytes(), (rows, columns)


def test_a_sum_prints_as_torch_prints_it(torch):
    # found by the differential fuzzer: numpy's order gave -9.999999, printed -10.0000
    for lib in (T, torch):
        x = lib.tensor([[-1.5, -1.5, -1.5], [-0.7, -0.7, 0.9]])
        assert repr((x + x).sum()) == "tensor(-10.)"


def test_zeros_sum_to_positive_zero_as_in_torch(torch):
    for values in ([-0.0], [-0.0] * 9, [-0.0] * 40, [[-0.0, -0.0], [-0.0, -0.0]]):
        for lib in (T, torch):
            assert not np.signbit(lib.tensor(values).sum().item()), (lib, values)
    assert np.signbit(T.tensor([-0.0] * 9).numpy()).all()  # (the values themselves keep their sign)


def test_outside_the_known_order_numpy_sums():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert summation.ordered_sum(x.reshape(3, 2, 2), (1,), False) is None  # a middle dim
    assert summation.ordered_sum(x[:, ::2], None, False) is None  # not dense in memory
    assert summation.ordered_sum(np.ones(summation.ORDERED_LIMIT + 1, np.float32), None, False) is None
    assert summation.ordered_sum(np.ones(5, np.int64), None, False) is None
    assert T.tensor(x).sum(0).tolist() == [12.0, 15.0, 18.0, 21.0]
