"""The primitive registry: one closed table where each primitive's forward, VJP and JVP stand side by side."""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import gradlang as T
from gradlang.core import PRIMITIVES, Primitive


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_primitive_has_forward_vjp_and_jvp(name):
    prim = PRIMITIVES[name]
    assert isinstance(prim, Primitive) and prim.name == name
    for rule in (prim.forward, prim.vjp, prim.jvp):
        assert callable(rule)
    # vjp(node, g, **params) and jvp(primals, tangents, **params)
    assert len(inspect.signature(prim.vjp).parameters) >= 2
    assert len(inspect.signature(prim.jvp).parameters) >= 2
    # PyTorch's node names: an op's overload's (DivBackward2), or CopySlices, or NotImplemented
    # for an op without a derivative (floor division)
    assert re.fullmatch(r"\w+Backward\d|CopySlices|NotImplemented", prim.node_name)


def test_saved_inputs_name_real_inputs():
    for prim in PRIMITIVES.values():
        assert all(isinstance(i, int) and i >= 0 for i in prim.save_inputs), prim.name


def test_registry_is_closed_to_accidental_mutation():
    prim = PRIMITIVES["add"]
    with pytest.raises(AttributeError):
        prim.name = "other"  # frozen dataclass


def test_recorded_node_names_its_primitive():
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x.sin()
    assert y.grad_fn.prim is PRIMITIVES["sin"]
    assert type(y.grad_fn).__name__ == y.grad_fn.name() == "SinBackward0"


def test_every_primitive_is_exercised_by_the_differential_tests():
    from tests.core.test_ops_vs_torch import primitives_exercised

    # floor_divide and unique refuse backward (PyTorch has no derivative for them): test_edge_cases_vs_torch
    # and the pasted-code tests compare their values
    differentiable = {name for name, prim in PRIMITIVES.items()
                      if prim.node_name != "NotImplemented" and name != "unique"}
    assert differentiable <= primitives_exercised()


def test_every_op_module_reads_the_registry():
    """ops is a package of modules by area; each that runs primitives holds the registry as `P`."""
    import pkgutil

    from gradlang.core import ops, primitives

    names = {info.name for info in pkgutil.iter_modules(ops.__path__)}
    assert names == {module.__name__.rsplit(".", 1)[1] for module in ops.OP_MODULES}
    for module in ops.OP_MODULES:
        uses_registry = "P." in inspect.getsource(module)
        assert (getattr(module, "P", None) is primitives) == uses_registry, module.__name__


VALUES = [0.0, -0.0, 0.75, -2.5, 3.0, 1e-30, 7e4, float("inf"), float("nan")]
DTYPES = [np.float32, np.float64, np.float16, np.int64, np.bool_]


@pytest.mark.parametrize("name", sorted(n for n, p in PRIMITIVES.items() if p.elementwise))
def test_elementwise_forward_on_numpy_scalars_matches_arrays(name):
    # graph.apply hands 0-d inputs of these primitives over as numpy scalars: the values must be
    # the bits the 1-element array computation gives.
    prim = PRIMITIVES[name]
    arity = 2 if name in ("add", "sub", "mul", "div") else 1
    params = {"exponent": 3} if name == "pow_scalar" else {}
    with np.errstate(all="ignore"):
        for dtype in DTYPES:
            for left in VALUES:
                for right in VALUES[:arity * 4]:
                    arrays = [np.array(v).astype(dtype) for v in (left, right)[:arity]]
                    try:
                        expected = np.asarray(prim.forward(*[a.reshape(1) for a in arrays], **params))
                    except (TypeError, ValueError):  # not defined for this dtype either way
                        continue
                    got = np.asarray(prim.forward(*[a[()] for a in arrays], **params))
                    assert got.dtype == expected.dtype, (name, dtype, left, right)
                    assert got.reshape(1).tobytes() == expected.tobytes(), (name, dtype, left, right)
