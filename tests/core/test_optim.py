"""torch.optim.SGD against PyTorch's: the same parameters, bit for bit, from the same gradients;
its state, groups, zero_grad, printed form and errors."""

from __future__ import annotations

import numpy as np
import pytest

import gradlang as T

pytestmark = pytest.mark.torch

SETTINGS = [
    {"lr": 0.1},
    {"lr": 0.05, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True},
    {"lr": 0.05, "momentum": 0.5, "dampening": 0.1, "weight_decay": 0.01},
    {"lr": 0.01, "maximize": True, "weight_decay": 0.1},
]


def _trajectory(lib, settings: dict, steps: int = 6) -> list[bytes]:
    """Parameters after each step, the gradients set by hand (the same numbers for both)."""
    rng = np.random.default_rng(0)
    w = lib.tensor(rng.standard_normal(50).astype(np.float32), requires_grad=True)
    b = lib.tensor(np.float32(0.5), requires_grad=True)
    opt = lib.optim.SGD([w, b], **settings)
    seen = []
    for _ in range(steps):
        opt.zero_grad()
        w.grad = lib.tensor(rng.standard_normal(50).astype(np.float32))
        b.grad = lib.tensor(np.float32(rng.standard_normal()))
        opt.step()
        seen.append(w.detach().numpy().tobytes() + b.detach().numpy().tobytes())
    return seen


@pytest.mark.parametrize("settings", SETTINGS, ids=str)
def test_sgd_updates_as_torch_bit_for_bit(torch, settings):
    assert _trajectory(T, settings) == _trajectory(torch, settings)


def _behaviour(lib) -> list[str]:
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([0.5], requires_grad=True)
    opt = lib.optim.SGD([{"params": [w]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    out = [repr(opt)]
    (w * w).sum().backward()
    (b * 3).sum().backward()
    out.append(repr(opt.step(lambda: lib.tensor(7.0))))
    out += [repr(w), repr(b), repr(opt.state[w]["momentum_buffer"]), str(len(opt.state))]
    opt.zero_grad(set_to_none=False)
    out += [repr(w.grad), repr(b.grad)]
    opt.zero_grad()
    out += [repr(w.grad), str(opt.param_groups[1]["lr"]), str(opt.defaults["momentum"])]
    return out


def test_groups_state_zero_grad_and_printing_as_torch(torch):
    assert _behaviour(T) == _behaviour(torch)


@pytest.mark.parametrize("call", [
    "SGD([w], lr=-0.1)", "SGD([w], lr=0.1, momentum=-1)", "SGD([w], lr=0.1, nesterov=True)", "SGD([], lr=0.1)",
    "SGD([w], lr=0.1, weight_decay=-1)", "SGD(w, lr=0.1)", "SGD([w]).defaults['lr']",
])
def test_sgd_arguments_as_torch(torch, call):
    def outcome(lib):
        w = lib.tensor([1.0], requires_grad=True)
        try:
            return repr(eval("lib.optim." + call, {"lib": lib, "w": w}))
        except Exception as error:  # noqa: BLE001 - the type and text are what is compared
            return f"{type(error).__name__}: {error}"

    assert outcome(T) == outcome(torch)
