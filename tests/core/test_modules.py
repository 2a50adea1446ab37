"""torch.nn's Parameter, Module, Linear, Sequential and layers (core/modules.py), against torch."""

from __future__ import annotations

import numpy as np
import pytest

import gradlang as T

pytestmark = pytest.mark.torch


def _message(run) -> tuple[str, str]:
    try:
        run()
    except Exception as exc:  # noqa: BLE001 - comparing whatever each library raises
        kind = type(exc).__name__.rstrip("_")
        return kind, str(exc)
    return "no error", ""


def _build(nn, shared_first: bool):
    shared = nn.Linear(2, 2)
    inner = nn.Sequential(shared, nn.Tanh())
    return nn.Sequential(inner, nn.Linear(2, 1), shared) if shared_first else nn.Sequential(nn.Linear(2, 1))


def test_nested_and_shared_modules_list_parameters_as_pytorch(torch):
    ours, theirs = _build(T.nn, True), _build(torch.nn, True)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_parameters(remove_duplicate=False)] == [
        n for n, _ in theirs.named_parameters(remove_duplicate=False)]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [type(m).__name__ for m in ours.children()] == [type(m).__name__ for m in theirs.children()]
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours[0].named_parameters(prefix="block")] == [
        n for n, _ in theirs[0].named_parameters(prefix="block")]


def test_linear_draws_pytorch_initial_values(torch):
    for shape, dtype in (((3, 5), "float32"), ((1, 1), "float32"), ((7, 2), "float64")):
        T.manual_seed(11)
        torch.manual_seed(11)
        ours = T.nn.Linear(*shape, dtype=getattr(T, dtype))
        theirs = torch.nn.Linear(*shape, dtype=getattr(torch, dtype))
        assert np.array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
        assert np.array_equal(ours.bias.detach().numpy(), theirs.bias.detach().numpy())
        assert repr(ours.weight) == repr(theirs.weight)


def test_errors_are_pytorchs(torch):
    cases = [
        lambda nn, t: setattr(nn.Linear(2, 2), "weight", t.ones(2, 2)),
        lambda nn, t: setattr(nn.Sequential(nn.ReLU()), "0", t.ones(1)),
        lambda nn, t: nn.Linear(2, 2).train("yes"),
        lambda nn, t: nn.Sequential(nn.ReLU())[3],
        lambda nn, t: nn.Linear(2, 2).missing,
        lambda nn, t: nn.Parameter([1.0]),
        lambda nn, t: f"{nn.Parameter(t.tensor(2.0)):.2f}",
        lambda nn, t: nn.Linear(3, 2)(t.ones(4, 2)),
    ]
    for case in cases:
        ours = _message(lambda case=case: case(T.nn, T))
        theirs = _message(lambda case=case: case(torch.nn, torch))
        assert ours[0] == theirs[0], (ours, theirs)
        if ours[0] != "RuntimeError":  # (matmul's shape message is compared in the ops tests)
            assert ours[1] == theirs[1]


def test_parameter_shares_values_and_version_and_stays_a_parameter_in_place():
    data = T.tensor([1.0, 2.0])
    p = T.nn.Parameter(data)
    with T.no_grad():
        p.mul_(3)
    assert data.tolist() == [3.0, 6.0] and isinstance(p, T.nn.Parameter)
    assert not isinstance(p + 1, T.nn.Parameter) and not isinstance(p.detach(), T.nn.Parameter)
    assert p._version == data._version


def test_module_zero_grad_and_requires_grad(torch):
    for lib in (T, torch):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.ReLU(), lib.nn.Linear(2, 1))
        model(lib.ones(4, 3)).sum().backward()
        model.zero_grad(set_to_none=False)
        assert all(p.grad is not None and not p.grad.any() for p in model.parameters())
        model.zero_grad()
        assert all(p.grad is None for p in model.parameters())
        model.requires_grad_(False)
        assert not any(p.requires_grad for p in model.parameters())
