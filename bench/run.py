"""Benchmarks of gradlang against PyTorch, micrograd, HIPS autograd and numpy, in one run.

    python bench/run.py [--quick] [--only W2[,W3]] [--repeats N]

Each workload runs in gradlang and in every installed peer, alternating peers round by
round, and the table shows the median of the rounds and gradlang / peer ratios. Every peer
computes the same numbers; a peer whose answer disagrees with gradlang's fails the run
(exit 1). Results also go to bench/results/ as JSON. A missing peer is skipped, unless
GRADLANG_REQUIRE_TORCH is set (then every peer in bench/requirements.txt must be there).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workloads import WORKLOADS  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"

# (workload, peer, most gradlang/peer may be); W6's target is a rate, checked on its own.
TARGETS = [
    ("W1", "torch", 0.1),
    ("W1", "numpy", 1.3),
    ("W2", "torch", 0.5),
    ("W2", "micrograd", 1.0),
    ("W3", "torch", 1.5),
    ("W3", "numpy", 1.1),
    ("W4", "torch", 2.0),
    ("W5", "torch", 1.0),
]
W6_MIN_LINES_PER_SECOND = 50_000
PEER_MODULES = {"torch": "torch", "micrograd": "micrograd", "autograd": "autograd", "numpy": "numpy"}


def installed(peer: str) -> bool:
    module = PEER_MODULES.get(peer)
    return module is None or importlib.util.find_spec(module) is not None


def agree(reference, answer, rtol: float) -> bool:
    """Same keys, numbers within rtol (lists compared over the shorter one's length)."""
    if reference is None or answer is None:
        return reference is None and answer is None
    if set(reference) != set(answer):
        return False
    for key, expected in reference.items():
        got = answer[key]
        if isinstance(expected, list):
            n = min(len(expected), len(got))
            expected, got = expected[:n], got[:n]
        if not np.allclose(np.asarray(got, float), np.asarray(expected, float), rtol=rtol, atol=rtol * 1e-3):
            return False
    return True


def measure(workload, peers: list[str], size: dict, repeats: int) -> dict:
    """Per peer: the timed values in the workload's unit, and the answer of the last round."""
    times: dict = {peer: [] for peer in peers}
    answers: dict = {}
    for round_ in range(repeats):
        order = peers[round_ % len(peers):] + peers[: round_ % len(peers)]  # alternate who goes first
        for peer in order:
            seconds, answer = getattr(workload, f"run_{peer}")(size)
            times[peer].append(seconds)
            answers[peer] = answer
    return {"seconds": times, "answers": answers}


def in_unit(workload, peer: str, size: dict, seconds: float) -> float:
    if hasattr(workload, "rate"):
        return workload.rate(size) / seconds
    if hasattr(workload, "per_peer"):
        return seconds * workload.per_peer(peer, size)
    if hasattr(workload, "per"):
        return seconds * workload.per(size)
    return seconds


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in ("numpy", "torch", "autograd", "micrograd"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # noqa: BLE001 - not installed
            versions[name] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: checks the benchmarks still run")
    parser.add_argument("--only", action="append", default=[], help="workload ids, e.g. W2 or W2,W5")
    parser.add_argument("--repeats", type=int, help="rounds per workload (default: the workload's own)")
    parser.add_argument("--no-json", action="store_true", help="do not write bench/results/*.json")
    args = parser.parse_args(argv)

    chosen = [w.strip().upper() for item in args.only for w in item.split(",") if w.strip()] or list(WORKLOADS)
    unknown = [w for w in chosen if w not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; known: {', '.join(WORKLOADS)}")
    require_all = bool(os.environ.get("GRADLANG_REQUIRE_TORCH"))
    # The allocator settings the gradlang command line uses for its own process; every peer
    # runs in this process and shares them.
    from gradlang.core.heap import keep_freed_memory

    keep_freed_memory()

    report = {"machine": machine(), "quick": args.quick, "started": time.strftime("%Y-%m-%d %H:%M:%S"),
              "workloads": {}}
    rows = []
    failures = []
    for wid in chosen:
        workload = WORKLOADS[wid]()
        peers = [p for p in workload.peers if installed(p)]
        missing = [p for p in workload.peers if p not in peers]
        if missing and require_all:
            print(f"{wid}: peer(s) not installed: {', '.join(missing)} (GRADLANG_REQUIRE_TORCH is set)",
                  file=sys.stderr)
            return 1
        size = workload.sizes(args.quick)
        repeats = args.repeats or size.get("rounds", size["repeats"])
        print(f"{wid} {workload.title}  {size}", file=sys.stderr, flush=True)
        if not args.quick:  # warm imports and caches at the quick size, untimed
            measure(workload, peers, workload.sizes(True), 1)
        result = measure(workload, peers, size, repeats)
        medians = {p: in_unit(workload, p, size, statistics.median(result["seconds"][p])) for p in peers}
        reference = result["answers"][peers[0]]
        entry = {"title": workload.title, "unit": workload.unit, "size": size, "skipped": missing,
                 "seconds": result["seconds"], "median": medians, "answers": result["answers"], "ratio": {}}
        for peer in peers:
            answer = result["answers"][peer]
            ok = None if answer is None else agree(reference, answer, workload.rtol)  # None: a baseline
            if ok is False:
                failures.append(f"{wid}: {peer} computed {result['answers'][peer]}, gradlang {reference}")
            ratio = None
            if peer != "gradlang" and not hasattr(workload, "rate"):
                ratio = medians["gradlang"] / medians[peer]
                entry["ratio"][peer] = ratio
            rows.append((wid, peer, medians[peer], workload.unit, ratio, ok))
        report["workloads"][wid] = entry

    targets = []
    for wid, peer, limit in TARGETS:
        ratio = report["workloads"].get(wid, {}).get("ratio", {}).get(peer)
        if ratio is not None:
            targets.append((f"{wid} gradlang/{peer} <= {limit}", ratio <= limit, f"{ratio:.2f}"))
    if "W6" in report["workloads"]:
        rate = report["workloads"]["W6"]["median"]["gradlang"]
        targets.append((f"W6 >= {W6_MIN_LINES_PER_SECOND} lines/s", rate >= W6_MIN_LINES_PER_SECOND, f"{rate:,.0f}"))
    report["targets"] = [{"target": t, "met": met, "value": v} for t, met, v in targets]

    print(f"\n{'':4}{'peer':<11}{'median':>14}  {'unit':<9}{'gradlang/peer':>14}  agrees")
    for wid, peer, median, unit, ratio, ok in rows:
        shown = f"{median:,.0f}" if median >= 1000 else f"{median:.4g}"
        print(f"{wid:<4}{peer:<11}{shown:>14}  {unit:<9}{'' if ratio is None else f'{ratio:.2f}x':>14}  "
              f"{'-' if ok is None else 'yes' if ok else 'NO'}")
    if targets:
        print("\ntargets:")
        for text, met, value in targets:
            print(f"  {'met ' if met else 'MISS'}  {text:<34} {value}")
    m = report["machine"]
    print(f"\nmachine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, "
          + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v))

    if not args.no_json:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"run-{time.strftime('%Y%m%d-%H%M%S')}{'-quick' if args.quick else ''}.json"
        path.write_text(json.dumps(report, indent=1, default=float))
        print(f"written: {path}")
    if failures:
        print("\npeers disagree:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
