"""Shared fixtures: PyTorch is the oracle of the differential tests.

With GRADLANG_REQUIRE_TORCH=1 (set by .ci/run) a missing torch fails the tests
that need it instead of skipping them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REFERENCE_DIR = Path(__file__).parent / "reference"


def _import_torch():
    try:
        import torch
    except ImportError:
        if os.environ.get("GRADLANG_REQUIRE_TORCH") == "1":
            pytest.fail("torch is required (GRADLANG_REQUIRE_TORCH=1) but is not installed")
        pytest.skip("torch is not installed")
    return torch


def pytest_addoption(parser):
    # The fuzzers' option lives with them; pytest reads only this conftest before parsing
    # `python -m pytest -m fuzz --fuzz-budget N` from the repository root.
    from .robustness.conftest import add_options

    add_options(parser)


@pytest.fixture(scope="session")
def torch():
    """The torch module, or a skip (a failure under GRADLANG_REQUIRE_TORCH=1)."""
    return _import_torch()


@pytest.fixture(scope="session")
def reference_cases() -> list[dict]:
    """The measured PyTorch cases, copied from shared/reference into tests/reference."""
    return json.loads((REFERENCE_DIR / "pytorch-cases.json").read_text())
