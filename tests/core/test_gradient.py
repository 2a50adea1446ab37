"""T.gradient against torch.gradient: the measured cases, the errors, a differential fuzz, the graph."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradlang as T

_CASES = json.loads((Path(__file__).parents[1] / "reference" / "pytorch-cases.json").read_text())
_GRADIENT_CASES = {case["id"]: case for case in _CASES if case["id"].startswith("D.gradient")}


def _outcome(gradient, values, kwargs):
    """What a call gives: a list of (dtype, array), or (error type, message)."""
    try:
        result = gradient(values, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the error is what is compared
        return type(exc).__name__.rstrip("_"), str(exc)
    assert isinstance(result, tuple)
    return [(str(t.dtype).removeprefix("torch."), np.asarray(t.detach().numpy())) for t in result]


def assert_same_as_torch(torch, values, raises: bool | None = False, **kwargs):
    """Call both with the same arguments (Specs made for each library): same dtypes and values, or same error.

    `raises` says what torch is expected to do (None: either)."""
    expected = _outcome(torch.gradient, _made(values, torch), _made(kwargs, torch))
    got = _outcome(T.gradient, _made(values, T), _made(kwargs, T))
    if raises is not None:
        assert isinstance(expected, tuple) == raises, expected
    if isinstance(expected, tuple):
        assert got == expected
        return
    assert not isinstance(got, tuple), got
    assert [dtype for dtype, _ in got] == [dtype for dtype, _ in expected]
    for (_, ours), (dtype, theirs) in zip(got, expected):
        assert ours.shape == theirs.shape
        tolerance = 1e-6 if dtype == "float32" else 1e-12
        np.testing.assert_allclose(ours, theirs, rtol=tolerance, atol=tolerance)


# ---------------------------------------------------------------- the measured cases


@pytest.mark.parametrize("case_id", sorted(_GRADIENT_CASES))
def test_measured_case_prints_what_pytorch_printed(case_id):
    case = _GRADIENT_CASES[case_id]
    out = io.StringIO()
    with redirect_stdout(out):
        exec(case["python"], {"torch": T})
    assert out.getvalue().rstrip("\n") == case["expected"]


def test_every_measured_gradient_case_is_covered():
    assert len(_GRADIENT_CASES) >= 13


# ---------------------------------------------------------------- semantics, against torch

class Spec:
    """A tensor argument written once, made for torch and for gradlang."""

    def __init__(self, data, dtype: str | None = None, requires_grad: bool = False) -> None:
        self.array = np.asarray(data, dtype=dtype)
        self.requires_grad = requires_grad

    def make(self, torch):
        return torch.from_numpy(self.array.copy()).requires_grad_(self.requires_grad)


def _made(value, torch):
    if isinstance(value, Spec):
        return value.make(torch)
    if isinstance(value, dict):
        return {k: _made(v, torch) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_made(v, torch) for v in value)
    return value


V = Spec([1.0, 4.0, 9.0, 16.0, 25.0], "float32")
M = Spec(np.arange(12.0).reshape(3, 4) ** 2, "float32")
COORDS = Spec([0.0, 1.0, 1.5, 3.5, 4.0], "float32")
INTS = Spec([1, 4, 9, 16, 25], "int64")
BOOLS = Spec([True, False, True])

VALUE_CASES = {
    "scalar_spacing_negative": (V, dict(spacing=-1.0)),
    "zero_spacing_gives_inf": (V, dict(spacing=0.0)),
    "zero_d_spacing_tensor": (V, dict(spacing=Spec(2.0, "float32"))),
    "numpy_spacing": (V, dict(spacing=np.float64(2.0))),
    "coordinates_edge_order_2": (V, dict(spacing=(COORDS,), edge_order=2)),
    "coordinates_list": (V, dict(spacing=[COORDS])),
    "int_coordinates": (INTS, dict(spacing=(Spec([0, 1, 3, 4, 6], "int64"),))),
    "int_input_edge_order_2": (INTS, dict(edge_order=2)),
    "int_input_int_spacing": (INTS, dict(spacing=2)),
    "float64_stays_float64": (Spec(V.array, "float64"), {}),
    "float64_coordinates_promote": (V, dict(spacing=(Spec(COORDS.array, "float64"),))),
    "float32_coordinates_of_float64": (Spec(V.array, "float64"), dict(spacing=(COORDS,))),
    "shorter_coordinates_broadcast": (V, dict(spacing=(Spec([0.0, 1.0, 2.0], "float32"),))),
    "dim_list_order_kept": (M, dict(dim=[1, 0])),
    "dim_tuple": (M, dict(dim=(1,))),
    "negative_dim": (M, dict(dim=-1)),
    "numpy_int_dim": (M, dict(dim=np.int64(0))),
    "empty_dim_list": (M, dict(dim=[])),
    "scalar_spacing_with_dim_list": (M, dict(spacing=2.0, dim=[1, 0])),
    "spacing_list_with_dim_list": (M, dict(spacing=[1.0, 2.0], dim=[1, 0])),
    "spacing_list_of_one_with_int_dim": (M, dict(spacing=[2.0], dim=1)),
    "mixed_int_float_spacing_list": (M, dict(spacing=[1, 2.0])),
    "coordinates_per_dim": (
        M, dict(spacing=[Spec([0.0, 1, 3, 4], "float32"), Spec([0.0, 2, 3], "float32")], dim=[1, 0])
    ),
    "zero_d_input_gives_empty_tuple": (Spec(1.0, "float32"), {}),
    "zero_d_input_empty_spacing": (Spec(1.0, "float32"), dict(spacing=[])),
    "length_two_edge_order_1": (Spec([1.0, 3.0], "float32"), {}),
    "empty_other_dim": (Spec(np.ones((0, 5)), "float32"), dict(dim=1)),
    "short_dim_not_differentiated": (Spec(np.ones((2, 5)), "float32"), dict(dim=1, edge_order=2)),
    "bool_input_coordinates_edge_order_2": (
        BOOLS, dict(spacing=(Spec([0.0, 1.0, 2.0], "float32"),), edge_order=2)
    ),
}
ERROR_CASES = {
    "edge_order_3": (V, dict(edge_order=3)),
    "edge_order_0": (V, dict(edge_order=0)),
    "dimension_too_short": (Spec([1.0], "float32"), {}),
    "dimension_too_short_edge_order_2": (Spec([1.0, 2.0], "float32"), dict(edge_order=2)),
    "some_dimension_too_short": (Spec(np.ones((2, 5)), "float32"), dict(edge_order=2)),
    "spacing_list_longer_than_ndim": (M, dict(spacing=[1.0, 2.0, 3.0])),
    "spacing_list_shorter_than_ndim": (M, dict(spacing=[2.0])),
    "empty_spacing_list": (M, dict(spacing=[])),
    "spacing_and_dim_lengths_differ": (M, dict(spacing=[1.0, 2.0], dim=1)),
    "dim_out_of_range": (M, dict(dim=2)),
    "dim_list_out_of_range": (M, dict(dim=[2])),
    "dim_twice": (M, dict(dim=[0, 0])),
    "dim_twice_negative": (M, dict(dim=[1, -1])),
    "dim_twice_before_out_of_range": (M, dict(dim=[0, 0, 5])),
    "edge_order_checked_before_dim": (M, dict(dim=5, edge_order=3)),
    "spacing_length_checked_before_edge_order": (M, dict(spacing=[1.0], edge_order=3)),
    "zero_d_input_with_dim": (Spec(1.0, "float32"), dict(dim=0)),
    "zero_d_input_with_negative_dim": (Spec(1.0, "float32"), dict(dim=-1)),
    "two_d_coordinates": (V, dict(spacing=(Spec([COORDS.array]),))),
    "zero_d_tensor_in_spacing_list": (V, dict(spacing=[Spec(2.0, "float32")])),
    "longer_coordinates": (V, dict(spacing=(Spec(np.arange(7.0), "float32"),))),
    "two_coordinates": (V, dict(spacing=(Spec([0.0, 1.0], "float32"),))),
    "coordinates_count_differs": (M, dict(spacing=(Spec([0.0, 1.0, 2.0], "float32"),))),
    "bool_input": (BOOLS, {}),
    "number_then_tensor_in_spacing": (V, dict(spacing=[2.0, COORDS])),
    "string_in_spacing": (V, dict(spacing=["a"])),
    "list_in_spacing": (V, dict(spacing=[[0.0, 1.0]])),
    "one_d_spacing_tensor": (V, dict(spacing=Spec([1.0, 2.0], "float32"))),
    "spacing_tensor_requiring_grad": (V, dict(spacing=Spec(2.0, "float32", requires_grad=True))),
    "string_spacing": (V, dict(spacing="a")),
    "float_dim": (V, dict(dim=1.5)),
    "bool_dim": (V, dict(dim=True)),
    "float_in_dim_list": (V, dict(dim=[0.0])),
    "bool_edge_order": (V, dict(edge_order=True)),
    "float_edge_order": (V, dict(edge_order=1.0)),
}


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(VALUE_CASES))
def test_values_and_dtypes_match_torch(torch, name):
    values, kwargs = VALUE_CASES[name]
    assert_same_as_torch(torch, values, **kwargs)


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_error_type_and_message_match_torch(torch, name):
    values, kwargs = ERROR_CASES[name]
    assert_same_as_torch(torch, values, raises=True, **kwargs)


def test_input_must_be_a_tensor():
    with pytest.raises(TypeError, match=r"^gradient\(\): argument 'input' \(position 1\) must be Tensor, not list$"):
        T.gradient([1.0, 2.0, 3.0])


def test_subtracting_bool_tensors_raises_pytorchs_error():
    with pytest.raises(RuntimeError, match="with two bool tensors is not supported"):
        T.tensor([True]) - T.tensor([False])
    with pytest.raises(RuntimeError, match="with a bool tensor is not supported"):
        T.tensor([1.0]) - T.tensor([True])


# ---------------------------------------------------------------- a differential fuzz


@st.composite
def gradient_calls(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=ndim, max_size=ndim)))
    dtype = draw(st.sampled_from(["float32", "float64", "int64"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = rng.normal(size=shape) * 10
    values = values.astype(np.int64) if dtype == "int64" else values.astype(dtype)
    dim_kind = draw(st.sampled_from(["none", "int", "list"]))
    if dim_kind == "none":
        dims, dim = list(range(ndim)), None
    elif dim_kind == "int":
        dim = draw(st.integers(-ndim, ndim - 1))
        dims = [dim]
    else:
        dims = draw(st.lists(st.integers(-ndim, ndim - 1), max_size=ndim, unique_by=lambda d: d % ndim))
        dim = dims
    kwargs = {"edge_order": draw(st.sampled_from([1, 2]))}
    if dim is not None:
        kwargs["dim"] = dim
    spacing_kind = draw(st.sampled_from(["default", "scalar", "int", "list", "coordinates"]))
    nonzero = st.floats(0.1, 5.0) | st.floats(-5.0, -0.1)
    if spacing_kind == "scalar":
        kwargs["spacing"] = draw(nonzero)
    elif spacing_kind == "int":
        kwargs["spacing"] = draw(st.integers(1, 4))
    elif spacing_kind == "list":
        kwargs["spacing"] = [draw(nonzero) for _ in dims]
    elif spacing_kind == "coordinates":
        # Increasing, with steps far from 0 (the non-uniform coefficients divide by them).
        kwargs["spacing"] = tuple(
            Spec(np.cumsum(rng.uniform(0.5, 2.0, size=shape[d])), draw(st.sampled_from(["float32", "float64"])))
            for d in dims
        )
    return values, kwargs


@pytest.mark.torch
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gradient_calls())
def test_fuzz_matches_torch(torch, call):
    values, kwargs = call
    # Dims shorter than edge_order + 1 make both raise the same error.
    assert_same_as_torch(torch, Spec(values), raises=None, **kwargs)


# ---------------------------------------------------------------- the graph


def test_result_is_built_from_differentiable_ops():
    x = T.tensor([1.0, 4.0, 9.0], requires_grad=True)
    (g,) = T.gradient(x)
    assert g.grad_fn.name() == "CatBackward0"
    assert repr((g,)) == "(tensor([3., 4., 5.], grad_fn=<CatBackward0>),)"


def test_no_graph_without_requires_grad():
    (g,) = T.gradient(T.tensor([1.0, 4.0, 9.0]))
    assert g.grad_fn is None and not g.requires_grad


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", [
    {}, {"edge_order": 2}, {"spacing": 0.5}, {"dim": 1, "edge_order": 2},
    {"spacing": "coordinates"}, {"spacing": "coordinates", "edge_order": 2},
], ids=str)
def test_backward_through_gradient_matches_torch(torch, kwargs):
    data = np.random.default_rng(0).normal(size=(4, 5))
    weights = np.random.default_rng(1).normal(size=(4, 5))
    results = []
    for lib, wrap in ((torch, torch.from_numpy), (T, T.from_numpy)):
        x = wrap(data.copy()).requires_grad_(True)
        call = dict(kwargs)
        coords = None
        if call.get("spacing") == "coordinates":
            coords = [wrap(np.array([0.0, 1.0, 1.5, 3.5])).requires_grad_(True),
                      wrap(np.array([0.0, 0.5, 2.0, 2.5, 4.0])).requires_grad_(True)]
            call["spacing"] = coords
        outputs = lib.gradient(x, **call)
        total = sum((out * wrap(weights)).sum() for out in outputs)
        total.backward()
        grads = [x.grad.numpy()] + ([c.grad.numpy() for c in coords] if coords else [])
        results.append(grads)
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
