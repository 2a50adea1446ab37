"""The interactive REPL: a prompt_toolkit session in front of `handle_input`.

Enter runs the input once it is complete (the parser's `is_incomplete` decides); until then
it opens a `... ` line, indented one more level after a `:`. An empty line ends a block,
Alt+Enter (Esc, Enter) runs the input as it is. History persists in ~/.gradlang_history
(or $GRADLANG_HISTORY); the grey suggestion comes from it.
"""

from __future__ import annotations

import os
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.document import Document
from prompt_toolkit.filters import Condition
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.output import ColorDepth
from rich.console import Console

from ..core.tensor import Tensor
from ..language.parser import is_incomplete
from .completion import GradlangCompleter
from .evaluate import Outcome, handle_input
from .highlight import STYLE, GradlangLexer, line_tokens
from .output import NOTE_STYLE, say

PROMPT = ">>> "
CONTINUATION = "... "
INDENT = "    "


def history_path() -> Path:
    configured = os.environ.get("GRADLANG_HISTORY")
    return Path(configured).expanduser() if configured else Path.home() / ".gradlang_history"


def open_history() -> History:
    """The persistent history, or one kept in memory when its file cannot be written."""
    path = history_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError:
        return InMemoryHistory()
    return FileHistory(str(path))


# ------------------------------------------------------------ what Enter does

def submission(text: str) -> str | None:
    """The text to run when Enter is pressed after `text`, or None to open another line.

    A last line that is empty (or only indentation) means "the block is done", as in Python's REPL.
    """
    lines = text.split("\n")
    if len(lines) > 1 and not lines[-1].strip():
        ended = "\n".join(lines[:-1]).rstrip() + "\n"
        return None if is_incomplete(ended) else ended.rstrip("\n")
    if _opens_block(lines[-1]):
        return None
    return None if is_incomplete(text) else text


def _code_tokens(line: str) -> list[str]:
    return [text for style, text in line_tokens(line, ()) if text.strip() and style != "class:comment"]


def _opens_block(line: str) -> bool:
    """A line ending in `:` (comments aside) waits for its block."""
    code = _code_tokens(line)
    return bool(code) and code[-1] == ":"


def next_indent(text: str) -> str:
    """The indentation of the line after `text`: the last line's, one more level after a `:`."""
    last = text.split("\n")[-1]
    indent = last[: len(last) - len(last.lstrip())]
    return indent + INDENT if _opens_block(last) else indent


def key_bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event) -> None:
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.current_completion is not None:
            buffer.apply_completion(state.current_completion)
            return
        text = submission(buffer.text)
        if text is None:
            buffer.insert_text("\n" + next_indent(buffer.document.text_before_cursor))
            return
        buffer.document = Document(text, len(text))
        buffer.validate_and_handle()

    @bindings.add("escape", "enter")
    def _force(event) -> None:
        event.current_buffer.validate_and_handle()

    at_line_start = Condition(lambda: _before_cursor_is_blank())

    @bindings.add("tab", filter=at_line_start)
    def _indent(event) -> None:
        event.current_buffer.insert_text(INDENT)

    @bindings.add("backspace", filter=at_line_start)
    def _dedent(event) -> None:
        buffer = event.current_buffer
        width = len(buffer.document.current_line_before_cursor)
        buffer.delete_before_cursor(width % len(INDENT) or min(width, len(INDENT)) or 1)

    return bindings


def _before_cursor_is_blank() -> bool:
    from prompt_toolkit.application import get_app

    return not get_app().current_buffer.document.current_line_before_cursor.strip()


# ------------------------------------------------------------ the bottom toolbar

def tensors_requiring_grad(interpreter) -> int:
    seen = {id(value) for name, value in interpreter.globals.items()
            if name != "_" and isinstance(value, Tensor) and value.requires_grad}
    return len(seen)


def toolbar(interpreter) -> list[tuple[str, str]]:
    mode = ("class:bottom-toolbar.key", "on") if interpreter.grad_enabled else ("class:bottom-toolbar.off", "off")
    count = tensors_requiring_grad(interpreter)
    return [
        ("", " grad mode: "), mode,
        ("", "  │  tensors requiring grad: "), ("class:bottom-toolbar.key", str(count)),
        ("", "  │  :help  Alt+Enter runs  Ctrl-D exits "),
    ]


# ------------------------------------------------------------ the session

def make_session(interpreter, color: bool, *, input=None, output=None, history: History | None = None) -> PromptSession:
    return PromptSession(
        message=PROMPT,
        multiline=True,
        prompt_continuation=lambda width, line_number, is_soft_wrap: CONTINUATION.rjust(width),
        key_bindings=key_bindings(),
        history=history if history is not None else open_history(),
        auto_suggest=AutoSuggestFromHistory(),
        completer=GradlangCompleter(interpreter),
        complete_while_typing=False,
        lexer=GradlangLexer(interpreter) if color else None,
        style=STYLE,
        color_depth=None if color else ColorDepth.MONOCHROME,
        include_default_pygments_style=False,
        bottom_toolbar=lambda: toolbar(interpreter),
        enable_history_search=False,
        input=input,
        output=output,
    )


def run_repl(interpreter, color: bool, *, input=None, output=None, console: Console | None = None,
             history: History | None = None) -> int:
    """The REPL on a terminal until Ctrl-D or `:quit`; the exit status (0)."""
    if console is None:
        console = Console(soft_wrap=True, highlight=False, color_system="auto" if color else None)
    session = make_session(interpreter, color, input=input, output=output, history=history)
    from .. import __version__

    say(console, f"gradlang {__version__}: :help for help, Ctrl-D to leave", NOTE_STYLE)
    while True:
        try:
            try:
                text = session.prompt()
            except KeyboardInterrupt:  # Ctrl-C at the prompt clears the input
                continue
            except EOFError:  # Ctrl-D
                return 0
            if handle_input(interpreter, text, console) is Outcome.QUIT:
                return 0
        except KeyboardInterrupt:  # Ctrl-C just between statements
            continue
