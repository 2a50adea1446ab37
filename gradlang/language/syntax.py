"""The gradlang abstract syntax tree: what the parser produces and the evaluator consumes.

One class per construct. Every node carries where it came from: `line`, `column`,
`end_line`, `end_column`, 1-based, the end exclusive, so an error can put a caret under
the exact source text. Positions are keyword-only fields listed after a node's own
fields and left out of repr and `==` (equal nodes have equal shapes), so
`BinOp("+", a, b)` builds a node (at position 0:0) in tests and tools.

Statements subclass `Stmt`, expressions subclass `Expr`; the helper records (`Param`,
`Arguments`, `Keyword`, `Alias`, `WithItem`, `ExceptHandler`, `Comprehension`) are plain
`Node`s. Operators are the source spelling: `"+"`, `"@"`, `"**"`, `"not in"`, `"is not"`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any


# repr and == are written once here, not generated per class: importing stays quick.
@dataclass(slots=True, kw_only=True, repr=False, eq=False)
class Node:
    """Base of every node: its source span (1-based lines and columns, end exclusive)."""

    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in node_fields(self))
        return f"{type(self).__name__}({inner})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in node_fields(self))

    __hash__ = None  # type: ignore[assignment]  # mutable and compared by shape, as dataclasses do


@dataclass(slots=True, repr=False, eq=False)
class Stmt(Node):
    """Base of statements."""


@dataclass(slots=True, repr=False, eq=False)
class Expr(Node):
    """Base of expressions."""


# ---------------------------------------------------------------- module and statements


@dataclass(slots=True, repr=False, eq=False)
class Module(Node):
    """A whole program or one top-level chunk: its statements in order."""

    body: list[Stmt]


@dataclass(slots=True, repr=False, eq=False)
class ExprStmt(Stmt):
    """An expression evaluated for its effect (the REPL echoes a non-None result)."""

    value: Expr


@dataclass(slots=True, repr=False, eq=False)
class Assign(Stmt):
    """`a = b = value`: targets left to right (Name, Attribute, Subscript, TupleDisplay,
    ListDisplay, Starred inside a tuple or list)."""

    targets: list[Expr]
    value: Expr


@dataclass(slots=True, repr=False, eq=False)
class AugAssign(Stmt):
    """`target op= value`; `op` is the binary operator without `=` ("+", "**", "@" ...).
    The target is a Name, Attribute or Subscript."""

    target: Expr
    op: str
    value: Expr


@dataclass(slots=True, repr=False, eq=False)
class Print(Stmt):
    """The `print e1, e2` statement. `newline` is False after a trailing comma (`print x,`)."""

    values: list[Expr]
    newline: bool = True


@dataclass(slots=True, repr=False, eq=False)
class Param(Node):
    """One parameter of a def or lambda: `name[: annotation][= default]`."""

    name: str
    default: Expr | None = None
    annotation: Expr | None = None


@dataclass(slots=True, repr=False, eq=False)
class Arguments(Node):
    """A parameter list: `def f(a, b=1, *args, c, d=2, **kwargs)`.

    `args` are the positional-or-keyword parameters, `vararg` is `*args`, `kwonlyargs`
    follow `*` or `*args`, `kwarg` is `**kwargs`.
    """

    args: list[Param] = field(default_factory=list)
    vararg: Param | None = None
    kwonlyargs: list[Param] = field(default_factory=list)
    kwarg: Param | None = None


@dataclass(slots=True, repr=False, eq=False)
class FunctionDef(Stmt):
    """`def name(args) [-> returns]: body`."""

    name: str
    args: Arguments
    body: list[Stmt]
    returns: Expr | None = None


@dataclass(slots=True, repr=False, eq=False)
class Return(Stmt):
    """`return [value]`; `return a, b` returns a TupleDisplay."""

    value: Expr | None = None


@dataclass(slots=True, repr=False, eq=False)
class If(Stmt):
    """`if test: body else: orelse`; an `elif` is an If alone in `orelse`."""

    test: Expr
    body: list[Stmt]
    orelse: list[Stmt] = field(default_factory=list)


@dataclass(slots=True, repr=False, eq=False)
class While(Stmt):
    """`while test: body [else: orelse]` (orelse runs when the loop ends without break)."""

    test: Expr
    body: list[Stmt]
    orelse: list[Stmt] = field(default_factory=list)


@dataclass(slots=True, repr=False, eq=False)
class For(Stmt):
    """`for target in iter: body [else: orelse]`."""

    target: Expr
    iter: Expr
    body: list[Stmt]
    orelse: list[Stmt] = field(default_factory=list)


@dataclass(slots=True, repr=False, eq=False)
class Break(Stmt):
    """`break` (only inside a loop; the parser checks)."""


@dataclass(slots=True, repr=False, eq=False)
class Continue(Stmt):
    """`continue` (only inside a loop; the parser checks)."""


@dataclass(slots=True, repr=False, eq=False)
class Pass(Stmt):
    """`pass`."""


@dataclass(slots=True, repr=False, eq=False)
class WithItem(Node):
    """One `context_expr [as optional_vars]` of a with statement."""

    context_expr: Expr
    optional_vars: Expr | None = None


@dataclass(slots=True, repr=False, eq=False)
class With(Stmt):
    """`with a as x, b: body`."""

    items: list[WithItem]
    body: list[Stmt]


@dataclass(slots=True, repr=False, eq=False)
class ExceptHandler(Node):
    """`except [type [as name]]: body`; `type` is None for a bare except, a TupleDisplay
    for `except (A, B)`."""

    type: Expr | None
    name: str | None
    body: list[Stmt]


@dataclass(slots=True, repr=False, eq=False)
class Try(Stmt):
    """`try: body` with handlers, `else: orelse`, `finally: finalbody` (each may be empty)."""

    body: list[Stmt]
    handlers: list[ExceptHandler] = field(default_factory=list)
    orelse: list[Stmt] = field(default_factory=list)
    finalbody: list[Stmt] = field(default_factory=list)


@dataclass(slots=True, repr=False, eq=False)
class Raise(Stmt):
    """`raise [exc [from cause]]`."""

    exc: Expr | None = None
    cause: Expr | None = None


@dataclass(slots=True, repr=False, eq=False)
class Assert(Stmt):
    """`assert test [, msg]`."""

    test: Expr
    msg: Expr | None = None


@dataclass(slots=True, repr=False, eq=False)
class Alias(Node):
    """`name [as asname]` in an import; `name` may be dotted (`torch.autograd`) or `*`."""

    name: str
    asname: str | None = None


@dataclass(slots=True, repr=False, eq=False)
class Import(Stmt):
    """`import a.b as c, d`."""

    names: list[Alias]


@dataclass(slots=True, repr=False, eq=False)
class ImportFrom(Stmt):
    """`from module import a as b, c` (module is dotted)."""

    module: str
    names: list[Alias]


@dataclass(slots=True, repr=False, eq=False)
class Global(Stmt):
    """`global x, y`."""

    names: list[str]


@dataclass(slots=True, repr=False, eq=False)
class Nonlocal(Stmt):
    """`nonlocal x, y` (only inside a function; the parser checks)."""

    names: list[str]


@dataclass(slots=True, repr=False, eq=False)
class Delete(Stmt):
    """`del a, b[0], c.d`."""

    targets: list[Expr]


# ---------------------------------------------------------------- expressions


@dataclass(slots=True, repr=False, eq=False)
class Name(Expr):
    """A variable reference (or binding, as a target)."""

    id: str


@dataclass(slots=True, repr=False, eq=False)
class Constant(Expr):
    """A literal: int, float, str, True, False, None, or Ellipsis for `...`."""

    value: Any


@dataclass(slots=True, repr=False, eq=False)
class FormattedValue(Expr):
    """A `{value!conversion:format_spec}` field of an f-string.

    `conversion` is None, "r", "s" or "a"; `format_spec` is None or the spec's parts
    (str and FormattedValue, for nested fields like `{x:{width}.4f}`).
    """

    value: Expr
    conversion: str | None = None
    format_spec: list[str | FormattedValue] | None = None


@dataclass(slots=True, repr=False, eq=False)
class FString(Expr):
    """An f-string (adjacent literals already joined): literal text and fields in order."""

    parts: list[str | FormattedValue]


@dataclass(slots=True, repr=False, eq=False)
class ListDisplay(Expr):
    """`[a, b, *c]`."""

    elts: list[Expr]


@dataclass(slots=True, repr=False, eq=False)
class TupleDisplay(Expr):
    """`(a, b)`, `a, b`, `(a,)`, `()`; also the index of `m[0, 1]`."""

    elts: list[Expr]


@dataclass(slots=True, repr=False, eq=False)
class DictDisplay(Expr):
    """`{k1: v1, k2: v2}`."""

    keys: list[Expr]
    values: list[Expr]


@dataclass(slots=True, repr=False, eq=False)
class Comprehension(Node):
    """One `for target in iter if cond1 if cond2` clause."""

    target: Expr
    iter: Expr
    ifs: list[Expr] = field(default_factory=list)


@dataclass(slots=True, repr=False, eq=False)
class ListComp(Expr):
    """`[elt for ... in ... if ...]` (several clauses: nested loops, outermost first)."""

    elt: Expr
    generators: list[Comprehension]


@dataclass(slots=True, repr=False, eq=False)
class GeneratorExp(Expr):
    """`(elt for ...)`, also the sole argument in `sum(x*x for x in xs)`."""

    elt: Expr
    generators: list[Comprehension]


@dataclass(slots=True, repr=False, eq=False)
class Attribute(Expr):
    """`value.attr`."""

    value: Expr
    attr: str


@dataclass(slots=True, repr=False, eq=False)
class Slice(Expr):
    """`lower:upper:step` inside a subscript (any part may be None)."""

    lower: Expr | None = None
    upper: Expr | None = None
    step: Expr | None = None


@dataclass(slots=True, repr=False, eq=False)
class Subscript(Expr):
    """`value[index]`; the index is an expression, a Slice, or a TupleDisplay of them
    (`m[:, 1]`)."""

    value: Expr
    index: Expr


@dataclass(slots=True, repr=False, eq=False)
class Starred(Expr):
    """`*value` in a call's arguments, a list/tuple display, or an assignment target."""

    value: Expr


@dataclass(slots=True, repr=False, eq=False)
class Keyword(Node):
    """A keyword argument `arg=value`; `arg` is None for `**value`."""

    arg: str | None
    value: Expr


@dataclass(slots=True, repr=False, eq=False)
class Call(Expr):
    """`func(args..., keywords...)`; `args` may hold Starred (`*xs`)."""

    func: Expr
    args: list[Expr] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)


@dataclass(slots=True, repr=False, eq=False)
class BinOp(Expr):
    """`left op right` for `+ - * / // % @ ** | ^ & << >>`."""

    op: str
    left: Expr
    right: Expr


@dataclass(slots=True, repr=False, eq=False)
class UnaryOp(Expr):
    """`op operand` for `- + ~ not`."""

    op: str
    operand: Expr


@dataclass(slots=True, repr=False, eq=False)
class BoolOp(Expr):
    """`a and b and c` / `a or b`: op is "and" or "or", values has two or more items."""

    op: str
    values: list[Expr]


@dataclass(slots=True, repr=False, eq=False)
class Compare(Expr):
    """`left op1 c1 op2 c2 ...` (a chain: `a < b < c`); ops are "<", "<=", ">", ">=",
    "==", "!=", "in", "not in", "is", "is not"."""

    left: Expr
    ops: list[str]
    comparators: list[Expr]


@dataclass(slots=True, repr=False, eq=False)
class IfExp(Expr):
    """`body if test else orelse`."""

    test: Expr
    body: Expr
    orelse: Expr


@dataclass(slots=True, repr=False, eq=False)
class Lambda(Expr):
    """`lambda args: body`."""

    args: Arguments
    body: Expr


Target = Name | Attribute | Subscript | TupleDisplay | ListDisplay | Starred

_POSITION_FIELDS = frozenset(("line", "column", "end_line", "end_column"))


def node_fields(node: Node) -> tuple[str, ...]:
    """The names of a node's own fields (its position fields left out), in order."""
    cls = type(node)
    names = _FIELDS_CACHE.get(cls)
    if names is None:
        names = tuple(f.name for f in fields(cls) if f.name not in _POSITION_FIELDS)
        _FIELDS_CACHE[cls] = names
    return names


_FIELDS_CACHE: dict[type, tuple[str, ...]] = {}


def iter_child_nodes(node: Node) -> Iterator[Node]:
    """The nodes directly inside `node` (in lists too), in field order."""
    for name in node_fields(node):
        value = getattr(node, name)
        if isinstance(value, Node):
            yield value
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Node):
                    yield item


def dump(node: Any, positions: bool = False) -> str:
    """A compact one-line rendering, like `ast.dump`: `BinOp('+', Name('x'), Constant(1))`.

    Positions are left out unless asked for (then each node ends with `@line:col-line:col`).
    """
    if isinstance(node, Node):
        inner = ", ".join(dump(getattr(node, name), positions) for name in node_fields(node))
        where = f" @{node.line}:{node.column}-{node.end_line}:{node.end_column}" if positions else ""
        return f"{type(node).__name__}({inner}{where})"
    if isinstance(node, list):
        return "[" + ", ".join(dump(item, positions) for item in node) + "]"
    if node is Ellipsis:
        return "..."
    return repr(node)
