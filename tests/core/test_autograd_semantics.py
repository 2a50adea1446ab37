"""PyTorch's autograd semantics, behaviour by behaviour, checked against torch itself.

Each scenario is a function of the library (`lib` is torch or gradlang) that returns what a
user would print; `same_outcome` runs it on both and compares the printed values, or the
error (type and message), and the warnings.
"""

from __future__ import annotations

import itertools
import threading
import warnings

import pytest

import gradlang as T

pytestmark = pytest.mark.torch


def outcome(lib, scenario) -> tuple:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = repr(scenario(lib))
        except Exception as exc:  # noqa: BLE001 - the error is the outcome
            result = f"{type(exc).__name__}: {exc}"
    messages = [str(w.message).split(" (Triggered internally")[0] for w in caught if w.category is UserWarning]
    return result, messages


def same_outcome(torch, scenario) -> tuple:
    ours = outcome(T, scenario)
    assert ours == outcome(torch, scenario)
    return ours


# ---------------------------------------------------------------- accumulation and zero_


def test_gradients_accumulate_across_backward_calls(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * x).sum().backward()
        (x * x).sum().backward()
        return x.grad

    assert same_outcome(torch, scenario)[0] == "tensor([4., 8.])"


def test_a_value_used_twice_gets_both_gradients(torch):
    def scenario(lib):
        x = lib.tensor(3.0, requires_grad=True)
        y = x * x + x
        y.backward()
        return x.grad

    same_outcome(torch, scenario)


def test_zero_resets_the_gradient_in_place(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * 3).sum().backward()
        grad = x.grad
        x.grad.zero_()
        (x * 2).sum().backward()
        return x.grad, grad is x.grad

    assert same_outcome(torch, scenario)[0] == "(tensor([2., 2.]), True)"


def test_setting_grad_to_none_starts_afresh(torch):
    def scenario(lib):
        x = lib.tensor([1.0], requires_grad=True)
        (x * 3).sum().backward()
        x.grad = None
        (x * 5).sum().backward()
        return x.grad

    same_outcome(torch, scenario)


# ---------------------------------------------------------------- retain_graph and second backward


def test_second_backward_fails_without_retain_graph(torch):
    def scenario(lib):
        x = lib.tensor(2.0, requires_grad=True)
        y = x * x
        y.backward()
        y.backward()

    assert same_outcome(torch, scenario)[0].startswith("RuntimeError: Trying to backward through the graph a second")


def test_retain_graph_allows_a_second_backward(torch):
    def scenario(lib):
        x = lib.tensor(2.0, requires_grad=True)
        y = x * x
        y.backward(retain_graph=True)
        y.backward()
        return x.grad

    assert same_outcome(torch, scenario)[0] == "tensor(8.)"


@pytest.mark.parametrize(
    "expression",
    [
        lambda lib, x: x + 1,  # saves nothing: a second backward just accumulates
        lambda lib, x: x - 2,
        lambda lib, x: -x,
        lambda lib, x: x.sum(),
        lambda lib, x: x * 3,  # saves the 3
        lambda lib, x: x.exp(),  # saves its output
        lambda lib, x: x.sin(),  # saves its input
        lambda lib, x: x.reshape(1),
    ],
)
def test_second_backward_fails_only_when_a_node_saved_tensors(torch, expression):
    def scenario(lib):
        x = lib.tensor(1.0, requires_grad=True)
        y = expression(lib, x).sum()
        y.backward()
        y.backward()
        return x.grad

    same_outcome(torch, scenario)


# ---------------------------------------------------------------- gradient= and non-scalar outputs


def test_non_scalar_backward_needs_gradient(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).backward()

    assert same_outcome(torch, scenario)[0] == "RuntimeError: grad can be implicitly created only for scalar outputs"


def test_gradient_weights_a_non_scalar_output(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * x).backward(gradient=lib.tensor([1.0, 0.5, -1.0]))
        return x.grad

    same_outcome(torch, scenario)


def test_gradient_of_the_wrong_shape_is_refused(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * x).backward(lib.tensor([1.0, 2.0, 3.0]))

    same_outcome(torch, scenario)


def test_backward_of_a_tensor_without_grad_fn_is_refused(torch):
    def scenario(lib):
        lib.tensor(1.0).backward()

    same_outcome(torch, scenario)


# ---------------------------------------------------------------- higher order


def test_create_graph_gives_higher_derivatives(torch):
    def scenario(lib):
        x = lib.tensor(2.0, requires_grad=True)
        y = x**3
        (first,) = lib.autograd.grad(y, x, create_graph=True)
        (second,) = lib.autograd.grad(first, x, create_graph=True)
        (third,) = lib.autograd.grad(second, x)
        return first, second, third

    assert same_outcome(torch, scenario)[0] == (
        "(tensor(12., grad_fn=<MulBackward0>), tensor(12., grad_fn=<MulBackward0>), tensor(6.))"
    )


def test_backward_with_create_graph_warns_and_keeps_a_differentiable_grad(torch):
    def scenario(lib):
        x = lib.tensor(2.0, requires_grad=True)
        (x**3).backward(create_graph=True)
        grad = x.grad
        x.grad = None
        grad.backward()
        return grad, x.grad

    same_outcome(torch, scenario)


def test_second_derivative_of_sigmoid_and_tanh(torch):
    def scenario(lib):
        x = lib.tensor([-1.0, 0.5, 2.0], requires_grad=True)
        (g,) = lib.autograd.grad((x.sigmoid() * x.tanh()).sum(), x, create_graph=True)
        (h,) = lib.autograd.grad(g.sum(), x)
        return [round(v, 5) for v in h.tolist()]

    same_outcome(torch, scenario)


# ---------------------------------------------------------------- autograd.grad


def test_autograd_grad_returns_a_tuple_and_leaves_grad_alone(torch):
    def scenario(lib):
        x = lib.tensor(1.0, requires_grad=True)
        w = lib.tensor(3.0, requires_grad=True)
        grads = lib.autograd.grad(x * w, (x, w))
        return type(grads).__name__, grads, x.grad, w.grad

    same_outcome(torch, scenario)


def test_autograd_grad_refuses_an_unused_input(torch):
    def scenario(lib):
        x = lib.tensor(1.0, requires_grad=True)
        unused = lib.tensor(2.0, requires_grad=True)
        return lib.autograd.grad(x * 2, [x, unused])

    assert "allow_unused=True" in same_outcome(torch, scenario)[0]


def test_autograd_grad_allow_unused_gives_none(torch):
    def scenario(lib):
        x = lib.tensor(1.0, requires_grad=True)
        unused = lib.tensor(2.0, requires_grad=True)
        return lib.autograd.grad(x * 2, [x, unused], allow_unused=True)

    assert same_outcome(torch, scenario)[0] == "(tensor(2.), None)"


def test_autograd_grad_with_grad_outputs(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        return lib.autograd.grad(x * x, x, grad_outputs=lib.tensor([1.0, -1.0]))

    same_outcome(torch, scenario)


def test_autograd_grad_of_an_input_that_does_not_require_grad(torch):
    def scenario(lib):
        x = lib.tensor(1.0, requires_grad=True)
        c = lib.tensor(1.0)
        return lib.autograd.grad(x * c, c)

    same_outcome(torch, scenario)


# ---------------------------------------------------------------- retain_grad and the non-leaf warning


def test_non_leaf_grad_is_none_and_warns(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.sum().backward()
        return y.grad

    result, caught = same_outcome(torch, scenario)
    assert result == "None" and caught and caught[0].startswith("The .grad attribute of a Tensor that is not a leaf")


def test_retain_grad_keeps_a_non_leaf_gradient_without_warning(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        (y * y).sum().backward()
        return y.grad, y.retains_grad, x.grad

    assert same_outcome(torch, scenario) == ("(tensor([4., 8.]), True, tensor([ 8., 16.]))", [])


def test_leaf_grad_reads_without_warning(torch):
    def scenario(lib):
        x = lib.tensor([1.0], requires_grad=True)
        return x.grad

    assert same_outcome(torch, scenario) == ("None", [])


# ---------------------------------------------------------------- in-place rules


@pytest.mark.parametrize(
    "change",
    [
        lambda lib, x: x.add_(1),
        lambda lib, x: x.mul_(2),
        lambda lib, x: x.zero_(),
        lambda lib, x: x.__iadd__(1),
        lambda lib, x: x.__setitem__(0, 5.0),  # a view of the leaf
        lambda lib, x: x.__setitem__(slice(None), 5.0),  # all of the leaf: the plain message
    ],
)
def test_in_place_change_of_a_leaf_that_requires_grad_is_refused(torch, change):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        change(lib, x)

    assert same_outcome(torch, scenario)[0].startswith("RuntimeError: a ")


def test_in_place_change_of_an_expanded_tensor_is_refused(torch):
    def scenario(lib):
        lib.tensor([1.0, 2.0]).expand(3, 2).add_(1)

    assert "more than one element" in same_outcome(torch, scenario)[0]


@pytest.mark.parametrize(
    "write",
    [
        "e[0, 1] = 7.0",  # one element: its location is shared by the whole column, and written
        "e[0] = 7.0",
        "e[0] = lib.tensor([5.0, 6.0])",
        "e[1, :] = 4.0",
        "e[:] = 7.0",  # the region itself has shared locations: refused
        "e[...] = 7.0",
        "e[:, 0] = lib.tensor(7.0)",
        "e[:, 1:] = 4.0",
        "e[0, 1] += 1",
        "e[0].mul_(2)",
        "e[0].zero_()",
        "e[0].copy_(lib.ones(2))",
        "e[1:].add_(1)",
        "e.add_(1)",
        "e.copy_(lib.ones(3, 2))",
        "e.fill_(3)",  # fill_ and zero_ do not check
        "e.zero_()",
        "e[[0, 1]] = 3.0",  # tensor indices still write, with a deprecation warning
        "e[[0, 1], [1, 1]] = 3.0",
        "e[e > 1] = 0.0",  # and a mask with one value goes on to masked_fill_, which warns too
        "e[e > 1] = lib.tensor([5.0])",
        "e[e > 1] = lib.tensor([5.0, 5.0, 5.0])",
        "e[0, [1]] = 5.0",  # the integer picks a view without shared locations first: no warning
        "e[0, e[0] > 1] = 5.0",
    ],
)
def test_writing_into_an_expanded_tensor(torch, write):
    # An expanded tensor shares its base's memory: writes go through to the base, as PyTorch's.
    def scenario(lib):
        a = lib.tensor([1.0, 2.0])
        e = a.expand(3, 2)
        exec(write, {"lib": lib, "e": e})
        return a, e

    same_outcome(torch, scenario)


def test_writing_into_an_expanded_column(torch):
    def scenario(lib):
        a = lib.tensor([[1.0], [2.0]])
        e = a.expand(2, 3)
        e[1] = 4.0
        return a, e

    assert same_outcome(torch, scenario)[0].startswith("RuntimeError: unsupported operation")


def test_writing_into_an_expanded_0d_tensor(torch):
    def scenario(lib):
        a = lib.tensor(3.0)
        e = a.expand(3)
        e[1] = 2.0
        return a, e

    same_outcome(torch, scenario)


_VIEWS = {
    "slice": lambda y: y[1:3],
    "row": lambda y: y[0],
    "element": lambda y: y[1, 2],
    "column": lambda y: y[:, 1],
    "transpose": lambda y: y.t(),
    "reshape": lambda y: y.view(6),
    "unsqueeze": lambda y: y.unsqueeze(0),
    "view of a view": lambda y: y[1:][0],
}
_CHANGES = {
    "mul_": lambda lib, v, x: v.mul_(3),
    "add_ tensor": lambda lib, v, x: v.add_(x.sum()),
    "setitem": lambda lib, v, x: v.__setitem__(..., x.sum() * 2),
    "copy_": lambda lib, v, x: v.copy_(x[0, 0] * lib.ones_like(v)),
    "zero_": lambda lib, v, x: v.zero_(),
    "clamp_": lambda lib, v, x: v.clamp_(0.0, 1.5),
    "pow_": lambda lib, v, x: v.pow_(2),
}


@pytest.mark.parametrize("view", list(_VIEWS))
@pytest.mark.parametrize("change", list(_CHANGES))
def test_in_place_change_of_a_view_rewrites_its_base_history(torch, view, change):
    # PyTorch: the base becomes CopySlices, the view AsStridedBackward0, and gradients reach both
    # the base's old history (outside the view) and what the new values came from.
    def scenario(lib):
        x = lib.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.5]], requires_grad=True)
        y = x * 2
        v = _VIEWS[view](y)
        _CHANGES[change](lib, v, x)
        shown = (y, v)
        ((y * y).sum() + (v * 3).sum()).backward()
        return shown, x.grad

    same_outcome(torch, scenario)


@pytest.mark.parametrize(
    "code",
    [
        "v = y[0:2]; y.mul_(3); v.sum().backward(); r = (y, v)",  # the base changes under its view
        "a = y[0:2]; b = y[1:3]; a.mul_(10); (b * 1).sum().backward(); r = (a, b)",  # a sibling view
        "a = y[0:2]; b = y[2]; a.mul_(10); (b * 1).sum().backward(); r = (a, b)",  # one left untouched
        "a = y.view(3, 1); b = a[1]; y[1] = 7.0; (b * 1).sum().backward(); r = (a, b)",
        "a = y[1:]; a[0] = x[0] * 5; (y * y).sum().backward(); r = (y, a)",
        "a = y[1:]; y.zero_(); (a * x[1:]).sum().backward(); r = (y, a)",
    ],
)
def test_views_follow_in_place_changes_of_their_base(torch, code):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        names = {"lib": lib, "x": x, "y": x * 2}
        exec(code, names)
        return names["r"], x.grad

    same_outcome(torch, scenario)


def test_in_place_change_of_a_view_of_a_constant_base(torch):
    # A base that needs no gradient comes to need one when a view of it is written from one.
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.zeros(2, 2)
        b[0].copy_(x * 3)
        b.sum().backward()
        return b, x.grad

    same_outcome(torch, scenario)


@pytest.mark.parametrize(
    "change",
    [
        lambda lib, y, v: y.zero_(),  # ZeroBackward0: the old values get a zero gradient
        lambda lib, y, v: y.fill_(3),  # FillBackward2
        lambda lib, y, v: y.fill_(v),  # FillBackward3: the value gets the summed gradient
        lambda lib, y, v: lib.zeros(2).fill_(v),  # a constant comes to need a gradient
        lambda lib, y, v: y.fill_(lib.ones(2)),
        lambda lib, y, v: y.fill_("a"),
        lambda lib, y, v: y.fill_(None),
    ],
)
def test_fill_and_zero_are_recorded(torch, change):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        v = lib.tensor(3.0, requires_grad=True)
        y = x * 2
        out = change(lib, y, v)
        (out * lib.tensor([1.0, 5.0])).sum().backward()
        return out, x.grad, v.grad

    same_outcome(torch, scenario)


def test_expanding_to_the_same_shape_gives_a_writable_view(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0])
        x.expand(2).add_(1)
        return x

    same_outcome(torch, scenario)


_SUMS = [lambda x: x.sum(), lambda x: (x + 1).sum(), lambda x: x.sum(1)]  # (x + 1): passed through unchanged
_MEANS = [lambda x: x.mean(), lambda x: (x + 1).mean(), lambda x: x.mean(0), lambda x: x.mean(1, keepdim=True)]


def _reduction_gradient(lib, reduce):
    x = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    out = reduce(x)
    return lib.autograd.grad(out, x, grad_outputs=lib.ones_like(out))[0]


@pytest.mark.parametrize("reduce", _SUMS + _MEANS)
def test_in_place_change_of_a_reduction_gradient(torch, reduce):
    # sum's gradient is an expanded view (writing into it fails), mean's a tensor of its own.
    def scenario(lib):
        g = _reduction_gradient(lib, reduce)
        g += 1
        return g

    same_outcome(torch, scenario)


@pytest.mark.parametrize("reduce", _MEANS)
def test_writing_one_element_of_a_mean_gradient_leaves_the_others(torch, reduce):
    def scenario(lib):
        g = _reduction_gradient(lib, reduce)
        g[0, 1] = 7.0
        return g

    same_outcome(torch, scenario)


def test_a_retained_mean_gradient_is_a_tensor_of_its_own(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        y.mean().backward()
        y.grad[0] = 5.0
        x.grad[1] = 6.0
        return y.grad, x.grad

    same_outcome(torch, scenario)


def test_in_place_change_of_a_leaf_is_allowed_under_no_grad(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * x).sum().backward()
        with lib.no_grad():
            x -= 0.1 * x.grad
            x[0] = 7.0
        return x, x.is_leaf, x.requires_grad

    same_outcome(torch, scenario)


def test_in_place_change_of_a_non_leaf_is_recorded(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        y.mul_(x)
        y[1] = x[0] * 10
        y.sum().backward()
        return y, x.grad

    same_outcome(torch, scenario)


def test_modifying_a_saved_tensor_fails_at_backward(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        z = y * y
        y.add_(1)
        z.sum().backward()

    assert same_outcome(torch, scenario)[0].startswith(
        "RuntimeError: one of the variables needed for gradient computation has been modified by an inplace"
    )


def test_modifying_a_saved_output_fails_at_backward(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        y.mul_(2)
        y.sum().backward()

    same_outcome(torch, scenario)


def test_modifying_a_tensor_that_was_not_saved_is_fine(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        z = y + 2  # add saves nothing
        w = y * x.detach()  # saves x.detach() only: y's own value is not needed
        y.add_(1)
        (z + w).sum().backward()
        return x.grad

    same_outcome(torch, scenario)


# ---------------------------------------------------------------- stopping gradients


def test_detach_shares_values_and_stops_tracking(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        d = y.detach()
        return d, d.requires_grad, d.is_leaf, d.grad_fn

    same_outcome(torch, scenario)


def test_detach_sees_later_in_place_changes(torch):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0])
        d = x.detach()
        x.add_(1)
        return d

    same_outcome(torch, scenario)


def test_requires_grad_false_on_a_non_leaf_is_refused(torch):
    def scenario(lib):
        y = lib.tensor(1.0, requires_grad=True) * 2
        y.requires_grad_(False)

    same_outcome(torch, scenario)


def test_requires_grad_on_an_integer_tensor_is_refused(torch):
    def scenario(lib):
        lib.tensor([1, 2]).requires_grad_()

    same_outcome(torch, scenario)


def test_no_grad_records_nothing_and_enable_grad_reopens(torch):
    def scenario(lib):
        x = lib.tensor(1.0, requires_grad=True)
        with lib.no_grad():
            a = x * 2
            with lib.enable_grad():
                b = x * 2
            c = x * 2
        return a, b, c, lib.is_grad_enabled()

    same_outcome(torch, scenario)


def test_no_grad_as_a_decorator(torch):
    def scenario(lib):
        @lib.no_grad()
        def double(t):
            return t * 2

        return double(lib.tensor(1.0, requires_grad=True))

    same_outcome(torch, scenario)


def test_set_grad_enabled(torch):
    def scenario(lib):
        x = lib.tensor(1.0, requires_grad=True)
        lib.set_grad_enabled(False)
        try:
            y = x * 2
        finally:
            lib.set_grad_enabled(True)
        return y, x * 2

    same_outcome(torch, scenario)


def test_grad_mode_is_per_thread():
    inside_no_grad = threading.Event()
    other_done = threading.Event()
    results = {}

    def other_thread():
        inside_no_grad.wait(5)
        x = T.tensor(1.0, requires_grad=True)
        results["other"] = ((x * 2).requires_grad, T.is_grad_enabled())
        other_done.set()

    worker = threading.Thread(target=other_thread)
    worker.start()
    with T.no_grad():
        inside_no_grad.set()
        other_done.wait(5)
        results["main"] = (T.tensor(1.0, requires_grad=True) * 2).requires_grad
    worker.join(5)
    assert results == {"other": (True, True), "main": False}


# ---------------------------------------------------------------- broadcasting and type promotion


def test_broadcast_gradients_are_summed_back_to_each_shape(torch):
    def scenario(lib):
        a = lib.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
        b = lib.tensor([10.0, 20.0], requires_grad=True)
        c = lib.tensor(0.5, requires_grad=True)
        ((a * b + c) ** 2).sum().backward()
        return a.grad, b.grad, c.grad

    same_outcome(torch, scenario)


def _operands(lib):
    return {
        "f32": lib.tensor([1.0, 2.0]),
        "f64": lib.tensor([1.0, 2.0], dtype=lib.float64),
        "i64": lib.tensor([1, 2]),
        "i32": lib.tensor([1, 2], dtype=lib.int32),
        "bool": lib.tensor([True, False]),
        "f64_0d": lib.tensor(2.0, dtype=lib.float64),
        "i64_0d": lib.tensor(2),
        "f32_0d": lib.tensor(2.0),
        "int": 2,
        "float": 2.5,
        "True": True,
    }


_PAIRS = [
    (a, b) for a, b in itertools.product(_operands(T), repeat=2) if not (a in ("int", "float", "True") and b in ("int", "float", "True"))
]


@pytest.mark.parametrize("op", ["+", "*", "/", "-"])
def test_type_promotion_table_matches_torch(torch, op):
    ours, theirs = _operands(T), _operands(torch)
    mismatches = []
    for a, b in _PAIRS:
        results = []
        for operands in (ours, theirs):
            try:
                value = eval(f"x {op} y", {"x": operands[a], "y": operands[b]})
                results.append(str(value.dtype))
            except Exception as exc:  # noqa: BLE001 - bool subtraction is an error in both
                results.append(f"{type(exc).__name__}: {exc}")
        if results[0] != results[1]:
            mismatches.append((a, op, b, *results))
    assert mismatches == []


@pytest.mark.parametrize(
    "code",
    [
        "r = x.long()",  # integer and bool casts are leaves without history
        "r = x.int(), x.bool(), x.to(lib.int32), x.to(lib.float64)",
        "r = (x.long() * 2).sum().backward()",
        "r = lib.tensor([3, 2]) % 0",  # integer division by zero
        "r = lib.tensor([3, 2]) // 0",
        "r = lib.tensor([3, 2]).div(0, rounding_mode='trunc')",
        "r = lib.tensor([-5, 7]).div(2, rounding_mode='trunc'), lib.tensor([-5, 7]).div(2, rounding_mode='floor')",
        "r = lib.tensor([-5.5, 7.5]).div(2, rounding_mode='trunc').tolist()",
        "r = lib.tensor([3.0, 2.0]) % 0, lib.tensor([-0.0, -3.0]) % 3",
    ],
)
def test_casts_and_integer_division(torch, code):
    def scenario(lib):
        names = {"lib": lib, "x": lib.tensor([1.5, -2.5], requires_grad=True)}
        exec(code, names)
        return names["r"]

    same_outcome(torch, scenario)


@pytest.mark.parametrize(
    "code",
    [
        "(x * 2).sum().backward(inputs=[x, x]); r = x.grad",  # an input given twice counts once
        "y = x * 2; y.retain_grad(); y.add_(1); y.sum().backward(); r = y.grad",  # retained across in-place
        "y = x * 2; y.retain_grad(); y[0] = 5.0; (y * y).sum().backward(); r = y.grad",
        # a retained non-leaf gradient is a new tensor each time, the old one unchanged
        "y = x * 2; y.retain_grad(); (y * 2).sum().backward(retain_graph=True); g = y.grad; "
        "(y * 3).sum().backward(); r = (g, y.grad, g is y.grad)",
        "r = lib.autograd.grad((x * 3).exp(), x, lib.ones(2, dtype=lib.float64))",  # cast to the output's dtype
        "r = lib.autograd.grad((x * 3).exp(), x, lib.ones(2, dtype=lib.int64))",
        "m = x * 2; (m * 3).sum().backward(inputs=[m]); r = (m.retains_grad, m.grad)",
        "(x * 2).sum().backward(inputs=[])",
        "lib.autograd.grad((x * 2).sum(), [])",
        "(x * 2).sum().backward(inputs=[lib.ones(2)])",
        "y = x * 2; y.grad = lib.ones(2); r = y.grad",  # no warning once a non-leaf's .grad is set
        "x.grad = lib.ones(3)",
        "x.grad = lib.ones(2, dtype=lib.int64)",
        "x.grad = lib.ones(2, dtype=lib.float64)",
    ],
)
def test_gradient_delivery(torch, code):
    def scenario(lib):
        names = {"lib": lib, "x": lib.tensor([1.0, 2.0], requires_grad=True)}
        exec(code, names)
        return names.get("r")

    same_outcome(torch, scenario)


@pytest.mark.parametrize(
    "code",
    [
        "r = x.t().view(6)",  # view needs a layout that fits: PyTorch's error otherwise
        "r = x.t().view(3, 2), x.t().view(3, 1, 2).shape",
        "r = x[:, ::2].view(-1)",
        "r = x.expand(2, 2, 3).view(4, 3)",
        "r = x.expand(2, 2, 3).view(2, 2, 1, 3).shape",
        "r = x.t().is_contiguous(), x.is_contiguous(), x.t().contiguous().is_contiguous()",
        "r = lib.ones(3, 1).t().is_contiguous()",
        "v = x.t().contiguous(); v[0, 0] = 100.0; r = x",  # a copy when the layout differs
        "v = x.contiguous(); v[0, 0] = 100.0; r = x",  # the tensor itself when it already is
        "y = x * 1; z = y.t().contiguous(); y[0, 0] = 5.0; z.sum().backward(); r = z, w.grad",
    ],
)
def test_view_and_contiguous(torch, code):
    def scenario(lib):
        w = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        names = {"lib": lib, "w": w, "x": lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])}
        if "y = x * 1" in code:
            names["x"] = w
        exec(code, names)
        return names.get("r")

    same_outcome(torch, scenario)


def test_set_grad_enabled_as_call_block_and_decorator(torch):
    def scenario(lib):
        seen = []
        with lib.set_grad_enabled(False):
            seen.append(lib.is_grad_enabled())
        seen.append(lib.is_grad_enabled())
        lib.set_grad_enabled(False)
        seen.append(lib.is_grad_enabled())
        lib.set_grad_enabled(True)

        @lib.set_grad_enabled(False)
        def decorated():
            return lib.is_grad_enabled()

        seen += [lib.is_grad_enabled(), decorated(), lib.is_grad_enabled()]

        @lib.no_grad
        def without_parentheses():
            return lib.is_grad_enabled()

        seen.append(without_parentheses())
        return seen, repr(lib.set_grad_enabled(True))

    assert same_outcome(torch, scenario)[0] == (
        "([False, True, False, True, False, True, False], 'torch.autograd.grad_mode.set_grad_enabled(mode=True)')"
    )


@pytest.mark.parametrize(
    "code",
    [
        # operators with an operand that is neither a tensor nor a number: Python's own TypeError
        "r = t + None", "r = None + t", "r = None - t", "r = t % None", "r = t // None", "r = None / t",
        "r = t ** None", "r = t @ 2.0", "r = 2.0 @ t", "r = t @ [1.0]", "r = t < None", "r = (t == None, t != None)",
        "r = lib.mul(t, None)", "r = lib.sub(t, 'a')",
        "x.requires_grad_(1)",
        "(x * 2).backward([1.0, 1.0])",
        "lib.tensor([1, 2]).add_(1, alpha=0.5)",
        "r = lib.tensor([1, 2]).add(lib.tensor([1.0]), alpha=0.5)",
        "y = x * 2; y[0:1].detach_()",
        "lib.ones(3)[0:2].detach_()",
        "y = x.max(); y.mul_(2); y.backward()",  # the version message names MaxBackward1 as Max1
        "y = x * 2; y[0] = 1.0; w = y * y; y.add_(1); w.sum().backward()",
        "y = x * 2; y[y > 2] = 0; r = y",  # an advanced index writes as IndexPutBackward0
        "y = x * 2; y[[0, 1]] = lib.tensor([1.0, 2.0]); r = y",
    ],
)
def test_operand_errors_and_node_names(torch, code):
    def scenario(lib):
        names = {"lib": lib, "x": lib.tensor([1.0, 2.0], requires_grad=True), "t": lib.tensor([1.5])}
        exec(code, names)
        return names.get("r")

    same_outcome(torch, scenario)


@pytest.mark.parametrize(
    "f", [lambda x: x.relu(), lambda x: x.abs(), lambda x: x.relu() ** 2, lambda x: x.sign() * x, lambda x: x.tanh()]
)
def test_second_derivatives_through_piecewise_functions(torch, f):
    # The first gradient, built with create_graph, still depends on x (ThresholdBackwardBackward0,
    # or sign's zero derivative), so a second one is zeros where PyTorch's is, not an error.
    def scenario(lib):
        x = lib.tensor([-1.0, 0.5, 2.0], requires_grad=True)
        (g,) = lib.autograd.grad(f(x).sum(), x, create_graph=True)
        (h,) = lib.autograd.grad(g.sum(), x)
        return g, h

    same_outcome(torch, scenario)


@pytest.mark.parametrize(
    "code",
    [
        "x.copy_([1.0, 2.0, 3.0])",
        "x[0] = [1.0, 2.0, 3.0]",  # only tensors and numbers can be assigned
        "x[0] = 'a'",
        "x[0] = None",
        "x[0] = (1, 2, 3)",
        "x[0] = lib.tensor([1.0, 2.0])",  # the value is expanded to the region, PyTorch's messages
        "x[1:2] = lib.tensor([[1.0, 2.0]])",
        "x[0] = lib.tensor([[1.0, 2.0, 3.0]]); r = x",  # leading 1s of the value are dropped first
        "x[0] = lib.ones(2, 3)",
        "r = x[lib.tensor([True, False, True])]",  # a mask must have the shape of the dims it covers
        "x[lib.tensor([True, False, True])] = 1.0",
        "r = x[:, lib.tensor([True, False])]",
        "r = x[lib.tensor([[True, False, True]])]",
        "r = x[[0, 5, 7]]",
        "r = x[[-3]]",
        "r = x[:, [1, 4]]",
        "r = x[:, ::0]",
        "r = x[::-1]",
        "f.data = lib.tensor([3, 4])",
        "f.data = lib.tensor([3.0, 4.0, 5.0]); r = f",
        "r = bool(lib.tensor([]))",
        "r = bool(x)",
    ],
)
def test_assignment_and_index_errors(torch, code):
    def scenario(lib):
        names = {
            "lib": lib,
            "x": lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
            "f": lib.tensor([1.0, 2.0], requires_grad=True),
        }
        exec(code, names)
        return names.get("r")

    same_outcome(torch, scenario)


@pytest.mark.parametrize(
    "code",
    [
        # a leaf's hook changes what accumulates; a non-leaf's what flows back, and sees its gradient
        "x.register_hook(lambda g: g * 10); y = x * 3; y.register_hook(lambda g: seen.append(g)); "
        "y.retain_grad(); (y * y).sum().backward(); r = (x.grad, y.grad, seen)",
        "y = x * 3; y.register_hook(lambda g: g + 1); (y * y).sum().backward(); r = x.grad",
        "x.register_hook(lambda g: g * 10); r = lib.autograd.grad((x * x).sum(), x)",  # autograd.grad too
        "h = x.register_hook(lambda g: g * 10); h.remove(); (x * 3).sum().backward(); r = x.grad",
        "x.register_hook(lambda g: g * 2); x.register_hook(lambda g: g + 1); x.sum().backward(); r = x.grad",
        "y = x.sum(); y.register_hook(lambda g: g * 3); y.backward(); r = x.grad",  # on the output itself
        "y = x.mean(); z = y * 1; y.register_hook(lambda g: seen.append(g)); z.backward(); r = seen",
        "lib.tensor([1.0]).register_hook(print)",
        "y = x * 2; y.register_hook(lambda g: lib.ones(3)); y.sum().backward()",
        "y = x * 2; y.register_hook(lambda g: 5); y.sum().backward()",
        "y = x * 2; y.register_hook(lambda g: g * 2); (g,) = lib.autograd.grad(y.sum(), x, create_graph=True); "
        "r = g",
    ],
)
def test_gradient_hooks(torch, code):
    def scenario(lib):
        names = {"lib": lib, "x": lib.tensor([1.0, 2.0], requires_grad=True), "seen": [], "print": print}
        exec(code, names)
        return names.get("r")

    same_outcome(torch, scenario)


# ---------------------------------------------------------------- found by a differential hunt


@pytest.mark.parametrize(
    "code",
    [
        "x = lib.tensor(1.); lib.autograd.grad(x * 2, x)",
        "lib.ones(2).unsqueeze(-3)",
        "lib.ones(2, 3).unsqueeze(-4)",
        "lib.unsqueeze(lib.tensor(1.), -3)",
        "lib.ones(2).unsqueeze(-2).shape, lib.ones(2).unsqueeze(-1).shape, lib.tensor(1.).unsqueeze(-1).shape",
        "x = lib.tensor([1., 2.], requires_grad=True); y = x * 2; y.requires_grad = True",
        "x = lib.tensor([1., 2.], requires_grad=True); y = x * 2; y.requires_grad = False",
        "x = lib.tensor([1., 2., 3.], requires_grad=True); y = lib.where(x > 1, x, lib.zeros(3)).sum(); "
        "y.backward(); y.backward()",
        "x = lib.tensor([1., 2., 3.], requires_grad=True); c = x > 1; y = lib.where(c, x * x, 2 * x).sum(); "
        "c[0] = True; y.backward()",
        "x = lib.tensor([1., 2., 3.], requires_grad=True); m = lib.tensor([True, False, True]); "
        "y = x.masked_fill(m, 0.).sum(); m[0] = False; y.backward()",
        "x = lib.tensor([1., 2.], requires_grad=True); y = x * 2; x.requires_grad = False; y.sum().backward(); "
        "r = x.grad",
        "lib.cat([])", "lib.cat(lib.ones(2))", "lib.cat((lib.ones(2), 3))", "lib.stack(lib.ones(2))",
        "lib.ones(2, 3).mean(dim=1, dtype=lib.int64)",
        "x = lib.ones(2, requires_grad=True); float(x)",
        "lib.ones(2).is_cuda, lib.ones(2).is_cpu, lib.get_default_dtype()",
        "x = lib.tensor([1., 2.], requires_grad=True); y = lib.where(x > 1, x, 0. * x); "
        "r = [n.name() for n, _ in y.grad_fn.next_functions]",
    ],
)
def test_cases_a_differential_hunt_found(torch, code):
    def run(lib):
        scope = {"lib": lib}
        try:
            code_object = compile(code, "<case>", "eval")
        except SyntaxError:  # statements: their outcome is r and x's gradient
            exec(code, scope)
            return scope.get("r"), scope.get("x") is not None and scope["x"].grad
        return eval(code_object, scope)

    same_outcome(torch, run)


@pytest.mark.parametrize(
    "code",
    ["x.sigmoid()", "lib.tanh(x)", "1 / x", "x.reciprocal()", "3 / x", "lib.relu(x)", "lib.sigmoid(x * 2) * x"],
)
def test_derivatives_taken_with_create_graph_carry_pytorchs_nodes(torch, code):
    # The printed first, second and third derivatives: values and grad_fn names.
    def run(lib):
        x = lib.tensor([0.7, -1.2, 2.0], requires_grad=True)
        first = lib.autograd.grad(eval(code, {"lib": lib, "x": x}).sum(), x, create_graph=True)[0]
        second = lib.autograd.grad(first.sum(), x, create_graph=True)[0]
        third = lib.autograd.grad(second.sum(), x)[0]
        return first, second, third

    same_outcome(torch, run)


def test_a_gradient_with_history_accumulates_in_place(torch):
    # Outside create_graph, backward adds into .grad itself, even one made with create_graph.
    def run(lib):
        x = lib.tensor(2.0, requires_grad=True)
        (x**3).backward(create_graph=True)
        g = x.grad
        g.backward()
        after_second = (x.grad, g is x.grad)
        z = lib.tensor(2.0, requires_grad=True)
        (z**3).backward(create_graph=True)
        (z**3).backward(create_graph=True)
        return after_second, z.grad

    same_outcome(torch, run)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_gradients_taken_with_create_graph_carry_pytorchs_nodes(torch, name):
    # First and second derivatives (the third is rounding noise around zero in both).
    def run(lib):
        x = lib.tensor([-1.0, -0.3, 0.4], requires_grad=True)
        w = lib.tensor([1.0, 2.0, 3.0])
        first = lib.autograd.grad((getattr(lib, name)(x, 0) * w).sum(), x, create_graph=True)[0]
        second = lib.autograd.grad((first * w).sum(), x)[0]
        z = lib.tensor(0.5, requires_grad=True)  # a 0-d tensor: no dim to reduce
        of_scalar = lib.autograd.grad(getattr(lib, name)(z, 0), z, create_graph=True)[0]
        return first, second, of_scalar

    same_outcome(torch, run)


@pytest.mark.parametrize(
    "code",
    ["F.leaky_relu(x, 0.1)", "F.hardtanh(x)", "F.relu6(x)", "F.leaky_relu(x * x, 0.2)", "F.hardtanh(x, -0.5, 0.5) * x"],
)
def test_piecewise_linear_gradients_stay_in_the_graph(torch, code):
    # A constant first derivative still hangs off x under create_graph: the second one is zeros.
    def run(lib):
        x = lib.tensor([-0.7, 0.2, 0.5, 1.5, 7.0], requires_grad=True)
        y = eval(code, {"F": lib.nn.functional, "x": x})
        first = lib.autograd.grad(y.sum(), x, create_graph=True)[0]
        return y, first, lib.autograd.grad(first.sum(), x, allow_unused=True)[0]

    same_outcome(torch, run)
