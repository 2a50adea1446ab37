"""The embedding API: bindings in and out, errors as GradlangError, interpreters that share nothing."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from gradlang import GradlangError, Interpreter
from gradlang.core import grad_mode, limits

ROOT = Path(__file__).resolve().parents[2]


def quiet(**limits_) -> Interpreter:
    return Interpreter(stdout=io.StringIO(), stderr=io.StringIO(), **limits_)


# ---------------------------------------------------------------- the surface


def test_the_public_names_import_from_the_package():
    import gradlang

    assert gradlang.Interpreter is Interpreter
    assert issubclass(gradlang.GradlangError, Exception)


def test_numpy_arrays_become_tensors_and_numbers_stay_numbers():
    interp = quiet()
    interp["w"] = np.array([1.0, 2.0, 3.0])
    interp["k"] = 2
    interp["lr"] = 0.5
    interp.run("y = (w * k).sum() * lr\nn = k + 1")
    assert interp["y"].item() == 6.0
    assert interp["n"] == 3 and type(interp["n"]) is int
    assert type(interp["lr"]) is float
    assert interp.eval("w.dtype") is not None
    assert repr(interp.eval("w")) == "tensor([1., 2., 3.], dtype=torch.float64)"


def test_numpy_numbers_become_python_numbers():
    interp = quiet()
    interp["d"], interp["i"], interp["b"], interp["f"] = np.float64(2.5), np.int64(3), np.bool_(True), np.float32(0.5)
    interp.run("r = [d, i, b, f]\nkinds = [isinstance(d, float), isinstance(i, int), type(b) == bool]\ns = str(r)")
    assert [type(v) for v in interp["r"]] == [float, int, bool, float]
    assert interp["kinds"] == [True, True, True]
    assert interp["s"] == "[2.5, 3, True, 0.5]"


def test_tensors_come_out_with_numpy_item_and_tolist():
    interp = quiet()
    interp.run("x = param([1.0, 2.0])\ny = (x ** 2).sum()\ny.backward()")
    grad = interp.eval("x.grad")
    assert isinstance(grad.numpy(), np.ndarray)
    assert grad.numpy().tolist() == [2.0, 4.0]
    assert grad.tolist() == [2.0, 4.0]
    assert interp["y"].item() == 5.0


def test_output_goes_to_the_given_streams():
    out, err = io.StringIO(), io.StringIO()
    interp = Interpreter(stdout=out, stderr=err)
    interp.run("print('hello', 1 + 1)\ny = (param([1., 2.]) * 2)\ny.grad")
    assert out.getvalue() == "hello 2\n"
    assert err.getvalue().startswith("UserWarning: The .grad attribute of a Tensor that is not a leaf")


def test_once_only_warnings_come_once_per_interpreter():
    # PyTorch gives some warnings once per process (x.T on a 1-D tensor): once per interpreter here.
    def warnings_of(interp, source):
        err = io.StringIO()
        interp.stderr = err
        interp.run(source)
        return err.getvalue().count("UserWarning: The use of `x.T`")

    first = Interpreter(stdout=io.StringIO())
    assert warnings_of(first, "x = tensor([1., 2.])\nx.T\nx.T") == 1
    assert warnings_of(first, "x.T") == 0
    assert warnings_of(Interpreter(stdout=io.StringIO()), "tensor([1., 2.]).T") == 1
    # (x * x).backward(create_graph=True)'s reference-cycle warning likewise
    second = Interpreter(stdout=io.StringIO(), stderr=io.StringIO())
    second.run("x = param(2.0)\n(x * x).backward(create_graph=True)\n(x * x).backward(create_graph=True)")
    assert second.stderr.getvalue().count("create_graph=True will create a reference cycle") == 1


def test_run_file_and_eval(tmp_path):
    script = tmp_path / "prog.grad"
    script.write_text("def f(x):\n    return x * 3\n")
    interp = quiet()
    interp.run_file(str(script))
    assert interp.eval("f(4)") == 12
    with pytest.raises(GradlangError) as caught:
        interp.run("f(", filename=str(script))
    assert caught.value.filename == str(script) and caught.value.type_name == "SyntaxError"


def test_an_error_has_type_message_location_and_a_cli_like_str():
    interp = quiet()
    with pytest.raises(GradlangError) as caught:
        interp.run("x = 1\ny = x / 0", filename="prog.grad")
    error = caught.value
    assert (error.type_name, error.message) == ("ZeroDivisionError", "division by zero")
    assert (error.filename, error.line, error.column) == ("prog.grad", 2, 5)
    assert str(error) == "prog.grad:2:5: ZeroDivisionError: division by zero"
    assert isinstance(error, ZeroDivisionError)  # and the matching Python class, for `except` in hosts


def test_errors_keep_earlier_bindings():
    interp = quiet()
    interp.run("a = 1")
    with pytest.raises(GradlangError):
        interp.run("b = 2\nc = undefined_name")
    assert interp["a"] == 1 and interp["b"] == 2 and "c" not in interp


def test_a_syntax_error_from_eval_is_a_gradlang_error():
    with pytest.raises(GradlangError) as caught:
        quiet().eval("1 +")
    assert caught.value.type_name == "SyntaxError" and caught.value.line == 1


def test_keyboard_interrupt_from_the_host_propagates():
    def stop():
        raise KeyboardInterrupt

    interp = quiet()
    interp["stop"] = stop
    with pytest.raises(KeyboardInterrupt):
        interp.run("try:\n    stop()\nexcept Exception:\n    pass")
    interp.run("x = 1")  # still usable
    assert interp["x"] == 1


def test_an_interrupt_is_caught_only_by_a_handler_that_names_it():
    """As in Python, `except KeyboardInterrupt` (or BaseException) catches Ctrl-C; a bare
    `except:` does not, so that Ctrl-C always stops a loop."""

    def stop():
        raise KeyboardInterrupt

    out = io.StringIO()
    interp = Interpreter(stdout=out)
    interp["stop"] = stop
    interp.run("try:\n    stop()\nexcept KeyboardInterrupt as e:\n    print('caught', repr(e))\nfinally:\n    print('done')")
    interp.run("try:\n    stop()\nexcept (ValueError, BaseException):\n    print('base')")
    assert out.getvalue() == "caught KeyboardInterrupt()\ndone\nbase\n"
    with pytest.raises(KeyboardInterrupt):
        interp.run("try:\n    stop()\nexcept:\n    print('bare')")
    assert "bare" not in out.getvalue()


def test_a_python_exception_from_a_host_callback_becomes_a_gradlang_error():
    def broken():
        raise ValueError("bad value from the host")

    interp = quiet()
    interp["broken"] = broken
    with pytest.raises(GradlangError) as caught:
        interp.run("broken()")
    assert caught.value.type_name == "ValueError" and caught.value.line == 1


def test_a_host_callback_failing_oddly_is_still_a_gradlang_error():
    class HostTrouble(Exception):
        pass

    def broken():
        raise HostTrouble("disk on fire")

    interp = quiet()
    interp["broken"] = broken
    with pytest.raises(GradlangError) as caught:
        interp.eval("broken()")
    assert caught.value.type_name == "RuntimeError" and caught.value.line == 1
    assert "internal error in gradlang (HostTrouble: disk on fire)" in caught.value.message


def test_run_file_reads_utf8_with_or_without_a_bom_and_reports_bad_bytes(tmp_path):
    good, bad = tmp_path / "good.grad", tmp_path / "bad.grad"
    good.write_bytes("\ufeffname = 'héllo'\n".encode())
    bad.write_bytes(b"x = 1\ny = '\xff'\n")
    interp = quiet()
    interp.run_file(str(good))
    assert interp["name"] == "héllo"
    with pytest.raises(GradlangError) as caught:
        interp.run_file(str(bad))
    assert str(caught.value) == f"{bad}:2:6: SyntaxError: invalid UTF-8 byte 0xff in the script"
    with pytest.raises(FileNotFoundError):  # a file the host names and that is missing is the host's error
        interp.run_file(str(tmp_path / "missing.grad"))


def test_the_example_runs():
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "embed.py")], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "w=2.99" in done.stdout or "w=3.00" in done.stdout
    assert "oops.grad:1:5: RuntimeError" in done.stdout
    assert "TimeoutError: the program ran more than 1000 steps (max_steps)" in done.stdout


# ---------------------------------------------------------------- interpreters share nothing


def test_bindings_are_per_interpreter():
    a, b = quiet(), quiet()
    a.run("x = 1")
    assert "x" not in b
    with pytest.raises(GradlangError):
        b.run("print(x)")


def test_grad_mode_is_per_interpreter():
    a, b = quiet(), quiet()
    a.run("import torch\ntorch.set_grad_enabled(False)")
    b.run("y = param(1.) * 2")
    assert b["y"].requires_grad
    a.run("z = param(1.) * 2")
    assert not a["z"].requires_grad
    assert grad_mode.is_grad_enabled()  # the host's mode is untouched


def test_a_no_grad_block_in_one_does_not_leak_into_another():
    a, b = quiet(), quiet()

    def inner():
        b.run("y = param(1.) * 2")
        return b["y"].requires_grad

    a["inner"] = inner
    a.run("with no_grad:\n    seen = inner()\n    z = param(1.) * 2")
    assert a["seen"] is True and not a["z"].requires_grad


def test_random_streams_are_per_interpreter():
    a, b, c = quiet(), quiet(), quiet()
    a.run("manual_seed(0)\nfirst = rand(3)")
    c.run("manual_seed(0)")
    b.run("manual_seed(1)\nother = rand(3)")  # reseeding b does not move a's or c's stream
    c.run("mine = rand(3)")
    assert c["mine"].tolist() == a["first"].tolist()
    a.run("manual_seed(0)\nagain = rand(3)")
    assert a["again"].tolist() == a["first"].tolist()


def test_limits_are_per_interpreter_and_leave_the_host_alone():
    small, large = quiet(max_tensor_elements=10), quiet(max_tensor_elements=1000)
    with pytest.raises(GradlangError):
        small.run("x = zeros(100)")
    large.run("x = zeros(100)")
    assert limits.current.max_tensor_elements is None


def _threaded(worker, count: int) -> list:
    results: list = [None] * count
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        try:
            results[i] = worker(i)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_interpreters_run_concurrently_in_threads():
    program = """
manual_seed(seed)
w = param(randn(4))
total = 0.0
for step in range(300):
    if step % 2 == 0:
        with no_grad:
            frozen = w * 2
            assert not frozen.requires_grad
    loss = (w ** 2).sum()
    assert loss.requires_grad
    loss.backward()
    with no_grad:
        w -= 0.01 * w.grad
    w.grad.zero_()
    total = total + loss.item()
"""

    def worker(i):
        interp = quiet(max_tensor_elements=100 + i)
        interp["seed"] = i % 3
        interp.run(program)
        return interp["seed"], interp["w"].tolist(), interp["total"]

    results = _threaded(worker, 6)
    for result in results:
        assert not isinstance(result, BaseException), result
    alone = {}
    for seed in range(3):
        interp = quiet()
        interp["seed"] = seed
        interp.run(program)
        alone[seed] = (interp["w"].tolist(), interp["total"])
    for seed, w, total in results:
        assert (w, total) == alone[seed]  # same seed, same stream, no cross-talk


def test_limits_hold_per_thread():
    def worker(i):
        interp = quiet(max_tensor_elements=50 if i % 2 else None, max_steps=2000)
        outcome = []
        for _ in range(50):
            try:
                interp.run("x = zeros(100)")
                outcome.append("ok")
            except GradlangError as error:
                outcome.append(error.type_name)
        return set(outcome)

    results = _threaded(worker, 6)
    assert results == [{"ok"}, {"RuntimeError"}] * 3


def test_a_timeout_in_one_thread_leaves_the_others_running():
    def worker(i):
        interp = quiet(timeout=0.5 if i == 0 else None)
        if i == 0:
            with pytest.raises(GradlangError) as caught:
                interp.run("while True:\n    pass")
            return caught.value.type_name
        interp.run("t = 0\nfor k in range(20000):\n    t = t + k")
        return interp["t"]

    results = _threaded(worker, 3)
    assert results == ["TimeoutError", sum(range(20000)), sum(range(20000))]
