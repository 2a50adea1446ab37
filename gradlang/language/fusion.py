"""Compiles a run of statements into one Python function, so a loop body makes one call per
run instead of one closure call per statement, operator, name and attribute.

The compiler (compiler.py) asks for a fused function for each run of simple statements
and each compound expression in code that runs repeatedly. The function is generated Python
source over values and helpers it reaches as closure variables: no name or text of the
program becomes Python code except attribute and keyword names, which are checked to be
plain identifiers. Anything not handled here (f-strings, lambdas, comprehensions, starred
arguments, compound statements) stays the compiler's closure, called from the generated code.

Errors still point at the operator, call, attribute or index that raised them: the
function carries a `_where` default like the compiler's closures, a `FusedSites` that
maps the instruction that raised (Python 3.11's column positions) to the AST node whose
generated text encloses it most closely. Where Python records no columns (3.10, or
PYTHONNODEBUGRANGES) the compiler keeps its closures.
"""

from __future__ import annotations

import sys

from ..core.tensor import Tensor
from . import guards
from . import syntax as S
from .builtins import SPECIAL_ATTRIBUTES, special_attribute
from .runtime import BREAK, CONTINUE, RETURN
from .sandbox import TENSOR_ATTRIBUTES, Namespace, check_callable, check_subscriptable, get_attribute


def _columns_recorded() -> bool:
    """Whether compiled code knows its instructions' columns: Python 3.11 and later, unless
    PYTHONNODEBUGRANGES or -X no_debug_ranges turned them off."""
    if sys.version_info < (3, 11):
        return False
    return any(column is not None for _, _, column, _ in compile("a + b", "", "eval").co_positions())


AVAILABLE = _columns_recorded()

_SUBSCRIPTABLE = frozenset({Tensor, list, tuple, dict, str})
_COMPARE = frozenset({"<", "<=", ">", ">=", "==", "!=", "is", "is not", "in", "not in"})
_UNARY = frozenset({"-", "+", "~"})
# Marks around a located node's text while it is being generated: START index OPEN ... CLOSE.
_START, _OPEN, _CLOSE = "\x01", "\x02", "\x03"


# What generated code may use besides the program's own values.
_HELPERS = {
    "_type": type, "_callable": callable, "_Tensor": Tensor, "_Namespace": Namespace, "_SUB": _SUBSCRIPTABLE,
    "_getattr": get_attribute, "_special": special_attribute, "_cc": check_callable, "_cs": check_subscriptable,
    "_BREAK": BREAK, "_CONTINUE": CONTINUE, "_RETURN": RETURN,
}
# The operators that could make an enormous value (guards.py) are calls; the others are inline.
_GUARDED = {op: f"_guarded{i}" for i, op in enumerate(guards.BINARY)}
_HELPERS.update({name: guards.BINARY[op] for op, name in _GUARDED.items()})


class FusedSites:
    """A fused function's `_where`: which AST node each of its instructions belongs to."""

    __slots__ = ("spans", "nodes", "origin")

    def __init__(self, spans: list[tuple[int, int, int]], nodes: list, origin) -> None:
        self.spans = spans  # per located node, its generated text's line and (start, end) columns
        self.nodes = nodes
        self.origin = origin

    def at(self, code, offset: int):
        """(node, origin) for the instruction at byte `offset` of `code`, or None."""
        positions = list(code.co_positions())
        index = offset // 2
        if not 0 <= index < len(positions):
            return None
        line, _end_line, start, end = positions[index]
        if start is None:
            return None
        best = None  # the smallest enclosing text: the innermost node
        for i, (span_line, low, high) in enumerate(self.spans):
            if span_line == line and low <= start and end <= high and (best is None or high - low < best[0]):
                best = (high - low, i)
        return None if best is None else (self.nodes[best[1]], self.origin)


# The generated source: the body's lines start at line _FIRST_LINE, indented by _INDENT. Values
# and helpers reach the body as the factory's variables (closure cells): keyword defaults would
# be copied into every call's frame, one dict lookup each.
_FACTORY = """def factory(_where, {parameters}):
    def fused(env, _where=_where):
{body}
    return fused
"""
_FIRST_LINE, _INDENT = 3, " " * 8
_factories: dict[str, tuple] = {}  # generated body -> (factory, spans): same shapes share code


def fuse(compiler, node: S.Expr, scope):
    """The fused `value(env)` of `node`, or None where fusing would save nothing (a bare name
    or constant is one closure call already)."""
    if not isinstance(node, _COMPOUND):
        return None
    generator = _Generator(compiler)
    return generator.build([f"return {generator.expression(node, scope)}"])


def fuse_block(compiler, body: list[S.Stmt], scope) -> list:
    """`run(env) -> signal` functions for `body`: each run of simple statements (assignments,
    expressions, returns …) becomes one fused function; compound ones compile as before."""
    parts: list = []
    run: list[S.Stmt] = []

    def flush():
        if run:
            generator = _Generator(compiler)
            fused = generator.build([generator.statement(stmt, scope) for stmt in run])
            if fused is not None:
                parts.append(compiler.located(fused, run[0]))  # its sites name each statement
            else:
                parts.extend(compiler.statement(stmt, scope) for stmt in run)
            run.clear()

    for stmt in body:
        if isinstance(stmt, _COMPOUND_STATEMENTS):
            flush()
            parts.append(compiler.statement(stmt, scope))
            continue
        run.append(stmt)
        if isinstance(stmt, _ENDS_RUN):
            flush()
    flush()
    return parts


class _Generator:
    """The generated text of one expression, the values it refers to and its located nodes."""

    def __init__(self, compiler) -> None:
        self.compiler = compiler
        self.values: list = []  # bound as _b0, _b1, ...: each appears once in the text
        self.sites: list = []
        self.temps = 0
        self.holds = False  # whether the statement being generated uses the holder `_h`

    def build(self, lines: list[str]):
        """The fused function whose body is `lines` (marked text, see _located), or None."""
        body, spans = _strip_marks(lines)
        made = _factories.get(body)
        if made is None:
            names = [*(f"_b{i}" for i in range(len(self.values))), *_HELPERS, "_G"]
            source = _FACTORY.format(parameters=", ".join(names), body=body)
            try:
                code = compile(source, "<gradlang>", "exec")
            except (SyntaxError, RecursionError, MemoryError):
                return None  # nested deeper than Python's parser allows: the caller keeps closures
            namespace: dict = {}
            exec(code, namespace)  # noqa: S102 - our own generated code
            made = _factories[body] = (namespace["factory"], spans)
        factory, spans = made
        where = FusedSites(spans, self.sites, self.compiler.origin)
        return factory(where, *self.values, *_HELPERS.values(), self.compiler.globals)

    # ------------------------------------------------------------ statements

    def statement(self, node: S.Stmt, scope) -> str:
        """One line of Python for a simple statement, located at the statement."""
        method = getattr(self, "_stmt_" + type(node).__name__, None)
        if self.compiler.echoing_blocks and type(node) is S.ExprStmt:
            method = None  # the REPL shows its value: the compiler's echoing closure
        first_temp = self.temps + 1
        self.holds = False
        text = method(node, scope) if method is not None else None
        if text is None:  # the compiler's closure of the statement (it returns no signal)
            text = f"{self._bind(self.compiler.statement_closure(node, scope))}(env)"
        line = self._located(node, text)
        temporaries = [f"_t{i}" for i in range(first_temp, self.temps + 1)] + (["_h"] if self.holds else [])
        if temporaries and not isinstance(node, _ENDS_RUN):
            # What the statement's temporaries hold (the last bound method or holder …) is let
            # go with the statement, not when the run returns.
            line += "; " + " = ".join(temporaries) + " = None"
        return line

    def _stmt_ExprStmt(self, node: S.ExprStmt, scope) -> str:
        return self.expression(node.value, scope)

    def _stmt_Pass(self, node, scope) -> str:
        return "pass"

    def _stmt_Break(self, node, scope) -> str:
        return "return _BREAK"

    def _stmt_Continue(self, node, scope) -> str:
        return "return _CONTINUE"

    def _stmt_Return(self, node: S.Return, scope) -> str:
        value = self.expression(node.value, scope) if node.value is not None else "None"
        return f"env.returned = {value}; return _RETURN"

    def _stmt_Assign(self, node: S.Assign, scope) -> str:
        value = self.expression(node.value, scope)
        if len(node.targets) == 1:
            return self._store(node.targets[0], value, scope)
        t = self._temp()
        return "; ".join([f"{t} = {value}", *(self._store(target, t, scope) for target in node.targets)])

    def _store(self, target: S.Expr, value: str, scope) -> str:
        """A statement binding `value` (text evaluated first, as in Python) to `target`."""
        if isinstance(target, S.Name):
            depth = self.compiler._resolve(target.id, scope)
            if depth is None:
                return f"_G[{ascii(target.id)}] = {value}"
            if depth == 0:
                return f"env.vars[{ascii(target.id)}] = {value}"
        return f"{self._bind(self.compiler.store(target, scope))}(env, {value})"

    def _stmt_AugAssign(self, node: S.AugAssign, scope) -> str | None:
        target = node.target
        if not isinstance(target, S.Name) or self.compiler._resolve(target.id, scope) not in (None, 0):
            return None
        t = self._temp()
        current = self.expression(target, scope)
        value = self.expression(node.value, scope)
        if node.op in guards.IN_PLACE:
            update = f"{t} = {self._bind(guards.IN_PLACE[node.op])}({t}, {value})"
        else:
            update = f"{t} {node.op}= {value}"
        return f"{t} = {current}; {update}; {self._store(target, t, scope)}"

    # ------------------------------------------------------------ expressions

    def _bind(self, value) -> str:
        self.values.append(value)
        return f"_b{len(self.values) - 1}"

    def _temp(self) -> str:
        self.temps += 1
        return f"_t{self.temps}"

    def _holder(self) -> str:
        """The one temporary for the value an attribute, index or call is taken from. Each
        use replaces the last one's value, which Python has on its stack by then, so an
        intermediate (`(a * b).sum()`) is let go as soon as the next one is taken, as with
        closures, instead of when the statement ends."""
        self.holds = True
        return "_h"

    def _located(self, node: S.Node, text: str) -> str:
        self.sites.append(node)
        return f"{_START}{len(self.sites) - 1}{_OPEN}{text}{_CLOSE}"

    def _closure(self, node: S.Expr, scope) -> str:
        """A call of the compiler's closure for `node` (it locates its own errors)."""
        return f"{self._bind(self.compiler.closure(node, scope))}(env)"

    def expression(self, node: S.Expr, scope) -> str:
        method = getattr(self, "_" + type(node).__name__, None)
        text = method(node, scope) if method is not None else None
        return text if text is not None else self._closure(node, scope)

    def _Constant(self, node: S.Constant, scope) -> str:
        return self._bind(node.value)

    def _Name(self, node: S.Name, scope) -> str | None:
        depth = self.compiler._resolve(node.id, scope)
        if depth is not None and depth != 0:
            return None
        key = ascii(node.id)
        missing = self._closure(node, scope)  # a built-in, or the NameError with its hint
        if depth is None:
            return f"(_G[{key}] if {key} in _G else {missing})"
        variables = self._temp()
        return f"({variables}[{key}] if {key} in ({variables} := env.vars) else {missing})"

    def _BinOp(self, node: S.BinOp, scope) -> str | None:
        op = node.op
        left, right = self.expression(node.left, scope), self.expression(node.right, scope)
        if op not in _GUARDED:
            return self._located(node, f"({left} {op} {right})")
        # A call, not inline code with temporaries: an operand (a big array, maybe) is let go
        # as soon as the operation is done, as Python's own evaluation does.
        return self._located(node, f"{_GUARDED[op]}({left}, {right})")

    def _UnaryOp(self, node: S.UnaryOp, scope) -> str | None:
        operand = self.expression(node.operand, scope)
        if node.op == "not":
            return f"(not {operand})"
        if node.op in _UNARY:
            return self._located(node, f"({node.op}{operand})")
        return None

    def _BoolOp(self, node: S.BoolOp, scope) -> str:
        return "(" + f" {node.op} ".join(self.expression(v, scope) for v in node.values) + ")"

    def _Compare(self, node: S.Compare, scope) -> str | None:
        if not all(op in _COMPARE for op in node.ops):
            return None
        parts = [self.expression(node.left, scope)]
        for op, comparator in zip(node.ops, node.comparators):
            parts += [op, self.expression(comparator, scope)]
        return self._located(node, "(" + " ".join(parts) + ")")

    def _IfExp(self, node: S.IfExp, scope) -> str:
        test, body, orelse = (self.expression(n, scope) for n in (node.test, node.body, node.orelse))
        return f"({body} if {test} else {orelse})"

    def _Attribute(self, node: S.Attribute, scope) -> str | None:
        attr = node.attr
        if attr.startswith("_") and attr not in SPECIAL_ATTRIBUTES:
            return None  # always an AttributeError: the compiler's closure says so
        holder, key = self.expression(node.value, scope), ascii(attr)
        if attr in SPECIAL_ATTRIBUTES:
            return self._located(node, f"_special({holder}, {key})")
        t = self._holder()

        def member(first: str) -> str:
            """A module's member read inline; other values go through the sandbox (_getattr)."""
            inline = f"{t}.members[{key}] if _type({first}) is _Namespace and {key} in {t}.members"
            return f"{inline} else _getattr({t}, {key})"

        if attr in TENSOR_ATTRIBUTES and _plain_identifier(attr):
            return self._located(node, f"({t}.{attr} if _type({t} := {holder}) is _Tensor else {member(t)})")
        return self._located(node, f"({member(f'{t} := {holder}')})")

    def _Subscript(self, node: S.Subscript, scope) -> str | None:
        index = self._index(node.index, scope)
        if index is None:
            return None
        t = self._holder()
        holder = self.expression(node.value, scope)
        return self._located(node, f"({t} if _type({t} := {holder}) in _SUB else _cs({t}))[{index}]")

    def _index(self, node: S.Expr, scope) -> str | None:
        if isinstance(node, S.Slice):
            return self._slice(node, scope)
        if isinstance(node, S.TupleDisplay) and any(isinstance(e, S.Slice) for e in node.elts):
            if any(isinstance(e, S.Starred) for e in node.elts):
                return None
            parts = [self._slice(e, scope) if isinstance(e, S.Slice) else self.expression(e, scope) for e in node.elts]
            return ", ".join(parts) + ("," if len(parts) == 1 else "")
        return self.expression(node, scope)

    def _slice(self, node: S.Slice, scope) -> str:
        parts = [self.expression(p, scope) if p is not None else "" for p in (node.lower, node.upper, node.step)]
        return ":".join(parts)

    def _Call(self, node: S.Call, scope) -> str | None:
        if any(isinstance(a, S.Starred) for a in node.args):
            return None
        names = [k.arg for k in node.keywords]
        if any(name is None or not _plain_identifier(name) for name in names) or len(set(names)) != len(names):
            return None  # `**mapping`, or a repeated keyword the compiler's closure reports at the call
        t = self._holder()
        function = self.expression(node.func, scope)
        arguments = [self.expression(a, scope) for a in node.args]
        arguments += [f"{k.arg}={self.expression(k.value, scope)}" for k in node.keywords]
        return self._located(node, f"({t} if _callable({t} := {function}) else _cc({t}))({', '.join(arguments)})")

    def _ListDisplay(self, node: S.ListDisplay, scope) -> str | None:
        if any(isinstance(e, S.Starred) for e in node.elts):
            return None
        return "[" + ", ".join(self.expression(e, scope) for e in node.elts) + "]"

    def _TupleDisplay(self, node: S.TupleDisplay, scope) -> str | None:
        if any(isinstance(e, (S.Starred, S.Slice)) for e in node.elts):
            return None
        items = [self.expression(e, scope) for e in node.elts]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"

    def _DictDisplay(self, node: S.DictDisplay, scope) -> str | None:
        if any(k is None for k in node.keys):
            return None
        pairs = [f"{self.expression(k, scope)}: {self.expression(v, scope)}" for k, v in zip(node.keys, node.values)]
        return "{" + ", ".join(pairs) + "}"


_COMPOUND = (S.BinOp, S.UnaryOp, S.BoolOp, S.Compare, S.IfExp, S.Attribute, S.Subscript, S.Call)
# Statements whose blocks send signals (break, return …) are not fused; these end a fused run.
_COMPOUND_STATEMENTS = (S.If, S.While, S.For, S.Try, S.With)
_ENDS_RUN = (S.Return, S.Break, S.Continue)


def _plain_identifier(name: str) -> bool:
    import keyword  # here: only code that runs repeatedly is fused, and a start-up needs none

    return name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


def _strip_marks(lines: list[str]) -> tuple[str, list[tuple[int, int, int]]]:
    """The body's text without its site marks, and each site's line and (start, end) columns."""
    out: list[str] = []
    spans: dict[int, tuple[int, int, int]] = {}
    for number, marked in enumerate(lines, _FIRST_LINE):
        out.append(_INDENT)
        stack: list[tuple[int, int]] = []
        column = len(_INDENT)
        i = 0
        while i < len(marked):
            char = marked[i]
            if char == _START:
                close = marked.index(_OPEN, i)
                stack.append((int(marked[i + 1:close]), column))
                i = close + 1
                continue
            if char == _CLOSE:
                index, start = stack.pop()
                spans[index] = (number, start, column)
            else:
                out.append(char)
                column += 1
            i += 1
        out.append("\n")
    return "".join(out), [spans[i] for i in range(len(spans))]
