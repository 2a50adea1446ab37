"""Every measured PyTorch case (sections B to E, and the A cases that print values) run on gradlang's core.

Each case's `python` field is torch code that prints. It runs here with `torch` bound to
`gradlang`, and must print what PyTorch printed, raise PyTorch's error (type and message)
or emit PyTorch's warning. The A "repr" cases are tests/core/test_printing.py's.
"""

from __future__ import annotations

import builtins
import io
import json
import re
import warnings
from pathlib import Path

import pytest

import gradlang
from gradlang.core import notices

_CASES = json.loads((Path(__file__).parents[1] / "reference" / "pytorch-cases.json").read_text())
CORE_CASE_IDS = [case["id"] for case in _CASES if case["id"][0] in "BCDE" or case["kind"] != "repr"]
# PyTorch appends where in its C++ sources a warning came from; gradlang has no such place.
_TRIGGERED = re.compile(r" \(Triggered internally at [^)]*\)\.?$")

# Cases of features the core leaves out on purpose. Keep this short.
OUT_OF_SCOPE: dict[str, str] = {}


def _torch_import(name, globals=None, locals=None, fromlist=(), level=0):
    """`import torch`, `import torch.nn.functional as F`: all resolve to gradlang."""
    if level == 0 and (name == "torch" or name.startswith("torch.")):
        return gradlang
    return builtins.__import__(name, globals, locals, fromlist, level)


def run_case(code: str) -> tuple[str, str | None, list[str]]:
    """(stdout, `Type: message` of the error raised or None, `Category: message` of each warning)."""
    out = io.StringIO()

    def captured_print(*args, **kwargs):
        kwargs.setdefault("file", out)
        builtins.print(*args, **kwargs)

    scoped_builtins = dict(vars(builtins), __import__=_torch_import, print=captured_print)
    namespace = {"torch": gradlang, "__builtins__": scoped_builtins}
    error = None
    # Each case ran in a fresh process: warnings given once per process come up again.
    previous = notices.set_handler(None, once=set())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(code, namespace)
        except Exception as exc:  # noqa: BLE001 - the error is what the case compares
            error = f"{type(exc).__name__}: {exc}"
        finally:
            notices.set_handler(*previous)
    return out.getvalue(), error, [f"{w.category.__name__}: {w.message}" for w in caught]


def _core_text(warning: str) -> str:
    return _TRIGGERED.sub("", warning)


@pytest.mark.parametrize("case_id", CORE_CASE_IDS)
def test_reference_case_prints_what_pytorch_printed(reference_cases, case_id):
    case = next(c for c in reference_cases if c["id"] == case_id)
    if case_id in OUT_OF_SCOPE:
        pytest.xfail(OUT_OF_SCOPE[case_id])
    stdout, error, caught = run_case(case["python"])
    kind = case["kind"]
    if kind == "error":
        assert error == case["expected"]
        return
    assert error is None, f"unexpected {error}"
    if kind == "warning":
        expected = case.get("expected_core", case["expected"])
        assert expected in caught
        if "stdout" in case:
            assert stdout.rstrip("\n") == case["stdout"]
        return
    assert stdout.rstrip("\n") == case["expected"]
    expected_warnings = [_core_text(w) for w in case.get("warnings", [])]
    assert [_core_text(w) for w in caught] == expected_warnings


def test_every_core_case_is_collected(reference_cases):
    sections = {c["id"][0] for c in reference_cases if c["id"] in CORE_CASE_IDS}
    assert sections == set("ABCDE")
    assert len(CORE_CASE_IDS) == sum(1 for c in reference_cases if c["kind"] != "repr" or c["id"][0] != "A")
