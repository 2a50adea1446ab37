"""Limits on the Python values one operation can make enormous, checked before Python builds them.

`10**10**10`, `1 << 10**10`, `"a" * 10**10` or `f"{x:10000000000}"` are single operations: no loop
turn happens inside them, so neither `max_steps` nor `timeout` could stop them, and they would take
the host's memory. Integers are capped at MAX_INT_BITS; strings, lists and tuples at the
interpreter's `max_tensor_elements` (the limit tensors have) and never more than MAX_ITEMS.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable

from ..core import limits
from ..core.tensor import Tensor
from ..errors import MemoryError_, OverflowError_
from .runtime import running

MAX_INT_BITS = 1 << 20  # about 315 000 decimal digits; each operation on such ints stays under ~0.2 s
MAX_ITEMS = 100_000_000  # even with no tensor limit: a 100 MB string, an 800 MB list
SEQUENCES = (str, list, tuple)
_DIGITS = re.compile(r"\d+")


def check_int_bits(bits: float) -> None:
    if bits > MAX_INT_BITS:
        raise OverflowError_(
            f"integer too large: the result would have about {int(bits)} bits (the limit is {MAX_INT_BITS})"
        )


def check_items(count: int, kind: str) -> None:
    limit = limits.current.max_tensor_elements
    if limit is None or limit > MAX_ITEMS:
        if count > MAX_ITEMS:
            raise MemoryError_(f"a {kind} of {count} items is more than gradlang allows ({MAX_ITEMS})")
    elif count > limit:
        raise MemoryError_(
            f"a {kind} of {count} items exceeds this interpreter's limit of {limit} elements (max_tensor_elements)"
        )


_CONTAINERS = (list, tuple, str, dict, set, frozenset)
_CHECK_EVERY = 1 << 16  # items read between checks of the size and the clock


def read_bounded(build: Callable, kind: str | None = None) -> Callable:
    """`build` (list, tuple, sorted, sum, …) reading its iterable under the interpreter's limits.

    `list(range(10**9))` or `sum(zip(...))` run in C, where no loop turn checks the clock: an
    iterable that is not a container already built is read through a counter that stops at the
    timeout (and lets Ctrl-C in) and, when `build` keeps the items (a `kind` of sequence), refuses
    more items than a sequence may have."""

    def run(*args, **kwargs):
        if not args:  # nothing to read: the built-in's own answer (`list()`) or message (`sorted()`)
            return build(**kwargs)
        iterable, *args = args
        if not isinstance(iterable, _CONTAINERS):
            hint = operator.length_hint(iterable)
            if kind is not None:
                check_items(hint, kind)
            if not 0 < hint < _CHECK_EVERY:
                iterable = _counted(iterable, kind)
        return build(iterable, *args, **kwargs)

    run.__name__ = build.__name__
    return run


def _counted(iterable, kind: str | None):
    count = 0
    for item in iterable:
        count += 1
        if not count % _CHECK_EVERY:
            if kind is not None:
                check_items(count, kind)
            if running.limits is not None:
                running.limits.check_time()
        yield item


def _is_int(value) -> bool:
    return type(value) is int or type(value) is bool


def check_power(a, b) -> None:
    if _is_int(a) and _is_int(b) and b > 1 and abs(a) > 1:
        check_int_bits(b * math.log2(abs(a)))


def check_lshift(a, b) -> None:
    if _is_int(a) and _is_int(b) and a and b > 0:
        check_int_bits(a.bit_length() + b)


def check_multiply(a, b) -> None:
    if _is_int(a):
        if _is_int(b):
            check_int_bits(a.bit_length() + b.bit_length())
        elif isinstance(b, SEQUENCES):
            check_items(len(b) * a, type(b).__name__)
    elif _is_int(b) and isinstance(a, SEQUENCES):
        check_items(len(a) * b, type(a).__name__)


def check_add(a, b) -> None:
    if isinstance(a, SEQUENCES) and isinstance(b, SEQUENCES):
        check_items(len(a) + len(b), type(a).__name__)


def check_format_spec(spec: str) -> None:
    """A width or precision in a format spec is the length of the text it makes."""
    for digits in _DIGITS.findall(spec):
        if len(digits) > 18 or int(digits) > 10_000_000:
            check_items(int(digits), "formatted str")


def format_(value, spec: str = "") -> str:
    """The `format` built-in, its spec checked."""
    check_format_spec(spec)
    return format(value, spec)


# A `%` conversion: a mapping key, flags, width and precision (digits, or `*` for the next
# argument), a length modifier and the conversion character.
_CONVERSION = re.compile(r"%(\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)", re.S)


def check_modulo(a, b) -> None:
    """`text % values`: each conversion's width and precision (written, or taken from the
    values by `*`) is the length of the text it makes."""
    if type(a) is not str:
        return
    values = b if isinstance(b, tuple) else (b,)
    position = 0
    for key, width, precision, kind in _CONVERSION.findall(a):
        if kind == "%":
            continue
        for size in (width, precision):
            if size == "*":
                given = values[position] if position < len(values) else 0
                position += 1
                if _is_int(given) and given > 10_000_000:
                    check_items(given, "formatted str")
            elif size and (len(size) > 18 or int(size) > 10_000_000):
                check_items(int(size), "formatted str")
        if not key:
            position += 1


def _guarded(check, op):
    def run(a, b):
        check(a, b)
        return op(a, b)

    run.__name__ = op.__name__
    return run


def add(a, b):
    """a + b, a concatenation's size checked first (a tensor's `+` is never one)."""
    if type(a) is not Tensor:
        check_add(a, b)
    return a + b


def multiply(a, b):
    """a * b, a repetition's or a big integer product's size checked first (not for tensors)."""
    if type(a) is not Tensor and type(b) is not Tensor:
        check_multiply(a, b)
    return a * b


def raise_power(a, b):
    """a ** b, checked first when both are ints (the only way to an enormous result)."""
    if type(a) is int and type(b) is int:
        check_power(a, b)
    return a ** b


lshift = _guarded(check_lshift, operator.lshift)


def power(a, b, modulus=None):
    if modulus is None:
        check_power(a, b)
        return pow(a, b)
    return pow(a, b, modulus)


BINARY = {"+": add, "*": multiply, "**": raise_power, "<<": lshift,
          "%": _guarded(check_modulo, operator.mod)}
# `x += y` on a tensor stays in place: the in-place operators, checked the same way.
IN_PLACE = {"+": _guarded(check_add, operator.iadd), "*": _guarded(check_multiply, operator.imul),
            "**": _guarded(check_power, operator.ipow), "<<": _guarded(check_lshift, operator.ilshift),
            "%": _guarded(check_modulo, operator.imod)}


def _padded(method_name: str):
    def pad(text: str, width, *rest):
        if _is_int(width):
            check_items(width, "str")
        return getattr(text, method_name)(width, *rest)

    return pad


def _replace(text: str, old, new, count=-1):
    if isinstance(old, str) and isinstance(new, str) and len(new) > len(old):
        occurrences = text.count(old) if old else len(text) + 1
        if count >= 0:
            occurrences = min(occurrences, count)
        check_items(len(text) + occurrences * (len(new) - len(old)), "str")
    return text.replace(old, new, count)


def _join(separator: str, parts):
    parts = list(parts)
    if all(isinstance(p, str) for p in parts):
        check_items(sum(map(len, parts)) + len(separator) * max(len(parts) - 1, 0), "str")
    return separator.join(parts)


# str methods whose result size is set by an argument: the sandbox hands out these instead.
STR_METHODS = {
    "center": _padded("center"), "ljust": _padded("ljust"), "rjust": _padded("rjust"),
    "zfill": _padded("zfill"), "replace": _replace, "join": _join,
}


def bounded_math(name: str, function):
    """math.factorial / comb / perm: refuse results over MAX_INT_BITS before computing them."""

    def call(*args):
        numbers = [a for a in args if _is_int(a)]
        if numbers and numbers[0] > 1:
            n = numbers[0]
            k = numbers[1] if len(numbers) > 1 else n
            if name == "comb":
                k = min(k, max(n - k, 0))
            check_int_bits(max(min(k, n), 0) * math.log2(n))
        return function(*args)

    call.__name__ = name
    return call

