"""The evaluate-and-render step: echo, errors, warnings, interrupts, without a terminal."""

from __future__ import annotations

import io

from rich.console import Console

from gradlang.language.interpreter import Interpreter
from gradlang.repl.evaluate import Outcome, handle_input


def test_a_value_echoes_as_its_exact_pytorch_repr(run):
    run("x = param(3.0)")
    outcome, shown = run("x ** 2")
    assert outcome is Outcome.OK
    assert shown == "tensor(9., grad_fn=<PowBackward0>)\n"


def test_a_wide_matrix_is_never_rewrapped_by_the_console(interpreter):
    narrow = Console(file=io.StringIO(), width=20, color_system=None)
    handle_input(interpreter, "ones(2, 6) / 3", narrow)
    assert narrow.file.getvalue() == (
        "tensor([[0.3333, 0.3333, 0.3333, 0.3333, 0.3333, 0.3333],\n"
        "        [0.3333, 0.3333, 0.3333, 0.3333, 0.3333, 0.3333]])\n"
    )


def test_repr_text_that_looks_like_markup_is_shown_as_is(run):
    outcome, shown = run("'[bold]x[/bold]'")
    assert shown == "'[bold]x[/bold]'\n"


def test_none_echoes_nothing_and_assignments_echo_nothing(run):
    assert run("None") == (Outcome.OK, "")
    assert run("a = 1") == (Outcome.OK, "")


def test_underscore_is_the_last_value(run):
    run("2 + 3")
    assert run("_ * 10")[1] == "50\n"


def test_print_output_is_plain_text(run):
    assert run("print 1, 'two', tensor([1.0, 2.0])")[1] == "1 two tensor([1., 2.])\n"


def test_empty_input_does_nothing(run):
    assert run("   ") == (Outcome.OK, "")


def test_an_error_shows_type_message_source_line_and_caret_without_file(run):
    outcome, shown = run("y = undefined_name + 1")
    assert outcome is Outcome.ERROR
    assert shown.splitlines() == [
        "NameError: name 'undefined_name' is not defined",
        "    y = undefined_name + 1",
        "        ^~~~~~~~~~~~~~",
    ]


def test_a_syntax_error_says_what_was_expected(run):
    outcome, shown = run("x = (1 +")
    assert outcome is Outcome.ERROR
    assert shown.startswith("SyntaxError: ")


def test_bindings_survive_an_error(run):
    run("w = param([1.0, 2.0])")
    run("w + zeros(3)")  # shapes do not broadcast
    assert run("w")[1] == "tensor([1., 2.], requires_grad=True)\n"


def test_an_error_in_the_middle_of_a_block_keeps_what_ran_before_it(run):
    outcome, _ = run("a = 1\nb = a / 0\nc = 3")
    assert outcome is Outcome.ERROR
    assert run("a")[1] == "1\n"
    assert run("c")[1].startswith("NameError")


def test_a_warning_is_shown_and_the_statement_still_runs(run):
    run("x = param(2.0)")
    run("y = x * 3")
    outcome, shown = run("y.grad")
    assert outcome is Outcome.OK
    assert shown.startswith("UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor")


def test_errors_are_red_and_warnings_yellow_when_colour_is_on(interpreter):
    console = Console(file=io.StringIO(), width=100, color_system="standard", force_terminal=True)
    handle_input(interpreter, "1 / 0", console)
    handle_input(interpreter, "y = param(1.0) * 2\ny.grad", console)
    shown = console.file.getvalue()
    assert "\x1b[1;31mZeroDivisionError: division by zero" in shown
    assert "\x1b[33mUserWarning:" in shown


def test_colour_codes_never_touch_a_value(interpreter):
    console = Console(file=io.StringIO(), width=100, color_system="standard", force_terminal=True)
    handle_input(interpreter, "tensor([1.5, -2.0])", console)
    assert console.file.getvalue() == "tensor([ 1.5000, -2.0000])\n"


def test_keyboard_interrupt_during_a_statement_returns_to_the_prompt_with_bindings(run, interpreter):
    def interrupt():
        raise KeyboardInterrupt

    interpreter.globals["n"] = 5
    interpreter.builtins["interrupt"] = interrupt
    outcome, shown = run("n = n + 1\ninterrupt()\nn = 100")
    assert outcome is Outcome.INTERRUPTED
    assert shown == "KeyboardInterrupt\n"
    assert run("n")[1] == "6\n"
    assert interpreter.grad_enabled


def test_interrupt_inside_no_grad_restores_grad_mode(run, interpreter):
    def interrupt():
        raise KeyboardInterrupt

    interpreter.builtins["interrupt"] = interrupt
    run("with no_grad:\n    interrupt()")
    assert run("param(1.0) * 2")[1] == "tensor(2., grad_fn=<MulBackward0>)\n"


def test_the_interpreter_streams_are_restored_after_each_submission(interpreter, console):
    before = interpreter.stdout, interpreter.stderr
    handle_input(interpreter, "print 1\n1/0", console)
    assert (interpreter.stdout, interpreter.stderr) == before
    assert "report_error" not in vars(interpreter)


def test_a_bug_inside_gradlang_is_reported_and_the_session_goes_on(run, interpreter, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("oops")

    monkeypatch.setattr(interpreter, "execute_chunk", broken)
    outcome, shown = run("1 + 1")
    assert outcome is Outcome.ERROR
    assert "internal error: ValueError: oops" in shown


def test_handle_input_needs_no_terminal():
    interpreter = Interpreter()
    console = Console(file=io.StringIO(), width=100, color_system=None)
    assert handle_input(interpreter, "3 * 4", console) is Outcome.OK
    assert console.file.getvalue() == "12\n"
