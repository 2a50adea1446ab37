"""Fuzzing: random token streams, mutated example programs, random well-formed programs.

The short runs have a fixed seed and run in CI; `python -m pytest -m fuzz --fuzz-budget N` runs
the long ones with fresh random programs. The only allowed outcomes are success or a
GradlangError with a location (fuzzing.check_program).
"""

from __future__ import annotations

import pytest

from .fuzzing import (
    ALL_PROGRAMS,
    EXAMPLES,
    Tally,
    check_program,
    mutated_programs,
    run_fuzzer,
    token_streams,
    well_formed_programs,
)

CI_EXAMPLES = {"tokens": 1500, "mutations": 1000, "programs": 1000}


def test_the_examples_and_our_programs_are_fuzzed():
    assert EXAMPLES, "examples/*.grad are the mutation fuzzer's seed corpus"
    for source in ALL_PROGRAMS:
        check_program(source)


def test_token_streams():
    run_fuzzer(token_streams, CI_EXAMPLES["tokens"], Tally())


def test_mutated_programs():
    run_fuzzer(mutated_programs(), CI_EXAMPLES["mutations"], Tally())


def test_well_formed_programs():
    tally = Tally()
    run_fuzzer(well_formed_programs(), CI_EXAMPLES["programs"], tally)
    assert tally.outcomes["ok"] > 0  # the generator makes programs that run, not only errors


@pytest.mark.fuzz
@pytest.mark.parametrize("kind", ["tokens", "mutations", "programs"])
def test_long_fuzz(kind, fuzz_budget):
    strategy = {"tokens": token_streams, "mutations": mutated_programs(), "programs": well_formed_programs()}[kind]
    run_fuzzer(strategy, fuzz_budget, Tally(), fixed_seed=False)

