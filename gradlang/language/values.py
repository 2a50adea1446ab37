"""How values turn into text: `str`, `repr` and format specs, as Python and PyTorch print them."""

from __future__ import annotations

import types

from ..core.tensor import Tensor
from ..errors import GradlangError


def _function_text(value) -> str | None:
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        name = getattr(value, "__name__", "function")
        if isinstance(value, types.MethodType) or getattr(value, "__self__", None) not in (None, __builtins__):
            return f"<built-in method {name}>"
        return f"<built-in function {name}>"
    return None


def to_repr(value) -> str:
    """`repr(value)` as a program sees it (tensors print PyTorch's text, host details stay hidden)."""
    if isinstance(value, GradlangError):
        return f"{value.type_name}({value.message!r})"
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
    if isinstance(value, Tensor):
        return format(value, spec)
    if not spec:
        return to_str(value)
    if isinstance(value, GradlangError):
        return format(value.message, spec)
    return format(value, spec)
