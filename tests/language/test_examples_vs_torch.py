"""Each native-style example prints what its PyTorch twin prints, run live side by side."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import EXAMPLES, gradlang, python_script

TWINS = Path(__file__).parent / "torch_twins"
PAIRS = sorted(p.stem for p in TWINS.glob("*.py"))


@pytest.mark.parametrize("name", PAIRS)
def test_example_prints_what_pytorch_prints(name, torch):
    done = gradlang(str(EXAMPLES / f"{name}.grad"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == python_script(TWINS / f"{name}.py")


def test_every_native_example_has_a_twin():
    natives = {p.stem for p in EXAMPLES.glob("*.grad")} - {"seed_tour"}
    assert natives <= set(PAIRS)
