"""The rules a parsed program must follow that an LALR grammar cannot say, as Python checks them.

`check_target`: what may be assigned to, deleted or bound by `for`/`with` (the grammar
accepts any expression there, as Python's does). `check_statements`: `return`, `break`,
`continue` and `nonlocal` only where they mean something, and `check_depth`: no expression
nested deeper than the interpreter's recursive passes can walk. `node_error` and
`token_error` make the SyntaxError that points at the offending node or token.
"""

from __future__ import annotations

from gradlang.errors import SyntaxError_
from gradlang.language import syntax as ast

MAX_EXPRESSION_DEPTH = 500  # so that recursive passes over the AST stay within Python's stack


def node_error(message: str, node: ast.Node) -> SyntaxError_:
    return SyntaxError_(message, line=node.line, column=node.column)


def token_error(message: str, tok: tuple) -> SyntaxError_:
    """The error at a token (a tuple laid out as `Token`)."""
    return SyntaxError_(message, line=tok[2], column=tok[3])


_DESCRIPTIONS = {
    ast.Call: "function call", ast.BinOp: "expression", ast.UnaryOp: "expression", ast.BoolOp: "expression",
    ast.Compare: "comparison", ast.Lambda: "lambda", ast.IfExp: "conditional expression",
    ast.FString: "f-string expression", ast.ListComp: "list comprehension", ast.GeneratorExp: "generator expression",
    ast.DictDisplay: "dict literal", ast.TupleDisplay: "tuple", ast.ListDisplay: "list", ast.Starred: "starred",
    ast.Slice: "slice", ast.SetDisplay: "set display", ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
}


def describe(node: ast.Node) -> str:
    """What Python's messages call this kind of expression ("function call", "literal"...)."""
    if type(node) is ast.Constant:
        if node.value is None or node.value is True or node.value is False:
            return str(node.value)
        return "ellipsis" if node.value is Ellipsis else "literal"
    return _DESCRIPTIONS.get(type(node), "expression")


def check_target(node: ast.Expr, kind: str, top: bool = False) -> None:
    """Raise the SyntaxError Python gives when node cannot be assigned to (or deleted)."""
    t = type(node)
    if t is ast.Name or t is ast.Attribute or t is ast.Subscript:
        return
    if t is ast.TupleDisplay or t is ast.ListDisplay:
        starred = [e for e in node.elts if type(e) is ast.Starred]
        if len(starred) > 1 and kind != "del":
            raise node_error("multiple starred expressions in assignment", starred[1])
        for elt in node.elts:
            if type(elt) is ast.Starred and kind != "del":
                check_target(elt.value, kind)
            else:
                check_target(elt, kind)
        return
    if t is ast.Starred and kind != "del":
        raise node_error("starred assignment target must be in a list or tuple", node)
    verb = "delete" if kind == "del" else "assign to"
    message = f"cannot {verb} {describe(node)}"
    if top and kind == "assign" and t in (ast.Call, ast.Constant, ast.BinOp, ast.UnaryOp, ast.Compare) and \
            describe(node) not in ("True", "False", "None"):
        message += " here. Maybe you meant '==' instead of '='?"
    raise node_error(message, node)


def check_statements(body: list[ast.Stmt], in_function: bool, in_loop: bool) -> None:
    """What Python's compiler checks: return/break/continue/nonlocal placement, and how
    deeply expressions nest."""
    for stmt in body:
        t = type(stmt)
        if t is ast.Assign or t is ast.ExprStmt:  # the commonest; mostly short (check_depth's skip, without a call)
            if stmt.end_line != stmt.line or stmt.end_column - stmt.column >= MAX_EXPRESSION_DEPTH:
                check_depth(stmt)
        elif t is ast.FunctionDef:
            for decorator in stmt.decorators:
                check_depth(decorator)
            check_depth(stmt.args)
            check_depth(stmt.returns)
            check_statements(stmt.body, True, False)
        elif t is ast.If:
            check_depth(stmt.test)
            check_statements(stmt.body, in_function, in_loop)
            check_statements(stmt.orelse, in_function, in_loop)
        elif t is ast.While or t is ast.For:
            if t is ast.For:
                check_depth(stmt.target)
                check_depth(stmt.iter)
            else:
                check_depth(stmt.test)
            check_statements(stmt.body, in_function, True)
            check_statements(stmt.orelse, in_function, in_loop)
        elif t is ast.With:
            for item in stmt.items:
                check_depth(item)
            check_statements(stmt.body, in_function, in_loop)
        elif t is ast.Try:
            check_statements(stmt.body, in_function, in_loop)
            for handler in stmt.handlers:
                check_depth(handler.type)
                check_statements(handler.body, in_function, in_loop)
            check_statements(stmt.orelse, in_function, in_loop)
            check_statements(stmt.finalbody, in_function, in_loop)
        else:
            check_depth(stmt)
            if t is ast.Return:
                if not in_function:
                    raise node_error("'return' outside function", stmt)
            elif t is ast.Break:
                if not in_loop:
                    raise node_error("'break' outside loop", stmt)
            elif t is ast.Continue:
                if not in_loop:
                    raise node_error("'continue' not properly in loop", stmt)
            elif t is ast.Nonlocal:
                if not in_function:
                    raise node_error("nonlocal declaration not allowed at module level", stmt)


def check_depth(node: ast.Node | None) -> None:
    """Reject expressions nested more than MAX_EXPRESSION_DEPTH deep. Only a node spanning
    lines, or more columns than that limit allows, can be that deep: others are skipped."""
    if node is None or node.end_line == node.line and node.end_column - node.column < MAX_EXPRESSION_DEPTH:
        return
    pending = [(node, 0)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_EXPRESSION_DEPTH:
            raise node_error("expression too deeply nested", node)
        for child in ast.iter_child_nodes(node):
            pending.append((child, depth + 1))
