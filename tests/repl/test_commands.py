"""Meta-commands: :help :vars :graph :reset :load :time :quit, and unknown ones."""

from __future__ import annotations

from gradlang.repl.commands import COMMANDS
from gradlang.repl.evaluate import Outcome


def test_help_summarises_the_language_and_lists_every_command(run):
    outcome, shown = run(":help")
    assert outcome is Outcome.OK
    assert "param(3.0)" in shown and "backward" in shown
    for name in COMMANDS:
        assert name in shown


def test_vars_is_a_table_of_the_bindings(run):
    run("x = param([1.0, 2.0])\ny = (x * x).sum()\nlr = 0.1\ndef f(a): return a")
    outcome, shown = run(":vars")
    assert outcome is Outcome.OK
    assert shown.splitlines()[0].split() == ["name", "type", "shape", "dtype", "requires_grad", "grad_fn", "value"]
    rows = {line.split()[0]: line.split() for line in shown.splitlines() if line.strip() and line.split()[0]
            in ("x", "y", "lr", "f")}
    assert rows["x"][:5] == ["x", "Tensor", "[2]", "torch.float32", "True"]
    assert rows["y"][:6] == ["y", "Tensor", "[]", "torch.float32", "True", "SumBackward0"]
    assert rows["lr"][:2] == ["lr", "float"] and rows["lr"][-1] == "0.1"
    assert rows["f"][:2] == ["f", "function"]


def test_vars_leaves_out_underscore_and_says_when_there_is_nothing(run):
    assert "no bindings yet" in run(":vars")[1]
    run("1 + 1")
    assert "no bindings yet" in run(":vars")[1]


def test_graph_draws_grad_fn_nodes_down_to_named_leaves_with_values_and_grads(run):
    run("a = param(2.0)\nb = param(3.0)\nc = a * b\nd = c + sin(a)\nd.backward(retain_graph=True)")
    outcome, shown = run(":graph d")
    assert outcome is Outcome.OK
    lines = shown.splitlines()
    assert lines[0] == "AddBackward0  d  (output)  = tensor(6.9093)"
    assert "MulBackward0  c  = tensor(6.)" in lines[1]
    assert "AccumulateGrad #1  a  = tensor(2.)  grad tensor(2.5839)" in lines[2]
    assert "AccumulateGrad  b  = tensor(3.)  grad tensor(2.)" in lines[3]
    assert "SinBackward0" in lines[4]
    assert "↑ AccumulateGrad #1 (shown above)" in lines[5]
    assert len(lines) == 6


def test_graph_shows_a_node_reached_twice_once(run):
    run("x = param(1.0)\nh = x * 2\ny = h * h")
    shown = run(":graph y")[1]
    assert shown.count("MulBackward0 #1  h") == 1
    assert "↑ MulBackward0 #1 (shown above)" in shown
    assert shown.count("AccumulateGrad") == 1


def test_graph_of_an_expression(run):
    run("x = param([1.0, 2.0])")
    shown = run(":graph (x * 3).mean()")[1]
    assert shown.splitlines()[0].startswith("MeanBackward0  (output)  = tensor(4.5000)")
    assert "AccumulateGrad  x  = tensor([1., 2.])" in shown


def test_graph_of_a_leaf_a_constant_and_a_non_tensor(run):
    run("w = param(1.0)\nk = tensor(2.0)")
    assert "w is a leaf tensor" in run(":graph w")[1]
    assert "k does not require grad" in run(":graph k")[1]
    assert "not a tensor" in run(":graph 3")[1]


def test_graph_of_a_bad_expression_reports_the_error(run):
    outcome, shown = run(":graph nothing_here")
    assert shown.startswith("NameError: name 'nothing_here' is not defined")
    assert "usage" in run(":graph")[1]


def test_graph_of_a_long_chain_is_cut_short(run):
    run("x = param(1.0)\ny = x\nfor i in range(500):\n    y = y * 1.0")
    shown = run(":graph y")[1]
    assert "… (deeper nodes not drawn)" in shown
    assert len(shown.splitlines()) < 30


def test_graph_of_a_wide_graph_is_cut_short(run):
    run("xs = [param(float(i)) for i in range(300)]\ny = stack(xs).sum()")
    shown = run(":graph y")[1]
    assert "more nodes (the picture stops at" in shown


def test_reset_forgets_every_binding(run, interpreter):
    run("x = 1\nwith no_grad:\n    y = 2")
    run(":reset")
    assert run("x")[1].startswith("NameError")
    assert interpreter.grad_enabled


def test_load_runs_a_script_into_the_session(run, tmp_path):
    script = tmp_path / "setup.grad"
    script.write_text("w = param([1.0, 2.0])\nloss = (w * w).sum()\nloss\n")
    outcome, shown = run(f":load {script}")
    assert "loaded" in shown and "tensor(5." not in shown  # a script does not echo
    assert run("loss")[1] == "tensor(5., grad_fn=<SumBackward0>)\n"


def test_load_reports_an_error_with_its_file_and_line(run, tmp_path):
    script = tmp_path / "broken.grad"
    script.write_text("a = 1\nb = a + missing\n")
    shown = run(f":load {script}")[1]
    assert shown.startswith(f"{script}:2:9: NameError: name 'missing' is not defined")
    assert run("a")[1] == "1\n"


def test_load_a_missing_file(run, tmp_path):
    assert "no such file" in run(f":load {tmp_path / 'nope.grad'}")[1]
    assert "usage" in run(":load")[1]


def test_time_runs_the_statement_and_shows_wall_time(run):
    shown = run(":time s = sum([k for k in range(100)])")[1]
    assert "wall time:" in shown
    assert run("s")[1] == "4950\n"
    assert "wall time:" in run(":time s")[1]


def test_time_reports_errors_of_the_statement(run):
    outcome, shown = run(":time 1 / 0")
    assert outcome is Outcome.ERROR
    assert shown.startswith("ZeroDivisionError")


def test_quit(run):
    assert run(":quit")[0] is Outcome.QUIT
    assert run(":q")[0] is Outcome.QUIT


def test_an_unknown_command_gets_a_clear_message_and_the_list(run):
    outcome, shown = run(":frobnicate")
    assert "unknown command ':frobnicate'" in shown
    for name in COMMANDS:
        assert name in shown
