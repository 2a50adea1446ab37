"""What `t.numpy()` gives a program: a copy of the values that prints as numpy prints it.

Tutorials call `.numpy()` to show or read values (`print(x.grad.numpy())`). A numpy array
itself would hand a program the host (`tofile`, `ctypes`, ...), so programs get this
read-only stand-in: numpy's own text, shape, size, ndim, dtype, tolist, item, indexing, len
and iteration, nothing that writes or reaches memory.
"""

from __future__ import annotations

import numpy as np

from ..errors import RuntimeError_


class NumpyArray:
    """A read-only copy of a tensor's values with numpy's printing."""

    __slots__ = ("_values",)

    def __init__(self, values: np.ndarray) -> None:
        self._values = values.copy()
        self._values.flags.writeable = False

    @property
    def shape(self) -> tuple:
        return self._values.shape

    @property
    def ndim(self) -> int:
        return self._values.ndim

    @property
    def size(self) -> int:
        return int(self._values.size)

    @property
    def dtype(self) -> str:
        return str(self._values.dtype)

    def tolist(self):
        return self._values.tolist()

    def item(self):
        return self._values.item()

    def __getitem__(self, key):
        part = self._values[key]
        return NumpyArray(part) if isinstance(part, np.ndarray) else part  # a numpy scalar, as numpy gives

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        return repr(self._values)

    def __str__(self) -> str:
        return str(self._values)

    def __format__(self, spec: str) -> str:
        return format(self._values, spec)


def numpy_of(tensor) -> NumpyArray:
    """`tensor.numpy()` for a program, with PyTorch's refusal for a tensor that requires grad."""
    if tensor.requires_grad:
        raise RuntimeError_("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
    return NumpyArray(tensor.array)
