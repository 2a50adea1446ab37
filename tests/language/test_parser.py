"""The parser accepts gradlang's grammar and builds the AST the evaluator expects.

Shapes are compared through `syntax.dump` (positions left out); positions have tests of
their own at the end.
"""

from __future__ import annotations

import pytest

from gradlang.language import syntax as ast
from gradlang.language.parser import parse, parse_expression
from gradlang.language.syntax import dump


def stmts(source: str) -> str:
    """The dump of a module's statements: `[Stmt(...), ...]`."""
    return dump(parse(source).body)


def expr(source: str) -> str:
    return dump(parse_expression(source))


# ---------------------------------------------------------------- statements, rule by rule

@pytest.mark.parametrize("source, expected", [
    ("x = 1", "[Assign([Name('x')], Constant(1))]"),
    ("a = b = 2.5", "[Assign([Name('a'), Name('b')], Constant(2.5))]"),
    ("a, b = b, a", "[Assign([TupleDisplay([Name('a'), Name('b')])], TupleDisplay([Name('b'), Name('a')]))]"),
    ("(a, b), c = x", "[Assign([TupleDisplay([TupleDisplay([Name('a'), Name('b')]), Name('c')])], Name('x'))]"),
    ("[a, b] = x", "[Assign([ListDisplay([Name('a'), Name('b')])], Name('x'))]"),
    ("a, *rest = x", "[Assign([TupleDisplay([Name('a'), Starred(Name('rest'))])], Name('x'))]"),
    ("t.grad = None", "[Assign([Attribute(Name('t'), 'grad')], Constant(None))]"),
    ("t[0] = 5.", "[Assign([Subscript(Name('t'), Constant(0))], Constant(5.0))]"),
    ("m[0, 1] = x", "[Assign([Subscript(Name('m'), TupleDisplay([Constant(0), Constant(1)]))], Name('x'))]"),
    ("x = 1,", "[Assign([Name('x')], TupleDisplay([Constant(1)]))]"),
])
def test_assignment(source, expected):
    assert stmts(source) == expected


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "//", "%", "**", "@", "&", "|", "^"])
def test_augmented_assignment_keeps_the_binary_operator(op):
    assert stmts(f"w {op}= lr * g") == f"[AugAssign(Name('w'), '{op}', BinOp('*', Name('lr'), Name('g')))]"


def test_augmented_assignment_targets():
    assert stmts("t.data -= 1") == "[AugAssign(Attribute(Name('t'), 'data'), '-', Constant(1))]"
    assert stmts("t[0] *= 2") == "[AugAssign(Subscript(Name('t'), Constant(0)), '*', Constant(2))]"


def test_annotated_assignment_binds_and_drops_the_annotation():
    assert stmts("x: float = 1.0") == "[Assign([Name('x')], Constant(1.0))]"
    assert stmts("x: float") == "[Pass()]"


def test_expression_statement():
    assert stmts("y.backward()") == "[ExprStmt(Call(Attribute(Name('y'), 'backward'), [], []))]"


def test_statements_end_at_newline_or_semicolon():
    assert stmts("a = 1; b = 2;\nc = 3") == (
        "[Assign([Name('a')], Constant(1)), Assign([Name('b')], Constant(2)), Assign([Name('c')], Constant(3))]"
    )


def test_comments_blank_lines_and_brackets_across_lines():
    source = "# start\n\nx = [1,  # one\n     2,\n]\n\n   # indented comment\ny = (x\n  + 1)\n"
    assert stmts(source) == (
        "[Assign([Name('x')], ListDisplay([Constant(1), Constant(2)])), "
        "Assign([Name('y')], BinOp('+', Name('x'), Constant(1)))]"
    )


def test_backslash_continues_a_line():
    assert stmts("x = 1 + \\\n    2") == "[Assign([Name('x')], BinOp('+', Constant(1), Constant(2)))]"


def test_crlf_line_endings():
    assert stmts("if x:\r\n    y = 1\r\n") == "[If(Name('x'), [Assign([Name('y')], Constant(1))], [])]"


def test_empty_module():
    assert stmts("") == "[]"
    assert stmts("\n  \n# only a comment\n") == "[]"


@pytest.mark.parametrize("source, expected", [
    ("print x, y", "[Print([Name('x'), Name('y')], True)]"),
    ("print", "[Print([], True)]"),
    ("print x,", "[Print([Name('x')], False)]"),
    ("print x.grad", "[Print([Attribute(Name('x'), 'grad')], True)]"),
    ("print -x", "[Print([UnaryOp('-', Name('x'))], True)]"),
    ("print [1]", "[Print([ListDisplay([Constant(1)])], True)]"),
    ("if x: print x", "[If(Name('x'), [Print([Name('x')], True)], [])]"),
])
def test_print_statement(source, expected):
    assert stmts(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("print(x, y)", "[ExprStmt(Call(Name('print'), [Name('x'), Name('y')], []))]"),
    ('print(x, sep="", end="")',
     "[ExprStmt(Call(Name('print'), [Name('x')], [Keyword('sep', Constant('')), Keyword('end', Constant(''))]))]"),
    ("print (x)", "[ExprStmt(Call(Name('print'), [Name('x')], []))]"),
    ("print()", "[ExprStmt(Call(Name('print'), [], []))]"),
    ("f = print", "[Assign([Name('f')], Name('print'))]"),
    ("map(print, xs)", "[ExprStmt(Call(Name('map'), [Name('print'), Name('xs')], []))]"),
    ("g = lambda: print", "[Assign([Name('g')], Lambda(Arguments([], None, [], None), Name('print')))]"),
    ("printer = 1", "[Assign([Name('printer')], Constant(1))]"),
])
def test_print_call_and_print_as_a_name(source, expected):
    assert stmts(source) == expected


def test_function_definition():
    assert stmts("def f(a, b=1, *args, **kwargs):\n    return a") == (
        "[FunctionDef('f', Arguments([Param('a', None, None), Param('b', Constant(1), None)], "
        "Param('args', None, None), [], Param('kwargs', None, None)), [Return(Name('a'))], None, [])]"
    )


def test_function_definition_variants():
    assert stmts("def f(): pass") == "[FunctionDef('f', Arguments([], None, [], None), [Pass()], None, [])]"
    assert stmts("def f(x: float, *, k=2) -> float:\n    return x") == (
        "[FunctionDef('f', Arguments([Param('x', None, Name('float'))], None, [Param('k', Constant(2), None)], "
        "None), [Return(Name('x'))], Name('float'), [])]"
    )
    assert stmts("def f(a,\n      b,\n):\n  pass") == (
        "[FunctionDef('f', Arguments([Param('a', None, None), Param('b', None, None)], None, [], None), "
        "[Pass()], None, [])]"
    )


def test_decorators_top_first_with_the_def_s_position():
    module = parse("@a\n@b.c(1)\ndef f():\n    pass\n")
    assert dump(module.body) == (
        "[FunctionDef('f', Arguments([], None, [], None), [Pass()], None, [Name('a'), Call(Attribute(Name('b'), 'c'), "
        "[Constant(1)], [])])]"
    )
    assert (module.body[0].line, module.body[0].column) == (3, 1)


def test_return():
    assert stmts("def f():\n    return") == "[FunctionDef('f', Arguments([], None, [], None), [Return(None)], None, [])]"
    assert dump(parse("def f():\n    return a, b").body[0].body) == (
        "[Return(TupleDisplay([Name('a'), Name('b')]))]"
    )


def test_if_elif_else():
    source = "if a:\n    x = 1\nelif b:\n    x = 2\nelif c: x = 3\nelse:\n    x = 4\n"
    assert stmts(source) == (
        "[If(Name('a'), [Assign([Name('x')], Constant(1))], [If(Name('b'), [Assign([Name('x')], Constant(2))], "
        "[If(Name('c'), [Assign([Name('x')], Constant(3))], [Assign([Name('x')], Constant(4))])])])]"
    )


def test_nested_blocks_and_dedent_to_several_levels():
    source = "for i in range(3):\n    while x:\n        if y:\n            break\n    continue\nz = 1\n"
    assert stmts(source) == (
        "[For(Name('i'), Call(Name('range'), [Constant(3)], []), [While(Name('x'), [If(Name('y'), [Break()], "
        "[])], []), Continue()], []), Assign([Name('z')], Constant(1))]"
    )


def test_while_and_for_with_else():
    assert stmts("while x: pass\nelse: y = 1") == (
        "[While(Name('x'), [Pass()], [Assign([Name('y')], Constant(1))])]"
    )
    assert stmts("for a, b in pairs:\n    pass") == (
        "[For(TupleDisplay([Name('a'), Name('b')]), Name('pairs'), [Pass()], [])]"
    )
    assert stmts("for x in 1, 2: pass") == "[For(Name('x'), TupleDisplay([Constant(1), Constant(2)]), [Pass()], [])]"


def test_with():
    assert stmts("with torch.no_grad():\n    w -= 1") == (
        "[With([WithItem(Call(Attribute(Name('torch'), 'no_grad'), [], []), None)], "
        "[AugAssign(Name('w'), '-', Constant(1))])]"
    )
    assert stmts("with a as x, b: pass") == "[With([WithItem(Name('a'), Name('x')), WithItem(Name('b'), None)], [Pass()])]"


def test_try():
    source = (
        "try:\n    y.backward()\nexcept RuntimeError as e:\n    print(e)\nexcept (TypeError, ValueError):\n"
        "    pass\nexcept:\n    pass\nelse:\n    ok = 1\nfinally:\n    done = 1\n"
    )
    assert stmts(source) == (
        "[Try([ExprStmt(Call(Attribute(Name('y'), 'backward'), [], []))], "
        "[ExceptHandler(Name('RuntimeError'), 'e', [ExprStmt(Call(Name('print'), [Name('e')], []))]), "
        "ExceptHandler(TupleDisplay([Name('TypeError'), Name('ValueError')]), None, [Pass()]), "
        "ExceptHandler(None, None, [Pass()])], [Assign([Name('ok')], Constant(1))], "
        "[Assign([Name('done')], Constant(1))])]"
    )
    assert stmts("try: pass\nfinally: pass") == "[Try([Pass()], [], [], [Pass()])]"


@pytest.mark.parametrize("source, expected", [
    ("raise", "[Raise(None, None)]"),
    ("raise ValueError('x')", "[Raise(Call(Name('ValueError'), [Constant('x')], []), None)]"),
    ("raise E from e", "[Raise(Name('E'), Name('e'))]"),
    ("assert x", "[Assert(Name('x'), None)]"),
    ("assert x > 0, 'msg'", "[Assert(Compare(Name('x'), ['>'], [Constant(0)]), Constant('msg'))]"),
    ("pass", "[Pass()]"),
    ("global x, y", "[Global(['x', 'y'])]"),
    ("def f():\n  nonlocal x", "[FunctionDef('f', Arguments([], None, [], None), [Nonlocal(['x'])], None, [])]"),
    ("del x", "[Delete([Name('x')])]"),
    ("del x[0], y.z", "[Delete([Subscript(Name('x'), Constant(0)), Attribute(Name('y'), 'z')])]"),
    ("while 1:\n  break\n  continue", "[While(Constant(1), [Break(), Continue()], [])]"),
])
def test_simple_statements(source, expected):
    assert stmts(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("import torch", "[Import([Alias('torch', None)])]"),
    ("import torch as t, math", "[Import([Alias('torch', 't'), Alias('math', None)])]"),
    ("import torch.autograd", "[Import([Alias('torch.autograd', None)])]"),
    ("import torch.autograd as ag", "[Import([Alias('torch.autograd', 'ag')])]"),
    ("from math import pi, cos as c", "[ImportFrom('math', [Alias('pi', None), Alias('cos', 'c')])]"),
    ("from torch.autograd import grad", "[ImportFrom('torch.autograd', [Alias('grad', None)])]"),
    ("from math import (pi,\n   e,)", "[ImportFrom('math', [Alias('pi', None), Alias('e', None)])]"),
    ("from math import *", "[ImportFrom('math', [Alias('*', None)])]"),
])
def test_imports(source, expected):
    assert stmts(source) == expected


def test_a_suite_on_the_same_line_may_hold_several_statements():
    assert stmts("if x: a = 1; b = 2") == (
        "[If(Name('x'), [Assign([Name('a')], Constant(1)), Assign([Name('b')], Constant(2))], [])]"
    )


def test_tabs_indent_consistently():
    assert stmts("if x:\n\ty = 1\n\tz = 2") == (
        "[If(Name('x'), [Assign([Name('y')], Constant(1)), Assign([Name('z')], Constant(2))], [])]"
    )


# ---------------------------------------------------------------- expressions

@pytest.mark.parametrize("source, expected", [
    ("-x**2", "UnaryOp('-', BinOp('**', Name('x'), Constant(2)))"),
    ("2**-1", "BinOp('**', Constant(2), UnaryOp('-', Constant(1)))"),
    ("2**3**2", "BinOp('**', Constant(2), BinOp('**', Constant(3), Constant(2)))"),
    ("a - b - c", "BinOp('-', BinOp('-', Name('a'), Name('b')), Name('c'))"),
    ("a + b * c", "BinOp('+', Name('a'), BinOp('*', Name('b'), Name('c')))"),
    ("(a + b) * c", "BinOp('*', BinOp('+', Name('a'), Name('b')), Name('c'))"),
    ("a @ b.T / n // 2 % 3", "BinOp('%', BinOp('//', BinOp('/', BinOp('@', Name('a'), Attribute(Name('b'), 'T')), "
                             "Name('n')), Constant(2)), Constant(3))"),
    ("-a * b", "BinOp('*', UnaryOp('-', Name('a')), Name('b'))"),
    ("~a + +b", "BinOp('+', UnaryOp('~', Name('a')), UnaryOp('+', Name('b')))"),
    ("a | b ^ c & d << 1 >> 2", "BinOp('|', Name('a'), BinOp('^', Name('b'), BinOp('&', Name('c'), "
                                "BinOp('>>', BinOp('<<', Name('d'), Constant(1)), Constant(2)))))"),
    ("a < b < c", "Compare(Name('a'), ['<', '<'], [Name('b'), Name('c')])"),
    ("(a < b) < c", "Compare(Compare(Name('a'), ['<'], [Name('b')]), ['<'], [Name('c')])"),
    ("a == b != c >= d <= e > f", "Compare(Name('a'), ['==', '!=', '>=', '<=', '>'], "
                                  "[Name('b'), Name('c'), Name('d'), Name('e'), Name('f')])"),
    ("a in b not in c is d is not e", "Compare(Name('a'), ['in', 'not in', 'is', 'is not'], "
                                      "[Name('b'), Name('c'), Name('d'), Name('e')])"),
    ("a + 1 < b * 2", "Compare(BinOp('+', Name('a'), Constant(1)), ['<'], [BinOp('*', Name('b'), Constant(2))])"),
    ("not a == b", "UnaryOp('not', Compare(Name('a'), ['=='], [Name('b')]))"),
    ("not not a", "UnaryOp('not', UnaryOp('not', Name('a')))"),
    ("a and b or c and d", "BoolOp('or', [BoolOp('and', [Name('a'), Name('b')]), BoolOp('and', [Name('c'), Name('d')])])"),
    ("a or b or c", "BoolOp('or', [Name('a'), Name('b'), Name('c')])"),
    ("not a and b", "BoolOp('and', [UnaryOp('not', Name('a')), Name('b')])"),
    ("x if c else y", "IfExp(Name('c'), Name('x'), Name('y'))"),
    ("x if a or b else y if c else z", "IfExp(BoolOp('or', [Name('a'), Name('b')]), Name('x'), "
                                       "IfExp(Name('c'), Name('y'), Name('z')))"),
    ("lambda: 0", "Lambda(Arguments([], None, [], None), Constant(0))"),
    ("lambda x, y=2: x if y else -x", "Lambda(Arguments([Param('x', None, None), Param('y', Constant(2), None)], "
                                      "None, [], None), IfExp(Name('y'), Name('x'), UnaryOp('-', Name('x'))))"),
    ("lambda *a, **k: a", "Lambda(Arguments([], Param('a', None, None), [], Param('k', None, None)), Name('a'))"),
    ("f(lambda x: x + 1, 2)", "Call(Name('f'), [Lambda(Arguments([Param('x', None, None)], None, [], None), "
                              "BinOp('+', Name('x'), Constant(1))), Constant(2)], [])"),
])
def test_precedence_and_associativity(source, expected):
    assert expr(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("f()", "Call(Name('f'), [], [])"),
    ("f(1, x=2)", "Call(Name('f'), [Constant(1)], [Keyword('x', Constant(2))])"),
    ("f(*args, **kw)", "Call(Name('f'), [Starred(Name('args'))], [Keyword(None, Name('kw'))])"),
    ("f(a, *b, c=1, **d)", "Call(Name('f'), [Name('a'), Starred(Name('b'))], "
                           "[Keyword('c', Constant(1)), Keyword(None, Name('d'))])"),
    ("f(1,)", "Call(Name('f'), [Constant(1)], [])"),
    ("torch.tensor(3.0, requires_grad=True)", "Call(Attribute(Name('torch'), 'tensor'), [Constant(3.0)], "
                                              "[Keyword('requires_grad', Constant(True))])"),
    ("sum(x*x for x in xs)", "Call(Name('sum'), [GeneratorExp(BinOp('*', Name('x'), Name('x')), "
                             "[Comprehension(Name('x'), Name('xs'), [])])], [])"),
    ("a.b.c", "Attribute(Attribute(Name('a'), 'b'), 'c')"),
    ("f(x)(y)[0].z", "Attribute(Subscript(Call(Call(Name('f'), [Name('x')], []), [Name('y')], []), Constant(0)), 'z')"),
])
def test_calls_and_attributes(source, expected):
    assert expr(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("x[0]", "Subscript(Name('x'), Constant(0))"),
    ("x[-1]", "Subscript(Name('x'), UnaryOp('-', Constant(1)))"),
    ("x[1:3]", "Subscript(Name('x'), Slice(Constant(1), Constant(3), None))"),
    ("x[:]", "Subscript(Name('x'), Slice(None, None, None))"),
    ("x[::2]", "Subscript(Name('x'), Slice(None, None, Constant(2)))"),
    ("x[a:b:c]", "Subscript(Name('x'), Slice(Name('a'), Name('b'), Name('c')))"),
    ("x[1:]", "Subscript(Name('x'), Slice(Constant(1), None, None))"),
    ("m[0, 1]", "Subscript(Name('m'), TupleDisplay([Constant(0), Constant(1)]))"),
    ("m[:, 1]", "Subscript(Name('m'), TupleDisplay([Slice(None, None, None), Constant(1)]))"),
    ("m[1:2, ::3]", "Subscript(Name('m'), TupleDisplay([Slice(Constant(1), Constant(2), None), "
                    "Slice(None, None, Constant(3))]))"),
    ("m[0,]", "Subscript(Name('m'), TupleDisplay([Constant(0)]))"),
    ("m[..., 0]", "Subscript(Name('m'), TupleDisplay([Constant(...), Constant(0)]))"),
])
def test_subscripts_and_slices(source, expected):
    assert expr(source) == expected


@pytest.mark.parametrize("source, value", [
    ("1", 1), ("1_000", 1000), ("0", 0), ("00", 0), ("0x1F", 31), ("0o17", 15), ("0b101", 5),
    ("3.", 3.0), (".5", 0.5), ("1e-8", 1e-8), ("1E3", 1000.0), ("2.5e+2", 250.0), ("1_0.0_1", 10.01),
    ("True", True), ("False", False), ("None", None), ("...", Ellipsis),
    ("'a'", "a"), ('"b"', "b"), ("'''x\ny'''", "x\ny"), ('"""q"uote"""', 'q"uote'),
    (r"'tab\there'", "tab\there"), (r"'\n\\\'\"'", "\n\\'\""), (r"'\x41\u00e9\U0001F600\101\0'", "Aé😀A\0"),
    (r"'\N{BULLET}'", "•"), (r"'\d'", "\\d"), (r"r'\d\n'", "\\d\\n"), ("'a' 'b'  \"c\"", "abc"),
    ("('a'\n 'b')", "ab"), ("u'x'", "x"), ("R'\\x'", "\\x"), ("'line\\\ncontinued'", "linecontinued"),
    ("''", ""),
])
def test_literals(source, value):
    node = parse_expression(source)
    assert type(node) is ast.Constant
    assert node.value == value and type(node.value) is type(value)


def test_huge_int_within_pythons_digit_limit():
    assert parse_expression("9" * 4000).value == int("9" * 4000)


@pytest.mark.parametrize("source, expected", [
    ("[]", "ListDisplay([])"),
    ("[1, 2,]", "ListDisplay([Constant(1), Constant(2)])"),
    ("[*a, b]", "ListDisplay([Starred(Name('a')), Name('b')])"),
    ("()", "TupleDisplay([])"),
    ("(1,)", "TupleDisplay([Constant(1)])"),
    ("(1, 2)", "TupleDisplay([Constant(1), Constant(2)])"),
    ("1, 2", "TupleDisplay([Constant(1), Constant(2)])"),
    ("(a)", "Name('a')"),
    ("((a))", "Name('a')"),
    ("{}", "DictDisplay([], [])"),
    ("{'a': 1, b: [2],}", "DictDisplay([Constant('a'), Name('b')], [Constant(1), ListDisplay([Constant(2)])])"),
    ("[x for x in xs]", "ListComp(Name('x'), [Comprehension(Name('x'), Name('xs'), [])])"),
    ("[x * y for x in xs if x if x > 1 for y in f(x)]",
     "ListComp(BinOp('*', Name('x'), Name('y')), [Comprehension(Name('x'), Name('xs'), "
     "[Name('x'), Compare(Name('x'), ['>'], [Constant(1)])]), Comprehension(Name('y'), Call(Name('f'), "
     "[Name('x')], []), [])])"),
    ("[(i, j) for i, j in pairs]", "ListComp(TupleDisplay([Name('i'), Name('j')]), "
                                   "[Comprehension(TupleDisplay([Name('i'), Name('j')]), Name('pairs'), [])])"),
    ("[x if x else 0 for x in xs]", "ListComp(IfExp(Name('x'), Name('x'), Constant(0)), "
                                    "[Comprehension(Name('x'), Name('xs'), [])])"),
    ("(x for x in xs)", "GeneratorExp(Name('x'), [Comprehension(Name('x'), Name('xs'), [])])"),
])
def test_displays_and_comprehensions(source, expected):
    assert expr(source) == expected


# ---------------------------------------------------------------- f-strings

@pytest.mark.parametrize("source, expected", [
    ('f"w={w} loss={loss:.4f}"', "FString(['w=', FormattedValue(Name('w'), None, None), ' loss=', "
                                 "FormattedValue(Name('loss'), None, ['.4f'])])"),
    ('f"{x!r} {x!s} {x!a}"', "FString([FormattedValue(Name('x'), 'r', None), ' ', FormattedValue(Name('x'), 's', "
                             "None), ' ', FormattedValue(Name('x'), 'a', None)])"),
    ('f"{{literal}} {{{x}}}"', "FString(['{literal} {', FormattedValue(Name('x'), None, None), '}'])"),
    ('f"{x:{width}.{prec}f}"', "FString([FormattedValue(Name('x'), None, [FormattedValue(Name('width'), None, "
                               "None), '.', FormattedValue(Name('prec'), None, None), 'f'])])"),
    ('f"{x:>{n}}!"', "FString([FormattedValue(Name('x'), None, ['>', FormattedValue(Name('n'), None, None)]), "
                     "'!'])"),
    ("f\"{d['k']:>5}\"", "FString([FormattedValue(Subscript(Name('d'), Constant('k')), None, ['>5'])])"),
    ('f"{a + b * 2}"', "FString([FormattedValue(BinOp('+', Name('a'), BinOp('*', Name('b'), Constant(2))), "
                       "None, None)])"),
    ('f"{a, b}"', "FString([FormattedValue(TupleDisplay([Name('a'), Name('b')]), None, None)])"),
    ('f"{f(x, y=1)!r:>10}"', "FString([FormattedValue(Call(Name('f'), [Name('x')], [Keyword('y', Constant(1))]), "
                             "'r', ['>10'])])"),
    ('f"{x=}"', "FString(['x=', FormattedValue(Name('x'), 'r', None)])"),
    ('f"{x = :.2f}"', "FString(['x = ', FormattedValue(Name('x'), None, ['.2f'])])"),
    ('f"{a != b} {a == b}"', "FString([FormattedValue(Compare(Name('a'), ['!='], [Name('b')]), None, None), ' ', "
                             "FormattedValue(Compare(Name('a'), ['=='], [Name('b')]), None, None)])"),
    ('f"tab\\t{x}\\n"', "FString(['tab\\t', FormattedValue(Name('x'), None, None), '\\n'])"),
    ('rf"\\d{x}"', "FString(['\\\\d', FormattedValue(Name('x'), None, None)])"),
    ('f"\\N{BULLET} {x}"', "FString(['• ', FormattedValue(Name('x'), None, None)])"),
    ('"a" f"{x}" "b"', "FString(['a', FormattedValue(Name('x'), None, None), 'b'])"),
    ('f"plain"', "FString(['plain'])"),
    ('f""', "FString([])"),
    ('f"{f\'{x}\'}"', "FString([FormattedValue(FString([FormattedValue(Name('x'), None, None)]), None, None)])"),
    ('f"""{\na\n}"""', "FString([FormattedValue(Name('a'), None, None)])"),
])
def test_fstrings(source, expected):
    assert expr(source) == expected


def test_fstring_expressions_carry_their_real_positions():
    node = parse("y = 1\nprint(f'w={w:>{n}} {a + b}')").body[1].value.args[0]
    w = node.parts[1]
    assert (w.line, w.column, w.end_line, w.end_column) == (2, 11, 2, 19)  # the whole {w:>{n}} field
    assert (w.value.line, w.value.column, w.value.end_column) == (2, 12, 13)
    n = w.format_spec[1]
    assert (n.value.line, n.value.column) == (2, 16)


def test_fstring_positions_in_a_triple_quoted_string():
    node = parse_expression('f"""line one\n  {b +\n c}"""')
    field = node.parts[1].value
    assert (field.line, field.column, field.end_line, field.end_column) == (2, 4, 3, 3)
    assert (field.right.line, field.right.column) == (3, 2)


# ---------------------------------------------------------------- positions

def test_positions_are_one_based_with_an_exclusive_end():
    module = parse("x = 1\nif x:\n    y = f(x,\n          2)\nelse: pass\n")
    assign, if_ = module.body
    assert (assign.line, assign.column, assign.end_line, assign.end_column) == (1, 1, 1, 6)
    call = if_.body[0].value
    assert (call.line, call.column, call.end_line, call.end_column) == (3, 9, 4, 13)
    assert (if_.line, if_.column, if_.end_line, if_.end_column) == (2, 1, 5, 11)
    pass_ = if_.orelse[0]
    assert (pass_.line, pass_.column, pass_.end_column) == (5, 7, 11)


@pytest.mark.parametrize("source, span", [
    ("a + b * c", (1, 1, 1, 10)),
    ("f(x)[0]", (1, 1, 1, 8)),
    ("(a, b)", (1, 1, 1, 7)),
    ("a, b", (1, 1, 1, 5)),
    ("x.grad", (1, 1, 1, 7)),
    ("-x", (1, 1, 1, 3)),
    ("'a' 'b'", (1, 1, 1, 8)),
    ("  lambda x: x", (1, 3, 1, 14)),
    ("[1, 2]", (1, 1, 1, 7)),
])
def test_expression_spans(source, span):
    node = parse_expression(source)
    assert (node.line, node.column, node.end_line, node.end_column) == span


def test_the_operand_of_an_operator_points_at_itself():
    binop = parse_expression("aa * bbb")
    assert (binop.right.column, binop.right.end_column) == (6, 9)


def test_first_line_shifts_every_position():
    module = parse("x = 1\ny = (2 +\n  3)", first_line=10)
    assert [s.line for s in module.body] == [10, 11]
    assert module.body[1].end_line == 12


def test_tabs_count_as_one_column():
    node = parse("if x:\n\ty = 1").body[0].body[0]
    assert (node.line, node.column) == (2, 2)


# ---------------------------------------------------------------- the API and the AST helpers

def test_parse_expression_ignores_line_breaks_and_rejects_statements():
    assert expr("1 +\n 2") == "BinOp('+', Constant(1), Constant(2))"
    with pytest.raises(Exception) as info:
        parse_expression("x = 1")
    assert type(info.value).__name__ == "SyntaxError"


def test_nodes_compare_by_shape_not_position():
    assert parse_expression("a+1") == ast.BinOp("+", ast.Name("a"), ast.Constant(1))
    assert parse_expression(" a+1") == parse_expression("a + 1")


def test_iter_child_nodes_walks_lists_in_field_order():
    call = parse_expression("f(a, *b, k=c)")
    assert [dump(n) for n in ast.iter_child_nodes(call)] == [
        "Name('f')", "Name('a')", "Starred(Name('b'))", "Keyword('k', Name('c'))"]


def test_dump_with_positions():
    assert dump(parse_expression("a+1"), positions=True) == (
        "BinOp('+', Name('a' @1:1-1:2), Constant(1 @1:3-1:4) @1:1-1:4)"
    )


def test_every_node_class_has_a_docstring_and_slots():
    classes = [c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, ast.Node)]
    assert len(classes) > 45
    for cls in classes:
        assert cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("), cls
        assert "__slots__" in vars(cls), cls


def test_a_repeated_f_string_or_field_is_parsed_once_and_placed_where_it_stands(monkeypatch):
    from gradlang.language import fstrings, parser

    source = ('print(f"{loss.item():.4f} {w[0] + 1}")\nfor k in range(2):\n'
              '    print(f"step {k}: {loss.item():.4f}", f"{w[0] + 1}")\n'
              '    print(f"step {k}: {loss.item():.4f}", f"{w[0] + 1}")  ;  x = f"{k!r:>{width}} {k=}"\n'
              'y = (f"{k!r:>{width}} {k=}", f"""{k}\n{loss.item():.4f}""")\n'
              'y = (f"{k!r:>{width}} {k=}", f"""{k}\n{loss.item():.4f}""")\n')
    for cache in ("_FIELDS", "_READ"):
        monkeypatch.setattr(parser if cache == "_FIELDS" else fstrings, cache, {})
    fresh = dump(parse(source), positions=True)
    assert set(parser._FIELDS) == {"loss.item()", "w[0] + 1"}  # (a lone name is not kept: made at once)
    # One-line f-strings are kept whole, by their text between the quotes; a multi-line one is not.
    assert {key[0] for key in fstrings._READ} == {"{loss.item():.4f} {w[0] + 1}", "step {k}: {loss.item():.4f}",
                                                 "{w[0] + 1}", "{k!r:>{width}} {k=}"}
    for _ in range(2):  # the strings and fields now come from the caches, moved to each place
        assert dump(parse(source), positions=True) == fresh
    # And without the caches, the same tree.
    monkeypatch.setattr(parser, "_FIELDS_KEPT", 0)
    monkeypatch.setattr(fstrings, "_READ_KEPT", 0)
    monkeypatch.setattr(parser, "_FIELDS", {})
    monkeypatch.setattr(fstrings, "_READ", {})
    assert dump(parse(source), positions=True) == fresh
    assert not parser._FIELDS and not fstrings._READ


def test_a_moved_copy_shares_no_node_with_the_kept_one():
    first = parse('s = f"{a.b(c)[0]:{w}}"\n').body[0].value
    again = parse('\n\ns    = f"{a.b(c)[0]:{w}}"\n').body[0].value
    assert dump(again) == dump(first)
    assert (again.line, again.column) == (first.line + 2, first.column + 3)
    firsts = [n for n in _walk(first)]
    agains = [n for n in _walk(again)]
    assert len(firsts) == len(agains) > 5
    assert not {id(n) for n in firsts} & {id(n) for n in agains}
    for a, b in zip(firsts, agains):
        assert (b.line, b.column, b.end_line, b.end_column) == (a.line + 2, a.column + 3, a.end_line + 2, a.end_column + 3)


def _walk(node):
    yield node
    for child in ast.iter_child_nodes(node):
        yield from _walk(child)
