"""Resource limits: a runaway program stops with a clear error and the interpreter stays usable."""

from __future__ import annotations

import io
import time

import pytest

from gradlang import GradlangError, Interpreter
from gradlang.language.guards import MAX_INT_BITS


def quiet(**limits) -> Interpreter:
    return Interpreter(stdout=io.StringIO(), stderr=io.StringIO(), **limits)


def error_of(interp: Interpreter, source: str) -> GradlangError:
    with pytest.raises(GradlangError) as caught:
        interp.run(source)
    assert caught.value.line is not None
    return caught.value


def still_usable(interp: Interpreter) -> None:
    interp.run("after = sum([1, 2, 3]) + zeros(2).sum().item()")
    assert interp["after"] == 6


# ---------------------------------------------------------------- steps, time, recursion


@pytest.mark.parametrize("source", [
    "while True:\n    pass",
    "for i in range(10**12):\n    pass",
    "x = [i for i in range(10**12)]",
    "def f(n):\n    return f(n - 1) + f(n - 1) if n else 0\nf(100)",  # no loop: each call is a step
])
def test_max_steps_stops_a_runaway_program(source):
    interp = quiet(max_steps=10_000)
    error = error_of(interp, source)
    assert error.headline == "TimeoutError: the program ran more than 10000 steps (max_steps)"
    still_usable(interp)


def test_timeout_stops_a_program_and_cannot_be_caught():
    interp = quiet(timeout=0.3)
    started = time.monotonic()
    error = error_of(interp, "try:\n    while True:\n        pass\nexcept Exception:\n    print('caught')")
    assert time.monotonic() - started < 5
    assert error.headline == "TimeoutError: the program ran longer than 0.3 seconds (timeout)"
    assert interp.stdout.getvalue() == ""
    still_usable(interp)  # each run gets the full time again


def test_timeout_reaches_recursion_without_loops():
    interp = quiet(timeout=0.3)
    error = error_of(interp, "def f(n):\n    return f(n - 1) + f(n - 1) if n else 0\nf(60)")
    assert error.type_name == "TimeoutError"


@pytest.mark.parametrize("source, line", [
    ("def f(n):\n    return f(n + 1)\nf(0)", 2),
    ("f = lambda n: f(n + 1)\nf(0)", 1),
    ("def f(n):\n    return g(n)\ndef g(n):\n    return f(n)\nf(0)", 4),
    ("def f(n):\n    return [f(n + 1) for _ in range(1)]\nf(0)", 2),
    ("def f(n):\n    return sorted([1, 2], key=lambda k: f(n + 1))\nf(0)", 2),
])
def test_infinite_recursion_is_a_recursion_error_quickly(source, line):
    interp = quiet()
    started = time.monotonic()
    error = error_of(interp, source)
    assert time.monotonic() - started < 10
    assert error.headline == "RecursionError: maximum recursion depth exceeded"
    assert error.line == line
    still_usable(interp)


def test_max_recursion_is_settable():
    interp = quiet(max_recursion=50)
    interp.run("def depth(n):\n    return 0 if n == 0 else 1 + depth(n - 1)\nok = depth(49)")
    assert interp["ok"] == 49
    assert error_of(interp, "depth(50)").type_name == "RecursionError"


@pytest.mark.parametrize("depth", [0, 2001, 30_000])
def test_max_recursion_refuses_depths_the_c_stack_may_not_hold(depth):
    with pytest.raises(ValueError, match="max_recursion must be between 1 and 2000"):
        quiet(max_recursion=depth)


def test_the_deepest_recursion_allowed_stops_with_an_error_not_a_crash():
    # Each level goes through C code here (sorted calling the key): 3000 levels crashed the process.
    interp = quiet(max_recursion=2000)
    program = "def h(n):\n    return sorted([1], key=lambda v: h(n - 1)) if n else 0\nh(1990)"
    assert error_of(interp, program).type_name == "RecursionError"
    interp.run("def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nok = f(1990)")
    assert interp["ok"] == 1990


def test_recursion_can_be_caught_by_the_program():
    interp = quiet()
    interp.run("def f(n):\n    return f(n + 1)\ntry:\n    f(0)\nexcept RecursionError as e:\n    msg = str(e)")
    assert interp["msg"] == "maximum recursion depth exceeded"


# ---------------------------------------------------------------- tensor size


LIMIT = 1_000_000


@pytest.mark.parametrize("source", [
    "zeros(100000, 100000)", "ones(100000, 100000)", "ones((100000, 100000))", "full((100000, 100000), 2.0)",
    "rand(100000, 100000)", "randn(100000, 100000)", "torch.empty(100000, 100000)", "zeros(2**62, 2**62, 4)",
    "arange(10**12)", "arange(0, 1, 1e-9)", "linspace(0, 1, 10**10)", "torch.eye(100000)",
    "tensor([[0.0] * 10000] * 10000)", "zeros_like(ones(1000, 1000)).expand(1000, 1000, 1000)",
    "ones(100000, 1) * ones(1, 100000)", "ones(100000, 1) + 1 - ones(100000)",
    "ones(100000, 1) @ ones(1, 100000)", "torch.matmul(ones(100000), ones(100000, 1000))",
    "ones(10000, 100, 1) @ ones(1, 1, 1000)", "ones(1, 100000).expand(100000, 100000)",
    "a = ones(1000, 1000)\ncat([a, a])", "a = ones(1000, 1000)\nstack([a, a])",
    "where(ones(100000, 1) > 0, ones(1, 100000), 0.0)", "torch.maximum(ones(100000, 1), ones(100000))",
    "ones(100000, 1) > ones(100000)", "x = ones(1, 100000)\nx += ones(100000, 1)",
])
def test_oversized_tensors_are_refused_before_numpy_allocates(source):
    interp = quiet(max_tensor_elements=LIMIT)
    interp.run("import torch")
    error = error_of(interp, source)
    assert error.type_name == "RuntimeError"
    assert error.message.endswith(f"exceeds this interpreter's limit of {LIMIT} elements (max_tensor_elements)")
    still_usable(interp)


def test_the_default_limit_refuses_a_typo_that_would_take_the_machine():
    interp = quiet()
    assert error_of(interp, "x = ones(100000, 100000)").message.startswith("tensor of 10000000000 elements")
    assert error_of(interp, "x = ones(100000, 1) * ones(1, 100000)").type_name == "RuntimeError"


def test_tensors_up_to_the_limit_are_fine():
    interp = quiet(max_tensor_elements=LIMIT)
    interp.run("a = ones(1000, 1000)\nb = ones(1000, 1) * ones(1, 1000)\nc = ones(1000, 1) @ ones(1, 1000)")
    assert interp["c"].shape == (1000, 1000)


# ---------------------------------------------------------------- Python values one operation makes enormous


@pytest.mark.parametrize("source, type_name", [
    ("x = 10 ** 10 ** 10", "OverflowError"),
    ("x = pow(10, 10 ** 10)", "OverflowError"),
    ("x = 1 << 10 ** 10", "OverflowError"),
    ("x = 3\nfor i in range(100):\n    x = x * x", "OverflowError"),
    ("x = 3\nfor i in range(100):\n    x **= 2", "OverflowError"),
    ("import math\nx = math.factorial(10 ** 8)", "OverflowError"),
    ("import math\nx = math.comb(10 ** 9, 5 * 10 ** 8)", "OverflowError"),
    ("x = 'a' * 10 ** 10", "MemoryError"),
    ("x = 10 ** 10 * [0]", "MemoryError"),
    ("x = (0,) * 10 ** 10", "MemoryError"),
    ("x = 'ab'\nfor i in range(100):\n    x += x", "MemoryError"),
    ("x = [1]\nfor i in range(100):\n    x *= 2", "MemoryError"),
    ("x = f'{1:10000000000}'", "MemoryError"),
    ("x = f'{1.0:.10000000000f}'", "MemoryError"),
    ("n = 10 ** 10\nx = f'{1:{n}}'", "MemoryError"),
    ("x = '{:10000000000}'.format(1)", "MemoryError"),
    ("x = '{:{}}'.format(1, 10 ** 10)", "MemoryError"),
    ("x = format(1, '10000000000')", "MemoryError"),
    ("x = '%10000000000d' % 1", "MemoryError"),
    ("x = '%*d' % (10 ** 10, 1)", "MemoryError"),
    ("x = 'a'.center(10 ** 10)", "MemoryError"),
    ("x = 'a'.rjust(10 ** 10)", "MemoryError"),
    ("x = 'a'.zfill(10 ** 10)", "MemoryError"),
    ("x = ('a' * 10 ** 4).replace('a', 'a' * 10 ** 5)", "MemoryError"),
    ("s = 'a' * 10 ** 6\nx = ''.join([s] * 1000)", "MemoryError"),
])
def test_one_operation_cannot_take_the_host(source, type_name):
    interp = quiet()
    started = time.monotonic()
    error = error_of(interp, source)
    assert time.monotonic() - started < 5
    assert error.type_name == type_name
    still_usable(interp)


def test_big_but_reasonable_python_values_are_fine():
    interp = quiet()
    interp.run("import math\na = 2 ** 1000\nb = 'ab' * 1000\nc = [0] * 10000\nd = math.factorial(1000)\n"
               "e = f'{3.14159:10.2f}'\nf = 'x'.center(9, '-')\ng = 1 << 4000\nh = pow(3, 10 ** 6, 7)")
    assert interp["a"] == 2 ** 1000 and interp["e"] == "      3.14" and interp["f"] == "----x----"
    assert interp["a"].bit_length() < MAX_INT_BITS


def test_int_limit_does_not_touch_floats_or_tensors():
    interp = quiet()
    interp.run("x = 10.0 ** 300\nt = tensor(10.0) ** 1000")
    assert interp["x"] == 1e300 and interp["t"].item() == float("inf")
    assert error_of(interp, "x = 10.0 ** 1000").type_name == "OverflowError"  # Python's own


@pytest.mark.parametrize(
    "program, kind",
    [("list(range(10**9))", "list"), ("tuple(range(10**9))", "tuple"), ("sorted(range(10**9))", "list"),
     ("set(range(10**9))", "set")],
)
def test_builtins_refuse_to_read_more_items_than_a_sequence_may_have(program, kind):
    interp = quiet()
    error = error_of(interp, f"x = {program}")
    assert error.type_name == "MemoryError"
    assert f"a {kind} of" in str(error)
    still_usable(interp)


@pytest.mark.parametrize(
    "program",
    ["list(zip(range(10**9)))", "sum(range(10**9))", "list(range(10**8))", "any(v < 0 for v in range(10**9))",
     "dict(zip(range(10**9), range(10**9)))"],
)
def test_builtins_reading_in_c_stop_at_the_timeout(program):
    interp = quiet(timeout=0.3)
    started = time.monotonic()
    assert error_of(interp, f"x = {program}").type_name == "TimeoutError"
    assert time.monotonic() - started < 3
    still_usable(interp)


def test_bounded_builtins_are_still_the_types():
    interp = quiet()
    interp.run(
        "checks = [isinstance([1], list), isinstance((1,), tuple), type([]) == list, type({}) == dict,\n"
        "          isinstance(set([1]), set), type('a') == str, type([]) in (list, tuple), isinstance('a', (int, str))]\n"
        "names = [repr(list), repr(str), list.__name__, repr(type(list))]\n"
        "made = [list(range(3)), tuple('ab'), dict(a=1), sorted({2: 0, 1: 0}), sum(range(4), 10), str(tensor([1.]))]"
    )
    assert interp["checks"] == [True] * 8
    assert interp["names"] == ["<class 'list'>", "<class 'str'>", "list", "<class 'type'>"]
    assert interp["made"] == [[0, 1, 2], ("a", "b"), {"a": 1}, [1, 2], 16, "tensor([1.])"]


@pytest.mark.parametrize("program", ["max(range(10**9))", "min(range(10**9))"])
def test_max_and_min_of_a_lazy_range_stop_at_the_timeout(program):
    interp = quiet(timeout=0.3)
    started = time.monotonic()
    assert error_of(interp, f"x = {program}").type_name == "TimeoutError"
    assert time.monotonic() - started < 3
