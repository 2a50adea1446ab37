"""Which names a function's body binds: Python's rule that decides local vs. enclosing vs. global."""

from __future__ import annotations

from . import syntax as S


class Scope:
    """The names one function (or lambda, or comprehension) binds, and the scope around it."""

    def __init__(self, parent: Scope | None, bound: set[str], declared_global: set[str],
                 declared_nonlocal: set[str]) -> None:
        self.parent = parent
        self.locals = bound - declared_global - declared_nonlocal
        self.globals = declared_global

    def resolve(self, name: str) -> int | None:
        """How many scopes out the name lives (0 = here), or None for a global."""
        scope, depth = self, 0
        if name in self.globals:
            return None
        while scope is not None:
            if name in scope.locals:
                return depth
            if name in scope.globals:
                return None
            scope, depth = scope.parent, depth + 1
        return None


def function_scope(parent: Scope | None, args: S.Arguments, body: list) -> Scope:
    bound = set(parameter_names(args))
    declared_global: set[str] = set()
    declared_nonlocal: set[str] = set()
    for stmt in body:
        _collect(stmt, bound, declared_global, declared_nonlocal)
    return Scope(parent, bound, declared_global, declared_nonlocal)


def comprehension_scope(parent: Scope | None, generators: list) -> Scope:
    bound: set[str] = set()
    for clause in generators:
        _target_names(clause.target, bound)
    return Scope(parent, bound, set(), set())


def parameter_names(args: S.Arguments) -> list[str]:
    names = [p.name for p in args.args]
    if args.vararg is not None:
        names.append(args.vararg.name)
    names += [p.name for p in args.kwonlyargs]
    if args.kwarg is not None:
        names.append(args.kwarg.name)
    return names


def _target_names(target, out: set[str]) -> None:
    if isinstance(target, S.Name):
        out.add(target.id)
    elif isinstance(target, (S.TupleDisplay, S.ListDisplay)):
        for element in target.elts:
            _target_names(element, out)
    elif isinstance(target, S.Starred):
        _target_names(target.value, out)


def _collect(stmt, bound: set[str], declared_global: set[str], declared_nonlocal: set[str]) -> None:
    """Add the names `stmt` binds in the current function (not inside nested functions)."""
    if isinstance(stmt, S.Assign):
        for target in stmt.targets:
            _target_names(target, bound)
    elif isinstance(stmt, S.AugAssign):
        _target_names(stmt.target, bound)
    elif isinstance(stmt, S.For):
        _target_names(stmt.target, bound)
    elif isinstance(stmt, S.FunctionDef):
        bound.add(stmt.name)
        return
    elif isinstance(stmt, (S.Import, S.ImportFrom)):
        for alias in stmt.names:
            if alias.name != "*":
                bound.add(alias.asname or alias.name.split(".")[0])
    elif isinstance(stmt, S.With):
        for item in stmt.items:
            if item.optional_vars is not None:
                _target_names(item.optional_vars, bound)
    elif isinstance(stmt, S.Try):
        for handler in stmt.handlers:
            if handler.name:
                bound.add(handler.name)
    elif isinstance(stmt, S.Delete):
        for target in stmt.targets:
            _target_names(target, bound)
    elif isinstance(stmt, S.Global):
        declared_global.update(stmt.names)
    elif isinstance(stmt, S.Nonlocal):
        declared_nonlocal.update(stmt.names)
    for block in _blocks(stmt):
        for inner in block:
            _collect(inner, bound, declared_global, declared_nonlocal)


def _blocks(stmt) -> list[list]:
    if isinstance(stmt, S.If | S.While | S.For):
        return [stmt.body, stmt.orelse]
    if isinstance(stmt, S.With):
        return [stmt.body]
    if isinstance(stmt, S.Try):
        return [stmt.body, stmt.orelse, stmt.finalbody] + [h.body for h in stmt.handlers]
    return []
