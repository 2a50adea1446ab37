"""Edge cases checked against torch: NaN extremes, empty reductions and dims, linspace's last bits,
loss dtypes and shapes, bad arguments to the creation functions.

Each scenario is a function of the library (`lib` is torch or gradlang); `same_outcome` compares
what a user would print, or the error, and the warnings.
"""

from __future__ import annotations

import contextlib
import itertools
import warnings

import numpy as np
import pytest

import gradlang as T

from .test_autograd_semantics import outcome, same_outcome

pytestmark = pytest.mark.torch


def _run(code: str):
    """A scenario that executes `code` (with `lib` and a NaN-holding `x`) and returns `r`."""

    def scenario(lib):
        names = {"lib": lib, "x": lib.tensor([[float("nan"), 1.0, 4.0], [2.0, float("nan"), 3.0]], requires_grad=True)}
        exec(code, names)
        return names["r"]

    return scenario


# ---------------------------------------------------------------- NaN extremes


@pytest.mark.parametrize(
    "code",
    [
        "x.max().backward(); r = x.grad",  # the NaN positions share the gradient
        "x.min().backward(); r = x.grad",
        "x[0].max().backward(); r = x.grad",
        "x[1, 2:].max().backward(); r = x.grad",  # no NaN: the extreme itself
        "x.amax().backward(); r = x.grad",  # amax/amin: NaN everywhere
        "x.amin(1).sum().backward(); r = x.grad",
        "x.amax(0, keepdim=True).sum().backward(); r = x.grad",
        "x.max(1).values.sum().backward(); r = x.grad",  # with a dim: the index of the NaN
        "x.min(0).values.sum().backward(); r = x.grad",
        "r = x.argmax(), x.argmin(1)",
        "r = lib.autograd.grad(x.max(), x, create_graph=True)",
    ],
)
def test_a_nan_extreme(torch, code):
    same_outcome(torch, _run(code))


@pytest.mark.parametrize("reduce", ["max", "min", "amax"])
def test_a_nan_extreme_in_forward_mode(torch, reduce):
    # Forward mode has no NaN case, even for max(): the tangent is NaN.
    def scenario(lib):
        jvp = lib.func.jvp if lib is torch else lib.jvp
        x = lib.tensor([[float("nan"), 1.0], [2.0, float("nan")]])
        return jvp(getattr(lib, reduce), (x,), (lib.ones(2, 2),))

    same_outcome(torch, scenario)


# ---------------------------------------------------------------- an empty list of dims


@pytest.mark.parametrize("reduce", ["sum", "mean", "amax", "amin"])
@pytest.mark.parametrize("dims, keepdim", [((), False), ([], False), ((), True), ((0, 0), False), ((1, -1, 0), False),
                                           ((2, 0, 2, 0), False), (0, True)])
@pytest.mark.parametrize("shape", [(2, 3, 4), ()])
def test_reducing_over_an_empty_list_of_dims_reduces_them_all(torch, reduce, dims, keepdim, shape):
    # Repeated dims are refused, naming the first one seen again; a 0-d tensor still range-checks.
    def scenario(lib):
        x = lib.arange(24.0)[: 24 if shape else 1].reshape(shape).requires_grad_()
        out = getattr(x, reduce)(dims, keepdim=keepdim)
        out.sum().backward()
        return out, x.grad

    same_outcome(torch, scenario)


def test_an_empty_list_of_dims_of_an_integer_sum(torch):
    same_outcome(torch, lambda lib: lib.tensor([[1, 2], [5, 0]]).sum(dim=()))


# ---------------------------------------------------------------- linspace's last bits

_ENDS = [-1, 1, 0, 0.1, -3.7, 1 / 3, 7.77, -100, 1e6, -1e-5, 1e-30, float("inf")]


def _same_bits(ours: np.ndarray, theirs: np.ndarray) -> bool:
    """Equal values and dtypes, -0.0 told from 0.0 (a NaN's sign bit is not compared)."""
    signs_differ = (np.signbit(ours) != np.signbit(theirs)) & ~np.isnan(ours)
    return ours.dtype == theirs.dtype and np.array_equal(ours, theirs, equal_nan=True) and not signs_differ.any()


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32"])
def test_linspace_is_bit_equal_to_torch(torch, dtype):
    # Each half is counted from its own end, one rounding per element: linspace(-1, 1, 11)'s middle is -1.49e-08.
    mismatches = []
    for start, end in itertools.product(_ENDS, repeat=2):
        if dtype.startswith("int") and float("inf") in (start, end):
            continue
        for steps in [0, 1, 2, 3, 7, 10, 11, 16, 33, 100, 257, 1001]:
            theirs = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
            ours = T.linspace(start, end, steps, dtype=getattr(T, dtype)).numpy()
            if not _same_bits(ours, theirs):
                mismatches.append((start, end, steps))
    assert mismatches == []


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fractional_arange_is_bit_equal_to_torch(torch, dtype):
    # The kernel's vectors and leftovers round differently: arange(-1, 1, 0.2)'s middle is 5.5511e-17.
    rng = np.random.RandomState(5)
    mismatches = []
    for _ in range(150):
        start, step = round(rng.uniform(-10, 10), 2), round(rng.uniform(0.001, 1), 3) * rng.choice([-1, 1])
        end = start + step * rng.randint(0, 1500) + step / 2
        theirs = torch.arange(start, end, step, dtype=getattr(torch, dtype)).numpy()
        if not _same_bits(T.arange(start, end, step, dtype=getattr(T, dtype)).numpy(), theirs):
            mismatches.append((start, end, step))
    assert mismatches == []


def test_fractional_arange_prints_as_torch(torch):
    same_outcome(torch, lambda lib: (lib.arange(-1, 1, 0.2), lib.arange(-5, 5, 0.1), lib.arange(0, 1, 0.01)))


def test_linspace_prints_as_torch(torch):
    same_outcome(torch, lambda lib: (lib.linspace(-1, 1, 11), lib.linspace(0, 1, 1), lib.linspace(2, 3, 0)))


# ---------------------------------------------------------------- losses and where: dtypes and shapes


@pytest.mark.parametrize(
    "code",
    [
        "r = F.mse_loss(lib.tensor([1.0, 2.0], requires_grad=True), lib.tensor([1.0, 4.0], dtype=lib.float64))",
        "r = F.mse_loss(lib.tensor([1, 2]), lib.tensor([1.0, 4.0]))",
        "r = F.mse_loss(lib.tensor([1, 2]), lib.tensor([1, 4]))",
        "r = F.mse_loss(lib.tensor([1.0, 2.0]), lib.tensor([1.0, 4.0, 5.0]))",  # warns, then refuses
        "r = F.mse_loss(lib.tensor([1.0, 2.0]), lib.tensor([1.0, 4.0, 5.0]), reduction='none')",
        "r = F.mse_loss(lib.tensor([1.0, 2.0]), lib.tensor([[1.0], [4.0]]))",  # warns, broadcasts
        "r = F.mse_loss(lib.tensor([1.0, 2.0]), lib.tensor([1.0, 4.0]), reduction='bad')",
        "r = F.mse_loss(lib.tensor([1.0, 2.0]), 3.0)",
        "r = F.binary_cross_entropy(lib.tensor([0.5, 0.2], dtype=lib.float64), lib.tensor([1.0, 0.0]))",
        "r = F.binary_cross_entropy(lib.tensor([0.5, 0.2]), lib.tensor([1.0, 0.0], dtype=lib.float64))",
        "r = F.binary_cross_entropy(lib.tensor([0.5, 0.2]), lib.tensor([1, 0]))",
        "r = F.binary_cross_entropy(lib.tensor([1, 0]), lib.tensor([1, 0]))",
        "r = F.binary_cross_entropy(lib.tensor([0.5, 0.2]), lib.tensor([1.0, 0.0, 1.0]))",
        "r = lib.where(lib.tensor([True, False]), lib.tensor([1.0, 2.0, 3.0]), lib.tensor(0.0))",
        "r = lib.where(lib.tensor([True, False, True]), lib.tensor([1.0, 2.0]), 0.0)",
        "r = lib.where(lib.tensor([True, False]), lib.tensor([1.0, 2.0]), lib.tensor([1.0, 2.0, 3.0]))",
        "r = lib.where(lib.tensor([[True], [False]]), lib.tensor([1.0, 2.0, 3.0]), lib.tensor([[1.0, 2.0]]))",
        "r = lib.where(lib.tensor([True, False]), 1.0, lib.tensor([1.0, 2.0, 3.0]))",
    ],
)
def test_loss_and_where_operands(torch, code):
    def scenario(lib):
        names = {"lib": lib, "F": lib.nn.functional}
        exec(code, names)
        return names["r"]

    same_outcome(torch, scenario)


# ---------------------------------------------------------------- reductions of nothing


@pytest.mark.parametrize(
    "code",
    [
        "r = e.mean(), e.sum(), z.mean(0), z.mean(1), z.mean((0, 1), keepdim=True), e.mean(0)",  # nan, silently
        "r = F.mse_loss(e, e), F.binary_cross_entropy(e, e)",
        "e.requires_grad_(); e.mean().backward(); r = e.grad",
        "r = e.max()",
        "r = e.amax()",
        "r = z.amin((), keepdim=True)",
        "r = z.max(0)",
        "r = z.min(-2)",
        "r = z.max(1), z.amax(1), z.argmax(1)",
        "r = lib.zeros(2, 0, 4).amax((2, 1))",  # the first empty dim, named as given
        "r = z.amin(-2)",
        "r = e.argmax()",
        "r = e.argmin()",
        "r = z.argmax(0)",
        "r = z.argmin(-2, keepdim=True)",
    ],
)
def test_reducing_an_empty_tensor(torch, code):
    def scenario(lib):
        names = {"lib": lib, "F": lib.nn.functional, "e": lib.tensor([]), "z": lib.zeros(0, 3)}
        exec(code, names)
        return names["r"]

    same_outcome(torch, scenario)
    with warnings.catch_warnings(record=True) as caught:  # numpy's "Mean of empty slice" must not leak
        warnings.simplefilter("always")
        with contextlib.suppress(Exception):
            scenario(T)
    assert [str(w.message) for w in caught] == []


# ---------------------------------------------------------------- dtype arguments


@pytest.mark.parametrize(
    "code",
    [
        "lib.tensor([1, 2], dtype='float32')",
        "lib.as_tensor([1], dtype='float32')",
        "lib.zeros(2, dtype='float32')",
        "lib.ones(2, dtype='float32')",
        "lib.empty(2, dtype=3)",
        "lib.full((2,), 1.0, dtype='float32')",
        "lib.zeros_like(lib.ones(2), dtype='float32')",
        "lib.full_like(lib.ones(2), 1, dtype='float32')",
        "lib.tensor([1], dtype=float), lib.tensor(2.5, dtype=int), lib.ones(2, dtype=bool)",  # Python types are taken
        "lib.arange(3, dtype=float), lib.full((1,), 2, dtype=float), lib.zeros(2, dtype=None)",
    ],
)
def test_dtype_arguments_of_the_creation_functions(torch, code):
    same_outcome(torch, lambda lib: eval(code, {"lib": lib}))


@pytest.mark.parametrize("code", ["lib.arange(3, dtype='float32')", "lib.linspace(0, 1, 3, dtype='float32')"])
def test_a_str_dtype_is_a_type_error(torch, code):
    # PyTorch lists these functions' signatures; gradlang names the argument, as for zeros().
    for lib in (torch, T):
        with pytest.raises(TypeError):
            eval(code, {"lib": lib})


# ---------------------------------------------------------------- loss reductions


@pytest.mark.parametrize("loss", ["mse_loss", "binary_cross_entropy"])
@pytest.mark.parametrize("reduction", ["none", "sum", "mean", "elementwise_mean"])
def test_a_loss_reduces_as_asked(torch, loss, reduction):
    # Values, gradients of both inputs and the grad_fn name; 'elementwise_mean' is 'mean' with a warning.
    def scenario(lib):
        p = lib.tensor([[0.5, 0.2, 0.9], [0.3, 0.6, 0.1]], requires_grad=True)
        target = lib.tensor([[1.0, 0.0, 1.0], [0.0, 0.5, 1.0]], requires_grad=loss == "mse_loss")
        out = getattr(lib.nn.functional, loss)(p, target, reduction=reduction)
        out.backward(lib.ones_like(out) * 2)
        return out, p.grad, target.grad

    same_outcome(torch, scenario)


@pytest.mark.parametrize("loss", ["mse_loss", "binary_cross_entropy"])
@pytest.mark.parametrize("reduction", ["none", "sum"])
def test_a_loss_reduction_in_forward_mode(torch, loss, reduction):
    def scenario(lib):
        jvp = lib.func.jvp if lib is torch else lib.jvp
        target = lib.tensor([1.0, 0.0, 0.5])
        f = lambda p: getattr(lib.nn.functional, loss)(p, target, reduction=reduction)  # noqa: E731
        return jvp(f, (lib.tensor([0.5, 0.2, 0.9]),), (lib.tensor([1.0, -2.0, 3.0]),))

    same_outcome(torch, scenario)


@pytest.mark.parametrize(
    "code",
    [
        "r = F.binary_cross_entropy(p, p, reduction='bad')",
        "r = F.binary_cross_entropy(p, p, reduction=None)",
        "r = F.binary_cross_entropy(p, lib.tensor([1.0]), reduction='bad')",  # the reduction is checked first
        "r = F.binary_cross_entropy(p, [0.5, 0.2])",
        "r = F.mse_loss(p, p, reduction=3)",
        "r = F.mse_loss(e, e, reduction='sum'), F.mse_loss(e, e, reduction='none')",
        "r = F.binary_cross_entropy(e, e, reduction='sum'), F.binary_cross_entropy(e, e, reduction='none')",
        "r = F.mse_loss(p, lib.tensor([[1.0], [3.0]]), reduction='sum')",  # broadcasts, with a warning
    ],
)
def test_loss_reduction_arguments(torch, code):
    def scenario(lib):
        names = {"lib": lib, "F": lib.nn.functional, "p": lib.tensor([0.5, 0.2]), "e": lib.tensor([])}
        exec(code, names)
        return names["r"]

    same_outcome(torch, scenario)


# ---------------------------------------------------------------- softmax of nothing


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape, dim", [((0,), 0), ((3, 0), 1), ((3, 0), 0), ((0, 3), 1), ((2, 0, 2), -1)])
def test_softmax_of_an_empty_tensor(torch, name, shape, dim):
    def scenario(lib):
        x = lib.zeros(shape, requires_grad=True)
        out = getattr(lib, name)(x, dim)
        out.sum().backward()
        return out, x.grad

    same_outcome(torch, scenario)


# ---------------------------------------------------------------- products: which check speaks first

_PRODUCT_SHAPES = [(3,), (2,), (0,), (1, 2), (3, 1), (2, 3), (0, 3), (2, 2, 3), (3, 2, 3), (1, 3, 2), (2, 0, 3),
                   (2, 1, 3, 2), (4, 3, 2)]
_PRODUCT_DTYPES = [("float32", "float32"), ("float32", "float64"), ("int64", "float32"), ("bool", "bool"),
                   ("int32", "int64")]


@pytest.mark.parametrize("op", ["matmul", "mm", "bmm", "mv", "dot"])
def test_products_check_shapes_and_dtypes_as_torch(torch, op):
    # Shapes before dtypes; an empty product promotes in bmm; matmul's folded operands name the folded shape.
    mismatches = []
    for sa, sb in itertools.product(_PRODUCT_SHAPES, repeat=2):
        for da, db in _PRODUCT_DTYPES:
            def scenario(lib, sa=sa, sb=sb, da=da, db=db):
                return getattr(lib, op)(lib.ones(sa, dtype=getattr(lib, da)), lib.ones(sb, dtype=getattr(lib, db)))

            ours, theirs = outcome(T, scenario), outcome(torch, scenario)
            if ours != theirs:
                mismatches.append((sa, sb, da, db, ours, theirs))
    assert mismatches == []


@pytest.mark.parametrize(
    "code",
    [
        "r = lib.tensor([[1, 2]]) @ lib.ones(3, 1)",
        "r = lib.ones(2, 2, 3) @ lib.ones(3, 2, 3)",
        "r = lib.ones(2) @ lib.ones(3, 3, 2)",  # a bmm
        "r = lib.ones(2) @ lib.ones(3, 4, 3).mT",  # folded into an mv: its rows are evenly spaced
        "r = lib.ones(3, 4, 2).mT @ lib.ones(2)",  # not folded: a bmm
        "r = lib.ones(2, requires_grad=True) @ lib.ones(3, 3, 4)",  # folded, for the vector's gradient
        "r = lib.ones(2, 3, requires_grad=True) @ lib.ones(2, 2, 2)",
        "r = lib.ones(3, 2, 4) @ lib.ones(1, 3, 2, requires_grad=True)",  # a batch of one dropped, then folded
        "r = lib.mv(lib.tensor(1.0), lib.ones(2))",
    ],
)
def test_product_errors(torch, code):
    same_outcome(torch, _run(code))


@pytest.mark.parametrize("grads", ["a", "b", "ab"])
@pytest.mark.parametrize("sa, sb", [((2, 3), (2, 3, 2)), ((1, 3), (2, 3, 2)), ((3,), (2, 3, 2)), ((2, 2, 3), (3,)),
                                    ((1, 2, 3), (4, 3, 2)), ((2, 1, 2, 3), (3, 3, 1)), ((0, 3), (2, 3, 2))])
def test_product_grad_fn_names_follow_torchs_path(torch, grads, sa, sb):
    def scenario(lib):
        a = lib.arange(float(np.prod(sa))).reshape(sa).requires_grad_("a" in grads)
        b = lib.ones(sb, requires_grad="b" in grads)
        out = a @ b
        out.sum().backward()
        return out, a.grad, b.grad

    same_outcome(torch, scenario)


# ---------------------------------------------------------------- permute, expand, reshape: bad arguments


@pytest.mark.parametrize(
    "code",
    [
        "r = m.permute(1)", "r = m.permute(0, 0)", "r = m.permute([0, 0])", "r = m.permute(0, 1, 2)",
        "r = m.permute(0, 2)", "r = m.permute(-1, 1)", "r = m.permute()", "r = m.permute(())",
        "r = lib.tensor(1.0).permute(0)", "r = lib.tensor(1.0).permute(())", "r = lib.permute(m, (1,))",
        "r = lib.ones(2, 3, 4).permute(0, 0, 5)",  # the repeat is seen before the dim out of range
        "r = lib.ones(2, 3, 4).permute(0, 5, 0)",
        "r = m.permute(-1, 0)",
    ],
)
def test_permute_arguments(torch, code):
    same_outcome(torch, _run("m = lib.ones(2, 3); " + code))


@pytest.mark.parametrize(
    "code",
    [
        "r = lib.ones(2, 3).expand(3, 3)",  # the first dim that differs, counted from the last
        "r = lib.ones(2, 1).expand(3, 3)",
        "r = lib.ones(2, 1, 3).expand(2, 4, 4)",
        "r = lib.ones(2, 3).expand(-1, -1, -1)",
        "r = lib.ones(1, 3).expand(2, -1, -2, 3)",
        "r = lib.ones(2, 3).expand(-2, 3)",
        "r = lib.ones(1, 3).expand(-2, 3)",
        "r = lib.tensor(1.0).expand(-1)",
        "r = lib.ones(2, 3).expand(2, -1, 3), lib.ones(1, 3).expand(0, 3), lib.tensor(1.0).expand(2, 3)",
        "r = lib.ones(2, 3, dtype=lib.int64).expand(3)",  # the message names the tensor's type
        "r = lib.ones(2, 3, dtype=lib.float64).expand(3)",
        "r = lib.ones(2, 3, dtype=lib.bool).expand(3)",
    ],
)
def test_expand_arguments(torch, code):
    same_outcome(torch, _run(code))


@pytest.mark.parametrize(
    "code",
    [
        "r = lib.ones(6).reshape(-2, 3)", "r = lib.ones(6).reshape(2, -3)", "r = lib.ones(6).view(-2, 3)",
        "r = lib.ones(6).reshape(-1, -1, -2)", "r = lib.ones(6).reshape(-2, -1, -1)",
        "r = lib.tensor([]).reshape(-1, 0)", "r = lib.tensor([]).reshape(0, -1)", "r = lib.ones(6).view(-1, 0)",
        "r = lib.tensor([]).reshape(2, -1), lib.ones(0).reshape(3, -1)",
        "r = lib.ones(6).reshape(4, -1)",
    ],
)
def test_reshape_arguments(torch, code):
    same_outcome(torch, _run(code))


# A reshape is a view where the new shape fits the strides, named by where it came from.
_STRIDED = "x = lib.arange(12.).requires_grad_() * 1; m = x.reshape(3, 4); "


@pytest.mark.parametrize(
    "code",
    [
        _STRIDED + "r = [t.grad_fn.name() for t in (m.t().reshape(4, 3), m.t().reshape(12), m.reshape(12), "
        "x[::2].reshape(2, 3), x[::3].reshape(2, 2), m[:, :2].reshape(6), m[:, :2].reshape(3, 1, 2), x[3].reshape(1))]",
        _STRIDED + "y = m.t().reshape(2, 2, 3); y.mul_(2); r = x, y, y._base is m if hasattr(y, '_base') else None",
        _STRIDED + "y = m.t().reshape(12); y.mul_(2); r = x, y",
        _STRIDED + "y = m.t().reshape(4, 1, 3); (y * lib.arange(12.).reshape(4, 1, 3)).sum().backward(); r = y",
        "p = lib.arange(6.).reshape(2, 3); q = p.t().reshape(3, 2); q[0, 1] = -1.0; r = p, q",
        "p = lib.arange(6.).reshape(2, 3); q = p.t().reshape(6); q[0] = -1.0; r = p, q",
    ],
)
def test_reshape_views_and_copies(torch, code):
    same_outcome(torch, _run(code))


# ---------------------------------------------------------------- creation: bad data and sizes


@pytest.mark.parametrize(
    "code",
    [
        "r = lib.arange(3, 0)", "r = lib.arange(0, 3, -1)", "r = lib.arange(3.0, 0.0)",
        "r = lib.tensor(None)", "r = lib.tensor([1, None])", "r = lib.tensor([[1], [None]])", "r = lib.tensor(object())",
        "r = lib.tensor([1, 'a'])",
        "r = lib.zeros(-1)", "r = lib.zeros((2, -1))", "r = lib.ones(2, -1)", "r = lib.empty(-3)",
        "r = lib.full((-1,), 2.0)",
        "r = lib.tensor(2**63)", "r = lib.tensor([1, 2**64])", "r = lib.tensor(-2**63 - 1)", "r = lib.tensor([True, 2**63])",
        "r = lib.tensor(-2**63), lib.tensor([1.5, 2**63]), lib.tensor(2**63, dtype=lib.float32)",
        "r = lib.tensor([2**31, 1], dtype=lib.int32)", "r = lib.tensor(2**63, dtype=lib.int64)",
        "r = lib.tensor(range(3)), lib.tensor(range(0)), lib.tensor(range(2, 8, 2), dtype=lib.float32)",
        "r = lib.tensor([range(2), [5, 6]]), lib.as_tensor(range(3))",
        "r = lib.tensor(range(3), requires_grad=True)",
        # numpy scalars and 0-d tensors keep their dtypes, promoted together in a list
        "import numpy as np; r = lib.tensor(np.float64(0.1)), lib.tensor(np.int32(7)), lib.tensor(np.bool_(True))",
        "import numpy as np; r = lib.tensor([np.float64(0.1), 0.2]), lib.tensor([np.float32(1), np.int64(2)])",
        "import numpy as np; r = lib.tensor([np.int32(1), np.int32(2)]), lib.tensor([np.int32(1), 2])",
        "import numpy as np; r = lib.tensor([[np.float64(1)], [2]]), lib.tensor(np.float64(2), dtype=lib.float32)",
        "r = lib.tensor([lib.tensor(0.5, dtype=lib.float64), 1.0]), lib.tensor([lib.tensor(1, dtype=lib.int32), 2])",
    ],
)
def test_creation_arguments(torch, code):
    same_outcome(torch, _run(code))


# ---------------------------------------------------------------- dims that are not ints; ~ of floats


@pytest.mark.parametrize(
    "code",
    [
        "r = m.max(dim=(0, 1))", "r = m.min(dim=[0])", "r = m.max(dim=(0, 1), keepdim=True)",
        "r = m.argmax(dim=(0, 1))", "r = m.argmin(dim=[0])", "r = m.argmax(dim=1.5, keepdim=True)",
        "r = ~lib.tensor([1.5])", "r = ~lib.tensor(1.5)", "r = ~lib.tensor([1, 2]), ~lib.tensor([True])",
        # keepdim without a dim keeps every dim, as size 1
        "r = lib.tensor([[1, 2]]).argmax(keepdim=True), lib.tensor([[3, 2]]).argmin(keepdim=True)",
        "r = lib.ones(2, 3, 4).argmax(keepdim=True), lib.tensor(3).argmax(keepdim=True)",
    ],
)
def test_dims_that_are_not_ints_and_inverting_floats(torch, code):
    same_outcome(torch, _run("m = lib.ones(2, 3); " + code))


# ---------------------------------------------------------------- clamp and relu: dtypes and signed zeros


@pytest.mark.parametrize(
    "code",
    [
        "r = lib.clamp(b, min=-1, max=1), lib.clip(b, -1, 1), b.clamp(0, 1)",  # promoted to int64
        "r = b.clamp_min(0), b.clamp_max(0), lib.clamp(b, min=0.5)",
        "r = lib.clamp(b, min=False)", "r = lib.clamp(b, max=True)", "r = lib.clamp(b, False, True)",
        "r = lib.clamp(b, min=lib.tensor(0)), lib.clamp(b, min=lib.tensor(False))",
        "r = lib.tensor([1, 5], dtype=lib.int32).clamp(2, 3), lib.tensor([1, 5], dtype=lib.int32).clamp(2, 3.5)",
        "r = lib.clamp(z, min=0.0), lib.clamp(z, max=-0.0), lib.clamp(z, 0.0, -0.0), lib.clamp(z, -0.0, 0.0)",
        "r = lib.clamp(z, min=float('nan')), lib.clamp(z, max=float('nan')), lib.clamp(z, 1.0, -1.0)",
        "r = lib.clamp(lib.tensor(-0.0), min=0.0), lib.clamp(lib.tensor(2.0), max=-0.0)",
        "x = z.requires_grad_(); y = lib.clamp(x, 0.0, 1.0); y.sum().backward(); r = y, x.grad",
        "r = lib.clamp_min(z, lib.tensor(0.5)), lib.clamp_max(z.requires_grad_(), lib.tensor([1.0, 1.0, 1.0, 0.0, 0.0]))",
        "r = lib.relu(z), z.relu(), lib.nn.functional.relu(lib.tensor(-0.0)), lib.relu(lib.tensor([-1, 2]))",
        "x = z.requires_grad_(); y = lib.relu(x); y.sum().backward(); r = y, x.grad",
        "r = lib.relu(b)",
    ],
)
def test_clamp_and_relu_edges(torch, code):
    same_outcome(torch, _run(
        "b = lib.tensor([True, False]); z = lib.tensor([-0.0, 0.0, float('nan'), 2.0, -1.0]); " + code
    ))


# ---------------------------------------------------------------- integer powers


@pytest.mark.parametrize(
    "code",
    [
        "r = 2 ** lib.tensor([-1, 3]), lib.pow(2, lib.tensor([-1, 3])), (-1) ** lib.tensor([-1, -2, -3])",
        "r = lib.tensor([2]) ** lib.tensor([-1]), lib.tensor([2]).pow(lib.tensor(-1))",
        "r = lib.tensor([2, -2, 1, -1, 0]) ** lib.tensor([-1, -1, -3, -3, -1])",  # only 1 and -1 survive
        "r = lib.tensor([2], dtype=lib.int32) ** lib.tensor([-2], dtype=lib.int32), lib.tensor(2) ** lib.tensor([-1, 2])",
        "r = lib.tensor([True, False]) ** lib.tensor([-1, -2]), True ** lib.tensor([-1])",
        "r = lib.tensor([2, 3]) ** -1", "r = lib.tensor(2) ** -1", "r = lib.pow(lib.tensor([2]), -2)",
        "r = lib.tensor([True]) ** -1", "r = lib.tensor([2], dtype=lib.int32) ** -1",
        "r = lib.tensor([2]) ** -1.0, lib.tensor([2]) ** lib.tensor(-1.0), lib.tensor([2]) ** True",
        "r = lib.tensor([True]) ** lib.tensor([False])", "r = True ** lib.tensor([True])",
        "r = lib.tensor(True) ** True, lib.tensor([True, False]) ** False, lib.tensor([True]) ** 2",
    ],
)
def test_integer_powers(torch, code):
    same_outcome(torch, _run(code))


@pytest.mark.parametrize("op", ["maximum", "minimum", "max"])
def test_ties_of_signed_zeros_keep_the_first_operand(torch, op):
    def scenario(lib):
        a = lib.tensor([-0.0, 0.0, float("nan"), 1.0])
        b = lib.tensor([0.0, -0.0, 1.0, float("nan")])
        return getattr(lib, op)(a, b), lib.clamp(a, min=b)

    same_outcome(torch, scenario)


@pytest.mark.parametrize(
    "code",
    [
        "r = lib.allclose(a, a + 1e-6), lib.allclose(a, a + 1e-3), a.allclose(a), a.isclose(a + 1)",
        "r = lib.isclose(a, lib.tensor([1.0, 2.1]))",
        "r = lib.allclose(lib.tensor([float('nan')]), lib.tensor([float('nan')]), equal_nan=True)",
        "r = lib.allclose(lib.tensor([1, 2]), lib.tensor([1, 2]))",
        "r = lib.allclose(a, a.double())",
        "r = lib.allclose(a, lib.tensor([1.0, 2.0, 3.0]))",
        "r = lib.allclose(a, 1.0)",
    ],
)
def test_allclose_and_isclose(torch, code):
    def scenario(lib):
        names = {"lib": lib, "a": lib.tensor([1.0, 2.0])}
        exec(code, names)
        return names["r"]

    same_outcome(torch, scenario)


# ---------------------------------------------------------------- var and std, pieces of a tensor, class losses, in place


def _scenario(code: str):
    """A scenario that executes `code` (with `lib` and `F`, its nn.functional) and returns `r`."""

    def scenario(lib):
        names = {"lib": lib, "F": lib.nn.functional}
        exec(code, names)
        return names["r"]

    return scenario


@pytest.mark.parametrize(
    "code",
    [
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); r=[x.std(), x.std(False), x.std(1), x.std(1,False), x.std(1,False,True), x.var(dim=1, correction=0), x.var(dim=(0,1), correction=2), x.var(correction=2.5), x.var(unbiased=False), lib.var(x,1), x.std(dim=None, keepdim=True), x.var([]), x.std(correction=True), x.var(correction=-1), x.double().var(1)]',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=x.var(0, unbiased=False, correction=1)',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=x.std(1,1)',
        "x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=x.std('a')",
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=x.var(1.5)',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=x.std(1, unbiased=2)',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=x.var([0,0])',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=x.var(2)',
        'r=lib.tensor([1,2,3]).std()',
        'r=[lib.tensor(3.).std(), lib.tensor([3.]).var(), lib.tensor([3.,4.]).var(correction=5), lib.tensor([3.,3.]).std(correction=3), lib.zeros(0).var(), lib.zeros(0,3).var(0), lib.tensor(3.).var(0), lib.tensor(3.).var(correction=0)]',
        'y=lib.tensor([2.,2.,2.],requires_grad=True); y.std().backward(); r=y.grad',
        'y=lib.tensor([2.],requires_grad=True); y.std().backward(); r=y.grad',
        'y=lib.tensor([3.,4.],requires_grad=True); y.var(correction=5).backward(); r=y.grad',
        'y=lib.tensor([3.,4.],requires_grad=True); y.std(correction=5).backward(); r=y.grad',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); (x.std(1)*lib.tensor([1.,-2.])).sum().backward(); r=x.grad',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); (x.var(0, keepdim=True)*lib.tensor([1.,-2.,3.])).sum().backward(); r=x.grad',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); g,=lib.autograd.grad(x.std(), x, create_graph=True); g.sum().backward(); r=g, x.grad',
    ],
)
def test_var_and_std_as_torch(torch, code):
    # The three overloads, corrections, no degrees of freedom left (a warning; inf or NaN), gradients.
    same_outcome(torch, _scenario(code))


@pytest.mark.parametrize(
    "code",
    [
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=[x.split(2), x.split(2,1), x.split([1,2]), x.split([1,3],dim=1), x.split(5), lib.split(x,[2,1]), lib.split(x,2,dim=-1), x.split((1,2)), x.split([0,3]), x.split(split_size=2)]',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=x.split([1,1])',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=x.split(0)',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=x.split(-1)',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=x.split(2.0)',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=x.split([1.0, 2])',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=x.split([-1,1])',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=x.split(True)',
        'r=lib.tensor(1.).split(1)',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=x.split(2, 2)',
        'r=[lib.zeros(0,2).split(2), lib.zeros(0,2).split(0), lib.zeros(0,requires_grad=True).chunk(2), lib.zeros(0,requires_grad=True).split(0), lib.zeros(5).chunk(4), lib.zeros(0).chunk(2)]',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=[x.chunk(2), x.chunk(3,1), x.chunk(5), lib.chunk(x,2,dim=1)]',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=x.chunk(0)',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=x.chunk(2.)',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=x.chunk(True)',
        'r=lib.tensor(1.).chunk(0)',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=[x.unbind(), x.unbind(1), lib.unbind(x,-1), x.unbind(dim=0)]',
        'r=lib.tensor(1.).unbind()',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=x.unbind(2)',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=[x.narrow(1,1,2), x.narrow(0,-1,1), x.narrow(0,3,0), lib.narrow(x,1,lib.tensor(1),2), lib.narrow(x,dim=0,start=1,length=1)]',
        'x=lib.arange(12.).reshape(3,4); r=x.narrow(0,2,2)',
        'x=lib.arange(12.).reshape(3,4); r=x.narrow(0,4,0)',
        'x=lib.arange(12.).reshape(3,4); r=x.narrow(0,1,-1)',
        'x=lib.arange(12.).reshape(3,4); r=x.narrow(0,-4,1)',
        'x=lib.arange(12.).reshape(3,4); r=x.narrow(2,0,1)',
        'x=lib.arange(12.).reshape(3,4); r=x.narrow(0,1.,1)',
        'x=lib.arange(12.).reshape(3,4); r=x.narrow(0,1,2.0)',
        'x=lib.arange(12.).reshape(3,4); r=x.narrow(0,lib.tensor([1]),1)',
        'r=lib.tensor(1.).narrow(0,0,1)',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); r=[x.select(0,1), x.select(1,-1), lib.select(x,1,2), x.select(0,lib.tensor(1)), lib.select(x,dim=0,index=1)]',
        'x=lib.arange(12.).reshape(3,4); r=x.select(0,3)',
        'x=lib.arange(12.).reshape(3,4); r=x.select(0,-4)',
        'x=lib.arange(12.).reshape(3,4); r=x.select(2,0)',
        'x=lib.arange(12.).reshape(3,4); r=x.select(0,1.)',
        'x=lib.arange(12.).reshape(3,4); r=x.select(0,True)',
        'r=lib.tensor(1.).select(0,0)',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); a,b=x.split([1,2]); (a.sum()*2+b.pow(2).sum()).backward(); r=x.grad',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); a,b,c,d=x.unbind(1); (a*b+c).sum().backward(); r=x.grad',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); (x.narrow(1,1,2)**2).sum().backward(); r=x.grad',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); (x.select(0,1)*3).sum().backward(); r=x.grad',
        'x=lib.arange(12.).reshape(3,4); a=x.select(0,1); a.add_(100); r=x',
        'x=lib.arange(12.).reshape(3,4); a=x.narrow(1,1,2); x.mul_(2); r=a',
        'x=lib.arange(12.).reshape(3,4).requires_grad_(); y=x*1; a=y.narrow(1,1,2); a.mul_(2); y.sum().backward(); r=y, x.grad',
    ],
)
def test_split_chunk_unbind_narrow_select_as_torch(torch, code):
    # Views with PyTorch's grad_fn names and errors; writing through one changes its base.
    same_outcome(torch, _scenario(code))


@pytest.mark.parametrize(
    "code",
    [
        "x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); t=lib.tensor([2,0]); r=[F.nll_loss(x,t), F.nll_loss(x,t,reduction='sum'), F.nll_loss(x,t,reduction='none'), F.nll_loss(x[0],lib.tensor(2)), F.nll_loss(x[0],lib.tensor([2])), F.nll_loss(x,t,ignore_index=2), F.nll_loss(x,lib.tensor([2,2]),ignore_index=2), F.nll_loss(x,lib.tensor([2,2]),ignore_index=2,reduction='sum'), F.nll_loss(x,lib.tensor([2,2]),ignore_index=2,reduction='none'), F.nll_loss(x,lib.tensor([-100,1])), F.nll_loss(x,t,weight=lib.tensor([1.,2.,3.])), F.nll_loss(x,t,weight=lib.tensor([1.,2.,3.]),reduction='none'), F.nll_loss(x.double(), t)]",
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.nll_loss(x,lib.tensor([3,0]))',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.nll_loss(x,lib.tensor([-1,0]))',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.nll_loss(x,lib.tensor([2.,0.]))',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.nll_loss(x,lib.tensor([2,0,1]))',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.nll_loss(x,lib.tensor(2))',
        "x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.nll_loss(x,lib.tensor([2,0]),reduction='bad')",
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.nll_loss(x,[2,0])',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.nll_loss(x.long(),lib.tensor([2,0]))',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.nll_loss(x,lib.tensor([2,0]).int())',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.nll_loss(x,lib.tensor([2,0]),weight=lib.tensor([1.,2.]))',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.nll_loss(x,lib.tensor([2,0]),weight=lib.tensor([1.,2.,3.]).double())',
        "r=[F.nll_loss(lib.zeros(0,3),lib.zeros(0).long()), F.nll_loss(lib.zeros(0,3),lib.zeros(0).long(),reduction='sum'), F.nll_loss(lib.zeros(2,3,4),lib.zeros(2,4).long()), F.nll_loss(lib.zeros(2,3,4,5),lib.zeros(2,4,5).long(), reduction='none').shape]",
        'r=F.nll_loss(lib.zeros(2,3,4),lib.zeros(2,5).long())',
        'r=F.nll_loss(lib.tensor(1.), lib.tensor(0))',
        'r=F.nll_loss(lib.zeros(3), lib.tensor([1,2]))',
        'r=F.nll_loss(lib.zeros(2,3), lib.tensor([1,2]), ignore_index=1.5)',
        "x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); t=lib.tensor([2,0]); r=[F.cross_entropy(x,t), F.cross_entropy(x,t,reduction='none'), F.cross_entropy(x[0],lib.tensor(2)), F.cross_entropy(x, t, ignore_index=0), F.cross_entropy(x,t,weight=lib.tensor([1.,2.,3.])), F.cross_entropy(x,lib.tensor([[0.2,0.3,.5],[1.,0,0]])), F.cross_entropy(x,lib.tensor([[0.2,0.3,.5],[1.,0,0]]), reduction='sum'), F.cross_entropy(x,lib.tensor([[0.2,0.3,.5],[1.,0,0]]), reduction='none')]",
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); r=F.cross_entropy(x,lib.tensor([2,0]),size_average=False)',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); r=F.cross_entropy(x,lib.tensor([2,0]),reduce=False)',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.cross_entropy(x,lib.tensor([3,0]))',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.cross_entropy(x.long(),lib.tensor([2,0]))',
        'r=F.cross_entropy(lib.zeros(2,3,4).long(), lib.zeros(2,4).long())',
        'r=F.cross_entropy(lib.tensor(1.),lib.tensor(1))',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.cross_entropy(x,[1,2])',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]]); r=F.cross_entropy(x, lib.tensor([1.,2.]))',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); t=lib.tensor([2,0]); F.cross_entropy(x,t).backward(); r=x.grad',
        "x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); t=lib.tensor([2,1]); F.cross_entropy(x,t,weight=lib.tensor([1.,2.,3.]),ignore_index=1,reduction='sum').backward(); r=x.grad",
        "x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); t=lib.tensor([2,0]); (F.nll_loss(x,t,reduction='none')*lib.tensor([2.,-3.])).sum().backward(); r=x.grad",
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); F.nll_loss(x,lib.tensor([2,2]),ignore_index=2).backward(); r=x.grad',
        'x=lib.randn(2,3,4).requires_grad_() if False else lib.arange(24.).reshape(2,3,4).div(7).requires_grad_(); t=lib.tensor([[0,1,2,1],[2,2,0,1]]); F.cross_entropy(x,t).backward(); r=x.grad',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); F.cross_entropy(x,lib.tensor([[0.2,0.3,.5],[1.,0,0]])).backward(); r=x.grad',
        'x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); l=F.cross_entropy(x,lib.tensor([2,0])); g,=lib.autograd.grad(l,x,create_graph=True); g.pow(2).sum().backward(); r=x.grad',
        "x=lib.tensor([[1.,2.,4.],[3.,5.,9.]],requires_grad=True); y=x*2; r=[lib.nn.MSELoss()(x, y), lib.nn.MSELoss(reduction='sum')(x, y), lib.nn.BCELoss()(x.sigmoid(), lib.ones(2,3)), lib.nn.CrossEntropyLoss(reduction='none')(x,lib.tensor([2,0])), lib.nn.CrossEntropyLoss(ignore_index=0)(x,lib.tensor([2,0])), lib.nn.MSELoss().reduction, lib.nn.CrossEntropyLoss().ignore_index, str(lib.nn.MSELoss()), lib.nn.BCELoss(reduction='sum'), lib.nn.CrossEntropyLoss(), lib.nn.MSELoss()(input=x, target=y)]",
        "r=lib.nn.MSELoss('sum')",
        'r=lib.nn.MSELoss(reduce=False).reduction',
        "r=lib.nn.MSELoss(reduction='bad')",
        "r=lib.nn.MSELoss(reduction='bad')(lib.ones(2),lib.ones(2))",
        'r=lib.nn.MSELoss()(lib.ones(2))',
        'r=lib.nn.MSELoss(foo=1)',
    ],
)
def test_class_losses_and_loss_objects_as_torch(torch, code):
    # nll_loss, cross_entropy (indices or probabilities), weight, ignore_index, MSELoss & co.
    same_outcome(torch, _scenario(code))


@pytest.mark.parametrize(
    "code",
    [
        'x=lib.tensor([1.,4.,9.],requires_grad=True); y=x*1; y.sqrt_(); y.sum().backward(); r=y, x.grad',
        'x=lib.tensor([1.,-4.,9.],requires_grad=True); y=x*1; y.exp_(); y.sum().backward(); r=y, x.grad',
        'x=lib.tensor([1.,-4.,9.],requires_grad=True); y=x*1; y.neg_(); y.sum().backward(); r=y, x.grad',
        'x=lib.tensor([1.,-4.,9.],requires_grad=True); y=x*1; y.clamp_min_(0.5); y.sum().backward(); r=y, x.grad',
        'x=lib.tensor([1.,-4.,9.],requires_grad=True); y=x*1; y.clamp_max_(lib.tensor(2.)); y.sum().backward(); r=y, x.grad',
        'x=lib.tensor([1.,-4.,9.],requires_grad=True); y=x*1; y.clamp_max_(2); y.sum().backward(); r=y, x.grad',
        'x=lib.tensor([1.,-4.,9.],requires_grad=True); r=x.exp_()',
        'x=lib.tensor([1,4,9]); r=x.sqrt_()',
        'x=lib.tensor([1,4,9]); r=x.neg_(), x.clamp_min_(3), x',
        'x=lib.tensor([1.,4.,9.]); y=x[1:]; y.exp_(); r=x',
        'x=lib.tensor([1.,4.,9.],requires_grad=True); y=x*1; e=y.exp(); y.exp_(); r=e.sum().backward()',
    ],
)
def test_more_in_place_ops_as_torch(torch, code):
    # exp_, neg_, sqrt_, clamp_min_, clamp_max_: the in-place machinery's checks and gradients.
    same_outcome(torch, _scenario(code))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_sends_a_gradient_to_its_target(torch, reduction):
    def scenario(lib):
        p = lib.tensor([0.3, 0.6, 1e-45, 1.0], requires_grad=True)
        t = lib.tensor([0.2, 0.9, 0.5, 0.5], requires_grad=True)
        out = lib.nn.functional.binary_cross_entropy(p, t, reduction=reduction)
        return lib.autograd.grad(out.sum() if out.ndim else out, (p, t))

    same_outcome(torch, scenario)


@pytest.mark.parametrize("f", [lambda lib, x: x.max(0), lambda lib, x: lib.min(x, dim=0, keepdim=True)])
def test_jvp_of_a_function_returning_values_and_indices(torch, f):
    def scenario(lib):
        jvp = lib.func.jvp if lib is torch else lib.jvp
        return jvp(lambda x: f(lib, x), (lib.tensor([1.0, 3.0, 3.0]),), (lib.tensor([1.0, 2.0, 5.0]),))

    same_outcome(torch, scenario)


# Ops beyond the contract, scenario by scenario: what each starts from, then the code.
_NORMS = 'm = lib.tensor([[[0.0, 1.5, -2.0], [2.0, -2.0, 0.5]]]); '
_MATRIX_AND_MASK = 'x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True); m = lib.tensor([[True, False], [False, True]]); '
_ROUNDING = 'y = lib.tensor([1.5, -2.5, 0.5, 2.5, -0.0, 3.7, -1.2, 0.05], requires_grad=True); '
_SPECIALS = 's = lib.tensor([1.0, float("inf"), -float("inf"), float("nan"), -2.5]); '
_DISTINCT = 'm = lib.tensor([[0.5, -1.25, 3.0, 2.0], [1.5, 0.25, -2.0, 4.5], [-0.75, 2.5, 1.0, -3.5]], requires_grad=True); '
_PAIR = 'a = lib.tensor([1.0, -2.0, 0.0, 0.5], requires_grad=True); b = lib.tensor([3.0, 0.0, 0.0, -1.5], requires_grad=True); '
_WITH_A_ZERO = 'x = lib.tensor([[1., 2., 0.], [3., 4., 5.]], requires_grad=True); '
_THREE_COLUMNS = 'x = lib.tensor([[1., 2., 3.], [4., -5., 6.]], requires_grad=True); '
_VECTOR = 'x = lib.tensor([-1.0, 0.5, 2.0], requires_grad=True); '
_FOUR = 'x = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True); '
_LOGITS = "F = lib.nn.functional; "
BEYOND_THE_CONTRACT = [
    (_LOGITS, "r = F.hardtanh(lib.tensor([1, 5, -3])), F.normalize(lib.zeros(3), dim=0), F.relu6(lib.tensor([-1., 7.]))"),
    (_LOGITS, "r = F.hardtanh(lib.ones(2), 1.0, -1.0)"),
    (_LOGITS, "r = F.smooth_l1_loss(lib.ones(2), lib.zeros(2), beta=-1.0)"),
    (_LOGITS, "r = F.huber_loss(lib.ones(2), lib.zeros(2), delta=0.0)"),
    (_LOGITS, "r = F.l1_loss(lib.ones(3), lib.zeros(2))"),
    (_LOGITS, "r = F.l1_loss(lib.tensor([1, 2]), lib.tensor([0, 0]))"),
    (_LOGITS, "r = F.l1_loss(lib.tensor([1, 2]), lib.tensor([0, 0]), reduction='sum'), "
              "F.smooth_l1_loss(lib.tensor([1., -2.], requires_grad=True), lib.zeros(2), beta=0.0)"),
    (_LOGITS, "r = F.binary_cross_entropy_with_logits(lib.ones(3), lib.ones(2))"),
    (_LOGITS, "r = F.binary_cross_entropy_with_logits(lib.ones(3, dtype=lib.int64), lib.ones(3, dtype=lib.int64))"),
    (_LOGITS, "r = F.binary_cross_entropy_with_logits(lib.ones(3), lib.ones(3, dtype=lib.int64))"),
    (_LOGITS, "r = F.binary_cross_entropy_with_logits(lib.ones(3), [1, 1, 1])"),
    (_LOGITS, "r = F.binary_cross_entropy_with_logits(lib.tensor([100., -100., 0.]), lib.tensor([0., 1., 0.5]), "
              "reduction='none'), F.binary_cross_entropy_with_logits(lib.ones(2), lib.zeros(2), size_average=False)"),
    # clamp by tensors: gradients at ties and crossed bounds, and no mixing of tensors and numbers
    (_FOUR, "lo = lib.tensor([1., 0., 1., 5.], requires_grad=True); hi = lib.tensor([3., 2., 3., 4.], "
            "requires_grad=True); y = lib.clamp(x, min=lo, max=hi); y.sum().backward(); r = y, x.grad, lo.grad, hi.grad"),
    (_FOUR, "lo = lib.tensor([1., 0., 1., 5.], requires_grad=True); y = lib.clamp(x, min=lo); y.sum().backward(); "
            "r = y, x.grad, lo.grad, [f is None for f, _ in y.grad_fn.next_functions]"),
    (_FOUR, "r = lib.clamp(x, min=x * 0, max=1.5)"),
    # views and in-place: what PyTorch refuses, and what a view made under no_grad is
    (_FOUR, "y = x * 1; a, b = y.split(2); b.mul_(2)"),
    (_FOUR, "y = x * 1; a, b = y.split([1, 3]); a.mul_(2)"),
    (_FOUR, "y = x * 1; p = y.chunk(3); p[1].add_(1)"),
    (_FOUR, "y = x * 1; u = y.unbind(); u[2].add_(1)"),
    (_FOUR, "a, b = x.split(2); a.mul_(2)"),
    (_FOUR, "y = x * 1; a, b = y.split(2); a.zero_()"),
    (_FOUR, "y = x * 1; a, b = y.split(2); a[0] = 5."),
    (_FOUR, "y = x * 1; a, b = y.split(2); c = a[0:1]; c.mul_(2)"),
    (_FOUR, "y = x * 1; a, b = y.split(2)\nwith lib.no_grad():\n    a.mul_(2)\nr = y"),
    (_FOUR, "y = x.detach().clone(); a, b = y.split(2); a.mul_(2); r = y"),
    (_FOUR, "y = x * 1; y.add_(y[0])"),
    (_FOUR, "y = x.detach().clone(); y.add_(y[1:2])"),
    (_FOUR, "y = x.detach().clone().view(2, 2); y.mul_(y.t())"),
    (_FOUR, "y = x.detach().clone(); y.add_(y); y[:2].add_(y[2:]); y.add_(y.view(4)); r = y"),
    (_FOUR, "with lib.no_grad():\n    v = x[0]\n    w = x.view(2, 2)\n    c = x[[0, 1]]\nr = v, w, c, v.is_leaf, v.grad_fn"),
    # a view taken before its base had any history follows it when the base gets one
    (_FOUR, "b = lib.zeros(2, 2); v = b[0]; w = b[1, :1]; b[1].copy_(x[:2]); (v.sum() + w.sum() * 3).backward(); "
            "r = type(v.grad_fn).__name__, type(w.grad_fn).__name__, w, x.grad"),
    (_FOUR, "b = lib.zeros(4); v = b[1:]; b.add_(x); (v * 2).sum().backward(); r = v, v.requires_grad, x.grad"),
    (_NORMS, 'r = lib.tensor([1, 2]).norm()'),
    (_NORMS, "r = m.norm('fro', dim=(0, 1, 2))"),
    (_NORMS, "r = m.norm('fro'), lib.norm(m, 'fro', 1), m.norm(dim=(0, 2), keepdim=True), m.norm(keepdim=True)"),
    (_NORMS, "r = m.norm(0), m.norm(float('inf'), dim=-1), m.norm(-float('inf'), 1, True), m.norm(1.5, dtype=lib.float64)"),
    (_NORMS, 'x = m.requires_grad_(); x.norm(0).backward(); r = x.grad'),
    (_NORMS, "x = lib.tensor([3.0, float('nan'), -3.0], requires_grad=True); x.norm(float('inf')).backward(); r = x.grad"),
    (_NORMS, 'x = lib.zeros(2, requires_grad=True); y = x.norm(dim=0); y.backward(); r = y, x.grad'),
    (_NORMS, 'r = m.norm(p=None)'),
    (_NORMS, "r = lib.sign(lib.tensor([float('nan'), -0.0, 0.0, -1.0])), lib.sign(lib.tensor([True, False])), m.sign()"),
    (_MATRIX_AND_MASK, 'r = x.masked_fill(lib.tensor([[1., 0.], [0., 1.]]), 0.0)'),
    (_MATRIX_AND_MASK, 'r = x.masked_fill(lib.tensor([1, 0]), 0.0)'),
    (_MATRIX_AND_MASK, 'r = x.masked_fill(m, lib.tensor([1., 2.]))'),
    (_MATRIX_AND_MASK, 'r = x.masked_fill(lib.tensor([True, False, True]), 0.0)'),
    (_MATRIX_AND_MASK, "r = lib.tensor([1, 2]).masked_fill(lib.tensor([True, False]), 2.5), x.masked_fill(m, float('nan'))"),
    (_MATRIX_AND_MASK, 'y = x * 1; y.masked_fill_(m, 7.0); y.sum().backward(); r = y, x.grad'),
    (_MATRIX_AND_MASK, 'r = lib.outer(x, x[0])'),
    (_MATRIX_AND_MASK, 'r = lib.outer(x[0], x)'),
    (_MATRIX_AND_MASK, 'r = lib.tensor([1, 2, 3]).cumsum(0), lib.tensor([True, True]).cumsum(0), lib.tensor(3.).cumsum(0)'),
    (_MATRIX_AND_MASK, 'r = x.cumsum(2)'),
    (_MATRIX_AND_MASK, 'r = x.flip(0, 0)'),
    (_MATRIX_AND_MASK, 'r = x.flip(0, 1), lib.tensor(2.).flip(0)'),
    (_MATRIX_AND_MASK, 'r = x.logsumexp()'),
    (_MATRIX_AND_MASK, "r = lib.tensor([1, 2]).logsumexp(0), lib.tensor([-float('inf'), -float('inf')]).logsumexp(0)"),
    (_MATRIX_AND_MASK, "r = lib.tensor([float('inf'), 1.0]).logsumexp(0), lib.tensor(2.).logsumexp(0)"),
    (_PAIR, 'r = lib.atan2(lib.tensor([1, 2]), lib.tensor([1, 1])), lib.atan2(a, b.double())'),
    (_PAIR, 'r = lib.hypot(lib.tensor([3]), lib.tensor([4]))'),
    (_PAIR, 'y = lib.atan2(a, b); y.sum().backward(); r = y, a.grad, b.grad'),
    (_PAIR, 'y = lib.hypot(a, b); y.sum().backward(); r = y, a.grad, b.grad'),
    (_PAIR, 'r = lib.lerp(lib.tensor([1, 2]), lib.tensor([3, 4]), 0.5)'),
    (_PAIR, 'r = lib.lerp(a, b.double(), 0.5)'),
    (_PAIR, 'r = lib.lerp(a, b, lib.tensor(0.5, dtype=lib.float64)), lib.lerp(a, b, 1.0), lib.lerp(a, b, 0.0)'),
    (_PAIR, 'r = lib.addcmul(lib.tensor([1, 2]), lib.tensor([1, 2]), lib.tensor([1.5, 2])), lib.addcmul(a, b, b, value=0.5)'),
    (_ROUNDING, 'r = [f(y) for f in (lib.floor, lib.ceil, lib.trunc, lib.frac, lib.round)], y.round(decimals=1), lib.round(y, decimals=-1)'),
    (_ROUNDING, 'r = [f(y).grad_fn.name() for f in (lib.floor, lib.ceil, lib.trunc, lib.frac, lib.round)], lib.round(y, decimals=0).grad_fn.name()'),
    (_ROUNDING, '(y.floor() * 2 + y.frac() * 3 + y.round(decimals=1) + y.ceil()).sum().backward(); r = y.grad'),
    (_ROUNDING, 'r = lib.floor(lib.tensor([1, 2])), lib.ceil(lib.tensor([-3])), lib.round(lib.tensor([2, 3])), lib.trunc(lib.tensor([1]))'),
    (_ROUNDING, 'r = lib.floor(lib.tensor([True]))'), (_ROUNDING, 'r = lib.round(lib.tensor([True]))'),
    (_ROUNDING, 'r = lib.frac(lib.tensor([1, 2]))'), (_ROUNDING, 'r = lib.round(lib.tensor([2, 3]), decimals=0)'),
    (_ROUNDING, 'r = lib.round(lib.tensor([25]), decimals=-1)'), (_ROUNDING, 'r = lib.trunc(lib.tensor([False]))'),
    (_ROUNDING, 'r = lib.round(lib.tensor([1234.5678, 0.125, -0.375, 2.675]), decimals=2), lib.round(lib.tensor([1234.5678]), decimals=-2)'),
    (_ROUNDING, 'z = y.detach().clone(); z.floor_(); w = y.detach().clone(); w.round_(decimals=1); v = y.detach().clone(); v.frac_(); r = z, w, v'),
    (_ROUNDING, 'r = round(y.detach())'),  # Python's round: no __round__ on tensors
    (_SPECIALS, 'r = lib.isinf(s), lib.isfinite(s), lib.isnan(s), s.isinf(), lib.isinf(lib.tensor([1, 2])), lib.isfinite(lib.tensor([True]))'),
    (_SPECIALS, 'r = lib.nan_to_num(s), s.nan_to_num(nan=2.0, posinf=9.0), lib.nan_to_num(s, neginf=-1.5), lib.nan_to_num(lib.tensor([1, 2])), lib.nan_to_num(s.double())'),
    (_SPECIALS, 't = s.clone().requires_grad_(); y = lib.nan_to_num(t); y.backward(lib.tensor([1.0, 2.0, float("nan"), 4.0, 5.0])); r = y, t.grad'),
    (_SPECIALS, 't = s.clone(); t.nan_to_num_(); r = t'),
    (_PAIR, 'r = [f(a) for f in (lib.asinh, lib.atanh, lib.erfc)], lib.acosh(b), lib.erfc(lib.tensor([1, 2])), lib.asinh(lib.tensor([True]))'),
    (_PAIR, 'y = (lib.asinh(a) + lib.erfc(a) + lib.atanh(a * 0.5)).sum(); y.backward(); r = y, a.grad'),
    (_PAIR, 'c = b.detach() + 1.5; c.requires_grad_(); lib.acosh(c).sum().backward(); r = c.grad, lib.acosh(c).grad_fn.name()'),
    (_PAIR, 'c = a.detach().clone(); c.abs_(); d = a.detach().clone(); d.sigmoid_().tanh_(); e = b.detach().clone(); e.relu_(); f = b.detach() + 1; f.log_().reciprocal_(); r = c, d, e, f'),
    (_PAIR, 'c = a * 1; c.sigmoid_(); c.sum().backward(); r = c, a.grad'),
    (_PAIR, 'r = lib.diff(a), a.diff(n=2), lib.diff(lib.tensor([1, 3, 6]), n=2), lib.diff(lib.tensor([True, False, False])), lib.diff(a, n=0), lib.diff(a, n=9)'),
    (_PAIR, 'r = lib.diff(a, prepend=lib.tensor([0.]), append=lib.tensor([9., 10.])), lib.diff(lib.stack([a, b]), dim=0), lib.diff(lib.stack([a, b]), dim=0, prepend=lib.ones(1, 4))'),
    (_PAIR, 'y = a.diff(n=2); (y * lib.tensor([1., -2.])).sum().backward(); r = y, a.grad'),
    (_PAIR, 'r = lib.diff(lib.tensor(1.))'), (_PAIR, 'r = lib.diff(a, n=-1)'), (_PAIR, 'r = lib.diff(a, dim=3)'),
    (_PAIR, 'm = lib.arange(12.).reshape(3, 4); r = m.stride(), m.t().stride(), m[:, ::2].stride(), m.stride(-1), m[1:, 2:].storage_offset(), m.storage_offset(), m.element_size(), lib.tensor([1]).element_size(), lib.tensor([True]).element_size(), m.ndimension(), lib.tensor(1.).stride()'),
    (_PAIR, 'r = lib.arange(3.).stride(2)'),
    (_PAIR, 'r = repr(a.device), str(a.device), a.device.type, a.device.index, a.device == b.device'),
    (_PAIR, 'r = a.new_zeros(2, 3), a.new_ones((2,)), a.new_full((2,), 7), a.new_tensor([1, 2]), lib.tensor([1, 2]).new_ones(2), a.new_zeros(2).requires_grad, a.new_empty(3).shape, a.new_ones(2, dtype=lib.int64), a.new_zeros(2, requires_grad=True)'),
    (_PAIR, 'lib.manual_seed(0); r = lib.randn_like(a).shape, lib.rand_like(b).dtype, lib.empty_like(a).shape, lib.randn_like(a, dtype=lib.float64).dtype, lib.rand_like(a, requires_grad=True).requires_grad'),
    (_PAIR, 'r = lib.rand_like(lib.tensor([1, 2]))'), (_PAIR, 'r = lib.randn_like(lib.tensor([True]))'),
    (_PAIR, 'r = lib.addcdiv(lib.tensor([1, 2]), lib.tensor([1, 2]), lib.tensor([1, 2]))'),
    (_DISTINCT, 'r = lib.sort(m), m.sort(dim=0), m.sort(descending=True), lib.sort(m, dim=-1, descending=True, stable=True)'),
    (_DISTINCT, 'r = lib.argsort(m), m.argsort(dim=0, descending=True), lib.msort(m), m.topk(2), lib.topk(m, 1, dim=0, largest=False)'),
    (_DISTINCT, 'v, i = m.sort(1); (v * lib.arange(4.)).sum().backward(); r = v, i, v.grad_fn.name(), len(v.grad_fn.next_functions), m.grad'),
    (_DISTINCT, 'v, i = m.topk(2, dim=0); (v * lib.tensor([[1., 2., 3., 4.], [5., 6., 7., 8.]])).sum().backward(); r = v, i, m.grad'),
    (_DISTINCT, 'r = lib.sort(lib.tensor(3.)), lib.topk(lib.tensor(3.), 1), lib.sort(lib.tensor([])), lib.topk(lib.tensor([1., 2.]), 0)'),
    (_DISTINCT, 'r = lib.sort(lib.tensor([True, False, True]), stable=True), lib.sort(lib.tensor([3, 1, 2]), descending=True)'),
    (_DISTINCT, 'r = lib.sort(lib.tensor([2., float("nan"), -1., float("inf")])), lib.sort(lib.tensor([2., float("nan"), -1.]), descending=True), lib.topk(lib.tensor([2., float("nan"), -1.]), 2)'),
    (_DISTINCT, 'r = lib.sort(lib.tensor([1., 0., 1., 0., 2., 2.]), stable=True), lib.sort(lib.tensor([1., 0., 1., 0., 2., 2.]), descending=True, stable=True)'),
    (_PAIR, 'z = lib.zeros(0, 3); z.lerp_(lib.zeros(0, 3), 0.5).addcmul_(z, z).addcdiv_(z, z).floor_().mul_(2); z.copy_(lib.ones(0, 3)); r = z'),
    (_PAIR, 'r = lib.zeros(0, 3).stride(), lib.zeros(0).stride(), lib.zeros(2, 0, 3).stride(), lib.ones(2, 3).t().clone().stride(), lib.ones(2, 3).t().contiguous().stride()'),
    (_PAIR, 'f = lib.float64; r = lib.add(lib.tensor([1.], dtype=f), lib.tensor([1e-10], dtype=f), alpha=1e301), lib.add(lib.tensor(0., dtype=f), lib.tensor(1.5e308, dtype=f), alpha=0.5), lib.lerp(lib.tensor([1e300], dtype=f), lib.tensor([1.6e308], dtype=f), 0.25)'),
    (_PAIR, 'f = lib.float64; r = lib.addcmul(lib.tensor([-float("inf")], dtype=f), lib.tensor([1e200], dtype=f), lib.tensor([1e200], dtype=f)), lib.addcmul(lib.tensor(-float("inf"), dtype=f), lib.tensor(1e200, dtype=f), lib.tensor(1e200, dtype=f)), lib.linspace(-1e308, 1e307, 5, dtype=f)'),
    (_PAIR, 'r = lib.round(lib.tensor([1.5]), decimals=309), lib.round(lib.tensor([1.5]), decimals=-309), lib.round(lib.tensor([1.5], dtype=lib.float64), decimals=400)'),
    (_PAIR, 'r = a.flatten(0, 0) is a, lib.ones(2, 3).flatten(1, 1).shape, lib.tensor(1.).flatten(0, 0), lib.tensor(1.).flatten(-1, 0), lib.ones(2).flatten(0, 0)'),
    (_PAIR, 'r = lib.ones(2, 3).flatten(1, 0)'),
    (_PAIR, 'r = lib.addcmul(lib.tensor([True]), lib.tensor([True]), lib.tensor([True]))'),
    (_PAIR, 'r = lib.addcdiv(lib.tensor([True]), lib.tensor([1.]), lib.tensor([1.]))'),
    (_PAIR, 'r = lib.lerp(lib.ones(2), lib.ones(2), lib.tensor([1, 0]))'),
    (_PAIR, 'r = lib.lerp(lib.ones(2), lib.ones(2), lib.tensor([0.5, 0.5], dtype=lib.float64))'),
    (_PAIR, 'r = lib.lerp(lib.ones(2), lib.ones(2), lib.tensor(1)), lib.lerp(lib.ones(2), lib.zeros(2), lib.tensor(0.25, dtype=lib.float64))'),
    (_PAIR, 'r = lib.ones(3, dtype=lib.int64).lerp_(lib.ones(3), 0.5)'),
    (_PAIR, 'r = lib.lerp(lib.tensor([1, 2]), lib.tensor([1, 2]), lib.tensor([1, 2]))'),
    (_DISTINCT, 'r = m.topk(5)'), (_DISTINCT, 'r = m.topk(-1)'), (_DISTINCT, 'r = m.sort(dim=2)'), (_DISTINCT, 'r = lib.topk(lib.tensor(3.), 2)'),
    (_PAIR, 'r = lib.addcdiv(lib.tensor([1., 2.]), lib.tensor([1, 2]), lib.tensor([2, 2]))'),
    (_PAIR, 'r = lib.addcdiv(lib.tensor([1, 2]), lib.tensor([1, 2]), lib.tensor([4., 2])), lib.addcdiv(a, b, b.double(), value=2)'),
    (_PAIR, 'r = lib.addcdiv(a, b, lib.tensor([0., -0.])), lib.addcdiv(a, a, b, value=0), lib.addcdiv(a[0], b, b)'),
    (_PAIR, 'y = a.addcdiv(b, a * 2, value=-0.5); r = y, y.grad_fn.name(), len(y.grad_fn.next_functions)'),
    (_PAIR, 'c = a.detach().clone(); c.addcdiv_(b, a, value=3).lerp_(b, 0.75).addcmul_(a, b, value=-1); r = c'),
    (_PAIR, 'c = a * 1; c.addcdiv_(b, a); c.sum().backward(); r = c, c.grad_fn.name(), a.grad, b.grad'),
    (_PAIR, 'c = a.detach(); c.addcmul_(b, b)'),
    (_PAIR, 'c = lib.ones(1, 2); c.lerp_(a, 0.5)'),
    (_PAIR, "r = lib.erf(lib.tensor([1, 2])), lib.erf(lib.tensor([float('inf'), -float('inf'), float('nan'), -0.0]))"),
    (_PAIR, 'r = lib.nn.functional.gelu(lib.tensor([1, 2]))'),
    (_PAIR, "g, = lib.autograd.grad(lib.nn.functional.gelu(a).sum(), a, create_graph=True); h, = lib.autograd.grad(g.sum(), a); r = g, h"),
    (_PAIR, "g, = lib.autograd.grad(lib.nn.functional.gelu(a, approximate='tanh').sum(), a, create_graph=True); h, = lib.autograd.grad((g * b).sum(), a); r = g, h"),
    (_PAIR, "g, = lib.autograd.grad(lib.nn.functional.silu(a).sum(), a, create_graph=True); h, = lib.autograd.grad(g.sum(), a); r = g, h"),
    (_PAIR, "y = lib.nn.functional.gelu(a, approximate='tanh'); g, = lib.autograd.grad(y, a, b, create_graph=True); gg, = lib.autograd.grad(g.sum(), b); r = gg"),
    (_PAIR, "r = lib.nn.functional.gelu(a, approximate='x')"),
    (_WITH_A_ZERO, 'r = x.prod(), lib.tensor([1, 2, 3]).prod(), lib.tensor([True, True]).prod(), lib.tensor(3.).prod(0)'),
    (_WITH_A_ZERO, 'y = lib.tensor([[0., 0., 0.], [0., 0., -0.25]], requires_grad=True); (y.prod() * -1.5).backward(); r = y.grad'),
    (_WITH_A_ZERO, 'y = lib.tensor([[0., 2., 0.], [3., 0., 5.]], requires_grad=True); y.prod(1).sum().backward(); r = y.grad'),
    (_WITH_A_ZERO, 'r = x.repeat(2), x.repeat(-1, 1)'),
    (_WITH_A_ZERO, 'r = x.repeat()'),
    (_WITH_A_ZERO, 'r = x.repeat(0, 1), lib.tensor(3.).repeat(()), lib.ones(2).tile(()), x.tile(2, 1, 1)'),
    (_WITH_A_ZERO, 'r = lib.trace(x[0])'),
    (_WITH_A_ZERO, 'r = lib.tril(x[0])'),
    (_WITH_A_ZERO, 'r = lib.ones(2, 3, 4).diag()'),
    (_WITH_A_ZERO, 'r = lib.tensor(1.).diag()'),
    (_WITH_A_ZERO, 'r = x.diag(5), x.diag(-1), x[0].diag(-2)'),
    (_WITH_A_ZERO, 'r = x.index_select(1, lib.tensor([[0]]))'),
    (_WITH_A_ZERO, 'r = x.index_select(1, lib.tensor([0.]))'),
    (_WITH_A_ZERO, 'r = x.index_select(1, lib.tensor([5]))'),
    (_WITH_A_ZERO, 'r = x.index_select(1, lib.tensor(1)), lib.tensor(5.).index_select(0, lib.tensor([0]))'),
    (_WITH_A_ZERO, 'r = x.gather(1, lib.tensor([[3]]))'),
    (_WITH_A_ZERO, 'r = x.gather(1, lib.tensor([0, 1]))'),
    (_WITH_A_ZERO, "r = x.gather(-1, lib.tensor([[2]])), x.dist(lib.zeros(3), float('inf'))"),
    (_THREE_COLUMNS, 'r = x.roll(1, (0, 1))'),
    (_THREE_COLUMNS, 'r = x.roll((2,)), lib.roll(x, shifts=2)'),
    (_THREE_COLUMNS, 'r = lib.cross(x, x)'),
    (_THREE_COLUMNS, 'r = lib.linalg.cross(x[:, :2], x[:, :2])'),
    (_THREE_COLUMNS, 'r = lib.cross(x, x[0])'),
    (_THREE_COLUMNS, 'r = lib.linalg.cross(x, x.flip(1).double())'),
    (_THREE_COLUMNS, "r = lib.linalg.vector_norm(x, 'fro')"),
    (_THREE_COLUMNS, "r = lib.linalg.norm(x, 1, dim=(1, 0)), lib.linalg.norm(x, 'fro', dim=(1, 0)), lib.linalg.norm(x[0], 1)"),
    (_VECTOR, 'a = lib.tensor([1., 2.], dtype=lib.float64, requires_grad=True); b = lib.tensor([3., 5.], dtype=lib.float64, requires_grad=True); lib.lerp(a, b, 0.7).sum().backward(); r = a.grad.tolist(), b.grad.tolist()'),
    (_VECTOR, 'a = lib.tensor([1., 2.], requires_grad=True); lib.lerp(a, a * 4, 0.5488).sum().backward(); r = a.grad.tolist()'),
    (_VECTOR, 'y = x * 1; r = lib.nn.functional.leaky_relu(y, 0.1, inplace=True), y; r[0].sum().backward(); r = r, x.grad'),
    (_VECTOR, 'y = x * 1; r = lib.nn.functional.elu(y, inplace=True), lib.nn.functional.silu(y * 1, inplace=True)'),
    (_VECTOR, 'r = lib.nn.functional.silu(x, inplace=True)'),
    (_VECTOR, 'r = x.gather(0, lib.tensor([-1]))'),
    (_VECTOR, 'r = lib.tensor(5.).index_select(0, lib.tensor([0, 0]))'),
    (_VECTOR, 'r = lib.tensor([[True, False], [False, True]]).trace()'),
    (_VECTOR, 'r = lib.linalg.norm(lib.ones(2, 2, 2), 1)'),
    (_VECTOR, "r = lib.ones(0).norm(float('inf'))"),
    (_VECTOR, "r = lib.ones(0).norm(-float('inf')), lib.ones(0, 3).norm(float('inf'), dim=1)"),
    (_VECTOR, 'r = lib.linalg.cross(lib.ones(2, 3), lib.ones(2, 3), dim=5)'),
    (_VECTOR, 'e = lib.ones(0, requires_grad=True); (e ** 2).sum().backward(); r = e.grad'),
    (_VECTOR, 'h = lib.tensor([3e38, 1.0], requires_grad=True); (h ** 2).mean().backward(); r = h.grad'),
]


@pytest.mark.parametrize("setup, code", BEYOND_THE_CONTRACT)
def test_ops_beyond_the_contract_as_torch(torch, setup, code):
    same_outcome(torch, _run(setup + code))


@pytest.mark.parametrize("name", ["leaky_relu", "elu", "softplus", "silu"])
def test_activations_refuse_integers_and_keep_signed_zeros_and_nans(torch, name):
    same_outcome(torch, _run(f"r = lib.nn.functional.{name}(lib.tensor([1, 2]))"))
    same_outcome(torch, _run(
        f"x = lib.tensor([-0.0, 0.0, float('nan'), float('inf'), -float('inf'), 30.0], requires_grad=True); "
        f"y = lib.nn.functional.{name}(x); y.backward(lib.ones(6)); r = y, x.grad"
    ))


@pytest.mark.parametrize(
    "expression",
    ["x * 2", "2 * x", "2 + x", "1 - x", "2 ** x", "2 / x", "x.masked_fill(x > 1, 0.)", "x.masked_fill(x > 1, lib.tensor(2.))",
     "x.unsqueeze(0).tril()", "lib.where(x > 1, x, 0.)", "x.detach() * x"],
)
def test_next_functions_and_names_as_torch(torch, expression):
    # The entries of next_functions, their order (a scalar operand of a Scalar overload has none)
    # and name(): PyTorch's C++ nodes are namespaced ("torch::autograd::AccumulateGrad").
    same_outcome(torch, _run(
        "x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True); f = (" + expression + ").grad_fn; "
        "r = f.name(), [(g.name() if g is not None else None, i) for g, i in f.next_functions]"
    ))
    same_outcome(torch, _run("x = lib.tensor([1.0, 2.0]) * 1; x.requires_grad_(); y = x * 1; y[0] = 5.0; "
                             "r = y.grad_fn.name(), type(y.grad_fn).__name__"))


# ---------------------------------------------------------------- nonzero, where(condition), iteration


@pytest.mark.parametrize(
    "code",
    [
        "lib.where(lib.tensor([[1., 5., 3.], [4., 2., 6.]]) > 3)",
        "lib.where(lib.tensor([1., 0., 3.]))",
        "lib.where(lib.tensor(0.)), lib.where(lib.tensor(2.))",
        "lib.nonzero(lib.tensor([[1., 5., 3.], [4., 2., 6.]]) > 3)",
        "lib.tensor([0, 1, 1]).nonzero(), lib.nonzero(lib.tensor([1, 0]), as_tuple=True)",
        "lib.nonzero(lib.tensor(3.)), lib.nonzero(lib.tensor(0.)), lib.nonzero(lib.zeros(2, 0))",
        "lib.tensor([[0., 1.], [2., 0.]]).nonzero(as_tuple=True)",
        "lib.where(lib.tensor([True]), lib.tensor([1.]))",
    ],
)
def test_nonzero_and_where_of_a_condition_alone(torch, code):
    same_outcome(torch, lambda lib: eval(code))


def test_iterating_a_tensor_unbinds_it(torch):
    def rows(lib):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        a, b = x
        (a.sum() * 2 + b.sum()).backward()
        return list(x * 2), [r for r in x], a, x.grad

    same_outcome(torch, rows)


def test_functional_division_by_a_tensor_of_a_number(torch):
    # torch.div(3, x) divides (DivBackward0); the operator 3 / x multiplies by a reciprocal.
    def divide(lib):
        x = lib.tensor([2.0, 4.0, 3.0], requires_grad=True)
        y, z = lib.div(3, x), 3 / x
        (y + z).sum().backward()
        return y, z, x.grad, lib.div(3, lib.tensor([2, 4])), lib.div(3.5, lib.tensor([2, 4], dtype=lib.float64))

    same_outcome(torch, divide)


@pytest.mark.parametrize(
    "code",
    [
        "b // b", "b % b", "lib.remainder(b, b)", "lib.floor_divide(b, True)", "lib.div(b, b, rounding_mode='floor')",
        "lib.div(b, b, rounding_mode='trunc')", "b // 2, b % 2, lib.remainder(b, 1)",
        "i & 0.5", "f & f", "f | i", "f ^ 1", "lib.tensor([1.], dtype=lib.float64) & 1", "1.5 & i",
        "lib.softmax(i, 0)", "lib.log_softmax(b, 0)", "lib.softmax(m, 0)", "lib.log_softmax(m, 1)", "m.softmax(-1)",
        "lib.softmax(m, 0, dtype=lib.float32)",
        "lib.abs(b)", "lib.argmax(b)", "b.argmin()", "lib.argmax(b, 0)", "b.max()",
        "lib.maximum(f, 0.)", "lib.minimum(2, f)", "lib.atan2(f, 1.)", "lib.hypot(1., f)",
        "f.maximum(0.)", "f.minimum(1)", "f.atan2(0.)", "f.hypot(2.)",
    ],
)
def test_dtypes_and_operands_pytorch_refuses(torch, code):
    def run(lib):
        operands = {"b": lib.tensor([True, False]), "i": lib.tensor([1, 2]), "f": lib.tensor([1.0, 2.0]),
                    "m": lib.tensor([[1, 2], [3, 4]])}
        return eval(code, {"lib": lib, **operands})

    same_outcome(torch, run)


@pytest.mark.parametrize(
    "code",
    ["x // 1.0", "lib.div(x, 2, rounding_mode='floor')", "lib.div(x, 2, rounding_mode='trunc')",
     "lib.floor_divide(x, 2)", "3 // x", "lib.div(x, x * 2, rounding_mode='trunc')"],
)
def test_rounded_divisions_of_tensors_that_require_grad(torch, code):
    # Floor division has no derivative in PyTorch (a node that refuses backward); div's rounding
    # modes have a zero one (DivBackward2).
    def run(lib):
        x = lib.tensor([1.5, -2.5], requires_grad=True)
        y = eval(code, {"lib": lib, "x": x})
        y.sum().backward()
        return y, x.grad

    same_outcome(torch, run)


@pytest.mark.parametrize(
    "code",
    [
        "lib.ravel(x), lib.ravel(x).grad_fn.name(), x.ravel().shape",
        "lib.broadcast_to(v, (2, 3)), v.broadcast_to((2, 3)).grad_fn.name()",
        "lib.swapaxes(x, 0, 1), x.swapdims(1, 0).grad_fn.name()",
        "lib.movedim(lib.zeros(2, 3, 4), (0, 1), (2, 0)).shape, lib.movedim(x, 0, 1).grad_fn.name()",
        "lib.movedim(lib.zeros(2, 3, 4), -1, 0).shape, x.movedim(1, 0).shape",
        "lib.hstack([v, v]), lib.vstack([v, v]), [n.name() for n, _ in lib.vstack([v, v]).grad_fn.next_functions]",
        "lib.hstack([x, x]).shape, lib.hstack([s, s]), lib.vstack([s, s]).shape, lib.vstack([x, v]).shape",
        "lib.masked_select(x * lib.arange(6.).reshape(2, 3), x > 2), x.masked_select(lib.tensor([True, False, True]))",
        "x.reshape_as(x.t()).shape, x.type(), lib.tensor([1]).type(), lib.tensor([True]).type(), x.double().type()",
        "x.type(lib.float64).dtype, x.type('torch.DoubleTensor').dtype",
        "lib.all(x > 0), lib.any(x > 1, dim=0), lib.all(lib.tensor([1, 0])), (x > 0).any(1, keepdim=True), x.all()",
        "lib.count_nonzero(lib.tensor([[0, 1], [2, 0]]), dim=0), lib.count_nonzero(lib.tensor([[0, 1], [2, 0]]))",
        "lib.equal(x, x), lib.equal(x, v), x.equal(x * 2)",
        "lib.logical_and(lib.tensor([1, 0]), lib.tensor([True, True])), lib.logical_or(lib.tensor([0., 1.]), "
        "lib.tensor(0)), lib.logical_xor(lib.tensor([True, False]), lib.tensor([True, True]))",
        "lib.logical_or(lib.tensor([0., 1.]), 0)",
        "lib.moveaxis(lib.zeros(2, 3, 4), 0, 2).shape, lib.swapdims(x, 0, 1).shape, x.moveaxis(1, 0).shape",
        "lib.concatenate([v, v]), lib.concat([v, v], 0), lib.true_divide(lib.tensor([3, 4]), 2)",
        "lib.fix(lib.tensor([-1.5, 2.7])), lib.arccos(lib.tensor([0.5])), lib.arctanh(lib.tensor([0.5]))",
    ],
)
def test_pytorchs_other_spellings(torch, code):
    def run(lib):
        x = lib.arange(6.0).reshape(2, 3).requires_grad_()
        v, s = lib.ones(3, requires_grad=True), lib.tensor(1.0, requires_grad=True)
        return eval(code, {"lib": lib, "x": x, "v": v, "s": s})

    same_outcome(torch, run)


def test_masked_select_gradient_reaches_the_selected_values(torch):
    def run(lib):
        x = lib.arange(6.0).reshape(2, 3).requires_grad_()
        (lib.masked_select(x, x > 2) * 2).sum().backward()
        return x.grad

    same_outcome(torch, run)


@pytest.mark.parametrize(
    "code",
    [
        "F.binary_cross_entropy(lib.tensor([0.5, 1.5]), lib.tensor([1., 0.]))",
        "F.binary_cross_entropy(lib.tensor([0.5, float('nan')]), lib.tensor([1., 0.]))",
        "F.cross_entropy(lib.zeros(2, 3), lib.tensor([[1], [2]]))",
        "F.cross_entropy(lib.zeros(2, 3), lib.ones(2, 2))",
        "F.cross_entropy(lib.zeros(2, 3), lib.full((2, 3), 0.3), ignore_index=1)",
        "F.binary_cross_entropy_with_logits(lib.zeros(2, 3), lib.zeros(2, 3), weight=lib.ones(2))",
        "F.binary_cross_entropy_with_logits(lib.zeros(2, 3), lib.zeros(2, 3), pos_weight=lib.ones(2))",
        "F.nll_loss(lib.zeros(2, 3, 4, requires_grad=True), lib.zeros(2, 4, dtype=lib.long))",
        "F.cross_entropy(lib.zeros(2, 3, 4, 5, requires_grad=True), lib.zeros(2, 4, 5, dtype=lib.long))",
        "lib.gather(lib.zeros(2, 3), 1, lib.tensor([[0.]]))",
        "F.logsigmoid(lib.tensor([1]))",
        "F.relu(lib.zeros(2, requires_grad=True), inplace=True)",
        "F.relu(lib.tensor([-1., 2.]), inplace=True)",
    ],
)
def test_losses_and_functions_check_as_pytorch(torch, code):
    same_outcome(torch, lambda lib: eval(code, {"lib": lib, "F": lib.nn.functional}))


def test_linear_addmm_and_one_hot_as_pytorch(torch):
    def run(lib):
        F = lib.nn.functional
        lib.manual_seed(0)
        w, b = lib.randn(4, 3, requires_grad=True), lib.randn(4, requires_grad=True)
        x = lib.randn(2, 3, requires_grad=True)
        y = F.linear(x, w, b)
        (y**2).sum().backward()
        scaled = lib.addmm(b, x, w.t(), beta=0.5, alpha=2)
        return (y, w.grad, b.grad, x.grad, F.linear(x, w), F.linear(lib.ones(3), w, b).shape, scaled,
                b.addmm(x, w.t()), F.one_hot(lib.tensor([0, 2, 1])), F.one_hot(lib.tensor([[0], [2]]), 4))

    same_outcome(torch, run)


@pytest.mark.parametrize(
    "code",
    ["F.one_hot(lib.tensor([0., 2.]))", "F.one_hot(lib.tensor([0, 5]), 3)", "F.one_hot(lib.tensor([-1, 0]))",
     "lib.addmm(lib.ones(3), lib.ones(2, 3), lib.ones(3, 4))"],
)
def test_linear_and_one_hot_refuse_as_pytorch(torch, code):
    same_outcome(torch, lambda lib: eval(code, {"lib": lib, "F": lib.nn.functional}))


@pytest.mark.parametrize(
    "code",
    ["lib.randperm(2.5)", "lib.equal(lib.ones(2), 3)", "lib.masked_select(lib.ones(2), 3)",
     "lib.set_printoptions(profile='bad') or repr(lib.tensor([1.5]))"],
)
def test_new_functions_refuse_bad_arguments_as_pytorch(torch, code):
    same_outcome(torch, lambda lib: eval(code, {"lib": lib}))


def test_print_options_refuse_what_would_break_printing():
    with pytest.raises(TypeError, match="precision must be a number"):
        T.set_printoptions(precision="a")
    assert repr(T.tensor([1.5])) == "tensor([1.5000])"


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ignore_index", [-100, 2])
def test_cross_entropy_label_smoothing_as_pytorch(torch, reduction, ignore_index):
    def run(lib):
        F = lib.nn.functional
        x = lib.tensor([[0.2, -1.0, 0.5], [1.5, 0.3, -0.2], [0.0, 0.1, 0.9], [-0.7, 2.0, 0.4]], requires_grad=True)
        loss = F.cross_entropy(x, lib.tensor([0, 2, 1, 2]), label_smoothing=0.1, reduction=reduction,
                               ignore_index=ignore_index)
        loss.sum().backward()
        probabilities = F.cross_entropy(x, lib.softmax(x.detach() * 2, 1), label_smoothing=0.3)
        images = F.cross_entropy(x.detach().reshape(2, 3, 2), lib.tensor([[0, 1], [2, 2]]), label_smoothing=0.2)
        return loss, x.grad, probabilities, images

    same_outcome(torch, run)


def test_cross_entropy_label_smoothing_out_of_range(torch):
    same_outcome(torch, lambda lib: lib.nn.functional.cross_entropy(lib.zeros(2, 3), lib.tensor([0, 1]),
                                                                    label_smoothing=1.5))


@pytest.mark.parametrize("values", [[2.0, 0.0, 3.0, 5.0], [0.0, 2.0, 0.0, 3.0], [[1.0, 2.0, 0.0], [3.0, 0.0, 2.0]]])
def test_cumprod_gradients_through_zeros_as_pytorch(torch, values):
    # Values and first and second derivatives (the first's node is CopySlices in PyTorch's zero case).
    def run(lib):
        x = lib.tensor(values, requires_grad=True)
        y = lib.cumprod(x, -1)
        w = lib.arange(1.0, 1.0 + y.numel()).reshape(y.shape)
        first = lib.autograd.grad((y * w).sum(), x, create_graph=True)[0]
        return y, first.detach(), lib.autograd.grad(first.sum(), x)[0]

    same_outcome(torch, run)


def test_median_as_pytorch(torch):
    # Ties among the whole tensor share the gradient; along a dim, rows without tied medians.
    def run(lib):
        x = lib.tensor([[1.0, 2.0, 2.0, 3.0], [5.0, 1.0, 5.0, 4.0], [2.0, 7.0, 3.0, 9.0]], requires_grad=True)
        whole = lib.median(x)
        whole.backward()
        shared = x.grad.clone()
        x.grad = None
        values, indices = lib.median(x, 1)
        (values * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        return (whole, shared, values, indices, x.grad, x.median(dim=0, keepdim=True),
                lib.median(lib.tensor([1.0, float("nan"), 3.0])), lib.median(lib.tensor([[1.0, float("nan")], [2.0, 3.0]]), 1),
                lib.median(lib.tensor([3, 1, 2])), lib.median(lib.tensor([])), lib.median(lib.tensor(5.0), 0))

    same_outcome(torch, run)
