"""The gradlang abstract syntax tree: what the parser produces and the evaluator consumes.

One class per construct. Every node carries where it came from: `line`, `column`,
`end_line`, `end_column`, 1-based, the end exclusive, so an error can put a caret under
the exact source text. Positions are fields listed after a node's own fields (and may
be given by keyword) and left out of repr and `==` (equal nodes have equal shapes), so
`BinOp("+", a, b)` builds a node (at position 0:0) in tests and tools. The parser gives
every field and the positions positionally: keyword arguments cost it twice the time.

Statements subclass `Stmt`, expressions subclass `Expr`; the helper records (`Param`,
`Arguments`, `Keyword`, `Alias`, `WithItem`, `ExceptHandler`, `Comprehension`) are plain
`Node`s. Operators are the source spelling: `"+"`, `"@"`, `"**"`, `"not in"`, `"is not"`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

POSITION_FIELDS = ("line", "column", "end_line", "end_column")


class EmptyList:
    """The default of a list field: each node gets a new empty list."""

    def __repr__(self) -> str:
        return "[]"


EMPTY_LIST = EmptyList()


def node(cls: type) -> type:
    """Make `cls` an AST node class: slots, and an `__init__` taking its fields, then positions.

    A small stand-in for `dataclass(slots=True)`: dataclasses imports `inspect` (and with it
    `ast`, `tokenize` …), which cost the command ~25 ms at every start.
    """
    annotations = cls.__dict__.get("__annotations__", {})
    own = tuple(annotations)
    fields = getattr(cls, "_fields", ()) + own
    defaults = dict(getattr(cls, "_defaults", {}))
    defaults.update({name: cls.__dict__[name] for name in own if name in cls.__dict__})

    def __init__(self, *args, **kwargs):
        # Compiled on first use: compiling all ~50 at import cost every start ~4 ms, and a
        # script builds only a few kinds of node.
        made.__init__ = init = _make_init(made.__name__, fields, defaults)
        init(self, *args, **kwargs)

    namespace = {key: value for key, value in cls.__dict__.items()
                 if key not in own and key not in ("__dict__", "__weakref__")}
    namespace.update(__slots__=own, __init__=__init__, _fields=fields, _defaults=defaults)
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    return made


def _make_init(class_name: str, fields: tuple[str, ...], defaults: dict):
    """A node class's `__init__`: its fields, then the positions, each stored as given."""
    params, body, scope = ["self"], [], {"EMPTY_LIST": EMPTY_LIST}
    for name in fields:
        if name in defaults:
            scope[f"_default_{name}"] = defaults[name]
            params.append(f"{name}=_default_{name}")
        else:
            params.append(name)
        value = f"[] if {name} is EMPTY_LIST else {name}" if defaults.get(name) is EMPTY_LIST else name
        body.append(f"    self.{name} = {value}")
    params += [f"{name}=0" for name in POSITION_FIELDS]
    body += [f"    self.{name} = {name}" for name in POSITION_FIELDS]
    source = f"def __init__({', '.join(params)}):\n" + "\n".join(body)
    exec(source, scope)  # noqa: S102 - generated from the class's own field names only
    init = scope["__init__"]
    init.__qualname__ = f"{class_name}.__init__"
    return init


class Node:
    """Base of every node: its source span (1-based lines and columns, end exclusive)."""

    __slots__ = POSITION_FIELDS
    _fields: tuple[str, ...] = ()
    _defaults: dict = {}

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({inner})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._fields)

    __hash__ = None  # type: ignore[assignment]  # mutable and compared by shape


@node
class Stmt(Node):
    """Base of statements."""


@node
class Expr(Node):
    """Base of expressions."""


# ---------------------------------------------------------------- module and statements


@node
class Module(Node):
    """A whole program or one top-level chunk: its statements in order."""

    body: list[Stmt]


@node
class ExprStmt(Stmt):
    """An expression evaluated for its effect (the REPL echoes a non-None result)."""

    value: Expr


@node
class Assign(Stmt):
    """`a = b = value`: targets left to right (Name, Attribute, Subscript, TupleDisplay,
    ListDisplay, Starred inside a tuple or list)."""

    targets: list[Expr]
    value: Expr


@node
class AugAssign(Stmt):
    """`target op= value`; `op` is the binary operator without `=` ("+", "**", "@" ...).
    The target is a Name, Attribute or Subscript."""

    target: Expr
    op: str
    value: Expr


@node
class Print(Stmt):
    """The `print e1, e2` statement. `newline` is False after a trailing comma (`print x,`)."""

    values: list[Expr]
    newline: bool = True


@node
class Param(Node):
    """One parameter of a def or lambda: `name[: annotation][= default]`."""

    name: str
    default: Expr | None = None
    annotation: Expr | None = None


@node
class Arguments(Node):
    """A parameter list: `def f(a, b=1, *args, c, d=2, **kwargs)`.

    `args` are the positional-or-keyword parameters, `vararg` is `*args`, `kwonlyargs`
    follow `*` or `*args`, `kwarg` is `**kwargs`.
    """

    args: list[Param] = EMPTY_LIST
    vararg: Param | None = None
    kwonlyargs: list[Param] = EMPTY_LIST
    kwarg: Param | None = None


@node
class FunctionDef(Stmt):
    """`def name(args) [-> returns]: body`, after its `@decorator` lines (top first); the
    position is the `def`'s, as in Python."""

    name: str
    args: Arguments
    body: list[Stmt]
    returns: Expr | None = None
    decorators: list[Expr] = EMPTY_LIST


@node
class Return(Stmt):
    """`return [value]`; `return a, b` returns a TupleDisplay."""

    value: Expr | None = None


@node
class If(Stmt):
    """`if test: body else: orelse`; an `elif` is an If alone in `orelse`."""

    test: Expr
    body: list[Stmt]
    orelse: list[Stmt] = EMPTY_LIST


@node
class While(Stmt):
    """`while test: body [else: orelse]` (orelse runs when the loop ends without break)."""

    test: Expr
    body: list[Stmt]
    orelse: list[Stmt] = EMPTY_LIST


@node
class For(Stmt):
    """`for target in iter: body [else: orelse]`."""

    target: Expr
    iter: Expr
    body: list[Stmt]
    orelse: list[Stmt] = EMPTY_LIST


@node
class Break(Stmt):
    """`break` (only inside a loop; the parser checks)."""


@node
class Continue(Stmt):
    """`continue` (only inside a loop; the parser checks)."""


@node
class Pass(Stmt):
    """`pass`."""


@node
class WithItem(Node):
    """One `context_expr [as optional_vars]` of a with statement."""

    context_expr: Expr
    optional_vars: Expr | None = None


@node
class With(Stmt):
    """`with a as x, b: body`."""

    items: list[WithItem]
    body: list[Stmt]


@node
class ExceptHandler(Node):
    """`except [type [as name]]: body`; `type` is None for a bare except, a TupleDisplay
    for `except (A, B)`."""

    type: Expr | None
    name: str | None
    body: list[Stmt]


@node
class Try(Stmt):
    """`try: body` with handlers, `else: orelse`, `finally: finalbody` (each may be empty)."""

    body: list[Stmt]
    handlers: list[ExceptHandler] = EMPTY_LIST
    orelse: list[Stmt] = EMPTY_LIST
    finalbody: list[Stmt] = EMPTY_LIST


@node
class Raise(Stmt):
    """`raise [exc [from cause]]`."""

    exc: Expr | None = None
    cause: Expr | None = None


@node
class Assert(Stmt):
    """`assert test [, msg]`."""

    test: Expr
    msg: Expr | None = None


@node
class Alias(Node):
    """`name [as asname]` in an import; `name` may be dotted (`torch.autograd`) or `*`."""

    name: str
    asname: str | None = None


@node
class Import(Stmt):
    """`import a.b as c, d`."""

    names: list[Alias]


@node
class ImportFrom(Stmt):
    """`from module import a as b, c` (module is dotted)."""

    module: str
    names: list[Alias]


@node
class Global(Stmt):
    """`global x, y`."""

    names: list[str]


@node
class Nonlocal(Stmt):
    """`nonlocal x, y` (only inside a function; the parser checks)."""

    names: list[str]


@node
class Delete(Stmt):
    """`del a, b[0], c.d`."""

    targets: list[Expr]


# ---------------------------------------------------------------- expressions


@node
class Name(Expr):
    """A variable reference (or binding, as a target)."""

    id: str


@node
class Constant(Expr):
    """A literal: int, float, str, True, False, None, or Ellipsis for `...`."""

    value: Any


@node
class FormattedValue(Expr):
    """A `{value!conversion:format_spec}` field of an f-string.

    `conversion` is None, "r", "s" or "a"; `format_spec` is None or the spec's parts
    (str and FormattedValue, for nested fields like `{x:{width}.4f}`).
    """

    value: Expr
    conversion: str | None = None
    format_spec: list[str | FormattedValue] | None = None


@node
class FString(Expr):
    """An f-string (adjacent literals already joined): literal text and fields in order."""

    parts: list[str | FormattedValue]


@node
class ListDisplay(Expr):
    """`[a, b, *c]`."""

    elts: list[Expr]


@node
class TupleDisplay(Expr):
    """`(a, b)`, `a, b`, `(a,)`, `()`; also the index of `m[0, 1]`."""

    elts: list[Expr]


@node
class DictDisplay(Expr):
    """`{k1: v1, k2: v2}`."""

    keys: list[Expr]
    values: list[Expr]


@node
class SetDisplay(Expr):
    """`{e1, e2, *rest}`."""

    elts: list[Expr]


@node
class Comprehension(Node):
    """One `for target in iter if cond1 if cond2` clause."""

    target: Expr
    iter: Expr
    ifs: list[Expr] = EMPTY_LIST


@node
class ListComp(Expr):
    """`[elt for ... in ... if ...]` (several clauses: nested loops, outermost first)."""

    elt: Expr
    generators: list[Comprehension]


@node
class SetComp(Expr):
    """`{elt for ... in ... if ...}`."""

    elt: Expr
    generators: list[Comprehension]


@node
class DictComp(Expr):
    """`{key: value for ... in ... if ...}`."""

    key: Expr
    value: Expr
    generators: list[Comprehension]


@node
class GeneratorExp(Expr):
    """`(elt for ...)`, also the sole argument in `sum(x*x for x in xs)`."""

    elt: Expr
    generators: list[Comprehension]


@node
class Attribute(Expr):
    """`value.attr`."""

    value: Expr
    attr: str


@node
class Slice(Expr):
    """`lower:upper:step` inside a subscript (any part may be None)."""

    lower: Expr | None = None
    upper: Expr | None = None
    step: Expr | None = None


@node
class Subscript(Expr):
    """`value[index]`; the index is an expression, a Slice, or a TupleDisplay of them
    (`m[:, 1]`)."""

    value: Expr
    index: Expr


@node
class Starred(Expr):
    """`*value` in a call's arguments, a list/tuple display, or an assignment target."""

    value: Expr


@node
class Keyword(Node):
    """A keyword argument `arg=value`; `arg` is None for `**value`."""

    arg: str | None
    value: Expr


@node
class Call(Expr):
    """`func(args..., keywords...)`; `args` may hold Starred (`*xs`)."""

    func: Expr
    args: list[Expr] = EMPTY_LIST
    keywords: list[Keyword] = EMPTY_LIST


@node
class BinOp(Expr):
    """`left op right` for `+ - * / // % @ ** | ^ & << >>`."""

    op: str
    left: Expr
    right: Expr


@node
class UnaryOp(Expr):
    """`op operand` for `- + ~ not`."""

    op: str
    operand: Expr


@node
class BoolOp(Expr):
    """`a and b and c` / `a or b`: op is "and" or "or", values has two or more items."""

    op: str
    values: list[Expr]


@node
class Compare(Expr):
    """`left op1 c1 op2 c2 ...` (a chain: `a < b < c`); ops are "<", "<=", ">", ">=",
    "==", "!=", "in", "not in", "is", "is not"."""

    left: Expr
    ops: list[str]
    comparators: list[Expr]


@node
class IfExp(Expr):
    """`body if test else orelse`."""

    test: Expr
    body: Expr
    orelse: Expr


@node
class Lambda(Expr):
    """`lambda args: body`."""

    args: Arguments
    body: Expr


Target = Name | Attribute | Subscript | TupleDisplay | ListDisplay | Starred

def node_fields(item: Node) -> tuple[str, ...]:
    """The names of a node's own fields (its position fields left out), in order."""
    return item._fields


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


def shifted(value: Any, lines: int, columns: int) -> Any:
    """A copy of `value` (a node, a list of nodes and plain values, or a plain value) whose
    positions all move by `lines` and `columns`: a single-line piece of source parsed once
    and met again elsewhere (a repeated f-string or field) is placed where it stands."""
    shift = _SHIFTERS.get(type(value))
    if shift is None:
        if not isinstance(value, Node):
            return value
        shift = _SHIFTERS[type(value)] = _make_shifter(type(value))
    return shift(value, lines, columns)


def _shifted_list(items: list, lines: int, columns: int) -> list:
    return [shifted(item, lines, columns) for item in items]


_SHIFTERS: dict[type, Any] = {list: _shifted_list}


def _make_shifter(cls: type):
    """`shifted` for one node class, written out field by field (a loop over `_fields`
    with getattr and setattr took twice the time: f-strings in loops move many nodes)."""
    body = ["    copy = new(cls)"]
    body += [f"    copy.{name} = shifted(value.{name}, lines, columns)" for name in cls._fields]
    body += [f"    copy.{name} = value.{name} + {'lines' if 'line' in name else 'columns'}"
             for name in POSITION_FIELDS]
    source = "def shift(value, lines, columns):\n" + "\n".join(body) + "\n    return copy"
    scope = {"new": object.__new__, "cls": cls, "shifted": shifted}
    exec(source, scope)  # noqa: S102 - generated from the class's own field names only
    return scope["shift"]


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
