"""Seeded random numbers are PyTorch's: the same Mersenne Twister words turned into numbers by
the same rules (gradlang/core/generator.py), checked to the bit against torch."""

from __future__ import annotations

import numpy as np
import pytest

import gradlang as T

pytestmark = pytest.mark.torch

SEEDS = [0, 7, 42, 123456789, 2**32 + 5, -1, 2**64 - 1]

# (call, bit-exact): float32 randn of 16 or more values goes through PyTorch's vectorised
# single-precision log/sin/cos, which we match to within 2 ulp only.
DRAWS = {
    "rand": (lambda m: m.rand(5), True),
    "rand 2-d": (lambda m: m.rand(3, 4), True),
    "rand float64": (lambda m: m.rand(7, dtype=m.float64), True),
    "randn few": (lambda m: m.randn(5), True),
    "randn one then rand": (lambda m: m.stack([m.randn(1)[0], m.randn(1)[0], m.rand(1)[0]]), True),
    "randn float64 few": (lambda m: m.randn(3, dtype=m.float64), True),
    "randn float64 many": (lambda m: m.randn(4, 9, dtype=m.float64), True),
    "randn many": (lambda m: m.randn(3, 17), False),
    "randn block": (lambda m: m.randn(32), False),
    "randint": (lambda m: m.randint(0, 10, (8,)), True),
    "randint high only": (lambda m: m.randint(6, (2, 3)), True),
    "randint wide": (lambda m: m.randint(-5, 2**40, (4,)), True),
    "randint 2**28": (lambda m: m.randint(2**28, (4,)), True),
    "randint below 2**28": (lambda m: m.randint(-1, 2**28 - 2, (4,)), True),
    "randint 2**31": (lambda m: m.randint(-2**31, 2**31, (3,)), True),
    "randperm": (lambda m: m.randperm(10), True),
    "randperm long": (lambda m: m.randperm(5000), True),
    "normal": (lambda m: m.normal(2.0, 3.0, (5,)), True),
    "normal many": (lambda m: m.normal(-1.0, 0.5, (40,)), False),
    "uniform_": (lambda m: m.zeros(2, 3).uniform_(-1, 1), True),
    "uniform_ float64": (lambda m: m.zeros(5, dtype=m.float64).uniform_(-2, 3), True),
    "uniform_ rounded bounds": (lambda m: m.zeros(50).uniform_(0.3, 1.7), True),
    "normal_ float64": (lambda m: m.zeros(20, dtype=m.float64).normal_(1, 2), True),
    "rand_like": (lambda m: m.rand_like(m.zeros(2, 2)), True),
    "generator": (lambda m: m.rand(3, generator=m.Generator().manual_seed(3)), True),
    "normal of tensors": (lambda m: m.normal(m.arange(4.0), m.tensor([1.0, 2.0, 0.5, 3.0])), True),
    "normal of a mean tensor": (lambda m: m.normal(m.arange(4.0), 0.7), True),
    "normal of a std tensor": (lambda m: m.normal(0.3, m.tensor([1.0, 2.0, 0.5, 3.0])), True),
    "normal broadcast": (lambda m: m.normal(m.zeros(2, 1), m.ones(3)), True),
    "randint keywords": (lambda m: m.randint(low=1, high=4, size=(3,)), True),
    "randint size keyword": (lambda m: m.randint(3, size=(2, 2)), True),
    "randint on a device": (lambda m: m.randint(3, (2,), device="cpu"), True),
    "rand on a device": (lambda m: m.rand(2, device=m.device("cpu")), True),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", list(DRAWS))
def test_seeded_draws_are_pytorchs(torch, seed, name):
    draw, exact = DRAWS[name]
    T.manual_seed(seed)
    torch.manual_seed(seed)
    ours, theirs = draw(T), draw(torch)
    assert ours.dtype == getattr(T, str(theirs.dtype).split(".")[1])
    assert ours.shape == theirs.shape
    if exact:
        assert ours.numpy().tobytes() == theirs.numpy().tobytes()
    else:
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=0, atol=1e-6)
        assert (ours.numpy() == theirs.numpy()).mean() > 0.6
    assert repr(T.rand(2)) == repr(torch.rand(2))  # the streams stay in step afterwards


def test_printed_as_pytorch_prints_after_a_seed(torch):
    for seed in range(20):
        T.manual_seed(seed)
        torch.manual_seed(seed)
        assert repr(T.randn(4, 5, requires_grad=True)) == repr(torch.randn(4, 5, requires_grad=True))


def test_random_fills_record_and_refuse_as_pytorch(torch):
    for lib in (T, torch):
        lib.manual_seed(1)
    cases = [
        lambda m: (m.zeros(3, requires_grad=True) * 2).uniform_(),
        lambda m: (m.zeros(3, requires_grad=True) * 2).normal_(),
        lambda m: m.zeros(3, requires_grad=True).uniform_(),
        lambda m: m.zeros(3, dtype=m.long).uniform_(),
        lambda m: m.zeros(3, dtype=m.long).normal_(),
        lambda m: m.zeros(3).uniform_(1, 0),
        lambda m: m.zeros(3).normal_(0, -1),
        lambda m: m.normal(0.0, -1.0, (2,)),
        lambda m: m.randint(5, 5, (2,)),
        lambda m: m.randint(10, 3),
        lambda m: m.randperm(-1),
    ]
    for case in cases:
        assert _outcome(case, T) == _outcome(case, torch)


def _outcome(case, lib) -> str:
    try:
        return repr(case(lib))
    except Exception as error:  # noqa: BLE001 - the error is the outcome compared
        return f"{type(error).__name__}: {error}"


def test_seeds_wrap_as_pytorchs(torch):
    for seed in (-1, 2**64 - 1, 1.5, 2**40 + 3):
        assert T.manual_seed(seed).initial_seed() == torch.manual_seed(seed).initial_seed()
    for seed in (2**64, -(2**63) - 1):
        with pytest.raises(ValueError, match="Overflow when unpacking long long"):
            T.manual_seed(seed)


def test_unseeded_streams_differ_and_a_seed_repeats():
    first, second = T.Generator(), T.Generator()
    assert T.rand(4, generator=first).tolist() != T.rand(4, generator=second).tolist()
    assert first.initial_seed() != second.initial_seed()
    again = T.Generator().manual_seed(first.initial_seed())
    assert T.rand(4, generator=first).tolist() != T.rand(4, generator=again).tolist()  # first moved on
    assert T.rand(4, generator=T.Generator().manual_seed(9)).tolist() == T.rand(
        4, generator=T.Generator().manual_seed(9)
    ).tolist()


def test_seed_picks_a_fresh_seed_that_initial_seed_reports(torch):
    T.manual_seed(5)
    assert T.initial_seed() == 5
    fresh = T.seed()
    assert isinstance(fresh, int) and fresh == T.initial_seed()
    drawn = T.rand(3)
    T.manual_seed(fresh)
    assert T.equal(drawn, T.rand(3))
    assert isinstance(T.Generator().seed(), int) and isinstance(torch.Generator().seed(), int)


@pytest.mark.parametrize(
    "code",
    ["lib.zeros(2, device='cuda')", "lib.tensor([1.0], device='cuda:0')", "lib.ones(2).new_ones(2, device='cuda')",
     "lib.zeros(2, device='tpu')", "lib.randint(10, 3)", "lib.randint(5, 5, (2,))"],
)
def test_devices_and_randint_forms_refused_as_pytorch(torch, code):
    assert _outcome(lambda lib: eval(code, {"lib": lib}), T) == _outcome(lambda lib: eval(code, {"lib": lib}), torch)
