"""Fuzzing options: `python -m pytest -m fuzz --fuzz-budget N` runs the long fuzzers by hand.

The fuzz-marked tests are deselected unless a marker expression asks for them; the short,
fixed-seed fuzzers (not marked) run in CI with every other test.
"""

from __future__ import annotations

import pytest

DEFAULT_BUDGET = 2000


def add_options(parser) -> None:
    try:
        parser.addoption(
            "--fuzz-budget", type=int, default=None,
            help=f"programs each long fuzz test runs (with -m fuzz); default {DEFAULT_BUDGET}",
        )
    except ValueError:
        pass  # already added by tests/conftest.py, which pytest reads first from the repository root


def pytest_addoption(parser):
    add_options(parser)


def pytest_configure(config):
    config.addinivalue_line("markers", "fuzz: long fuzzing runs, deselected unless asked for (-m fuzz)")
    if not config.option.markexpr:
        config.option.markexpr = "not fuzz"


@pytest.fixture
def fuzz_budget(request) -> int:
    return request.config.getoption("--fuzz-budget") or DEFAULT_BUDGET
