"""What the REPL and `gradlang -i` need from the parser: is the input finished, and where
does each top-level statement start and end."""

from __future__ import annotations

import pytest

from gradlang.errors import SyntaxError_
from gradlang.language.parser import is_incomplete, parse, split_top_level
from gradlang.language.syntax import dump


# The REPL joins the lines typed so far with "\n"; a final "\n" is an empty line typed.
@pytest.mark.parametrize("source", [
    "x = (1 +",
    "x = (1 +\n",
    "x = [1,\n\n",  # blank lines inside brackets do not end anything
    "f(\n  a,",
    "x = {'a':",
    'x = """abc',
    'x = """abc\n\ndef',
    "x = 1 + \\",
    "if x:",
    "for i in range(3):",
    "if x:\n    y = 1",
    "if x: y = 1",
    "def f():\n    return 1",
    "def f():\n    if x:",
    "if x:\n    y = 1\nelse:",
    "try:\n    pass",
    "while x:\n    # a comment",
    "with a:\n    for b in c:\n        d",
])
def test_incomplete_input_asks_for_more(source):
    assert is_incomplete(source)


@pytest.mark.parametrize("source", [
    "",
    "   ",
    "# a comment",
    "x = 1",
    "x = 1\n",
    "print x",
    "f(1, 2)",
    "x = 1 +",  # no bracket open: an error now, not later
    'x = "abc',  # a one-line string cannot continue
    "x = )",
    "if x:\n",  # the empty line ends the block: an error (no block) is reported
    "if x:\n    y = 1\n",
    "def f():\n    return 1\n",
    "try:\n    pass\n",
    "  x = 1",
    "1 2",
    "x = 1; y = 2",
])
def test_complete_input_is_run_or_reported(source):
    assert not is_incomplete(source)


def test_is_incomplete_never_raises():
    for source in ["(", "'", '"""', "\\", "if", "\t x", "x = (]", "f'{'", "€"]:
        assert is_incomplete(source) in (True, False)


def chunks(source: str) -> list[tuple[int, str]]:
    return split_top_level(source)


def test_split_simple_statements():
    assert chunks("x = 1\ny = 2\nprint x\n") == [(1, "x = 1\n"), (2, "y = 2\n"), (3, "print x\n")]


def test_split_functions_followed_by_blank_lines():
    source = "def f(x):\n    return 2*x\n\n\ndef g():\n    pass\n\nf(3)\n"
    assert chunks(source) == [(1, "def f(x):\n    return 2*x\n"), (5, "def g():\n    pass\n"), (8, "f(3)\n")]


def test_split_if_else_stays_together():
    source = "if a:\n    b = 1\nelif c:\n    b = 2\nelse:\n    b = 3\nprint b\n"
    assert chunks(source) == [(1, "if a:\n    b = 1\nelif c:\n    b = 2\nelse:\n    b = 3\n"), (7, "print b\n")]


def test_split_try_except_finally_stays_together():
    source = "try:\n    x\nexcept E as e:\n    y\nfinally:\n    z\nw = 1"
    assert chunks(source) == [(1, "try:\n    x\nexcept E as e:\n    y\nfinally:\n    z\n"), (7, "w = 1\n")]


def test_split_decorators_stay_with_their_def():
    source = "@a\n# c\n@b(1,\n  2)\ndef f(): pass\nx = 1\n@c\n\ndef g(): pass\n"
    assert chunks(source) == [(1, "@a\n# c\n@b(1,\n  2)\ndef f(): pass\n"), (6, "x = 1\n"), (7, "@c\n"),
                              (9, "def g(): pass\n")]  # a blank line ends it, as in Python's REPL
    assert is_incomplete("@torch.no_grad()") and is_incomplete("@a\n@b\ndef f(x):")
    assert not is_incomplete("@torch.no_grad()\n")  # the blank line: now an error, not more lines


def test_split_a_block_ends_at_a_blank_line_as_in_an_interactive_session():
    source = "def f():\n    a = 1\n\n    return a\n"
    assert chunks(source) == [(1, "def f():\n    a = 1\n"), (4, "    return a\n")]
    with pytest.raises(SyntaxError_) as info:
        parse("    return a\n", first_line=4)
    assert (info.value.message, info.value.line) == ("unexpected indent", 4)


def test_split_keeps_brackets_and_strings_across_lines_and_blank_lines():
    source = 'x = (1,\n\n     2)\ns = """a\n\nb"""\ny = [\n# c\n]\nt = "a\\\nb"\n'
    assert chunks(source) == [
        (1, "x = (1,\n\n     2)\n"), (4, 's = """a\n\nb"""\n'), (7, "y = [\n# c\n]\n"), (10, 't = "a\\\nb"\n')]


def test_split_comments_do_not_start_chunks():
    source = "# header\nimport torch\n\n# Define x\nx = 1\nif x:\n    # inside\n    y = 2\n# after\nz = 3\n"
    assert chunks(source) == [
        (2, "import torch\n"), (5, "x = 1\n"), (6, "if x:\n    # inside\n    y = 2\n"), (10, "z = 3\n")]


def test_split_returns_broken_chunks_so_the_session_goes_on():
    source = "a = 1\nb = (2 +\nc = 3]\nd = 4\nif x\n    e = 5\nf = 6\n"
    result = chunks(source)
    assert [n for n, _ in result] == [1, 2, 4, 5, 7]
    reports = []
    for first_line, text in result:
        try:
            parse(text, "s.grad", first_line=first_line)
        except SyntaxError_ as exc:
            reports.append((exc.line, exc.column, exc.message))
    assert reports == [(3, 6, "closing parenthesis ']' does not match opening parenthesis '(' on line 2"),
                       (5, 5, "expected ':'")]


def test_split_then_parse_gives_the_same_statements_as_parsing_the_whole():
    source = "import math\n\ndef f(x):\n    return math.cos(x)\n\nfor i in range(2):\n    print f(i)\n"
    pieces = [parse(text, first_line=n).body for n, text in chunks(source)]
    whole = parse(source).body
    assert [dump(s, positions=True) for p in pieces for s in p] == [dump(s, positions=True) for s in whole]


def test_split_tolerates_unterminated_strings_and_stray_closers():
    assert chunks("x = 'abc\ny = 1\n)\n") == [(1, "x = 'abc\n"), (2, "y = 1\n"), (3, ")\n")]
    assert chunks("s = '''never closed\nx = 1\n") == [(1, "s = '''never closed\nx = 1\n")]


def test_split_empty_and_crlf():
    assert chunks("") == []
    assert chunks("\n\n  \n") == []
    assert chunks("x = 1\r\ny = 2\r\n") == [(1, "x = 1\n"), (2, "y = 2\n")]
