"""Resource limits the core enforces before numpy allocates (set by an embedding interpreter)."""

from __future__ import annotations

import math
from _thread import _local as thread_local  # threading.local itself, without importing threading (~0.7 ms at start)

from ..errors import RuntimeError_


class _Limits(thread_local):
    # Per thread, like grad mode: interpreters running in different threads keep their own.
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


def check_shape(shape) -> None:
    """`check_elements` for a result of `shape`, counted with Python ints (no int64 wrap-around)."""
    if current.max_tensor_elements is not None:
        check_elements(math.prod(int(n) for n in shape))


def check_broadcast(*shapes) -> None:
    """Refuse an oversized broadcast result before an op computes it (shapes known to broadcast)."""
    if current.max_tensor_elements is None:
        return
    ndim = max(len(s) for s in shapes)
    result = [1] * ndim
    for shape in shapes:
        for i, n in enumerate(shape, ndim - len(shape)):
            if n != 1:
                result[i] = n
    check_elements(math.prod(result))
