"""What a gradlang program may reach of the Python objects it holds.

Scripts see values, never the host: no attribute that starts with `_`, and on every
other object only the attributes listed here. Anything not listed is an AttributeError,
so a new Python type is closed until someone opens it on purpose.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.creation import Generator
from ..core.dtypes import DType
from ..core.forward_ad import UnpackedDualTensor
from ..core.grad_mode import _GradModeBlock
from ..core.graph import AccumulateGrad, Node
from ..core.hooks import RemovableHandle
from ..core.lr_scheduler import LRScheduler
from ..core.modules import LAYER_ATTRIBUTES, MODULE_ATTRIBUTES, Module, Sequential
from ..core.ops import MaxResult, MedianResult, MinResult, SortResult, TopkResult
from ..core.optim import Optimizer
from ..core.tensor import Device, Size, Tensor
from ..core.transforms import GradcheckResult
from ..errors import AttributeError_, GradlangError, TypeError_, ValueError_
from .arrays import NumpyArray, numpy_of
from .guards import STR_METHODS, check_format_spec
from .runtime import Function

TENSOR_ATTRIBUTES = frozenset(
    name for name in dir(Tensor) if not name.startswith("_") and name not in {"array", "numpy"}
)
TENSOR_SETTABLE = frozenset({"requires_grad", "grad", "data"})

_SEQUENCE = {"count", "index"}
_NUMBER = {"real", "imag", "conjugate", "is_integer", "bit_length", "as_integer_ratio"}
_STRING = {
    "upper", "lower", "strip", "lstrip", "rstrip", "split", "rsplit", "join", "replace", "startswith",
    "endswith", "find", "rfind", "count", "index", "format", "center", "ljust", "rjust", "zfill", "title",
    "capitalize", "isdigit", "isalpha", "isspace", "isalnum", "splitlines", "partition", "rpartition",
    "swapcase", "casefold", "istitle", "isupper", "islower", "isnumeric", "isdecimal", "isidentifier",
    "isprintable", "removeprefix", "removesuffix",
}

ALLOWED: dict[type, frozenset[str]] = {
    Tensor: TENSOR_ATTRIBUTES,
    str: frozenset(_STRING),
    list: frozenset({"append", "extend", "pop", "insert", "remove", "index", "count", "sort", "reverse", "copy",
                     "clear"}),
    dict: frozenset({"keys", "values", "items", "get", "pop", "popitem", "update", "setdefault", "copy", "clear"}),
    range: frozenset(_SEQUENCE | {"start", "stop", "step"}),
    set: frozenset({"add", "discard", "remove", "pop", "clear", "copy", "update", "union", "intersection",
                    "difference", "symmetric_difference", "issubset", "issuperset", "isdisjoint"}),
    tuple: frozenset(_SEQUENCE),
    Size: frozenset(_SEQUENCE | {"numel"}),
    int: frozenset(_NUMBER),
    float: frozenset(_NUMBER | {"hex"}),
    bool: frozenset(_NUMBER),
    Node: frozenset({"name", "next_functions"}),
    AccumulateGrad: frozenset({"name", "next_functions", "variable"}),
    MaxResult: frozenset({"values", "indices"} | _SEQUENCE),
    MinResult: frozenset({"values", "indices"} | _SEQUENCE),
    MedianResult: frozenset({"values", "indices"} | _SEQUENCE),
    SortResult: frozenset({"values", "indices"} | _SEQUENCE),
    TopkResult: frozenset({"values", "indices"} | _SEQUENCE),
    DType: frozenset({"is_floating_point", "itemsize"}),
    Generator: frozenset({"manual_seed", "initial_seed", "seed"}),
    GradcheckResult: frozenset({"ok", "max_error", "reverse_error", "forward_error", "tolerance"}),
    RemovableHandle: frozenset({"remove"}),
    NumpyArray: frozenset({"shape", "ndim", "size", "dtype", "tolist", "item"}),
    Optimizer: frozenset({"step", "zero_grad", "param_groups", "state", "defaults", "add_param_group", "state_dict",
                          "load_state_dict"}),
    Device: frozenset({"type", "index"}),
    UnpackedDualTensor: frozenset({"primal", "tangent"} | _SEQUENCE),
}


class Namespace:
    """A module a program can import (`torch`, `math`, …): a read-only bag of names."""

    def __init__(self, name: str, members: dict) -> None:
        self.name = name
        self.members = members

    def __repr__(self) -> str:
        return f"<module '{self.name}'>"


class OpaqueType:
    """What `type(x)` gives for values whose Python class a program must not hold."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<class '{self.name}'>"

    def __eq__(self, other) -> bool:
        return isinstance(other, OpaqueType) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


class BuiltinType:
    """A built-in type whose call gradlang makes its own (`str` of a tensor, `list` read under the
    limits): it prints as the type, compares equal to it and stands for it in isinstance
    (`type(x)` of a list is this stand-in too)."""

    def __init__(self, kind: type, make: Callable) -> None:
        self.type = kind
        self.make = make
        self.__name__ = kind.__name__

    def __call__(self, *args, **kwargs):
        return self.make(*args, **kwargs)

    def __eq__(self, other) -> bool:
        return other is self.type or other is self

    def __hash__(self) -> int:
        return hash(self.type)

    def __repr__(self) -> str:
        return repr(self.type)


def torch_class_name(kind: type) -> str:
    """The name PyTorch's own class of this kind prints with (`torch.dtype`, `torch.optim.sgd.SGD`),
    else the class's own name."""
    for cls in kind.__mro__:
        found = _TORCH_CLASS_NAMES.get(cls)
        if found is not None:
            return found(kind) if callable(found) else found
    return kind.__name__


_TORCH_CLASS_NAMES = {
    DType: "torch.dtype", Device: "torch.device", Size: "torch.Size", Generator: "torch._C.Generator",
    MaxResult: "torch.return_types.max", MinResult: "torch.return_types.min",
    MedianResult: "torch.return_types.median", SortResult: "torch.return_types.sort",
    TopkResult: "torch.return_types.topk", NumpyArray: "numpy.ndarray",
    _GradModeBlock: lambda kind: f"torch.autograd.grad_mode.{kind.__name__}",
    Optimizer: lambda kind: f"torch.optim.{kind.__name__.lower()}.{kind.__name__}",
    LRScheduler: lambda kind: f"torch.optim.lr_scheduler.{kind.__name__}",
}


def type_name(value) -> str:
    if isinstance(value, Namespace):
        return "module"
    if isinstance(value, (OpaqueType, BuiltinType)):
        return "type"
    if isinstance(value, Function):
        return "function"
    if isinstance(value, Tensor):
        return "Tensor"
    return torch_class_name(type(value))


def check_subscriptable(holder):
    """`holder` itself, unless indexing it would reach a module or a function."""
    if isinstance(holder, Namespace) or callable(holder) and not isinstance(holder, (Tensor, dict, Sequential)):
        raise TypeError_(f"'{type_name(holder)}' object is not subscriptable")
    return holder


def check_callable(value):
    if callable(value):  # tensors are not (Tensor defines no __call__)
        return value
    raise TypeError_(f"'{type_name(value)}' object is not callable")


def readable_names(value) -> frozenset[str]:
    """The attribute names a program may read of `value` (a tensor's are TENSOR_ATTRIBUTES)."""
    for cls in type(value).__mro__:
        names = ALLOWED.get(cls)
        if names is not None:
            return names
    if isinstance(value, GradlangError):
        return frozenset({"args"})
    if isinstance(value, Module):  # its class's methods, and the values it holds (its settings, parameters…)
        held = vars(value)
        return _module_methods(type(value)).union(_public(held, held["_parameters"], held["_modules"]))
    if isinstance(value, LRScheduler):
        return _SCHEDULER_METHODS.union(_public(vars(value)))
    return frozenset()


_SCHEDULER_METHODS = frozenset({"step", "get_last_lr"})


def _public(*stores: dict) -> set[str]:
    """The names in `stores` (an object's own attributes: what it was made with or given) that
    do not start with `_`."""
    return {name for store in stores for name in store if not name.startswith("_")}


_MODULE_METHODS: dict[type, frozenset[str]] = {}


def _module_methods(kind: type) -> frozenset[str]:
    """Module's methods a program may call, and those of the layer `kind`."""
    names = _MODULE_METHODS.get(kind)
    if names is None:
        names = set(MODULE_ATTRIBUTES)
        for cls in kind.__mro__:
            names |= LAYER_ATTRIBUTES.get(cls, set())
        names = _MODULE_METHODS[kind] = frozenset(names)
    return names


def get_attribute(value, name: str):
    """`value.name` as a program may see it."""
    if isinstance(value, Namespace):
        try:
            return value.members[name]
        except KeyError:
            raise AttributeError_(f"module '{value.name}' has no attribute '{name}'") from None
    if name == "numpy" and isinstance(value, Tensor):  # a read-only copy, never the tensor's own buffer
        return lambda: numpy_of(value)
    if name.startswith("_") or name not in readable_names(value):
        raise AttributeError_(f"'{type_name(value)}' object has no attribute '{name}'")
    if name == "format" and isinstance(value, str):
        return _safe_format(value)
    if name in STR_METHODS and isinstance(value, str):
        return _bound_str_method(value, name)
    return getattr(value, name)


def _bound_str_method(text: str, name: str):
    """`text.center(n)` and friends, with the result's size checked first (guards.py)."""
    method = STR_METHODS[name]

    def bound(*args):
        return method(text, *args)

    bound.__name__ = name
    return bound


def set_attribute(value, name: str, new) -> None:
    """`value.name = new`: a tensor's requires_grad, grad and data, and a torch.nn module's
    public attributes (a Parameter or a module assigned registers itself, as in PyTorch)."""
    if isinstance(value, Tensor) and name in TENSOR_SETTABLE:
        setattr(value, name, new)
        return
    if isinstance(value, Module) and not name.startswith("_"):
        setattr(value, name, new)
        return
    if isinstance(value, Namespace):  # shared by every interpreter: never changed
        raise AttributeError_(f"module '{value.name}' is read-only: cannot set attribute '{name}'")
    if isinstance(value, Tensor) and name in TENSOR_ATTRIBUTES:  # PyTorch's C base class says no
        raise AttributeError_(f"attribute '{name}' of 'torch._C.TensorBase' objects is not writable")
    if isinstance(value, Tensor) or name in readable_names(value):
        raise AttributeError_(f"attribute '{name}' of '{type_name(value)}' objects is not writable")
    raise AttributeError_(f"'{type_name(value)}' object has no attribute '{name}'")


def _safe_format(template: str):
    """str.format without the attribute and index lookups that would reach past the sandbox."""
    import string  # here, not at start: importing it compiles a regex (~0.6 ms)

    parse = string.Formatter().parse
    widths_from_arguments = False
    for _literal, field, spec, _conversion in parse(template):
        # A spec's own `{…}` fields (`{:.{p}f}`) name arguments too.
        nested = [name for _, name, _, _ in parse(spec) if name is not None] if spec and "{" in spec else []
        widths_from_arguments = widths_from_arguments or bool(nested)
        if any(mark in name for name in [field or "", *nested] for mark in ".["):
            raise ValueError_("format fields may name arguments only, not attributes or items")
        check_format_spec(spec or "")

    def format_(*args, **kwargs):
        if widths_from_arguments:  # `{:{}}` takes its width from the arguments
            for arg in (*args, *kwargs.values()):
                if type(arg) is int and arg > 10_000_000:
                    check_format_spec(str(arg))
        return template.format(*args, **kwargs)

    return format_
