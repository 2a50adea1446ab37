"""keep_freed_memory: a loop of large arrays reuses heap memory instead of faulting in fresh pages."""

from __future__ import annotations

import subprocess
import sys

import pytest

LOOP = """
import resource, numpy as np
{setup}
def step():
    a = np.ones(1_000_000, np.float32)  # 4 MB: above glibc's own starting mmap threshold
    b = a * 2
    c = b + a
    return float(c[0])
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    step()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def page_faults(setup: str) -> int:
    out = subprocess.run([sys.executable, "-c", LOOP.format(setup=setup)], capture_output=True, text=True, check=True)
    return int(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_freed_arrays_are_reused_without_page_faults():
    taken = "from gradlang.core.heap import keep_freed_memory\nassert keep_freed_memory()"
    # 50 steps of three 4 MB arrays would be ~150 000 faults if every array came fresh from the OS.
    assert page_faults(taken) < 2_000


def test_the_command_line_keeps_freed_memory(monkeypatch):
    import gradlang.cli
    import gradlang.core.heap

    calls = []
    monkeypatch.setattr(gradlang.core.heap, "keep_freed_memory", lambda: calls.append(True) or True)
    assert gradlang.cli.main(["-c", "x = 1"]) == 0
    assert calls == [True]
