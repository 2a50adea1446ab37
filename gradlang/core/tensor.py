"""The Tensor: a numpy array, the autograd state around it, and PyTorch's methods."""

from __future__ import annotations

import numpy as np

from ..errors import RuntimeError_, TypeError_, ValueError_
from . import dtypes
from .notices import warn, warn_once

NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
    "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf "
    "Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make "
    "sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information."
)
NONLEAF_REQUIRES_GRAD = (
    "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a "
    "subgraph that doesn't require differentiation use var_no_grad = var.detach()."
)
_DTYPE_OF = dtypes._BY_NUMPY
# float(t), `"%f" % t`, math functions and torch.tensor([...]) of such tensors: once per process.
SCALAR_OF_GRAD_WARNING = (
    "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
    "Consider using tensor.detach() first."
)


class _TorchClass(type):
    """Shows our classes under PyTorch's names (`<class 'torch.Tensor'>`)."""

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


class Size(tuple, metaclass=_TorchClass):
    """A tensor's shape: a tuple that prints as `torch.Size([2, 3])`."""

    __slots__ = ()

    def __repr__(self) -> str:
        from .printing import size_repr

        return size_repr(self)

    __str__ = __repr__

    # A slice of a Size, a Size joined to a tuple and a repeated Size are Sizes, as in PyTorch.
    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other):
        if not isinstance(other, tuple):
            raise TypeError_(f"can only concatenate tuple (not {type(other).__name__}) to torch.Size")
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(other, self))

    def __mul__(self, times):
        product = tuple.__mul__(self, times)
        return product if product is NotImplemented else Size(product)

    __rmul__ = __mul__

    def __setitem__(self, index, value) -> None:  # (tuple has none: Python's message would say 'Size')
        raise TypeError_("'torch.Size' object does not support item assignment")

    def __delitem__(self, index) -> None:
        raise TypeError_("'torch.Size' object doesn't support item deletion")

    def numel(self) -> int:
        count = 1
        for n in self:
            count *= n
        return count


_run_backward = None  # engine.backward, bound by Tensor.backward


def _operator(name: str, reflected: bool = False, tensors_only: bool = False):
    """A binary operator method running `ops.<name>(self, other)` (`(other, self)` when reflected).

    An operand that is neither a tensor nor a number (only a tensor for `@`) gives NotImplemented,
    so Python raises its own "unsupported operand type(s) for +: 'Tensor' and 'NoneType'" (or
    asks the other operand), and `t == None` is False, as with PyTorch's tensors. The ops find
    such an operand themselves (ops.UnsupportedOperand): no check here on the common path.
    """
    function = None

    def method(self, other):
        nonlocal function
        if function is None:  # ops imports this module: bound on first use
            function = getattr(_ops, name)
        if tensors_only and type(other) is not Tensor and not isinstance(other, Tensor):
            return NotImplemented
        try:
            return function(other, self) if reflected else function(self, other)
        except _ops.UnsupportedOperand:
            return NotImplemented

    method.__name__ = name
    return method


def _tensor_operator(name: str):
    """`+` or `*` (`name` is both the op and its primitive): two float tensors of one shape and
    dtype go straight to the primitive, as promotion._binary would send them (one call instead
    of three, for the commonest operators of a scalar program); anything else as _operator."""
    general = _operator(name)
    prim = None

    def method(self, other):
        nonlocal prim
        if type(other) is Tensor:
            a, b = self.array, other.array
            if b.dtype is a.dtype and b.shape == a.shape and a.dtype.kind == "f":
                if prim is None:  # the registry imports this module: bound on first use
                    prim = _ops.P.PRIMITIVES[name]
                return _apply(prim, (self, other))
        return general(self, other)

    method.__name__ = name
    return method


def _in_place(method_name: str, name: str, takes_other: bool = True):
    """The method `method_name` running `ops.<name>(self, other)` into self (`x += y`, `x.mul_(y)`),
    or `ops.<name>(self)` for a unary op (`x.sin_()`)."""
    function = None

    def op():
        nonlocal function
        if function is None:  # ops imports this module: bound on first use
            function = getattr(_ops, name)
        return function

    if takes_other:
        def method(self, other):
            return _ops.inplace(self, op(), other)
    else:
        def method(self):
            return _ops.inplace(self, op())

    method.__name__ = method_name
    return method


class Device:
    """torch.device. Every tensor here is on the CPU: a CUDA device can be named (tutorials pick
    one when `torch.cuda.is_available()`), not used, as in a CPU build of PyTorch."""

    def __init__(self, type: str = "cpu", index: int | None = None) -> None:  # noqa: A002 - torch's name
        self.type = type
        self.index = index

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        return isinstance(other, Device) and (other.type, other.index) == (self.type, self.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = Device()


_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
                 "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


def device(spec, index: int | None = None) -> Device:
    """torch.device("cpu"), torch.device("cuda:0"), torch.device("cuda", 1), or a device itself."""
    if isinstance(spec, Device):
        return spec
    if not isinstance(spec, str):
        raise TypeError_(f"device() received an invalid combination of arguments - got ({type(spec).__name__})")
    kind, _, number = spec.partition(":")
    if kind not in _DEVICE_TYPES or number and not number.isdigit():
        raise RuntimeError_(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device string: {spec}")
    return Device(kind, int(number) if number else index)


def on_cpu(place) -> None:
    """Refuse a device that is not the CPU, as a CPU build of PyTorch does."""
    kind = None if place is None else device(place).type
    if kind == "cuda":
        from ..errors import AssertionError_

        raise AssertionError_("Torch not compiled with CUDA enabled")
    if kind not in (None, "cpu"):
        raise RuntimeError_(f"Could not run 'aten::empty_strided' with arguments from the '{kind}' backend.")

class Tensor(metaclass=_TorchClass):
    """An n-dimensional array that records the operations applied to it for autograd."""

    __slots__ = (
        "array", "_requires_grad", "grad_fn", "_grad", "_version", "_retains_grad", "_duals", "_base",
        "_views",  # set only on a base that has views: weak references to them (ops.shape._share_storage)
        "_hooks",  # set only on a leaf with gradient hooks (hooks.py)
        "_output_of_many",  # set only on a view from split/chunk/unbind, or a view of one (ops.shape)
        "_parameter",  # set only on a torch.nn.Parameter (modules.py): it prints as one
        "_no_grad_view",  # set only on a view made under no_grad (True), or a view of one (False) (ops.shape)
        "__weakref__",
    )
    __array_priority__ = 1000  # numpy defers `ndarray op Tensor` to our reflected operators

    def __init__(self, *args, requires_grad: bool = False) -> None:
        """PyTorch's legacy constructor: `Tensor(data)` of float32 values, `Tensor(2, 3)` of that
        size (zeros here; PyTorch leaves them uninitialised), `Tensor()` empty."""
        from .creation import legacy_tensor

        made = legacy_tensor(args, dtypes.float32, requires_grad)
        for slot in ("array", "_requires_grad", "grad_fn", "_grad", "_version", "_retains_grad", "_duals", "_base"):
            setattr(self, slot, getattr(made, slot))

    @classmethod
    def _wrap(cls, array: np.ndarray) -> Tensor:
        """A fresh leaf around `array` (no copy): the fast constructor every op uses (graph.apply inlines it)."""
        self = object.__new__(cls)
        self.array = array
        self._requires_grad = False
        self.grad_fn = None
        self._grad = None
        self._version = [0]
        self._retains_grad = False
        self._duals = None
        self._base = None
        return self

    # ------------------------------------------------------------ attributes

    is_cuda = False  # every tensor here is on the CPU
    is_cpu = True

    @property
    def dtype(self) -> dtypes.DType:
        return _DTYPE_OF[self.array.dtype]

    @property
    def shape(self) -> Size:
        return Size(self.array.shape)

    @property
    def ndim(self) -> int:
        return self.array.ndim

    def dim(self) -> int:
        return self.array.ndim

    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self.array.shape)
        return self.array.shape[_ops._wrap_dim(dim, self.ndim)]

    def numel(self) -> int:
        return int(self.array.size)

    nelement = numel

    def ndimension(self) -> int:
        return self.array.ndim

    def element_size(self) -> int:
        return self.array.itemsize

    def stride(self, dim: int | None = None):
        """Steps between neighbours along each dim, in elements (numpy counts bytes)."""
        if self.array.size:
            steps = tuple(step // self.array.itemsize for step in self.array.strides)
        else:  # nothing in memory: PyTorch gives an empty tensor the row-major steps (sizes of 0 counted as 1)
            steps, step = [], 1
            for n in reversed(self.array.shape):
                steps.append(step)
                step *= max(n, 1)
            steps = tuple(reversed(steps))
        return steps if dim is None else steps[_ops._wrap_dim(dim, self.ndim)]

    def storage_offset(self) -> int:
        """Where this tensor starts in the memory of the tensor it views, in elements."""
        base = self._base
        if base is None:
            return 0
        start = self.array.__array_interface__["data"][0] - base.array.__array_interface__["data"][0]
        return start // self.array.itemsize

    @property
    def device(self) -> Device:
        return CPU

    def new_tensor(self, data, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        from .creation import tensor

        return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad, device=device)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        from .creation import zeros

        return zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad, device=device)

    def new_ones(self, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        from .creation import ones

        return ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad, device=device)

    def new_empty(self, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        from .creation import empty

        return empty(*size, dtype=dtype or self.dtype, requires_grad=requires_grad, device=device)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        from .creation import full

        return full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad, device=device)

    nelement = numel

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if type(flag) is not bool:
            raise RuntimeError_("requires_grad must be a bool")
        if self.grad_fn is not None:
            # PyTorch's two messages: only turning it off suggests detach()
            raise RuntimeError_(NONLEAF_REQUIRES_GRAD if not flag else NONLEAF_REQUIRES_GRAD.split(" If")[0])
        if flag and not self.dtype.is_floating_point:
            raise RuntimeError_("only Tensors of floating point and complex dtype can require gradients")
        self._requires_grad = flag

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if type(requires_grad) is not bool:
            kind = type(requires_grad).__name__
            raise TypeError_(f"requires_grad_(): argument 'requires_grad' (position 1) must be bool, not {kind}")
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError_(NONLEAF_REQUIRES_GRAD)
            return self
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError_("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self) -> Tensor | None:
        if self._grad is None and self.grad_fn is not None and not self._retains_grad:
            warn(NONLEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError_(f"assigned grad expected to be a Tensor or None but got grad of type "
                                 f"{type(value).__name__}")
            if value.array.shape != self.array.shape:
                raise RuntimeError_(
                    f"attempting to assign a gradient of size '{list(value.array.shape)}' to a tensor of size "
                    f"'{list(self.array.shape)}'. Please ensure that the gradient and the tensor are the same size"
                )
            if value.dtype is not self.dtype:
                raise RuntimeError_(
                    f"attempting to assign a gradient with dtype '{value.dtype.cpp_name}' to a tensor with grad_dtype "
                    f"'{self.dtype.short_name}'. The gradient must match the tensor's grad_dtype (defaults to the "
                    "tensor's dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or None to "
                    "allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its gradient "
                    "may break downstream systems that assume they match."
                )
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        if not self._requires_grad:
            raise RuntimeError_("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None and not self._retains_grad:
            from .graph import retain

            retain(self.grad_fn, self)
            self._retains_grad = True

    @property
    def data(self) -> Tensor:
        return Tensor._wrap(self.array)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError_(f"Variable data has to be a tensor, but got {type(value).__name__}")
        if self._requires_grad and not value.dtype.is_floating_point:
            raise RuntimeError_("data set to a tensor that requires gradients must be floating point or complex dtype")
        self.array = value.array

    @property
    def T(self) -> Tensor:  # noqa: N802 - PyTorch's name
        return _ops.T(self)

    @property
    def mT(self) -> Tensor:  # noqa: N802 - PyTorch's name
        return _ops.mT(self)

    # ------------------------------------------------------------ conversions

    def item(self):
        if self.array.size != 1:
            raise RuntimeError_(f"a Tensor with {self.array.size} elements cannot be converted to Scalar")
        return self.array.reshape(()).item()

    def tolist(self):
        return self.array.tolist()

    def numpy(self) -> np.ndarray:
        if self._requires_grad:
            raise RuntimeError_(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        return self.array

    def __float__(self) -> float:
        if self._requires_grad:  # PyTorch warns before it looks at the size
            warn_once(SCALAR_OF_GRAD_WARNING, UserWarning, stacklevel=2)
        if self.array.size != 1:
            raise ValueError_("only one element tensors can be converted to Python scalars")
        return float(self.array.reshape(()))

    def __int__(self) -> int:
        if self.array.size != 1:
            raise ValueError_("only one element tensors can be converted to Python scalars")
        return int(self.array.reshape(()))

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self.array.size != 1:
            raise TypeError_("only integer tensors of a single element can be converted to an index")
        return int(self.array.reshape(()))

    def __bool__(self) -> bool:
        if self.array.size != 1:
            many = "no values" if self.array.size == 0 else "more than one value"
            raise RuntimeError_(f"Boolean value of Tensor with {many} is ambiguous")
        return bool(self.array.reshape(()))

    def __len__(self) -> int:
        if self.array.ndim == 0:
            raise TypeError_("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self):
        if self.array.ndim == 0:
            raise TypeError_("iteration over a 0-d tensor")
        return iter(_ops.unbind(self, 0))  # as PyTorch: the rows come from one unbind (UnbindBackward0)

    # By identity, as in PyTorch (`==` is elementwise); object's own hash runs in C, and the
    # backward pass keys its dictionaries by leaf tensors.
    __hash__ = object.__hash__

    # ------------------------------------------------------------ printing

    def __repr__(self) -> str:
        from .printing import tensor_repr

        leaf_flag = self._requires_grad and self.grad_fn is None
        name = type(self.grad_fn).__name__ if self.grad_fn is not None else None  # the class, as PyTorch prints
        tangent = None
        if self._duals and _forward_mode.printed_levels:  # a dual tensor of forward_ad: PyTorch shows its tangent
            found = self._duals.get(_forward_mode.printed_levels[-1])
            tangent = None if found is None else f"{found}"
        text = tensor_repr(self.array, self.dtype.name, requires_grad=leaf_flag, grad_fn_name=name, tangent=tangent)
        return "Parameter containing:\n" + text if getattr(self, "_parameter", False) else text

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        parameter = getattr(self, "_parameter", False)
        if self.array.ndim == 0 and not parameter:  # (PyTorch formats a 0-d Parameter as an object)
            return format(self.array.item(), spec)
        if spec:
            kind = "Parameter" if parameter else "Tensor"
            raise TypeError_(f"unsupported format string passed to {kind}.__format__")
        return repr(self)

    # ------------------------------------------------------------ autograd

    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False, inputs=None) -> None:
        global _run_backward
        if _run_backward is None:  # the engine imports this module: bound on first use, not per call
            from .engine import backward as _run_backward
        _run_backward(self, gradient, retain_graph, create_graph, inputs)

    def allclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        return _ops.allclose(self, other, rtol, atol, equal_nan)

    def isclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
        return _ops.isclose(self, other, rtol, atol, equal_nan)

    def register_hook(self, hook):
        """Call `hook(grad)` when backward computes this tensor's gradient; a tensor it returns
        replaces the gradient. Returns a handle whose remove() takes the hook off."""
        from .hooks import register

        return register(self, hook)

    def detach(self) -> Tensor:
        out = Tensor._wrap(self.array)
        out._version = self._version
        return out

    def detach_(self) -> Tensor:
        if self._base is not None:
            raise RuntimeError_(
                "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) "
                "for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and "
                "hence detach_() cannot be called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
            )
        self.grad_fn = None
        self._requires_grad = False
        return self

    def clone(self) -> Tensor:
        return _ops.clone(self)

    # ------------------------------------------------------------ in place

    def zero_(self) -> Tensor:
        return _ops.fill(self, 0, "ZeroBackward0")

    def uniform_(self, from_=0.0, to=1.0, *, generator=None) -> Tensor:
        from .creation import uniform_

        return uniform_(self, from_, to, generator)

    def normal_(self, mean=0.0, std=1.0, *, generator=None) -> Tensor:
        from .creation import normal_

        return normal_(self, mean, std, generator)

    def fill_(self, value) -> Tensor:
        return _ops.fill(self, value, "FillBackward3" if isinstance(value, Tensor) else "FillBackward2")

    def add_(self, other, alpha=None) -> Tensor:
        return _ops.inplace(self, _ops.add, other, alpha)

    def sub_(self, other, alpha=None) -> Tensor:
        return _ops.inplace(self, _ops.sub, other, alpha)

    mul_ = _in_place("mul_", "mul")
    div_ = _in_place("div_", "div")
    pow_ = _in_place("pow_", "pow")

    def clamp_(self, min=None, max=None) -> Tensor:  # noqa: A002
        return _ops.inplace(self, _ops.clamp, min, max)

    def clamp_min_(self, min) -> Tensor:  # noqa: A002
        return _ops.inplace(self, _ops.clamp_min, min)

    def clamp_max_(self, max) -> Tensor:  # noqa: A002
        return _ops.inplace(self, _ops.clamp_max, max)

    def copy_(self, source) -> Tensor:
        if not isinstance(source, Tensor):
            raise TypeError_(f"copy_(): argument 'other' (position 1) must be Tensor, not {type(source).__name__}")
        return _ops.inplace(self, _ops.copy_values, source)

    __iadd__ = _in_place("__iadd__", "add")
    __isub__ = _in_place("__isub__", "sub")
    __imul__ = _in_place("__imul__", "mul")
    __itruediv__ = _in_place("__itruediv__", "div")
    __ifloordiv__ = _in_place("__ifloordiv__", "floor_divide")
    __imod__ = _in_place("__imod__", "remainder")
    __ipow__ = _in_place("__ipow__", "pow")

    def __getitem__(self, key) -> Tensor:
        return _ops.index(self, key)

    def __setitem__(self, key, value) -> None:
        _ops.setitem(self, key, value)

    # ------------------------------------------------------------ operators

    __add__ = _tensor_operator("add")
    __radd__ = _operator("add", reflected=True)
    __sub__ = _operator("sub")
    __rsub__ = _operator("rsub")  # rsub(self, other) is other - self
    __mul__ = _tensor_operator("mul")
    __rmul__ = _operator("mul", reflected=True)
    __truediv__ = _operator("div")
    __rtruediv__ = _operator("rdiv")  # rdiv(self, other) is other / self
    __floordiv__ = _operator("floor_divide")
    __rfloordiv__ = _operator("floor_divide", reflected=True)
    __mod__ = _operator("remainder")
    __rmod__ = _operator("remainder", reflected=True)
    __pow__ = _operator("pow")
    __rpow__ = _operator("rpow")  # rpow(self, other) is other ** self
    __matmul__ = _operator("matmul", tensors_only=True)
    __rmatmul__ = _operator("matmul", reflected=True, tensors_only=True)
    __and__ = __rand__ = _operator("bitwise_and")
    __or__ = __ror__ = _operator("bitwise_or")
    __xor__ = __rxor__ = _operator("bitwise_xor")
    __eq__ = _operator("eq")  # type: ignore[assignment]
    __ne__ = _operator("ne")  # type: ignore[assignment]
    __lt__ = _operator("lt")
    __le__ = _operator("le")
    __gt__ = _operator("gt")
    __ge__ = _operator("ge")

    def __neg__(self):
        return _ops.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops.abs(self)

    def __invert__(self):
        return _ops.bitwise_not(self)

    # ------------------------------------------------------------ methods that mirror torch functions

    def sum(self, dim=None, keepdim=False, dtype=None):
        return _ops.sum(self, dim, keepdim, dtype)

    def mean(self, dim=None, keepdim=False, dtype=None):
        return _ops.mean(self, dim, keepdim, dtype)

    def max(self, dim=None, keepdim=False):
        return _ops.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return _ops.min(self, dim, keepdim)

    def amax(self, dim=None, keepdim=False):
        return _ops.amax(self, dim, keepdim)

    def amin(self, dim=None, keepdim=False):
        return _ops.amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _ops.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return _ops.argmin(self, dim, keepdim)

    def norm(self, p=2, dim=None, keepdim=False, dtype=None):
        return _ops.norm(self, p, dim, keepdim, dtype)

    def var(self, *args, **kwargs):
        return _ops.var(self, *args, **kwargs)

    def std(self, *args, **kwargs):
        return _ops.std(self, *args, **kwargs)

    def pow(self, exponent):
        return _ops.pow(self, exponent)

    def square(self):
        return _ops.square(self)

    def exp(self):
        return _ops.exp(self)

    def log(self):
        return _ops.log(self)

    def log1p(self):
        return _ops.log1p(self)

    def sin(self):
        return _ops.sin(self)

    def cos(self):
        return _ops.cos(self)

    def tan(self):
        return _ops.tan(self)

    def tanh(self):
        return _ops.tanh(self)

    def sigmoid(self):
        return _ops.sigmoid(self)

    def relu(self):
        return _ops.relu(self)

    def sqrt(self):
        return _ops.sqrt(self)

    def rsqrt(self):
        return _ops.rsqrt(self)

    def prod(self, dim=None, keepdim=False, dtype=None):
        return _ops.prod(self, dim, keepdim, dtype)

    def dist(self, other, p=2):
        return _ops.dist(self, other, p)

    def index_select(self, dim, index):
        return _ops.index_select(self, dim, index)

    def gather(self, dim, index):
        return _ops.gather(self, dim, index)

    def diag(self, diagonal=0):
        return _ops.diag(self, diagonal)

    def trace(self):
        return _ops.trace(self)

    def repeat(self, *sizes):
        return _ops.repeat(self, *sizes)

    def tile(self, *sizes):
        return _ops.tile(self, *sizes)

    def tril(self, diagonal=0):
        return _ops.tril(self, diagonal)

    def triu(self, diagonal=0):
        return _ops.triu(self, diagonal)

    def roll(self, shifts, dims=None):
        return _ops.roll(self, shifts, dims)

    def cross(self, other, dim=None):
        return _ops.cross(self, other, dim)

    def erf(self):
        return _ops.erf(self)

    def erfc(self):
        return _ops.erfc(self)

    def asinh(self):
        return _ops.asinh(self)

    def acosh(self):
        return _ops.acosh(self)

    def atanh(self):
        return _ops.atanh(self)

    def floor(self):
        return _ops.floor(self)

    def ceil(self):
        return _ops.ceil(self)

    def trunc(self):
        return _ops.trunc(self)

    def frac(self):
        return _ops.frac(self)

    def round(self, *, decimals=None):
        return _ops.round(self, decimals=decimals)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return _ops.nan_to_num(self, nan, posinf, neginf)

    def isinf(self):
        return _ops.isinf(self)

    def isfinite(self):
        return _ops.isfinite(self)

    def diff(self, n: int = 1, dim: int = -1, prepend=None, append=None):
        return _ops.diff(self, n, dim, prepend, append)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool | None = None):
        return _ops.sort(self, dim, descending, stable)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        return _ops.argsort(self, dim, descending, stable)

    def msort(self):
        return _ops.msort(self)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
        return _ops.topk(self, k, dim, largest, sorted)

    # In place: the op's result written back, as PyTorch's `op_` (recorded as the op itself).
    def round_(self, *, decimals=None) -> Tensor:
        return _ops.inplace(self, lambda x: _ops.round(x, decimals=decimals))

    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None) -> Tensor:
        return _ops.inplace(self, lambda x: _ops.nan_to_num(x, nan, posinf, neginf))

    def atan2(self, other):
        return _ops.atan2(self, _ops.tensor_argument("atan2", "other", 1, other))

    def hypot(self, other):
        return _ops.hypot(self, _ops.tensor_argument("hypot", "other", 1, other))

    def lerp(self, end, weight):
        return _ops.lerp(self, end, weight)

    def addcmul(self, tensor1, tensor2, *, value=1):
        return _ops.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        return _ops.addcdiv(self, tensor1, tensor2, value=value)

    def lerp_(self, end, weight) -> Tensor:
        return _ops.inplace(self, _ops.lerp, end, weight)

    def addcmul_(self, tensor1, tensor2, *, value=1) -> Tensor:
        return _ops.inplace(self, lambda x, a, b: _ops.addcmul(x, a, b, value=value), tensor1, tensor2)

    def addcdiv_(self, tensor1, tensor2, *, value=1) -> Tensor:
        return _ops.inplace(self, lambda x, a, b: _ops.addcdiv(x, a, b, value=value), tensor1, tensor2)

    def cumsum(self, dim, dtype=None):
        return _ops.cumsum(self, dim, dtype)

    def median(self, dim=None, keepdim: bool = False):
        return _ops.median(self, dim, keepdim)

    def cumprod(self, dim, dtype=None):
        return _ops.cumprod(self, dim, dtype)

    def logsumexp(self, *args, **kwargs):  # PyTorch's own message when `dim` is left out
        return _ops.logsumexp(self, *args, **kwargs)

    def flip(self, *dims):
        return _ops.flip(self, *dims)

    def outer(self, vec2):
        return _ops.outer(self, vec2)

    def masked_fill(self, mask, value):
        return _ops.masked_fill(self, mask, value)

    def masked_fill_(self, mask, value):
        return _ops.inplace(self, _ops.masked_fill, mask, value)

    def exp2(self):
        return _ops.exp2(self)

    def expm1(self):
        return _ops.expm1(self)

    def log2(self):
        return _ops.log2(self)

    def log10(self):
        return _ops.log10(self)

    def sinh(self):
        return _ops.sinh(self)

    def cosh(self):
        return _ops.cosh(self)

    def asin(self):
        return _ops.asin(self)

    def acos(self):
        return _ops.acos(self)

    def atan(self):
        return _ops.atan(self)

    def abs(self):
        return _ops.abs(self)

    def neg(self):
        return _ops.neg(self)

    def reciprocal(self):
        return _ops.reciprocal(self)

    def sign(self):
        return _ops.sign(self)

    def clamp(self, min=None, max=None):  # noqa: A002
        return _ops.clamp(self, min, max)

    clip = clamp

    def clamp_min(self, min):  # noqa: A002
        return _ops.clamp_min(self, min)

    def clamp_max(self, max):  # noqa: A002
        return _ops.clamp_max(self, max)

    def softmax(self, *args, **kwargs):
        return _ops.softmax(self, *args, **kwargs)

    def log_softmax(self, *args, **kwargs):
        return _ops.log_softmax(self, *args, **kwargs)

    def add(self, other, alpha=None):
        return _ops.add(self, other, alpha)

    def sub(self, other, alpha=None):
        return _ops.sub(self, other, alpha)

    def mul(self, other):
        return _ops.mul(self, other)

    def div(self, other, rounding_mode=None):
        return _ops.div(self, other, rounding_mode)

    def maximum(self, other):
        return _ops.maximum(self, _ops.tensor_argument("maximum", "other", 1, other))

    def minimum(self, other):
        return _ops.minimum(self, _ops.tensor_argument("minimum", "other", 1, other))

    def dot(self, other):
        return _ops.dot(self, other)

    def matmul(self, other):
        return _ops.matmul(self, other)

    def mm(self, other):
        return _ops.mm(self, other)

    def mv(self, other):
        return _ops.mv(self, other)

    def reshape(self, *shape):
        return _ops.reshape(self, *shape)

    def view(self, *shape):
        return _ops.view(self, *shape)

    def view_as(self, other):
        if not isinstance(other, Tensor):
            raise TypeError_(f"view_as(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}")
        return _ops.view(self, other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return _ops.flatten(self, start_dim, end_dim)

    def squeeze(self, dim=None):
        return _ops.squeeze(self, dim)

    def unsqueeze(self, dim):
        return _ops.unsqueeze(self, dim)

    def expand(self, *sizes):
        return _ops.expand_view(self, *sizes)

    def expand_as(self, other):
        return _ops.expand_view(self, tuple(other.shape))

    def permute(self, *dims):
        return _ops.permute(self, *dims)

    def transpose(self, dim0, dim1):
        return _ops.transpose(self, dim0, dim1)

    def t(self):
        return _ops.t(self)

    def split(self, split_size, dim=0):
        return _ops.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return _ops.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return _ops.unbind(self, dim)

    def narrow(self, dim, start, length):
        return _ops.narrow(self, dim, start, length)

    def select(self, dim, index):
        return _ops.select(self, dim, index)

    def contiguous(self) -> Tensor:
        return _ops.contiguous(self)

    def is_contiguous(self) -> bool:
        return bool(self.array.flags.c_contiguous)

    def cpu(self):
        return self

    def to(self, *args, **kwargs):
        """PyTorch's forms: to(dtype), to(device, dtype), to(other) (other's dtype), with copy=
        for a new tensor even when nothing changes."""
        like = next((a for a in args if isinstance(a, Tensor)), kwargs.get("other"))
        dtype = kwargs.get("dtype") or next((a for a in args if isinstance(a, dtypes.DType)), None)
        if like is not None:
            dtype = like.dtype
        for place in [kwargs.get("device"), *[a for a in args if isinstance(a, (str, Device))]]:
            on_cpu(place)
        return _ops.to(self, dtype, copy=bool(kwargs.get("copy")))

    def cuda(self, *args, **kwargs):
        on_cpu("cuda")

    def type_as(self, other):
        return _ops.to(self, other.dtype)

    def float(self):
        return _ops.to(self, dtypes.float32)

    def double(self):
        return _ops.to(self, dtypes.float64)

    def long(self):
        return _ops.to(self, dtypes.int64)

    def int(self):
        return _ops.to(self, dtypes.int32)

    def bool(self):
        return _ops.to(self, dtypes.bool_)

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def all(self, dim=None, keepdim: bool = False):
        return _ops.all(self, dim, keepdim)

    def any(self, dim=None, keepdim: bool = False):
        return _ops.any(self, dim, keepdim)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return _ops.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def bmm(self, other):
        return _ops.bmm(self, other)

    def remainder(self, other):
        return _ops.remainder(self, other)

    def fmod(self, other):
        return _ops.fmod(self, other)

    def equal(self, other) -> bool:
        return _ops.equal(self, other)

    def count_nonzero(self, dim=None):
        return _ops.count_nonzero(self, dim)

    def ravel(self):
        return _ops.ravel(self)

    def reshape_as(self, other):
        return _ops.reshape_as(self, other)

    def swapaxes(self, axis0, axis1):
        return _ops.swapaxes(self, axis0, axis1)

    swapdims = swapaxes

    def movedim(self, source, destination):
        return _ops.movedim(self, source, destination)

    moveaxis = movedim

    def broadcast_to(self, size):
        return _ops.broadcast_to(self, size)

    def masked_select(self, mask):
        return _ops.masked_select(self, mask)

    def logical_and(self, other):
        return _ops.logical_and(self, other)

    def logical_or(self, other):
        return _ops.logical_or(self, other)

    def logical_xor(self, other):
        return _ops.logical_xor(self, other)

    def type(self, dtype=None):
        """With no argument PyTorch's legacy type name ('torch.FloatTensor'); else the tensor
        converted to `dtype` (a dtype or such a name)."""
        if dtype is None:
            return f"torch.{self.dtype.legacy_name}"
        if isinstance(dtype, str):
            named = {f"torch.{d.legacy_name}": d for d in dtypes.ALL}.get(dtype)
            if named is None:
                raise ValueError_(f"invalid type: '{dtype}'")
            dtype = named
        return _ops.to(self, dtype)

    def eq(self, other):
        return _ops.eq(self, other)

    def ne(self, other):
        return _ops.ne(self, other)

    def lt(self, other):
        return _ops.lt(self, other)

    def le(self, other):
        return _ops.le(self, other)

    def gt(self, other):
        return _ops.gt(self, other)

    def ge(self, other):
        return _ops.ge(self, other)

    def logical_not(self):
        return _ops.logical_not(self)

    def isnan(self):
        return _ops.isnan(self)

    def where(self, condition, other):
        return _ops.where(condition, self, other)

    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,  # noqa: A002
               dim: int | None = None):
        return _ops.unique(self, sorted, return_inverse, return_counts, dim)

    def argwhere(self) -> Tensor:
        return _ops.nonzero(self)

    def xlogy(self, other) -> Tensor:
        return _ops.xlogy(self, other)

    def logaddexp(self, other) -> Tensor:
        return _ops.logaddexp(self, other)

    def logit(self, eps=None) -> Tensor:
        return _ops.logit(self, eps)

    def deg2rad(self) -> Tensor:
        return _ops.deg2rad(self)

    def rad2deg(self) -> Tensor:
        return _ops.rad2deg(self)

    def nansum(self, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
        return _ops.nansum(self, dim, keepdim, dtype)

    def nanmean(self, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
        return _ops.nanmean(self, dim, keepdim, dtype)

    def positive(self) -> Tensor:
        return _ops.positive(self)

    greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne

    def nonzero(self, *, as_tuple: bool = False):
        return _ops.nonzero(self, as_tuple=as_tuple)


# More of PyTorch's in-place methods: each writes its op's result into self, recorded as that op.
for _name in ("exp", "log", "sqrt", "abs", "neg", "reciprocal", "sigmoid", "tanh", "relu", "floor", "ceil", "trunc",
              "frac", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "log2",
              "log10", "log1p", "expm1", "exp2", "rsqrt", "erf", "erfc", "sign", "square", "deg2rad", "rad2deg",
              "logical_not"):
    setattr(Tensor, _name + "_", _in_place(_name + "_", _name, takes_other=False))
for _name in ("fmod", "remainder", "atan2", "hypot", "xlogy", "floor_divide", "eq", "ne", "lt", "le", "gt", "ge",
              "logical_and", "logical_or", "logical_xor"):
    setattr(Tensor, _name + "_", _in_place(_name + "_", _name))
for _alias, _name in (("absolute_", "abs_"), ("negative_", "neg_"), ("arccos_", "acos_"), ("arcsin_", "asin_"),
                      ("arctan_", "atan_"), ("arccosh_", "acosh_"), ("arcsinh_", "asinh_"), ("arctanh_", "atanh_"),
                      ("arctan2_", "atan2_"), ("clip_", "clamp_"), ("fix_", "trunc_"), ("multiply_", "mul_"),
                      ("divide_", "div_"), ("true_divide_", "div_"), ("subtract_", "sub_"), ("greater_", "gt_"),
                      ("greater_equal_", "ge_"), ("less_", "lt_"), ("less_equal_", "le_"), ("not_equal_", "ne_")):
    setattr(Tensor, _alias, getattr(Tensor, _name))

# The reductions and dim-taking ops that PyTorch also lets numpy's keywords name: axis= for dim=,
# keepdims= for keepdim= (`x.sum(axis=0, keepdims=True)`), for methods and torch functions alike.
NUMPY_KEYWORD_OPS = (
    "sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "std", "var", "all", "any",
    "logsumexp", "norm", "cumsum", "cumprod", "median", "count_nonzero", "softmax", "log_softmax", "squeeze",
    "unsqueeze", "cat", "concat", "concatenate", "stack",
)


def numpy_keywords(function):
    """`function` taking axis= and keepdims= as its dim= and keepdim=."""
    name = function.__name__

    def call(*args, **kwargs):
        if kwargs:
            for numpy_name, torch_name in (("axis", "dim"), ("keepdims", "keepdim")):
                if numpy_name in kwargs:
                    if torch_name in kwargs:  # (PyTorch's message for both at once)
                        raise TypeError_(f"{name}() got an unexpected keyword argument '{numpy_name}'")
                    kwargs[torch_name] = kwargs.pop(numpy_name)
        return function(*args, **kwargs)

    call.__name__, call.__qualname__, call.__doc__ = name, function.__qualname__, function.__doc__
    return call


for _name in NUMPY_KEYWORD_OPS:
    if _name in Tensor.__dict__:
        setattr(Tensor, _name, numpy_keywords(Tensor.__dict__[_name]))

from . import forward_mode as _forward_mode  # noqa: E402
from . import ops as _ops  # noqa: E402 - ops needs Tensor defined first
from .graph import apply as _apply  # noqa: E402
