"""How values turn into text: `str`, `repr` and format specs, as Python and PyTorch print them."""

from __future__ import annotations

import types

from ..core.tensor import Size, Tensor
from ..errors import GradlangError, TypeError_
from .guards import check_format_spec


def _function_text(value) -> str | None:
    """Built-ins print as Python prints its own, never as the host objects behind them."""
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        name = getattr(value, "__name__", "function")
        owner = getattr(value, "__self__", None)
        if owner is not None and not isinstance(owner, types.ModuleType):
            return f"<built-in method {name} of {type(owner).__name__} object>"
        return f"<built-in function {name}>"
    if isinstance(value, type):
        # PyTorch's own classes print their torch path (Tensor, Size, the torch.nn modules and Parameter).
        torch_class = value in (Tensor, Size) or getattr(type(value), "prints_torch_path", False)
        return repr(value) if torch_class else f"<class '{value.__name__}'>"
    return None


def to_repr(value) -> str:
    """`repr(value)` as a program sees it (tensors print PyTorch's text, host details stay hidden;
    an exception is Python's own repr: each class is named as the program's type)."""
    return _function_text(value) or repr(value)


def to_str(value) -> str:
    """`str(value)`: what `print` writes. An error's str is its message, as in Python."""
    if type(value) is str:
        return value
    if isinstance(value, GradlangError):
        return value.message
    return _function_text(value) or str(value)


def to_format(value, spec: str) -> str:
    """`format(value, spec)` / an f-string field; a 0-d tensor formats its number, as PyTorch does."""
    check_format_spec(spec)
    if isinstance(value, Tensor):
        return format(value, spec)
    if not spec:
        return to_str(value)
    if isinstance(value, GradlangError):  # an exception takes no format spec (Python's object.__format__)
        raise TypeError_(f"unsupported format string passed to {value.type_name}.__format__")
    return format(value, spec)
