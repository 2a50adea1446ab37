"""Fused evaluation (fusion.py) against the compiler's closures: the same output, the same
errors at the same places.

Code that runs once (a program's top level) is compiled to closures; a loop's or a
function's body is fused. Each program here runs both ways: as written, and as the body of
a loop that turns once, where every line sits one line lower and four columns further right.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from gradlang import GradlangError
from gradlang.language import compiler, fusion
from gradlang.language.interpreter import Interpreter

pytestmark = pytest.mark.skipif(not fusion.AVAILABLE, reason="fusion needs Python 3.11's column positions")

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.grad"))


def outcome(source: str) -> tuple:
    """What a program prints, and where and how it fails (None when it does not)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        Interpreter(stdout=out, stderr=err).run(source)
        failure = None
    except GradlangError as error:
        failure = (error.type_name, error.message, error.line, error.column, getattr(error, "end_column", None))
    return out.getvalue(), err.getvalue(), failure


def in_a_loop(source: str) -> str:
    return "for _turn in range(1):\n" + "".join(f"    {line}\n" for line in source.splitlines())


def shifted(result: tuple) -> tuple:
    """A loop body's outcome as the same program's at the top level would read."""
    out, err, failure = result
    if failure is None:
        return out, err, None
    kind, message, line, column, end = failure
    return out, err, (kind, message, line - 1, column - 4, None if end is None else end - 4)


PROGRAMS = [
    # operators, their guards and their errors
    "a = ones(3)\nb = ones(4)\nc = 1 + (a + b)",
    "x = param(2.0)\ny = -(x * 3 - 1) / 2 ** x\nprint(y, 7 // 2, 7 % 3, 1 << 3, 6 >> 1, 6 & 3, 6 | 1, 6 ^ 3)",
    "print('ab' * 2 + 'c', [1] * 3 + [2], (1,) + (2,))",
    "s = 'a' * 10\nt = s * 10 ** 9",
    "n = 2 ** 10 ** 10",
    "l = [0] + [1] * 3\nm = l * 10 ** 10",
    "print(1 + 'a')",
    "print(~5, +3, -ones(2), not 0)",
    "x = ones(2, 3)\nprint(x @ ones(3), x @ ones(2))",
    # names
    "print(undefined_name + 1)",
    "total = 0\nprint(totl + 1)",
    # attributes
    "x = param(3.0)\ny = x ** 2\ny.backward()\nprint(x.grad, x.requires_grad, y.grad_fn.name(), x.shape)",
    "import torch\nprint(torch.sigmoid(torch.tensor(0.0)), torch.nope)",
    "x = ones(2)\nprint(x.nope)",
    "x = ones(2)\nprint(x._version)",
    "x = ones(2)\nprint(type(x).__name__, x.__class__.__name__)",
    "print('abc'.upper(), [3, 1].count(1), {'a': 1}.get('a'), (1).real)",
    "print(None.nope)",
    # indexing
    "x = arange(12.0).reshape(3, 4)\nprint(x[1], x[1:, ::2], x[..., 0], x[0, 1:3], x[-1][-1])",
    "l = [1, 2, 3]\nd = {'k': 4}\nprint(l[1:], l[::-1], d['k'], 'abc'[1])",
    "import torch\nprint(torch[0])",
    "print(len[0])",
    "print([1, 2][5])",
    "d = {'a': 1}\nprint(d['b'])",
    # calls
    "print(zeros(2, dtype=float64), ones(1, requires_grad=True))",
    "x = 3\nx()",
    "print(len(1))",
    "def f(a, b=2, *, c=3):\n    return a + b + c\nprint(f(1), f(1, c=10), f(a=5, b=0))",
    "def f(a):\n    return a\nf(1, 2)",
    "print(max(3, 1, 2), min([4, 2]), sorted([3, 1]), abs(-2))",
    # comparisons, and/or, conditional expressions, displays
    "print(1 < 2 < 3, 1 < 3 < 2, 2 == 2.0 != 3, 1 is None, 1 is not None, 2 in [1, 2], 2 not in (1,))",
    "print(0 or 'x', 1 and 0, None or None, 3 if 0 else 4)",
    "print([1, 2], (1,), (), {'a': [1, (2, 3)]}, [])",
    "x = ones(3)\nprint(x > 0.5)\nif x:\n    print(1)",
    # statements a run fuses
    "a = b = [1]\na.append(2)\nprint(a, b)",
    "a, b = 1, 2\na, *rest = [1, 2, 3]\nprint(a, b, rest)",
    "a, b = 1, 2, 3",
    "x = param(1.0)\nwith no_grad():\n    x -= 0.5\n    x += 1\n    x *= 4\n    x /= 2\n    x **= 2\nprint(x)",
    "t = 'a'\nt *= 10 ** 10",
    "n = 25\nn //= 2\nn %= 7\nn |= 8\nn &= 12\nn ^= 1\nn -= 1\nprint(n)",
    "n = 5\nn <<= 3",
    "x = param(2.0)\nx.grad = ones(())\nprint(x.grad)\nl = [1, 2]\nl[0] = 9\nprint(l)",
    "x = ones(2)\nx.shape = 3",
    "l = [1]\nl[3] = 2",
    "def f(n):\n    if n < 1:\n        return 0\n    x = n * 2\n    return x + f(n - 1)\nprint(f(4))",
    "def g():\n    return\nprint(g())",
    "for i in range(5):\n    if i == 1:\n        continue\n    if i == 3:\n        break\n    print(i)",
    "n = 0\nwhile n < 3:\n    n += 1\nprint(n)",
    "try:\n    x = 1 / 0\nexcept ZeroDivisionError as e:\n    print('caught', e)",
    "def f():\n    y = 1\n    del y\n    return y\nf()",
    "assert 1 + 1 == 3, 'no'",
    "l = [x * x for x in range(4) if x % 2]\nprint(l, sum(x for x in range(3)), (lambda v: v + 1)(2))",
    "print(f\"{1 + 1} {'a'!r} {3.14159:.2f}\")",
    "x = ones(2, 2)\nprint(x.T.shape)\ny = ones(2, 2, 2)\nprint(y.T.shape)",
]


@pytest.mark.parametrize("source", PROGRAMS)
def test_a_loop_body_behaves_as_the_same_code_at_top_level(source):
    top_level = outcome(source)
    assert shifted(outcome(in_a_loop(source))) == top_level


@pytest.mark.parametrize("source", PROGRAMS)
def test_closures_alone_give_the_same_outcome(monkeypatch, source):
    fused = outcome(in_a_loop(source))
    monkeypatch.setattr(compiler, "FUSION", False)
    assert outcome(in_a_loop(source)) == fused


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_print_the_same_either_way(monkeypatch, path):
    source = path.read_text()
    fused = outcome(source)
    monkeypatch.setattr(compiler, "FUSION", False)
    assert outcome(source) == fused


def test_an_error_points_at_the_innermost_operation_of_a_fused_expression():
    source = "a = ones(3)\nb = ones(4)\ndef f():\n    return 2 * (1 + (a + b))\nf()"
    _out, _err, (kind, message, line, column, end) = outcome(source)
    assert kind == "RuntimeError" and "size of tensor a (3)" in message
    assert (line, column, end) == (4, 22, 27)  # `a + b`, inside the function's fused return


def test_a_warning_inside_a_fused_loop_shows_once_per_place():
    _out, err, failure = outcome("y = ones(2, 2, 2)\nfor i in range(3):\n    z = y.T * 2\n")
    assert failure is None and err.count("UserWarning") == 1
    # reading a non-leaf's .grad warns once per place: two places on one fused run's lines
    _out, err, failure = outcome("y = param(1.0) * 2\nfor i in range(3):\n    a = y.grad\n    b = y.grad")
    assert failure is None and err.count("UserWarning") == 2


def test_nesting_deeper_than_pythons_parser_allows_falls_back_to_closures():
    deep = "+".join(["x"] * 190)
    out, _err, failure = outcome(f"x = 1\nfor k in range(2):\n    y = {deep}\nprint(y)")
    assert (out, failure) == ("190\n", None)


def test_errors_point_at_the_right_statement_when_names_are_not_ascii():
    source = "def f():\n    é = ones(3)\n    x = é + ones(4)\nf()"
    _out, _err, (kind, _message, line, column, _end) = outcome(source)
    assert (kind, line, column) == ("RuntimeError", 3, 9)


def test_generated_code_has_no_text_of_the_program():
    """Names, strings and numbers reach the generated code as values, never as source."""
    source = "k = \"') or __import__('os') #\"\nfor i in range(1):\n    d = {k: 1}\n    print(d[k] + len(k))"
    out, _err, failure = outcome(source)
    assert failure is None and out == "25\n"


def test_loop_and_function_bodies_are_fused_and_code_that_runs_once_is_not(monkeypatch):
    built = []
    build = fusion._Generator.build
    monkeypatch.setattr(fusion._Generator, "build", lambda self, lines: built.append(lines) or build(self, lines))
    outcome("x = 1 + 2\nprint(x * 2)")
    assert built == []
    outcome("for i in range(2):\n    x = i + 1\n    print(x * 2)\ndef f(a):\n    return a.grad")
    assert len(built) == 2  # one run of statements each


def test_fused_code_lets_go_of_intermediate_values_as_python_does():
    """An operand is released when its operation is done, a value an attribute, index or call
    was taken from when the next one is, and whatever is left when the statement ends: big
    intermediate arrays don't pile up."""
    import weakref

    refs: list = []

    def mark(value):
        refs.append(weakref.ref(value))
        return value

    out = io.StringIO()
    interp = Interpreter(stdout=out, stderr=io.StringIO())
    interp["mark"] = mark
    interp["alive"] = lambda: refs[-1]() is not None
    interp.run("x = ones(3)\nfor i in range(1):\n    s = [mark(x * 2) * 3, alive()]\n"
               "    t = mark(x * 2).sum()\n    print(s[1], alive(), t.item())\n"
               "    u = [mark(x * 2).sum(), alive(), float(mark(x * 3)[0]), alive()]\n    print(u[1], u[3])")
    assert out.getvalue() == "False False 6.0\nFalse False\n"
