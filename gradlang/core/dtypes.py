"""Tensor element types and PyTorch's type-promotion rules."""

from __future__ import annotations

import numpy as np


class DType:
    """A tensor element type, printed as PyTorch prints it (`torch.float32`)."""

    __slots__ = ("name", "numpy", "category", "legacy_name", "short_name", "cpp_name")

    def __init__(self, name: str, numpy_dtype: type, category: int, legacy_name: str, short_name: str,
                 cpp_name: str) -> None:
        self.name = name
        self.numpy = np.dtype(numpy_dtype)
        # 0 bool < 1 integer < 2 floating point: promotion only ever climbs categories.
        self.category = category
        self.legacy_name = legacy_name  # "FloatTensor", used in autograd error messages
        self.short_name = short_name  # "Float", used in dtype error messages
        self.cpp_name = cpp_name  # "float", the C++ type some PyTorch messages name

    @property
    def is_floating_point(self) -> bool:
        return self.category == 2

    @property
    def itemsize(self) -> int:
        return self.numpy.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    __str__ = __repr__

    def __reduce__(self):
        return (from_name, (self.name,))


bool_ = DType("bool", np.bool_, 0, "BoolTensor", "Bool", "bool")
int32 = DType("int32", np.int32, 1, "IntTensor", "Int", "int")
int64 = DType("int64", np.int64, 1, "LongTensor", "Long", "long int")
float32 = DType("float32", np.float32, 2, "FloatTensor", "Float", "float")
float64 = DType("float64", np.float64, 2, "DoubleTensor", "Double", "double")

ALL = (bool_, int32, int64, float32, float64)
_BY_NUMPY = {d.numpy: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update({"float": float32, "double": float64, "long": int64, "int": int32})

DEFAULT_FLOAT = float32
# The dtype a Python scalar of each category becomes when it decides a result's type.
DEFAULT_FOR_CATEGORY = (bool_, int64, float32)


def from_name(name: str) -> DType:
    return _BY_NAME[name]


def from_numpy(dtype: np.dtype) -> DType:
    """The DType of a numpy dtype; other numpy types map to their nearest supported one."""
    found = _BY_NUMPY.get(dtype)
    if found is not None:
        return found
    kind = dtype.kind
    if kind == "f":
        return float64 if dtype.itemsize > 4 else float32
    if kind in "iu":
        return int64
    if kind == "b":
        return bool_
    raise TypeError(f"unsupported numpy dtype {dtype}")


def promote_types(a: DType, b: DType) -> DType:
    """The smallest dtype holding both (torch.promote_types)."""
    if a is b:
        return a
    if a.category != b.category:
        return a if a.category > b.category else b
    return a if a.itemsize >= b.itemsize else b


def scalar_category(value: object) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return 1
    return 2


def result_type(operands) -> DType:
    """PyTorch's promotion over tensors and Python scalars.

    Dimensioned tensors decide first; a zero-dim tensor or a Python scalar only wins
    when it belongs to a higher category (a Python float then gives float32).
    """
    dims = zeros = None
    scalar_cat = -1
    for operand in operands:
        dtype = getattr(operand, "dtype", None)
        if dtype is None:
            scalar_cat = max(scalar_cat, scalar_category(operand))
        elif operand.ndim:
            dims = dtype if dims is None else promote_types(dims, dtype)
        else:
            zeros = dtype if zeros is None else promote_types(zeros, dtype)
    result = dims
    if zeros is not None and (result is None or zeros.category > result.category):
        result = zeros
    if result is None:
        return DEFAULT_FOR_CATEGORY[scalar_cat]
    if scalar_cat > result.category:
        return DEFAULT_FOR_CATEGORY[scalar_cat]
    return result
