"""Keep freed heap memory mapped for reuse (glibc), so large-array loops don't page-fault.

glibc hands the top of its heap back to the OS whenever enough of it is free. A loop that
allocates and frees arrays of a few MB each step (forward temporaries, then backward's) may
empty the heap at the end of every step; every new array then pays a page fault per 4 KiB
page. In a process of its own that made the vector benchmark (W3) three times slower, most
of it in the kernel. Asking glibc to keep some free memory at the top avoids that.

The command line does this for its own process; an embedding program decides for itself.
"""

from __future__ import annotations

import sys

# glibc's mallopt parameters. Setting any of them turns off glibc's own adjustment of the
# mmap threshold, so both are set: arrays up to 32 MiB (glibc's largest threshold) come from
# the heap, and up to 64 MiB of freed memory stays at its top.
M_TOP_PAD = -2
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20
DEFAULT_PAD = 64 << 20


def keep_freed_memory(pad_bytes: int = DEFAULT_PAD) -> bool:
    """Keep up to `pad_bytes` of freed memory at the heap's top; whether the C library took it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes  # numpy has imported it already

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no C library symbols to find, or not glibc's malloc
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TOP_PAD, pad_bytes))
