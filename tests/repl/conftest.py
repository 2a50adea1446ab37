"""Fixtures of the REPL tests: a fresh interpreter, a plain rich console, a private history file."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from gradlang.language.interpreter import Interpreter


@pytest.fixture(autouse=True)
def private_history(tmp_path, monkeypatch):
    """No test reads or writes the user's ~/.gradlang_history."""
    path = tmp_path / "history"
    monkeypatch.setenv("GRADLANG_HISTORY", str(path))
    return path


@pytest.fixture
def interpreter():
    return Interpreter()


@pytest.fixture
def console():
    return Console(file=io.StringIO(), width=100, color_system=None)


@pytest.fixture
def run(interpreter, console):
    """Submit input as a user would; returns (outcome, what the console shows)."""
    from gradlang.repl.evaluate import handle_input

    def submit(text: str):
        console.file.seek(0)
        console.file.truncate()
        outcome = handle_input(interpreter, text, console)
        return outcome, console.file.getvalue()

    return submit
