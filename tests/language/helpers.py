"""Running gradlang and Python+torch side by side for the differential language tests."""

from __future__ import annotations

import ast
import contextlib
import io
import re
import subprocess
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TRIGGERED = re.compile(r" \(Triggered internally at [^)]*\)\.?$")


def gradlang(*args: str, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """The gradlang command, as a user runs it (a fresh process)."""
    return subprocess.run(
        [sys.executable, "-m", "gradlang", *args], input=stdin, capture_output=True, text=True,
        timeout=timeout, cwd=ROOT,
    )


def headlines(stderr: str) -> list[str]:
    """The `TYPE: message` lines of an error/warning report (not the source line and caret)."""
    return [line for line in stderr.splitlines() if line and not line.startswith(" ")]


def python_interactive(source: str) -> tuple[str, list[str]]:
    """Run Python source as `python -i` would, statement by statement: (stdout, stderr headlines)."""
    namespace: dict = {"__name__": "__main__"}
    out = io.StringIO()
    reports: list[str] = []

    def show(message, category, filename, lineno, file=None, line=None):
        reports.append(TRIGGERED.sub("", f"{category.__name__}: {message}"))

    saved_hook = sys.displayhook

    def display(value):
        if value is not None:
            out.write(repr(value) + "\n")

    module = ast.parse(source)
    with warnings.catch_warnings(), contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        warnings.showwarning = show
        sys.displayhook = display
        try:
            for statement in module.body:
                code = compile(ast.Interactive(body=[statement]), "<stdin>", "single")
                try:
                    exec(code, namespace)
                except Exception as error:  # noqa: BLE001 - a REPL reports every error and goes on
                    reports.append(f"{type(error).__name__}: {error}")
        finally:
            sys.displayhook = saved_hook
    return out.getvalue(), reports


def python_script(path: Path) -> str:
    """The stdout of a Python script run in a fresh process."""
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout
