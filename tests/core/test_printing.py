"""gradlang.core.printing against PyTorch: every measured repr case, plus a differential fuzz."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradlang as T
from gradlang.core.printing import dtype_repr, size_repr, tensor_repr

_CASES = json.loads((Path(__file__).parents[1] / "reference" / "pytorch-cases.json").read_text())
_CASE_BY_ID = {case["id"]: case for case in _CASES}
# Every case whose snippet prints exactly one tensor (section A, and the E example values).
_REPR_CASE_IDS = [case["id"] for case in _CASES if case["kind"] == "repr"]


def _expected(case_id: str) -> str:
    return _CASE_BY_ID[case_id]["expected"]


def _our_repr(torch, tensor) -> str:
    """Our formatter fed with what a gradlang tensor would hold for this torch tensor."""
    text = tensor_repr(
        tensor.detach().numpy(),
        str(tensor.dtype).removeprefix("torch."),
        requires_grad=tensor.requires_grad and tensor.is_leaf,
        grad_fn_name=None if tensor.grad_fn is None else type(tensor.grad_fn).__name__,
    )
    if isinstance(tensor, torch.nn.Parameter):
        # The header comes from nn.Parameter.__repr__, not from the tensor formatter.
        text = "Parameter containing:\n" + text
    return text


def _printed_objects(torch, code: str) -> list[tuple]:
    """Run a reference snippet, returning the argument tuples of its print() calls."""
    printed: list[tuple] = []

    def capture(*args, **kwargs):
        printed.append(args)

    exec(code, {"torch": torch, "print": capture})
    return printed


# ---------------------------------------------------------------------------
# The measured reference cases


@pytest.mark.torch
@pytest.mark.parametrize("case_id", _REPR_CASE_IDS)
def test_printed_tensor_matches_measured_pytorch_output(torch, case_id):
    case = _CASE_BY_ID[case_id]
    printed = _printed_objects(torch, case["python"])
    assert len(printed) == 1 and len(printed[0]) == 1, "the snippet should print one tensor"
    tensor = printed[0][0]
    assert isinstance(tensor, torch.Tensor)
    assert str(tensor) == case["expected"], "torch itself no longer prints the reference output"
    assert _our_repr(torch, tensor) == case["expected"]


def test_all_section_a_repr_cases_are_covered():
    section_a = {case["id"] for case in _CASES if case["id"].startswith("A.") and case["kind"] == "repr"}
    assert section_a and section_a <= set(_REPR_CASE_IDS)


def test_size_prints_as_torch_size():
    assert size_repr((2, 3)) == _expected("A.str.shape")
    assert size_repr(()) == _expected("A.str.shape_0d")
    assert size_repr((5,)) == "torch.Size([5])"


def test_dtype_prints_with_torch_prefix():
    names = ("float32", "int64", "bool")
    assert " ".join(dtype_repr(name) for name in names) == _expected("A.str.dtype")
    assert dtype_repr("float64") == "torch.float64"
    assert dtype_repr("int32") == "torch.int32"


def test_unknown_dtype_name_is_rejected():
    with pytest.raises(ValueError, match="float16"):
        tensor_repr(np.zeros(2, np.float16), "float16")
    with pytest.raises(ValueError):
        dtype_repr("complex64")


def test_scalar_prints_the_same_via_print_str_and_repr():
    text = tensor_repr(np.array(3.0, np.float32), "float32")
    assert " ".join([text] * 3) == _expected("A.str.print_0d")


def test_tensors_inside_containers_use_the_repr():
    one, half = (tensor_repr(np.array(v, np.float32), "float32") for v in (1.0, 2.5))
    assert f"[{one}, {half}]" == _expected("A.str.list_of_tensors")
    pair = tensor_repr(np.array([1.0, 2.0], np.float32), "float32")
    assert f"({pair},)" == _expected("A.str.tuple_of_tensors")


def test_exactly_1000_elements_are_printed_in_full_on_84_lines():
    text = tensor_repr(np.arange(1000, dtype=np.float32), "float32")
    assert f"{'...' in text} {len(text.splitlines())}" == _expected("A.wrap.arange1000_not_summarized")


# Cases rebuilt without torch, so the formatter is still checked where torch is absent.
_F32 = np.float32
_BY_HAND = {
    "integral_scalar_has_trailing_dot": ("A.0d.three", np.array(3.0, _F32), "float32", {}),
    "fraction_always_has_four_decimals": ("A.0d.six_7", np.array(6.7, _F32), "float32", {}),
    "float32_1e-4_is_below_the_sci_threshold": ("A.0d.1e-4", np.array(1e-4, _F32), "float32", {}),
    "exactly_1e8_stays_integral": ("A.0d.1e8", np.array(1e8, _F32), "float32", {}),
    "negative_zero_keeps_its_sign": ("A.0d.neg_zero", np.array(-0.0, _F32), "float32", {}),
    "float64_scalar_names_its_dtype_before_grad_fn": (
        "A.0d.f64_grad_fn",
        np.array(6.0),
        "float64",
        {"grad_fn_name": "MulBackward0"},
    ),
    "nan_and_inf_do_not_widen_columns": (
        "A.1d.nan_inf_ints",
        np.array([1, np.nan, np.inf, -np.inf], _F32),
        "float32",
        {},
    ),
    "zeros_do_not_trigger_sci_mode": ("A.1d.zero_and_tiny", np.array([0, 1e-5], _F32), "float32", {}),
    "magnitude_ratio_over_1000_is_sci_even_for_integers": (
        "A.1d.ratio_1001",
        np.array([1, 1001], _F32),
        "float32",
        {},
    ),
    "bools_are_right_aligned": ("A.1d.bool", np.array([True, False, True]), "bool", {}),
    "empty_int64_names_its_dtype": ("A.1d.empty_int", np.array([], np.int64), "int64", {}),
    "empty_matrix_names_its_size": ("A.1d.empty_2d", np.empty((0, 3), _F32), "float32", {}),
    "rows_wrap_with_indent_8": ("A.wrap.arange20", np.arange(20, dtype=_F32), "float32", {}),
    "suffix_reaching_column_80_wraps": (
        "A.wrap.suffix_newline_80",
        np.ones(13, _F32),
        "float32",
        {"requires_grad": True},
    ),
    "each_suffix_wraps_on_its_own": (
        "A.wrap.two_suffixes",
        np.ones(12),
        "float64",
        {"requires_grad": True},
    ),
    "hidden_middle_values_do_not_affect_format": (
        "A.wrap.hidden_big",
        np.where(np.arange(1001) == 500, 1e6, 1).astype(_F32),
        "float32",
        {},
    ),
    "summarised_matrix_shows_three_edge_rows_and_columns": (
        "A.2d.100x100",
        np.arange(10000, dtype=_F32).reshape(100, 100),
        "float32",
        {},
    ),
    "blocks_of_3d_tensor_are_separated_by_blank_lines": (
        "A.3d.2x2x3",
        np.arange(12, dtype=_F32).reshape(2, 2, 3),
        "float32",
        {},
    ),
}


@pytest.mark.parametrize("behaviour", list(_BY_HAND))
def test_formatting_rule_without_torch(behaviour):
    case_id, array, dtype_name, kwargs = _BY_HAND[behaviour]
    assert tensor_repr(array, dtype_name, **kwargs) == _expected(case_id)


def test_values_are_converted_to_the_declared_dtype():
    # float64 1e-4 is not below the threshold, but the declared float32 value is.
    assert tensor_repr(np.array(1e-4), "float32") == "tensor(1.0000e-04)"


def test_formatter_does_not_import_torch():
    # Load the module file on its own, so only printing.py's imports are judged.
    path = Path(__file__).parents[2] / "gradlang" / "core" / "printing.py"
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('printing', {str(path)!r})\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "assert 'torch' not in sys.modules, 'printing imported torch'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------
# Differential fuzz against torch

_F32_1E_4 = float(np.float32(1e-4))  # exactly representable bound for width=32 floats
_DTYPES = ("float32", "float64", "int64", "int32", "bool")


def _either_sign(magnitudes: st.SearchStrategy[float]) -> st.SearchStrategy[float]:
    return st.builds(lambda v, negative: -v if negative else v, magnitudes, st.booleans())


def _float_values(width: int) -> st.SearchStrategy[float]:
    return st.one_of(
        st.integers(-(10**6), 10**6).map(float),  # integral
        st.integers(-4000, 4000).map(lambda n: n / 8),  # short exact fractions
        st.floats(-1000, 1000, width=width),  # long fractions
        _either_sign(st.floats(2.0**-40, _F32_1E_4, width=width)),  # tiny, up to the sci threshold
        _either_sign(st.floats(1e7, 2.0**40, width=width)),  # huge, across the 1e8 threshold
        st.sampled_from([0.0, -0.0, np.nan, np.inf, -np.inf, 1e8, 1e-4, 1000.0, 1.0, 0.5]),
        st.floats(width=width),  # anything, nan and inf included
    )


_ELEMENTS = {
    "float32": _float_values(32),
    "float64": _float_values(64),
    "int64": st.integers(-(2**63), 2**63 - 1) | st.integers(-200, 200),
    "int32": st.integers(-(2**31), 2**31 - 1) | st.integers(-200, 200),
    "bool": st.booleans(),
}

_SHAPES = st.one_of(
    st.just(()),
    st.lists(st.integers(1, 30), min_size=1, max_size=3).map(tuple),  # around the wrap boundaries
    st.lists(st.integers(0, 3), min_size=1, max_size=3).map(tuple),  # tiny and empty
    st.sampled_from(
        [
            (999,),
            (1000,),
            (1001,),
            (1500,),
            (7, 150),
            (1001, 1),
            (1, 1001),
            (11, 10, 10),
            (3, 7, 50),
            (7, 7, 21),
        ]
    ),  # around the summarising threshold
)


@st.composite
def _arrays(draw) -> tuple[np.ndarray, str]:
    dtype_name = draw(st.sampled_from(_DTYPES))
    shape = draw(_SHAPES)
    # A few values scattered at random: cheap for 1000+ elements, still mixes kinds.
    pool = np.array(draw(st.lists(_ELEMENTS[dtype_name], min_size=1, max_size=6)), dtype=dtype_name)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.choice(pool, size=shape), dtype_name


@pytest.mark.torch
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_arrays(), grad=st.sampled_from(["none", "leaf", "non-leaf"]))
def test_repr_matches_torch_on_random_tensors(torch, data, grad):
    array, dtype_name = data
    tensor = torch.from_numpy(array.copy())  # not ascontiguousarray: it makes 0-d arrays 1-D
    expected_kwargs: dict = {}
    if grad != "none" and tensor.is_floating_point():
        tensor.requires_grad_(True)
        expected_kwargs = {"requires_grad": True}
        if grad == "non-leaf":
            tensor = tensor.clone()  # same values, grad_fn=<CloneBackward0>
            expected_kwargs = {"grad_fn_name": "CloneBackward0"}
    assert tensor_repr(array, dtype_name, **expected_kwargs) == repr(tensor)


PRINT_OPTION_SETS = [
    {"precision": 2}, {"sci_mode": False}, {"sci_mode": True}, {"precision": 6, "sci_mode": False},
    {"profile": "short"}, {"threshold": 10, "edgeitems": 2}, {"linewidth": 40}, {"profile": "full"},
]


@pytest.mark.torch
@pytest.mark.parametrize("chosen", PRINT_OPTION_SETS)
def test_set_printoptions_prints_as_pytorch(torch, chosen):
    def shown(lib) -> list[str]:
        values = [
            lib.tensor([1.23456789, 2.5, 1e-5]), lib.tensor([1.0, 2000.0, 3.0]), lib.tensor(3.14159), lib.tensor(0.0),
            lib.tensor([0.0, float("nan")]), lib.tensor([1e10, 1.0]), lib.arange(2000.0),
            lib.arange(12.0).reshape(3, 4) / 7, lib.tensor([123456.789, 0.001]),
            lib.tensor([1.0, 2.0], requires_grad=True) * 3, lib.tensor(1e-7), lib.arange(30.0) * 1.5,
        ]
        lib.set_printoptions(**chosen)
        try:
            return [repr(v) for v in values]
        finally:
            lib.set_printoptions(profile="default")

    assert shown(T) == shown(torch)


def test_print_options_are_each_interpreters_own():
    from gradlang import Interpreter

    first, second = io.StringIO(), io.StringIO()
    changed, untouched = Interpreter(stdout=first), Interpreter(stdout=second)
    changed.run("torch.set_printoptions(precision=1)\nprint(tensor([1.2345]))")
    untouched.run("print(tensor([1.2345]))")
    assert (first.getvalue(), second.getvalue()) == ("tensor([1.2])\n", "tensor([1.2345])\n")
    assert repr(T.tensor([1.2345])) == "tensor([1.2345])"
