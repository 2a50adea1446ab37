"""torch.autograd.functional against PyTorch's: the same expression run with `lib` = torch and
`lib` = gradlang must print the same results (values, shapes, tuples, grad_fn) or raise the same
error (type and text)."""

from __future__ import annotations

import pytest

import gradlang as T

pytestmark = pytest.mark.torch

_SETUP = ("F = lib.autograd.functional; "
          "x = lib.tensor([1.0, -2.0, 0.5]); y = lib.tensor([[0.5, 2.0], [1.5, -1.0]]); s = lib.tensor(0.75); "
          "cube = lambda t: (t ** 3).sum(); mix = lambda a, b: (a.exp() * b.sum()).sum(); "
          "pair = lambda a, b: (a * b.sum(), (a ** 2).sum() * b); ")

CASES = [
    # jacobian
    "r = F.jacobian(lambda t: t.sin() * t, x)",
    "r = F.jacobian(lambda t: t @ t, y)",
    "r = F.jacobian(lambda t: t.sum(0), y)",
    "r = F.jacobian(pair, (x, y))",
    "r = F.jacobian(lambda a, b: a.sum() * b, (s, y))",
    "r = F.jacobian(lambda t: (t * 2, t.sum()), x)",
    "r = F.jacobian(lambda t: lib.ones(2), x)",
    "r = F.jacobian(lambda a, b: a * 2, (x, y))",
    "r = F.jacobian(lambda t: t.tanh(), x, vectorize=True)",
    "r = F.jacobian(lambda t: t.tanh() * t, x, vectorize=True, strategy='forward-mode')",
    "r = F.jacobian(pair, (x, y), vectorize=True, strategy='forward-mode')",
    "r = F.jacobian(lambda t: t.exp(), x, strategy='forward-mode')",
    "r = F.jacobian(lambda t: t.exp(), x, strategy='sideways')",
    "r = F.jacobian(lambda t: t.exp(), x, create_graph=True, strategy='forward-mode')",
    "r = F.jacobian(lambda t: t.exp(), x, strict=True, vectorize=True)",
    "r = F.jacobian(lambda t: t.exp(), x, strict=True, vectorize=True, strategy='forward-mode')",
    "r = F.jacobian(lambda t: lib.ones(2), x, strict=True)",
    "r = F.jacobian(lambda a, b: a * 2, (x, y), strict=True)",
    "r = F.jacobian(lambda t: t * 2, x, create_graph=True, strict=True)",
    "r = F.jacobian(lambda t: t * 2, [x])",
    "r = F.jacobian(lambda t: t * 2, (x, 3))",
    "r = F.jacobian(lambda t: 3, x)",
    "w = x.clone().requires_grad_(); j = F.jacobian(lambda t: t ** 3, w, create_graph=True); "
    "j.sum().backward(); r = j.requires_grad, w.grad",
    "w = x.clone().requires_grad_(); r = F.jacobian(lambda t: t ** 3, w).requires_grad, w.grad",
    # hessian
    "r = F.hessian(cube, x)",
    "r = F.hessian(lambda t: (t.sin() * t).sum(), y)",
    "r = F.hessian(mix, (x, y))",
    "r = F.hessian(lambda t: (t ** 2).sum(), s)",
    "r = F.hessian(lambda t: t * 2, x)",
    "r = F.hessian(lambda t: (t.sum(), t.sum()), x)",
    "r = F.hessian(lambda t: t.sum() * 2, x, strict=True)",
    "r = F.hessian(lambda t: (t ** 2).sum(), x, strict=True)",
    "r = F.hessian(cube, x, vectorize=True, outer_jacobian_strategy='forward-mode')",
    "r = F.hessian(cube, x, outer_jacobian_strategy='forward-mode')",
    "r = F.hessian(cube, x, outer_jacobian_strategy='up')",
    "r = F.hessian(cube, x, create_graph=True).requires_grad",
    # vjp
    "r = F.vjp(lambda t: t.exp() * t, x, lib.tensor([1.0, 0.5, -2.0]))",
    "r = F.vjp(cube, x)",
    "r = F.vjp(pair, (x, y), (lib.ones(3), lib.ones(2, 2)))",
    "r = F.vjp(lambda t: t * 2, x)",
    "r = F.vjp(lambda t: t * 2, x, lib.ones(2))",
    "r = F.vjp(pair, (x, y), (lib.ones(3),))",
    "r = F.vjp(pair, (x, y), (lib.ones(3), lib.ones(3)))",
    "r = F.vjp(lambda t: lib.ones(3), x, lib.ones(3))",
    "r = F.vjp(lambda t: lib.ones(3), x, lib.ones(3), strict=True)",
    "r = F.vjp(lambda a, b: a * 2, (x, y), lib.ones(3), strict=True)",
    "r = F.vjp(lambda a, b: a * 2, (x, y), lib.ones(3))",
    "o, g = F.vjp(lambda t: t ** 2, x, lib.ones(3), create_graph=True); r = o, g, g.requires_grad",
    # jvp
    "r = F.jvp(lambda t: t.exp() * t, x, lib.tensor([1.0, 0.5, -2.0]))",
    "r = F.jvp(lambda t: t.sin(), s)",
    "r = F.jvp(pair, (x, y), (lib.ones(3), lib.ones(2, 2)))",
    "r = F.jvp(lambda t: t * 2, x)",
    "r = F.jvp(lambda t: t * 2, x, lib.ones(4))",
    "r = F.jvp(lambda a, b: a * 2, (x, y), (lib.ones(3), lib.ones(2, 2)))",
    "r = F.jvp(lambda a, b: (a * 2, lib.ones(2)), (x, y), (lib.ones(3), lib.ones(2, 2)))",
    "r = F.jvp(lambda t: t * 2, x, lib.ones(3), strict=True)",
    "r = F.jvp(lambda t: lib.ones(3), x, lib.ones(3), strict=True)",
    # vhp and hvp
    "r = F.vhp(cube, x, lib.tensor([1.0, 0.5, -2.0]))",
    "r = F.hvp(cube, x, lib.tensor([1.0, 0.5, -2.0]))",
    "r = F.hvp(mix, (x, y), (lib.ones(3), lib.ones(2, 2)))",
    "r = F.vhp(mix, (x, y), (lib.ones(3), lib.ones(2, 2)))",
    "r = F.hvp(lambda t: (t ** 2).sum(), s)",
    "r = F.vhp(lambda t: t * 2, x, lib.ones(3))",
    "r = F.hvp(lambda t: (t, t), x, lib.ones(3))",
    "r = F.hvp(lambda t: t.sum() * 2, x, lib.ones(3))",
    "r = F.hvp(lambda t: t.sum() * 2, x, lib.ones(3), strict=True)",
    "r = F.vhp(lambda t: t.sum() * 2, x, lib.ones(3), strict=True)",
    "r = F.vhp(lambda a, b: (a ** 2).sum(), (x, y), (lib.ones(3), lib.ones(2, 2)), strict=True)",
    "r = F.hvp(cube, x, lib.ones(3), create_graph=True)[1].requires_grad",
]


def _outcome(lib, code: str) -> str:
    scope = {"lib": lib}
    try:
        exec(_SETUP + code, scope)  # noqa: S102 - the test's own fixed expressions
    except Exception as error:  # noqa: BLE001 - the type and text are what is compared
        return f"{type(error).__name__}: {error}"
    return repr(scope["r"])


@pytest.mark.parametrize("code", CASES)
def test_autograd_functional_as_torch(torch, code):
    assert _outcome(T, code) == _outcome(torch, code)


def test_in_a_gradlang_program():
    from gradlang import Interpreter

    interp = Interpreter()
    interp.run("from torch.autograd.functional import jacobian, hessian\n"
               "j = jacobian(lambda t: t ** 2, tensor([1.0, 3.0]))\n"
               "h = hessian(lambda t: (t ** 3).sum(), tensor([1.0, 3.0]))\n", "<test>")
    assert interp["j"].tolist() == [[2.0, 0.0], [0.0, 6.0]]
    assert interp["h"].tolist() == [[6.0, 0.0], [0.0, 18.0]]
