"""How the REPL shows things: program output as exact text, errors in red, warnings in yellow.

Values and `print` output are written to the console's file untouched, so a tensor's repr is
PyTorch's text character for character: rich never wraps, highlights or reinterprets it.
Rich styles only what the REPL itself says (errors, warnings, tables, trees, notes).
"""

from __future__ import annotations

import traceback
from contextlib import contextmanager

from rich.console import Console
from rich.text import Text

from ..errors import GradlangError
from ..language.diagnostics import format_error

ERROR_STYLE = "bold red"
WARNING_STYLE = "yellow"
NOTE_STYLE = "dim"


class TextStream:
    """A file-like object that writes exact text to a rich console's file."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def write(self, text: str) -> int:
        self.console.file.write(text)
        return len(text)

    def flush(self) -> None:
        self.console.file.flush()

    def isatty(self) -> bool:
        return False


def say(console: Console, text: str | Text, style: str | None = None) -> None:
    """One line (or several) from the REPL itself, never wrapped, no markup, no highlighting."""
    if isinstance(text, str):
        text = Text(text, style=style or "")
    console.print(text, soft_wrap=True, highlight=False, markup=False)


def show_error(console: Console, error: GradlangError, *, with_location: bool = False, debug: bool = False) -> None:
    """`TYPE: message` in red, then the source line and a caret under the place."""
    if debug:
        cause = error.__cause__ or error
        console.file.write("".join(traceback.format_exception(type(cause), cause, cause.__traceback__)))
    headline, *context = format_error(error, with_location=with_location).split("\n")
    say(console, headline, ERROR_STYLE)
    if context:
        say(console, "\n".join(context))


def show_warning(console: Console, category: str, message: str) -> None:
    say(console, f"{category}: {message}", WARNING_STYLE)


def show_interrupt(console: Console) -> None:
    if console.is_terminal:  # the terminal echoed ^C where the cursor was
        console.file.write("\n")
    say(console, "KeyboardInterrupt", ERROR_STYLE)


def show_internal_error(console: Console, exc: BaseException, *, debug: bool = False) -> None:
    """A bug in gradlang itself: say so, keep the session."""
    if debug:
        console.file.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    say(console, f"internal error: {type(exc).__name__}: {exc}", ERROR_STYLE)
    if not debug:
        say(console, "(the session goes on; gradlang --debug shows a traceback)", NOTE_STYLE)


@contextmanager
def routed(interpreter, console: Console):
    """While the block runs, the interpreter's output, errors and warnings go to `console`."""
    saved = interpreter.stdout, interpreter.stderr
    interpreter.stdout = TextStream(console)
    interpreter.stderr = TextStream(console)
    # Instance attributes shadow the methods of the same name for this session only.
    interpreter.report_error = lambda error, *, with_location=True: show_error(
        console, error, with_location=False, debug=interpreter.debug)
    interpreter.report_warning = lambda category, message: show_warning(console, category, message)
    try:
        yield
    finally:
        interpreter.stdout, interpreter.stderr = saved
        del interpreter.report_error
        del interpreter.report_warning
