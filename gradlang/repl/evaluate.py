"""One REPL submission, evaluated and rendered: a plain function, testable without a terminal."""

from __future__ import annotations

import enum

from rich.console import Console

from .commands import QUIT, run_command
from .output import routed, show_internal_error, show_interrupt


class Outcome(enum.Enum):
    OK = "ok"  # ran (or nothing to run)
    ERROR = "error"  # an error was reported; the session goes on
    INTERRUPTED = "interrupted"  # Ctrl-C stopped it; the session goes on
    QUIT = "quit"  # the user asked to leave


def handle_input(interpreter, text: str, console: Console) -> Outcome:
    """Run what the user submitted (program text or a `:command`) and show the result on `console`.

    Values echo as their exact repr (None shows nothing, `_` keeps the last one); errors and
    warnings are shown in place; every binding survives errors and interruptions.
    """
    if not text.strip():
        return Outcome.OK
    outcome = Outcome.OK

    def run_code(source: str) -> None:
        nonlocal outcome
        if not interpreter.execute_chunk(source, "<stdin>", 1):
            outcome = Outcome.ERROR

    with routed(interpreter, console):
        try:
            if text.lstrip().startswith(":"):
                if run_command(interpreter, text, console, run_code) == QUIT:
                    return Outcome.QUIT
            else:
                run_code(text)
        except KeyboardInterrupt:
            show_interrupt(console)
            return Outcome.INTERRUPTED
        except Exception as exc:  # a bug in gradlang: report it, keep the session
            show_internal_error(console, exc, debug=interpreter.debug)
            return Outcome.ERROR
    return outcome
