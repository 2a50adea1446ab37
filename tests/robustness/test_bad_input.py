"""Bad input: each is a clear error with its location, and the interpreter keeps its earlier bindings."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from gradlang import GradlangError, Interpreter

ROOT = Path(__file__).resolve().parents[2]


def interpreter_with_a_binding() -> Interpreter:
    interp = Interpreter(stdout=io.StringIO(), stderr=io.StringIO())
    interp.run("keep = 42")
    return interp


@pytest.mark.parametrize("source, where, headline", [
    ("x = 'abc", (1, 5), "SyntaxError: unterminated string literal (detected at line 1)"),
    ('x = """abc', (1, 5), "SyntaxError: unterminated triple-quoted string literal (detected at line 1)"),
    ("x = (1, 2", (1, 5), "SyntaxError: '(' was never closed"),
    ("x = [1,\n2", (1, 5), "SyntaxError: '[' was never closed"),
    ("x = (1, 2]", (1, 10), "SyntaxError: closing parenthesis ']' does not match opening parenthesis '('"),
    ("x = 1)", (1, 6), "SyntaxError: unmatched ')'"),
    ("if True:\nx = 1", (2, 1), "IndentationError: expected an indented block after 'if' statement on line 1"),
    ("if True:\n    x = 1\n  y = 2", (3, 3), "IndentationError: unindent does not match any outer indentation level"),
    ("if True:\n\tx = 1\n        y = 2", (3, 9), "IndentationError: inconsistent use of tabs and spaces in indentation"),
    ("  x = 1", (1, 3), "IndentationError: unexpected indent"),
    ("x = " + "(" * 1000 + "1" + ")" * 1000, (1, None), "SyntaxError: too many nested parentheses"),
    ("x = " + "-" * 20000 + "1", (1, None), "SyntaxError: expression too deeply nested"),
    ("x = " + "9" * 5000, (1, 5), "SyntaxError: Exceeds the limit (4300 digits) for integer string conversion"),
    ("x = 1 / 0", (1, 5), "ZeroDivisionError: division by zero"),
    ("x = 1 // 0", (1, 5), "ZeroDivisionError: integer division or modulo by zero"),
    ("x = 1.0 % 0", (1, 5), "ZeroDivisionError: float modulo"),
    ("x = tensor([1., 2.]) + tensor([1., 2., 3.])", (1, 5),
     "RuntimeError: The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
    ("x = ones(2, 3) @ ones(2, 3)", (1, 5), "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"),
    ("x = ones(2, 3).reshape(4)", (1, 5), "RuntimeError: shape '[4]' is invalid for input of size 6"),
    ("x = ones(100000, 100000)", (1, 5), "RuntimeError: tensor of 10000000000 elements exceeds this interpreter's "
     "limit of 500000000 elements (max_tensor_elements)"),
    ("def f(n):\n    return f(n + 1)\nf(0)", (2, 12), "RecursionError: maximum recursion depth exceeded"),
    ("x = f'{1'", (1, 7), "SyntaxError: f-string: expecting '}'"),
    ("x = 1 +", (1, 8), "SyntaxError: expected an expression"),
    ("x = \x00", (1, 5), "SyntaxError: invalid character '\x00' (U+0000)"),
])
def test_bad_input_is_a_located_error_and_bindings_survive(source, where, headline):
    interp = interpreter_with_a_binding()
    with pytest.raises(GradlangError) as caught:
        interp.run(source, filename="bad.grad")
    error = caught.value
    assert error.headline == headline
    assert error.line == where[0]
    if where[1] is not None:
        assert error.column == where[1]
    assert str(error).startswith(f"bad.grad:{error.line}:{error.column}: ")
    assert interp["keep"] == 42
    interp.run("keep = keep + 1")
    assert interp["keep"] == 43


def test_division_by_zero_on_tensors_follows_pytorch():
    interp = interpreter_with_a_binding()
    interp.run("a = tensor(1.) / 0\nb = tensor(-1.) / 0\nc = tensor(0.) / 0\nd = tensor([2., 4.]) / tensor([0., 2.])")
    assert repr(interp["a"]) == "tensor(inf)" and repr(interp["b"]) == "tensor(-inf)"
    assert repr(interp["c"]) == "tensor(nan)" and repr(interp["d"]) == "tensor([inf, 2.])"


def test_huge_float_literal_is_inf_as_in_python():
    interp = interpreter_with_a_binding()
    interp.run("x = 1e99999")
    assert interp["x"] == float("inf")


# ---------------------------------------------------------------- through the command line


def gradlang(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gradlang", *args], input=stdin, capture_output=True,
                          timeout=60, cwd=ROOT)


def no_traceback(done: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in done.stderr and b"Traceback" not in done.stdout


def test_invalid_utf8_in_a_script(tmp_path):
    script = tmp_path / "bad.grad"
    script.write_bytes(b'x = 1\ny = "\xff\xfe"\n')
    done = gradlang(str(script))
    assert done.returncode == 1
    assert done.stderr.decode() == f"gradlang: {script}:2:6: SyntaxError: invalid UTF-8 byte 0xff in the script\n"
    no_traceback(done)


def test_invalid_utf8_on_stdin():
    done = gradlang("-", stdin=b"\xff")
    assert done.returncode == 1
    assert "SyntaxError: invalid UTF-8 byte 0xff" in done.stderr.decode()
    no_traceback(done)


def test_an_empty_file_runs_and_succeeds(tmp_path):
    script = tmp_path / "empty.grad"
    script.write_bytes(b"")
    done = gradlang(str(script))
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")


def test_a_directory_as_the_script(tmp_path):
    done = gradlang(str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.decode() == f"gradlang: {tmp_path}: is a directory, not a script\n"


def test_a_missing_script(tmp_path):
    missing = tmp_path / "missing.grad"
    done = gradlang(str(missing))
    assert done.returncode == 2
    assert done.stderr.decode() == f"gradlang: {missing}: no such file\n"


@pytest.mark.parametrize("source, headline", [
    ("def f(n):\n    return f(n + 1)\nf(0)\n", "2:12: RecursionError: maximum recursion depth exceeded"),
    ("x = ones(100000, 100000)\n", "1:5: RuntimeError: tensor of 10000000000 elements exceeds"),
    ("x = ones(100000, 1) * ones(1, 100000)\n", "1:5: RuntimeError: tensor of 10000000000 elements exceeds"),
    ("x = (1,\n", "1:5: SyntaxError: '(' was never closed"),
    ("if 1:\n\tx = 1\n        y = 2\n", "3:9: IndentationError: inconsistent use of tabs and spaces"),
    ("x = 10 ** 10 ** 10\n", "1:5: OverflowError: integer too large"),
])
def test_script_errors_exit_1_with_location_and_no_traceback(tmp_path, source, headline):
    script = tmp_path / "prog.grad"
    script.write_text(source)
    done = gradlang(str(script))
    assert done.returncode == 1
    assert done.stderr.decode().startswith(f"{script}:{headline}")
    no_traceback(done)
    with_debug = gradlang("--debug", str(script))
    assert b"Traceback" in with_debug.stderr  # only --debug shows Python's view
