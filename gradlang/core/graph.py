"""The backward graph: nodes, saved tensors, and `apply`, which runs one primitive.

A node refers only to older things (its inputs' nodes, the leaves it feeds, the tensors
it saved), never to the tensor it produced, so a graph holds no reference cycle and is
freed by reference counting the moment its last tensor goes. A node that needs its own
output saves the output's buffer and rebuilds a tensor around it on demand.
"""

from __future__ import annotations

import itertools
import weakref
from typing import TYPE_CHECKING

import numpy as np

from ..errors import RuntimeError_
from . import forward_mode
from .dtypes import _BY_NUMPY as _DTYPE_OF
from .grad_mode import _state as _grad_state

if TYPE_CHECKING:
    from .primitives import Primitive
    from .tensor import Tensor

BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they "
    "have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)

_creation_count = itertools.count()
_FREED = object()  # marks a node whose saved tensors were released by backward
# The version box of a tensor that an op made from a Python number for itself (ops.promotion._binary):
# nothing else can reach such a tensor, so a node saves its array alone, without a version to
# check, and the tensor dies with the op.
CONSTANT_VERSION = [0]


class Node:
    """One recorded primitive call: what backward needs to send gradients to its inputs."""

    __slots__ = ("prim", "_name", "edges", "saved", "params", "input_meta", "retained", "hooks", "order",
                 "__weakref__")

    # Made only by apply, which sets every slot without an __init__ call (hot path):
    # - order: the negated creation count. A node is newer than every node it has an edge to,
    #   so backward runs nodes smallest `order` first and each then has all its gradient
    #   (PyTorch's sequence numbers), with no pass over the graph to count its edges first.
    # - edges: per input, its grad_fn node, the leaf tensor to accumulate into, or None (no grad needed).
    # - saved: what was saved (None when the rule needs nothing, _FREED after backward), a flat
    #   tuple of pairs: an input tensor itself and the version it had then (no wrapper object
    #   per saved input: fewer objects for the garbage collector to walk), the array of a
    #   constant operand and None, a SavedOutput and its version, or None and 0 for an input
    #   that no gradient needs.
    # - input_meta: per input, (shape, numpy dtype); numpy dtypes are not tracked by the garbage
    #   collector, so neither are these tuples once it has seen them (a deep graph stays cheap).
    # - retained: a weakref to the output tensor once retain_grad() was called, else None.
    # - hooks: the output's gradient hooks (hooks.py), else None.

    def name(self) -> str:
        """PyTorch's name() for the node: C++ nodes outside the generated ones are namespaced."""
        return _CPP_NODES.get(self._name, self._name)

    def needs_grad(self, index: int) -> bool:
        return self.edges[index] is not None

    def input_shape(self, index: int) -> tuple:
        return self.input_meta[index][0]

    def input_dtype(self, index: int):
        return _DTYPE_OF[self.input_meta[index][1]]

    def saved_tensors(self) -> tuple:
        """The tensors the rule saved, checked against later in-place changes."""
        saved = self.saved
        if saved is _FREED:
            raise RuntimeError_(BACKWARD_TWICE)
        if saved is None:
            return ()
        unpacked = []
        for record, version in zip(saved[::2], saved[1::2]):
            if record is None or type(record) is SavedOutput:
                unpacked.append(record and record.unpack(self))
            elif version is None:  # a constant's array
                unpacked.append(_Tensor._wrap(record))
            elif record._version[0] != version:
                raise version_error(record, version, record.grad_fn)
            else:
                unpacked.append(record)
        return tuple(unpacked)

    def saved_values(self) -> list:
        """saved_tensors() as bare numpy values for the array rules (0-d ones as numpy scalars)."""
        saved = self.saved
        if saved is _FREED:
            raise RuntimeError_(BACKWARD_TWICE)
        if saved is None:
            return ()
        values = []
        pairs = iter(saved)
        for record in pairs:
            version = next(pairs)
            if record is None:
                values.append(None)
                continue
            kind = type(record)
            if kind is SavedOutput:
                if record.version_box[0] != record.version:
                    record.unpack(self)  # raises the version error
                array = record.array
            elif version is None:  # a constant's array
                array = record
            elif record._version[0] != version:
                raise version_error(record, version, record.grad_fn)
            else:
                array = record.array
            values.append(array[()] if array.shape == () else array)
        return values

    def release(self) -> None:
        if self.saved is not None:
            self.saved = _FREED

    @property
    def next_functions(self) -> tuple:
        from .tensor import Tensor

        result = []
        scalar_operand = self._name in _SCALAR_OPERAND_NODES
        for edge, (_, dtype) in zip(self.edges, self.input_meta):
            if edge is None:
                # a bool input is a mask (where's condition), which PyTorch does not count as an input
                if not scalar_operand and dtype != np.bool_:
                    result.append((None, 0))
            elif isinstance(edge, Tensor):
                result.append((AccumulateGrad(edge), 0))
            else:
                result.append((edge, 0))
        return tuple(result)

    def __repr__(self) -> str:
        return f"<{self._name}>"


_NODE_CLASSES: dict[str, type[Node]] = {}
# Nodes of PyTorch overloads that take their number as a Scalar, not as a tensor input: their
# next_functions have no entry for it (`1 - x` is rsub(x, 1): RsubBackward1 has one edge).
_SCALAR_OPERAND_NODES = frozenset({"RsubBackward1", "PowBackward2", "MaskedFillBackward0", "TrilBackward0",
                                   "TriuBackward0", "MulBackward1", "AddBackward1", "SubBackward1", "DivBackward1"})
# Nodes PyTorch writes by hand in C++ (not generated from derivatives.yaml): name() says so.
_CPP_NODES = {name: f"torch::autograd::{name}" for name in ("CopySlices", "CopyBackwards")}


def node_class(name: str) -> type[Node]:
    """The Node subclass named like PyTorch's backward class (`type(y.grad_fn).__name__`)."""
    cls = _NODE_CLASSES.get(name)
    if cls is None:
        cls = _NODE_CLASSES[name] = type(name, (Node,), {"__slots__": (), "__module__": __name__})
    return cls


def rename(node: Node, name: str) -> None:
    """Give a recorded node the name PyTorch uses for the composite op that made it."""
    node._name = name
    node.__class__ = node_class(name)


def renamed(out: Tensor, name: str) -> Tensor:
    """`out`, its node (if it was recorded) named `name`: for an op made of others."""
    if out.grad_fn is not None:
        rename(out.grad_fn, name)
    return out


class AccumulateGrad:
    """How a leaf shows up in `next_functions` (gradients for it are accumulated, not passed on)."""

    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    next_functions = ()

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


class SavedOutput:
    """A node's own output, kept as its buffer so that the node does not own its tensor.

    Its forward-mode tangents are kept too: backward run inside `jvp` (forward-over-reverse,
    as in `hessian`) differentiates the rules that use the output."""

    __slots__ = ("array", "version_box", "version", "duals")

    def __init__(self, tensor: Tensor) -> None:
        self.array = tensor.array
        self.version_box = tensor._version
        self.version = tensor._version[0]
        self.duals = tensor._duals

    def unpack(self, node: Node) -> Tensor:
        from .tensor import Tensor

        if self.version_box[0] != self.version:
            out = Tensor._wrap(self.array)
            out._version = self.version_box
            raise version_error(out, self.version, node)
        out = Tensor._wrap(self.array)
        out._version = self.version_box
        out.grad_fn = node
        out._requires_grad = True
        out._duals = self.duals
        return out


def version_error(tensor: Tensor, expected: int, producer: Node | None) -> RuntimeError_:
    shape = ", ".join(str(n) for n in tensor.array.shape)
    # PyTorch names a bool tensor by its C++ type, the others by their legacy class
    kind = "CPUBoolType" if tensor.dtype.short_name == "Bool" else f"torch.{tensor.dtype.legacy_name}"
    what = f"[{kind} [{shape}]]"
    if producer is not None:
        name = producer._name
        op, _, overload = name.rpartition("Backward")
        # PyTorch names the op without "Backward0" (MaxBackward1 is Max1); other nodes by their C++ name
        op = op + overload.lstrip("0") if op and overload.isdigit() else f"torch::autograd::{name}"
        what += f", which is output 0 of {op},"
    return RuntimeError_(
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"{what} is at version {tensor._version[0]}; expected version {expected} instead. Hint: enable "
        "anomaly detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


_ndarray = np.ndarray
_asarray = np.asarray
_new = object.__new__
_active_levels = forward_mode.active_levels  # the list itself: forward mode changes it in place
_Tensor = None  # the Tensor class, bound on first use (tensor.py imports this module)
_NO_PARAMS: dict = {}  # what a node without parameters holds (never written to)


def apply(prim: Primitive, inputs: tuple, params: dict | None = None, name: str | None = None) -> Tensor:
    """Run a primitive forward; record a node when grad mode is on and an input requires grad.

    Every op and every backward rule comes through here: plain code and local names, because
    its overhead is most of the cost of a scalar program."""
    global _Tensor
    count = len(inputs)
    if count == 2:
        a, b = inputs[0].array, inputs[1].array
        if prim.elementwise and not a.shape and not b.shape:
            a, b = a[()], b[()]  # numpy scalars: the same arithmetic at a fraction of a 0-d array's cost
        data = prim.forward(a, b, **params) if params else prim.forward(a, b)
    elif count == 1:
        a = inputs[0].array
        if prim.elementwise and not a.shape:
            a = a[()]
        data = prim.forward(a, **params) if params else prim.forward(a)
    else:
        data = prim.forward(*[t.array for t in inputs], **(params or _NO_PARAMS))
    if type(data) is not _ndarray:
        data = _asarray(data)
    if _Tensor is None:
        from .tensor import Tensor as _Tensor
    # Tensor._wrap, inlined
    result = _new(_Tensor)
    result.array = data
    result._requires_grad = False
    result.grad_fn = None
    result._grad = None
    result._version = [0]
    result._retains_grad = False
    result._duals = None
    result._base = None
    if _active_levels:
        # Before recording: a node that saves its output saves the output's tangents too.
        forward_mode.propagate(prim, inputs, params or {}, result)
    if not _grad_state.enabled:
        return result
    for t in inputs:
        if t._requires_grad:
            break
    else:
        return result
    # Record the node (inline, not a call: this is most of a scalar program's cost).
    if params is None:
        params = _NO_PARAMS
    if len(inputs) == 2:
        a, b = inputs
        edges = ((a.grad_fn or a) if a._requires_grad else None, (b.grad_fn or b) if b._requires_grad else None)
        a, b = a.array, b.array
        meta = ((a.shape, a.dtype), (b.shape, b.dtype))
    elif len(inputs) == 1:
        (a,) = inputs
        edges = ((a.grad_fn or a) if a._requires_grad else None,)
        a = a.array
        meta = ((a.shape, a.dtype),)
    else:
        edges = tuple([(t.grad_fn or t) if t._requires_grad else None for t in inputs])
        meta = tuple([(t.array.shape, t.array.dtype) for t in inputs])
    saved = None
    plan = prim.save_inputs
    if plan:
        # An input is saved only when the gradient of an input that requires grad needs it. The
        # two commonest plans are written out: they are most of a scalar program's recording.
        if plan is _FIRST and prim.saved_for is _ALWAYS:  # log, clamp, exp, …: the input itself
            t = inputs[0]
            box = t._version
            saved = (t.array, None) if box is CONSTANT_VERSION else (t, box[0])
        elif prim.saved_for is _CROSSED:  # a product: each input for the other's gradient
            a, b = inputs
            if edges[1] is None:
                first, first_version = None, 0
            elif a._version is CONSTANT_VERSION:
                first, first_version = a.array, None
            else:
                first, first_version = a, a._version[0]
            if edges[0] is None:
                saved = (first, first_version, None, 0)
            elif b._version is CONSTANT_VERSION:
                saved = (first, first_version, b.array, None)
            else:
                saved = (first, first_version, b, b._version[0])
        else:
            saved = _saved_inputs(prim, inputs, edges)
    if prim.save_output:
        record = SavedOutput(result)
        saved = (record, record.version) if saved is None else saved + (record, record.version)
    if name is None:
        name = prim.node_name
    node = _new(_NODE_CLASSES.get(name) or node_class(name))
    node.order = -next(_creation_count)
    node.prim = prim
    node._name = name
    node.edges = edges
    node.saved = saved
    node.params = params
    node.input_meta = meta
    node.retained = None
    node.hooks = None
    result.grad_fn = node
    result._requires_grad = True
    return result


# Save plans apply writes out (primitives.define makes equal plans these very objects).
_FIRST, _ALWAYS, _CROSSED = (0,), (None,), ((1,), (0,))


def _saved_inputs(prim: Primitive, inputs: tuple, edges: tuple) -> tuple:
    """The flat (record, version) pairs of the inputs `prim` saves for the gradients needed."""
    kept = []
    for i, users in zip(prim.save_inputs, prim.saved_for):
        if users is not None:
            for j in users:
                if edges[j] is not None:
                    break
            else:
                kept += (None, 0)
                continue
        t = inputs[i]
        box = t._version
        kept += (t.array, None) if box is CONSTANT_VERSION else (t, box[0])
    return tuple(kept)


def retain(node: Node, tensor: Tensor) -> None:
    node.retained = weakref.ref(tensor)
