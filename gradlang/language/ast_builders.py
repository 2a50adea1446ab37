"""The AST nodes (`syntax.py`) each grammar rule builds, as the LALR driver reduces it.

One function per rule or alias of the grammar: it receives the rule's children (tokens
and already built nodes; `None` where an optional `[...]` part is absent) and returns the
node. Helper rules (`_x` and the ones Lark makes for `*` and `+`) are spliced into
their parent, as Lark does. `make_reducer` turns a rule of the tables into what the driver
calls, so that building costs one call per reduction and a `?rule` with one child none.
The checks Python makes while building (parameter order, repeated keywords, assignment
targets) happen here too, so that the error points at the first offending node.
"""

from __future__ import annotations

from operator import itemgetter

from gradlang.language import syntax as ast
from gradlang.language.checks import check_target, describe, node_error, token_error
from gradlang.language.fstrings import EscapeError, ParseField, decode_escapes, read_fstring, split_string_token
from gradlang.language.lexer import is_terminal


def _no_field_parser(text: str, line: int, column: int) -> ast.Expr:
    raise RuntimeError("f-string fields are parsed by gradlang.language.parser, which is not imported")


# An f-string's `{field}` is an expression: parsing it takes the whole parser, which is built
# on these builders. parser.py hands its field parser over when it is imported, so that the
# imports still point one way (parser → tables → ast_builders).
_parse_fstring_field: ParseField = _no_field_parser


def use_fstring_field_parser(parse_field: ParseField) -> None:
    global _parse_fstring_field
    _parse_fstring_field = parse_field


_BUILDERS: dict[str, object] = {}


def _builds(*names: str):
    def register(function):
        for name in names:
            _BUILDERS[name] = function
        return function

    return register


def _grow(children: list) -> list:
    """`__x_star: __x_star item...`: the list made so far grows by the new items."""
    first = children[0]
    first.extend(children[1:])
    return first


def _grow_by_one(children: list) -> list:
    first, item = children
    first.append(item)
    return first


def make_reducer(origin: str, expansion: list[str], alias: str | None, expand1: bool,
                  empty_indices: list[bool] | None) -> tuple[int, str, object]:
    """(number of children, rule name, function from children to value); the function is
    None for a `?rule` with a single child (the child is the value)."""
    size = len(expansion)
    if origin.startswith("_"):
        # A helper rule's value: a list of its children, to be inlined into the parent's
        # (`list` copies in C: cheaper to call than a function returning its argument).
        build = list
    elif expand1 and not alias and size == 1 and not empty_indices:
        return size, origin, None
    else:
        try:
            build = _BUILDERS[alias or origin]
        except KeyError:
            raise RuntimeError(f"gradlang.lark: no AST builder for rule {alias or origin!r}") from None
    spliced = [i for i, sym in enumerate(expansion) if sym.startswith("_") and not is_terminal(sym)]
    if not spliced and not empty_indices:
        return size, origin, build
    if spliced == [0] and expansion[0] == origin and not empty_indices:
        return size, origin, _grow_by_one if size == 2 else _grow
    # A left-recursive helper (`__x_star: __x_star item`) grows its first child in place:
    # copying the list made so far at each step would take quadratic time.
    grow_first = spliced[:1] == [0] and not (empty_indices and empty_indices[0])
    steps = []  # (index in the children, splice it? else a None goes before it), right to left
    index = 0
    for empty in empty_indices or [False] * size:
        if empty:
            steps.append((index, False))
        else:
            if index in spliced and not (grow_first and index == 0):
                steps.append((index, True))
            index += 1
    steps.reverse()  # so that the indices still to do stay valid
    if len(steps) == 1 and not grow_first:  # the commonest: one helper list, or one absent part
        ((i, splice),) = steps
        if splice:
            def splice_one(children: list, i=i, j=i + 1, build=build):
                children[i:j] = children[i]
                return build(children)

            return size, origin, splice_one

        def fill_one(children: list, i=i, build=build):
            children.insert(i, None)
            return build(children)

        return size, origin, fill_one

    def assemble(children: list, steps=steps, build=build, grow_first=grow_first):
        for i, splice in steps:
            if splice:
                children[i:i + 1] = children[i]
            else:
                children.insert(i, None)
        if grow_first:
            first = children[0]
            first += children[1:]
            children = first
        return build(children)

    return size, origin, assemble


def _span(first, last) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) from the start of `first` to the end of `last`,
    each a node or a token (a tuple: type, value, line, column, end_line, end_column)."""
    if isinstance(first, tuple):
        line, column = first[2], first[3]
    else:
        line, column = first.line, first.column
    if isinstance(last, tuple):
        return line, column, last[4], last[5]
    return line, column, last.end_line, last.end_column


def _last(children: list):
    for child in reversed(children):
        if child is not None:
            return child
    raise AssertionError("empty rule")


def _flatten_statements(items) -> list[ast.Stmt]:
    body: list[ast.Stmt] = []
    for item in items:
        if type(item) is list:
            body.extend(item)
        elif item is not None and not isinstance(item, tuple):  # not a token (`;`, a line break)
            body.append(item)
    return body


# ---------------------------------------------------------------- statements

@_builds("module")
def _build_module(c):
    body = _flatten_statements(c)
    if not body:
        return ast.Module([], 1, 1, 1, 1)
    return ast.Module(body, *_span(body[0], body[-1]))


# Builders that pick children are itemgetters: C, cheaper to call than a function.
_builds("expression_input")(itemgetter(0))


@_builds("simple_stmt")
def _build_simple_stmt(c):
    return c[0] if len(c) == 2 else c[0:-1:2]  # a statement, or a list of them (`a; b`)


@_builds("suite")
def _build_suite(c):
    if len(c) == 1:  # a simple statement on the same line
        return c[0] if type(c[0]) is list else [c[0]]
    return _flatten_statements(c[2:-1])


@_builds("expr_stmt")
def _build_expr_stmt(c):
    value = c[0]
    if type(value) is ast.Starred:
        raise node_error("can't use starred expression here", value)
    return ast.ExprStmt(value, value.line, value.column, value.end_line, value.end_column)


@_builds("assign")
def _build_assign(c):
    first, _, value = c
    if type(first) is ast.Assign:  # `a = b = value`: b becomes a target too
        target = first.value
        targets = first.targets
        targets.append(target)
    else:
        target = first
        targets = [target]
    if type(target) is not ast.Name:
        check_target(target, "assign", top=True)
    if type(value) is ast.Starred:
        raise node_error("can't use starred expression here", value)
    return ast.Assign(targets, value, first.line, first.column, value.end_line, value.end_column)


@_builds("augassign")
def _build_augassign(c):
    target, op, value = c
    if type(target) not in (ast.Name, ast.Attribute, ast.Subscript):
        raise node_error(f"'{describe(target)}' is an illegal expression for augmented assignment", target)
    return ast.AugAssign(target, op[1][:-1], value, *_span(target, value))


@_builds("annassign")
def _build_annassign(c):
    target, _, _, _, value = c
    if type(target) not in (ast.Name, ast.Attribute, ast.Subscript):
        if type(target) in (ast.TupleDisplay, ast.ListDisplay):
            raise node_error(f"only single target (not {describe(target)}) can be annotated", target)
        raise node_error("illegal target for annotation", target)
    if value is None:
        return ast.Pass(*_span(target, c[2]))
    if type(value) is ast.Starred:
        raise node_error("can't use starred expression here", value)
    return ast.Assign([target], value, *_span(target, value))


@_builds("print_stmt")
def _build_print_stmt(c):
    values = [x for x in c[1:] if isinstance(x, ast.Expr)]
    last = _last(c)
    newline = not (isinstance(last, tuple) and last[1] == ",")  # a trailing comma token
    return ast.Print(values, newline, *_span(c[0], last))


@_builds("pass_stmt")
def _build_pass(c):
    return ast.Pass(*_span(c[0], c[0]))


@_builds("break_stmt")
def _build_break(c):
    return ast.Break(*_span(c[0], c[0]))


@_builds("continue_stmt")
def _build_continue(c):
    return ast.Continue(*_span(c[0], c[0]))


@_builds("return_stmt")
def _build_return(c):
    if type(c[1]) is ast.Starred:
        raise node_error("can't use starred expression here", c[1])
    return ast.Return(c[1], *_span(c[0], _last(c)))


@_builds("raise_stmt")
def _build_raise(c):
    return ast.Raise(c[1], c[3], *_span(c[0], _last(c)))


@_builds("assert_stmt")
def _build_assert(c):
    return ast.Assert(c[1], c[3], *_span(c[0], _last(c)))


@_builds("del_stmt")
def _build_del(c):
    targets = c[1].elts if type(c[1]) is ast.TupleDisplay else [c[1]]
    for target in targets:
        check_target(target, "del")
    return ast.Delete(targets, *_span(c[0], c[1]))


@_builds("global_stmt")
def _build_global(c):
    return ast.Global([t[1] for t in c[1::2]], *_span(c[0], c[-1]))


@_builds("nonlocal_stmt")
def _build_nonlocal(c):
    return ast.Nonlocal([t[1] for t in c[1::2]], *_span(c[0], c[-1]))


@_builds("import_name")
def _build_import_name(c):
    return ast.Import(c[1::2], *_span(c[0], c[-1]))


@_builds("dotted_as_name")
def _build_dotted_as_name(c):
    alias = c[0]
    if c[2] is not None:
        alias.asname = c[2][1]
        alias.end_line, alias.end_column = c[2][4], c[2][5]
    return alias


@_builds("dotted_name")
def _build_dotted_name(c):
    return ast.Alias("".join(t[1] for t in c), None, *_span(c[0], c[-1]))


@_builds("import_from")
def _build_import_from(c):
    return ast.ImportFrom(c[1].name, c[3], *_span(c[0], c[3][-1] if c[3] else c[2]))


@_builds("import_star")
def _build_import_star(c):
    return [ast.Alias("*", None, *_span(c[0], c[0]))]


_builds("import_targets")(itemgetter(1))  # "(" import_as_names ")"


@_builds("import_as_names")
def _build_import_as_names(c):
    return [x for x in c if type(x) is ast.Alias]


@_builds("import_as_name")
def _build_import_as_name(c):
    return ast.Alias(c[0][1], c[2][1] if c[2] is not None else None, *_span(c[0], _last(c)))


@_builds("if_stmt")
def _build_if(c):
    body = c[3]
    elifs = c[4:-3]
    orelse = c[-1] or []
    for clause in reversed(elifs):
        clause.orelse = orelse
        if orelse:
            clause.end_line, clause.end_column = orelse[-1].end_line, orelse[-1].end_column
        orelse = [clause]
    end = orelse[-1] if orelse else body[-1]
    return ast.If(c[1], body, orelse, *_span(c[0], end))


@_builds("elif_clause")
def _build_elif(c):
    return ast.If(c[1], c[3], [], *_span(c[0], c[3][-1]))


@_builds("while_stmt")
def _build_while(c):
    orelse = c[6] or []
    return ast.While(c[1], c[3], orelse, *_span(c[0], (orelse or c[3])[-1]))


@_builds("for_stmt")
def _build_for(c):
    check_target(c[1], "for")
    orelse = c[8] or []
    return ast.For(c[1], c[3], c[5], orelse, *_span(c[0], (orelse or c[5])[-1]))


@_builds("with_stmt")
def _build_with(c):
    items = [x for x in c[1:-2] if type(x) is ast.WithItem]
    return ast.With(items, c[-1], *_span(c[0], c[-1][-1]))


@_builds("with_item")
def _build_with_item(c):
    if c[2] is not None:
        check_target(c[2], "with")
    return ast.WithItem(c[0], c[2], *_span(c[0], _last(c)))


@_builds("try_stmt")
def _build_try(c):
    handlers = c[3:-6]
    for handler in handlers[:-1]:
        if handler.type is None:
            raise node_error("default 'except:' must be last", handler)
    orelse = c[-4] or []
    finalbody = c[-1] or []
    end = (finalbody or orelse or handlers[-1].body)[-1]
    return ast.Try(c[2], handlers, orelse, finalbody, *_span(c[0], end))


@_builds("try_finally")
def _build_try_finally(c):
    return ast.Try(c[2], [], [], c[5], *_span(c[0], c[5][-1]))


@_builds("except_clause")
def _build_except(c):
    return ast.ExceptHandler(c[1], c[3][1] if c[3] is not None else None, c[5], *_span(c[0], c[5][-1]))


@_builds("funcdef")
def _build_funcdef(c):
    args = c[3] if c[3] is not None else ast.Arguments([], None, [], None, *_span(c[2], c[4]))
    return ast.FunctionDef(c[1][1], args, c[8], c[6], [], *_span(c[0], c[8][-1]))


@_builds("decorated")
def _build_decorated(c):
    function = c[-1]
    function.decorators = c[:-1]
    return function


_builds("decorator")(itemgetter(1))  # "@" expression line break


@_builds("parameters", "lambda_parameters")
def _build_parameters(c):
    return _arguments(c[::2])  # (the commas between)


@_builds("parameter")
def _build_parameter(c):
    name, _, annotation, _, default = c
    return ("arg", ast.Param(name[1], default, annotation, *_span(name, _last(c))), name)


@_builds("star_parameter", "lambda_star_parameter")
def _build_star_parameter(c):
    if c[1] is None:
        return ("star", None, c[0])
    annotation = c[3] if len(c) > 2 else None
    return ("star", ast.Param(c[1][1], None, annotation, *_span(c[1], _last(c))), c[0])


@_builds("double_star_parameter", "lambda_double_star_parameter")
def _build_double_star_parameter(c):
    annotation = c[3] if len(c) > 2 else None
    return ("double_star", ast.Param(c[1][1], None, annotation, *_span(c[1], _last(c))), c[0])


@_builds("lambda_parameter")
def _build_lambda_parameter(c):
    name, _, default = c
    return ("arg", ast.Param(name[1], default, None, *_span(name, _last(c))), name)


def _arguments(items: list[tuple]) -> ast.Arguments:
    """Check the order of a parameter list (as Python does) and build Arguments."""
    args: list[ast.Param] = []
    kwonly: list[ast.Param] = []
    vararg = kwarg = None
    seen_star = seen_default = False
    names: set[str] = set()
    for kind, param, tok in items:
        if kwarg is not None:
            raise token_error("arguments cannot follow var-keyword argument", tok)
        if param is not None:
            if param.name in names:
                raise node_error(f"duplicate argument '{param.name}' in function definition", param)
            names.add(param.name)
        if kind == "arg":
            if seen_star:
                kwonly.append(param)
            else:
                if param.default is not None:
                    seen_default = True
                elif seen_default:
                    raise node_error("parameter without a default follows parameter with a default", param)
                args.append(param)
        elif kind == "star":
            if seen_star:
                raise token_error("* argument may appear only once", tok)
            seen_star = True
            vararg = param
        else:
            kwarg = param
    if seen_star and vararg is None and not kwonly:
        star = next(tok for kind, param, tok in items if kind == "star")
        raise token_error("named arguments must follow bare *", star)
    return ast.Arguments(args, vararg, kwonly, kwarg, *_span(items[0][2], items[-1][1] or items[-1][2]))


# ---------------------------------------------------------------- expressions

@_builds("tuple")
def _build_tuple(c):
    elts = c[::2]
    return ast.TupleDisplay(elts, *_span(c[0], _last(c)))


@_builds("star_expr")
def _build_star_expr(c):
    return ast.Starred(c[1], *_span(c[0], c[1]))


@_builds("ifexp")
def _build_ifexp(c):
    return ast.IfExp(c[2], c[0], c[4], *_span(c[0], c[4]))


@_builds("lambdef")
def _build_lambda(c):
    args = c[1] if c[1] is not None else ast.Arguments([], None, [], None, *_span(c[0], c[0]))
    return ast.Lambda(args, c[3], *_span(c[0], c[3]))


@_builds("or_test")
def _build_or(c):
    return ast.BoolOp("or", c[::2], *_span(c[0], c[-1]))


@_builds("and_test")
def _build_and(c):
    return ast.BoolOp("and", c[::2], *_span(c[0], c[-1]))


@_builds("not_op")
def _build_not(c):
    return ast.UnaryOp("not", c[1], *_span(c[0], c[1]))


@_builds("comparison")
def _build_comparison(c):
    first, last = c[0], c[-1]
    return ast.Compare(first, c[1::2], c[2::2], first.line, first.column, last.end_line, last.end_column)


@_builds("comp_op")
def _build_comp_op(c):
    return c[0][1] if len(c) == 1 else c[0][1] + " " + c[1][1]


@_builds("binop")
def _build_binop(c):
    left, op, right = c
    return ast.BinOp(op[1], left, right, left.line, left.column, right.end_line, right.end_column)


@_builds("unaryop")
def _build_unaryop(c):
    op, operand = c
    return ast.UnaryOp(op[1], operand, op[2], op[3], operand.end_line, operand.end_column)


@_builds("call")
def _build_call(c):
    func, _, arguments, close = c
    args, keywords = arguments if arguments is not None else ([], [])
    return ast.Call(func, args, keywords, func.line, func.column, close[4], close[5])


@_builds("arguments")
def _build_arguments(c):
    items = c[::2]  # (the commas between)
    for item in items:
        if item is None or type(item) is ast.Keyword or type(item) is ast.Starred:
            break
    else:  # the commonest: positional arguments only
        return items, []
    args: list[ast.Expr] = []
    keywords: list[ast.Keyword] = []
    seen_names: set[str] = set()
    double_star = False
    for item in items:
        if item is None:
            continue
        if type(item) is ast.Keyword:
            if item.arg is None:
                double_star = True
            else:
                if item.arg in seen_names:
                    raise node_error(f"keyword argument repeated: {item.arg}", item)
                seen_names.add(item.arg)
            keywords.append(item)
        elif keywords:
            if type(item) is ast.Starred:
                if double_star:
                    raise node_error("iterable argument unpacking follows keyword argument unpacking", item)
                args.append(item)
            elif double_star:
                raise node_error("positional argument follows keyword argument unpacking", item)
            else:
                raise node_error("positional argument follows keyword argument", item)
        else:
            args.append(item)
    return args, keywords


@_builds("generator_argument")
def _build_generator_argument(c):
    return [ast.GeneratorExp(c[0], c[1:], *_span(c[0], c[-1]))], []


@_builds("keyword_argument")
def _build_keyword_argument(c):
    name, _, value = c
    if type(name) is not ast.Name:
        raise node_error('expression cannot contain assignment, perhaps you meant "=="?', name)
    return ast.Keyword(name.id, value, name.line, name.column, value.end_line, value.end_column)


@_builds("star_argument")
def _build_star_argument(c):
    return ast.Starred(c[1], *_span(c[0], c[1]))


@_builds("double_star_argument")
def _build_double_star_argument(c):
    return ast.Keyword(None, c[1], *_span(c[0], c[1]))


@_builds("subscript")
def _build_subscript(c):
    value, _, index, close = c
    return ast.Subscript(value, index, value.line, value.column, close[4], close[5])


@_builds("slice")
def _build_slice(c):
    lower, colon, upper, _, step = c
    return ast.Slice(lower, upper, step, *_span(lower or colon, _last(c)))


@_builds("attribute")
def _build_attribute(c):
    value, _, name = c
    return ast.Attribute(value, name[1], value.line, value.column, name[4], name[5])


@_builds("name")
def _build_name(c):
    _, name, line, column, end_line, end_column = c[0]
    return ast.Name(name, line, column, end_line, end_column)


@_builds("int")
def _build_int(c):
    tok = c[0]
    _, text, line, column, end_line, end_column = tok
    try:
        if len(text) > 1 and text[0] == "0" and text[1] in "0123456789_":
            if text.strip("0_"):
                raise token_error("leading zeros in decimal integer literals are not permitted; "
                                   "use an 0o prefix for octal integers", tok)
            value = 0
        else:
            value = int(text, 0)
    except ValueError as exc:  # beyond Python's limit on digits
        raise token_error(f"{exc}".split(":")[0], tok) from None
    return ast.Constant(value, line, column, end_line, end_column)


@_builds("float")
def _build_float(c):
    _, text, line, column, end_line, end_column = c[0]
    return ast.Constant(float(text), line, column, end_line, end_column)


def _keyword_constant(rule: str, value) -> None:
    """`None`, `True`, `False` and `...`: a Constant spanning the one keyword token."""

    @_builds(rule)
    def build(c):
        return ast.Constant(value, *_span(c[0], c[0]))


for _rule, _value in (("none", None), ("true", True), ("false", False), ("ellipsis", Ellipsis)):
    _keyword_constant(_rule, _value)


@_builds("strings")
def _build_strings(c):
    parts: list = []
    is_fstring = False
    for tok in c:
        prefix, body, offset = split_string_token(tok[1])
        raw = "r" in prefix
        if "b" in prefix:
            raise token_error("bytes literals are not supported", tok)
        if "f" in prefix:
            is_fstring = True
            new_parts = read_fstring(body, raw, tok[2], tok[3] + offset, _parse_fstring_field)
        else:
            try:
                new_parts = [body if raw else decode_escapes(body)]
            except EscapeError as exc:
                raise token_error(exc.message, tok) from None
        for part in new_parts:  # str or FormattedValue (whose == is a Python call: not used)
            if type(part) is str:
                if not part:
                    continue
                if parts and type(parts[-1]) is str:
                    parts[-1] += part
                    continue
            parts.append(part)
    span = _span(c[0], c[-1])
    if is_fstring:
        return ast.FString(parts, *span)
    return ast.Constant(parts[0] if parts else "", *span)


@_builds("empty_tuple")
def _build_empty_tuple(c):
    return ast.TupleDisplay([], *_span(c[0], c[1]))


@_builds("parenthesized")
def _build_parenthesized(c):
    inner = c[1]
    if type(inner) is ast.Starred:
        raise node_error("cannot use starred expression here", inner)
    if type(inner) is ast.TupleDisplay:  # `(a, b)`: the tuple's span takes in the parentheses
        inner.line, inner.column, inner.end_line, inner.end_column = _span(c[0], c[2])
    return inner


@_builds("generator")
def _build_generator(c):
    return ast.GeneratorExp(c[1], c[2:-1], *_span(c[0], c[-1]))


@_builds("list")
def _build_list(c):
    _, _, line, column, _, _ = c[0]
    _, _, _, _, end_line, end_column = c[2]
    return ast.ListDisplay(c[1] or [], line, column, end_line, end_column)


_builds("list_items", "dict_items")(itemgetter(slice(None, None, 2)))  # (the commas between)


@_builds("list_comprehension")
def _build_list_comprehension(c):
    return ast.ListComp(c[1], c[2:-1], *_span(c[0], c[-1]))


@_builds("set")
def _build_set(c):
    return ast.SetDisplay(c[1], *_span(c[0], c[2]))


@_builds("set_comprehension")
def _build_set_comprehension(c):
    return ast.SetComp(c[1], c[2:-1], *_span(c[0], c[-1]))


@_builds("dict_comprehension")
def _build_dict_comprehension(c):
    return ast.DictComp(c[1], c[3], c[4:-1], *_span(c[0], c[-1]))


@_builds("dict")
def _build_dict(c):
    items = c[1] or []
    return ast.DictDisplay([k for k, _ in items], [v for _, v in items], *_span(c[0], c[2]))


_builds("dict_item")(itemgetter(0, 2))  # key ":" value


@_builds("comp_for")
def _build_comp_for(c):
    check_target(c[1], "for")
    return ast.Comprehension(c[1], c[3], c[4:], *_span(c[0], c[-1]))


_builds("comp_if")(itemgetter(1))  # "if" condition
