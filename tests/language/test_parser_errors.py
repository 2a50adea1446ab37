"""Syntax errors: the words users know, at the place the caret should go.

Each case is (source, error type, message, line, column); the column is 1-based and
points at the offending token.
"""

from __future__ import annotations

import pytest

from gradlang.errors import IndentationError_, SyntaxError_
from gradlang.language.parser import parse, parse_expression

SYNTAX, INDENT = "SyntaxError", "IndentationError"


def error_of(source: str, **kwargs) -> SyntaxError_:
    with pytest.raises(SyntaxError_) as info:
        parse(source, **kwargs)
    return info.value


@pytest.mark.parametrize("source, kind, message, line, column", [
    # what was expected, in words
    ("f(a; b)", SYNTAX, "expected ')'", 1, 4),
    ("[1; 2]", SYNTAX, "expected ']'", 1, 3),
    ("x = {1: 2; 3}", SYNTAX, "expected '}'", 1, 10),
    ("x = ", SYNTAX, "expected an expression", 1, 5),
    ("x = 1 +", SYNTAX, "expected an expression", 1, 8),
    ("x = (1 + )", SYNTAX, "expected an expression", 1, 10),
    ("a[]", SYNTAX, "expected an expression", 1, 3),
    ("x += ", SYNTAX, "expected an expression", 1, 6),
    ("for in x: pass", SYNTAX, "expected an expression", 1, 5),
    ("if x\n    y = 1", SYNTAX, "expected ':'", 1, 5),
    ("def f(x)\n    return x", SYNTAX, "expected ':'", 1, 9),
    ("while True", SYNTAX, "expected ':'", 1, 11),
    ("for x in y", SYNTAX, "expected ':'", 1, 11),
    ("lambda x x", SYNTAX, "expected ':'", 1, 10),
    ("x = 5 if y", SYNTAX, "expected 'else'", 1, 11),
    ("import", SYNTAX, "expected a name", 1, 7),
    ("x.", SYNTAX, "expected a name", 1, 3),
    ("try:\n    x\ny = 2", SYNTAX, "expected 'except' or 'finally' block", 3, 1),
    ("x = 1 2", SYNTAX, "invalid syntax", 1, 7),
    ("else:\n    pass", SYNTAX, "invalid syntax", 1, 1),
    ("print x y", SYNTAX, "invalid syntax", 1, 9),
    ("f(1 2)", SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 5),
    ("[1, 2 3]", SYNTAX, "invalid syntax. Perhaps you forgot a comma?", 1, 7),
    ("if x = 1:\n    pass", SYNTAX, "invalid syntax. Maybe you meant '==' instead of '='?", 1, 6),
    ("f(1, x for x in y)", SYNTAX, "Generator expression must be parenthesized", 1, 8),
    ("f(x for x in y, 1)", SYNTAX, "Generator expression must be parenthesized", 1, 15),
    ("class A: pass", SYNTAX, "class definitions are not supported", 1, 1),
    ("@torch.no_grad()\nx = 1", SYNTAX, "expected 'def'", 2, 1),
    # brackets
    ("x = )", SYNTAX, "unmatched ')'", 1, 5),
    ("x = 1]", SYNTAX, "unmatched ']'", 1, 6),
    ("print(1", SYNTAX, "'(' was never closed", 1, 6),
    ("x = [1, 2,\n  3", SYNTAX, "'[' was never closed", 1, 5),
    ("x = [1, 2)", SYNTAX, "closing parenthesis ')' does not match opening parenthesis '['", 1, 10),
    ("x = (1,\n 2]", SYNTAX, "closing parenthesis ']' does not match opening parenthesis '(' on line 1", 2, 3),
    # strings
    ('x = "abc', SYNTAX, "unterminated string literal (detected at line 1)", 1, 5),
    ("y = 1\nx = 'abc\n", SYNTAX, "unterminated string literal (detected at line 2)", 2, 5),
    ('x = f"abc', SYNTAX, "unterminated string literal (detected at line 1)", 1, 5),
    ('x = """abc\n\n', SYNTAX, "unterminated triple-quoted string literal (detected at line 3)", 1, 5),
    ('x = "\\x4"', SYNTAX, "(unicode error) truncated \\xXX escape", 1, 5),
    ('x = "\\N{NO SUCH NAME}"', SYNTAX, "(unicode error) unknown Unicode character name", 1, 5),
    ('x = b"abc"', SYNTAX, "bytes literals are not supported", 1, 5),
    # f-strings
    ('f"{}"', SYNTAX, "f-string: empty expression not allowed", 1, 3),
    ('f"{x!z}"', SYNTAX, "f-string: invalid conversion character: expected 's', 'r', or 'a'", 1, 6),
    ('f"{x"', SYNTAX, "f-string: expecting '}'", 1, 3),
    ('f"}"', SYNTAX, "f-string: single '}' is not allowed", 1, 3),
    ('f"{x +}"', SYNTAX, "f-string: expected an expression", 1, 7),
    ('f"{a b}"', SYNTAX, "f-string: invalid syntax. Perhaps you forgot a comma?", 1, 6),
    ('f"{a)}"', SYNTAX, "f-string: unmatched ')'", 1, 5),
    ("f'{a[\"k\\n\"]}'", SYNTAX, "f-string expression part cannot include a backslash", 1, 8),
    ('f"{x#}"', SYNTAX, "f-string expression part cannot include '#'", 1, 5),
    ("y = 1\nz = f'{a +\\\n'", SYNTAX, "f-string expression part cannot include a backslash", 2, 11),
    # numbers and characters
    ("x = 0123", SYNTAX, "leading zeros in decimal integer literals are not permitted; "
                         "use an 0o prefix for octal integers", 1, 5),
    ("x = 1abc", SYNTAX, "invalid decimal literal", 1, 5),
    ("x = 1j", SYNTAX, "imaginary numbers are not supported", 1, 5),
    ("x = $", SYNTAX, "invalid character '$' (U+0024)", 1, 5),
    ("x = 2 € 3", SYNTAX, "invalid character '€' (U+20AC)", 1, 7),
    ("x = 1 \\ 2", SYNTAX, "unexpected character after line continuation character", 1, 7),
    # indentation
    ("  x = 1", INDENT, "unexpected indent", 1, 3),
    ("x = 1\n    y = 2", INDENT, "unexpected indent", 2, 5),
    ("if x:\ny = 1", INDENT, "expected an indented block after 'if' statement on line 1", 2, 1),
    ("def f():\n\nreturn 1", INDENT, "expected an indented block after function definition on line 1", 3, 1),
    ("while x:\n    if y:\n    pass", INDENT, "expected an indented block after 'if' statement on line 2", 3, 5),
    ("if x:\n    pass\nelse:", INDENT, "expected an indented block after 'else' statement on line 3", 3, 6),
    ("if x:", INDENT, "expected an indented block after 'if' statement on line 1", 1, 6),
    ("def f():\n    if x:\n", INDENT, "expected an indented block after 'if' statement on line 2", 2, 10),
    ("if x:\n    a = 1\n  b = 2", INDENT, "unindent does not match any outer indentation level", 3, 3),
    ("if x:\n\ta = 1\n        b = 2", INDENT, "inconsistent use of tabs and spaces in indentation", 3, 9),
    ("if x:\n        a = 1\n\tb = 2", INDENT, "inconsistent use of tabs and spaces in indentation", 3, 2),
    # what Python's compiler checks
    ("f() = 1", SYNTAX, "cannot assign to function call here. Maybe you meant '==' instead of '='?", 1, 1),
    ("1 = x", SYNTAX, "cannot assign to literal here. Maybe you meant '==' instead of '='?", 1, 1),
    ("None = 1", SYNTAX, "cannot assign to None", 1, 1),
    ("x + 1 = 2", SYNTAX, "cannot assign to expression here. Maybe you meant '==' instead of '='?", 1, 1),
    ("a, f() = x", SYNTAX, "cannot assign to function call", 1, 4),
    ("for f() in x: pass", SYNTAX, "cannot assign to function call", 1, 5),
    ("[x for 1 in y]", SYNTAX, "cannot assign to literal", 1, 8),
    ("with a as f(): pass", SYNTAX, "cannot assign to function call", 1, 11),
    ("f() += 1", SYNTAX, "'function call' is an illegal expression for augmented assignment", 1, 1),
    ("(a, b) += 1", SYNTAX, "'tuple' is an illegal expression for augmented assignment", 1, 1),
    ("del f()", SYNTAX, "cannot delete function call", 1, 5),
    ("*a = 1", SYNTAX, "starred assignment target must be in a list or tuple", 1, 1),
    ("a, *b, *c = 1", SYNTAX, "multiple starred expressions in assignment", 1, 8),
    ("x = *a", SYNTAX, "can't use starred expression here", 1, 5),
    ("a, b: int = 1", SYNTAX, "only single target (not tuple) can be annotated", 1, 1),
    ("return 1", SYNTAX, "'return' outside function", 1, 1),
    ("if x:\n    break", SYNTAX, "'break' outside loop", 2, 5),
    ("while x:\n    def f():\n        continue", SYNTAX, "'continue' not properly in loop", 3, 9),
    ("for x in y:\n    pass\nelse:\n    break", SYNTAX, "'break' outside loop", 4, 5),
    ("nonlocal x", SYNTAX, "nonlocal declaration not allowed at module level", 1, 1),
    ("def f(a=1, b): pass", SYNTAX, "parameter without a default follows parameter with a default", 1, 12),
    ("def f(a, a): pass", SYNTAX, "duplicate argument 'a' in function definition", 1, 10),
    ("lambda a, *a: 0", SYNTAX, "duplicate argument 'a' in function definition", 1, 12),
    ("def f(*, **k): pass", SYNTAX, "named arguments must follow bare *", 1, 7),
    ("def f(*a, *b): pass", SYNTAX, "* argument may appear only once", 1, 11),
    ("def f(**k, a): pass", SYNTAX, "arguments cannot follow var-keyword argument", 1, 12),
    ("f(a=1, 2)", SYNTAX, "positional argument follows keyword argument", 1, 8),
    ("f(**k, 2)", SYNTAX, "positional argument follows keyword argument unpacking", 1, 8),
    ("f(**k, *a)", SYNTAX, "iterable argument unpacking follows keyword argument unpacking", 1, 8),
    ("f(a=1, a=2)", SYNTAX, "keyword argument repeated: a", 1, 8),
    ("f(1+1=2)", SYNTAX, 'expression cannot contain assignment, perhaps you meant "=="?', 1, 3),
    ("x = (*a)", SYNTAX, "cannot use starred expression here", 1, 6),
    ("try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass", SYNTAX, "default 'except:' must be last", 3, 1),
])
def test_error_message_and_place(source, kind, message, line, column):
    err = error_of(source)
    assert (type(err).__name__, err.message, err.line, err.column) == (kind, message, line, column)


def test_errors_are_the_gradlang_classes():
    assert isinstance(error_of("  x"), IndentationError_)
    assert isinstance(error_of("  x"), SyntaxError_)
    assert isinstance(error_of("x ="), SyntaxError)  # a Python SyntaxError too, for Python callers


def test_error_carries_filename_source_line_and_prints_like_a_compiler():
    err = error_of("x = 1\ny = (2 +\n     ))\n", filename="train.grad")
    assert (err.filename, err.line, err.column, err.source_line) == ("train.grad", 3, 7, "     ))")
    assert str(err) == "train.grad:3:7: SyntaxError: unmatched ')'"
    assert err.headline == "SyntaxError: unmatched ')'"


def test_errors_in_a_chunk_report_the_files_line_numbers():
    err = error_of("y = 1\nz = (1 +\n", first_line=41)
    assert (err.line, err.column, err.source_line) == (42, 5, "z = (1 +")


def test_source_line_counts_lines_as_the_lexer_does():
    err = error_of("x = 1\f\r\ny = )")
    assert (err.line, err.source_line) == (2, "y = )")


def test_an_error_at_the_end_points_at_the_last_line():
    err = error_of("try:\n    pass\n")
    assert (err.message, err.line, err.column, err.source_line) == (
        "expected 'except' or 'finally' block", 2, 9, "    pass")


def test_terminal_names_never_reach_users():
    sources = ["x = (1 +", "f(a b", "if", "def", "x = [", "lambda", "import a as", "a ** ", "x.y(",
               "with", "try", "except", "from x import (", "del (", "(a, b) = = 1", "x[1:2:3:4]"]
    for source in sources:
        message = error_of(source).message
        assert "ANON" not in message and "RPAR" not in message and "_NEWLINE" not in message, message
        assert "$END" not in message and "Token" not in message, message


def test_more_than_200_nested_brackets_is_too_many():
    assert parse_expression("(" * 200 + "1" + ")" * 200).value == 1
    err = error_of("x = " + "(" * 201 + "1" + ")" * 201)
    assert (err.message, err.line, err.column) == ("too many nested parentheses", 1, 205)
    assert error_of("x = " + "[" * 150 + "{" * 51).message == "too many nested parentheses"


@pytest.mark.parametrize("source", [
    "x = " + "-" * 1000 + "1",
    "x = " + "+".join(["1"] * 2000),
    "x = a" + ".b" * 1000,
    "x = " + "not " * 600 + "y",
    "x = " + "2 ** " * 600 + "2",
    "f = " + "lambda: " * 600 + "1",
    "x = (1 +\n" + "1 +\n" * 600 + "1)",
])
def test_expressions_nested_too_deeply_for_later_passes_are_rejected(source):
    assert error_of(source).message == "expression too deeply nested"


def test_long_but_shallow_expressions_are_fine():
    parse("x = [" + ", ".join(["1"] * 5000) + "]")
    parse("x = " + " + ".join(["a"] * 400))


def test_too_many_levels_of_indentation():
    source = "".join(" " * i + "if x:\n" for i in range(101)) + " " * 101 + "pass\n"
    err = error_of(source)
    assert type(err) is IndentationError_ and err.message == "too many levels of indentation"


def test_an_int_beyond_pythons_digit_limit_is_a_syntax_error():
    err = error_of("x = " + "1" * 5000)
    assert err.message.startswith("Exceeds the limit") and (err.line, err.column) == (1, 5)


def test_parse_expression_errors():
    with pytest.raises(SyntaxError_) as info:
        parse_expression("")
    assert info.value.message == "expected an expression"
    with pytest.raises(SyntaxError_) as info:
        parse_expression("1 +", filename="<eval>")
    assert (info.value.message, info.value.filename) == ("expected an expression", "<eval>")
