"""Whether operations record a backward graph: kept per thread, as in PyTorch."""

from __future__ import annotations

from _thread import _local as thread_local  # threading.local itself, without importing threading (~0.7 ms at start)
from typing import Any


class _GradState(thread_local):
    enabled = True
    in_rule = False  # while a derivative rule runs (run_rule)


_state = _GradState()


def is_grad_enabled() -> bool:
    return _state.enabled


def run_without_grad(function, *args):
    """`function(*args)` with grad mode off: what `with no_grad():` does, without a block object
    (for the engine's and in-place ops' hot paths)."""
    enabled = _state.enabled
    _state.enabled = False
    try:
        return function(*args)
    finally:
        _state.enabled = enabled


def run_rule(function, *args, **kwargs):
    """`function(*args)` as a derivative rule (a VJP or JVP): a Python number in its ops is
    PyTorch's Scalar overload there, whose nodes are MulBackward1, AddBackward1, … (a rule of
    PyTorch's is C++: `grad * 2` takes the Scalar; Python's `x * 2` makes the 2 a tensor)."""
    previous = _state.in_rule
    _state.in_rule = True
    try:
        return function(*args, **kwargs)
    finally:
        _state.in_rule = previous


class _GradModeBlock:
    """A context manager that sets grad mode for its block and restores it after."""

    mode = True
    __slots__ = ("_saved",)

    def __new__(cls, func=None):
        if func is not None:  # `@no_grad` without parentheses: the decorated function
            return cls()(func)
        return super().__new__(cls)

    def __init__(self) -> None:
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(_state.enabled)
        _state.enabled = self.mode

    def __exit__(self, *exc: Any) -> None:
        _state.enabled = self._saved.pop()

    def __call__(self, func):
        """Also usable as a decorator, like torch.no_grad."""
        block = type(self)

        def wrapped(*args, **kwargs):
            with block():
                return func(*args, **kwargs)

        return wrapped

    def __repr__(self) -> str:
        return f"<torch.autograd.grad_mode.{type(self).__name__} object>"


class no_grad(_GradModeBlock):  # noqa: N801 - PyTorch's name
    """Operations inside the block record no graph."""

    mode = False


class enable_grad(_GradModeBlock):  # noqa: N801 - PyTorch's name
    """Operations inside the block record a graph, even inside no_grad."""

    mode = True


class set_grad_enabled(_GradModeBlock):  # noqa: N801 - PyTorch's name
    """Sets grad mode at once when called; used as `with`, puts the previous mode back after the
    block; as a decorator, sets it only while the function runs."""

    __slots__ = ("mode",)

    def __new__(cls, mode: bool):
        return object.__new__(cls)

    def __init__(self, mode: bool) -> None:
        if type(mode) is not bool:
            raise TypeError(
                f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not {type(mode).__name__}"
            )
        self._saved = [_state.enabled]
        self.mode = mode
        _state.enabled = self.mode

    def __enter__(self) -> None:
        pass  # set already by the call

    def __repr__(self) -> str:
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"

    def __call__(self, func):
        _state.enabled = self._saved[0]  # decorating changes nothing now
        mode = self.mode

        def wrapped(*args, **kwargs):
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return wrapped
