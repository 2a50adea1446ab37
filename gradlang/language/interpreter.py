"""The interpreter: one program's bindings, output, limits and grad mode, and the ways to run code.

Scripts, `-i`, the REPL and the embedding API all go through `Interpreter`; each one is
independent of the others (bindings, grad mode, random numbers, limits).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

import numpy as np

from ..core import creation, grad_mode, limits, notices, printing
from ..errors import GradlangError, RecursionError_, SyntaxError_, TypeError_, from_python
from .builtins import global_names
from .compiler import Compiler, running_site
from .diagnostics import format_error, format_warning
from .parser import parse, parse_expression, split_top_level
from .runtime import Env, Limits, OutputClosed, running
from .sandbox import type_name
from .values import to_repr, to_str

DEFAULT_MAX_RECURSION = 1000
# Deeper gradlang recursion can overflow the C stack (8 MB) before Python's own limit stops it
# when each level goes through C code (`sorted(key=lambda ...)` crashed the process at 3000).
MAX_RECURSION_LIMIT = 2000
# Python frames one gradlang call level uses, at most: sizes Python's own recursion limit.
FRAMES_PER_CALL = 12


class Interpreter:
    """Runs gradlang programs. `interp["x"]` reads a binding, `interp["x"] = value` sets one."""

    CLI_MAX_TENSOR_ELEMENTS = 500_000_000  # 2 GB of float32: a typo must not take the machine

    def __init__(
        self,
        stdout=None,
        stderr=None,
        max_steps: int | None = None,
        max_tensor_elements: int | None = CLI_MAX_TENSOR_ELEMENTS,  # None: no limit
        max_recursion: int = DEFAULT_MAX_RECURSION,
        timeout: float | None = None,
        *,
        color: bool = False,
        debug: bool = False,
        argv: list[str] | None = None,
    ) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.color = color
        self.debug = debug
        self.max_tensor_elements = max_tensor_elements
        if not 1 <= max_recursion <= MAX_RECURSION_LIMIT:
            raise ValueError(f"max_recursion must be between 1 and {MAX_RECURSION_LIMIT}, not {max_recursion}: "
                             "deeper recursion could overflow the C stack")
        self.limits = Limits(max_steps, timeout, max_recursion)
        self.globals: dict = {}
        self.builtins = global_names()
        self.builtins["print"] = self._make_print()
        self.builtins["argv"] = list(argv or [])
        self.builtins["__name__"] = "__main__"  # `if __name__ == "__main__":` in pasted scripts runs its block
        self.handling: list = []  # errors being handled by `except` blocks (for a bare `raise`)
        self.first_line = 1
        self.grad_enabled = True
        self.generator = creation.Generator()
        self.print_options = printing.PrintOptions()  # torch.set_printoptions changes this interpreter's
        self.warned_once: set[str] = set()  # PyTorch's once-per-process warnings, once per interpreter here
        self.warned_at: set[tuple] = set()  # (category, message, file, line) of the warnings shown
        self._compiler = Compiler(self)
        needed = FRAMES_PER_CALL * max_recursion + 2000
        if sys.getrecursionlimit() < needed:
            sys.setrecursionlimit(needed)

    # ------------------------------------------------------------ output

    def write(self, text: str) -> None:
        try:
            (self.stdout or sys.stdout).write(text)
        except BrokenPipeError:
            raise OutputClosed from None

    def _make_print(self):
        write = self.write

        def print(*values, **options) -> None:  # noqa: A001 - the language's print
            # Python's keywords and messages; `file` may only be None (there are no files to write)
            for name in options:
                if name not in ("sep", "end", "flush", "file"):
                    raise TypeError_(f"'{name}' is an invalid keyword argument for print()")
            if options.get("file") is not None:
                raise TypeError_("print(): a gradlang program has no files: file= may only be None")
            sep, end = options.get("sep"), options.get("end")
            for name, value in (("sep", sep), ("end", end)):
                if value is not None and type(value) is not str:
                    raise TypeError_(f"{name} must be None or a string, not {type_name(value)}")
            sep = " " if sep is None else sep
            write(sep.join(to_str(v) for v in values) + ("\n" if end is None else end))

        return print

    def echo_value(self, value) -> None:
        """REPL and --echo: show a statement's value (None shows nothing) and keep it as `_`."""
        if value is None:
            return
        self.write(to_repr(value) + "\n")
        self.globals["_"] = value

    def report_warning(self, category: str, message: str) -> None:
        # Once per place in the program, as Python's default warning filter shows PyTorch's
        # warnings: a loop that reads a non-leaf's .grad warns once, not on every turn.
        node, origin = running_site(sys._getframe(1), (None, None))
        place = (category, message, origin and origin.filename, node and node.line)
        if place in self.warned_at:
            return
        self.warned_at.add(place)
        (self.stderr or sys.stderr).write(format_warning(category, message, color=self.color) + "\n")

    def report_error(self, error: GradlangError, *, with_location: bool = True) -> None:
        stream = self.stderr or sys.stderr
        if self.debug:
            import traceback

            cause = error.__cause__ or error
            stream.write("".join(traceback.format_exception(type(cause), cause, cause.__traceback__)))
        stream.write(format_error(error, with_location=with_location, color=self.color) + "\n")

    # ------------------------------------------------------------ running

    @contextmanager
    def _active(self):
        """Install this interpreter's grad mode, limits, random numbers and warning route."""
        saved_grad = grad_mode.is_grad_enabled()
        saved_limit = limits.current.max_tensor_elements
        grad_mode.set_grad_enabled(self.grad_enabled)
        limits.current.max_tensor_elements = self.max_tensor_elements
        saved_generator = creation.use_generator(self.generator)
        saved_print_options = printing.use_options(self.print_options)
        saved_handler = notices.set_handler(self.report_warning, self.warned_once)
        self.limits.start()
        saved_limits, running.limits = running.limits, self.limits
        try:
            yield
        finally:
            running.limits = saved_limits
            self.grad_enabled = grad_mode.is_grad_enabled()
            grad_mode.set_grad_enabled(saved_grad)
            limits.current.max_tensor_elements = saved_limit
            creation.use_generator(saved_generator)
            printing.use_options(saved_print_options)
            notices.set_handler(*saved_handler)
            self.limits.depth = 0
            self.handling.clear()

    def _execute(self, source: str, filename: str, first_line: int, echo: bool, echo_blocks: bool = False) -> None:
        with _gradlang_errors_only(filename, first_line):
            module = parse(source, filename, first_line=first_line)
            self.first_line = first_line
            code = self._compiler.compile_module(module, source, filename, echo, echo_blocks)
            with self._active():
                code(Env(self.globals, None))

    def run(self, source: str, filename: str = "<input>") -> None:
        """Run a program; an uncaught error propagates as a GradlangError with its location."""
        self._execute(source, filename, 1, echo=False)

    def run_file(self, path: str) -> None:
        """Run a script file; a file that cannot be opened is the host's OSError, bad UTF-8 a SyntaxError."""
        with open(path, "rb") as handle:
            raw = handle.read()
        try:
            source = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            raise SyntaxError_(f"invalid UTF-8 byte 0x{raw[exc.start]:02x} in the script", line=line, column=column,
                               filename=str(path)) from None
        self.run(source, str(path))

    def eval(self, expression: str):
        """The value of one expression in this interpreter's bindings."""
        with _gradlang_errors_only("<eval>", 1):
            node = parse_expression(expression, "<eval>")
            self.first_line = 1
            value = self._compiler.compile_expression(node, expression, "<eval>")
            with self._active():
                return value(Env(self.globals, None))

    def run_script(self, source: str, filename: str, echo: bool = False) -> int:
        """Run a whole script, report an uncaught error on stderr; the exit status."""
        try:
            self._execute(source, filename, 1, echo)
        except GradlangError as error:
            self.report_error(error)
            return 1
        return 0

    def execute_chunk(self, source: str, filename: str = "<stdin>", first_line: int = 1) -> bool:
        """One interactive submission: echo values, report an error (without the file), go on."""
        try:
            self._execute(source, filename, first_line, echo=True, echo_blocks=True)
        except GradlangError as error:
            self.report_error(error, with_location=False)
            return False
        return True

    def run_interactive(self, source: str, filename: str = "<stdin>") -> None:
        """`gradlang -i` without a terminal: each top-level statement as if typed at the REPL."""
        for first_line, chunk in split_top_level(source):
            self.execute_chunk(chunk, filename, first_line)

    # ------------------------------------------------------------ bindings

    def __getitem__(self, name: str):
        return self.globals[name]

    def __setitem__(self, name: str, value) -> None:
        if isinstance(value, np.ndarray):
            value = creation.tensor(value)
        elif isinstance(value, np.generic):  # a numpy number is a program's number: a Python one
            value = value.item()
        self.globals[name] = value

    def __contains__(self, name: str) -> bool:
        return name in self.globals

    def __delitem__(self, name: str) -> None:
        del self.globals[name]



@contextmanager
def _gradlang_errors_only(filename: str, first_line: int):
    """The last net: no Python exception but a GradlangError reaches the host (KeyboardInterrupt does).

    Errors are located where they happen; one that arrives here unlocated is a gradlang bug,
    reported as an internal error (from_python) at the start of the code that was run.
    """
    try:
        yield
    except GradlangError as error:
        if error.line is None:
            error.locate(first_line, 1, filename)
        raise
    except RecursionError:
        raise RecursionError_("maximum recursion depth exceeded").locate(first_line, 1, filename) from None
    except Exception as error:
        raise from_python(error).locate(first_line, 1, filename) from error
