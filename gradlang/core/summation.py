"""Float sums added up in the order PyTorch's CPU kernel adds them, so that a sum's last bit (and
with it how the sum prints: `tensor(-10.)`, not `tensor(-10.0000)`) is PyTorch's.

numpy's pairwise sum and PyTorch's cascade sum are equally accurate but round differently; over
random float32 rows of 5 to 300 elements they disagree in the last bit about half the time. The
order, as measured against torch 2.13 (bit-equal on every size up to 32 768 tried, float32 and
float64; see tests/core/test_summation.py):

- The values are read in memory order, in vectors of 32 bytes (8 float32 or 4 float64 lanes);
  a row shorter than one vector is summed as 4 interleaved accumulators instead.
- The vectors go to 4 interleaved accumulators (vector k to accumulator k % 4), each a cascade:
  blocks of 16 (or more, for very long rows) summed from zero, the block sums collected in three
  levels that flush every 16 blocks and every 256; the vectors left over join accumulator 0, then
  accumulators 1, 2 and 3 are added to it.
- The elements after the last whole vector are added one by one to a zero, then the lanes of the
  vector sum, in lane order.
- Down columns (a reduction over the outermost dimensions): columns in groups of 4 vectors (4
  columns where a row is shorter than a vector), each column one cascade down its rows; the
  columns left over each as a row sum's interleaved accumulators.

A column-major tensor (a transpose) is read in memory order too: its reduction is the one of its
transpose over the reversed dims. Over a tensor of more than 32 768 elements PyTorch shares the
sum out between threads, which depends on the machine, and a reduction over middle dimensions or
of a strided tensor takes other paths: those go to numpy's sum.
"""

from __future__ import annotations

import math

import numpy as np

ORDERED_LIMIT = 1 << 15  # PyTorch's grain size: longer sums are split between threads
_VECTOR_BYTES = 32
_INTERLEAVED = 4  # accumulators in a row sum
_LEVELS = 4


def ordered_sum(x: np.ndarray, dims: tuple[int, ...] | None, keepdim: bool) -> np.ndarray | np.generic | None:
    """The float sum of `x` over `dims` (None: all) in PyTorch's order, or None where that order
    is not known here (numpy's sum is then used): too many elements, a non-float dtype, a
    reduction that is not over the innermost dimensions of memory."""
    if x.dtype.kind != "f" or not 0 < x.size <= ORDERED_LIMIT:
        return None
    if dims is None or len(dims) == x.ndim:
        if x.size == 1:  # (a sum of one value is that value from zero: -0.0 becomes 0.0)
            total = x.reshape(-1)[0] + x.dtype.type(0)
            return np.full((1,) * x.ndim, total) if keepdim else total
        if not (x.flags.c_contiguous or x.flags.f_contiguous):
            return None
        total = _row_sums(x.ravel(order="K").reshape(1, -1))[0]  # memory order, as PyTorch reads it
        return np.full((1,) * x.ndim, total) if keepdim else total  # (a numpy scalar, as np.sum gives)
    if not x.flags.c_contiguous:
        if not x.flags.f_contiguous:
            return None
        # Column-major (a transpose): PyTorch reads memory in order, as the reversed dims of x.T.
        flipped = ordered_sum(x.T, tuple(x.ndim - 1 - d % x.ndim for d in dims), keepdim)
        return None if flipped is None else flipped.T
    reduced = sorted(d % x.ndim for d in dims)
    inner = x.ndim - len(reduced)
    if reduced == list(range(inner, x.ndim)):  # along rows: the innermost dims
        sums = _row_sums(x.reshape(math.prod(x.shape[:inner]), -1))
    elif reduced == list(range(len(reduced))):  # down columns: the outermost dims
        sums = _column_sums(x.reshape(math.prod(x.shape[: len(reduced)]), -1))
    else:
        return None
    kept = tuple(1 if i in reduced else n for i, n in enumerate(x.shape) if keepdim or i not in reduced)
    return sums.reshape(kept)


def _row_sums(rows: np.ndarray) -> np.ndarray:
    """The sum of each row of a 2-D float array.

    Every partial sum here starts from +0.0 in PyTorch; starting from the first value instead
    changes nothing but the sign of a zero, and only a final zero's can show: hence one + 0.0,
    at the end.
    """
    count, length = rows.shape
    lanes = _VECTOR_BYTES // rows.itemsize
    whole = length // lanes
    if not whole:
        total = _interleaved(rows)
    else:
        vector_sum = _interleaved(rows[:, : whole * lanes].reshape(count, whole, lanes))
        if length > whole * lanes:  # the elements after the last vector one by one, then the lanes
            vector_sum = np.concatenate((rows[:, whole * lanes:], vector_sum), axis=1)
        total = _in_sequence(vector_sum)
    return total + rows.dtype.type(0)


def _column_sums(columns: np.ndarray) -> np.ndarray:
    """The sum of each column of a 2-D float array (rows in memory order). PyTorch sums columns
    in groups of 4 vectors (of 4 columns where a row is shorter than a vector) with one cascade
    each, and the columns left over as a row sum's interleaved accumulators."""
    count, length = columns.shape
    if length == 1:  # one column: the whole of memory, summed as a row
        return _row_sums(columns.reshape(1, -1))
    lanes = _VECTOR_BYTES // columns.itemsize
    group = _INTERLEAVED * lanes if length >= lanes else _INTERLEAVED
    grouped = length // group * group
    items = columns[None]  # (1, rows, columns): the rows are the items summed
    parts = []
    if grouped:
        part = items[:, :, :grouped]
        parts.append(_in_sequence(part) if count < _LEVEL_STEP else _cascade(part))
    if length > grouped:
        parts.append(_interleaved(items[:, :, grouped:]))
    return np.concatenate(parts, axis=1)[0] + columns.dtype.type(0)


def _interleaved(items: np.ndarray) -> np.ndarray:
    """Sums over axis 1 with 4 interleaved accumulators: item k goes to accumulator k % 4 (each a
    cascade), the items left over to accumulator 0, then the others are added to it in order."""
    count, length = items.shape[:2]
    rounds = length // _INTERLEAVED
    if not rounds:  # only items left over
        return _in_sequence(items)
    used = rounds * _INTERLEAVED
    grouped = items[:, :used].reshape(count, rounds, _INTERLEAVED, *items.shape[2:])
    partial = _in_sequence(grouped) if rounds < _LEVEL_STEP else _cascade(grouped)  # (count, 4, ...)
    if length > used:
        partial = np.concatenate((partial[:, :1], items[:, used:], partial[:, 1:]), axis=1)
    return _in_sequence(partial)


_LEVEL_STEP = 16  # the shortest cascade block: rows of fewer rounds are one block's sum


def _cascade(items: np.ndarray) -> np.ndarray:
    """Sums over axis 1: blocks summed in sequence, block sums collected in levels that flush into
    the next one whenever the position is a multiple of the level's span."""
    count, length = items.shape[:2]
    power = max(4, (length - 1).bit_length() // _LEVELS)
    step, mask = 1 << power, (1 << power) - 1
    blocks = length // step
    block_sums = _in_sequence(items[:, : blocks * step].reshape(count * blocks, step, *items.shape[2:]))
    block_sums = block_sums.reshape(count, blocks, *items.shape[2:])
    rest = _in_sequence(items[:, blocks * step:])
    if blocks < step:  # no flush yet: the rest, then the block sums' own sum
        return rest + _in_sequence(block_sums)
    levels = [rest] + [np.zeros_like(rest) for _ in range(1, _LEVELS)]
    for b in range(blocks):
        position = (b + 1) * step
        levels[1] = levels[1] + block_sums[:, b]
        for level in range(2, _LEVELS):
            if position & (mask << ((level - 1) * power)):
                break
            levels[level] = levels[level] + levels[level - 1]
            levels[level - 1] = np.zeros_like(levels[level - 1])
    return _in_sequence(np.stack(levels, axis=1))


def _in_sequence(items: np.ndarray) -> np.ndarray:
    """Sums over axis 1, added one by one (np.add.accumulate keeps the order)."""
    length = items.shape[1]
    if length <= 2:  # (the commonest lengths, without accumulate's cost)
        if not length:
            return np.zeros(items.shape[:1] + items.shape[2:], items.dtype)
        return items[:, 0] if length == 1 else items[:, 0] + items[:, 1]
    return np.add.accumulate(items, axis=1)[:, -1]


_DOT_BLOCK = 4096  # elements per dot product in product_total: short enough to keep its rounding small


def product_total(a: np.ndarray, b: np.ndarray) -> np.generic | None:
    """The sum of a * b over all elements, for a scalar's gradient (`w * x` with w 0-d) past
    ORDERED_LIMIT, where PyTorch's order of additions depends on its threads and numpy's sum is
    used anyway: dot products of blocks of _DOT_BLOCK elements, then numpy's pairwise sum of
    those. One pass over memory and no product array, against two passes for the product and
    its sum, and as accurate as that sum: the same worst error over random float32 values of
    4·10^4 to 4·10^6 elements, where one dot product of them all is up to 40 times worse. None
    where it does not apply: few elements, not float32 or float64 values of one shape, or
    values not contiguous."""
    if (a.size <= ORDERED_LIMIT or a.dtype != b.dtype or a.dtype not in _BLAS_FLOATS or a.shape != b.shape
            or not (a.flags.c_contiguous and b.flags.c_contiguous)):
        return None
    a, b = a.reshape(-1), b.reshape(-1)
    blocks, rest = divmod(a.size, _DOT_BLOCK)
    whole = blocks * _DOT_BLOCK
    # A stack of row-by-column products: one dot product per block, computed by BLAS.
    partial = np.matmul(a[:whole].reshape(blocks, 1, _DOT_BLOCK), b[:whole].reshape(blocks, _DOT_BLOCK, 1))
    total = np.add.reduce(partial.reshape(blocks))
    return total + np.dot(a[whole:], b[whole:]) if rest else total


_BLAS_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
