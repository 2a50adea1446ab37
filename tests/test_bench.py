"""The benchmarks still run: bench/run.py --quick, every peer agreeing with gradlang.

No timing is asserted here (see bench/run.py for the table and the targets). Peers that are
not installed are skipped by the runner, unless GRADLANG_REQUIRE_TORCH is set.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmarks_run_and_peers_agree():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--no-json"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    table = done.stdout
    for workload in ("W1", "W2", "W3", "W4", "W5", "W6"):
        assert f"{workload}  gradlang" in table, table
    assert " NO" not in table, table
