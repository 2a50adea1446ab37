"""Tensor, shape and dtype strings that match PyTorch 2.x's default printing exactly.

Users compare our REPL output with PyTorch's character for character, so this module
re-implements the default print options (precision 4, summarise past 1000 elements
with 3 edge items, line width 80). It works on numpy arrays and never imports torch.

How a tensor is printed:
  * one element format for the whole tensor, chosen from its non-zero finite shown
    values: integral (`3.`), fixed (`0.5000`) or scientific (`1.0000e-05`);
  * every element right-aligned to the widest non-zero finite one (nan/inf/0 may
    end up wider, they are never cut);
  * rows wrapped to the line width, n-D blocks joined with blank lines between;
  * suffixes (`dtype=`, `grad_fn=`/`requires_grad=`) appended, each moved to its
    own line when it would overflow.
"""

from __future__ import annotations

import math
from _thread import _local as thread_local  # threading.local itself, without importing threading
from collections.abc import Callable

import numpy as np


class PrintOptions:
    """torch.set_printoptions' settings; the defaults are PyTorch's."""

    PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}

    def __init__(self) -> None:
        self.precision, self.threshold, self.edgeitems, self.linewidth = self.PROFILES["default"]
        self.sci_mode: bool | None = None  # None: chosen from the values

    def set(self, precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None) -> None:
        """As torch.set_printoptions: a profile first, then each option given; sci_mode always."""
        if profile in self.PROFILES:  # PyTorch ignores a profile it does not know
            self.precision, self.threshold, self.edgeitems, self.linewidth = self.PROFILES[profile]
        for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                            ("linewidth", linewidth)):
            if value is not None:
                if not isinstance(value, (int, float)) or isinstance(value, bool):  # printing must not fail later
                    # (a plain TypeError: this module stands alone, gradlang reports it as its own)
                    raise TypeError(f"set_printoptions(): {name} must be a number, not {type(value).__name__}")
                setattr(self, name, int(value) if name != "threshold" else value)
        self.sci_mode = sci_mode


class _Current(thread_local):
    options: PrintOptions | None = None  # a running interpreter's own, on this thread


_current = _Current()
DEFAULT_OPTIONS = PrintOptions()


def options() -> PrintOptions:
    """This thread's print options: a running interpreter's own, else the process's."""
    return _current.options or DEFAULT_OPTIONS


def use_options(chosen: PrintOptions | None) -> PrintOptions | None:
    """Print with `chosen` on this thread (None: the process's); returns the previous ones."""
    previous, _current.options = _current.options, chosen
    return previous


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None) -> None:
    options().set(precision, threshold, edgeitems, linewidth, profile, sci_mode)

_PREFIX = "tensor("
_INDENT = len(_PREFIX)

_NUMPY_DTYPES: dict[str, np.dtype] = {
    "float32": np.dtype(np.float32),
    "float64": np.dtype(np.float64),
    "int64": np.dtype(np.int64),
    "int32": np.dtype(np.int32),
    "bool": np.dtype(np.bool_),
}
# PyTorch leaves these out of a non-empty tensor's repr (default float, int64, bool).
_IMPLIED_DTYPES = frozenset({"float32", "int64", "bool"})


def dtype_repr(dtype_name: str) -> str:
    """`torch.float32` for "float32"."""
    _check_dtype(dtype_name)
    return f"torch.{dtype_name}"


def size_repr(shape: tuple[int, ...]) -> str:
    """`torch.Size([2, 3])`; a 0-d shape is `torch.Size([])`."""
    return f"torch.Size([{', '.join(str(int(n)) for n in shape)}])"


def tensor_repr(
    array: np.ndarray,
    dtype_name: str,
    *,
    requires_grad: bool = False,
    grad_fn_name: str | None = None,
    tangent: str | None = None,
) -> str:
    """The string `repr(tensor)` / `print(tensor)` gives in PyTorch for these values.

    `grad_fn_name` (e.g. "PowBackward0") marks a non-leaf; it wins over `requires_grad`.
    """
    _check_dtype(dtype_name)
    # Formatting depends on the stored precision (float32 1e-4 is below 1e-4), so make
    # sure the values really have the declared dtype; a no-op when they already do.
    array = np.asarray(array, dtype=_NUMPY_DTYPES[dtype_name])

    suffixes: list[str] = []
    if array.size == 0:
        # Nothing to look at, so torch spells out the shape (unless it is (0,)) and
        # every dtype but the default float one, int64 included.
        if array.ndim != 1:
            suffixes.append(f"size={tuple(int(n) for n in array.shape)}")
        if dtype_name != "float32":
            suffixes.append(f"dtype={dtype_repr(dtype_name)}")
        body = "[]"
    else:
        if options().edgeitems == 0:  # (PyTorch then spells out the shape, which the values may not show)
            suffixes.append(f"size={tuple(int(n) for n in array.shape)}")
        if dtype_name not in _IMPLIED_DTYPES:
            suffixes.append(f"dtype={dtype_repr(dtype_name)}")
        body = _format_values(array, dtype_name)

    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    if tangent is not None:  # a forward-mode dual tensor's tangent, as formatted
        suffixes.append(f"tangent={tangent}")
    return _append_suffixes(_PREFIX + body, suffixes)


def _check_dtype(dtype_name: str) -> None:
    if dtype_name not in _NUMPY_DTYPES:
        raise ValueError(f"unsupported dtype name {dtype_name!r}; expected one of {sorted(_NUMPY_DTYPES)}")


# ---------------------------------------------------------------------------
# Element strings


def _format_values(array: np.ndarray, dtype_name: str) -> str:
    """The bracketed body of a non-empty tensor (or the bare value of a 0-d one)."""
    if array.ndim == 0:
        # The REPL prints scalars constantly: skip the numpy machinery.
        return _scalar_cell(array.item(), dtype_name)

    chosen = options()
    summarise = array.size > chosen.threshold
    if summarise and chosen.edgeitems == 0:
        return "[...]"
    elided = tuple(summarise and n > 2 * chosen.edgeitems for n in array.shape)
    if any(elided):
        # Only the shown corners are formatted, and only they decide format and width.
        shown = [_edge_indices(n, chosen.edgeitems) if cut else np.arange(n) for n, cut in zip(array.shape, elided)]
        array = array[np.ix_(*shown)]

    cells, width = _cells(array, dtype_name)
    return _render(cells, array.shape, elided, _INDENT, width)


def _edge_indices(n: int, edge: int) -> np.ndarray:
    """The first and last `edge` positions, sliced as PyTorch slices them (`[:edge]` and
    `[-edge:]`, which a negative `edge` turns into all but the last, then all but the first)."""
    positions = np.arange(n)
    return np.concatenate((positions[:edge], positions[-edge:]))


def _scalar_cell(value: bool | int | float, dtype_name: str) -> str:
    if not dtype_name.startswith("float"):
        return str(value)
    if value == 0 or not math.isfinite(value):
        return _integral_float(value)  # no value to choose a format from: sci_mode= is not heeded
    magnitude = abs(value)
    integral = value == math.ceil(value)
    return _formatter(_forced(_float_mode(magnitude, magnitude, integral), integral))(value)


def _cells(array: np.ndarray, dtype_name: str) -> tuple[list[str], int]:
    """Every element's padded string (flattened, C order) and the common width."""
    flat = array.ravel()
    values = flat.tolist()  # Python floats: float32 widened exactly, as torch does
    if not dtype_name.startswith("float"):
        texts = [str(v) for v in values]
        width = max(map(len, texts))
        return [t.rjust(width) for t in texts], width

    considered = np.isfinite(flat) & (flat != 0)
    magnitudes = np.abs(flat[considered]).astype(np.float64)
    integral = bool(np.all(magnitudes == np.ceil(magnitudes)))
    if magnitudes.size == 0:
        mode = "int"  # all zero / nan / inf: torch's defaults
    else:
        mode = _float_mode(float(magnitudes.min()), float(magnitudes.max()), integral)
    fmt = _formatter(_forced(mode, integral) if magnitudes.size else mode)
    texts = [fmt(v) for v in values]
    # nan, inf and zeros are padded like the others but never widen the column.
    width = max((len(t) for t, keep in zip(texts, considered.tolist()) if keep), default=1)
    return [t.rjust(width) for t in texts], width


def _float_mode(smallest: float, largest: float, all_integral: bool) -> str:
    """Pick "sci", "int" or "fixed" from the non-zero finite magnitudes (in float64)."""
    # Scientific notation wins even over integral values: torch.tensor([1., 1001.]).
    if largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4:
        return "sci"
    return "int" if all_integral else "fixed"


def _forced(mode: str, integral: bool) -> str:
    """`mode`, unless set_printoptions(sci_mode=) says scientific notation or not."""
    sci_mode = options().sci_mode
    if sci_mode is None:
        return mode
    if sci_mode:
        return "sci"
    return "int" if integral else "fixed"


def _integral_float(value: float) -> str:
    # The trailing dot tells a float tensor from an integer one; nan/inf need no hint.
    text = f"{value:.0f}"
    return text + "." if math.isfinite(value) else text


def _formatter(mode: str) -> Callable[[float], str]:
    """How every element of a tensor is written in `mode` ("int", "fixed" or "sci")."""
    if mode == "int":
        return _integral_float
    return f"{{:.{options().precision}{'e' if mode == 'sci' else 'f'}}}".format


# ---------------------------------------------------------------------------
# Layout


def _render(
    cells: list[str], shape: tuple[int, ...], elided: tuple[bool, ...], indent: int, width: int
) -> str:
    """Brackets, separators and line wraps for a block whose text starts at column `indent`."""
    if len(shape) == 0:
        return cells[0]
    if len(shape) == 1:
        return _render_row(cells, elided[0], indent, width)

    step = len(cells) // shape[0]
    blocks = [
        _render(cells[i * step : (i + 1) * step], shape[1:], elided[1:], indent + 1, width)
        for i in range(shape[0])
    ]
    if elided[0]:
        blocks.insert(len(blocks) // 2, "...")  # the shown blocks are as many at each end
    # Deeper blocks are set apart by blank lines: one per dimension below the rows.
    separator = "," + "\n" * (len(shape) - 1) + " " * (indent + 1)
    return "[" + separator.join(blocks) + "]"


def _render_row(cells: list[str], elided: bool, indent: int, width: int) -> str:
    chosen = options()
    edge = len(cells) // 2  # as many shown at each end
    items = cells[:edge] + [" ..."] + cells[edge:] if elided else cells
    # Every item counts as width + ", " (the " ..." marker included); at least one per line.
    per_line = max(1, (chosen.linewidth - indent) // (width + 2))
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _append_suffixes(text: str, suffixes: list[str]) -> str:
    """Add `, suffix` items, moving one to a new line (indent 7) when it would not fit."""
    # torch over-counts the last line by 2 characters, so a line that would come out
    # exactly 80 long (")" included) already wraps; the over-count is gone once a
    # suffix has wrapped.
    line_length = len(text) - text.rfind("\n") + 1
    parts = [text]
    line_width = options().linewidth
    for suffix in suffixes:
        if line_length + len(suffix) + 2 > line_width:
            parts.append(",\n" + " " * _INDENT + suffix)
            line_length = _INDENT + len(suffix)
        else:
            parts.append(", " + suffix)
            line_length += len(suffix) + 2
    parts.append(")")
    return "".join(parts)
