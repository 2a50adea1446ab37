"""The `gradlang` command: scripts, `-c`, `-i`, stdin, and the REPL on a terminal.

Kept light: it imports the language, never rich or prompt_toolkit, unless the REPL opens.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from . import startup

USAGE = """usage: gradlang [options] [FILE | -] [ARGS ...]

Run a gradlang program, or open the REPL when no program is given on a terminal.

  FILE            run a script (stops at the first uncaught error, exit 1)
  -               read the script from standard input
  -c CODE         run CODE
  -i              interactive: REPL semantics (echo values, report errors, go on);
                  after FILE or -c CODE, continue interactively
  --echo          print the repr of each top-level expression, like a notebook
  --no-color      never colour output (also NO_COLOR=1)
  --debug         show Python tracebacks for errors (for gradlang developers)
  --version       print the version and exit
  -h, --help      show this help and exit

Exit status: 0 success, 1 error in the program, 2 bad command line.
"""


class Options:
    """What the command line asked for."""

    def __init__(self) -> None:
        self.code: str | None = None
        self.file: str | None = None
        self.args: list[str] = []
        self.interactive = False
        self.echo = False
        self.color = True
        self.debug = False


class UsageError(Exception):
    pass


def parse_args(argv: list[str]) -> Options | str:
    """Options, or the text to print for --help / --version."""
    options = Options()
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            return USAGE
        if arg == "--version":
            from . import __version__

            return f"gradlang {__version__}"
        if arg == "-c":
            if i + 1 >= len(argv):
                raise UsageError("argument -c: expected the code to run")
            options.code = argv[i + 1]
            options.args = argv[i + 2:]
            return options
        if arg == "-i":
            options.interactive = True
        elif arg == "--echo":
            options.echo = True
        elif arg == "--no-color":
            options.color = False
        elif arg == "--debug":
            options.debug = True
        elif arg == "-" or not arg.startswith("-"):
            options.file = arg
            options.args = argv[i + 1:]
            return options
        elif arg == "--":  # the end of the options: a file named like one may follow
            if i + 1 < len(argv):
                options.file = argv[i + 1]
                options.args = argv[i + 2:]
            return options
        else:
            raise UsageError(f"unknown option {arg}")
        i += 1
    return options


def _read_script(path: str) -> tuple[str | None, str | None]:
    """(source, None) or (None, why it cannot be read)."""
    if os.path.isdir(path):
        return None, f"{path}: is a directory, not a script"
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return None, f"{path}: no such file"
    except OSError as exc:
        return None, f"{path}: cannot read ({exc.strerror})"
    return _decode(raw, path)


def _decode(raw: bytes, name: str) -> tuple[str | None, str | None]:
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, f"{name}:{line}:{column}: SyntaxError: invalid UTF-8 byte 0x{raw[exc.start]:02x} in the script"


def _use_color(options: Options, stream) -> bool:
    if not options.color or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def main(argv: list[str] | None = None) -> int:
    from .language.runtime import OutputClosed

    argv = sys.argv[1:] if argv is None else argv
    try:
        parsed = parse_args(argv)
    except UsageError as exc:
        sys.stderr.write(f"gradlang: {exc}\n{USAGE.splitlines()[0]}\n")
        return 2
    if isinstance(parsed, str):
        sys.stdout.write(parsed + ("" if parsed.endswith("\n") else "\n"))
        return 0
    options = parsed
    try:
        return run(options)
    except KeyboardInterrupt:
        sys.stderr.write("KeyboardInterrupt\n")
        return 130
    except OutputClosed:
        # Whoever read our output stopped (`| head`): leave quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def command() -> NoReturn:
    """The `gradlang` command (and `python -m gradlang`): main, then leave at once."""
    startup.leave(main())


def run(options: Options) -> int:
    from .core.heap import keep_freed_memory

    keep_freed_memory()  # our own process: large-array loops reuse memory instead of page-faulting
    with startup.collection_paused():
        from .language.interpreter import Interpreter

        interpreter = Interpreter(
            stdout=sys.stdout, stderr=sys.stderr, color=_use_color(options, sys.stderr), debug=options.debug,
            argv=[options.file or "-c"] + options.args, max_tensor_elements=Interpreter.CLI_MAX_TENSOR_ELEMENTS,
        )
    startup.settle()  # our own process: its collections need not walk what start-up made
    stdin_is_terminal = sys.stdin.isatty()
    if options.code is not None:
        status = interpreter.run_script(options.code, "<string>", echo=options.echo)
        if options.interactive:
            return _interactive(interpreter, options, stdin_is_terminal)
        return status
    if options.file is not None and options.file != "-":
        source, problem = _read_script(options.file)
        if problem is not None:
            sys.stderr.write(f"gradlang: {problem}\n")
            return 1 if "UTF-8" in problem else 2
        status = interpreter.run_script(source, options.file, echo=options.echo)
        if options.interactive:
            return _interactive(interpreter, options, stdin_is_terminal)
        return status
    if options.file == "-" or (not options.interactive and not stdin_is_terminal):
        source, problem = _decode(sys.stdin.buffer.read(), "<stdin>")
        if problem is not None:
            sys.stderr.write(f"gradlang: {problem}\n")
            return 1
        return interpreter.run_script(source, "<stdin>", echo=options.echo)
    return _interactive(interpreter, options, stdin_is_terminal)


def _interactive(interpreter, options: Options, stdin_is_terminal: bool) -> int:
    if stdin_is_terminal:
        from .repl.session import run_repl  # rich and prompt_toolkit load only for the REPL

        return run_repl(interpreter, color=options.color and not os.environ.get("NO_COLOR"))
    source, problem = _decode(sys.stdin.buffer.read(), "<stdin>")
    if problem is not None:
        sys.stderr.write(f"gradlang: {problem}\n")
        return 1
    interpreter.run_interactive(source, "<stdin>")
    return 0


if __name__ == "__main__":
    command()
