"""Turns the AST into Python closures, once, so a loop body is not re-walked on every turn.

Each statement compiles to `run(env) -> signal` (None, BREAK, CONTINUE or RETURN) and each
expression to `value(env) -> object`. Errors get the position of the innermost statement,
call, operator, index or attribute that raised them, so a message can point at it.
"""

from __future__ import annotations

import operator

from ..core.tensor import Tensor
from ..errors import (
    AttributeError_,
    GradlangError,
    ImportError_,
    KeyboardInterrupt_,
    NameError_,
    RuntimeError_,
    SyntaxError_,
    TypeError_,
    UnboundLocalError_,
    ValueError_,
    from_python,
)
from . import guards
from . import syntax as S
from .builtins import EXCEPTIONS, MODULES, SPECIAL_ATTRIBUTES, ExceptionType, import_module, special_attribute
from .runtime import BREAK, CONTINUE, REQUIRED, RETURN, Env, Function
from .sandbox import (
    TENSOR_ATTRIBUTES,
    Namespace,
    check_callable,
    check_subscriptable,
    get_attribute,
    set_attribute,
    type_name,
)
from .scopes import Scope, comprehension_scope, function_scope
from .values import to_format, to_repr, to_str

BINARY = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "//": operator.floordiv,
    "%": operator.mod, "**": operator.pow, "@": operator.matmul, "&": operator.and_, "|": operator.or_,
    "^": operator.xor, "<<": operator.lshift, ">>": operator.rshift,
}
IN_PLACE = {
    "+": operator.iadd, "-": operator.isub, "*": operator.imul, "/": operator.itruediv,
    "//": operator.ifloordiv, "%": operator.imod, "**": operator.ipow, "@": operator.imatmul,
    "&": operator.iand, "|": operator.ior, "^": operator.ixor, "<<": operator.ilshift, ">>": operator.irshift,
}
COMPARE = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
    "!=": operator.ne, "is": operator.is_, "is not": operator.is_not,
    "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
}
truth = operator.truth
# Ints, strings and lists that one operation could make enormous (`10**10**10`) are checked first.
BINARY.update(guards.BINARY)
IN_PLACE.update(guards.IN_PLACE)
UNARY = {"-": operator.neg, "+": operator.pos, "~": operator.invert, "not": operator.not_}

# Whether loop and function bodies are fused (fusion.py): found out when first needed (a start-up
# that runs no loop imports no fusion); tests turn it off to compare both evaluators.
FUSION: bool | None = None


def _fusion():
    """The fusion module, or None where fusion is off."""
    global FUSION
    if FUSION is None:
        from . import fusion

        FUSION = fusion.AVAILABLE
    if not FUSION:
        return None
    from . import fusion

    return fusion

# Errors a program cannot catch: the interpreter's own limits must stay in force.
UNCATCHABLE = ("TimeoutError",)


class Compiler:
    """Compiles AST nodes for one interpreter: its globals, built-ins, limits and output."""

    def __init__(self, context) -> None:
        self.context = context
        self.globals = context.globals
        self.builtins = context.builtins
        self.limits = context.limits
        self.origin = Origin("<input>", [], 1)
        self.filename = "<input>"
        self.repeats = 0  # how many loop or function bodies enclose the code being compiled
        # Whether expression statements echo their values wherever they stand outside a function
        # body: at Python's prompt `for i in range(3): i` shows each i (and a called function
        # shows nothing); `--echo`, like a notebook, echoes top-level statements only.
        self.echoing_blocks = False

    # ------------------------------------------------------------ entry points

    def compile_module(self, module: S.Module, source: str, filename: str, echo: bool, echo_blocks: bool = False):
        """`echo`: top-level expression statements show their values; `echo_blocks` (the REPL's):
        those inside loops, ifs, withs and trys too, as at Python's prompt."""
        self._start(source, filename)
        self.echoing_blocks = echo and echo_blocks
        try:
            statements = [
                self._echoing(stmt) if echo and isinstance(stmt, S.ExprStmt) else self.statement(stmt, None)
                for stmt in module.body
            ]
        finally:
            self.echoing_blocks = False
        return self._sequence(statements)

    def compile_expression(self, node: S.Expr, source: str, filename: str):
        self._start(source, filename)
        return self.located(self.expression(node, None), node)

    # ------------------------------------------------------------ locating errors

    def _start(self, source: str, filename: str) -> None:
        # Code compiled now may raise much later (a function called from another chunk or
        # file): its closures keep this origin, so errors name the right file and line text.
        self.origin = Origin(filename, source.splitlines(), self.context.first_line)
        self.filename = filename

    def locate(self, error: BaseException, node: S.Node, origin: Origin | None = None) -> GradlangError:
        """The gradlang error for `error`, pointing at `node` unless it already points somewhere."""
        if isinstance(error, GradlangError):
            converted = error
        elif isinstance(error, RecursionError):
            from ..errors import RecursionError_

            converted = RecursionError_("maximum recursion depth exceeded")
        else:
            converted = from_python(error)
        if converted.line is None:
            origin = origin or self.origin
            converted.locate(node.line, node.column, origin.filename, origin.line_text(node.line))
            converted.end_column = node.end_column if node.end_line == node.line else None
        return converted

    def located(self, run, node: S.Node):
        """Run a statement (or a condition) so that its errors point at the place that raised.

        Expression closures carry their node as a default argument `_where` instead of a
        try/except frame of their own (one Python call less per operation); the traceback
        says which of them was running innermost.
        """
        locate = self.locate
        site = (node, self.origin)

        def located(env):
            try:
                return run(env)
            except GradlangError as error:
                if error.line is None:
                    locate(error, *innermost_site(error.__traceback__, site))
                raise
            except Exception as error:
                raise locate(error, *innermost_site(error.__traceback__, site)) from error

        return located

    # ------------------------------------------------------------ blocks and statements

    @staticmethod
    def _sequence(statements: list):
        if not statements:
            return lambda env: None
        if len(statements) == 1:
            return statements[0]
        if len(statements) == 2:
            first, second = statements

            def pair(env):
                signal = first(env)
                if signal is not None:
                    return signal
                return second(env)

            return pair
        steps = tuple(statements)

        def block(env):
            for step in steps:
                signal = step(env)
                if signal is not None:
                    return signal
            return None

        return block

    def block(self, body: list, scope: Scope | None):
        fusion = _fusion() if self.repeats else None
        if fusion is not None:
            return self._sequence(fusion.fuse_block(self, body, scope))
        return self._sequence([self.statement(stmt, scope) for stmt in body])

    def repeated(self, compile_part, *args):
        """Compile code that may run many times (a loop's or a function's body): fused where it
        can be (fusion.py). Code that runs once keeps closures, which are quicker to build."""
        self.repeats += 1
        try:
            return compile_part(*args)
        finally:
            self.repeats -= 1

    def statement_closure(self, node: S.Stmt, scope: Scope | None):
        """`run(env) -> signal` for `node`, its errors left to the caller to locate."""
        return getattr(self, "stmt_" + type(node).__name__)(node, scope)

    def statement(self, node: S.Stmt, scope: Scope | None):
        run = self.statement_closure(node, scope)
        if isinstance(node, (S.If, S.While, S.For, S.Try, S.With, S.FunctionDef, S.Pass, S.Break, S.Continue,
                             S.Global, S.Nonlocal)):
            return run  # their parts locate their own errors
        return self.located(run, node)

    def _echoing(self, node: S.ExprStmt, scope: Scope | None = None):
        value = self.expression(node.value, scope)
        echo = self.context.echo_value

        def run(env):
            echo(value(env))

        return self.located(run, node)

    def stmt_ExprStmt(self, node: S.ExprStmt, scope):
        if self.echoing_blocks:
            return self._echoing(node, scope)
        value = self.expression(node.value, scope)

        def run(env):
            value(env)

        return run

    def stmt_Pass(self, node, scope):
        return lambda env: None

    def stmt_Break(self, node, scope):
        return lambda env: BREAK

    def stmt_Continue(self, node, scope):
        return lambda env: CONTINUE

    def stmt_Global(self, node, scope):
        return lambda env: None

    stmt_Nonlocal = stmt_Global

    def stmt_Assign(self, node: S.Assign, scope):
        value = self.expression(node.value, scope)
        stores = [self.store(target, scope) for target in node.targets]
        if len(stores) == 1:
            (store,) = stores
            if isinstance(node.targets[0], S.Name) and self._resolve(node.targets[0].id, scope) is None:
                table, name = self.globals, node.targets[0].id

                def assign_global(env):
                    table[name] = value(env)

                return assign_global

            def assign(env):
                store(env, value(env))

            return assign

        def assign_many(env):
            result = value(env)
            for store in stores:
                store(env, result)

        return assign_many

    def stmt_AugAssign(self, node: S.AugAssign, scope):
        op = IN_PLACE[node.op]
        value = self.expression(node.value, scope)
        target = node.target
        if isinstance(target, S.Name):
            load, store = self.load_name(target, scope), self.store(target, scope)

            def augment_name(env):
                store(env, op(load(env), value(env)))

            return augment_name
        if isinstance(target, S.Attribute):
            obj = self.expression(target.value, scope)
            attr = target.attr

            def augment_attribute(env):
                holder = obj(env)
                result = op(get_attribute(holder, attr), value(env))
                set_attribute(holder, attr, result)

            return augment_attribute
        if isinstance(target, S.Subscript):
            obj = self.expression(target.value, scope)
            index = self.index(target.index, scope)

            def augment_item(env):
                holder, key = obj(env), index(env)
                holder[key] = op(holder[key], value(env))

            return augment_item
        raise self._syntax_error("illegal expression for augmented assignment", target)

    def stmt_Print(self, node: S.Print, scope):
        values = [self.expression(v, scope) for v in node.values]
        end = "\n" if node.newline else " "
        write = self.context.write

        def run(env):
            write(" ".join(to_str(v(env)) for v in values) + end)

        return run

    def stmt_FunctionDef(self, node: S.FunctionDef, scope):
        # Python's order: the decorator expressions top to bottom, then the function, then the
        # decorators applied bottom up, each error at its own decorator.
        decorators = [self.expression(d, scope) for d in node.decorators]
        inner = function_scope(scope, node.args, node.body)
        echoing, self.echoing_blocks = self.echoing_blocks, False  # a called function echoes nothing
        try:
            body = self.repeated(self.block, node.body, inner)
        finally:
            self.echoing_blocks = echoing
        make = self._function_maker(node.name, node.args, body, scope, is_lambda=False)
        store = self.store(S.Name(node.name, line=node.line, column=node.column), scope)
        if not decorators:
            return self.located(lambda env: store(env, make(env)), node)
        applications = [self.located(lambda pair: check_callable(pair[0])(pair[1]), where)
                        for where in reversed(node.decorators)]

        def define(env):
            found = [value(env) for value in decorators]
            function = make(env)
            for apply_one, decorator in zip(applications, reversed(found)):
                function = apply_one((decorator, function))
            store(env, function)

        return self.located(define, node)

    def _function_maker(self, name: str, args: S.Arguments, body, scope, is_lambda: bool):
        positional = [p.name for p in args.args]
        defaults = [self.expression(p.default, scope) for p in args.args if p.default is not None]
        keyword_only = [(p.name, self.expression(p.default, scope) if p.default is not None else None)
                        for p in args.kwonlyargs]
        star = args.vararg.name if args.vararg is not None else None
        double_star = args.kwarg.name if args.kwarg is not None else None
        limits = self.limits

        def make(env):
            named = {key: (value(env) if value is not None else REQUIRED) for key, value in keyword_only}
            return Function(name, positional, tuple(d(env) for d in defaults), star, double_star, body, env,
                            limits, is_lambda, named)

        return make

    def stmt_Return(self, node: S.Return, scope):
        if node.value is None:
            def return_none(env):
                env.returned = None
                return RETURN

            return return_none
        value = self.expression(node.value, scope)

        def return_value(env):
            env.returned = value(env)
            return RETURN

        return return_value

    def condition(self, node: S.Expr, scope):
        """A test's truth, located: `if t:` on a many-element tensor raises inside bool()."""
        value = self.expression(node, scope)
        return self.located(lambda env: truth(value(env)), node)

    def stmt_If(self, node: S.If, scope):
        test = self.condition(node.test, scope)
        body = self.block(node.body, scope)
        if not node.orelse:
            def if_(env):
                if test(env):
                    return body(env)
                return None

            return if_
        orelse = self.block(node.orelse, scope)

        def if_else(env):
            if test(env):
                return body(env)
            return orelse(env)

        return if_else

    def _loop(self, node, turns, store, scope):
        """A loop statement: `turns(env)` yields each item (for) or each passed test (while)."""
        body = self.repeated(self.block, node.body, scope)
        orelse = self.block(node.orelse, scope) if node.orelse else None
        tick = self.limits.tick

        def loop(env):
            for item in turns(env):
                tick()
                if store is not None:
                    store(env, item)
                signal = body(env)
                if signal is not None:
                    if signal is BREAK:
                        return None
                    if signal is CONTINUE:
                        continue
                    return signal
            if orelse is not None:
                return orelse(env)
            return None

        return self.located(loop, node)  # a step or time limit met at a turn points at the loop

    def stmt_While(self, node: S.While, scope):
        test = self.repeated(self.condition, node.test, scope)

        def turns(env):
            while test(env):
                yield None

        return self._loop(node, turns, None, scope)

    def stmt_For(self, node: S.For, scope):
        iterable = self.located(self.expression(node.iter, scope), node.iter)
        locate = self.locate
        where, origin = node.iter, self.origin

        def items(env):
            try:
                return iter(iterable(env))
            except GradlangError:
                raise
            except Exception as error:
                raise locate(error, where, origin) from error

        return self._loop(node, items, self.store(node.target, scope), scope)

    def stmt_With(self, node: S.With, scope):
        managers = [(self.located(self.expression(item.context_expr, scope), item.context_expr),
                     self.store(item.optional_vars, scope) if item.optional_vars is not None else None, item)
                    for item in node.items]
        body = self.block(node.body, scope)
        locate = self.locate
        origin = self.origin

        last = len(managers) - 1

        def with_(env, index=0):
            value, store, item = managers[index]
            manager = value(env)
            if not hasattr(type(manager), "__enter__") or isinstance(manager, type):
                raise locate(TypeError_(f"'{type(manager).__name__}' object does not support the context manager "
                                        "protocol"), item, origin)
            entered = manager.__enter__()
            if store is not None:
                store(env, entered)
            try:
                # the body straight from the innermost manager: one call fewer per run of the block
                signal = body(env) if index == last else with_(env, index + 1)
            except BaseException as error:
                if not manager.__exit__(type(error), error, None):
                    raise
                return None
            manager.__exit__(None, None, None)
            return signal

        return with_

    def stmt_Try(self, node: S.Try, scope):
        body = self.block(node.body, scope)
        handlers = []
        for handler in node.handlers:
            kind = self.expression(handler.type, scope) if handler.type is not None else None
            store = unbind = None
            if handler.name:
                target = S.Name(handler.name, line=handler.line, column=handler.column)
                store, unbind = self.store(target, scope), self._deleter(target, scope)
            handlers.append((kind, store, unbind, self.block(handler.body, scope), handler))
        orelse = self.block(node.orelse, scope) if node.orelse else None
        finalbody = self.block(node.finalbody, scope) if node.finalbody else None
        locate = self.locate
        origin = self.origin
        context = self.context

        def matches(kind_value, error, handler):
            kinds = kind_value if isinstance(kind_value, tuple) else (kind_value,)
            for kind in kinds:
                if not isinstance(kind, ExceptionType):
                    raise locate(TypeError_("catching classes that do not inherit from BaseException is not "
                                            "allowed"), handler, origin)
                if kind.matches(error):
                    return True
            return False

        def kind_of(kind, env, handler):
            try:
                return kind(env)
            except GradlangError as failed:  # `except Foo:` with Foo undefined: point at Foo
                if failed.line is None:
                    locate(failed, handler.type, origin)
                raise

        def handle(env, error, bare_catches=True):
            for kind, store, unbind, handler_body, handler in handlers:
                if bare_catches if kind is None else matches(kind_of(kind, env, handler), error, handler):
                    if store is not None:
                        store(env, error)
                    context.handling.append(error)
                    try:
                        return handler_body(env)
                    finally:
                        context.handling.pop()
                        if store is not None:  # the name goes with the handler, as in Python
                            store(env, None)
                            unbind(env)
            raise error

        def try_(env):
            try:
                try:
                    signal = body(env)
                except KeyboardInterrupt as interrupt:
                    # Ctrl-C: caught by a handler that names KeyboardInterrupt (or BaseException), as
                    # in Python, but not by a bare `except:`, so that Ctrl-C always stops a loop
                    if not handlers:
                        raise
                    error = interrupt if isinstance(interrupt, GradlangError) else EXCEPTIONS["KeyboardInterrupt"]()
                    try:
                        return handle(env, error, bare_catches=False)
                    except KeyboardInterrupt_ as unhandled:
                        if unhandled is error and error is not interrupt:
                            raise interrupt from None
                        raise
                except Exception as raw:
                    error = locate(raw, *innermost_site(raw.__traceback__, (node, origin)))
                    if error.type_name in UNCATCHABLE or not handlers:
                        raise error from None if error is not raw else error
                    return handle(env, error)
                if orelse is not None and signal is None:
                    return orelse(env)
                return signal
            finally:
                if finalbody is not None:
                    final_signal = finalbody(env)
                    if final_signal is not None:
                        return final_signal  # noqa: B012 - Python's semantics: finally's return wins

        return try_

    def stmt_Raise(self, node: S.Raise, scope):
        exc = self.expression(node.exc, scope) if node.exc is not None else None
        cause = self.expression(node.cause, scope) if node.cause is not None else None
        context = self.context

        def raise_(env):
            if exc is None:
                if not context.handling:
                    raise RuntimeError_("No active exception to reraise")
                raise context.handling[-1]
            value = exc(env)
            if isinstance(value, ExceptionType):
                value = value()
            if not isinstance(value, GradlangError):
                raise TypeError_("exceptions must derive from BaseException")
            if cause is not None:
                reason = cause(env)
                if reason is not None and not isinstance(reason, (GradlangError, ExceptionType)):
                    raise TypeError_("exception causes must derive from BaseException")
            value.line = None  # a raise statement points at itself
            raise value

        return raise_

    def stmt_Assert(self, node: S.Assert, scope):
        make_assertion_error = EXCEPTIONS["AssertionError"]  # Python's: the message as given, or no argument
        test = self.expression(node.test, scope)
        message = self.expression(node.msg, scope) if node.msg is not None else None

        def assert_(env):
            if not test(env):
                raise (make_assertion_error(message(env)) if message is not None else make_assertion_error())

        return assert_

    def stmt_Import(self, node: S.Import, scope):
        # `import torch.nn.functional` binds `torch`; `import torch.nn.functional as F` binds the module.
        imports = [(alias.name if alias.asname else alias.name.split(".")[0], alias.name,
                    self.store(S.Name(alias.asname or alias.name.split(".")[0], line=alias.line,
                                      column=alias.column), scope))
                   for alias in node.names]

        def import_(env):
            for bound, full, store in imports:
                import_module(full)  # an unknown module is an ImportError, even when only its top is bound
                store(env, import_module(bound))

        return import_

    def stmt_ImportFrom(self, node: S.ImportFrom, scope):
        names = node.names
        stores = {alias.name: self.store(S.Name(alias.asname or alias.name, line=alias.line, column=alias.column),
                                         scope) for alias in names if alias.name != "*"}
        star = any(alias.name == "*" for alias in names)
        module_name = node.module
        table = self.globals

        def import_from(env):
            module = import_module(module_name)
            if star:
                table.update(module.members)
            for name, store in stores.items():
                if name in module.members:
                    store(env, module.members[name])
                elif f"{module_name}.{name}" in MODULES:
                    store(env, import_module(f"{module_name}.{name}"))
                else:
                    raise ImportError_(f"cannot import name '{name}' from '{module_name}'")

        return import_from

    def stmt_Delete(self, node: S.Delete, scope):
        deleters = [self._deleter(target, scope) for target in node.targets]

        def delete(env):
            for deleter in deleters:
                deleter(env)

        return delete

    def _deleter(self, target, scope):
        if isinstance(target, S.Name):
            depth = self._resolve(target.id, scope)
            name = target.id

            def delete_name(env):
                table = self.globals if depth is None else _env_at(env, depth).vars
                if name not in table:
                    raise NameError_(f"name '{name}' is not defined")
                del table[name]

            return delete_name
        if isinstance(target, S.Subscript):
            obj, index = self.expression(target.value, scope), self.index(target.index, scope)

            def delete_item(env):
                holder = obj(env)
                if isinstance(holder, Tensor):
                    raise TypeError_("'Tensor' object does not support item deletion")
                del holder[index(env)]

            return delete_item
        if isinstance(target, (S.TupleDisplay, S.ListDisplay)):
            parts = [self._deleter(t, scope) for t in target.elts]
            return lambda env: [p(env) for p in parts] and None
        raise self._syntax_error("cannot delete this expression", target)

    # ------------------------------------------------------------ names

    def _resolve(self, name: str, scope: Scope | None) -> int | None:
        return scope.resolve(name) if scope is not None else None

    def load_name(self, node: S.Name, scope):
        name = node.id
        depth = self._resolve(name, scope)
        table, fallback = self.globals, self.builtins
        missing = self._name_error

        where = (node, self.origin)  # a name error is located by the statement around it

        if depth is None:
            def load_global(env, _where=where):
                try:
                    return table[name]
                except KeyError:
                    try:
                        return fallback[name]
                    except KeyError:
                        raise missing(node, env, scope) from None

            return load_global
        if depth == 0:
            def load_local(env, _where=where):
                try:
                    return env.vars[name]
                except KeyError:
                    raise UnboundLocalError_(
                        f"cannot access local variable '{name}' where it is not associated with a value"
                    ) from None

            return load_local

        def load_enclosing(env, _where=where):
            try:
                return _env_at(env, depth).vars[name]
            except KeyError:
                raise NameError_(
                    f"cannot access free variable '{name}' where it is not associated with a value in enclosing "
                    "scope"
                ) from None

        return load_enclosing

    def _name_error(self, node: S.Name, env, scope) -> GradlangError:
        import difflib  # only when a name is missing: keeps start-up light

        candidates = set(self.globals) | set(self.builtins)
        walk = env
        while walk is not None:
            candidates |= set(walk.vars)
            walk = walk.outer
        candidates.discard("_")
        close = difflib.get_close_matches(node.id, sorted(candidates), n=1, cutoff=0.75)
        hint = f". Did you mean: '{close[0]}'?" if close else ""
        return NameError_(f"name '{node.id}' is not defined{hint}")

    def store(self, target: S.Expr, scope):
        """A function `(env, value) -> None` that binds `value` to `target`."""
        if isinstance(target, S.Name):
            name = target.id
            depth = self._resolve(name, scope)
            if depth is None:
                table = self.globals

                def store_global(env, value):
                    table[name] = value

                return store_global
            if depth == 0:
                def store_local(env, value):
                    env.vars[name] = value

                return store_local

            def store_enclosing(env, value):
                _env_at(env, depth).vars[name] = value

            return store_enclosing
        if isinstance(target, S.Attribute):
            obj = self.expression(target.value, scope)
            attr = target.attr
            return lambda env, value: set_attribute(obj(env), attr, value)
        if isinstance(target, S.Subscript):
            obj = self.expression(target.value, scope)
            index = self.index(target.index, scope)

            def store_item(env, value):
                holder = obj(env)
                if isinstance(holder, (str, tuple, Namespace)) and not hasattr(type(holder), "__setitem__"):
                    raise TypeError_(f"'{type(holder).__name__}' object does not support item assignment")
                holder[index(env)] = value

            return self._located_store(store_item, target)
        if isinstance(target, (S.TupleDisplay, S.ListDisplay)):
            return self._unpacker(target, scope)
        if isinstance(target, S.Starred):
            raise self._syntax_error("starred assignment target must be in a list or tuple", target)
        raise self._syntax_error(f"cannot assign to {_describe(target)}", target)

    def _located_store(self, store, node):
        located = self.located(lambda pair: store(*pair), node)
        return lambda env, value: located((env, value))

    def _unpacker(self, target, scope):
        parts = target.elts
        stores = [self.store(p.value if isinstance(p, S.Starred) else p, scope) for p in parts]
        star = next((i for i, p in enumerate(parts) if isinstance(p, S.Starred)), None)
        count = len(parts)

        def unpack(env, value):
            try:
                items = list(value)
            except TypeError:
                raise TypeError_(f"cannot unpack non-iterable {type_name(value)} object") from None
            if star is None:
                if len(items) != count:
                    if len(items) > count:
                        raise ValueError_(f"too many values to unpack (expected {count})")
                    raise ValueError_(f"not enough values to unpack (expected {count}, got {len(items)})")
                for store, item in zip(stores, items):
                    store(env, item)
                return
            after = count - star - 1
            if len(items) < count - 1:
                raise ValueError_(f"not enough values to unpack (expected at least {count - 1}, got {len(items)})")
            for store, item in zip(stores[:star], items[:star]):
                store(env, item)
            stores[star](env, items[star:len(items) - after])
            for store, item in zip(stores[star + 1:], items[len(items) - after:]):
                store(env, item)

        return unpack

    # ------------------------------------------------------------ expressions

    def expression(self, node: S.Expr, scope):
        """`value(env)` for `node`: one generated function for a compound expression (fusion.py)."""
        fusion = _fusion() if self.repeats else None
        if fusion is not None:
            fused = fusion.fuse(self, node, scope)
            if fused is not None:
                return fused
        return self.closure(node, scope)

    def closure(self, node: S.Expr, scope):
        """`value(env)` for `node` as a closure calling its parts' closures."""
        return getattr(self, "expr_" + type(node).__name__)(node, scope)

    def expr_Name(self, node: S.Name, scope):
        return self.load_name(node, scope)

    def expr_Constant(self, node: S.Constant, scope):
        value = node.value
        return lambda env: value

    def expr_FString(self, node: S.FString, scope):
        pieces = [self._fstring_piece(part, scope) for part in node.parts]

        def fstring(env):
            return "".join([piece(env) for piece in pieces])

        return fstring

    def _fstring_piece(self, part, scope):
        if isinstance(part, str):
            return lambda env: part
        value = self.expression(part.value, scope)
        conversion = {"r": to_repr, "s": to_str, "a": _ascii}.get(part.conversion)
        spec = self.expr_FString(S.FString(part.format_spec), scope) if part.format_spec else None

        def field(env):
            result = value(env)
            if conversion is not None:
                result = conversion(result)
            return to_format(result, spec(env) if spec is not None else "")

        return self.located(field, part)

    def _elements(self, elements: list, scope):
        """A function building a list from display elements, `*spread` included."""
        if not any(isinstance(e, S.Starred) for e in elements):
            values = [self.expression(e, scope) for e in elements]
            return lambda env: [v(env) for v in values]
        parts = [(isinstance(e, S.Starred), self.expression(e.value if isinstance(e, S.Starred) else e, scope))
                 for e in elements]

        def build(env):
            out = []
            for spread, value in parts:
                if spread:
                    out.extend(value(env))
                else:
                    out.append(value(env))
            return out

        return build

    def expr_ListDisplay(self, node, scope):
        return self._elements(node.elts, scope)

    def expr_TupleDisplay(self, node, scope):
        build = self._elements(node.elts, scope)
        return lambda env: tuple(build(env))

    def expr_DictDisplay(self, node, scope):
        pairs = [(self.expression(k, scope), self.expression(v, scope)) for k, v in zip(node.keys, node.values)]
        return lambda env: {k(env): v(env) for k, v in pairs}

    def expr_SetDisplay(self, node, scope):
        build = self._elements(node.elts, scope)
        return self.located(lambda env: set(build(env)), node)

    def _comprehension(self, node, scope):
        inner = comprehension_scope(scope, node.generators)
        clauses = []
        for i, clause in enumerate(node.generators):
            # The first iterable is evaluated in the enclosing scope, as in Python.
            source = self.expression(clause.iter, scope if i == 0 else inner)
            conditions = [self.repeated(self.expression, c, inner) for c in clause.ifs]
            clauses.append((source, self.store(clause.target, inner), conditions))
        element = self.repeated(self.expression, node.elt, inner)
        tick = self.limits.tick

        def generate(env):
            local = Env({}, env)
            first_items = clauses[0][0](env)

            def walk(level, items):
                _source, store, conditions = clauses[level]
                for item in items:
                    tick()
                    store(local, item)
                    if all(c(local) for c in conditions):
                        if level + 1 == len(clauses):
                            yield element(local)
                        else:
                            yield from walk(level + 1, clauses[level + 1][0](local))

            walk.__qualname__ = "<genexpr>"  # what a program sees printing a generator, as Python's
            return walk(0, first_items)

        return generate

    def expr_ListComp(self, node, scope):
        generate = self._comprehension(node, scope)
        return self.located(lambda env: list(generate(env)), node)

    def expr_SetComp(self, node, scope):
        generate = self._comprehension(node, scope)
        return self.located(lambda env: set(generate(env)), node)

    def expr_DictComp(self, node, scope):
        # The pairs as a comprehension of (key, value) tuples, evaluated key first as in Python.
        pair = S.TupleDisplay([node.key, node.value], node.key.line, node.key.column,
                              node.value.end_line, node.value.end_column)
        generate = self._comprehension(S.GeneratorExp(pair, node.generators, node.line, node.column,
                                                      node.end_line, node.end_column), scope)
        return self.located(lambda env: dict(generate(env)), node)

    def expr_GeneratorExp(self, node, scope):
        return self._comprehension(node, scope)

    def expr_Attribute(self, node: S.Attribute, scope):
        obj = self.expression(node.value, scope)
        attr = node.attr
        if attr in SPECIAL_ATTRIBUTES:
            def special(env, _where=(node, self.origin)):
                return special_attribute(obj(env), attr)

            return special
        if attr.startswith("_"):
            def private(env, _where=(node, self.origin)):
                raise AttributeError_(f"'{type_name(obj(env))}' object has no attribute '{attr}'")

            return private
        tensor_attr = attr in TENSOR_ATTRIBUTES

        def attribute(env, _where=(node, self.origin)):
            holder = obj(env)
            if tensor_attr and type(holder) is Tensor:
                return getattr(holder, attr)
            return get_attribute(holder, attr)

        return attribute

    def index(self, node, scope):
        """The value inside `[...]`: slices become Python slices, tuples of them tuples."""
        if isinstance(node, S.Slice):
            parts = [self.expression(p, scope) if p is not None else None for p in (node.lower, node.upper, node.step)]
            lower, upper, step = parts
            return lambda env: slice(lower(env) if lower else None, upper(env) if upper else None,
                                     step(env) if step else None)
        if isinstance(node, S.TupleDisplay) and any(isinstance(e, S.Slice) for e in node.elts):
            parts = [self.index(e, scope) for e in node.elts]
            return lambda env: tuple(p(env) for p in parts)
        return self.expression(node, scope)

    def expr_Subscript(self, node: S.Subscript, scope):
        obj = self.expression(node.value, scope)
        index = self.index(node.index, scope)

        def subscript(env, _where=(node, self.origin)):
            return check_subscriptable(obj(env))[index(env)]

        return subscript

    def expr_Slice(self, node, scope):
        return self.index(node, scope)

    def expr_Starred(self, node, scope):
        raise self._syntax_error("can't use starred expression here", node)

    def expr_Call(self, node: S.Call, scope):
        func = self.expression(node.func, scope)
        simple = not node.keywords and not any(isinstance(a, S.Starred) for a in node.args)
        if simple:
            args = [self.expression(a, scope) for a in node.args]
            if len(args) == 0:
                def call0(env, _where=(node, self.origin)):
                    return check_callable(func(env))()

                return call0
            if len(args) == 1:
                (arg,) = args

                def call1(env, _where=(node, self.origin)):
                    return check_callable(func(env))(arg(env))

                return call1
            if len(args) == 2:
                first, second = args

                def call2(env, _where=(node, self.origin)):
                    return check_callable(func(env))(first(env), second(env))

                return call2

            def call(env, _where=(node, self.origin)):
                return check_callable(func(env))(*[a(env) for a in args])

            return call
        positional = self._elements(node.args, scope)
        keywords = [(k.arg, self.expression(k.value, scope)) for k in node.keywords]

        def call_with_keywords(env, _where=(node, self.origin)):
            function = check_callable(func(env))
            kwargs = {}
            for name, value in keywords:
                if name is None:
                    mapping = value(env)
                    if not isinstance(mapping, dict):
                        raise TypeError_(f"argument after ** must be a mapping, not {type_name(mapping)}")
                    kwargs.update(mapping)
                else:
                    kwargs[name] = value(env)
            return function(*positional(env), **kwargs)

        return call_with_keywords

    def expr_BinOp(self, node: S.BinOp, scope):
        left, right = self.expression(node.left, scope), self.expression(node.right, scope)
        op = node.op
        if op == "-":
            def sub(env, _where=(node, self.origin)):
                return left(env) - right(env)
            return sub
        function = BINARY[op]  # guards' for the operators that could make enormous values

        def binary(env, _where=(node, self.origin)):
            return function(left(env), right(env))
        return binary

    def expr_UnaryOp(self, node: S.UnaryOp, scope):
        operand = self.expression(node.operand, scope)
        if node.op == "not":
            return lambda env: not operand(env)
        function = UNARY[node.op]
        return lambda env, _where=(node, self.origin): function(operand(env))

    def expr_BoolOp(self, node: S.BoolOp, scope):
        values = [self.expression(v, scope) for v in node.values]
        if node.op == "and":
            def and_(env):
                result = True
                for value in values:
                    result = value(env)
                    if not result:
                        return result
                return result

            return and_

        def or_(env):
            result = False
            for value in values:
                result = value(env)
                if result:
                    return result
            return result

        return or_

    def expr_Compare(self, node: S.Compare, scope):
        left = self.expression(node.left, scope)
        rights = [self.expression(c, scope) for c in node.comparators]
        ops = [COMPARE[o] for o in node.ops]
        if len(ops) == 1:
            (op,), (right,) = ops, rights
            return lambda env, _where=(node, self.origin): op(left(env), right(env))

        def chain(env, _where=(node, self.origin)):
            current = left(env)
            result = True
            for op, right in zip(ops, rights):
                following = right(env)
                result = op(current, following)
                if not result:
                    return result
                current = following
            return result

        return chain

    def expr_IfExp(self, node: S.IfExp, scope):
        test, body, orelse = (self.expression(n, scope) for n in (node.test, node.body, node.orelse))
        return lambda env: body(env) if test(env) else orelse(env)

    def expr_Lambda(self, node: S.Lambda, scope):
        inner = function_scope(scope, node.args, [])
        body = self.repeated(self.expression, node.body, inner)
        return self._function_maker("<lambda>", node.args, body, scope, is_lambda=True)

    # ------------------------------------------------------------ helpers

    def _syntax_error(self, message: str, node: S.Node) -> GradlangError:
        error = SyntaxError_(message)
        error.locate(node.line, node.column, self.filename, self.origin.line_text(node.line))
        return error


class Origin:
    """Where compiled code came from: its file name and source lines (for error messages)."""

    __slots__ = ("filename", "lines", "first_line")

    def __init__(self, filename: str, lines: list[str], first_line: int) -> None:
        self.filename = filename
        self.lines = lines
        self.first_line = first_line

    def line_text(self, line: int) -> str | None:
        index = line - self.first_line
        return self.lines[index] if 0 <= index < len(self.lines) else None


def _site_of(frame, offset: int):
    """The (node, origin) an expression closure's frame carries (they name it `_where`), or
    None; a fused function's is the node of its instruction at byte `offset`."""
    code = frame.f_code
    if code.co_argcount == 2 and code.co_varnames[1] == "_where":
        where = frame.f_locals["_where"]
        return where if type(where) is tuple else where.at(code, offset)  # a closure's, or fusion's FusedSites
    return None


def innermost_site(traceback, fallback: tuple) -> tuple:
    """(node, origin) of the innermost expression closure in `traceback`."""
    found = fallback
    while traceback is not None:
        found = _site_of(traceback.tb_frame, traceback.tb_lasti) or found
        traceback = traceback.tb_next
    return found


def running_site(frame, fallback: tuple) -> tuple:
    """(node, origin) of the innermost expression closure running, from `frame` outwards."""
    while frame is not None:
        site = _site_of(frame, frame.f_lasti)
        if site is not None:
            return site
        frame = frame.f_back
    return fallback


def _env_at(env: Env, depth: int) -> Env:
    for _ in range(depth):
        env = env.outer
    return env


def _describe(node) -> str:
    names = {S.Call: "function call", S.Constant: "literal", S.BinOp: "expression", S.Compare: "comparison",
             S.Lambda: "lambda", S.FString: "f-string expression"}
    return names.get(type(node), "expression")



def _ascii(value) -> str:
    """`ascii(x)`, the `!a` conversion: x's repr with its non-ASCII characters escaped."""
    return to_repr(value).encode("ascii", "backslashreplace").decode("ascii")
