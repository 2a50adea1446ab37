"""Properties of the front end as a whole: any input gives an AST or a SyntaxError_ and
nothing else; expressions parse as Python parses them; big scripts parse; the LALR table
cache behaves; the grammar ships inside the package."""

from __future__ import annotations

import ast as pyast
import marshal
import os
import string
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradlang.errors import SyntaxError_
from gradlang.language import tables
from gradlang.language.ast_builders import make_reducer
from gradlang.language.lexer import Lexer
from gradlang.language.parser import is_incomplete, parse, parse_expression, split_top_level
from gradlang.language.syntax import Module, dump

REPO = Path(__file__).resolve().parents[2]

# Fragments that reach deep into the grammar when thrown together at random.
FRAGMENTS = [
    "if ", "x", "y", ":", "\n", "    ", "\t", "(", ")", "[", "]", "{", "}", '"s"', "'t'", '"""', 'f"{x}"', 'f"{',
    "{x!r:>{n}}", "=", "==", ",", "print", " ", "lambda", "def f(", "return", "for ", " in ", "else", "elif ",
    "try", "except", "finally", "*", "**", ".", "1", "1.5", "1e", "#", "\\", "\\\n", "not ", " and ", ";", "with ",
    " as ", "import ", "from ", "del ", "@", "-", "0", "_", "pass", "while ", "break", "+=", " is ", "<", "None",
    "...", "~", "global ", "nonlocal ", "assert ", "raise ", "class ", "é", "€", "\r\n",
]


def parses_or_raises_syntax_error(source: str) -> None:
    try:
        assert isinstance(parse(source), Module)
    except SyntaxError_ as exc:
        assert isinstance(exc.line, int) and isinstance(exc.column, int) and exc.column >= 1
        assert exc.message
    try:
        parse_expression(source)
    except SyntaxError_:
        pass
    assert is_incomplete(source) in (True, False)
    for first_line, text in split_top_level(source):
        try:
            parse(text, first_line=first_line)
        except SyntaxError_ as exc:
            assert exc.line >= first_line


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=string.printable, max_size=60))
def test_random_printable_input_parses_or_is_a_syntax_error(source):
    parses_or_raises_syntax_error(source)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=20).map("".join))
def test_random_token_soup_parses_or_is_a_syntax_error(source):
    parses_or_raises_syntax_error(source)


# Where names, string prefixes, `print`, numbers and operators meet.
LEXER_FRAGMENTS = FRAGMENTS + [
    "rb", "Rb", "u", "f", "fr", "printx", "xprint", "print (", "print\t(", "//=", "**=", ">>=", "<==", "...5", ".5",
    "-1", "a.5", "+=", "'", '"', "x\"", "1if", "1abc", "0x1F", "$",
]
LARK_ORDER_LEXER = Lexer(tables.get_tables().terminal_definitions, fast_first=False)


def tokens_or_error(lexer: Lexer, source: str):
    try:
        return lexer.tokenize(source)
    except SyntaxError_ as exc:
        return type(exc), exc.message, exc.line, exc.column


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LEXER_FRAGMENTS), max_size=20).map("".join))
def test_names_and_operators_tried_first_lex_as_in_larks_order(source):
    lexer = tables.get_tables().lexer
    assert lexer.master.pattern != LARK_ORDER_LEXER.master.pattern  # the grammar still allows the fast order
    assert tokens_or_error(lexer, source) == tokens_or_error(LARK_ORDER_LEXER, source)


# ---------------------------------------------------------------- expressions, checked against Python

BINARY = ["+", "-", "*", "/", "//", "%", "@", "**", "|", "^", "&", "<<", ">>"]
COMPARISON = ["<", "<=", ">", ">=", "==", "!=", "in", "not in", "is", "is not"]
PY_OPERATORS = {
    pyast.Add: "+", pyast.Sub: "-", pyast.Mult: "*", pyast.Div: "/", pyast.FloorDiv: "//", pyast.Mod: "%",
    pyast.MatMult: "@", pyast.Pow: "**", pyast.BitOr: "|", pyast.BitXor: "^", pyast.BitAnd: "&",
    pyast.LShift: "<<", pyast.RShift: ">>", pyast.USub: "-", pyast.UAdd: "+", pyast.Invert: "~",
    pyast.Not: "not", pyast.And: "and", pyast.Or: "or", pyast.Lt: "<", pyast.LtE: "<=", pyast.Gt: ">",
    pyast.GtE: ">=", pyast.Eq: "==", pyast.NotEq: "!=", pyast.In: "in", pyast.NotIn: "not in", pyast.Is: "is",
    pyast.IsNot: "is not",
}


def python_dump(node: pyast.AST) -> str:
    """Python's AST of an expression, written the way `syntax.dump` writes ours."""
    d, op = python_dump, lambda n: repr(PY_OPERATORS[type(n)])
    match node:
        case pyast.BinOp(left, o, right):
            return f"BinOp({op(o)}, {d(left)}, {d(right)})"
        case pyast.UnaryOp(o, operand):
            return f"UnaryOp({op(o)}, {d(operand)})"
        case pyast.BoolOp(o, values):
            return f"BoolOp({op(o)}, [{', '.join(map(d, values))}])"
        case pyast.Compare(left, ops, comparators):
            return f"Compare({d(left)}, [{', '.join(map(op, ops))}], [{', '.join(map(d, comparators))}])"
        case pyast.IfExp(test, body, orelse):
            return f"IfExp({d(test)}, {d(body)}, {d(orelse)})"
        case pyast.Call(func, args, []):
            return f"Call({d(func)}, [{', '.join(map(d, args))}], [])"
        case pyast.Attribute(value, attr):
            return f"Attribute({d(value)}, {attr!r})"
        case pyast.Subscript(value, index):
            return f"Subscript({d(value)}, {d(index)})"
        case pyast.List(elts):
            return f"ListDisplay([{', '.join(map(d, elts))}])"
        case pyast.Tuple(elts):
            return f"TupleDisplay([{', '.join(map(d, elts))}])"
        case pyast.Lambda(pyast.arguments(args=[pyast.arg(name)]), body):
            return f"Lambda(Arguments([Param({name!r}, None, None)], None, [], None), {d(body)})"
        case pyast.Name(name):
            return f"Name({name!r})"
        case pyast.Constant(value):
            return f"Constant({value!r})"
    raise AssertionError(pyast.dump(node))


def _compound(children):
    pairs = st.tuples(children, children)
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY), children).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(children, st.sampled_from(COMPARISON), children).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(children, st.sampled_from(["and", "or"]), children).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(st.sampled_from(["-", "+", "~", "not "]), children).map("".join),
        st.tuples(children, children, children).map(lambda t: f"{t[0]} if {t[1]} else {t[2]}"),
        children.map(lambda c: f"lambda x: {c}"),
        children.map(lambda c: f"({c})"),
        st.tuples(children, st.lists(children, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(children, st.sampled_from(["a", "T", "grad"])).map(lambda t: f"{t[0]}.{t[1]}"),
        pairs.map(lambda t: f"{t[0]}[{t[1]}]"),
        st.lists(children, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        pairs.map(lambda t: f"({t[0]}, {t[1]})"),
    )


EXPRESSIONS = st.recursive(
    st.sampled_from(["a", "b", "x", "1", "2", "0", "1.5", "3.", "True", "None", "'s'"]), _compound, max_leaves=10)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_expressions_parse_as_python_parses_them(source):
    try:
        expected = python_dump(pyast.parse(source, mode="eval").body)
    except SyntaxError:
        with pytest.raises(SyntaxError_):
            parse_expression(source)
        return
    assert dump(parse_expression(source)) == expected


# ---------------------------------------------------------------- size

def generated_script(lines: int) -> str:
    out: list[str] = []
    i = 0
    while len(out) < lines:
        kind = i % 4
        if kind == 0:
            out.append(f"x{i + 1} = x{i} * 2.0 + 1")
        elif kind == 1:
            out.append(f"y = f(x{i}, 3)")
        elif kind == 2:
            out += [f"if x{i} > 3:", "    z = 1"]
        else:
            out.append(f"print(x{i})")
        i += 1
    return "\n".join(out) + "\n"


def test_a_20000_line_script_parses():
    module = parse(generated_script(20_000))
    assert len(module.body) == 16_000
    assert module.body[-1].end_line == 20_000


# ---------------------------------------------------------------- the table cache and the packaged grammar

def run_python(code: str, cache_dir: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, GRADLANG_CACHE_DIR=cache_dir)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=120)


PARSE_AND_REPORT = (
    "import sys\n"
    "from gradlang.language.parser import parse\n"
    "from gradlang.language.syntax import dump\n"
    "print(dump(parse('x = 1 + 2')))\n"
    "print('lark' in sys.modules)\n"
)


def test_the_first_run_writes_the_cache_and_later_runs_do_not_import_lark(tmp_path):
    first = run_python(PARSE_AND_REPORT, str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert first.stdout.split("\n")[:2] == ["Module([Assign([Name('x')], BinOp('+', Constant(1), Constant(2)))])",
                                            "True"]
    cached = list(tmp_path.glob("grammar-*.marshal"))
    assert len(cached) == 1
    second = run_python(PARSE_AND_REPORT, str(tmp_path))
    assert second.returncode == 0, second.stderr
    assert second.stdout.split("\n")[1] == "False"


def test_a_cache_dir_that_cannot_be_written_is_no_error(tmp_path):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    result = run_python(PARSE_AND_REPORT, str(not_a_dir / "cache"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Module([Assign(")


def test_a_cache_file_made_from_another_grammar_is_not_used(tmp_path):
    assert run_python(PARSE_AND_REPORT, str(tmp_path)).returncode == 0
    (cached,) = tmp_path.glob("grammar-*.marshal")
    data = marshal.loads(cached.read_bytes())
    data["grammar"] += "// changed"
    data["states"] = []
    cached.write_bytes(marshal.dumps(data))
    result = run_python(PARSE_AND_REPORT, str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[1] == "True"  # rebuilt with Lark
    assert marshal.loads(cached.read_bytes())["states"]


def test_a_corrupt_cache_file_is_rebuilt(tmp_path):
    assert run_python(PARSE_AND_REPORT, str(tmp_path)).returncode == 0
    (cached,) = tmp_path.glob("grammar-*.marshal")
    cached.write_bytes(b"\x00not marshal")
    result = run_python(PARSE_AND_REPORT, str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert marshal.loads(cached.read_bytes())["format"] == tables.TABLE_FORMAT


def test_the_grammar_ships_inside_the_package():
    packaged = resources.files("gradlang.language").joinpath("gradlang.lark").read_text(encoding="utf-8")
    assert packaged == (REPO / "grammar" / "gradlang.lark").read_text(encoding="utf-8")
    assert Path(tables.GRAMMAR_PATH).read_text(encoding="utf-8") == packaged


def test_every_rule_of_the_grammar_has_a_builder():
    data = tables.build_tables_with_lark(Path(tables.GRAMMAR_PATH).read_text(encoding="utf-8"))
    for origin, expansion, alias, expand1, empty in data["rules"]:
        make_reducer(origin, expansion, alias, expand1, empty)  # raises for a missing builder
