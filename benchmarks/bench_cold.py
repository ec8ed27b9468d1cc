"""Cold indexing against a raw read of the same files, in CPU time as well as wall time.

    python benchmarks/bench_cold.py KB [--runs 5] [--workers 1,2] [--repos BEFORE,AFTER]

Each run is a fresh child process: it reads every file's bytes (the raw read), then
deletes the index and opens it cold (`kbdb.KbIndex.open(root, workers=W)`), timing both
by the wall clock and by CPU time (`time.process_time` plus the CPU of reaped children:
the pool's workers). Raw read and cold index alternate in the same child, so a loaded
machine weighs on both alike. Prints the medians and the ratios as JSON lines.

`BENCH_REPO=/path/to/checkout` measures another checkout (e.g. main, for a "before");
`--repos A,B` measures several, alternating one run each in turn (compile each first:
`python -m compileall -q A/opswizard`).
Set XDG_CACHE_HOME to a private folder: the index is written under it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(os.environ.get("BENCH_REPO") or Path(__file__).resolve().parent.parent)


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def child(kb: str, workers: int) -> None:
    """One run: raw read, then a cold index, in this process."""
    sys.path.insert(0, str(REPO))
    from opswizard.core import kbdb, store

    root = Path(kb)
    wall, cpu = time.perf_counter(), _cpu()
    total = 0
    for path in store.scan(root):
        with open(path, "rb") as handle:
            total += len(handle.read())
    raw = (time.perf_counter() - wall, _cpu() - cpu)
    kbdb.clear(root)
    wall, cpu = time.perf_counter(), _cpu()
    index = kbdb.KbIndex.open(root, workers=workers)
    cold = (time.perf_counter() - wall, _cpu() - cpu)
    print(json.dumps({"raw_wall": raw[0], "raw_cpu": raw[1], "index_wall": cold[0],
                      "index_cpu": cold[1], "files": index.stats.files}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kb")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--repos", default="", help="checkouts to alternate (default: this)")
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.kb, args.child)
        return
    repos = [r for r in args.repos.split(",") if r] or [str(REPO)]
    for workers in map(int, args.workers.split(",")):
        results: dict[str, list[dict[str, float]]] = {repo: [] for repo in repos}
        loads = []
        for _ in range(args.runs):
            for repo in repos:
                env = dict(os.environ, BENCH_REPO=repo)
                out = subprocess.run([sys.executable, __file__, args.kb, "--child",
                                      str(workers)], check=True, capture_output=True,
                                     text=True, env=env).stdout
                results[repo].append(json.loads(out.splitlines()[-1]))
            loads.append(os.getloadavg()[0])
        for repo, runs in results.items():
            report(repo, workers, runs, loads)


def report(repo: str, workers: int, runs: list[dict[str, float]], loads: list[float]) -> None:
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    files = med["files"] or 1
    print(json.dumps({
        "repo": repo, "workers": workers, "runs": len(runs),
        "raw_wall_s": round(med["raw_wall"], 3), "index_wall_s": round(med["index_wall"], 3),
        "ratio_wall": round(med["index_wall"] / med["raw_wall"], 1),
        "raw_cpu_s": round(med["raw_cpu"], 3), "index_cpu_s": round(med["index_cpu"], 3),
        "ratio_cpu": round(med["index_cpu"] / max(med["raw_cpu"], 1e-9), 1),
        "index_cpu_us_per_file": round(med["index_cpu"] / files * 1e6),
        "load": [round(min(loads), 1), round(max(loads), 1)],
    }), flush=True)

if __name__ == "__main__":
    main()
