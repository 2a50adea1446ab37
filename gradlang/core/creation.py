"""Making tensors: `tensor`, `param`, `zeros`, `arange`, random tensors, …"""

from __future__ import annotations

import functools
import math
import numbers
from _thread import _local as thread_local  # threading.local itself, without importing threading (~0.7 ms at start)

import numpy as np

from ..errors import NotImplementedError_, RuntimeError_, TypeError_, ValueError_
from . import dtypes, limits, rounding
from .dtypes import DType
from .generator import Generator
from .notices import warn, warn_once
from .tensor import SCALAR_OF_GRAD_WARNING, Size, Tensor, on_cpu

COPY_CONSTRUCT_WARNING = (
    "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
    "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor)."
)


def _on_device(make):
    """`make` taking PyTorch's `device=` argument: the CPU (here every tensor's), or a refusal."""

    @functools.wraps(make)
    def made(*args, device=None, **kwargs):
        on_cpu(device)
        flag = kwargs.get("requires_grad", False)
        if type(flag) is not bool:  # PyTorch takes no other truth value
            raise TypeError_(f"{make.__name__}(): argument 'requires_grad' must be bool, not {type(flag).__name__}")
        return make(*args, **kwargs)

    return made


def _finish(array: np.ndarray, requires_grad: bool, constructor: bool = True) -> Tensor:
    limits.check_elements(array.size)
    out = Tensor._wrap(array)
    if requires_grad:
        if not out.dtype.is_floating_point:
            raise RuntimeError_(
                "Only Tensors of floating point and complex dtype can require gradients"
                if constructor else "only Tensors of floating point dtype can require gradients"
            )
        out._requires_grad = True
    return out


# The Python types PyTorch takes in place of a dtype.
_PYTHON_TYPE_DTYPES = {float: dtypes.float64, int: dtypes.int64, bool: dtypes.bool_}


def _dtype_argument(op: str, dtype) -> DType | None:
    """A `dtype=` argument as PyTorch takes it: a dtype, None, or Python's float, int or bool."""
    if dtype is None or isinstance(dtype, DType):
        return dtype
    if isinstance(dtype, type) and dtype in _PYTHON_TYPE_DTYPES:
        return _PYTHON_TYPE_DTYPES[dtype]
    raise TypeError_(f"{op}(): argument 'dtype' must be torch.dtype, not {type(dtype).__name__}")


# What tensor() walks as nested data; anything else is a leaf.
_SEQUENCES = (list, tuple, range)


def _leaf_kind(value) -> int:
    """0 bool, 1 int, 2 float; raises PyTorch's error for anything else."""
    if isinstance(value, (bool, np.bool_)):
        return 0
    if isinstance(value, (numbers.Integral,)):
        return 1
    if isinstance(value, numbers.Real):
        return 2
    if isinstance(value, Tensor):
        if value.array.size != 1:
            raise ValueError_("only one element tensors can be converted to Python scalars")
        return value.dtype.category
    if isinstance(value, str):
        raise TypeError_(f"new(): invalid data type '{type(value).__name__}'")
    raise RuntimeError_(f"Could not infer dtype of {type(value).__name__}")


def _nested_shape(data) -> tuple[list[int], list]:
    """Walk a nested list breadth-first: its shape and its flat leaves, with PyTorch's errors."""
    shape: list[int] = []
    level = [data]
    while level and isinstance(level[0], _SEQUENCES):
        length = len(level[0])
        limits.check_elements(length * len(level))  # before flattening: `[[0.] * 10**4] * 10**4` is small
        nxt = []
        for item in level:
            if not isinstance(item, _SEQUENCES):
                raise TypeError_("not a sequence")
            if len(item) != length:
                raise ValueError_(f"expected sequence of length {length} at dim {len(shape)} (got {len(item)})")
            nxt.extend(item)
        shape.append(length)
        level = nxt
        if length == 0:
            break
    for item in level:
        if isinstance(item, _SEQUENCES):
            raise TypeError_(f"must be real number, not {type(item).__name__}")
    return shape, level


def _leaf_dtype(value) -> DType:
    """The dtype one value asks for, as PyTorch infers it: a numpy scalar's or a tensor's own, a
    Python number its kind's default."""
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":  # (before float: np.float64 is one)
        return dtypes.from_numpy(value.dtype)
    kind = _leaf_kind(value)
    return value.dtype if isinstance(value, Tensor) else dtypes.DEFAULT_FOR_CATEGORY[kind]


def _from_python(data, dtype: DType | None) -> np.ndarray:
    shape, leaves = _nested_shape(data)
    target = dtype
    if target is None:  # the values' own dtypes, promoted together (float32 for an empty list)
        kinds = {_leaf_dtype(v) for v in leaves} or {dtypes.DEFAULT_FLOAT}
        target = functools.reduce(dtypes.promote_types, kinds)
    values = [v.item() if isinstance(v, Tensor) else v for v in leaves]
    if any(isinstance(v, Tensor) and v._requires_grad for v in leaves):
        warn_once(SCALAR_OF_GRAD_WARNING, UserWarning, stacklevel=3)
    limits.check_elements(len(values))
    return _array_of(values, target).reshape(shape)


def _array_of(values, dtype: DType) -> np.ndarray:
    """np.array of Python numbers, with PyTorch's errors for an integer that does not fit."""
    try:
        return np.array(values, dtype=dtype.numpy)
    except OverflowError:
        leaves = values if isinstance(values, list) else [values]
        if any(isinstance(v, numbers.Integral) and not -2**63 <= v < 2**63 for v in leaves):
            raise ValueError_("Overflow when unpacking long long") from None
        raise RuntimeError_(f"value cannot be converted to type {dtype.name} without overflow") from None


@_on_device
def tensor(data, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """A new leaf tensor holding a copy of `data` (numbers, nested lists, numpy arrays, tensors)."""
    dtype = _dtype_argument("tensor", dtype)
    if isinstance(data, Tensor):
        warn(COPY_CONSTRUCT_WARNING, UserWarning, stacklevel=2)
        array = np.array(data.array, dtype=(dtype or data.dtype).numpy, copy=True)
    elif isinstance(data, np.ndarray) or isinstance(data, np.generic) and data.dtype.kind in "biuf":
        if data.dtype.kind not in "biuf":
            raise TypeError_(f"can't convert np.ndarray of type {data.dtype}")
        array = np.array(data, dtype=(dtype or dtypes.from_numpy(data.dtype)).numpy, copy=True)
    elif isinstance(data, _SEQUENCES):
        array = _from_python(data, dtype)
    else:
        kind = _leaf_kind(data)
        value = data.item() if isinstance(data, Tensor) else data
        array = _array_of(value, dtype or dtypes.DEFAULT_FOR_CATEGORY[kind])
    return _finish(array, requires_grad)


def as_tensor(data, dtype: DType | None = None) -> Tensor:
    dtype = _dtype_argument("as_tensor", dtype)
    if isinstance(data, Tensor) and (dtype is None or data.dtype is dtype):
        return data
    return tensor(data, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with `array`."""
    return _finish(np.asarray(array, dtype=dtypes.from_numpy(array.dtype).numpy), False)


def param(data, dtype: DType | None = None) -> Tensor:
    """A float leaf that requires grad: gradlang's short form for a trainable value."""
    made = tensor(data, dtype=dtype)
    if not made.dtype.is_floating_point:
        made = Tensor._wrap(made.array.astype(np.float32))
    made._requires_grad = True
    return made


def _size(op: str, sizes) -> tuple[int, ...]:
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    result = []
    for n in sizes:
        if isinstance(n, Tensor):
            n = n.item()
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise TypeError_(
                f"zeros(): argument 'size' (position 1) must be tuple of ints, but found element of type "
                f"{type(n).__name__} at pos 0"
            )
        result.append(int(n))
    for n in result:
        if n < 0:
            if op == "zeros":  # PyTorch checks zeros' sizes with a message of its own
                raise RuntimeError_("zeros: Dimension size must be non-negative.")
            raise RuntimeError_(f"Trying to create tensor with negative dimension {n}: {result}")
    return tuple(result)


def _filled(op: str, fill, sizes, dtype: DType | None, requires_grad: bool) -> Tensor:
    dtype = _dtype_argument(op, dtype)
    shape = _size(op, sizes)
    limits.check_shape(shape)
    return _finish(np.full(shape, fill, dtype=(dtype or dtypes.DEFAULT_FLOAT).numpy), requires_grad)


@_on_device
def zeros(*size, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    return _filled("zeros", 0, size, dtype, requires_grad)


@_on_device
def ones(*size, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    return _filled("ones", 1, size, dtype, requires_grad)


@_on_device
def empty(*size, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    return _filled("empty", 0, size, dtype, requires_grad)


@_on_device
def full(size, fill_value, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    dtype = _dtype_argument("full", dtype)
    if dtype is None:
        dtype = dtypes.DEFAULT_FOR_CATEGORY[dtypes.scalar_category(fill_value)]
    return _filled("full", fill_value, (size,), dtype, requires_grad)


def _like(op: str, fill, like: Tensor, dtype, requires_grad: bool) -> Tensor:
    return _filled(op, fill, (tuple(like.shape),), _dtype_argument(op, dtype) or like.dtype, requires_grad)


@_on_device
def zeros_like(x: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    return _like("zeros_like", 0, x, dtype, requires_grad)


@_on_device
def ones_like(x: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    return _like("ones_like", 1, x, dtype, requires_grad)


@_on_device
def full_like(x: Tensor, fill_value, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    return _like("full_like", fill_value, x, dtype, requires_grad)


@_on_device
def empty_like(x: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    """Like PyTorch's, values not to be relied on (zeros here)."""
    return _like("empty_like", 0, x, dtype, requires_grad)


@_on_device
def rand_like(x: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    return _random_like("rand_like", "check_uniform_bounds", rand, x, dtype, requires_grad)


@_on_device
def randn_like(x: Tensor, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    return _random_like("randn_like", "normal_kernel_cpu", randn, x, dtype, requires_grad)


def _random_like(name: str, kernel: str, make, x: Tensor, dtype: DType | None, requires_grad: bool) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError_(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    dtype = _dtype_argument(name, dtype) or x.dtype
    _check_random_dtype(dtype, kernel)
    return make(tuple(x.shape), dtype=dtype, requires_grad=requires_grad)


def _number(value):
    return value.item() if isinstance(value, Tensor) else value


_ARANGE_FORMS = (  # PyTorch's message for arange() with no bounds
    "arange() received an invalid combination of arguments - got (), but expected one of:\n"
    + "".join(
        f" * ({form}, *, {out}torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
        "bool pin_memory = False, bool requires_grad = False)\n"
        for form, out in (("Number end", "Tensor out = None, "), ("Number start, Number end", ""),
                          ("Number start, Number end, Number step = 1", "Tensor out = None, "))
    )
)


@_on_device
def arange(start=None, end=None, step=1, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    if start is None and end is None:
        raise TypeError_(_ARANGE_FORMS)
    if start is None:  # arange(end=3)
        start = 0
    elif end is None:  # arange(3): the one bound is the end
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    dtype = _dtype_argument("arange", dtype)
    if dtype is dtypes.int64:  # PyTorch's int64 kernel works on the bounds and step cut to integers
        if step and not int(step):  # (a step that only the cut makes zero is a ValueError there)
            raise ValueError_("step must be nonzero")
        start, end, step = int(start), int(end), int(step)
    if step == 0:
        raise RuntimeError_("step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError_("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        integral = all(isinstance(v, int) for v in (start, end, step))
        dtype = dtypes.int64 if integral else dtypes.DEFAULT_FLOAT
    count = int(np.ceil((end - start) / step))
    limits.check_elements(count)
    if dtype.is_floating_point:
        return _finish(_float_range(start, step, count, dtype.numpy), requires_grad)
    # Other integer dtypes count the values from the bounds as given, then step from the start
    # and step cut to integers, as PyTorch's kernel does.
    array = (np.arange(count, dtype=np.int64) * int(step) + int(start)).astype(dtype.numpy)
    return _finish(array, requires_grad)


def _float_range(start, step, count: int, dtype: np.dtype) -> np.ndarray:
    """start + i * step with PyTorch's CPU kernel's roundings, which show when a value should be
    0 (`arange(-1, 1, 0.2)` has 5.5511e-17 where 0 would be, and prints in scientific notation).

    The kernel fills 32-byte vectors two at a time: each vector's first value is start + i * step
    (float64, fused, rounded to dtype), the others that value + k * step (fused again, rounded);
    what is left after the pairs of vectors is start + i * step each. (A range longer than one
    thread's share, 32768 values, is split among threads, which may move the last bits there.)"""
    lanes = 32 // np.dtype(dtype).itemsize
    index = np.arange(count, dtype=np.float64)
    steps, starts = np.full(count, float(step)), np.full(count, float(start))
    with np.errstate(all="ignore"):
        alone = rounding.fused_multiply_add(index, steps, starts)
        lane = index % lanes
        firsts = rounding.fused_multiply_add(index - lane, steps, starts).astype(dtype).astype(np.float64)
        in_vectors = rounding.fused_multiply_add(lane, steps, firsts)
        return np.where(index < count // (2 * lanes) * (2 * lanes), in_vectors, alone).astype(dtype)


@_on_device
def linspace(start, end, steps: int, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    if steps < 0:
        raise RuntimeError_("number of steps must be non-negative")
    steps = int(steps)
    limits.check_elements(steps)
    kind = (_dtype_argument("linspace", dtype) or dtypes.DEFAULT_FLOAT).numpy.type
    # PyTorch's arithmetic, for its last bits: the ends in the result's dtype (integers truncated),
    # the step in that dtype too (float64 for integers), then each half counted from its own end,
    # with one rounding per element (its compiler fuses the multiply and the add).
    with np.errstate(all="ignore"):  # infinite ends give nan silently, as in PyTorch
        start, end = kind(_number(start)), kind(_number(end))
        if steps <= 1:
            return _finish(np.full(steps, start, dtype=kind), requires_grad)
        step_type = kind if np.issubdtype(kind, np.floating) else np.float64
        step = (step_type(end) - step_type(start)) / step_type(steps - 1)
    index = np.arange(steps)
    first_half = index < steps // 2
    counts = np.where(first_half, index, index[::-1]).astype(step_type)
    signed_steps = np.where(first_half, step, -step).astype(step_type)
    bases = np.where(first_half, step_type(start), step_type(end)).astype(step_type)
    return _finish(rounding.fused_multiply_add(signed_steps, counts, bases).astype(kind), requires_grad)


@_on_device
def eye(n: int, m: int | None = None, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    limits.check_elements(n * (m or n))
    dtype = _dtype_argument("eye", dtype)
    return _finish(np.eye(n, m, dtype=(dtype or dtypes.DEFAULT_FLOAT).numpy), requires_grad)


# ---------------------------------------------------------------- randomness


default_generator = Generator()


class _ThreadGenerator(thread_local):
    generator: Generator | None = None  # an interpreter's own, while it runs on this thread


_thread_generator = _ThreadGenerator()


def current_generator() -> Generator:
    """This thread's source of random numbers: a running interpreter's own, else the default."""
    return _thread_generator.generator or default_generator


def use_generator(generator: Generator | None) -> Generator | None:
    """Draw this thread's random numbers from `generator` (None: the default); returns the previous one."""
    previous = _thread_generator.generator
    _thread_generator.generator = generator
    return previous


def manual_seed(seed: int) -> Generator:
    return current_generator().manual_seed(seed)


def initial_seed() -> int:
    return current_generator().initial_seed()


def seed() -> int:
    """Seed the random numbers afresh from the operating system; returns the new seed."""
    return current_generator().seed()


def _source(generator: Generator | None) -> Generator:
    return generator or current_generator()


def _drawn(op: str, sizes, dtype: DType | None, requires_grad: bool, draw) -> Tensor:
    """A float tensor of the size `sizes` give, its values `draw(count, numpy dtype)`."""
    dtype = _dtype_argument(op, dtype) or dtypes.DEFAULT_FLOAT
    shape = _size(op, sizes)
    limits.check_shape(shape)
    return _finish(draw(math.prod(shape), dtype.numpy).reshape(shape), requires_grad)


@_on_device
def rand(*size, dtype: DType | None = None, requires_grad: bool = False, generator: Generator | None = None):
    return _drawn("rand", size, dtype, requires_grad, _source(generator).uniform)


@_on_device
def randn(*size, dtype: DType | None = None, requires_grad: bool = False, generator: Generator | None = None):
    return _drawn("randn", size, dtype, requires_grad, _source(generator).normal)


@_on_device
def randint(*args, size=None, low=None, high=None, dtype: DType | None = None, requires_grad: bool = False,
            generator: Generator | None = None) -> Tensor:
    """randint(high, size) or randint(low, high, size), as PyTorch's two forms (keywords too)."""
    given = list(args)
    if size is None and given and (isinstance(given[-1], (tuple, list)) or len(given) > 1):
        size = given.pop()  # the last positional argument stands where the size goes
    if len(given) == 2:
        low, high = given
    elif given and high is None:
        high = given[0]
    elif given:
        low = given[0]
    if high is None:
        raise TypeError_("randint() missing 1 required positional argument: 'high'")
    if not isinstance(size, (tuple, list)):
        raise TypeError_(f"randint(): argument 'size' (position 2) must be tuple of ints, not {type(size).__name__}")
    low, high = int(_number(0 if low is None else low)), int(_number(high))
    if low >= high:
        raise RuntimeError_(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dtype = _dtype_argument("randint", dtype) or dtypes.int64
    shape = _size("randint", (size,))
    limits.check_shape(shape)
    values = _source(generator).integers(low, high, math.prod(shape))
    return _finish(values.reshape(shape).astype(dtype.numpy), requires_grad)


@_on_device
def randperm(n, dtype: DType | None = None, requires_grad: bool = False, generator: Generator | None = None) -> Tensor:
    dtype = _dtype_argument("randperm", dtype) or dtypes.int64
    n = _number(n)
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError_(f"randperm(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    shape = _size("randperm", (n,))
    limits.check_shape(shape)
    return _finish(_source(generator).permutation(shape[0]).astype(dtype.numpy), requires_grad)


@_on_device
def normal(mean, std=1.0, size=None, dtype: DType | None = None, requires_grad: bool = False,
           generator: Generator | None = None) -> Tensor:
    """normal(mean, std, size) with numbers; or a tensor of mean and/or std, drawn in their
    broadcast shape as PyTorch draws it (standard normal values times std, plus mean)."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        return _normal_of_tensors(mean, std, generator)
    if not isinstance(size, (tuple, list)):
        raise TypeError_(f"normal(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    check_normal_std(std)
    return _drawn("normal", (size,), dtype, requires_grad,
                  lambda count, kind: _source(generator).normal(count, kind, mean, std))


def _normal_of_tensors(mean, std, generator: Generator | None) -> Tensor:
    means, stds = (v.array if isinstance(v, Tensor) else np.asarray(v) for v in (mean, std))
    kind = next(v for v in (mean, std) if isinstance(v, Tensor)).array.dtype
    if isinstance(std, Tensor) and (stds < 0).any():
        raise RuntimeError_("normal expects all elements of std >= 0.0")
    shape = np.broadcast_shapes(means.shape, stds.shape)
    limits.check_shape(shape)
    source = _source(generator)
    if isinstance(std, Tensor):
        drawn = source.normal(math.prod(shape), kind).reshape(shape) * stds.astype(kind)
    else:
        check_normal_std(std)
        drawn = source.normal(math.prod(shape), kind, 0.0, std).reshape(shape)
    return _finish(np.asarray(drawn + means.astype(kind), dtype=kind), False)


def check_normal_std(std) -> None:
    if std < 0:
        raise RuntimeError_(f"normal expects std >= 0.0, but found std {std:g}")


def check_uniform_bounds(low, high) -> None:
    if low > high:
        raise RuntimeError_(f"uniform_ expects to return a [from, to) range, but found from={low:g} > to={high:g}")


def uniform_(x: Tensor, low=0.0, high=1.0, generator: Generator | None = None) -> Tensor:
    """`x.uniform_(from, to)`: x's values replaced by uniform ones in [from, to)."""
    def draw() -> np.ndarray:
        _check_random_dtype(x.dtype, "check_uniform_bounds")
        check_uniform_bounds(low, high)
        return _source(generator).uniform(x.array.size, x.array.dtype, low, high)

    return _ops().fill_random(x, draw, "UniformBackward0")


def normal_(x: Tensor, mean=0.0, std=1.0, generator: Generator | None = None) -> Tensor:
    """`x.normal_(mean, std)`: x's values replaced by normal ones."""
    def draw() -> np.ndarray:
        _check_random_dtype(x.dtype, "normal_kernel_cpu")
        check_normal_std(std)
        return _source(generator).normal(x.array.size, x.array.dtype, mean, std)

    return _ops().fill_random(x, draw, "NormalBackward0")


def _check_random_dtype(dtype: DType, kernel: str) -> None:
    if not dtype.is_floating_point:
        raise NotImplementedError_(f"\"{kernel}\" not implemented for '{dtype.short_name}'")


def _ops():
    from . import ops  # ops imports this module

    return ops


def legacy_tensor(args: tuple, dtype: DType, requires_grad: bool = False) -> Tensor:
    """PyTorch's legacy constructors (`torch.Tensor`, `torch.FloatTensor`, …): `(data)` converted
    to `dtype`, `(2, 3)` or `(size)` of that size (zeros here; PyTorch leaves them uninitialised)."""
    if len(args) == 1 and isinstance(args[0], Size) or args and all(
            isinstance(n, int) and not isinstance(n, bool) for n in args):
        return zeros(*args, dtype=dtype, requires_grad=requires_grad)
    if len(args) > 1:
        raise TypeError_(f"new(): data must be a sequence (got {len(args)} arguments)")
    data = args[0] if args else []
    if isinstance(data, (int, float, bool)):
        raise TypeError_(f"new(): data must be a sequence (got {type(data).__name__})")
    return tensor(data.array if isinstance(data, Tensor) else data, dtype=dtype, requires_grad=requires_grad)


def legacy_constructor(dtype: DType):
    """torch.FloatTensor and its kin: the legacy constructor of one dtype."""
    def construct(*args) -> Tensor:
        return legacy_tensor(args, dtype)

    construct.__name__ = construct.__qualname__ = dtype.legacy_name
    return construct
