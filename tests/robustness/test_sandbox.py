"""Sandbox escapes: each way a Python program would reach the host is refused, listed here one by one."""

from __future__ import annotations

import io

import numpy as np
import pytest

from gradlang import GradlangError, Interpreter
from gradlang.language.sandbox import TENSOR_ATTRIBUTES

PRELUDE = "import torch\nimport math\nt = param([1.0, 2.0])\ny = (t * 2).sum()\nf = lambda v: v\ns = 'text'\n"

ESCAPES = [
    # walking Python's object graph
    # (`x.__class__` is `type(x)` and `__name__` a name, for `type(e).__name__` in except blocks; past them,
    # nothing: the attributes that walk on are refused)
    ("(1).__class__.__subclasses__()", "AttributeError: 'type' object has no attribute '__subclasses__'"),
    ("().__class__.__bases__[0].__subclasses__()", "AttributeError: 'type' object has no attribute '__bases__'"),
    ("f.__globals__", "AttributeError: 'function' object has no attribute '__globals__'"),
    ("f.__code__", "AttributeError: 'function' object has no attribute '__code__'"),
    ("t.__dict__", "AttributeError: 'Tensor' object has no attribute '__dict__'"),
    ("s.__class__.__mro__", "AttributeError: 'type' object has no attribute '__mro__'"),
    ("print.__self__", "AttributeError: 'function' object has no attribute '__self__'"),
    ("torch.__dict__", "AttributeError: 'module' object has no attribute '__dict__'"),
    ("math.__loader__", "AttributeError: 'module' object has no attribute '__loader__'"),
    ("y.grad_fn.__class__.__init__", "AttributeError: 'type' object has no attribute '__init__'"),
    ("print.__name__.__class__.__dict__", "AttributeError: 'type' object has no attribute '__dict__'"),
    # getattr reads what `x.name` may read, no more
    ("getattr(f, '__globals__')", "AttributeError: 'function' object has no attribute '__globals__'"),
    ("getattr(t, '_version')", "AttributeError: 'Tensor' object has no attribute '_version'"),
    ("getattr(getattr(1, '__class__'), '__subclasses__')",
     "AttributeError: 'type' object has no attribute '__subclasses__'"),
    # built-ins that reach the host do not exist
    ("setattr(t, 'x', 1)", "NameError: name 'setattr' is not defined"),
    ("eval('1')", "NameError: name 'eval' is not defined"),
    ("exec('x = 1')", "NameError: name 'exec' is not defined"),
    ("open('/etc/passwd')", "NameError: name 'open' is not defined"),
    ("__import__('os')", "NameError: name '__import__' is not defined"),
    ("compile('1', 'f', 'eval')", "NameError: name 'compile' is not defined"),
    ("globals()", "NameError: name 'globals' is not defined"),
    ("vars()", "NameError: name 'vars' is not defined"),
    ("locals()", "NameError: name 'locals' is not defined"),
    ("dir()", "NameError: name 'dir' is not defined"),
    # `type` exists, but what it gives is opaque: no attributes, not callable past the built-ins
    ("type(x).__mro__", "AttributeError: 'type' object has no attribute '__mro__'"),
    ("type(type(1))('X', (), {})", "TypeError: 'type' object is not callable"),
    ("type(manual_seed(0))(3)", "TypeError: 'type' object is not callable"),
    ("type(t).mro", "AttributeError: '_TorchClass' object has no attribute 'mro'"),
    ("object", "NameError: name 'object' is not defined"),
    ("breakpoint()", "NameError: name 'breakpoint' is not defined"),
    ("__builtins__", "NameError: name '__builtins__' is not defined"),
    # format strings that would look attributes or items up
    ("'{0.__class__}'.format(x)", "ValueError: format fields may name arguments only, not attributes or items"),
    ("'{0[0]}'.format([1])", "ValueError: format fields may name arguments only, not attributes or items"),
    ("'{0:{1.__class__}}'.format(1, 2)",
     "ValueError: format fields may name arguments only, not attributes or items"),
    ("s.format_map({})", "AttributeError: 'str' object has no attribute 'format_map'"),
    ("f'{x.__class__.__base__}'", "AttributeError: 'type' object has no attribute '__base__'"),
    ("f'{x:{x.__class__}}'", "ValueError: Invalid format specifier '<class 'int'>' for object of type 'int'"),
    ("format(x, '{0.__class__}')", "ValueError: Invalid format specifier '{0.__class__}' for object of type 'int'"),
    # private attributes and the numpy buffer of tensors
    ("t._version", "AttributeError: 'Tensor' object has no attribute '_version'"),
    ("t._base", "AttributeError: 'Tensor' object has no attribute '_base'"),
    ("t.array", "AttributeError: 'Tensor' object has no attribute 'array'"),
    # .numpy() is a read-only copy that only prints and reads
    ("t.detach().numpy()._values", "AttributeError: 'numpy.ndarray' object has no attribute '_values'"),
    ("t.detach().numpy().tofile", "AttributeError: 'numpy.ndarray' object has no attribute 'tofile'"),
    ("t.detach().numpy()[0].tofile", "AttributeError: 'float32' object has no attribute 'tofile'"),
    ("t.data.array", "AttributeError: 'Tensor' object has no attribute 'array'"),
    ("t.T.array", "AttributeError: 'Tensor' object has no attribute 'array'"),
    ("t.numpy()", "RuntimeError: Can't call numpy() on Tensor that requires grad."),
    ("t.__array__()", "AttributeError: 'Tensor' object has no attribute '__array__'"),
    ("t.dtype.numpy", "AttributeError: 'torch.dtype' object has no attribute 'numpy'"),
    ("manual_seed(0).rng", "AttributeError: 'torch._C.Generator' object has no attribute 'rng'"),
    ("torch.PRIMITIVES['add'].forward", "AttributeError: 'Primitive' object has no attribute 'forward'"),
    ("t.add.__func__", "AttributeError: 'method' object has no attribute '__func__'"),
    ("t.grad_fn", None),  # a leaf: None, fine
    ("y.grad_fn.next_functions[0][0].next_functions[0][0].variable.array",
     "AttributeError: 'Tensor' object has no attribute 'array'"),
    # imports
    ("import os", "ImportError: No module named 'os'"),
    ("import sys", "ImportError: No module named 'sys'"),
    ("import numpy", "ImportError: No module named 'numpy'"),
    ("from os import path", "ImportError: No module named 'os'"),
    ("from torch import __builtins__", "ImportError: cannot import name '__builtins__' from 'torch'"),
    ("import torch.os", "ImportError: No module named 'torch.os'"),
    # assigning past the sandbox
    ("t.array = 1", "AttributeError: attribute 'array' of 'Tensor' objects is not writable"),
    ("t._version = [0]", "AttributeError: attribute '_version' of 'Tensor' objects is not writable"),
    ("f.__defaults__ = (1,)", "AttributeError: 'function' object has no attribute '__defaults__'"),
    ("s.upper = 1", "AttributeError: attribute 'upper' of 'str' objects is not writable"),
]


def run(source: str) -> Interpreter:
    interp = Interpreter(stdout=io.StringIO(), stderr=io.StringIO())
    interp.run(PRELUDE + "x = 1\n")
    interp.run(source, filename="escape.grad")
    return interp


@pytest.mark.parametrize("source, headline", ESCAPES)
def test_an_escape_is_refused(source, headline):
    statement = source if source.startswith(("import", "from")) or " = " in source else f"result = {source}"
    if headline is None:
        run(statement)
        return
    with pytest.raises(GradlangError) as caught:
        run(statement)
    assert caught.value.headline.startswith(headline)
    assert caught.value.line == 1


def test_private_names_cannot_be_bound_from_star_imports():
    interp = run("from torch.nn.functional import *")
    assert not any(name.startswith("_") for name in interp.globals)


def _method_results(interp: Interpreter) -> list:
    """Call every tensor method a program can reach with no arguments; keep what comes back."""
    results = []
    for name in sorted(TENSOR_ATTRIBUTES):
        for target in ("t", "y", "tensor([[1, 2], [3, 4]])", "tensor(True)"):
            try:
                value = interp.eval(f"{target}.{name}")
                if callable(value):
                    value = interp.eval(f"{target}.{name}()")
            except GradlangError:
                continue
            results.append((f"{target}.{name}", value))
    return results


def test_no_tensor_method_hands_a_numpy_object_to_the_program():
    interp = run("")
    seen = _method_results(interp)
    assert len(seen) > 100
    for where, value in seen:
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            assert not isinstance(item, (np.ndarray, np.generic)), where


def test_numbers_out_of_tensors_are_python_numbers():
    interp = run("a = t.sum().item()\nb = t.tolist()\nc = tensor([1, 2]).tolist()\nd = tensor(True).item()\n"
                 "e = t.shape[0]\nf = len(t)\ng = t.max(dim=0).indices.item()")
    for name, kind in (("a", float), ("c", list), ("d", bool), ("e", int), ("f", int), ("g", int)):
        assert type(interp[name]) is kind, name
    assert all(type(v) is float for v in interp["b"])
