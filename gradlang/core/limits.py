"""Resource limits the core enforces before numpy allocates (set by an embedding interpreter)."""

from __future__ import annotations

import threading

from ..errors import RuntimeError_


class _Limits(threading.local):
    max_tensor_elements: int | None = None


current = _Limits()


def check_elements(count: int) -> None:
    """Refuse a tensor larger than the active limit, before any memory is taken for it."""
    limit = current.max_tensor_elements
    if limit is not None and count > limit:
        raise RuntimeError_(
            f"tensor of {count} elements exceeds this interpreter's limit of {limit} elements "
            "(max_tensor_elements)"
        )
