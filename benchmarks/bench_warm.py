"""Warm commands on a large knowledge base against the same command on an empty one
(issue 13's targets at 100,000 entries: warm `search` <= 4x the empty-kb `search`, peak
RSS of a warm command <= 250 MB).

    python benchmarks/bench_warm.py --kb /tmp/kb100k --cache /tmp/xdg-bench [--src A,B]

`--src`: checkouts' folders holding `opswizard/` to measure instead of this one (before
and after: each run times every one of them in turn, so the load hits them alike). The
index is built once per code version in `--cache` (untimed; minutes at 100,000 entries);
`--adopt OTHER_CACHE` copies an index another version built and marks it as this
version's (the rows are the same while the parser and schema are: use it only between
versions that differ in neither), so a before/after pair needs one build. Each run times
`opswizard search QUERY` and `opswizard list --json` on the big knowledge base, each
alternating with the same command on an empty one (so a change in the machine's load hits
both alike); medians, and the largest peak RSS.
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
    parser.add_argument("--cache", required=True,
                        help="XDG_CACHE_HOME for the index (one per --src: CACHE/0, CACHE/1...)")
    parser.add_argument("--src", default=str(HERE.parent),
                        help="folder holding opswizard/ (several, comma-separated: measured "
                             "in turn within each run)")
    parser.add_argument("--adopt", default="", help="copy this cache's index first")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="'search' or 'list --json' (default both)")
    args = parser.parse_args()
    sources = args.src.split(",")
    empty = Path(tempfile.mkdtemp(prefix="opswizard-empty-kb-"))
    py = sys.executable
    ow = [py, "-m", "opswizard.cli"]
    envs = []
    for n, src in enumerate(sources):
        cache = Path(args.cache) / str(n) if len(sources) > 1 else Path(args.cache)
        cache.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": src}
        if args.adopt:
            adopt(Path(args.adopt), cache, fingerprint(py, env))
        envs.append(env)
    commands = {"search": ["search", *QUERY], "list --json": ["list", "--json"]}
    if args.only:
        commands = {args.only: commands[args.only]}
    for env in envs:  # fill (or build) the index, and bring it up to date
        for args_ in commands.values():
            for _ in range(2):
                run([*ow, *args_, "--kb", args.kb], env)
                run([*ow, *args_, "--kb", str(empty)], env)
    with open("/proc/loadavg") as handle:
        load_before = handle.read().split()[0]
    for name, args_ in commands.items():
        big: list[list[float]] = [[] for _ in sources]
        small: list[list[float]] = [[] for _ in sources]
        rss = [0.0 for _ in sources]
        for _ in range(args.runs):
            for n, env in enumerate(envs):
                small[n].append(run([*ow, *args_, "--kb", str(empty)], env)[0])
                wall, peak = run([*ow, *args_, "--kb", args.kb], env)
                big[n].append(wall)
                rss[n] = max(rss[n], peak)
        for n, src in enumerate(sources):
            ratio = statistics.median(big[n]) / statistics.median(small[n])
            print(f"{name:12} big {statistics.median(big[n]):6.3f} s  empty "
                  f"{statistics.median(small[n]):6.3f} s  ratio {ratio:5.2f}x  "
                  f"peak RSS {rss[n]:6.1f} MB  (runs: {' '.join(f'{w:.2f}' for w in big[n])})"
                  f"  {src}")
    with open("/proc/loadavg") as handle:
        print(f"load average {load_before} before, {handle.read().split()[0]} after")
    shutil.rmtree(empty, ignore_errors=True)


if __name__ == "__main__":
    main()
