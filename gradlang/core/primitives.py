"""The primitive registry: each primitive's forward, reverse rule (VJP) and forward rule (JVP).

Forward functions work on numpy arrays. Both rules are written with the differentiable
ops of `ops`, so backward can itself be recorded (create_graph=True) and forward mode can
run through a backward pass: higher derivatives come for free.

    vjp(node, g)                 -> one gradient (or None) per input
    jvp(primals, tangents, **p)  -> the output's tangent

A primitive may also carry `vjp_array(node, g, **p)`: the same reverse rule on bare numpy
values (0-d ones as numpy scalars), with the same operations in the same order, so that its
results are bit-identical. Backward uses it when nothing is recorded (no create_graph, no
forward-mode level); it returns None to leave a case to `vjp`.

`node.saved_tensors()` returns the inputs listed in `save_inputs`, then the output when
`save_output` is set; a rule saves nothing else, so nodes that save nothing may be
backpropagated twice, as in PyTorch. `saved_for` says, per saved input, which inputs'
gradients need it: like PyTorch, `x * w` saves `x` only when `w` requires grad (so an
in-place change of `x` later is no error), and the rule then sees None in its place.
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Callable

import numpy as np

from ..errors import NotImplementedError_, RuntimeError_
from . import grad_mode, ops, rounding, summation
from .graph import _ALWAYS, _CROSSED, _FIRST, apply, renamed
from .ops.dims import reduced_count

PRIMITIVES: dict[str, Primitive] = {}


class Primitive:
    """One primitive: its forward on numpy arrays, its VJP and JVP rules, what backward saves."""

    __slots__ = ("name", "forward", "vjp", "jvp", "node_name", "save_inputs", "save_output", "saved_for",
                 "vjp_array", "elementwise")

    def __init__(self, name: str, forward: Callable, vjp: Callable, jvp: Callable, node_name: str,
                 save_inputs: tuple[int, ...] = (), save_output: bool = False,
                 saved_for: tuple[tuple[int, ...] | None, ...] = (), vjp_array: Callable | None = None,
                 elementwise: bool = False) -> None:
        facts = {
            "name": name, "forward": forward, "vjp": vjp, "jvp": jvp, "node_name": node_name,
            "save_inputs": save_inputs, "save_output": save_output,
            # Aligned with save_inputs: the inputs whose gradients use each saved input (None: always saved).
            "saved_for": saved_for,
            "vjp_array": vjp_array,  # the VJP on numpy values, used when backward records nothing
            # The forward computes new values element by element (never a view of an input), and
            # quicker on numpy scalars than on 0-d arrays (Python operators, one-input ufuncs), so
            # graph.apply hands it 0-d inputs as scalars: the same arithmetic.
            "elementwise": elementwise,
        }
        for key, value in facts.items():
            object.__setattr__(self, key, value)

    def __setattr__(self, key: str, value) -> None:
        raise AttributeError(f"primitive '{self.name}' is immutable: register a new one with define()")

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"



class _ScalarsOf(dict):
    """dtype -> the numpy scalar `value` of that dtype, made on first use (making one costs
    ~0.25 us, more than the scalar arithmetic it is for)."""

    def __init__(self, value: int) -> None:
        super().__init__()
        self.value = value

    def __missing__(self, dtype):
        made = self[dtype] = dtype.type(self.value)
        return made


_ZERO, _ONE, _TWO = _ScalarsOf(0), _ScalarsOf(1), _ScalarsOf(2)


def takes_missing_tangents(jvp: Callable) -> Callable:
    """Mark a JVP rule that is given None for an input without a tangent (forward_mode.py)."""
    jvp.takes_missing = True
    return jvp


def _sum_of_terms(*terms: Callable) -> Callable:
    """A JVP rule with one term per input, `term(primals, tangent, **params)`, summed over the
    inputs that carry a tangent: the others are left out, as in PyTorch (a missing tangent is no
    zero: a zero would make 0 * inf a NaN)."""

    @takes_missing_tangents
    def jvp(p, t, **params):
        total = None
        for tangent, term in zip(t, terms):
            if tangent is not None:
                part = term(p, tangent, **params)
                total = part if total is None else ops.add(total, part)
        return total

    return jvp

def define(name: str, forward, vjp, jvp, node_name: str, save_inputs=(), save_output=False,
           saved_for=None, vjp_array=None, elementwise=False) -> Primitive:
    users = saved_for or {}
    save_inputs, saved_for = tuple(save_inputs), tuple(users.get(i) for i in save_inputs)
    # The plans graph.apply writes out are recognised there by identity.
    if save_inputs == _FIRST and saved_for == _ALWAYS:
        save_inputs, saved_for = _FIRST, _ALWAYS
    elif save_inputs == (0, 1) and saved_for == _CROSSED:
        saved_for = _CROSSED
    prim = Primitive(name, forward, vjp, jvp, node_name, save_inputs, save_output, saved_for, vjp_array,
                     elementwise)
    PRIMITIVES[name] = prim
    return prim


def _mask(condition: np.ndarray, like) -> object:
    """A constant 0/1 tensor of `like`'s dtype: a derivative's piecewise factor."""
    return ops.constant(condition.astype(like.dtype.numpy, copy=False))


def _keep(condition: np.ndarray, g):
    """`g` where `condition` holds and +0 elsewhere, as PyTorch fills zeros (`g * 0` could give -0)."""
    return ops.where(ops.constant(np.broadcast_to(condition, g.shape)), g, 0)


# The array rules' counterparts of ops.sum_to and _keep.
def _sum_to_value(g, shape):
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    dims = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1)
    out = np.asarray(_sum_forward(np.asarray(g), dims, True)) if dims else g
    return out.reshape(shape) if out.shape != shape else out


def _keep_value(condition, g):
    zero = np.asarray(0, dtype=g.dtype)
    return np.where(np.broadcast_to(condition, g.shape), g, zero)


def _binary_values(node, ga, gb):
    """_binary_grads for the array rules: gradients (or None) summed back to the inputs' shapes."""
    meta = node.input_meta
    if ga is not None and ga.shape != meta[0][0]:
        ga = _sum_to_value(ga, meta[0][0])
    if gb is not None and gb.shape != meta[1][0]:
        gb = _sum_to_value(gb, meta[1][0])
    return ga, gb


# ---------------------------------------------------------------- arithmetic


def _binary_grads(node, grad_a, grad_b):
    """Sum each input's gradient back to that input's (pre-broadcast) shape."""
    edges, meta = node.edges, node.input_meta
    ga = gb = None
    if edges[0] is not None:
        ga = grad_a()
        if ga.array.shape != meta[0][0]:
            ga = ops.sum_to(ga, meta[0][0])
    if edges[1] is not None:
        gb = grad_b()
        if gb.array.shape != meta[1][0]:
            gb = ops.sum_to(gb, meta[1][0])
    return ga, gb


def _add_values(node, g):
    ea, eb = node.edges
    if ea is not None and eb is None and g.shape == node.input_meta[0][0]:
        return (g, None)  # the common case, without the general helper
    return _binary_values(node, g if ea is not None else None, g if eb is not None else None)


def _sub_values(node, g):
    edges = node.edges
    return _binary_values(node, g if edges[0] is not None else None, -g if edges[1] is not None else None)


add = define(
    "add", operator.add,
    vjp=lambda node, g: _binary_grads(node, lambda: g, lambda: g),
    jvp=_sum_of_terms(lambda p, ta: ta, lambda p, tb: tb),
    node_name="AddBackward0", vjp_array=_add_values, elementwise=True,
)
sub = define(
    "sub", operator.sub,
    vjp=lambda node, g: _binary_grads(node, lambda: g, lambda: ops.neg(g)),
    jvp=_sum_of_terms(lambda p, ta: ta, lambda p, tb: ops.neg(tb)),
    node_name="SubBackward0", vjp_array=_sub_values, elementwise=True,
)


def _add_scaled_forward(a, b, alpha):
    """a + alpha * b as PyTorch's add with alpha: for floats one fused multiply-add (one rounding),
    alpha in the values' dtype."""
    dtype = np.result_type(a, b)
    if dtype.kind == "f":
        return rounding.fused_multiply_add(np.asarray(alpha, dtype), np.asarray(b, dtype), np.asarray(a, dtype))
    return a + dtype.type(alpha) * b


add_scaled = define(
    "add_scaled", _add_scaled_forward,
    vjp=lambda node, g, alpha: _binary_grads(node, lambda: g, lambda: ops.mul(g, alpha)),
    jvp=_sum_of_terms(lambda p, ta, alpha: ta, lambda p, tb, alpha: ops.mul(tb, alpha)),
    node_name="AddBackward0",
)


_CROSS = {0: (1,), 1: (0,)}  # a product: each input's gradient needs only the other input


def _mul_vjp(node, g):
    a, b = node.saved_tensors()
    if node._name == "MulBackward1":  # times a Scalar: PyTorch's rule multiplies by that Scalar again
        return _binary_grads(node, lambda: renamed(ops.mul(g, b), "MulBackward1"),
                             lambda: renamed(ops.mul(g, a), "MulBackward1"))
    return _binary_grads(node, lambda: ops.mul(g, b), lambda: ops.mul(g, a))


def _mul_values(node, g):
    a, b = node.saved_values()
    ea, eb = node.edges
    if ea is not None and eb is None:
        shape = node.input_meta[0][0]
        if g.shape == shape:
            return (g * b, None)  # the common case, without the general helper
        # a 0-d factor's gradient, sum(g * b), without the product array where there are many elements
        total = summation.product_total(g, b) if shape == () else None
        if total is not None:
            return (total, None)
        return _binary_values(node, _times_into_spare(g, b), None)
    if eb is not None and ea is None:
        total = summation.product_total(g, a) if node.input_meta[1][0] == () else None
        if total is not None:
            return (None, total)
        return _binary_values(node, None, _times_into_spare(g, a))
    return _binary_values(node, g * b if ea is not None else None, g * a if eb is not None else None)


_refcount = getattr(sys, "getrefcount", None)
# The references to a gradient nothing else holds, as _times_into_spare counts them: the
# engine's, the array rule's parameter, _times_into_spare's own and getrefcount's argument.
_UNSHARED = 4
# Where counting references says nothing about sharing (no CPython, or CPython without its GIL,
# whose counts are approximate), nothing is written in place.
_COUNTED = sys.implementation.name == "cpython" and getattr(sys, "_is_gil_enabled", lambda: True)()


def _times_into_spare(g, factor):
    """g * factor, written into g itself when nothing else refers to g (the engine hands an array
    rule a gradient it holds nowhere else, and g owns its memory) and the product is g's shape
    and dtype: a product summed back to a broadcast input (x * w, w a scalar) then needs no new
    array, and g's memory is still in the processor's caches. Only from the engine's call of an
    array rule (the count of references assumes that call); the same bits either way."""
    if (
        _COUNTED
        and type(g) is np.ndarray
        and g.base is None
        and g.flags.writeable
        and factor.dtype == g.dtype
        and (type(factor) is not np.ndarray or factor.shape == g.shape or not factor.shape)
        and _refcount(g) <= _UNSHARED
    ):
        return np.multiply(g, factor, out=g)
    return g * factor


mul = define(
    "mul", operator.mul, _mul_vjp,
    jvp=_sum_of_terms(lambda p, ta: ops.mul(ta, p[1]), lambda p, tb: ops.mul(p[0], tb)),
    node_name="MulBackward0", save_inputs=(0, 1), saved_for=_CROSS, vjp_array=_mul_values, elementwise=True,
)


def _remainder_forward(a, b):
    """a mod b with the divisor's sign. For floats as PyTorch: fmod, then b added where the signs
    differ, so a zero keeps the dividend's sign (numpy's remainder gives +0)."""
    if np.asarray(a).dtype.kind != "f":
        return ops.integer_remainder(a, b)
    out = np.fmod(a, b)
    differ = (out != 0) & ((out < 0) != (b < 0))
    return np.where(differ, out + b, out)


def _remainder_vjp(node, g):
    a, b = node.saved_tensors()
    return _binary_grads(node, lambda: g, lambda: ops.mul(ops.neg(g), ops.floor_divide(a, b)))


def _fmod_forward(a, b):
    """a mod b with the dividend's sign (C's fmod); integers refuse a zero divisor."""
    if np.asarray(a).dtype.kind != "f":
        return ops.integer_fmod(a, b)
    return np.fmod(a, b)


def _fmod_vjp(node, g):
    a, b = node.saved_tensors()
    return _binary_grads(node, lambda: g, lambda: ops.mul(ops.neg(g), ops.div(a, b, rounding_mode="trunc")))


fmod = define(
    "fmod", _fmod_forward, _fmod_vjp,
    jvp=_sum_of_terms(lambda p, ta: ta,
                      lambda p, tb: ops.neg(ops.mul(tb, ops.div(p[0], p[1], rounding_mode="trunc")))),
    node_name="FmodBackward1", save_inputs=(0, 1), saved_for={0: (1,), 1: (1,)},
)


remainder = define(
    "remainder", _remainder_forward, _remainder_vjp,
    jvp=_sum_of_terms(lambda p, ta: ta, lambda p, tb: ops.neg(ops.mul(tb, ops.floor_divide(p[0], p[1])))),
    node_name="RemainderBackward1", save_inputs=(0, 1), saved_for={0: (1,), 1: (1,)},
)


# Rounded divisions of floats that require grad. PyTorch gives floor division no derivative (a
# node that refuses backward) and div's rounding modes a zero one.
def _no_derivative(op: str) -> Callable:
    def refuse(*args, **kwargs):
        raise RuntimeError_(f"derivative for aten::{op} is not implemented")

    return refuse


def _zero_grads(node, g):
    return _binary_grads(node, lambda: ops.zeros_like(g), lambda: ops.zeros_like(g))


_ZERO_TANGENT = _sum_of_terms(lambda p, ta: ops.zeros_like(ta), lambda p, tb: ops.zeros_like(tb))

floor_divide = define("floor_divide", np.floor_divide, _no_derivative("floor_divide"), _no_derivative("floor_divide"),
                      "NotImplemented")


def _unique_values(x, dim):
    """The distinct values, sorted (NaNs each kept, as PyTorch keeps them); along `dim`, the
    distinct slices."""
    return np.unique(x, axis=dim, equal_nan=False)


def _no_unique_derivative(*args, **kwargs):
    raise NotImplementedError_("the derivative for '_unique2' is not implemented.")


# torch.unique has no derivative: its node (Unique2Backward0, UniqueDimBackward0) refuses backward.
unique = define("unique", _unique_values, _no_unique_derivative, _no_unique_derivative, "Unique2Backward0")
div_floor = define("div_floor", np.floor_divide, _zero_grads, _ZERO_TANGENT, "DivBackward2")
div_trunc = define("div_trunc", lambda a, b: np.trunc(a / b), _zero_grads, _ZERO_TANGENT, "DivBackward2")


def _div_vjp(node, g):
    a, b = node.saved_tensors()
    return _binary_grads(node, lambda: ops.div(g, b), lambda: ops.mul(ops.neg(g), ops.div(ops.div(a, b), b)))


@takes_missing_tangents
def _div_jvp(p, t):
    a, b = p
    if t[1] is None:
        return ops.div(t[0], b)
    scaled = ops.mul(ops.div(a, b), t[1])
    return ops.div(ops.neg(scaled) if t[0] is None else ops.sub(t[0], scaled), b)


def _div_values(node, g):
    a, b = node.saved_values()
    edges = node.edges
    return _binary_values(node, g / b if edges[0] is not None else None,
                          (-g) * ((a / b) / b) if edges[1] is not None else None)


div = define("div", operator.truediv, _div_vjp, _div_jvp, "DivBackward0", save_inputs=(0, 1), saved_for={0: (1,)},
             vjp_array=_div_values, elementwise=True)

neg = define(
    "neg", operator.neg,
    vjp=lambda node, g: (ops.neg(g),),
    jvp=lambda p, t: ops.neg(t[0]),
    node_name="NegBackward0", vjp_array=lambda node, g: (-g,), elementwise=True,
)


def _reciprocal_value(x):
    # 1 / x, the same correctly rounded division as np.reciprocal, which numpy runs about twice
    # as slowly on float arrays (no vectorised loop).
    return _ONE[x.dtype] / x


def _reciprocal_vjp(node, g):
    (out,) = node.saved_tensors()
    return (ops.mul(ops.neg(g), ops.mul(out, out)),)  # PyTorch's order: its create_graph node is a Mul


def _reciprocal_jvp(p, t):
    out = ops.reciprocal(p[0])
    return ops.neg(ops.mul(t[0], ops.mul(out, out)))


def _reciprocal_values(node, g):
    (out,) = node.saved_values()
    return (-(g * (out * out)),)


reciprocal = define(
    "reciprocal", _reciprocal_value, _reciprocal_vjp, _reciprocal_jvp, "ReciprocalBackward0", save_output=True,
    vjp_array=_reciprocal_values, elementwise=True,
)


# x ** c with a Python-number exponent (PowBackward0)
def _power(x, exponent):
    """x ** exponent on numpy values; exponent 1 gives x itself.

    PyTorch multiplies out the exponents 2, 3, -1 and -2 on floats instead of calling pow, so
    we do too: the same bits as PyTorch (a correctly rounded pow differs for 3 and -2), and a
    multiply is several times quicker than numpy's general power.
    """
    if x.dtype.kind == "f" and type(exponent) in (int, float):
        if exponent == 1:
            return x
        if exponent == 2:
            return x * x
        if exponent == 3:
            return x * x * x
        if exponent == -1:
            return _reciprocal_value(x)
        if exponent == -2:
            return _reciprocal_value(x * x)
    return np.power(x, np.asarray(exponent, dtype=x.dtype))


def _pow_scalar_forward(x, exponent):
    if x.dtype == np.bool_:  # numpy would answer in int8: x ** True is x, x ** False all True
        return x.copy() if exponent else np.ones_like(x)
    out = _power(x, exponent)
    return out.copy() if out is x else out


def _pow_scalar_chain(g, x, exponent):
    """g * (c * x ** (c - 1)); exactly zeros for c == 0, as PyTorch's pow_backward."""
    if exponent == 0:
        return ops.zeros_like(g)
    return ops.mul(g, ops.mul(ops.pow_scalar(x, exponent - 1), exponent))


def _times_new(g, product):
    """g * product, written into `product` (an array the rule has just made) where it can hold
    the result: one array fewer on the way, the same values."""
    if type(product) is np.ndarray and product.ndim and product.shape == g.shape and product.dtype == g.dtype:
        return np.multiply(g, product, out=product)
    return g * product


def _pow_scalar_values(node, g, exponent):
    if type(exponent) is not int and type(exponent) is not float:
        return None  # ops' promotion decides how other exponents mix with x
    (x,) = node.saved_values()
    if exponent == 0:
        return (np.zeros(g.shape, dtype=g.dtype),)
    factor = _power(x, exponent - 1) * np.asarray(exponent, x.dtype)
    return (_times_new(g, factor),)


pow_scalar = define(
    "pow_scalar", _pow_scalar_forward,
    vjp=lambda node, g, exponent: (_pow_scalar_chain(g, node.saved_tensors()[0], exponent),),
    jvp=lambda p, t, exponent: _pow_scalar_chain(t[0], p[0], exponent),
    node_name="PowBackward0", save_inputs=(0,), vjp_array=_pow_scalar_values, elementwise=True,
)


# x ** y with tensors (PowBackward1) and c ** x with a Python-number base (PowBackward2)
def _log_base_factor(base, exponent, out):
    """out * log(base), with 0 where base == 0 and exponent >= 0 (PyTorch's mask, not nan)."""
    factor = ops.mul(out, ops.log(base))
    mask = (base.array == 0) & (exponent.array >= 0)
    if mask.any():
        factor = ops.where(ops.constant(mask), ops.zeros_like(factor), factor)
    return factor


def _pow_base_chain(g, base, exponent):
    """g * (y * x ** (y - 1)), zero where y == 0 (0 ** -1 would make it nan), as PyTorch's."""
    return _keep(exponent.array != 0, ops.mul(g, ops.mul(exponent, ops.pow(base, ops.sub(exponent, 1)))))


def _pow_vjp(node, g):
    base, exponent, out = node.saved_tensors()
    return _binary_grads(
        node,
        lambda: _pow_base_chain(g, base, exponent),
        lambda: ops.mul(g, _log_base_factor(base, exponent, out)),
    )


_pow_jvp = _sum_of_terms(
    lambda p, t_base: _pow_base_chain(t_base, *p),
    lambda p, t_exponent: ops.mul(t_exponent, _log_base_factor(p[0], p[1], ops.pow(*p))),
)


def _pow_forward(base, exponent):
    """np.power, but integers to negative powers as PyTorch: 1 and -1 give +-1, any other base 0."""
    if exponent.dtype.kind == "f" or not (exponent < 0).any():
        return np.power(base, exponent)
    negative = exponent < 0
    out = np.power(base, np.where(negative, 0, exponent))
    odd = (exponent % 2).astype(bool)
    reciprocal = np.where(base == 1, 1, np.where(base == -1, np.where(odd, -1, 1), 0)).astype(out.dtype)
    return np.where(negative, reciprocal, out)


pow_ = define("pow", _pow_forward, _pow_vjp, _pow_jvp, "PowBackward1", save_inputs=(0, 1), save_output=True)


def _maximum_like_grads(node, g, pick):
    """Ties split the gradient in halves; the input that lost gets zeros (nan keeps both)."""
    a, b = node.saved_tensors()
    ties = a.array == b.array
    shared = ops.where(ops.constant(np.broadcast_to(ties, g.shape)), ops.div(g, 2), g) if ties.any() else g
    return _binary_grads(
        node, lambda: _keep(~pick(b.array, a.array), shared), lambda: _keep(~pick(a.array, b.array), shared)
    )


def _maximum_like_jvp(p, t, pick):
    """PyTorch's tangent: t_b + share * (t_a - t_b), share 1 where a wins, 0.5 on ties; a missing
    tangent is its exact zero (0 + x is x, 0 - x is -x), so the signs of zeros are PyTorch's."""
    a, b = p
    ta, tb = t
    wins_a = pick(a.array, b.array) + 0.5 * (a.array == b.array)
    share = ops.constant(np.asarray(wins_a, dtype=(ta if ta is not None else tb).dtype.numpy))
    if tb is None:
        return ops.mul(share, ta)
    return ops.add(tb, ops.mul(share, ops.neg(tb) if ta is None else ops.sub(ta, tb)))


# On ties numpy returns its second operand and PyTorch its first: they differ only for -0. and 0.
maximum = define(
    "maximum", lambda a, b: np.maximum(b, a),
    vjp=lambda node, g: _maximum_like_grads(node, g, np.greater),
    jvp=takes_missing_tangents(lambda p, t: _maximum_like_jvp(p, t, np.greater)),
    node_name="MaximumBackward0", save_inputs=(0, 1),
)
minimum = define(
    "minimum", lambda a, b: np.minimum(b, a),
    vjp=lambda node, g: _maximum_like_grads(node, g, np.less),
    jvp=takes_missing_tangents(lambda p, t: _maximum_like_jvp(p, t, np.less)),
    node_name="MinimumBackward0", save_inputs=(0, 1),
)


# ---------------------------------------------------------------- elementwise functions


def _unary(name, forward, chain, node_name, saves="input", chain_values=None):
    """An elementwise primitive whose rule `chain(g, x, out)` carries a gradient (or tangent) `g` through.

    The same rule serves both modes (PyTorch's `auto_element_wise`), written in PyTorch's own
    order of operations so that float32 results agree to the last bit. `chain_values` is the
    same rule on numpy values, for vjp_array.
    """
    if saves == "output":
        def vjp(node, g):
            (out,) = node.saved_tensors()
            return (chain(g, None, out),)

        def jvp(p, t):
            return chain(t[0], None, PRIMITIVE_CALLS[name](p[0]))

        def vjp_array(node, g):
            (out,) = node.saved_values()
            return (chain_values(g, None, out),)

        return define(name, forward, vjp, jvp, node_name, save_output=True,
                      vjp_array=vjp_array if chain_values else None, elementwise=True)

    def vjp(node, g):
        (x,) = node.saved_tensors()
        return (chain(g, x, None),)

    def jvp(p, t):
        return chain(t[0], p[0], None)

    def vjp_array(node, g):
        (x,) = node.saved_values()
        return (chain_values(g, x, None),)

    return define(name, forward, vjp, jvp, node_name, save_inputs=(0,), vjp_array=vjp_array if chain_values else None,
                  elementwise=True)


def _sign_forward(x):
    """-1, 0 or 1; PyTorch's sign of NaN is 0 (numpy's is NaN) and of -0. is 0."""
    if x.dtype.kind == "b":
        return x.copy()  # a bool is its own sign
    if x.dtype.kind != "f":
        return np.sign(x)
    return np.subtract(x > 0, x < 0, dtype=x.dtype)


sign = define(
    "sign", _sign_forward,
    vjp=lambda node, g: (ops.zeros_like(g),),
    jvp=lambda p, t: ops.zeros_like(t[0]),
    node_name="SignBackward0",
)


def _sigmoid_backward_value(g, out):
    """(g * (1 - out)) * out, PyTorch's order; an array's products go into the one new array."""
    if type(out) is not np.ndarray or not out.ndim or g.shape != out.shape or g.dtype != out.dtype:
        return (g * (_ONE[out.dtype] - out)) * out
    result = _ONE[out.dtype] - out
    np.multiply(g, result, out=result)
    return np.multiply(result, out, out=result)


def _sigmoid_forward(x):
    """1 / (exp(-x) + 1). On an array every step after the negation writes into the array it
    made, the same values as new arrays and a quarter quicker on 10^6 elements."""
    one = _ONE[x.dtype]
    if type(x) is not np.ndarray or not x.ndim:
        return _reciprocal_value(rounding.exp(-x) + one)
    result = np.negative(x)
    rounding.exp(result, out=result)
    np.add(result, one, out=result)
    return np.divide(one, result, out=result)


def _relu_forward(x):
    zero = _ZERO[x.dtype]
    return np.where(x < zero, zero, x)  # -0. and NaN stay as they are, as in PyTorch


_unary("exp", rounding.exp, lambda g, x, out: ops.mul(g, out), "ExpBackward0", saves="output",
       chain_values=lambda g, x, out: g * out)
_unary("log", np.log, lambda g, x, out: ops.div(g, x), "LogBackward0",
       chain_values=lambda g, x, out: g / x)
_unary("log1p", rounding.log1p, lambda g, x, out: ops.div(g, ops.add(x, 1)), "Log1PBackward0",
       chain_values=lambda g, x, out: g / (x + _ONE[x.dtype]))
_unary("sin", rounding.sin, lambda g, x, out: ops.mul(g, ops.cos(x)), "SinBackward0",
       chain_values=lambda g, x, out: g * rounding.cos(x))
_unary("cos", rounding.cos, lambda g, x, out: ops.mul(g, ops.neg(ops.sin(x))), "CosBackward0",
       chain_values=lambda g, x, out: g * -rounding.sin(x))
_unary("tan", rounding.tan, lambda g, x, out: ops.mul(g, ops.add(ops.mul(out, out), 1)), "TanBackward0", saves="output",
       chain_values=lambda g, x, out: g * (out * out + _ONE[out.dtype]))
def _tanh_backward_value(g, y):
    """g * (1 - y*y), with `1 - y*y` rounded once, as PyTorch's fused multiply-add computes it (for
    float32 values float64 holds y*y exactly; plain float32 steps differ in the last bit for ~70%)."""
    if y.dtype == np.float32:
        return g * (1.0 - np.asarray(y, np.float64) ** 2).astype(np.float32)
    return g * (_ONE[y.dtype] - y * y)


def _tanh_backward_vjp(node, gg):
    g, y = node.saved_tensors()
    grad_g = ops.tanh_backward(gg, y) if node.needs_grad(0) else None
    grad_y = ops.mul(ops.mul(gg, g), ops.mul(y, -2)) if node.needs_grad(1) else None
    return grad_g, grad_y


# tanh's gradient: a primitive of its own, for PyTorch's rounding and its TanhBackwardBackward0.
tanh_backward = define(
    "tanh_backward", _tanh_backward_value, _tanh_backward_vjp,
    jvp=lambda p, t: ops.add(ops.tanh_backward(t[0], p[1]), ops.mul(ops.mul(p[0], ops.mul(p[1], -2)), t[1])),
    node_name="TanhBackwardBackward0", save_inputs=(0, 1), saved_for={0: (1,)},
)
_unary("tanh", rounding.tanh, lambda g, x, out: ops.tanh_backward(g, out), "TanhBackward0",
       saves="output", chain_values=lambda g, x, out: _tanh_backward_value(g, out))
def _sigmoid_backward_vjp(node, gg):
    g, y = node.saved_tensors()
    grad_g = ops.sigmoid_backward(gg, y) if node.needs_grad(0) else None
    grad_y = ops.mul(ops.mul(gg, g), ops.add(ops.mul(y, -2), 1)) if node.needs_grad(1) else None
    return grad_g, grad_y


# sigmoid's gradient: a primitive of its own, for PyTorch's SigmoidBackwardBackward0.
sigmoid_backward = define(
    "sigmoid_backward", _sigmoid_backward_value, _sigmoid_backward_vjp,
    jvp=lambda p, t: ops.add(ops.sigmoid_backward(t[0], p[1]),
                             ops.mul(ops.mul(p[0], t[1]), ops.add(ops.mul(p[1], -2), 1))),
    node_name="SigmoidBackwardBackward0", save_inputs=(0, 1), saved_for={0: (1,)},
)
_unary("sigmoid", _sigmoid_forward, lambda g, x, out: ops.sigmoid_backward(g, out),
       "SigmoidBackward0", saves="output", chain_values=lambda g, x, out: _sigmoid_backward_value(g, out))
_unary("sqrt", np.sqrt, lambda g, x, out: ops.div(g, ops.mul(out, 2)), "SqrtBackward0", saves="output",
       chain_values=lambda g, x, out: g / (out * _TWO[out.dtype]))
def _relu_passes(out):
    """Where relu lets the gradient through: all but out <= 0, so a NaN passes it, as in PyTorch."""
    return ~(out <= 0)


# relu's gradient, g where the output passes: a primitive of its own (PyTorch's threshold_backward)
# so that a gradient built with create_graph still depends on the output, with derivative zero there.
threshold_backward = define(
    "threshold_backward", lambda g, out: _keep_value(_relu_passes(out), g),
    vjp=lambda node, gg: (ops.threshold_backward(gg, node.saved_tensors()[0]), ops.zeros_like(gg)),
    jvp=lambda p, t: ops.threshold_backward(t[0], p[1]),
    node_name="ThresholdBackwardBackward0", save_inputs=(1,),
)

_unary("relu", _relu_forward, lambda g, x, out: ops.threshold_backward(g, out), "ReluBackward0", saves="output",
       chain_values=lambda g, x, out: _keep_value(_relu_passes(out), g))
_unary("abs", np.abs, lambda g, x, out: ops.mul(g, ops.sign(x)), "AbsBackward0",
       chain_values=lambda g, x, out: g * np.sign(x))

# More of torch's elementwise functions, each gradient in PyTorch's order of operations.
_LN2, _LN10 = math.log(2.0), math.log(10.0)
_unary("exp2", rounding.exp2, lambda g, x, out: ops.mul(ops.mul(g, out), _LN2), "Exp2Backward0", saves="output",
       chain_values=lambda g, x, out: g * out * out.dtype.type(_LN2))
_unary("expm1", rounding.expm1, lambda g, x, out: ops.mul(g, ops.add(out, 1)), "Expm1Backward0", saves="output",
       chain_values=lambda g, x, out: g * (out + _ONE[out.dtype]))
_unary("log2", rounding.log2, lambda g, x, out: ops.div(g, ops.mul(x, _LN2)), "Log2Backward0",
       chain_values=lambda g, x, out: g / (x * x.dtype.type(_LN2)))
_unary("log10", rounding.log10, lambda g, x, out: ops.div(g, ops.mul(x, _LN10)), "Log10Backward0",
       chain_values=lambda g, x, out: g / (x * x.dtype.type(_LN10)))
_unary("sinh", rounding.sinh, lambda g, x, out: ops.mul(g, ops.cosh(x)), "SinhBackward0",
       chain_values=lambda g, x, out: g * rounding.cosh(x))
_unary("cosh", rounding.cosh, lambda g, x, out: ops.mul(g, ops.sinh(x)), "CoshBackward0",
       chain_values=lambda g, x, out: g * rounding.sinh(x))
_unary("asin", rounding.asin, lambda g, x, out: ops.mul(g, ops.rsqrt(ops.add(ops.mul(ops.neg(x), x), 1))),
       "AsinBackward0")
_unary("acos", rounding.acos, lambda g, x, out: ops.mul(g, ops.neg(ops.rsqrt(ops.add(ops.mul(ops.neg(x), x), 1)))),
       "AcosBackward0")
_unary("atan", rounding.atan, lambda g, x, out: ops.div(g, ops.add(ops.mul(x, x), 1)), "AtanBackward0",
       chain_values=lambda g, x, out: g / (x * x + _ONE[x.dtype]))
_unary("asinh", rounding.asinh, lambda g, x, out: ops.mul(g, ops.rsqrt(ops.add(ops.mul(x, x), 1))), "AsinhBackward0")
_unary("acosh", rounding.acosh, lambda g, x, out: ops.mul(g, ops.rsqrt(ops.sub(ops.mul(x, x), 1))), "AcoshBackward0")
_unary("atanh", rounding.atanh, lambda g, x, out: ops.div(g, ops.rsub(ops.mul(x, x), 1)), "AtanhBackward0")
_unary("erfc", rounding.erfc,
       lambda g, x, out: ops.mul(ops.mul(ops.exp(ops.neg(ops.mul(x, x))), -2.0 / math.sqrt(math.pi)), g),
       "ErfcBackward0")


# floor, ceil, trunc, round: steps, so a zero gradient (PyTorch's zeros_like(grad)); frac's is grad.
def _step_function(name: str, forward, node_name: str) -> None:
    define(name, forward, vjp=lambda node, g, **params: (ops.zeros_like(g),),
           jvp=lambda p, t, **params: ops.zeros_like(t[0]), node_name=node_name)


def _round_forward(x, decimals):
    """Half to even, as nearbyint; with decimals, PyTorch's scaling in the values' own dtype."""
    if not decimals or x.dtype.kind != "f":
        return np.round(x) if x.dtype.kind == "f" else x.copy()
    try:
        scale = x.dtype.type(10.0 ** abs(decimals))
    except OverflowError:  # past float64: PyTorch's scale is inf too (and the result NaN)
        scale = x.dtype.type(np.inf)
    return np.rint(x * scale) / scale if decimals > 0 else np.rint(x / scale) * scale


_step_function("floor", lambda x: np.floor(x) if x.dtype.kind == "f" else x.copy(), "FloorBackward0")
_step_function("ceil", lambda x: np.ceil(x) if x.dtype.kind == "f" else x.copy(), "CeilBackward0")
_step_function("trunc", lambda x: np.trunc(x) if x.dtype.kind == "f" else x.copy(), "TruncBackward0")
_step_function("round", lambda x: _round_forward(x, 0), "RoundBackward0")
_step_function("round_decimals", _round_forward, "RoundBackward1")
define("frac", lambda x: x - np.trunc(x), vjp=lambda node, g: (g,), jvp=lambda p, t: t[0], node_name="FracBackward0")


def _nan_to_num_forward(x, nan, posinf, neginf):
    if x.dtype.kind != "f":
        return x.copy()
    return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def _times_finite(g, x):
    """g times isfinite(x) as a float: a NaN gradient stays NaN even where x is not finite, as in PyTorch."""
    return ops.mul(g, ops.constant(np.isfinite(x.array).astype(g.dtype.numpy)))


define("nan_to_num", _nan_to_num_forward, vjp=lambda node, g, **params: (_times_finite(g, node.saved_tensors()[0]),),
       jvp=lambda p, t, **params: _times_finite(t[0], p[0]), node_name="NanToNumBackward0", save_inputs=(0,))
_unary("rsqrt", lambda x: _ONE[x.dtype] / np.sqrt(x), lambda g, x, out: ops.mul(ops.mul(g, -0.5), ops.pow(out, 3)),
       "RsqrtBackward0", saves="output", chain_values=lambda g, x, out: g * out.dtype.type(-0.5) * _power(out, 3))

# torch.nn.functional's activations with parameters. Each derivative is a factor of the input
# (in ops, so that it differentiates again), and the gradient g times it in PyTorch's order.
def _activation(name, forward, gradient, node_name):
    """A pointwise primitive with parameters whose `gradient(g, x, **params)` carries g back."""

    def vjp(node, g, **params):
        (x,) = node.saved_tensors()
        return (gradient(g, x, **params),)

    def jvp(p, t, **params):
        return gradient(t[0], p[0], **params)

    return define(name, forward, vjp, jvp, node_name, save_inputs=(0,))


def _positive(x):
    return ops.constant(x.array > 0)


def _piecewise_linear(name, forward, gradient_values, node_name, backward_node_name):
    """A pointwise primitive linear on each piece (leaky_relu, hardtanh), whose gradient
    `gradient_values(g, x, **params)` is a primitive too, as in PyTorch: under create_graph the
    gradient stays attached to x (its own gradient with respect to x is zero)."""
    backward_name = name + "_backward"

    def carry(g, x, **params):
        return apply(PRIMITIVES[backward_name], (g, x), params)

    def backward_vjp(node, c, **params):
        (x,) = node.saved_tensors()
        return (carry(c, x, **params) if node.needs_grad(0) else None,
                ops.zeros_like(x) if node.needs_grad(1) else None)

    define(backward_name, gradient_values, backward_vjp,
           jvp=lambda p, t, **params: carry(t[0], p[1], **params), node_name=backward_node_name,
           save_inputs=(1,))
    _activation(name, forward, carry, node_name)


_piecewise_linear(
    "leaky_relu", lambda x, slope: np.where(x > 0, x, x * x.dtype.type(slope)),
    lambda g, x, slope: np.where(x > 0, g, g * g.dtype.type(slope)), "LeakyReluBackward0",
    "LeakyReluBackwardBackward0",
)
_activation(  # elu's negative side is x <= 0: a NaN takes the positive side's gradient
    "elu", lambda x, alpha: np.where(x <= 0, rounding.expm1(x) * x.dtype.type(alpha), x),
    lambda g, x, alpha: ops.where(ops.constant(x.array <= 0), ops.mul(ops.mul(g, alpha), ops.exp(x)), g),
    "EluBackward0",
)


def _softplus_forward(x, beta, threshold):
    scaled = x * x.dtype.type(beta)
    return np.where(scaled > threshold, x, rounding.log1p(rounding.exp(scaled)) / x.dtype.type(beta))


def _softplus_gradient(g, x, beta, threshold):
    z = ops.exp(ops.mul(x, beta))
    linear = ops.constant(x.array * x.array.dtype.type(beta) > threshold)
    return ops.where(linear, g, ops.div(ops.mul(g, z), ops.add(z, 1)))


def _silu_gradient(g, x):
    """g * s * (1 + x * (1 - s)), s = sigmoid(x), the last multiply-add fused as PyTorch's kernel
    is compiled: one rounding (two differed from it for ~20% of float32 inputs)."""
    s = ops.sigmoid(x)
    one = ops.constant(np.ones((), x.dtype.numpy))
    return ops.mul(ops.mul(g, s), ops.addcmul(one, x, ops.rsub(s, 1)))


_activation("softplus", _softplus_forward, _softplus_gradient, "SoftplusBackward0")
_activation("silu", lambda x: x / (rounding.exp(-x) + _ONE[x.dtype]), _silu_gradient, "SiluBackward0")

# ---------------------------------------------------------------- atan2, hypot, lerp, addcmul, erf, gelu


def _atan2_scale(a, b):
    """1 / (a² + b²), 0 where both are 0 (PyTorch's gradient there is 0, not nan)."""
    denominator = ops.add(ops.mul(a, a), ops.mul(b, b))
    return _keep(denominator.array != 0, ops.reciprocal(denominator))


def _atan2_vjp(node, g):
    a, b = node.saved_tensors()
    scale = _atan2_scale(a, b)
    return _binary_grads(node, lambda: ops.mul(ops.mul(g, b), scale), lambda: ops.mul(ops.mul(g, ops.neg(a)), scale))


def _atan2_jvp(p, t):
    """Forward mode divides by a² + b² without the reverse rule's mask (nan at 0, as PyTorch)."""
    a, b = p
    return ops.div(ops.sub(ops.mul(t[0], b), ops.mul(t[1], a)), ops.add(ops.mul(a, a), ops.mul(b, b)))


atan2 = define("atan2", rounding.atan2, _atan2_vjp, _atan2_jvp, "Atan2Backward0", save_inputs=(0, 1))


def _hypot_vjp(node, g):
    a, b, out = node.saved_tensors()
    return _binary_grads(node, lambda: ops.div(ops.mul(g, a), out), lambda: ops.div(ops.mul(g, b), out))


hypot = define(
    "hypot", lambda a, b: np.hypot(a, b),
    _hypot_vjp,
    jvp=lambda p, t: ops.div(ops.add(ops.mul(t[0], p[0]), ops.mul(t[1], p[1])), ops.hypot(p[0], p[1])),
    node_name="HypotBackward0", save_inputs=(0, 1), save_output=True,
)


# ---------------------------------------------------------------- xlogy, logaddexp, logit


def _xlogy_forward(x, y):
    """x * log(y), 0 where x is 0 unless y is NaN (PyTorch's xlogy: 0 * log(0) is 0)."""
    out = x * np.log(y)
    return np.where((x == 0) & (y == y), _ZERO[out.dtype], out)


def _xlogy_self_term(g, x, y):
    """xlogy's gradient (or tangent) through x, as PyTorch forms it: xlogy(g, y), 0 where x is 0
    and y is not positive."""
    out = ops.xlogy(g, y)
    return ops.masked_fill(out, ops.constant(np.broadcast_to((x.array == 0) & (y.array <= 0), out.shape)), 0.0)


def _xlogy_vjp(node, g):
    x, y = node.saved_tensors()
    return _binary_grads(node, lambda: _xlogy_self_term(g, x, y), lambda: ops.div(ops.mul(g, x), y))


xlogy = define(
    "xlogy", _xlogy_forward, _xlogy_vjp,
    jvp=_sum_of_terms(lambda p, tx: _xlogy_self_term(tx, p[0], p[1]), lambda p, ty: ops.div(ops.mul(ty, p[0]), p[1])),
    node_name="XlogyBackward0", save_inputs=(0, 1), elementwise=True,
)


def _logaddexp_forward(a, b):
    """log(exp(a) + exp(b)) as PyTorch computes it: the larger plus log1p(exp(-|a - b|)), and
    an infinity added to itself is itself (not NaN)."""
    larger = np.maximum(a, b)
    out = larger + rounding.log1p(rounding.exp(-np.abs(a - b)))
    return np.where(np.isinf(larger) & (a == b), a, out)


def _logaddexp_term(g, mine, other):
    """g / (1 + exp(other - mine)): the share of the sum that came from `mine`."""
    return ops.div(g, ops.add(ops.exp(ops.sub(other, mine)), 1))


logaddexp = define(
    "logaddexp", _logaddexp_forward,
    vjp=lambda node, g: _binary_grads(node, lambda: _logaddexp_term(g, *node.saved_tensors()),
                                      lambda: _logaddexp_term(g, *node.saved_tensors()[::-1])),
    jvp=_sum_of_terms(lambda p, ta: _logaddexp_term(ta, p[0], p[1]), lambda p, tb: _logaddexp_term(tb, p[1], p[0])),
    node_name="LogaddexpBackward0", save_inputs=(0, 1), elementwise=True,
)


def _logit_bounds(eps, dtype):
    low = dtype.type(eps)
    return low, _ONE[dtype] - low


def _logit_forward(x, eps):
    """log(x / (1 - x)), x first clamped to [eps, 1 - eps] when eps is given (PyTorch's logit)."""
    if eps is not None and eps >= 0:
        low, high = _logit_bounds(eps, x.dtype)
        x = np.where(x < low, low, np.where(x > high, high, x))
    return np.log(x / (_ONE[x.dtype] - x))


def _logit_chain(g, x, eps):
    """g / (x * (1 - x)); outside [eps, 1 - eps] 0, or without eps NaN outside [0, 1] (PyTorch's)."""
    slope = ops.div(g, ops.mul(x, ops.rsub(x, 1)))
    values = x.array
    if eps is not None and eps >= 0:
        low, high = _logit_bounds(eps, values.dtype)
        return ops.where(ops.constant((values < low) | (values > high)), 0.0, slope)
    return ops.where(ops.constant((values < 0) | (values > 1)), float("nan"), slope)


logit = define(
    "logit", _logit_forward,
    vjp=lambda node, g, eps: (_logit_chain(g, node.saved_tensors()[0], eps),),
    jvp=lambda p, t, eps: _logit_chain(t[0], p[0], eps),
    node_name="LogitBackward0", save_inputs=(0,),
)


def _lerp_forward(start, end, weight):
    """PyTorch's two-sided formula, exact at both ends, as its kernel computes it: one fused
    multiply-add, start + w * (end - start) for a small weight, else end + (w - 1) * (end - start)."""
    w = np.asarray(weight, dtype=start.dtype)
    small = np.abs(w) < 0.5
    return rounding.fused_multiply_add(np.where(small, w, w - _ONE[start.dtype]), end - start,
                                       np.where(small, start, end))


def _lerp_complement(weight):
    """1 - weight: in Python's double for a number weight (as PyTorch's scalar), else a tensor op."""
    return 1 - weight if isinstance(weight, (int, float)) else ops.rsub(weight, 1)


def _lerp_vjp(node, g, weight=None):
    saved = node.saved_tensors()
    w = weight if weight is not None else saved[2]
    grads = [lambda: ops.mul(g, _lerp_complement(w)), lambda: ops.mul(g, w)]
    if weight is None:
        grads.append(lambda: ops.mul(g, ops.sub(saved[1], saved[0])))
    return _n_ary_grads(node, grads)


def _lerp_jvp(p, t, weight=None):
    w = weight if weight is not None else p[2]
    out = ops.add(ops.mul(t[0], _lerp_complement(w)), ops.mul(t[1], w))
    return out if weight is not None else ops.add(out, ops.mul(t[2], ops.sub(p[1], p[0])))


lerp = define("lerp", lambda s, e, weight: _lerp_forward(s, e, weight), _lerp_vjp, _lerp_jvp, "LerpBackward0",
              save_inputs=(0, 1))
lerp_tensor = define("lerp_tensor", _lerp_forward, _lerp_vjp, _lerp_jvp, "LerpBackward1", save_inputs=(0, 1, 2))


def _n_ary_grads(node, grads: list) -> tuple:
    """Each gradient (made only where its input needs one) summed back to that input's shape."""
    return tuple(ops.sum_to(grad(), node.input_shape(i)) if node.needs_grad(i) else None
                 for i, grad in enumerate(grads))


def _addcmul_forward(x, t1, t2, value):
    """x + (value * t1) * t2, the last multiply and the add fused into one rounding for floats,
    as PyTorch's kernel is compiled."""
    scaled = x.dtype.type(value) * t1
    if x.dtype.kind == "f":
        return rounding.fused_multiply_add(scaled, t2, x)
    return x + scaled * t2


def _addcmul_vjp(node, g, value):
    x, t1, t2 = node.saved_tensors()
    return _n_ary_grads(node, [lambda: g, lambda: ops.mul(g, ops.mul(t2, value)),
                               lambda: ops.mul(g, ops.mul(t1, value))])


addcmul = define(
    "addcmul", _addcmul_forward, _addcmul_vjp,
    jvp=_sum_of_terms(lambda p, tx, value: tx, lambda p, t1, value: ops.mul(ops.mul(t1, p[2]), value),
                      lambda p, t2, value: ops.mul(ops.mul(p[1], t2), value)),
    node_name="AddcmulBackward0", save_inputs=(0, 1, 2),
)


def _addcdiv_vjp(node, g, value):
    x, t1, t2 = node.saved_tensors()
    # (value / t2 in PyTorch's C++ is a true division, not Python's reciprocal times value)
    return _n_ary_grads(node, [lambda: g, lambda: ops.mul(g, ops.div(ops.full_like(t2, value), t2)),
                               lambda: ops.mul(ops.neg(g), ops.div(ops.mul(t1, value), ops.mul(t2, t2)))])


# x + value * t1 / t2 (AddcdivBackward0): the gradients and tangents in PyTorch's order of operations.
addcdiv = define(
    "addcdiv", lambda x, t1, t2, value: x + x.dtype.type(value) * t1 / t2, _addcdiv_vjp,
    jvp=_sum_of_terms(lambda p, tx, value: tx, lambda p, t1, value: ops.mul(ops.div(t1, p[2]), value),
                      lambda p, t2, value: ops.neg(ops.mul(ops.div(ops.mul(t2, ops.div(p[1], p[2])), p[2]), value))),
    node_name="AddcdivBackward0", save_inputs=(0, 1, 2),
)

_TWO_OVER_ROOT_PI = 2.0 / math.sqrt(math.pi)
_unary("erf", rounding.erf, lambda g, x, out: ops.mul(ops.mul(ops.exp(ops.neg(ops.pow(x, 2))), _TWO_OVER_ROOT_PI), g),
       "ErfBackward0")


_GELU_BETA = math.sqrt(2.0 / math.pi)  # the tanh form's scale (PyTorch's M_SQRT2 * M_2_SQRTPI * 0.5)
_GELU_KAPPA = 0.044715
_GELU_PDF_SCALE = 2.0 / math.sqrt(math.pi) * math.sqrt(0.5) * 0.5  # 1 / sqrt(2 pi)


def _constants(x, *values):
    return tuple(x.dtype.type(v) for v in values)


def _gelu_tanh_inner(x):
    """beta * (x + kappa * x**3), the add fused with kappa's multiply as PyTorch's kernel is compiled."""
    beta, kappa = _constants(x, _GELU_BETA, _GELU_KAPPA)
    return beta * rounding.fused_multiply_add(np.asarray(kappa), x * x * x, x)


def _gelu_forward(x, approximate):
    if approximate == "tanh":
        return x.dtype.type(0.5) * x * (_ONE[x.dtype] + rounding.tanh(_gelu_tanh_inner(x)))
    return x * x.dtype.type(0.5) * (_ONE[x.dtype] + rounding.erf(x * x.dtype.type(math.sqrt(0.5))))


def _gelu_backward_value(g, x, approximate):
    """g * gelu'(x) in PyTorch's order of operations, its fused multiply-adds included."""
    one = np.ones((), x.dtype)
    if approximate == "tanh":
        beta, kappa3, half = _constants(x, _GELU_BETA, 3 * x.dtype.type(_GELU_KAPPA), 0.5)
        tanh_inner = rounding.tanh(_gelu_tanh_inner(x))
        slope_of_tanh = rounding.fused_multiply_add(-tanh_inner, tanh_inner, one)  # 1 - t*t
        slope_of_inner = beta * rounding.fused_multiply_add(np.asarray(kappa3), x * x, one)
        return g * (half * (one + tanh_inner) + half * x * slope_of_tanh * slope_of_inner)
    root_half, scale, half = _constants(x, math.sqrt(0.5), _GELU_PDF_SCALE, 0.5)
    cdf = half * (one + rounding.erf(x * root_half))
    pdf = scale * rounding.exp(x * x * x.dtype.type(-0.5))
    return g * rounding.fused_multiply_add(x, pdf, cdf)


def _gelu_second_derivative(x, approximate):
    """gelu''(x), for the gradient of the gradient (differentiable again: built from ops)."""
    if approximate == "tanh":
        square = ops.mul(x, x)
        t = ops.tanh(ops.mul(ops.add(x, ops.mul(ops.mul(square, x), _GELU_KAPPA)), _GELU_BETA))
        inner_slope = ops.mul(ops.add(ops.mul(square, 3 * _GELU_KAPPA), 1), _GELU_BETA)
        inner_curve = ops.mul(x, 6 * _GELU_KAPPA * _GELU_BETA)
        bend = ops.sub(inner_curve, ops.mul(ops.mul(t, ops.mul(inner_slope, inner_slope)), 2))
        return ops.mul(ops.rsub(ops.mul(t, t), 1), ops.add(inner_slope, ops.mul(ops.mul(x, 0.5), bend)))
    pdf = ops.mul(ops.exp(ops.mul(ops.mul(x, x), -0.5)), _GELU_PDF_SCALE)
    return ops.mul(pdf, ops.rsub(ops.mul(x, x), 2))


def _gelu_backward_vjp(node, gg, approximate):
    g, x = node.saved_tensors()
    grad_g = ops.gelu_backward(gg, x, approximate) if node.needs_grad(0) else None
    grad_x = ops.mul(ops.mul(gg, g), _gelu_second_derivative(x, approximate)) if node.needs_grad(1) else None
    return grad_g, grad_x


# gelu's gradient: a primitive of its own, for PyTorch's rounding and its GeluBackwardBackward0.
gelu_backward = define(
    "gelu_backward", _gelu_backward_value, _gelu_backward_vjp,
    jvp=_sum_of_terms(
        lambda p, tg, approximate: ops.gelu_backward(tg, p[1], approximate),
        lambda p, tx, approximate: ops.mul(ops.mul(tx, p[0]), _gelu_second_derivative(p[1], approximate)),
    ),
    node_name="GeluBackwardBackward0", save_inputs=(0, 1),
)
_activation("gelu", _gelu_forward, lambda g, x, approximate: ops.gelu_backward(g, x, approximate), "GeluBackward0")


# ---------------------------------------------------------------- prod


def _prod_forward(x, dim, keepdim):
    """A float product over everything accumulates in float64 (PyTorch's CPU accumulation type);
    integers and bools multiply in int64."""
    if x.dtype.kind in "biu":
        return np.asarray(np.prod(x, axis=dim, keepdims=keepdim, dtype=np.int64))
    if dim is None:
        return np.asarray(np.prod(x, dtype=np.float64), dtype=x.dtype)
    return np.asarray(np.prod(x, axis=dim, keepdims=keepdim))


def _product_of_others(x: np.ndarray, axis: int) -> np.ndarray:
    """For each element, the product of the others along `axis`: the running products of those
    before it and of those after it (each rounded from float64, as PyTorch's cumprod), multiplied."""
    def exclusive(values):  # [1, v0, v0*v1, ...], one shorter than values plus one
        ones = np.ones_like(np.take(values, [0], axis=axis))
        shifted = np.concatenate([ones, np.take(values, np.arange(values.shape[axis] - 1), axis=axis)], axis=axis)
        return np.cumprod(shifted, axis=axis, dtype=np.float64).astype(x.dtype)

    return exclusive(x) * np.flip(exclusive(np.flip(x, axis)), axis)


def _prod_vjp(node, g, dim, keepdim):
    x, out = node.saved_tensors()
    if x.ndim == 0:
        return (g,)
    dims = None if dim is None else (dim,)
    g = _expand_back(g, x.array.shape, dims, keepdim)
    if not (x.array == 0).any():
        return (ops.mul(g, ops.div(_expand_back(out, x.array.shape, dims, keepdim), x)),)
    if dim is None and np.count_nonzero(x.array == 0) > 1 and not grad_mode.is_grad_enabled():
        return (ops.zeros_like(x),)  # two zeros: every product of the others has one (PyTorch's shortcut)
    # A zero: each gradient is the product of the other elements (not out / x, which would be 0 / 0).
    flat = x.array.reshape(-1) if dim is None else x.array
    others = _product_of_others(flat, 0 if dim is None else dim).reshape(x.array.shape)
    return (ops.mul(g, ops.constant(others)),)


def _prod_jvp(p, t, dim, keepdim):
    out = ops.prod(p[0], dim, keepdim)
    (derivative,) = _prod_vjp(_Derivative(p[0], out), ops.ones_like(out), dim, keepdim)
    return ops.sum(ops.mul(derivative, t[0]), dim, keepdim) if dim is not None else ops.sum(ops.mul(derivative, t[0]))


prod = define("prod", _prod_forward, _prod_vjp, _prod_jvp, "ProdBackward0", save_inputs=(0,), save_output=True)


# ---------------------------------------------------------------- roll, cross


roll = define(
    "roll", lambda x, shifts, dims: np.roll(x, shifts, dims),
    vjp=lambda node, g, shifts, dims: (ops.roll(g, tuple(-s for s in shifts) if dims is not None else -shifts, dims),),
    jvp=lambda p, t, shifts, dims: ops.roll(t[0], shifts, dims),
    node_name="RollBackward0",
)


def _cross_vjp(node, g, dim):
    a, b = node.saved_tensors()
    return _binary_grads(node, lambda: ops.cross(b, g, dim), lambda: ops.cross(g, a, dim))


cross = define(
    "cross", lambda a, b, dim: np.cross(a, b, axis=dim), _cross_vjp,
    jvp=_sum_of_terms(lambda p, ta, dim: ops.cross(ta, p[1], dim), lambda p, tb, dim: ops.cross(p[0], tb, dim)),
    node_name="LinalgCrossBackward0", save_inputs=(0, 1), saved_for={0: (1,), 1: (0,)},
)


# ---------------------------------------------------------------- scans, flips, logsumexp


def _running(accumulate: Callable, x, dim):
    """Running sums or products as PyTorch's CPU kernel accumulates them: floats in float64 (its
    accumulation type), each partial result rounded; integers and bools in int64."""
    if x.ndim == 0:
        return x.astype(np.int64) if x.dtype.kind in "biu" else x.copy()
    if x.dtype.kind == "f":
        return accumulate(x, axis=dim, dtype=np.float64).astype(x.dtype)
    return accumulate(x, axis=dim, dtype=np.int64)


def _cumsum_forward(x, dim):
    return _running(np.add.accumulate, x, dim)


def _reversed_cumsum(g, dim):
    """cumsum's gradient: the sums from each position to the end."""
    if g.ndim == 0:
        return g
    return ops.flip(ops.cumsum(ops.flip(g, (dim,)), dim), (dim,))


def _cumprod_forward(x, dim):
    return _running(np.multiply.accumulate, x, dim)


def _through_products_leaving_out(x, v, dim, forward: bool):
    """cumprod's derivatives where some x is zero, from Q[k, j] = the product of x_i for i <= j
    but i == k (along `dim`, j >= k): reverse mode sums v_j Q[k, j] over j, forward mode v_k Q[k, j]
    over k."""
    n = x.shape[dim]
    rows = ops.movedim(x, dim, -1)
    spread = ops.expand(ops.unsqueeze(rows, -2), tuple(rows.shape[:-1]) + (n, n))
    diagonal = ops.constant(np.eye(n, dtype=bool))
    products = ops.cumprod(ops.where(diagonal, ops.ones_like(spread), spread), -1)
    terms = ops.mul(ops.unsqueeze(ops.movedim(v, dim, -1), -1 if forward else -2), products)
    later = ops.constant(np.triu(np.ones((n, n), dtype=bool)))
    return ops.movedim(ops.sum(ops.where(later, terms, ops.zeros_like(terms)), (-2 if forward else -1,)), -1, dim)


def _cumprod_vjp(node, g, dim):
    x, out = node.saved_tensors()
    if x.ndim == 0 or x.shape[dim] <= 1:
        return (g,)
    if (x.array != 0).all():  # PyTorch's simple case: the running sums of out * g from the end, over x
        return (ops.div(_reversed_cumsum(ops.mul(out, g), dim), x),)
    return (_through_products_leaving_out(x, g, dim, forward=False),)


def _cumprod_jvp(p, t, dim):
    (x,), (tangent,) = p, t
    if x.ndim == 0 or x.shape[dim] <= 1:
        return tangent
    if (x.array != 0).all():
        return ops.mul(ops.cumprod(x, dim), ops.cumsum(ops.div(tangent, x), dim))
    return _through_products_leaving_out(x, tangent, dim, forward=True)


cumprod = define(
    "cumprod", _cumprod_forward, _cumprod_vjp, _cumprod_jvp, "CumprodBackward0", save_inputs=(0,), save_output=True,
)


cumsum = define(
    "cumsum", _cumsum_forward,
    vjp=lambda node, g, dim: (_reversed_cumsum(g, dim),),
    jvp=lambda p, t, dim: ops.cumsum(t[0], dim),
    node_name="CumsumBackward0",
)
flip = define(
    "flip", lambda x, dims: np.flip(x, dims).copy(),
    vjp=lambda node, g, dims: (ops.flip(g, dims),),
    jvp=lambda p, t, dims: ops.flip(t[0], dims),
    node_name="FlipBackward0",
)


def _logsumexp_forward(x, dims, keepdim):
    """log(sum(exp(x))) over `dims`, computed around the maximum (an infinite one left out) so
    that exp cannot overflow."""
    if x.size == 0:
        return np.log(np.sum(np.exp(x), axis=dims, keepdims=keepdim))
    top = np.max(x, axis=dims, keepdims=True)
    top = np.where(np.isinf(top), _ZERO[x.dtype], top)
    out = np.log(np.sum(rounding.exp(x - top), axis=dims, keepdims=True)) + top
    return out if keepdim else np.squeeze(out, axis=dims)


def _logsumexp_vjp(node, g, dims, keepdim):
    x, out = node.saved_tensors()
    shape = x.array.shape
    spread = _expand_back(out, shape, dims, keepdim)
    return (ops.mul(_expand_back(g, shape, dims, keepdim), ops.exp(ops.sub(x, spread))),)


def _logsumexp_jvp(p, t, dims, keepdim):
    x = p[0]
    out = ops.logsumexp(x, dims, True)
    return ops.sum(ops.mul(ops.exp(ops.sub(x, out)), t[0]), dims, keepdim)


logsumexp = define(
    "logsumexp", _logsumexp_forward, _logsumexp_vjp, _logsumexp_jvp, "LogsumexpBackward0",
    save_inputs=(0,), save_output=True,
)

# The ops the JVP rules of output-saving primitives call to recompute their output.
PRIMITIVE_CALLS = {
    "exp": lambda x: ops.exp(x), "tan": lambda x: ops.tan(x), "tanh": lambda x: ops.tanh(x),
    "sigmoid": lambda x: ops.sigmoid(x), "sqrt": lambda x: ops.sqrt(x), "relu": lambda x: ops.relu(x),
    "exp2": lambda x: ops.exp2(x), "expm1": lambda x: ops.expm1(x), "rsqrt": lambda x: ops.rsqrt(x),
}


def _clamp_forward(x, low, high):
    """x raised to `low`, then lowered to `high`, as PyTorch: a value equal to a bound stays itself
    (-0. is not made 0.), a NaN value or bound gives NaN."""
    if x.shape == ():
        return _clamp_scalar(x[()], low, high)
    # numpy's maximum and minimum keep their second operand on ties and pass NaNs on from either.
    out = x if low is None else np.maximum(low, x)
    if high is not None:
        out = np.minimum(high, out)
    return out.copy() if out is x else out


def _clamp_scalar(value, low, high):
    """_clamp_forward on a numpy scalar by comparisons (a ufunc call costs ~0.7 us on one number):
    a tie keeps the value (-0. stays -0.), a NaN value or bound gives NaN."""
    if low is not None and not value >= low and value == value:
        value = low  # below it, or the bound is NaN
    if high is not None and not value <= high and value == value:
        value = high
    return value


def _clamp_bounds(bounds: tuple, slots: tuple) -> tuple:
    """(low, high) from a tensor clamp's extra inputs, by what each slot holds (None: neither)."""
    named = dict(zip(slots, bounds))
    return named.get("low"), named.get("high")


def _clamp_tensors_forward(x, *bounds, slots):
    low, high = _clamp_bounds(bounds, slots)
    # numpy's maximum and minimum keep their second operand on ties and pass NaNs on from either.
    out = x if low is None else np.maximum(low, x)
    if high is not None:
        out = np.minimum(high, out)
    return out.copy() if out is x else out


def _clamp_tensors_masks(x, low, high) -> list:
    """Where clamp with tensor bounds sends the gradient: to x within the bounds (inclusive), to a
    bound where x passed it; with both bounds, min wins only below max and max wins above min
    or when the bounds cross (PyTorch's clamp_backward_min_max)."""
    if low is not None and high is not None:
        return [(x >= low) & (x <= high), (x < low) & (low < high), (x > high) | (high < low)]
    if low is not None:
        return [x >= low, x < low, None]
    return [x <= high, None, x > high]


def _clamp_tensors_vjp(node, g, slots):
    x, *bounds = node.saved_tensors()
    low, high = _clamp_bounds(tuple(b.array for b in bounds), slots)
    masks = dict(zip(("x", "low", "high"), _clamp_tensors_masks(x.array, low, high)))
    grads = [lambda: _keep(masks["x"], g)]
    grads += [lambda slot=slot: _keep(masks[slot], g) if slot in masks and masks[slot] is not None else None
              for slot in slots]
    return _n_ary_grads(node, grads)


def _clamp_tensors_jvp(p, t, slots):
    """PyTorch's clamp tangents: clamp's own (ClampBackward0) go to a bound only strictly past it,
    or to max where the bounds cross; clamp_min/clamp_max's keep x's tangent at a tie."""
    x, *bounds = p
    low, high = _clamp_bounds(tuple(b.array for b in bounds), slots)
    t_low, t_high = _clamp_bounds(t[1:], slots)

    def pick(condition, a, b):  # where() broadcasts each tangent to the output's shape
        return ops.where(ops.constant(condition), a, b)

    xs = x.array
    if low is not None and high is not None:
        return pick(low > high, t_high, pick(xs < low, t_low, pick(xs > high, t_high, t[0])))
    own = len(slots) == 2  # clamp itself (three inputs), not clamp_min / clamp_max
    if low is not None:
        return pick(xs > low if own else xs >= low, t[0], t_low)
    return pick(xs < high if own else xs <= high, t[0], t_high)


# clamp with tensor bounds: x and its one or two bounds (a placeholder where clamp has none, so
# that ClampBackward0 lists self, min and max, as PyTorch's).
clamp_tensors = define(
    "clamp_tensors", _clamp_tensors_forward, _clamp_tensors_vjp, _clamp_tensors_jvp, "ClampBackward0",
    save_inputs=(0, 1, 2),
)
clamp_tensor = define(  # clamp_min / clamp_max with a tensor bound: x and that bound
    "clamp_tensor", _clamp_tensors_forward, _clamp_tensors_vjp, _clamp_tensors_jvp, "ClampMinBackward1",
    save_inputs=(0, 1),
)


def _clamp_pass(x, low, high):
    """Where clamp lets the gradient through: bounds inclusive, as in PyTorch."""
    keep = np.ones(x.array.shape, dtype=bool)
    if low is not None:
        keep &= x.array >= low
    if high is not None:
        keep &= x.array <= high
    return keep


def _clamp_values(node, g, low, high):
    (x,) = node.saved_values()
    if x.shape == () and g.shape == ():  # numpy scalars: the same choice without arrays
        keep = (low is None or x >= low) and (high is None or x <= high)
        return (g if keep else _ZERO[g.dtype],)
    keep = np.ones(x.shape, dtype=bool)
    if low is not None:
        keep &= x >= low
    if high is not None:
        keep &= x <= high
    return (_keep_value(keep, g),)


clamp = define(
    "clamp", _clamp_forward,
    vjp=lambda node, g, low, high: (_keep(_clamp_pass(node.saved_tensors()[0], low, high), g),),
    jvp=lambda p, t, low, high: _keep(_clamp_pass(p[0], low, high), t[0]),
    node_name="ClampBackward1", save_inputs=(0,), vjp_array=_clamp_values,
)


def _where_vjp(node, g):
    (condition,) = node.saved_tensors()
    zero = ops.zeros_like(g)
    return _binary_grads(
        node, lambda: ops.where(condition, g, zero), lambda: ops.where(condition, zero, g)
    )


# The condition is the third input, saved as PyTorch saves it: a second backward finds it freed,
# and changing it in place before backward is the usual version error.
where = define(
    "where", lambda a, b, condition: np.where(condition, a, b),
    vjp=_where_vjp,
    jvp=lambda p, t: ops.where(p[2], t[0], t[1]),
    node_name="WhereBackward0", save_inputs=(2,), saved_for={2: (0, 1)},
)


# ---------------------------------------------------------------- reductions


def _sum_forward(x, dims, keepdim):
    if x.dtype.kind == "f":
        ordered = summation.ordered_sum(x, dims, keepdim)  # PyTorch's order of additions, where known
        return np.sum(x, axis=dims, keepdims=keepdim) if ordered is None else ordered
    return np.sum(x, axis=dims, keepdims=keepdim).astype(np.int64)


def _expand_back(g, shape, dims, keepdim):
    """Undo a reduction's shape change: unsqueeze the reduced dims, then expand."""
    if dims is None:
        return ops.expand(ops.reshape(g, (1,) * len(shape)), shape) if shape else g
    if not keepdim:
        kept = [1 if i in dims else n for i, n in enumerate(shape)]
        g = ops.reshape(g, tuple(kept))
    return ops.expand(g, shape)


def _expand_back_value(g, shape, dims, keepdim):
    """_expand_back on a numpy value (ops.expand hands back its input when the shape is already right)."""
    if dims is None:
        if not shape:
            return g
        g = np.asarray(g).reshape((1,) * len(shape))
    elif not keepdim:
        g = np.asarray(g).reshape(tuple([1 if i in dims else n for i, n in enumerate(shape)]))
    return g if g.shape == shape else np.broadcast_to(g, shape)


sum_ = define(
    "sum", _sum_forward,
    vjp=lambda node, g, dims, keepdim: (_expand_back(g, node.input_shape(0), dims, keepdim),),
    jvp=lambda p, t, dims, keepdim: ops.sum(t[0], dims, keepdim),
    node_name="SumBackward0",
    vjp_array=lambda node, g, dims, keepdim: (_expand_back_value(g, node.input_shape(0), dims, keepdim),),
)


def _divide_value(value, count: int):
    return value / np.asarray(count, dtype=value.dtype)


def _expand_forward(x, shape):
    # A view either way; numpy's broadcast views are read-only, and expanding to the same shape
    # must stay writable as in PyTorch.
    return x.view() if x.shape == tuple(shape) else np.broadcast_to(x, shape)


def _mean_values(node, g, dims, keepdim):
    # Divided before it is expanded: one division per output rather than per input element,
    # the same values.
    shape = node.input_shape(0)
    spread = _expand_back_value(_divide_value(g, reduced_count(shape, dims)), shape, dims, keepdim)
    return (_unfilled(spread) if type(spread) is np.ndarray and not spread.flags.writeable else spread,)


def _unfilled(view):
    """A read-only broadcast view made writable, still without filling memory.

    PyTorch's mean gradient is a tensor of its own (writable), not an expanded view like sum's,
    but filling 10^6 copies of one number costs a pass over memory that the next rule's product
    does not need. Nothing in backward writes into a gradient, and the engine copies such a view
    before a user can see it (engine._owning_memory), so the marker is: writable with a zero stride.
    """
    return np.ndarray(view.shape, view.dtype, buffer=view.base, strides=view.strides)


def _mean_forward(x, dims=None, keepdim=False):
    if x.size == 0 and reduced_count(x.shape, dims) == 0:  # nan, without numpy's "Mean of empty slice" warning
        return np.full(np.sum(x, axis=dims, keepdims=keepdim).shape, np.nan, dtype=x.dtype)
    if x.dtype.kind == "f":  # PyTorch's mean: its sum, divided by the count
        return _sum_forward(x, dims, keepdim) / x.dtype.type(reduced_count(x.shape, dims))
    return np.mean(x, axis=dims, keepdims=keepdim, dtype=x.dtype).astype(x.dtype)


mean = define(
    "mean", _mean_forward,
    vjp=lambda node, g, dims, keepdim: (
        ops.div(_expand_back(g, node.input_shape(0), dims, keepdim), reduced_count(node.input_shape(0), dims)),
    ),
    jvp=lambda p, t, dims, keepdim: ops.mean(t[0], dims, keepdim),
    node_name="MeanBackward0",
    vjp_array=_mean_values,
)


def _evenly_distribute(g, x, out, dims, keepdim, nan_hits=False):
    """max()/min()/median() and amax/amin: tied extremes share the gradient evenly.

    With `nan_hits` (max(), min() and median() over all values, in reverse mode, as PyTorch's),
    a NaN extreme is shared by the NaN positions, and the others get +0 (PyTorch fills zeros
    with the shares); otherwise nothing equals a NaN, the count is 0 and every share is NaN, and
    the others get mask * share (-0. for a negative share, as amax's gradient in PyTorch).
    """
    kept = out.array if keepdim or dims is None else np.expand_dims(out.array, dims)
    hits = x.array == kept
    if nan_hits:
        hits |= np.isnan(x.array) & np.isnan(kept)
    count = hits.sum(axis=dims, keepdims=keepdim)
    share = ops.div(g, ops.constant(np.asarray(count, dtype=g.dtype.numpy)))
    if nan_hits and not share.ndim:  # (max() and friends reduce over all values: one share)
        return ops.masked_fill(ops.constant(np.zeros(x.shape, g.dtype.numpy)), ops.constant(hits), share)
    return ops.mul(_mask(hits, x), _expand_back(share, x.shape, dims, keepdim))


def _define_extreme(name, forward, node_name):
    """A reduction to the largest (smallest) values, over all dims (dims=None) or some.

    `nan_hits` is set by max() and min(), whose gradient goes to the NaN positions (amax's does not).
    """

    def reduce(x, dims, keepdim, nan_hits=False):
        return forward(x, dims, keepdim)

    def vjp(node, g, dims, keepdim, nan_hits=False):
        x, out = node.saved_tensors()
        return (_evenly_distribute(g, x, out, dims, keepdim, nan_hits),)

    def jvp(p, t, dims, keepdim, nan_hits=False):
        # PyTorch's forward rule has no NaN case, even for max(): a NaN extreme gives a NaN tangent.
        out = ops.constant(forward(p[0].array, dims, keepdim))
        share = _evenly_distribute(ops.ones_like(out), p[0], out, dims, keepdim)  # 1/count where x is extreme
        return ops.sum(ops.mul(t[0], share), dims, keepdim)

    return define(name, reduce, vjp, jvp, node_name, save_inputs=(0,), save_output=True)


def _lower_median(x, dims, keepdim):
    """The lower of the two middle values of all of x (NaN if x has one), as torch.median()."""
    flat = x.reshape(-1)
    if flat.size == 0 or (flat.dtype.kind == "f" and np.isnan(flat).any()):
        return np.asarray(np.nan, dtype=x.dtype)
    return np.partition(flat, (flat.size - 1) // 2)[(flat.size - 1) // 2]


median = _define_extreme("median", _lower_median, "MedianBackward0")
amax = _define_extreme("amax", lambda x, dims, keepdim: np.max(x, axis=dims, keepdims=keepdim), "MaxBackward1")
amin = _define_extreme("amin", lambda x, dims, keepdim: np.min(x, axis=dims, keepdims=keepdim), "MinBackward1")


def _select_along(input_shape, dim, indices, keepdim):
    """A one-hot constant marking, along `dim`, the index each reduced value came from."""
    idx = indices if keepdim else np.expand_dims(indices, dim)
    onehot = np.zeros(input_shape, dtype=bool)
    np.put_along_axis(onehot, idx, True, axis=dim)
    return onehot


def _reduce_dim_vjp(node, g, dim, keepdim, indices):
    shape = node.input_shape(0)
    onehot = _select_along(shape, dim, indices, keepdim)
    spread = _expand_back(g, shape, (dim,), keepdim)
    return (_keep(onehot, spread),)


def _reduce_dim_jvp(p, t, dim, keepdim, indices):
    onehot = _select_along(p[0].shape, dim, indices, keepdim)
    return ops.sum(ops.mul(t[0], _mask(onehot, t[0])), (dim,), keepdim)


def _take_indices(x, dim, keepdim, indices):
    idx = indices if keepdim else np.expand_dims(indices, dim)
    out = np.take_along_axis(x, idx, axis=dim)
    return out if keepdim else np.squeeze(out, axis=dim)


reduce_dim = define(
    "reduce_dim", _take_indices, _reduce_dim_vjp, _reduce_dim_jvp, "MaxBackward0"
)


def _vector_norm_forward(x, ord, dims, keepdim):  # noqa: A002 - PyTorch's argument name
    """linalg.vector_norm of `x` over `dims` (None: all of it)."""
    if ord == 2:
        out = np.sqrt(np.sum(x * x, axis=dims, keepdims=keepdim, dtype=x.dtype))
    elif ord == 0:
        out = np.sum(x != 0, axis=dims, keepdims=keepdim).astype(x.dtype)
    elif ord == 1:
        out = np.sum(np.abs(x), axis=dims, keepdims=keepdim, dtype=x.dtype)
    elif ord == math.inf or ord == -math.inf:
        extreme = np.max if ord > 0 else np.min
        out = extreme(np.abs(x), axis=dims, keepdims=keepdim)
    else:
        # PyTorch's bits: each |x| ** ord and the root rounded from float64 (numpy's float32 pow
        # loop on arrays is less accurate than its scalar pow), the sum in x's dtype.
        powered = (np.abs(x).astype(np.float64) ** ord).astype(x.dtype)
        total = np.sum(powered, axis=dims, keepdims=keepdim, dtype=x.dtype)
        out = (np.asarray(total, np.float64) ** np.float64(_ONE[x.dtype] / x.dtype.type(ord))).astype(x.dtype)
    return np.asarray(out, dtype=x.dtype)


def _vector_norm_vjp(node, g, ord, dims, keepdim):  # noqa: A002
    """PyTorch's vector-norm gradient, case by case (its subgradients at 0 included); ord 0 has none."""
    x, out = node.saved_tensors()
    if ord == 0:
        return (None,)
    shape = x.array.shape
    g, norm = _expand_back(g, shape, dims, keepdim), _expand_back(out, shape, dims, keepdim)
    if ord == 1:
        return (ops.mul(ops.sign(x), g),)
    if ord == 2:
        return (ops.mul(g, _keep(norm.array != 0, ops.div(x, norm))),)
    if ord == math.inf or ord == -math.inf:  # shared among the elements that tie for the extreme
        magnitude = np.abs(x.array)
        mask = _mask((magnitude == norm.array) | np.isnan(magnitude), x)  # a NaN is an extreme too
        count = ops.sum(mask, dims, keepdim=True) if dims is not None else ops.sum(mask)
        return (ops.mul(ops.sign(x), ops.mul(ops.div(g, count), mask)),)
    magnitude = ops.abs(x)
    if ord < 1:
        powered = _keep(x.array != 0, ops.pow(magnitude, ord - 1))
        return (ops.mul(ops.mul(ops.mul(ops.sign(x), powered), g), ops.pow(norm, 1 - ord)),)
    scale = _keep(norm.array != 0, ops.div(g, ops.pow(norm, ord - 1)))
    if ord < 2:
        return (ops.mul(ops.mul(ops.sign(x), ops.pow(magnitude, ord - 1)), scale),)
    return (ops.mul(ops.mul(x, ops.pow(magnitude, ord - 2)), scale),)


def _vector_norm_jvp(p, t, ord, dims, keepdim):  # noqa: A002
    """The tangent: each element's derivative (the VJP's, for a gradient of ones) times its tangent, summed."""
    out = ops.norm(p[0], ord, dims, keepdim)
    ones = ops.ones_like(out)
    node = _Derivative(p[0], out)
    (derivative,) = _vector_norm_vjp(node, ones, ord, dims, keepdim)
    if derivative is None:
        return ops.zeros_like(out)
    product = ops.mul(derivative, t[0])
    return ops.sum(product, dims, keepdim) if dims is not None else ops.sum(product)


class _Derivative:
    """What _vector_norm_vjp reads of a node, for the JVP: the input and the output."""

    def __init__(self, x, out) -> None:
        self.values = (x, out)

    def saved_tensors(self) -> tuple:
        return self.values


vector_norm = define(
    "vector_norm", _vector_norm_forward, _vector_norm_vjp, _vector_norm_jvp, "LinalgVectorNormBackward0",
    save_inputs=(0,), save_output=True,
)


def _shifted_by_max(x, dim):
    """x less its maximum along `dim`, so exp() cannot overflow; an empty x has no maximum to take."""
    return x - np.max(x, axis=dim, keepdims=True) if x.size else x.copy()


def _softmax_forward(x, dim):
    shifted = np.exp(_shifted_by_max(x, dim))
    return shifted / np.sum(shifted, axis=dim, keepdims=True)


def _log_softmax_forward(x, dim):
    shifted = _shifted_by_max(x, dim)
    return shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))


def _softmax_vjp(node, g, dim):
    (out,) = node.saved_tensors()
    return (ops.softmax_backward(g, out, dim),)


# softmax's and log_softmax's gradients, each a primitive of its own as in PyTorch (whose
# create_graph nodes are SoftmaxBackwardDataBackward0 and LogSoftmaxBackwardDataBackward0).
def _along(dim):
    return None if dim is None else (dim,)  # a 0-d tensor's softmax has no dim


def _softmax_backward_forward(g, y, dim):
    """y * (g - sum(g * y)) along dim, the sum in PyTorch's order as ops.sum adds."""
    return y * (g - _sum_forward(g * y, _along(dim), True))


def _softmax_backward_vjp(node, c, dim):
    g, y = node.saved_tensors()
    grad_g = ops.softmax_backward(c, y, dim) if node.needs_grad(0) else None
    grad_y = None
    if node.needs_grad(1):
        spread = ops.sub(g, ops.sum(ops.mul(g, y), _along(dim), True))
        grad_y = ops.sub(ops.mul(c, spread), ops.mul(g, ops.sum(ops.mul(c, y), _along(dim), True)))
    return grad_g, grad_y


def _softmax_backward_jvp(p, t, dim):
    g, y = p
    spread = ops.sub(g, ops.sum(ops.mul(g, y), _along(dim), True))
    through_y = ops.sub(ops.mul(t[1], spread), ops.mul(y, ops.sum(ops.mul(g, t[1]), _along(dim), True)))
    return ops.add(ops.softmax_backward(t[0], y, dim), through_y)


softmax_backward = define(
    "softmax_backward", _softmax_backward_forward, _softmax_backward_vjp, _softmax_backward_jvp,
    "SoftmaxBackwardDataBackward0", save_inputs=(0, 1),
)


def _log_softmax_backward_forward(g, y, dim):
    """g - exp(y) * sum(g) along dim."""
    return g - np.exp(y) * _sum_forward(g, _along(dim), True)


def _log_softmax_backward_vjp(node, c, dim):
    g, y = node.saved_tensors()
    probs = ops.exp(y)
    grad_g = ops.sub(c, ops.sum(ops.mul(c, probs), _along(dim), True)) if node.needs_grad(0) else None
    grad_y = ops.neg(ops.mul(ops.mul(c, probs), ops.sum(g, _along(dim), True))) if node.needs_grad(1) else None
    return grad_g, grad_y


def _log_softmax_backward_jvp(p, t, dim):
    g, y = p
    probs = ops.exp(y)
    through_g = ops.sub(t[0], ops.mul(probs, ops.sum(t[0], _along(dim), True)))
    return ops.sub(through_g, ops.mul(ops.mul(t[1], probs), ops.sum(g, _along(dim), True)))


log_softmax_backward = define(
    "log_softmax_backward", _log_softmax_backward_forward, _log_softmax_backward_vjp, _log_softmax_backward_jvp,
    "LogSoftmaxBackwardDataBackward0", save_inputs=(0, 1),
)


def _softmax_jvp(p, t, dim):
    out = ops.softmax(p[0], dim)
    return ops.mul(out, ops.sub(t[0], ops.sum(ops.mul(t[0], out), (dim,), True)))


def _log_softmax_vjp(node, g, dim):
    (out,) = node.saved_tensors()
    return (ops.log_softmax_backward(g, out, dim),)


def _log_softmax_jvp(p, t, dim):
    probs = ops.softmax(p[0], dim)
    return ops.sub(t[0], ops.sum(ops.mul(probs, t[0]), (dim,), True))


softmax = define("softmax", _softmax_forward, _softmax_vjp, _softmax_jvp, "SoftmaxBackward0", save_output=True)
log_softmax = define(
    "log_softmax", _log_softmax_forward, _log_softmax_vjp, _log_softmax_jvp, "LogSoftmaxBackward0",
    save_output=True,
)


# ---------------------------------------------------------------- linear algebra


def _matmul_vjp(node, g):
    a, b = node.saved_tensors()
    ga = ops.sum_to(ops.matmul(g, ops.mT(b)), node.input_shape(0)) if node.needs_grad(0) else None
    gb = ops.sum_to(ops.matmul(ops.mT(a), g), node.input_shape(1)) if node.needs_grad(1) else None
    return ga, gb


def _product_jvp(p, t):
    # Zeros for a missing tangent here, as PyTorch's forward formula for products (0 * inf is NaN)
    return ops.add(ops.matmul(t[0], p[1]), ops.matmul(p[0], t[1]))


def _matmul_values(node, g):
    a, b = node.saved_values()
    ga = _sum_to_value(np.matmul(g, np.swapaxes(b, -1, -2)), node.input_shape(0)) if node.needs_grad(0) else None
    gb = _sum_to_value(np.matmul(np.swapaxes(a, -1, -2), g), node.input_shape(1)) if node.needs_grad(1) else None
    return ga, gb


mm = define("mm", np.matmul, _matmul_vjp, _product_jvp, "MmBackward0", save_inputs=(0, 1), saved_for=_CROSS,
            vjp_array=_matmul_values)
bmm = define("bmm", np.matmul, _matmul_vjp, _product_jvp, "BmmBackward0", save_inputs=(0, 1), saved_for=_CROSS,
             vjp_array=_matmul_values)


def _scaled(x, factor):
    return x if factor == 1 else ops.mul(x, factor)


def _addmm_forward(b, m1, m2, beta, alpha):
    product = np.matmul(m1, m2)
    if alpha != 1:
        product = product * product.dtype.type(alpha)
    return (b if beta == 1 else b * b.dtype.type(beta)) + product


def _addmm_vjp(node, g, beta, alpha):
    m1, m2 = node.saved_tensors()
    gb = ops.sum_to(_scaled(g, beta), node.input_shape(0)) if node.needs_grad(0) else None
    g1 = _scaled(ops.mm(g, ops.mT(m2)), alpha) if node.needs_grad(1) else None
    g2 = _scaled(ops.mm(ops.mT(m1), g), alpha) if node.needs_grad(2) else None
    return gb, g1, g2


# beta * b + alpha * (m1 @ m2), b broadcast: torch.addmm, and nn.functional.linear on a batch
addmm = define(
    "addmm", _addmm_forward, _addmm_vjp,
    _sum_of_terms(lambda p, tb, beta, alpha: _scaled(ops.expand(tb, (p[1].shape[0], p[2].shape[1])), beta),
                  lambda p, t1, beta, alpha: _scaled(ops.mm(t1, p[2]), alpha),
                  lambda p, t2, beta, alpha: _scaled(ops.mm(p[1], t2), alpha)),
    "AddmmBackward0", save_inputs=(1, 2), saved_for={1: (2,), 2: (1,)},
)


def _mv_vjp(node, g):
    a, v = node.saved_tensors()
    ga = ops.mul(ops.unsqueeze(g, 1), v) if node.needs_grad(0) else None
    gv = ops.matmul(ops.mT(a), g) if node.needs_grad(1) else None
    return ga, gv


mv = define("mv", np.matmul, _mv_vjp, _product_jvp, "MvBackward0", save_inputs=(0, 1), saved_for=_CROSS)


def _dot_vjp(node, g):
    a, b = node.saved_tensors()
    return (ops.mul(g, b) if node.needs_grad(0) else None, ops.mul(g, a) if node.needs_grad(1) else None)


dot = define(
    "dot", lambda a, b: np.asarray(np.dot(a, b), dtype=a.dtype), _dot_vjp, _product_jvp, "DotBackward0",
    save_inputs=(0, 1), saved_for=_CROSS,
)


# ---------------------------------------------------------------- shape and copies


def _view_forward(x, shape):
    return x.reshape(shape)


reshape = define(
    "reshape", _view_forward,
    vjp=lambda node, g, shape: (ops.reshape(g, node.input_shape(0)),),
    jvp=lambda p, t, shape: ops.reshape(t[0], shape),
    node_name="ViewBackward0",
    vjp_array=lambda node, g, shape: (np.asarray(g).reshape(node.input_shape(0)),),
)
expand = define(
    "expand", _expand_forward,
    vjp=lambda node, g, shape: (ops.sum_to(g, node.input_shape(0)),),
    jvp=lambda p, t, shape: ops.expand(t[0], shape),
    node_name="ExpandBackward0",
    vjp_array=lambda node, g, shape: (_sum_to_value(g, node.input_shape(0)),),
)
permute = define(
    "permute", lambda x, dims: np.transpose(x, dims),
    vjp=lambda node, g, dims: (ops.permute(g, tuple(np.argsort(dims))),),
    jvp=lambda p, t, dims: ops.permute(t[0], dims),
    node_name="PermuteBackward0",
)
clone = define(
    "clone", lambda x, order="K": np.array(x, order=order, copy=True),  # K: the layout kept, as PyTorch's
    vjp=lambda node, g, **params: (g,),
    jvp=lambda p, t, **params: t[0],
    node_name="CloneBackward0",
    vjp_array=lambda node, g, **params: (g,),
)
to_dtype = define(
    "to_dtype", lambda x, dtype: x.astype(dtype.numpy),
    vjp=lambda node, g, dtype: (ops.to(g, node.input_dtype(0)),),
    jvp=lambda p, t, dtype: ops.to(t[0], dtype),
    node_name="ToCopyBackward0",
)


def _index_forward(x, index):
    out = x[index]
    return out


def _scatter_forward(g, index, shape):
    out = np.zeros(shape, dtype=g.dtype)
    np.add.at(out, index, g)
    return out


index = define(
    "index", _index_forward,
    vjp=lambda node, g, index: (ops.index_scatter(g, index, node.input_shape(0)),),
    jvp=lambda p, t, index: ops.index(t[0], index),
    node_name="IndexBackward0",
)
index_scatter = define(
    "index_scatter", _scatter_forward,
    vjp=lambda node, g, index, shape: (ops.index(g, index),),
    jvp=lambda p, t, index, shape: ops.index_scatter(t[0], index, shape),
    node_name="IndexPutBackward0",
)


def _put_forward(x, value, index):
    out = x.copy()
    out[index] = value
    return out


def _put_vjp(node, g, index):
    gx = None
    if node.needs_grad(0):
        hole = np.ones(node.input_shape(0), dtype=bool)
        hole[index] = False
        gx = _keep(hole, g)
    gv = ops.sum_to(ops.index(g, index), node.input_shape(1)) if node.needs_grad(1) else None
    return gx, gv


def _put_jvp(p, t, index):
    return ops.index_put(t[0], index, t[1])


index_put = define("index_put", _put_forward, _put_vjp, _put_jvp, "CopySlices")


def _concat_vjp(node, g, dim, stacked):
    grads = []
    offset = 0
    for i, (shape, _dtype) in enumerate(node.input_meta):
        width = 1 if stacked else shape[dim]
        if node.needs_grad(i):
            where_ = (slice(None),) * dim + ((offset if stacked else slice(offset, offset + width)),)
            grads.append(ops.index(g, where_))
        else:
            grads.append(None)
        offset += width
    return tuple(grads)


def _concat_forward(*arrays, dim, stacked):
    return np.stack(arrays, axis=dim) if stacked else np.concatenate(arrays, axis=dim)


concat = define(
    "concat", _concat_forward, _concat_vjp,
    jvp=lambda p, t, dim, stacked: ops.concat(list(t), dim, stacked),
    node_name="CatBackward0",
)


# ---------------------------------------------------------------- losses


def _reduce_loss_values(losses, reduction):
    """A loss's elementwise values, reduced as its `reduction` asks ('none', 'sum' or 'mean')."""
    if reduction == "mean":
        return _mean_forward(losses)
    return _sum_forward(losses, None, False) if reduction == "sum" else losses


def _reduce_loss(losses, reduction):
    """_reduce_loss_values on tensors, for the forward rules."""
    if reduction == "mean":
        return ops.mean(losses)
    return ops.sum(losses) if reduction == "sum" else losses


def _mse_vjp(node, g, reduction):
    a, b = node.saved_tensors()
    n = max(1, math.prod(np.broadcast_shapes(a.shape, b.shape)))
    scale = 2 / n if reduction == "mean" else 2
    # PyTorch's order: (a - b) * scale * g, and for the target (b - a) * scale * g (never -0).
    return _binary_grads(
        node, lambda: ops.mul(ops.mul(ops.sub(a, b), scale), g), lambda: ops.mul(ops.mul(ops.sub(b, a), scale), g)
    )


mse_loss = define(
    "mse_loss", lambda a, b, reduction: _reduce_loss_values(np.square(a - b), reduction), _mse_vjp,
    jvp=lambda p, t, reduction: _reduce_loss(ops.mul(ops.mul(ops.sub(p[0], p[1]), 2), ops.sub(t[0], t[1])), reduction),
    node_name="MseLossBackward0", save_inputs=(0, 1),
)


def _log_sigmoid_value(x):
    """log(sigmoid(x)) without overflow: min(x, 0) - log1p(exp(-|x|)), as PyTorch computes it."""
    return np.minimum(x, _ZERO[x.dtype]) - rounding.log1p(rounding.exp(-np.abs(x)))


def _smooth_l1_forward(a, b, reduction, beta):
    z = np.abs(a - b)
    half, beta_ = a.dtype.type(0.5), a.dtype.type(beta)
    return _reduce_loss_values(np.where(z < beta_, half * z * z / beta_, z - half * beta_), reduction)


def _huber_forward(a, b, reduction, delta):
    z = np.abs(a - b)
    half, delta_ = a.dtype.type(0.5), a.dtype.type(delta)
    return _reduce_loss_values(np.where(z < delta_, half * z * z, delta_ * (z - half * delta_)), reduction)


def _robust_loss_slope(difference, g, width: float, scale_outside: float, scale_inside: float):
    """The gradient of smooth_l1 (width beta) and huber (width delta) losses: linear inside
    [-width, width] (difference * g * scale_inside), constant outside (±g * scale_outside)."""
    d = difference.array
    inside = ops.mul(ops.mul(difference, g), scale_inside)
    outside = ops.mul(g, scale_outside)
    return ops.where(ops.constant(d < -width), ops.neg(outside), ops.where(ops.constant(d > width), outside, inside))


def _robust_loss_rule(width_name: str, inside_scale, outside_scale):
    """VJP and JVP of a loss made of _robust_loss_slope (its parameter is named `width_name`)."""

    def slope(a, b, g, reduction, **params):
        width = params[width_name]
        n = max(1, math.prod(np.broadcast_shapes(a.shape, b.shape))) if reduction == "mean" else 1
        return _robust_loss_slope(ops.sub(a, b), g, width, outside_scale(width) / n, inside_scale(width) / n)

    def vjp(node, g, reduction, **params):
        a, b = node.saved_tensors()
        if reduction != "none":
            g = _expand_back(g, np.broadcast_shapes(a.shape, b.shape), None, False)
        # the target's is the same rule with the roles swapped, as PyTorch computes it (signed zeros agree)
        return _binary_grads(node, lambda: slope(a, b, g, reduction, **params),
                             lambda: slope(b, a, g, reduction, **params))

    def jvp(p, t, reduction, **params):
        return _reduce_loss(slope(p[0], p[1], ops.sub(t[0], t[1]), "none", **params), reduction)

    return vjp, jvp


smooth_l1_loss = define("smooth_l1_loss", _smooth_l1_forward,
                        *_robust_loss_rule("beta", lambda beta: 1 / beta, lambda beta: 1.0),
                        "SmoothL1LossBackward0", save_inputs=(0, 1))
huber_loss = define("huber_loss", _huber_forward, *_robust_loss_rule("delta", lambda delta: 1.0, lambda delta: delta),
                    "HuberLossBackward0", save_inputs=(0, 1))


def _log_sigmoid_vjp_value(x):
    """d log(sigmoid(x)) / dx = 1 - sigmoid(x), from exp(-|x|) as PyTorch's kernel: no overflow."""
    z = rounding.exp(-np.abs(x))
    fraction = z / (_ONE[x.dtype] + z)
    return np.where(x < 0, _ONE[x.dtype] - fraction, fraction)


def _log_sigmoid_slope(x):
    """_log_sigmoid_vjp_value in ops (differentiable again), the same steps, the same bits."""
    z = ops.exp(ops.neg(ops.abs(x)))
    fraction = ops.div(z, ops.add(z, 1))
    return ops.where(ops.constant(x.array < 0), ops.rsub(fraction, 1), fraction)


_unary("logsigmoid", _log_sigmoid_value, lambda g, x, out: ops.mul(g, _log_sigmoid_slope(x)), "LogSigmoidBackward0",
       chain_values=lambda g, x, out: g * _log_sigmoid_vjp_value(x))
_piecewise_linear(
    "hardtanh", lambda x, low, high: np.minimum(np.maximum(x, x.dtype.type(low)), x.dtype.type(high)),
    lambda g, x, low, high: np.where((x > low) & (x < high), g, g.dtype.type(0)), "HardtanhBackward0",
    "HardtanhBackwardBackward0",
)


def _bce_forward(p, target, reduction):
    one = p.dtype.type(1)
    log_p = np.maximum(np.log(p), p.dtype.type(-100))
    log_q = np.maximum(np.log(one - p), p.dtype.type(-100))
    return _reduce_loss_values(-(target * log_p + (one - target) * log_q), reduction)


def _bce_input_grad(g, p, target, reduction):
    """d loss / d p times g, in PyTorch's order (so the bits agree): g * (p - target), divided by
    (1 - p) * p kept above 1e-12, then by the element count for a mean."""
    denominator = ops.clamp(ops.mul(ops.rsub(p, 1), p), 1e-12, None)
    grad = ops.div(ops.mul(g, ops.sub(p, target)), denominator)
    return ops.div(grad, max(1, p.numel())) if reduction == "mean" else grad


def _bce_target_grad(g, p, reduction):
    """d loss / d target times g: g * (log(1 - p) - log(p)) (unclamped, as PyTorch's), then / n for a mean."""
    grad = ops.mul(g, ops.sub(ops.log1p(ops.neg(p)), ops.log(p)))
    return ops.div(grad, max(1, p.numel())) if reduction == "mean" else grad


def _bce_vjp(node, g, reduction):
    p, target = node.saved_tensors()
    grad_p = _bce_input_grad(g, p, target, reduction) if node.needs_grad(0) else None
    grad_target = _bce_target_grad(g, p, reduction) if node.needs_grad(1) else None
    return grad_p, grad_target


_bce_slope = _sum_of_terms(lambda p, tp: _bce_input_grad(tp, p[0], p[1], "none"),
                           lambda p, tt: _bce_target_grad(tt, p[0], "none"))


@takes_missing_tangents
def _bce_jvp(p, t, reduction):
    return _reduce_loss(_bce_slope(p, t), reduction)


binary_cross_entropy = define(
    "binary_cross_entropy", _bce_forward, _bce_vjp,
    jvp=_bce_jvp,
    node_name="BinaryCrossEntropyBackward0", save_inputs=(0, 1),
)


def _bce_logits_forward(x, target, reduction, weight, pos_weight):
    log_sigmoid = _log_sigmoid_value(x)
    if pos_weight is not None:
        log_sigmoid = log_sigmoid * ((pos_weight - _ONE[x.dtype]) * target + _ONE[x.dtype])
    losses = (_ONE[x.dtype] - target) * x - log_sigmoid
    if weight is not None:
        losses = losses * weight
    return _reduce_loss_values(losses, reduction)


def _bce_logits_input_grad(g, x, target, reduction, weight, pos_weight):
    """(sigmoid(x) - target) * g (with pos_weight: ((w t + 1 - t) sigmoid(x) - w t) * g), times
    weight, then / n for a mean: PyTorch's order."""
    if pos_weight is None:
        grad = ops.mul(ops.sub(ops.sigmoid(x), target), g)
    else:
        weighted = ops.mul(ops.constant(pos_weight), target)
        grad = ops.mul(ops.sub(ops.mul(ops.sub(ops.add(weighted, 1), target), ops.sigmoid(x)), weighted), g)
    if weight is not None:
        grad = ops.mul(grad, ops.constant(weight))
    return ops.div(grad, max(1, x.numel())) if reduction == "mean" else grad


def _bce_logits_target_grad(g, x, reduction, weight, pos_weight):
    if pos_weight is None:
        grad = ops.mul(ops.neg(x), g)
    else:
        positive, negative = (ops.constant(_log_sigmoid_value(v)) for v in (x.array, -x.array))
        grad = ops.mul(ops.sub(negative, ops.mul(positive, ops.constant(pos_weight))), g)
    if weight is not None:
        grad = ops.mul(grad, ops.constant(weight))
    return ops.div(grad, max(1, x.numel())) if reduction == "mean" else grad


def _bce_logits_vjp(node, g, reduction, weight, pos_weight):
    x, target = node.saved_tensors()
    g = _expand_back(g, x.array.shape, None, False) if reduction != "none" else g
    return (
        _bce_logits_input_grad(g, x, target, reduction, weight, pos_weight) if node.needs_grad(0) else None,
        _bce_logits_target_grad(g, x, reduction, weight, pos_weight) if node.needs_grad(1) else None,
    )


def _bce_logits_jvp(p, t, reduction, weight, pos_weight):
    slope = ops.add(_bce_logits_input_grad(t[0], p[0], p[1], "none", weight, pos_weight),
                    _bce_logits_target_grad(t[1], p[0], "none", weight, pos_weight))
    return _reduce_loss(slope, reduction)


binary_cross_entropy_with_logits = define(
    "binary_cross_entropy_with_logits", _bce_logits_forward, _bce_logits_vjp, _bce_logits_jvp,
    "BinaryCrossEntropyWithLogitsBackward0", save_inputs=(0, 1),
)


# ---------------------------------------------------------------- spread: var and std


def _degrees_of_freedom(shape, dims, correction) -> float:
    """The divisor of var and std: the count reduced less the correction, never below 0 (as
    PyTorch, so too large a correction gives inf or nan rather than a negative variance)."""
    return max(0.0, reduced_count(shape, dims) - correction)


def _wide_var(x, dims, correction, keepdim):
    """The variance in float64 for float32 inputs, as PyTorch's kernel accumulates in double."""
    wide = x.astype(np.float64) if x.dtype == np.float32 else x
    if wide.size:
        deviation = wide - np.mean(wide, axis=dims, keepdims=True)
    else:  # no mean to take (numpy would warn): the sum below is 0 anyway
        deviation = wide
    squares = np.sum(deviation * deviation, axis=dims, keepdims=keepdim)
    dof = _degrees_of_freedom(x.shape, dims, correction)
    return np.asarray(squares / np.float64(dof))


def _var_forward(x, dims, correction, keepdim):
    return _wide_var(x, dims, correction, keepdim).astype(x.dtype)


def _std_forward(x, dims, correction, keepdim):
    return np.sqrt(_wide_var(x, dims, correction, keepdim)).astype(x.dtype)


def _var_scaled(values, x, dims, correction):
    """`values` times var's derivative with respect to x, in PyTorch's order: values * (2 / dof) *
    (x - mean(x)). Over every element with no degrees of freedom left the derivative is inf, NaN
    where x equals its mean; over some dims the divisor is not clamped at 0 (a correction above
    the count gives a negative one)."""
    dof = reduced_count(x.shape, dims) - correction
    if dims is None and dof <= 0:
        at_mean = x.array == ops.mean(x, None, True).array.reshape(())
        return ops.mul(values, ops.constant(np.where(at_mean, np.nan, np.inf).astype(x.dtype.numpy)))
    factor = 2.0 / dof if dof else float("inf")
    return ops.mul(ops.mul(values, factor), ops.sub(x, ops.mean(x, dims, True)))


def _var_chain(g, x, dims, correction, keepdim):
    """var's gradient for an incoming `g` (of the reduced shape)."""
    spread = g
    if dims is None:
        spread = ops.reshape(g, (1,) * x.ndim) if x.ndim else g
    elif not keepdim:
        spread = ops.reshape(g, tuple(1 if i in dims else n for i, n in enumerate(x.shape)))
    return _var_scaled(spread, x, dims, correction)


def _var_jvp(p, t, dims, correction, keepdim):
    return ops.sum(_var_scaled(t[0], p[0], dims, correction), dims, keepdim)


def _std_scale(g, out):
    """g / (2 * std), with 0 where std is 0 (PyTorch's choice for a constant input)."""
    return _keep(out.array != 0, ops.div(g, ops.mul(out, 2)))


def _std_vjp(node, g, dims, correction, keepdim):
    x, out = node.saved_tensors()
    return (_var_chain(_std_scale(g, out), x, dims, correction, keepdim),)


def _std_jvp(p, t, dims, correction, keepdim):
    out = ops.constant(_std_forward(p[0].array, dims, correction, keepdim))
    return _std_scale(_var_jvp(p, t, dims, correction, keepdim), out)


var = define(
    "var", _var_forward,
    vjp=lambda node, g, dims, correction, keepdim: (
        _var_chain(g, node.saved_tensors()[0], dims, correction, keepdim),
    ),
    jvp=_var_jvp, node_name="VarBackward0", save_inputs=(0,),
)
std = define(
    "std", _std_forward, _std_vjp, _std_jvp, "StdBackward0", save_inputs=(0,), save_output=True,
)


# ---------------------------------------------------------------- nll_loss (class-index targets)


def _nll_weights(target, weight, ignore_index, dtype):
    """Per target element: its class's weight (1 without `weight`), 0 where the target is ignored;
    and the targets with ignored ones made 0, safe to index with."""
    kept = target != ignore_index
    safe = np.where(kept, target, 0)
    w = weight[safe] if weight is not None else np.ones(target.shape, dtype=dtype)
    return np.where(kept, w, np.zeros((), dtype=dtype)).astype(dtype, copy=False), safe


def _nll_total(weights, dtype):
    return np.asarray(np.sum(weights, dtype=np.float64), dtype=dtype)


def _nll_forward(x, target, weight, ignore_index, reduction, dim):
    weights, safe = _nll_weights(target, weight, ignore_index, x.dtype)
    picked = np.squeeze(np.take_along_axis(x, np.expand_dims(safe, dim), axis=dim), axis=dim)
    losses = np.where(weights != 0, -(picked * weights), np.zeros((), dtype=x.dtype))  # +0 where ignored
    if reduction == "none":
        return losses
    total = np.asarray(np.sum(losses, dtype=np.float64), dtype=x.dtype)
    return total / _nll_total(weights, x.dtype) if reduction == "mean" else total


def _nll_onehot(shape, safe, target, ignore_index, dim):
    onehot = np.zeros(shape, dtype=bool)
    np.put_along_axis(onehot, np.expand_dims(safe, dim), np.expand_dims(target != ignore_index, dim), axis=dim)
    return onehot


def _nll_vjp(node, g, target, weight, ignore_index, reduction, dim):
    (x,) = node.saved_tensors()  # (a second backward, or an input changed in place, is PyTorch's error)
    shape, dtype = node.input_shape(0), node.input_meta[0][1]
    weights, safe = _nll_weights(target, weight, ignore_index, dtype)
    # PyTorch's order: -(g / total_weight) for a mean (-g otherwise), times the class weight.
    scaled = ops.neg(ops.div(g, ops.constant(_nll_total(weights, dtype))) if reduction == "mean" else g)
    if weight is not None:
        scaled = ops.mul(ops.constant(weights), scaled)
    if scaled.ndim == target.ndim and len(shape) > target.ndim:
        scaled = ops.unsqueeze(scaled, dim)
    spread = ops.expand(scaled, shape)
    grad = _keep(_nll_onehot(shape, safe, target, ignore_index, dim), spread)
    if grad_mode.is_grad_enabled():  # create_graph: the gradient is a function of the input too, with
        # derivative zero (PyTorch's backward takes the input), so it requires grad as PyTorch's does
        grad = renamed(ops.where(ops.constant(np.zeros(shape, dtype=bool)), x, grad), "NllLossBackwardBackward0")
    return (grad,)


def _nll_jvp(p, t, target, weight, ignore_index, reduction, dim):
    x = p[0]
    weights, safe = _nll_weights(target, weight, ignore_index, x.dtype.numpy)
    picked = ops.sum(_keep(_nll_onehot(x.shape, safe, target, ignore_index, dim), t[0]), (dim,))
    losses = ops.neg(ops.mul(picked, ops.constant(weights)) if weight is not None else picked)
    if reduction == "none":
        return losses
    total = ops.sum(losses)
    return ops.div(total, ops.constant(_nll_total(weights, x.dtype.numpy))) if reduction == "mean" else total


# The input is saved, as PyTorch saves it: a second backward is an error, and so is changing it in place.
nll_loss = define("nll_loss", _nll_forward, _nll_vjp, _nll_jvp, "NllLossBackward0", save_inputs=(0,))
