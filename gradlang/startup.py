"""Starting and leaving a gradlang process quickly.

Two costs of a short script are not the script's: importing (numpy and gradlang make tens of
thousands of long-lived objects, and the cyclic collector walks them again and again while they
are being made, ~10 ms) and Python's teardown at exit (freeing every module and collecting once
more, ~30 ms on a 2-core machine: more than gradlang's own imports). The first is avoided by
pausing the collector while importing; the second, by the command line only, by leaving the
process once its output is flushed and its exit handlers have run.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

# Python's own exit status when flushing standard output fails at exit.
FLUSH_FAILED = 120


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (imports make no garbage cycles worth
    finding); the collector is back as it was afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle() -> None:
    """Exempt every object made so far (modules, tables, builtins) from later collections: a
    program's collections then walk only what the program made. For a process of our own."""
    gc.freeze()


def leave(status: int) -> NoReturn:
    """End the process with `status` as soon as what it wrote is out: exit handlers run,
    standard streams are flushed, and the interpreter's teardown (which only frees memory the
    process is about to give back) is skipped."""
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is not None:
        run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # closed, or nobody reads it any more
            if status == 0:
                status = FLUSH_FAILED
    os._exit(status)
