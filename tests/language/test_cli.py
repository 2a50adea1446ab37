"""The `gradlang` command line, every row of LANGUAGE.md's table, through a real process."""

from __future__ import annotations

from .helpers import gradlang

SHORT_FORM = "x = param(3.0); y = x**2; backward(y); print x.grad"


def test_dash_c_runs_code():
    done = gradlang("-c", SHORT_FORM)
    assert (done.returncode, done.stdout, done.stderr) == (0, "tensor(6.)\n", "")


def test_script_file_runs_without_echo(tmp_path):
    script = tmp_path / "prog.grad"
    script.write_text("x = param(2.0)\nx * 3\nprint((x * 3).grad_fn)\n")
    done = gradlang(str(script))
    assert (done.returncode, done.stdout) == (0, "<MulBackward0>\n")


def test_script_arguments_are_visible_as_argv(tmp_path):
    script = tmp_path / "args.grad"
    script.write_text("print argv[1:]\n")
    assert gradlang(str(script), "a", "b").stdout == "['a', 'b']\n"


def test_echo_prints_each_top_level_expression(tmp_path):
    script = tmp_path / "nb.grad"
    script.write_text("x = param(3.0)\nx\ny = x ** 2\ny\nNone\n")
    done = gradlang("--echo", str(script))
    assert done.stdout == "tensor(3., requires_grad=True)\ntensor(9., grad_fn=<PowBackward0>)\n"


def test_runtime_error_reports_file_line_column_and_caret(tmp_path):
    script = tmp_path / "bad.grad"
    script.write_text("a = ones(3)\nprint 'before'\nb = a + ones(4)\nprint 'never'\n")
    done = gradlang(str(script))
    assert done.returncode == 1
    assert done.stdout == "before\n"
    lines = done.stderr.splitlines()
    assert lines[0] == (
        f"{script}:3:5: RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at "
        "non-singleton dimension 0"
    )
    assert lines[1].strip() == "b = a + ones(4)"
    assert lines[2].strip().startswith("^")
    assert "Traceback" not in done.stderr


def test_syntax_error_names_what_was_expected(tmp_path):
    script = tmp_path / "syntax.grad"
    script.write_text("x = 1\nprint(x\n")
    done = gradlang(str(script))
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == f"{script}:2:6: SyntaxError: '(' was never closed"
    assert done.stdout == ""


def test_interactive_without_terminal_goes_on_after_errors():
    done = gradlang("-i", stdin="x = 2\nx * 3\nundefined\nx + 1\ntensor(1.).backward()\nprint 'end'\n")
    assert done.returncode == 0
    assert done.stdout == "6\n3\nend\n"
    assert [line for line in done.stderr.splitlines() if not line.startswith(" ")] == [
        "NameError: name 'undefined' is not defined",
        "RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn",
    ]
    assert "\x1b[" not in done.stdout + done.stderr


def test_interactive_block_statements_run_whole():
    done = gradlang("-i", stdin="def f(v):\n    return v * 2\n\nf(21)\nfor i in range(2):\n    i\n\n")
    assert done.stdout == "42\n0\n1\n"  # Python's prompt shows values inside a loop too


def test_interactive_echo_inside_blocks_but_not_inside_called_functions():
    # What Python's prompt shows for the same statements, each block ended by a blank line.
    source = (
        "import torch\nx = torch.tensor(2.0)\n"
        "if x > 1:\n    'big'\nelse:\n    'small'\n\n"
        "def f():\n    7\n    return None\n\nf()\n"
        "with torch.no_grad():\n    x * 2\n\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    'caught'\nfinally:\n    None\n    'finally'\n\n"
        "while x < 4:\n    x = x + 1\n    x\n\n"
        "_\n"
    )
    done = gradlang("-i", stdin=source)
    assert done.stdout == "'big'\ntensor(4.)\n'caught'\n'finally'\ntensor(3.)\ntensor(4.)\ntensor(4.)\n"
    # --echo is a notebook's: top-level expressions only.
    script = "for i in range(2):\n    i\ni + 10\n"
    assert gradlang("--echo", "-c", script).stdout == "11\n"


def test_stdin_script_with_dash_and_without():
    assert gradlang("-", stdin="print 1 + 1\n").stdout == "2\n"
    piped = gradlang(stdin="print 'piped'\nundefined\nprint 'no'\n")
    assert (piped.returncode, piped.stdout) == (1, "piped\n")


def test_version_and_help():
    assert gradlang("--version").stdout.startswith("gradlang ")
    help_text = gradlang("--help")
    assert help_text.returncode == 0 and "usage: gradlang" in help_text.stdout


def test_bad_command_line_exits_2():
    done = gradlang("--no-such-option")
    assert done.returncode == 2
    assert "unknown option --no-such-option" in done.stderr
    assert gradlang("-c").returncode == 2


def test_double_dash_ends_the_options(tmp_path):
    script = tmp_path / "-odd.grad"
    script.write_text("print(argv)\n")
    done = gradlang("--", str(script), "--echo")
    assert (done.returncode, done.stdout) == (0, f"[{str(script)!r}, '--echo']\n")


def test_missing_file_directory_empty_file_and_bad_utf8(tmp_path):
    missing = gradlang(str(tmp_path / "nope.grad"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    folder = gradlang(str(tmp_path))
    assert folder.returncode == 2 and "is a directory" in folder.stderr
    empty = tmp_path / "empty.grad"
    empty.write_text("")
    assert gradlang(str(empty)).returncode == 0
    broken = tmp_path / "broken.grad"
    broken.write_bytes(b"x = 1\nprint '\xff'\n")
    done = gradlang(str(broken))
    assert done.returncode == 1
    assert "2:8: SyntaxError: invalid UTF-8" in done.stderr


def test_no_color_when_not_a_terminal_and_with_no_color(tmp_path):
    done = gradlang("--no-color", "-c", "undefined")
    assert "\x1b[" not in done.stderr
    assert done.returncode == 1


def test_debug_shows_the_python_traceback():
    done = gradlang("--debug", "-c", "ones(3) + ones(2)")
    assert "Traceback" in done.stderr
    assert done.returncode == 1


def test_warnings_print_and_the_script_goes_on():
    done = gradlang("-c", "x = param(1.)\ny = x * 2\nprint y.grad\nprint 'still here'")
    assert done.stdout == "None\nstill here\n"
    assert done.stderr.startswith("UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor")


def test_output_closed_by_the_reader_ends_quietly():
    import subprocess
    import sys

    done = subprocess.run(
        f"'{sys.executable}' -m gradlang -c 'for i in range(100000): print i' | head -n 2; exit ${{PIPESTATUS[0]}}",
        shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=60,
    )
    assert done.stdout == "0\n1\n"
    assert done.stderr == ""
    assert done.returncode == 141
