"""The evaluator, one statement and expression form at a time, with Python's semantics."""

from __future__ import annotations

import io

import pytest

from gradlang import GradlangError
from gradlang.language.interpreter import Interpreter


def run(source: str) -> str:
    out = io.StringIO()
    Interpreter(stdout=out, stderr=io.StringIO()).run(source)
    return out.getvalue()


def error_of(source: str) -> GradlangError:
    with pytest.raises(GradlangError) as caught:
        Interpreter(stdout=io.StringIO(), stderr=io.StringIO()).run(source)
    return caught.value


# ---------------------------------------------------------------- numbers follow Python exactly


@pytest.mark.parametrize("source, printed", [
    ("print 7 // 2, 7 % 3, -7 // 2, 2 ** 10, 2 ** -1", "3 1 -4 1024 0.5"),
    ("print 1 / 3", "0.3333333333333333"),
    ("print 2 * 4 * math.cos(16)", "-7.661275842587077"),
    ("print 1_000 + .5 + 3. + 1e-8", "1003.50000001"),
    ("print 10 / 4, 10 // 4.0", "2.5 2.0"),
    ("print True + True, not 0, 3 if 0 else 4", "2 True 4"),
    ("print 1 < 2 < 3, 1 < 3 < 2, 2 == 2.0 != 3", "True False True"),
    ("print -2 ** 2, (-2) ** 2", "-4 4"),
    ("print 0 or 'x', 1 and 0, None or None", "x 0 None"),
    ("print 'ab' * 2 + 'c', len('abc'), 'b' in 'abc', 3 not in [1, 2]", "ababc 3 True True"),
    ("print round(2.675, 2), abs(-3), min(3, 1, 2), max([4, 9]), sum([1, 2, 3])", "2.67 3 1 9 6"),
    ("print int('42') + int(3.9), float(2), str(1.5), bool([])", "45 2.0 1.5 False"),
])
def test_numbers_and_builtins_follow_python(source, printed):
    assert run("import math\n" + source) == printed + "\n"


def test_dy_dx_of_the_seed_returns_an_int():
    assert run("def dy_dx(x):\n  return 2*x\nprint(dy_dx(3))") == "6\n"


# ---------------------------------------------------------------- statements


def test_assignment_forms():
    assert run("a = b = 3\nc, d = 1, 2\n(e, f), g = (4, 5), 6\nh, *i = [7, 8, 9]\nprint a, b, c, d, e, f, g, h, i") \
        == "3 3 1 2 4 5 6 7 [8, 9]\n"


def test_unpacking_errors_name_the_counts():
    assert error_of("a, b = 1, 2, 3").message == "too many values to unpack (expected 2)"
    assert error_of("a, b, c = 1, 2").message == "not enough values to unpack (expected 3, got 2)"
    assert error_of("a, b = 5").message == "cannot unpack non-iterable int object"


def test_augmented_assignment_on_numbers_rebinds():
    assert run("n = 1\nm = n\nn += 2\nn *= 3\nprint n, m") == "9 1\n"


def test_augmented_assignment_on_tensors_is_in_place():
    assert run("t = tensor([1., 2.])\nu = t\nt += 1\nprint u") == "tensor([2., 3.])\n"


def test_print_statement_and_print_call():
    assert run('print 1, "a", [1, 2]\nprint(1, 2, sep="-", end="!\\n")\nprint') == "1 a [1, 2]\n1-2!\n\n"


def test_if_elif_else():
    source = "for n in [1, 5, 10]:\n    if n < 3:\n        print 'small'\n    elif n < 8:\n        print 'mid'\n    else:\n        print 'big'"
    assert run(source) == "small\nmid\nbig\n"


def test_while_break_continue_and_else():
    source = (
        "n = 0\nwhile True:\n    n += 1\n    if n % 2:\n        continue\n    if n > 6:\n        break\n    print n\n"
        "for i in range(2):\n    pass\nelse:\n    print 'done'"
    )
    assert run(source) == "2\n4\n6\ndone\n"


def test_for_iterates_dim_0_of_a_tensor():
    assert run("for row in tensor([[1., 2.], [3., 4.]]):\n    print row.sum()") == "tensor(3.)\ntensor(7.)\n"


def test_functions_defaults_keywords_and_varargs():
    source = "def f(a, b=10, *rest, **named):\n    return a + b + sum(rest) + len(named)\nprint f(1), f(1, 2, 3, 4, x=1)"
    assert run(source) == "11 11\n"


def test_function_argument_errors_read_like_python():
    assert error_of("def f(a, b):\n    pass\nf(1)").message == "f() missing 1 required positional argument: 'b'"
    assert error_of("def f(a):\n    pass\nf(1, 2)").message == "f() takes 1 positional argument but 2 were given"
    assert error_of("def f(a):\n    pass\nf(b=1)").message == "f() got an unexpected keyword argument 'b'"


def test_closures_capture_their_scope_and_nonlocal_rebinds():
    source = (
        "def counter():\n    n = 0\n    def step():\n        nonlocal n\n        n += 1\n        return n\n    return step\n"
        "c = counter()\nc()\nprint c(), c()"
    )
    assert run(source) == "2 3\n"


def test_global_statement():
    assert run("total = 0\ndef add(k):\n    global total\n    total += k\nadd(2)\nadd(3)\nprint total") == "5\n"


def test_local_used_before_assignment():
    error = error_of("x = 1\ndef f():\n    print x\n    x = 2\nf()")
    assert error.type_name == "UnboundLocalError"  # (a NameError, as in Python)
    assert isinstance(error, NameError)
    assert "cannot access local variable 'x'" in error.message


def test_recursion_and_its_limit():
    assert run("def fact(n):\n    return 1 if n <= 1 else n * fact(n - 1)\nprint fact(20)") == "2432902008176640000\n"
    error = error_of("def forever(n):\n    return forever(n + 1)\nforever(0)")
    assert (error.type_name, error.message) == ("RecursionError", "maximum recursion depth exceeded")
    assert error.line == 2


def test_decorators_in_python_s_order():
    source = (
        "def tag(label):\n    print 'evaluate', label\n    def apply(f):\n        print 'apply', label\n"
        "        return lambda x: (label, f(x))\n    return apply\n"
        "@tag('outer')\n@tag('inner')\ndef f(x):\n    return x * 2\nprint f(3)"
    )
    assert run(source) == ("evaluate outer\nevaluate inner\napply inner\napply outer\n"
                           "('outer', ('inner', 6))\n")
    # a decorator inside a function, and one that closes over a local
    assert run("def outer():\n    k = 10\n    @(lambda f: lambda: f() + k)\n    def g():\n        return 1\n"
               "    return g()\nprint outer()") == "11\n"


def test_a_decorator_s_errors_point_at_it():
    error = error_of("@5\ndef f():\n    pass")
    assert (error.type_name, error.message, error.line, error.column) == ("TypeError", "'int' object is not callable", 1, 2)
    error = error_of("@missing\ndef f():\n    pass")
    assert (error.type_name, error.line, error.column) == ("NameError", 1, 2)
    error = error_of("def boom(f):\n    return 1 / 0\n@boom\ndef f():\n    pass")
    assert (error.type_name, error.line) == ("ZeroDivisionError", 2)


def test_lambda_and_list_comprehension():
    assert run("sq = lambda v, p=2: v ** p\nprint [sq(i) for i in range(5) if i % 2 == 0], sq(3, 3)") == "[0, 4, 16] 27\n"
    assert run("print sum(i * i for i in range(4)), [(i, j) for i in range(2) for j in range(2)]") \
        == "14 [(0, 0), (0, 1), (1, 0), (1, 1)]\n"


def test_try_except_catches_by_type_name_and_str_is_the_message():
    source = (
        "try:\n    tensor(1.).backward()\nexcept RuntimeError as e:\n    print 'caught:', str(e)\n"
        "try:\n    [][1]\nexcept (KeyError, IndexError) as e:\n    print type_name if False else e\n"
        "try:\n    1 / 0\nexcept:\n    print 'bare'\nfinally:\n    print 'finally'"
    )
    assert run(source) == (
        "caught: element 0 of tensors does not require grad and does not have a grad_fn\n"
        "list index out of range\nbare\nfinally\n"
    )


@pytest.mark.parametrize("clause, column", [("except Foo as e:", 8), ("except (ValueError, Foo):", 8)])
def test_an_undefined_name_in_an_except_clause_is_located_there(clause, column):
    error = error_of(f"x = 1\ntry:\n    1 / 0\n{clause}\n    pass")
    assert (error.type_name, error.message, error.line, error.column) == (
        "NameError", "name 'Foo' is not defined", 4, column)


def test_uncaught_error_propagates_after_finally():
    out = io.StringIO()
    interp = Interpreter(stdout=out)
    with pytest.raises(GradlangError) as caught:
        interp.run("try:\n    x = 1 / 0\nfinally:\n    print 'cleanup'")
    assert caught.value.type_name == "ZeroDivisionError"
    assert out.getvalue() == "cleanup\n"


def test_raise_and_reraise():
    error = error_of("raise ValueError('bad value')")
    assert (error.type_name, error.message, error.line) == ("ValueError", "bad value", 1)
    assert error_of("try:\n    1/0\nexcept ZeroDivisionError:\n    raise").type_name == "ZeroDivisionError"


def test_assert_statement():
    error = error_of("assert 1 == 2, 'one is not two'")
    assert (error.type_name, error.message) == ("AssertionError", "one is not two")


def test_with_no_grad_in_both_spellings():
    source = (
        "import torch\nx = param(2.0)\nwith no_grad:\n    a = x * 2\nwith torch.no_grad():\n    b = x * 2\n"
        "with no_grad:\n    with enable_grad:\n        c = x * 2\nprint a, b, c"
    )
    assert run(source) == "tensor(4.) tensor(4.) tensor(4., grad_fn=<MulBackward0>)\n"


def test_imports_bind_the_builtin_modules():
    source = (
        "import torch as t\nimport math\nimport torch.nn.functional as F\nfrom math import pi\n"
        "print t.sigmoid(t.tensor(0.)), math.sqrt(16), F.relu(t.tensor(-1.)), pi"
    )
    assert run(source) == "tensor(0.5000) 4.0 tensor(0.) 3.141592653589793\n"


def test_any_other_import_is_an_import_error():
    error = error_of("import os")
    assert error.type_name == "ImportError"
    assert "No module named 'os'" in error.message


def test_fstrings_with_format_specs():
    source = 'loss = tensor(6.70123)\nw = param(1.0)\nprint(f"w={w} loss={loss:.4f} {[1, 2]!r} {{x}} {3.14159:{2 + 4}.2f}")'
    assert run(source) == "w=1.0 loss=6.7012 [1, 2] {x}   3.14\n"


def test_attribute_assignment_only_for_tensor_grad_fields():
    assert run("t = tensor([1., 2.])\nt.requires_grad = True\nprint t") == "tensor([1., 2.], requires_grad=True)\n"
    assert error_of("t = tensor([1., 2.])\nt.shape = 3").type_name == "AttributeError"


def test_index_assignment_on_tensors_and_lists():
    assert run("t = zeros(3)\nt[1] = 5.\nv = [1, 2]\nv[0] = 9\nprint t, v") == "tensor([0., 5., 0.]) [9, 2]\n"


def test_slices_and_tuples_of_slices():
    assert run("m = arange(6.).reshape(2, 3)\nprint m[:, 1], m[1, ::2], m[-1]") \
        == "tensor([1., 4.]) tensor([3., 5.]) tensor([3., 4., 5.])\n"


def test_del_removes_a_binding():
    assert error_of("x = 1\ndel x\nprint x").type_name == "NameError"


# ---------------------------------------------------------------- names and errors


def test_unknown_names_suggest_a_near_match():
    error = error_of("y = sigmod(tensor(1.))")
    assert error.message == "name 'sigmod' is not defined. Did you mean: 'sigmoid'?"
    assert (error.line, error.column) == (1, 5)


def test_runtime_errors_point_at_the_expression_that_raised():
    error = error_of("a = ones(3)\nb = ones(4)\nc = 1 + (a + b)")
    assert error.message == (
        "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0"
    )
    assert (error.line, error.column) == (3, 10)
    assert error.source_line == "c = 1 + (a + b)"


def test_errors_inside_functions_point_inside_the_function():
    error = error_of("def f(t):\n    return t.item()\nf(ones(3))")
    assert error.line == 2


def test_bindings_survive_an_error():
    interp = Interpreter(stdout=io.StringIO())
    interp.run("x = 41")
    with pytest.raises(GradlangError):
        interp.run("x = x + 1\nundefined_name")
    assert interp["x"] == 42


# ---------------------------------------------------------------- tensors through the language


def test_short_forms():
    assert run("x = param(3.0); y = x**2; backward(y); print x.grad") == "tensor(6.)\n"


def test_tensor_attributes_and_methods():
    source = "x = param([1., 2.])\ny = (x * 2).sum()\nprint x.shape, x.dtype, y.grad_fn, y.grad_fn.name(), x.is_leaf, y.ndim"
    assert run(source) == "torch.Size([2]) torch.float32 <SumBackward0> SumBackward0 True 0\n"


def test_sgd_step_under_no_grad():
    source = (
        "w = param(1.0)\nfor i in range(3):\n    loss = (w * 3 - 1) ** 2\n    loss.backward()\n"
        "    with no_grad:\n        w -= 0.01 * w.grad\n    w.grad.zero_()\nprint w"
    )
    assert run(source) == "tensor(0.7009, requires_grad=True)\n"


def test_warnings_go_to_stderr_and_the_program_goes_on():
    err = io.StringIO()
    out = io.StringIO()
    Interpreter(stdout=out, stderr=err).run("x = param(1.)\ny = x * 2\nprint y.grad\nprint y.grad\nprint 'after'")
    assert out.getvalue() == "None\nNone\nafter\n"
    assert err.getvalue().count("UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor") == 2


def test_echo_shows_values_and_keeps_the_last_one_as_underscore():
    out = io.StringIO()
    interp = Interpreter(stdout=out)
    interp.execute_chunk("1 + 2")
    interp.execute_chunk("None")
    interp.execute_chunk("_ * 10")
    assert out.getvalue() == "3\n30\n"


def test_keyword_only_parameters():
    source = "def f(a, *, b, c=3):\n    return a + b + c\nprint f(1, b=2), f(1, b=2, c=10)"
    assert run(source) == "6 13\n"
    assert error_of("def f(a, *, b):\n    pass\nf(1)").message == "f() missing 1 required keyword-only argument: 'b'"


def test_torch_and_math_are_reachable_without_an_import():
    assert run("print torch.sigmoid(torch.tensor(0.)), math.floor(2.5), torch.float64") \
        == "tensor(0.5000) 2 torch.float64\n"


def test_an_error_in_code_from_an_earlier_chunk_shows_that_code():
    err = io.StringIO()
    interp = Interpreter(stdout=io.StringIO(), stderr=err)
    interp.execute_chunk("def f(t):\n    return t.item()\n", "<stdin>", 1)
    interp.execute_chunk("f(ones(3))\n", "<stdin>", 4)
    assert err.getvalue().splitlines() == [
        "RuntimeError: a Tensor with 3 elements cannot be converted to Scalar",
        "    return t.item()",
        "           ^~~~~~~~",
    ]


def test_an_error_inside_a_lambda_points_into_the_lambda():
    error = error_of("key = lambda v: v.foo\nsorted([1, 2], key=key)")
    assert (error.type_name, error.line, error.column) == ("AttributeError", 1, 17)


def test_print_keywords_are_pythons():
    assert run("print(1, 2, sep='-', end='!\\n', flush=True)\nprint(1, file=None)\nprint(3, end=None)") == "1-2!\n1\n3\n"
    assert error_of("print(1, foo=2)").message == "'foo' is an invalid keyword argument for print()"
    assert error_of("print(1, 2, sep=3)").message == "sep must be None or a string, not int"
    assert error_of("print(1, end=[])").message == "end must be None or a string, not list"


def test_ascii_conversion_and_argument_count_messages_are_pythons():
    assert run("t = 'é€😀'\nx = 2.5\nprint(f'{x!a} {[t]!a} {t!a}')") == "2.5 ['\\xe9\\u20ac\\U0001f600'] " \
        "'\\xe9\\u20ac\\U0001f600'\n"
    define = "def ff(a, b=2):\n    pass\ndef k(a):\n    pass\n"
    assert error_of(define + "ff(1, 2, 3)").message == "ff() takes from 1 to 2 positional arguments but 3 were given"
    assert error_of(define + "k(1, 2)").message == "k() takes 1 positional argument but 2 were given"
    assert error_of("(lambda x=1: x)(1, 2)").message == \
        "<lambda>() takes from 0 to 1 positional arguments but 2 were given"


def test_set_literals_and_set_and_dict_comprehensions():
    source = (
        "s = {1, 2, 2, 3}\ns.add(4)\n"
        "print(s, {x % 3 for x in range(10)}, {x: x * x for x in range(4) if x}, {*[1, 2], 3}, {1,})\n"
        "for i in range(2):\n    print({i: i + 1 for _ in range(1)}, {i * 2}, sorted(s - {1}), 2 in s)\n"
        "def table(n):\n    return {i: [j for j in range(i)] for i in range(n)}\nprint(table(3), {})"
    )
    assert run(source) == (
        "{1, 2, 3, 4} {0, 1, 2} {1: 1, 2: 4, 3: 9} {1, 2, 3} {1}\n"
        "{0: 1} {0} [2, 3, 4] True\n{1: 2} {2} [2, 3, 4] True\n"
        "{0: [], 1: [0], 2: [0, 1]} {}\n"
    )
    assert error_of("{[1]: 2 for _ in range(1)}").message == "unhashable type: 'list'"


def test_a_generator_prints_as_pythons():
    assert run("print((x for x in range(3)))").startswith("<generator object <genexpr> at 0x")
