"""torch.nn's building blocks: Parameter, Module, Linear, Sequential and the activation layers.

A Parameter is a leaf tensor marked as one (it prints `Parameter containing:` first); it is not a
subclass, because the engine tells leaves from graph nodes by their exact type. A Module keeps
its parameters and submodules in registration order, as PyTorch does, so `parameters()` lists
them in PyTorch's order and an optimizer made from them steps them alike. Linear draws its
initial weights from the generator with PyTorch's formulas, so `manual_seed` gives its values.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator

from ..errors import AttributeError_, IndexError_, RuntimeError_, TypeError_, ValueError_
from . import ops
from .creation import empty
from .dtypes import DType, float32, float64
from .grad_mode import no_grad
from .optim import clear_grads
from .tensor import Tensor, on_cpu


class _ParameterType(type):
    """isinstance(t, nn.Parameter) holds for the tensors Parameter() marked."""

    prints_torch_path = True  # (the language prints the class as repr() gives it)

    def __instancecheck__(cls, value) -> bool:
        return isinstance(value, Tensor) and getattr(value, "_parameter", False)

    def __repr__(cls) -> str:
        return "<class 'torch.nn.parameter.Parameter'>"


class Parameter(metaclass=_ParameterType):
    """torch.nn.Parameter(data, requires_grad=True): a leaf sharing data's values (and their
    version counter), marked as a module parameter. Ops on it give plain tensors."""

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Tensor:  # type: ignore[misc]
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):  # PyTorch's message: it asks the data to detach itself
            raise AttributeError_(f"'{type(data).__name__}' object has no attribute 'detach'")
        parameter = data.detach()
        parameter.requires_grad_(requires_grad)
        parameter._parameter = True
        return parameter


class LoadResult(tuple):
    """What load_state_dict returns: (missing_keys, unexpected_keys), printed as PyTorch's."""

    def __new__(cls, missing: list, unexpected: list) -> LoadResult:
        return super().__new__(cls, (missing, unexpected))

    @property
    def missing_keys(self) -> list:
        return self[0]

    @property
    def unexpected_keys(self) -> list:
        return self[1]

    def __repr__(self) -> str:
        if not self[0] and not self[1]:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self[0]!r}, unexpected_keys={self[1]!r})"


class _ModuleClass(type):
    """Module classes print with PyTorch's module path (`type(model)`)."""

    prints_torch_path = True

    def __repr__(cls) -> str:
        return f"<class 'torch.nn.modules.{cls.torch_file}.{cls.__name__}'>"


class Module(metaclass=_ModuleClass):
    """The base of every layer: parameters and submodules by name, in registration order."""

    torch_file = "module"  # the file of torch.nn.modules that defines the class, for its printed path

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})

    # -------------------------------------------------------- attributes

    def __setattr__(self, name: str, value) -> None:
        parameters, modules = self.__dict__["_parameters"], self.__dict__["_modules"]
        if isinstance(value, Parameter):
            modules.pop(name, None)
            parameters[name] = value
        elif isinstance(value, Module):
            parameters.pop(name, None)
            modules[name] = value
        elif name in parameters:
            if value is not None:
                raise TypeError_(f"cannot assign '{_legacy_type(value)}' as parameter '{name}' "
                                 "(torch.nn.Parameter or None expected)")
            parameters[name] = None
        elif name in modules:
            if value is not None:
                raise TypeError_(f"cannot assign '{_legacy_type(value)}' as child module '{name}' "
                                 "(torch.nn.Module or None expected)")
            modules[name] = None
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str):
        # Only for names not found the usual way: the registered parameters and submodules.
        for store in ("_parameters", "_modules"):
            found = self.__dict__.get(store, {})
            if name in found:
                return found[name]
        raise AttributeError_(f"'{type(self).__name__}' object has no attribute '{name}'")

    # -------------------------------------------------------- running

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    # -------------------------------------------------------- parameters and submodules

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """Own parameters first, then each submodule's (its name as a dotted prefix); a parameter
        shared by several modules once, unless remove_duplicate=False."""
        seen: set[int] = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, p in module._parameters.items():
                if p is None or (remove_duplicate and id(p) in seen):
                    continue
                seen.add(id(p))
                yield (module_prefix + "." if module_prefix else "") + name, p

    def parameters(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """This module, then every module inside it, depth first."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def zero_grad(self, set_to_none: bool = True) -> None:
        clear_grads(self.parameters(), set_to_none)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def apply(self, fn) -> Module:
        """fn(module) for every submodule, children first, then this module (`model.apply(init)`)."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def add_module(self, name: str, module) -> None:
        if not isinstance(name, str):
            raise TypeError_(f"module name should be a string. Got {type(name).__name__}")
        if module is not None and not isinstance(module, Module):
            raise TypeError_(f"{type(module).__name__} is not a Module subclass")
        if module is None:
            self._modules[name] = None
        else:
            setattr(self, name, module)  # registers it, as an assignment does

    # -------------------------------------------------------- state and conversion

    def state_dict(self) -> OrderedDict:
        """Each parameter by its dotted name, detached (the same memory), as PyTorch's."""
        return OrderedDict((name, p.detach()) for name, p in self.named_parameters(remove_duplicate=False))

    def load_state_dict(self, state_dict, strict: bool = True) -> LoadResult:
        """Copy the values of `state_dict` into the parameters of the same names."""
        own = dict(self.named_parameters(remove_duplicate=False))
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        if strict and (missing or unexpected):
            parts = []
            if unexpected:
                parts.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ". ")
            if missing:
                parts.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". ")
            raise RuntimeError_(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(parts))
        with no_grad():
            for name, p in own.items():
                if name in state_dict:
                    p.copy_(state_dict[name])
        return LoadResult(missing, unexpected)

    def to(self, *args, **kwargs) -> Module:
        """The parameters moved to a device (the CPU: the only one here) or converted to a float
        dtype in place (the same Parameter objects), as PyTorch's Module.to."""
        dtype = kwargs.pop("dtype", None)
        place = kwargs.pop("device", None)
        for arg in args:
            if isinstance(arg, DType):
                dtype = arg
            elif isinstance(arg, Tensor):
                dtype = arg.dtype
            else:
                place = arg
        on_cpu(place)
        if dtype is not None:
            if not dtype.is_floating_point:
                raise TypeError_("nn.Module.to only accepts floating point or complex dtypes, but got desired "
                                 f"dtype={dtype}")
            for p in self.parameters():
                p.data = p.data.to(dtype)
                if p.grad is not None:
                    p.grad = p.grad.to(dtype)
        return self

    def float(self) -> Module:  # noqa: A003 - PyTorch's name
        return self.to(float32)

    def double(self) -> Module:
        return self.to(float64)

    def cpu(self) -> Module:
        return self

    def train(self, mode: bool = True) -> Module:
        if not isinstance(mode, bool):
            raise ValueError_("training mode is expected to be boolean")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    # -------------------------------------------------------- printing

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): " + _indented(repr(module)) for name, module in self._modules.items()]
        lines = extra_lines + child_lines
        if len(extra_lines) == 1 and not child_lines:
            return f"{type(self).__name__}({extra_lines[0]})"
        if lines:
            return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"
        return f"{type(self).__name__}()"


def _indented(text: str) -> str:
    """`text` with every line after the first indented by two spaces (a child inside its parent)."""
    return text.replace("\n", "\n  ")


def _legacy_type(value) -> str:
    """The type name PyTorch's assignment errors give (`torch.FloatTensor` for a float32 tensor)."""
    if isinstance(value, Tensor):
        return value.type()
    return type(value).__name__


# ------------------------------------------------------------ weight initialisation (torch.nn.init)


def calculate_gain(nonlinearity: str, param=None) -> float:
    """The gain PyTorch's initialisers scale by for each nonlinearity."""
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")
    if nonlinearity in linear or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise ValueError_(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError_(f"Unsupported nonlinearity {nonlinearity}")


def _fans(tensor: Tensor) -> tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError_("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor: Tensor, val: float) -> Tensor:
    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor: Tensor) -> Tensor:
    with no_grad():
        return tensor.zero_()


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator=None) -> Tensor:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError_(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _fans(tensor)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    fan_in, fan_out = _fans(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    fan_in, fan_out = _fans(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


# ------------------------------------------------------------ layers


class Linear(Module):
    """y = x @ weight.T + bias, weight (out_features, in_features) drawn as PyTorch draws it."""

    torch_file = "linear"

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), dtype=dtype, device=device))
        self.bias = Parameter(empty(out_features, dtype=dtype, device=device)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = _fans(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's argument name
        return ops.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Sequential(Module):
    """Modules run one after another, named 0, 1, 2, …"""

    torch_file = "container"

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for index, module in enumerate(modules):
            self._add(str(index), module)

    def _add(self, name: str, module) -> None:
        if not isinstance(module, Module) and module is not None:
            raise TypeError_(f"{type(module).__name__} is not a Module subclass")
        self._modules[name] = module

    def append(self, module: Module) -> Sequential:
        self._add(str(len(self)), module)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, index):
        items = list(self._modules.items())
        if isinstance(index, slice):
            part = Sequential()
            for name, module in items[index]:
                part._modules[name] = module  # the names stay, as in PyTorch
            return part
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError_(f"indices must be integers or slices, not {type(index).__name__}")
        if not -len(items) <= index < len(items):
            raise IndexError_(f"index {index} is out of range")
        return items[index][1]

    def forward(self, input):  # noqa: A002
        for module in self:
            input = module(input)  # noqa: A001
        return input


class _Activation(Module):
    """A layer that applies one function of torch.nn.functional to its input, with the settings
    it was made with (`settings`: their names and PyTorch's defaults, in the function's order;
    `options`: those its printed form shows, `inplace` shown when set)."""

    torch_file = "activation"
    settings: dict = {}
    options: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()
        settings = self.settings
        if len(args) > len(settings):
            raise TypeError_(f"{type(self).__name__}.__init__() takes from 1 to {len(settings) + 1} positional "
                             f"arguments but {len(args) + 1} were given")
        values = dict(zip(settings, args))
        for name, value in kwargs.items():
            if name not in settings or name in values:
                problem = "multiple values for" if name in values else "an unexpected keyword"
                raise TypeError_(f"{type(self).__name__}.__init__() got {problem} argument '{name}'")
            values[name] = value
        for name, default in settings.items():
            object.__setattr__(self, name, values.get(name, default))

    def forward(self, input):  # noqa: A002 - PyTorch's argument name
        return type(self).function(input, **{name: getattr(self, name) for name in self.settings})

    def extra_repr(self) -> str:
        parts = [f"{name}={getattr(self, name)!r}" for name in self.options]
        if getattr(self, "inplace", False):
            parts.append("inplace=True")
        return ", ".join(parts)


def _activation(name: str, function, settings: dict | None = None, options: tuple[str, ...] = (),
                torch_file: str = "activation") -> type:
    """The layer class `name` applying `function` (see _Activation)."""
    return _ModuleClass(name, (_Activation,), {
        "function": staticmethod(function), "settings": settings or {}, "options": options,
        "torch_file": torch_file, "__module__": __name__, "__doc__": f"torch.nn.{name}",
    })


class Identity(Module):
    torch_file = "linear"

    def __init__(self, *args, **kwargs) -> None:  # (PyTorch ignores its arguments)
        super().__init__()

    def forward(self, input):  # noqa: A002
        return input


class Dropout(Module):
    """Zeroes values with probability p in training (F.dropout); passes its input on in eval mode."""

    torch_file = "dropout"

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError_(f"dropout probability has to be between 0 and 1, but got {p}")
        super().__init__()
        self.p = p
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return ops.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


ReLU = _activation("ReLU", ops.functional_relu, {"inplace": False})
Tanh = _activation("Tanh", ops.tanh)
Sigmoid = _activation("Sigmoid", ops.sigmoid)
SiLU = _activation("SiLU", ops.silu, {"inplace": False})
LeakyReLU = _activation("LeakyReLU", ops.leaky_relu, {"negative_slope": 0.01, "inplace": False}, ("negative_slope",))
ELU = _activation("ELU", ops.elu, {"alpha": 1.0, "inplace": False}, ("alpha",))
Softplus = _activation("Softplus", ops.softplus, {"beta": 1.0, "threshold": 20.0}, ("beta", "threshold"))
GELU = _activation("GELU", ops.gelu, {"approximate": "none"}, ("approximate",))
Softmax = _activation("Softmax", ops.functional_softmax, {"dim": None}, ("dim",))
LogSoftmax = _activation("LogSoftmax", ops.functional_log_softmax, {"dim": None}, ("dim",))
Flatten = _activation("Flatten", ops.flatten, {"start_dim": 1, "end_dim": -1}, ("start_dim", "end_dim"), "flatten")


LAYERS = {cls.__name__: cls for cls in (Linear, Sequential, ReLU, Tanh, Sigmoid, Identity, SiLU, LeakyReLU, ELU,
                                        Softplus, GELU, Softmax, LogSoftmax, Flatten, Dropout)}
INIT = {f.__name__: f for f in (calculate_gain, uniform_, normal_, constant_, zeros_, ones_, kaiming_uniform_,
                                xavier_uniform_, xavier_normal_)}

# What a program may call of each module (sandbox.py), besides the values a module holds (its
# settings, parameters and submodules): Module's own methods, and a layer's.
MODULE_ATTRIBUTES = frozenset({
    "forward", "parameters", "named_parameters", "children", "named_children", "modules", "named_modules",
    "zero_grad", "requires_grad_", "train", "eval", "extra_repr", "state_dict", "load_state_dict", "to",
    "float", "double", "cpu", "apply", "add_module",
})
LAYER_ATTRIBUTES = {Linear: {"reset_parameters"}, Sequential: {"append"}}
