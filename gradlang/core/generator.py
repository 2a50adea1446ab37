"""Random numbers drawn as PyTorch's CPU generator draws them, so a seeded program prints the
numbers it prints in PyTorch.

PyTorch's CPU generator is a 32-bit Mersenne Twister seeded with the low 32 bits of the seed
(the reference `init_genrand` seeding, which numpy's legacy RandomState also uses for an int
seed: we take the twister's state from it and draw raw 32-bit words from numpy's MT19937).
Each distribution turns words into numbers as PyTorch's CPU kernels do, element by element in
memory order; measured against torch 2.13, every function here gives its bits, except that
`randn` of 16 or more float32 values matches ~83% of values to the bit and the rest within
2 ulp (PyTorch's vectorised kernel uses its own single-precision log/sin/cos there).
"""

from __future__ import annotations

import math

import numpy as np

from . import rounding

_LOW24 = (1 << 24) - 1
_LOW53 = (1 << 53) - 1
_TWO_PI = 2.0 * math.pi
_SEED_RANGE = (-(1 << 63), (1 << 64) - 1)


class Generator:
    """The source of random numbers: `manual_seed` makes a run repeat PyTorch's numbers."""

    def __init__(self, seed: int | None = None) -> None:
        self._seed = seed
        self._bits = None
        self._cached_normal: float | None = None  # the second value of a scalar Box-Muller pair

    @property
    def bits(self) -> np.random.MT19937:
        # numpy.random costs ~10 ms to import: only programs that draw numbers pay for it.
        if self._bits is None:
            key = np.random.RandomState(self.initial_seed() & 0xFFFFFFFF).get_state()[1]
            self._bits = np.random.MT19937()
            self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": 624}}
        return self._bits

    def manual_seed(self, seed) -> Generator:
        seed = int(seed)
        if not _SEED_RANGE[0] <= seed <= _SEED_RANGE[1]:
            raise ValueError("Overflow when unpacking long long")
        self._seed = seed % (1 << 64)  # a negative seed is its two's complement, as in PyTorch
        self._bits = None
        self._cached_normal = None
        return self

    def initial_seed(self) -> int:
        if self._seed is None:  # an unseeded generator picks its seed when first asked
            self._seed = _fresh_seed()
        return self._seed

    def seed(self) -> int:
        """Seed afresh from the operating system's entropy; returns the new seed."""
        self.manual_seed(_fresh_seed())
        return self._seed

    def __repr__(self) -> str:
        return "<torch._C.Generator object>"

    # ------------------------------------------------------------ raw words

    def words(self, count: int) -> np.ndarray:
        """`count` 32-bit words, as uint64."""
        return self.bits.random_raw(count)

    def words64(self, count: int) -> np.ndarray:
        """`count` 64-bit words, each made of two 32-bit words, the first one high."""
        pairs = self.words(2 * count)
        return (pairs[0::2] << np.uint64(32)) | pairs[1::2]

    # ------------------------------------------------------------ distributions

    def uniform(self, count: int, dtype: np.dtype, low: float = 0.0, high: float = 1.0) -> np.ndarray:
        """Uniform in [low, high): 24 random bits per float32 value, 53 per float64 value, then
        one fused multiply-add in `dtype`, unit * (high - low) + low, as PyTorch's kernel."""
        dtype = np.dtype(dtype)
        if dtype == np.float64:
            unit = (self.words64(count) & np.uint64(_LOW53)).astype(np.float64) * 2.0**-53
        else:
            unit = ((self.words(count) & np.uint64(_LOW24)).astype(np.float64) * 2.0**-24).astype(dtype)
        low, high = dtype.type(low), dtype.type(high)  # the bounds in the tensor's dtype
        if low == 0 and high == 1:
            return unit
        with np.errstate(over="ignore"):
            span = high - low
        return rounding.fused_multiply_add(unit, np.full(count, span, dtype), np.full(count, low, dtype))

    def integers(self, low: int, high: int, count: int) -> np.ndarray:
        """Integers in [low, high): a word modulo the range (64-bit words from 2**28 values on, as
        PyTorch 2.13's kernel, measured)."""
        span = high - low
        words = self.words(count) if span < (1 << 28) else self.words64(count)
        return (words % np.uint64(span)).astype(np.int64) + np.int64(low)

    def permutation(self, n: int) -> np.ndarray:
        """0 … n-1 shuffled front to back: place i swaps with i + (a word modulo n - i)."""
        order = list(range(n))
        words = self.words(max(n - 1, 0)).tolist()
        for i in range(n - 1):
            j = i + words[i] % (n - i)
            order[i], order[j] = order[j], order[i]
        return np.array(order, dtype=np.int64)

    def normal(self, count: int, dtype: np.dtype, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
        """Normal values by Box-Muller: pairwise over blocks of 16 uniforms from 16 values on,
        one pair at a time (keeping the pair's second value for the next call) below that."""
        dtype = np.dtype(dtype)
        if count < 16:
            return np.array([self._scalar_normal() * std + mean for _ in range(count)], dtype=np.float64).astype(dtype)
        single = dtype == np.float32  # PyTorch's vectorised float32 kernel, else its float64 one
        kind, box_muller = (np.float32, _box_muller_float32) if single else (np.float64, _box_muller_float64)
        return _normal_blocks(self.uniform(count, kind), lambda: self.uniform(16, kind), box_muller,
                              kind(mean), kind(std)).astype(dtype, copy=False)

    def _scalar_normal(self) -> float:
        cached = self._cached_normal
        if cached is not None:
            self._cached_normal = None
            return cached
        u1, u2 = self.uniform(2, np.float64).tolist()
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = _TWO_PI * u1
        self._cached_normal = radius * math.sin(theta)
        return radius * math.cos(theta)


def _fresh_seed() -> int:
    return int.from_bytes(np.random.SeedSequence().generate_state(2, np.uint32).tobytes(), "little")


def _normal_blocks(values: np.ndarray, sixteen_more, box_muller, mean, std) -> np.ndarray:
    """Box-Muller on each whole block of 16 values (the first 8 against the last 8); a partial
    last block is redone on the last 16 places with 16 new uniforms."""
    whole = len(values) // 16 * 16
    blocks = values[:whole].reshape(-1, 2, 8)
    blocks[:, 0], blocks[:, 1] = box_muller(blocks[:, 0], blocks[:, 1], mean, std)
    if whole != len(values):
        tail = sixteen_more().reshape(2, 8)
        values[-16:-8], values[-8:] = box_muller(tail[0], tail[1], mean, std)
    return values


def _box_muller_float64(first, second, mean, std):
    radius = np.sqrt(-2.0 * _libm(math.log, 1.0 - first))
    theta = _TWO_PI * second
    return radius * _libm(math.cos, theta) * std + mean, radius * _libm(math.sin, theta) * std + mean


def _libm(function, values: np.ndarray) -> np.ndarray:
    """`function` from the C library (as PyTorch's scalar kernel calls it) on each value: numpy's
    vectorised float64 log, sin and cos differ from it in the last bit now and then."""
    return np.fromiter(map(function, values.ravel().tolist()), np.float64, values.size).reshape(values.shape)


def _box_muller_float32(first, second, mean, std):
    """In float32 as PyTorch's vectorised kernel, each step rounded to float32 (its log, sin and
    cos correctly rounded here)."""
    f32 = np.float32
    radius = np.sqrt(f32(-2.0) * np.log(f32(1.0) - first, dtype=np.float64).astype(f32))
    theta = f32(_TWO_PI) * second
    cos = radius * np.cos(theta, dtype=np.float64).astype(f32)
    sin = radius * np.sin(theta, dtype=np.float64).astype(f32)
    std, mean = np.asarray(std, f32), np.asarray(mean, f32)
    return rounding.fused_multiply_add(cos, std, mean), rounding.fused_multiply_add(sin, std, mean)
