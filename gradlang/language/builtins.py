"""The names every gradlang program starts with, and the modules it can import.

Built-ins are plain Python callables (core functions, Python's own), so built-ins and
user functions share one call protocol. Where LANGUAGE.md gives one name both a Python
meaning and a torch meaning (`max`, `sum`, `abs`…), a tensor argument picks torch's.
"""

from __future__ import annotations

import builtins as py
import math
from _thread import _local as thread_local  # threading.local itself, without importing threading (~0.7 ms at start)

from .. import core as T
from ..core import engine
from ..core.tensor import Size, Tensor
from ..errors import BY_NAME, AttributeError_, GradlangError, ImportError_, TypeError_
from . import guards
from .runtime import Function
from .sandbox import BuiltinType, Namespace, OpaqueType, get_attribute, torch_class_name, type_name
from .values import to_str


class ExceptionType:
    """An exception name in a program: callable to make one, and matched by `except`."""

    def __init__(self, name: str, python_class: type[BaseException]) -> None:
        self.name = name
        self.python_class = python_class

    def __call__(self, *args) -> GradlangError:
        # str() of the exception as Python gives it: its one argument (a KeyError's quoted), or
        # the tuple of several; the arguments themselves stay as given (`e.args`, the repr).
        if len(args) == 1:
            message = repr(args[0]) if self.name == "KeyError" else to_str(args[0])
        else:
            message = to_str(args) if args else ""
        error = BY_NAME[self.name](message)
        error.args = args
        return error

    def matches(self, error: BaseException) -> bool:
        if self.name == "Exception":
            return not isinstance(error, KeyboardInterrupt) and getattr(error, "type_name", None) != "BaseException"
        return isinstance(error, self.python_class) or getattr(error, "type_name", None) == self.name

    def __repr__(self) -> str:
        return f"<class '{self.name}'>"


EXCEPTIONS = {
    name: ExceptionType(name, getattr(py, name))
    for name in (
        "Exception", "RuntimeError", "TypeError", "ValueError", "IndexError", "KeyError", "AttributeError",
        "NameError", "UnboundLocalError", "ZeroDivisionError", "AssertionError", "ImportError", "RecursionError",
        "OverflowError",
        "NotImplementedError", "ArithmeticError", "LookupError", "StopIteration", "MemoryError", "TimeoutError",
        "SyntaxError", "KeyboardInterrupt", "IndentationError", "OSError", "ModuleNotFoundError", "FloatingPointError",
        "BaseException",
    )
}


class GradModeFactory:
    """`no_grad` / `enable_grad`: usable bare (`with no_grad:`) or called (`with torch.no_grad():`)."""

    def __init__(self, name: str, block: type) -> None:
        self.name = name
        self.block = block
        self._threads = thread_local()  # one shared object: each thread keeps its own open blocks

    @property
    def _open(self) -> list:
        stack = getattr(self._threads, "open", None)
        if stack is None:
            stack = self._threads.open = []
        return stack

    def __call__(self, func=None):
        # `torch.no_grad()` is a block; `@torch.no_grad` over a def (no parentheses) wraps the function
        return self.block() if func is None else self.block(func)

    def __enter__(self):
        block = self.block()
        self._open.append(block)
        block.__enter__()

    def __exit__(self, *exc) -> None:
        self._open.pop().__exit__(*exc)

    def __repr__(self) -> str:
        return f"<class 'torch.{self.name}'>"


def _prefers_torch(args) -> bool:
    return any(isinstance(a, Tensor) for a in args)


def _either(python_function, torch_function, name: str):
    """One name, two meanings: torch's for tensors, Python's for numbers and lists."""

    def call(*args, **kwargs):
        if _prefers_torch(args):
            return torch_function(*args, **kwargs)
        return python_function(*args, **kwargs)

    call.__name__ = name
    return call


def _min_max(python_function, torch_function, name: str):
    """`max(x)` and `max(x, dim=...)` are torch's reductions (gradlang's short form); with several
    arguments `max` is Python's, comparing them (`max(loss, 0)` in pasted PyTorch code)."""

    read_one = guards.read_bounded(python_function)  # max(range(10**9)) reads in C: watch the clock

    def call(*args, **kwargs):
        if len(args) == 1 and isinstance(args[0], Tensor) or "dim" in kwargs or "keepdim" in kwargs:
            return torch_function(*args, **kwargs)
        return (read_one if len(args) == 1 else python_function)(*args, **kwargs)

    call.__name__ = name
    return call


def backward(tensor, gradient=None, retain_graph=None, create_graph: bool = False, inputs=None) -> None:
    """`backward(y)`: the short form of `y.backward()`."""
    if not isinstance(tensor, Tensor):
        raise TypeError_(f"backward() expects a tensor, not {type(tensor).__name__}")
    engine.backward(tensor, gradient, retain_graph, create_graph, inputs)


def str_(value="", *args) -> str:
    """`str(x)`: an error's str is its message, a tensor's its PyTorch text."""
    from .values import to_str

    return str(value, *args) if args else to_str(value)


def repr_(value) -> str:
    from .values import to_repr

    return to_repr(value)


def ascii_(value) -> str:
    """repr(value) with its non-ASCII characters escaped, as Python's ascii()."""
    return repr_(value).encode("ascii", "backslashreplace").decode("ascii")


_PLAIN_TYPES = frozenset({int, float, str, bool, list, tuple, dict, type(None), range, Tensor, Size, set})


def type_(value):
    """`type(x)`: the class for plain values and tensors, a printable stand-in for the rest."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        if kind is Tensor and getattr(value, "_parameter", False):
            return T.nn.Parameter
        return _STAND_INS.get(kind, kind)  # `type([]) is list`: the name a program holds
    if isinstance(value, T.nn.Module):
        return kind  # (its class prints with PyTorch's path and opens nothing)
    if kind is BuiltinType:
        return type
    if isinstance(value, GradlangError):  # the program's own name for the class (`type(e) is ValueError`)
        return EXCEPTIONS.get(value.type_name) or OpaqueType(value.type_name)
    if isinstance(value, GradModeFactory):  # `no_grad` itself, a class in PyTorch
        return OpaqueType("type")
    if callable(value) and not isinstance(value, type) and torch_class_name(kind) == kind.__name__:
        return OpaqueType("function" if type(value).__name__ == "Function" else "builtin_function_or_method")
    if isinstance(value, Namespace):
        return OpaqueType("module")
    return OpaqueType("type" if isinstance(value, type) else torch_class_name(kind))


SPECIAL_ATTRIBUTES = frozenset({"__class__", "__name__"})  # the only dunders a program may read


def special_attribute(value, name: str):
    """The two dunder attributes programs read to name things (`type(e).__name__` in an except
    block): `x.__class__` is `type(x)`, and `__name__` names a type, a function or a module."""
    if name == "__class__":
        return type_(value)
    if isinstance(value, OpaqueType):
        return value.name.rpartition(".")[2]  # a class's own name, without its module (`dtype`)
    if isinstance(value, (Namespace, Function, ExceptionType)):
        return value.name
    if callable(value) and hasattr(value, "__name__"):  # the plain types and Python's built-ins
        return value.__name__
    raise AttributeError_(f"'{type_name(value)}' object has no attribute '{name}'")


_NO_DEFAULT = object()


def getattr_(value, name, default=_NO_DEFAULT):
    """`getattr(x, name[, default])`: `x.name` as a program may read it (the sandbox's rules)."""
    if not isinstance(name, str):
        raise TypeError_(f"attribute name must be string, not '{type_name(name)}'")
    try:
        return special_attribute(value, name) if name in SPECIAL_ATTRIBUTES else get_attribute(value, name)
    except AttributeError_:
        if default is _NO_DEFAULT:
            raise
        return default


def hasattr_(value, name) -> bool:
    """`hasattr(x, name)`: whether a program could read `x.name` (what the sandbox lets it see)."""
    try:
        getattr_(value, name)
    except AttributeError_:
        return False
    return True


# Built-ins that stand for a Python type in isinstance().


def isinstance_(value, kind) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for k in kinds:
        if type(k) is BuiltinType:
            k = k.type
        if isinstance(k, ExceptionType):
            if k.matches(value) if isinstance(value, BaseException) else False:
                return True
        elif isinstance(k, type):
            if isinstance(value, k) or (k is type and isinstance(value, (BuiltinType, OpaqueType))):
                return True
        elif isinstance(k, OpaqueType):  # `isinstance(d, type(torch.float32))`
            if type_(value) == k:
                return True
        else:
            raise TypeError_("isinstance() arg 2 must be a type, a tuple of types, or a union")
    return False


TENSOR_TYPE = Tensor

NO_GRAD = GradModeFactory("no_grad", T.no_grad)
ENABLE_GRAD = GradModeFactory("enable_grad", T.enable_grad)
# torch.inference_mode: no_grad's blocks (PyTorch's inference tensors have no other visible effect here)
INFERENCE_MODE = GradModeFactory("inference_mode", T.no_grad)

TORCH_FUNCTIONS = {name: getattr(T, name) for name in T.__all__ if name not in {"no_grad", "enable_grad"}}
TORCH_FUNCTIONS.update(
    {"no_grad": NO_GRAD, "enable_grad": ENABLE_GRAD, "Tensor": Tensor, "Size": Size, "is_tensor":
     lambda v: isinstance(v, Tensor), "numel": lambda t: t.numel()}
)

AUTOGRAD_FUNCTIONAL = Namespace("torch.autograd.functional", {name: getattr(T.autograd.functional, name)
                                                                for name in T.autograd.functional.__all__})
FORWARD_AD = Namespace("torch.autograd.forward_ad", {name: getattr(T.autograd.forward_ad, name)
                                                     for name in T.autograd.forward_ad.__all__})
AUTOGRAD = Namespace("torch.autograd", {"grad": engine.grad, "backward": engine.backward,
                                        "gradcheck": T.autograd.gradcheck,
                                        "functional": AUTOGRAD_FUNCTIONAL, "forward_ad": FORWARD_AD})
FUNCTIONAL = Namespace("torch.nn.functional", dict(vars(T.nn.functional)))
NN_INIT = Namespace("torch.nn.init", dict(vars(T.nn.init)))
NN = Namespace("torch.nn", {**vars(T.nn), "functional": FUNCTIONAL, "init": NN_INIT})
FUNC = Namespace("torch.func", {"grad": T.grad, "jvp": T.jvp, "hessian": T.hessian})
LINALG = Namespace("torch.linalg", dict(vars(T.linalg)))
LR_SCHEDULER = Namespace("torch.optim.lr_scheduler", dict(vars(T.optim.lr_scheduler)))
OPTIM = Namespace("torch.optim", {**vars(T.optim), "lr_scheduler": LR_SCHEDULER})
CUDA = Namespace("torch.cuda", dict(vars(T.cuda)))
LEGACY_CONSTRUCTORS = {d.legacy_name: T.creation.legacy_constructor(d) for d in T.dtypes.ALL}
TORCH = Namespace("torch", {**TORCH_FUNCTIONS, "autograd": AUTOGRAD, "nn": NN, "func": FUNC, "linalg": LINALG,
                            "optim": OPTIM, "cuda": CUDA, "device": T.device, "inference_mode": INFERENCE_MODE,
                            **LEGACY_CONSTRUCTORS})

MATH = Namespace("math", {name: getattr(math, name) for name in dir(math) if not name.startswith("_")})
MATH.members.update({name: guards.bounded_math(name, getattr(math, name)) for name in ("factorial", "comb", "perm")})

MODULES = {
    "torch": TORCH, "math": MATH, "torch.autograd": AUTOGRAD, "torch.autograd.functional": AUTOGRAD_FUNCTIONAL,
    "torch.autograd.forward_ad": FORWARD_AD, "torch.cuda": CUDA,
    "torch.nn": NN, "torch.nn.functional": FUNCTIONAL, "torch.nn.init": NN_INIT,
    "torch.func": FUNC, "torch.linalg": LINALG, "torch.optim": OPTIM, "torch.optim.lr_scheduler": LR_SCHEDULER,
}


def import_module(dotted: str) -> Namespace:
    module = MODULES.get(dotted)
    if module is None:
        known = ", ".join(sorted(MODULES))
        raise ImportError_(f"No module named '{dotted}' (gradlang programs can import {known})")
    return module


PYTHON_BUILTINS = {
    "range": range, "len": len, "float": float, "int": int, "bool": bool, "str": BuiltinType(str, str_),
    # Read in C, these would outrun the timeout and the size limit on a huge iterable: bounded.
    "list": BuiltinType(list, guards.read_bounded(list, "list")),
    "tuple": BuiltinType(tuple, guards.read_bounded(tuple, "tuple")),
    "dict": BuiltinType(dict, guards.read_bounded(dict, "dict")),
    "set": BuiltinType(set, guards.read_bounded(set, "set")),
    "sorted": guards.read_bounded(sorted, "list"),
    "any": guards.read_bounded(any), "all": guards.read_bounded(all),
    "sum": _either(guards.read_bounded(py.sum), T.sum, "sum"),
    "round": round, "repr": repr_, "format": guards.format_, "enumerate": enumerate,
    "zip": zip, "reversed": reversed, "map": map, "filter": filter,
    "divmod": divmod, "chr": chr, "ord": ord, "iter": iter, "next": next, "hash": hash,
    "hex": hex, "oct": oct, "bin": bin, "ascii": ascii_, "slice": slice,
    "callable": callable, "isinstance": isinstance_, "type": BuiltinType(type, type_), "hasattr": hasattr_,
    "getattr": getattr_,
    "abs": _either(py.abs, T.abs, "abs"),
    "min": _min_max(py.min, T.min, "min"),
    "max": _min_max(py.max, T.max, "max"),
    "pow": _either(guards.power, T.pow, "pow"),
}


# The built-in types whose name a program holds as a stand-in (BuiltinType), by the real type.
_STAND_INS = {stand_in.type: stand_in for stand_in in PYTHON_BUILTINS.values() if type(stand_in) is BuiltinType}
# Python's names in messages for the built-ins written here (`isinstance() missing …`).
for _function, _name in ((isinstance_, "isinstance"), (str_, "str"), (repr_, "repr"), (type_, "type"),
                         (hasattr_, "hasattr"), (getattr_, "getattr"), (guards.power, "pow")):
    _function.__name__ = _function.__qualname__ = _name


def global_names() -> dict:
    """A fresh dict of the names a program starts with (print is bound by the interpreter)."""
    names = dict(TORCH_FUNCTIONS)
    names.update(PYTHON_BUILTINS)
    names.update(EXCEPTIONS)
    names["backward"] = backward
    names["True"], names["False"], names["None"] = True, False, None
    # Built-ins are "also reachable as torch.NAME": the two modules need no import to be used.
    names["torch"], names["math"] = TORCH, MATH
    return names
