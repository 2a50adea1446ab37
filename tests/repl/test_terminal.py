"""A real pseudo-terminal: `gradlang` typed at as a person would, through pexpect.

Like a person, the test waits for each prompt before typing the next line: keys typed while
a statement runs reach a terminal in cooked mode, where Ctrl-D and Enter mean other things.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

TIMEOUT = 30  # generous: a slow machine must not fail these
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
# prompt_toolkit turns bracketed paste on when a prompt opens and off when its input is taken.
PROMPT_OPENS, INPUT_TAKEN = "\x1b[?2004h", "\x1b[?2004l"
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def gradlang_command() -> str:
    beside_python = Path(sys.executable).parent / "gradlang"
    found = str(beside_python) if beside_python.exists() else shutil.which("gradlang")
    if found is None:
        pytest.skip("the gradlang command is not installed")
    return found


@pytest.fixture
def terminal(private_history):
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "PYTHONINSPECT", "COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", GRADLANG_HISTORY=str(private_history))
    child = pexpect.spawn(gradlang_command(), env=env, encoding="utf-8", dimensions=(40, 120), timeout=TIMEOUT)
    child.expect_exact(PROMPT_OPENS)
    yield child
    if child.isalive():
        child.terminate(force=True)


def plain(text: str) -> str:
    return ESCAPES.sub("", text).replace("\r\n", "\n")


def next_prompt(child, timeout: float = TIMEOUT) -> str:
    """Wait for the next prompt; what was shown since the input was taken (colour codes removed)."""
    child.expect_exact(INPUT_TAKEN, timeout=timeout)
    child.expect_exact(PROMPT_OPENS, timeout=timeout)
    return plain(child.before)


def submit(child, line: str) -> str:
    """Type a line and Enter; the output it produced (empty while a block is still open)."""
    child.send(line + "\r")
    return next_prompt(child)


def test_a_session_typed_at_a_terminal(terminal, private_history):
    child = terminal

    # a block over several lines: the second line is indented for us, an empty line ends it
    child.send("def square(v):\r")
    child.send("return v * v\r")
    assert submit(child, "") == ""
    submit(child, "x = param(3.0)")
    submit(child, "y = square(x)")
    assert submit(child, "y") == "tensor(9., grad_fn=<MulBackward0>)\n"

    # tab completion of a tensor method
    child.send("y.backw\t")
    child.expect_exact("backward")
    assert submit(child, "()") == ""
    assert submit(child, "x.grad") == "tensor(6.)\n"

    # an error, then a later use of an earlier binding
    shown = submit(child, "undefined_thing + 1")
    assert shown.splitlines() == [
        "NameError: name 'undefined_thing' is not defined",
        "    undefined_thing + 1",
        "    ^~~~~~~~~~~~~~~",
    ]
    assert submit(child, "x * 2") == "tensor(6., grad_fn=<MulBackward0>)\n"

    # Ctrl-C during an endless loop comes back to the prompt with the bindings intact
    submit(child, "n = 0")
    loop = "while True:\n    n = n + 1\n    if n == 1:\n        print 'spinning'\n"
    child.send(PASTE_START + loop + PASTE_END + "\r")
    child.expect_exact("spinning\r\n")  # the loop is running, and has counted once (a loaded machine is slow)
    child.sendintr()
    child.expect_exact(PROMPT_OPENS, timeout=10)
    assert plain(child.before).splitlines()[-1] == "KeyboardInterrupt"  # after the ^C the terminal echoes
    assert submit(child, "print n > 0, x") == "True tensor(3., requires_grad=True)\n"

    # meta-commands
    table = submit(child, ":vars").splitlines()
    assert table[0].split() == ["name", "type", "shape", "dtype", "requires_grad", "grad_fn", "value"]
    assert [row.split()[:2] for row in table[2:]] == [
        ["n", "int"], ["square", "function"], ["x", "Tensor"], ["y", "Tensor"],
    ]
    graph = submit(child, ":graph y").splitlines()
    assert graph[0].startswith("MulBackward0  y  (output)  = tensor(9.)")
    assert "AccumulateGrad #1  x  = tensor(3.)  grad tensor(6.)" in graph[1]
    assert "↑ AccumulateGrad #1 (shown above)" in graph[2]

    # Ctrl-D leaves with status 0
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "+x = param(3.0)" in private_history.read_text()


def test_ctrl_c_at_the_prompt_clears_the_line_and_quit_leaves(terminal):
    child = terminal
    child.send("half typed = (")
    child.sendintr()
    child.expect_exact(PROMPT_OPENS)
    assert submit(child, "1234 + 1111") == "2345\n"
    child.send(":quit\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
