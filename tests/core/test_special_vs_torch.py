"""xlogy, logaddexp, logit, nansum and the trapezoid rule in forward mode (jvp) against
torch.func.jvp; their values, gradients and printing are compared by the pasted-code scripts
(tests/language/test_pasted_code_vs_torch.py)."""

from __future__ import annotations

import numpy as np
import pytest

import gradlang as T

pytestmark = pytest.mark.torch

X = np.array([0.0, 0.5, 2.0, 3.0], np.float32)
Y = np.array([0.0, 1.5, 0.25, 4.0], np.float32)
TX = np.array([1.0, -2.0, 0.5, 3.0], np.float32)
TY = np.array([0.3, 1.0, -1.0, 2.0], np.float32)

CASES = {
    "xlogy": lambda lib, a, b: lib.xlogy(a, b),
    "xlogy of a number": lambda lib, a, b: lib.xlogy(a, 2.0) + lib.xlogy(3.0, b),
    "logaddexp": lambda lib, a, b: lib.logaddexp(a, b),
    "logit": lambda lib, a, b: lib.logit(a / 4) + b,
    "logit with eps": lambda lib, a, b: lib.logit(a, 0.1) * b,
    "nansum": lambda lib, a, b: lib.nansum(a * b),
    "trapezoid": lambda lib, a, b: lib.trapezoid(a, b),
    "deg2rad": lambda lib, a, b: lib.deg2rad(a) * lib.rad2deg(b),
}


@pytest.mark.parametrize("name", list(CASES))
def test_forward_mode_agrees_with_torch(torch, name):
    f = CASES[name]
    value, tangent = torch.func.jvp(lambda a, b: f(torch, a, b), (torch.tensor(X), torch.tensor(Y)),
                                    (torch.tensor(TX), torch.tensor(TY)))
    ours_value, ours_tangent = T.jvp(lambda a, b: f(T, a, b), (T.tensor(X), T.tensor(Y)), (T.tensor(TX), T.tensor(TY)))
    np.testing.assert_array_equal(ours_value.numpy(), value.numpy())
    np.testing.assert_allclose(ours_tangent.numpy(), tangent.numpy(), rtol=1e-6)
