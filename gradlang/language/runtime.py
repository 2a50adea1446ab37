"""Run-time objects of the evaluator: environments, user functions, control-flow signals, limits."""

from __future__ import annotations

import time
from _thread import _local as thread_local

from ..errors import RecursionError_, TimeoutError_, TypeError_


class Env:
    """One scope's variables, with a link to the scope the code was written in."""

    __slots__ = ("vars", "outer", "returned")

    def __init__(self, variables: dict, outer: Env | None) -> None:
        self.vars = variables
        self.outer = outer
        self.returned = None


class OutputClosed(BaseException):
    """The reader of the program's output went away (`gradlang prog.grad | head`).

    A BaseException, like KeyboardInterrupt, so that no `except` in a program and no error
    handler of the interpreter mistakes it for the program's own error: it ends the run.
    """


# What a compiled statement returns to the block running it; None means "carry on".
BREAK = object()
CONTINUE = object()
RETURN = object()  # the value is in env.returned


class Limits:
    """Steps, time and recursion depth of one interpreter; checked at loop turns and function calls."""

    __slots__ = ("max_steps", "timeout", "max_recursion", "steps", "deadline", "depth")

    def __init__(self, max_steps: int | None, timeout: float | None, max_recursion: int) -> None:
        self.max_steps = max_steps
        self.timeout = timeout
        self.max_recursion = max_recursion
        self.steps = 0
        self.deadline = None
        self.depth = 0

    def start(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + self.timeout if self.timeout is not None else None

    def tick(self) -> None:
        self.steps += 1
        if self.max_steps is not None and self.steps > self.max_steps:
            raise TimeoutError_(f"the program ran more than {self.max_steps} steps (max_steps)")
        if self.deadline is not None and not self.steps & 255:
            self.check_time()

    def check_time(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeoutError_(f"the program ran longer than {self.timeout} seconds (timeout)")


class _Running(thread_local):
    limits: Limits | None = None  # the running interpreter's, on this thread


running = _Running()


REQUIRED = object()  # the default of a keyword-only parameter that has none


class Function:
    """A function defined in a program (`def` or `lambda`), callable from Python too."""

    __slots__ = ("name", "positional", "defaults", "star", "double_star", "body", "closure", "limits",
                 "is_lambda", "keyword_only", "plain", "__weakref__")

    def __init__(self, name, positional, defaults, star, double_star, body, closure, limits, is_lambda=False,
                 keyword_only=None):
        self.name = name
        self.positional = positional  # parameter names, in order
        self.defaults = defaults  # values of the last len(defaults) positional parameters
        self.star = star  # name of *args, or None
        self.double_star = double_star  # name of **kwargs, or None
        self.body = body  # compiled block (env -> signal) or, for lambda, expression (env -> value)
        self.closure = closure
        self.limits = limits
        self.is_lambda = is_lambda
        # Parameters after `*` or `*args`: name -> default (a missing key means required).
        self.keyword_only = keyword_only or {}
        # Positional parameters only: a call with as many arguments needs no binding rules.
        self.plain = star is None and double_star is None and not self.keyword_only

    def bind(self, args: tuple, kwargs: dict) -> dict:
        names = self.positional
        count = len(names)
        if len(args) > count and self.star is None:
            given = len(args)
            fewest = count - len(self.defaults)
            takes = f"from {fewest} to {count} positional arguments" if fewest < count else (
                f"{count} positional argument{'s' if count != 1 else ''}")
            raise TypeError_(f"{self.name}() takes {takes} but {given} {'were' if given != 1 else 'was'} given")
        bound = dict(zip(names, args))
        if self.star is not None:
            bound[self.star] = tuple(args[count:])
        extra = {}
        keyword_only = self.keyword_only
        for key, value in kwargs.items():
            if key in names or key in keyword_only:
                if key in bound:
                    raise TypeError_(f"{self.name}() got multiple values for argument '{key}'")
                bound[key] = value
            elif self.double_star is not None:
                extra[key] = value
            else:
                raise TypeError_(f"{self.name}() got an unexpected keyword argument '{key}'")
        if len(args) < count:  # positional parameters left to keywords or defaults
            first_default = count - len(self.defaults)
            missing = []
            for i, name in enumerate(names):
                if name not in bound:
                    if i >= first_default:
                        bound[name] = self.defaults[i - first_default]
                    else:
                        missing.append(name)
            if missing:
                raise TypeError_(self._missing(missing, "positional"))
        missing = []
        for name, default in keyword_only.items():
            if name not in bound:
                if default is REQUIRED:
                    missing.append(name)
                bound[name] = default
        if missing:
            raise TypeError_(self._missing(missing, "keyword-only"))
        if self.double_star is not None:
            bound[self.double_star] = extra
        return bound

    def _missing(self, names: list[str], kind: str) -> str:
        """Python's message for required arguments not given: "f() missing 2 required positional
        arguments: 'a' and 'b'"."""
        listed = " and ".join(f"'{m}'" for m in names) if len(names) <= 2 else (
            ", ".join(f"'{m}'" for m in names[:-1]) + f", and '{names[-1]}'"
        )
        return f"{self.name}() missing {len(names)} required {kind} argument{'s' if len(names) != 1 else ''}: {listed}"

    def __call__(self, *args, **kwargs):
        limits = self.limits
        if limits.depth >= limits.max_recursion:
            raise RecursionError_("maximum recursion depth exceeded")
        limits.tick()  # a call is a step: recursion without loops must meet max_steps and timeout too
        if self.plain and not kwargs and len(args) == len(self.positional):
            variables = dict(zip(self.positional, args))
        else:
            variables = self.bind(args, kwargs)
        env = Env(variables, self.closure)
        limits.depth += 1
        try:
            if self.is_lambda:
                return self.body(env)
            if self.body(env) is RETURN:
                return env.returned
            return None
        finally:
            limits.depth -= 1

    def __repr__(self) -> str:
        return "<function <lambda>>" if self.is_lambda else f"<function {self.name}>"
