"""The prompt_toolkit session, driven through a pipe (no terminal): multi-line input, keys, history."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from gradlang.repl.session import history_path, make_session, next_indent, run_repl, submission, toolbar

ENTER, ALT_ENTER, CTRL_C, CTRL_D, BACKSPACE = "\r", "\x1b\r", "\x03", "\x04", "\x7f"
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


@pytest.fixture
def typed(interpreter):
    """Type keys at a fresh prompt; returns the text that Enter submitted."""
    with create_pipe_input() as pipe:
        session = make_session(interpreter, color=True, input=pipe, output=DummyOutput(), history=InMemoryHistory())

        def submit(keys: str) -> str:
            pipe.send_text(keys)
            return session.prompt()

        yield submit


# ------------------------------------------------------------ what Enter does

def test_complete_input_runs_and_unfinished_input_asks_for_more():
    assert submission("x = 1") == "x = 1"
    assert submission("x = (1,") is None
    assert submission("if x > 0:") is None
    assert submission("def f(a):\n    if a:") is None
    assert submission("for i in range(3):\n    print i") is None  # a block ends at an empty line
    assert submission("for i in range(3):\n    print i\n    ") == "for i in range(3):\n    print i"
    assert submission("x = (1,\n") is None  # an empty line inside brackets does not end anything
    assert submission("x = = 1") == "x = = 1"  # a syntax error runs, to be reported


def test_indentation_of_the_next_line():
    assert next_indent("if x:") == "    "
    assert next_indent("for i in range(3):  # loop") == "    "
    assert next_indent("    y = 1") == "    "
    assert next_indent("    while y:") == "        "
    assert next_indent("x = '#:'") == ""


# ------------------------------------------------------------ the prompt

def test_one_line(typed):
    assert typed("x = 1" + ENTER) == "x = 1"


def test_a_block_over_several_lines_is_auto_indented_and_ends_at_an_empty_line(typed):
    keys = "for i in range(3):" + ENTER + "if i:" + ENTER + "print i" + ENTER + ENTER
    assert typed(keys) == "for i in range(3):\n    if i:\n        print i"


def test_backspace_at_an_indentation_removes_a_level(typed):
    keys = "def f(a):" + ENTER + "if a:" + ENTER + "return 1" + ENTER + BACKSPACE + "return 2" + ENTER + ENTER
    assert typed(keys) == "def f(a):\n    if a:\n        return 1\n    return 2"


def test_open_brackets_continue_on_the_next_line(typed):
    assert typed("w = tensor([1.0," + ENTER + "2.0])" + ENTER) == "w = tensor([1.0,\n2.0])"


def test_alt_enter_runs_unfinished_input(typed):
    assert typed("if x:" + ALT_ENTER) == "if x:"


def test_a_pasted_block_is_one_submission(typed):
    block = "a = 1\nfor j in range(2):\n    a = a + j\n\nprint a\n"
    assert typed(PASTE_START + block + PASTE_END + ENTER) == block.rstrip("\n")


def test_ctrl_c_clears_the_input(typed):
    with pytest.raises(KeyboardInterrupt):
        typed("x = 12345" + CTRL_C)


def test_ctrl_d_on_an_empty_line_ends_the_session(typed):
    with pytest.raises(EOFError):
        typed(CTRL_D)


def test_history_is_saved_to_the_file_named_by_gradlang_history(interpreter, private_history):
    assert history_path() == private_history
    with create_pipe_input() as pipe:
        session = make_session(interpreter, color=False, input=pipe, output=DummyOutput())
        assert isinstance(session.history, FileHistory)
        pipe.send_text("y = 42" + ENTER)
        session.prompt()
    assert "+y = 42" in private_history.read_text()


def test_history_defaults_to_the_home_folder(monkeypatch):
    monkeypatch.delenv("GRADLANG_HISTORY")
    assert history_path() == Path.home() / ".gradlang_history"


def test_history_that_cannot_be_written_is_kept_in_memory(interpreter, monkeypatch, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setenv("GRADLANG_HISTORY", str(blocker / "history"))
    with create_pipe_input() as pipe:
        session = make_session(interpreter, color=False, input=pipe, output=DummyOutput())
    assert isinstance(session.history, InMemoryHistory)


def test_up_arrow_recalls_the_previous_input(interpreter):
    history = InMemoryHistory()
    history.append_string("z = 7")
    with create_pipe_input() as pipe:
        session = make_session(interpreter, color=False, input=pipe, output=DummyOutput(), history=history)
        pipe.send_text("\x1b[A" + ENTER)
        assert session.prompt() == "z = 7"


def test_toolbar_shows_grad_mode_and_tensors_requiring_grad(interpreter):
    interpreter.run("a = param(1.0)\nb = a * 2\nc = tensor(3.0)\nd = a")

    def text():
        return "".join(piece for _, piece in toolbar(interpreter))

    assert "grad mode: on" in text()
    assert "tensors requiring grad: 2" in text()  # a (also bound to d) and b; c does not
    interpreter.grad_enabled = False
    assert "grad mode: off" in text()


# ------------------------------------------------------------ the whole loop

def run_session(interpreter, keys: str) -> tuple[int, str]:
    console = Console(file=io.StringIO(), width=100, color_system=None)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        status = run_repl(interpreter, color=False, input=pipe, output=DummyOutput(), console=console,
                          history=InMemoryHistory())
    return status, console.file.getvalue()


def test_a_session_runs_until_ctrl_d_and_exits_0(interpreter):
    keys = ("x = param(2.0)" + ENTER + "y = x * x" + ENTER + "y.backward()" + ENTER + "oops" + ENTER
            + "x.grad" + ENTER + "x = 1 +" + CTRL_C + "x" + ENTER + CTRL_D)
    status, shown = run_session(interpreter, keys)
    assert status == 0
    lines = shown.splitlines()
    assert lines[1:] == [
        "NameError: name 'oops' is not defined",
        "    oops",
        "    ^~~~",
        "tensor(4.)",
        "tensor(2., requires_grad=True)",
    ]


def test_quit_command_ends_the_session(interpreter):
    status, shown = run_session(interpreter, ":quit" + ENTER + "print 'not reached'" + ENTER)
    assert status == 0
    assert "not reached" not in shown
