"""Warm commands on a large knowledge base against the same command on an empty one
(issue 13's targets at 100,000 entries: warm `search` <= 4x the empty-kb `search`, peak
RSS of a warm command <= 250 MB).

    python benchmarks/bench_warm.py --kb /tmp/kb100k --cache /tmp/xdg-bench [--src DIR]

`--src`: a checkout's folder holding `opswizard/` to measure instead of this one (for a
"before" figure). The index is built once per code version in `--cache` (untimed; it takes
minutes at 100,000 entries); `--adopt OTHER_CACHE` copies an index another version built
and marks it as this version's (the rows are the same while the parser and schema are:
use it only between versions that differ in neither), so a before/after pair needs one
build. Each run times `opswizard search QUERY` and `opswizard list --json` on the big
knowledge base, each alternating with the same command on an empty one (so a change in
the machine's load hits both alike); medians, and the largest peak RSS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERY = ["pool", "exhausted", "timeouts"]  # as run.py


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one subprocess (stdout thrown away)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, cwd=tempfile.gettempdir(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.monotonic() - start, usage.ru_maxrss / 1024


def fingerprint(py: str, env: dict[str, str]) -> str:
    out = subprocess.run([py, "-c", "from opswizard.core.kbschema import fingerprint as f; "
                          "print(f())"], env=env, capture_output=True, text=True, check=True,
                         cwd=tempfile.gettempdir())
    return out.stdout.strip()


def adopt(other: Path, cache: Path, stamp: str) -> None:
    """Copy `other`'s index folder into `cache` and give its databases this fingerprint."""
    source, target = other / "opswizard" / "index", cache / "opswizard" / "index"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    for db in target.glob("*.sqlite"):
        conn = sqlite3.connect(db)
        conn.execute("UPDATE meta SET value = ? WHERE name = 'fingerprint'", (stamp,))
        conn.commit()
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", required=True, help="the big knowledge base (only read)")
    parser.add_argument("--cache", required=True, help="XDG_CACHE_HOME for the index")
    parser.add_argument("--src", default=str(HERE.parent), help="folder holding opswizard/")
    parser.add_argument("--adopt", default="", help="copy this cache's index first")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    empty = Path(tempfile.mkdtemp(prefix="opswizard-empty-kb-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": args.src}
    py = sys.executable
    if args.adopt:
        adopt(Path(args.adopt), cache, fingerprint(py, env))
    ow = [py, "-m", "opswizard.cli"]
    commands = {"search": ["search", *QUERY], "list --json": ["list", "--json"]}
    for args_ in commands.values():  # fill (or build) the index, and bring it up to date
        for _ in range(2):
            run([*ow, *args_, "--kb", args.kb], env)
            run([*ow, *args_, "--kb", str(empty)], env)
    with open("/proc/loadavg") as handle:
        load_before = handle.read().split()[0]
    for name, args_ in commands.items():
        big, small, rss = [], [], 0.0
        for _ in range(args.runs):
            wall, _ = run([*ow, *args_, "--kb", str(empty)], env)
            small.append(wall)
            wall, peak = run([*ow, *args_, "--kb", args.kb], env)
            big.append(wall)
            rss = max(rss, peak)
        ratio = statistics.median(big) / statistics.median(small)
        print(f"{name:12} big {statistics.median(big):6.3f} s  empty "
              f"{statistics.median(small):6.3f} s  ratio {ratio:5.2f}x  "
              f"peak RSS {rss:6.1f} MB  (runs: {' '.join(f'{w:.2f}' for w in big)})")
    with open("/proc/loadavg") as handle:
        print(f"load average {load_before} before, {handle.read().split()[0]} after; "
              f"src {args.src}")
    shutil.rmtree(empty, ignore_errors=True)


if __name__ == "__main__":
    main()
