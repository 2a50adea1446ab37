"""Warnings from the core, PyTorch's texts: through Python's `warnings`, or to a per-thread handler.

An embedding interpreter installs a handler for its thread so that its warnings reach its
own stderr, every time (PyTorch repeats them), without touching process-wide warning state.
"""

from __future__ import annotations

import warnings
from _thread import _local as thread_local  # threading.local itself, without importing threading (~0.7 ms at start)
from collections.abc import Callable

_local = thread_local()


def warn(message: str, category: type[Warning] = UserWarning, stacklevel: int = 2) -> None:
    handler = getattr(_local, "handler", None)
    if handler is not None:
        handler(category.__name__, message)
        return
    warnings.warn(message, category, stacklevel=stacklevel + 1)


_warned: set[str] = set()  # the once-only warnings given in this process, where no handler keeps its own


def warn_once(message: str, category: type[Warning] = UserWarning, stacklevel: int = 2) -> None:
    """`warn`, the first time this message comes up (PyTorch's TORCH_WARN_ONCE): once per process,
    or once per handler that brings its own memory (an interpreter is a fresh process to its user)."""
    seen = getattr(_local, "once", None)
    if seen is None:
        seen = _warned
    if message not in seen:
        seen.add(message)
        warn(message, category, stacklevel + 1)


def set_handler(handler: Callable[[str, str], None] | None, once: set[str] | None = None) -> tuple:
    """Route this thread's warnings to `handler(category_name, message)`, with `once` remembering
    the once-only warnings it has had; returns the previous (handler, once), to restore with
    `set_handler(*previous)`."""
    previous = (getattr(_local, "handler", None), getattr(_local, "once", None))
    _local.handler = handler
    _local.once = once
    return previous
