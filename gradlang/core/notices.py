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


def set_handler(handler: Callable[[str, str], None] | None) -> Callable[[str, str], None] | None:
    """Route this thread's warnings to `handler(category_name, message)`; returns the previous one."""
    previous = getattr(_local, "handler", None)
    _local.handler = handler
    return previous
