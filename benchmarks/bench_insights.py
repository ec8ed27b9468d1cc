"""`opswizard actions` and `stats` against `opswizard list --json` on the same knowledge base.

    python benchmarks/bench_insights.py                  # 10,000 entries, 7 runs
    python benchmarks/bench_insights.py -n 1000 --runs 5

The knowledge base is written once by `make_kb.py` (the same seeded generator as
`run.py`) into `--work` (default: $TMPDIR/opswizard-bench-insights), with a private
XDG_CACHE_HOME there. Warm: each command runs once to fill its caches, then the three are
timed in turn, round after round (so a change in the machine's load hits all alike), as
subprocesses, wall clock; the medians and each one's ratio to `list --json` are printed.
Also timed once: the first (cold) `stats` run after the facts cache is removed (every entry
read once more and every repeat pair searched), and `stats` after one entry is edited.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.monotonic()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd} exited {proc.returncode}")
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "opswizard-bench-insights")
    args = parser.parse_args()
    root = args.work / f"kb-{args.n}"
    if not (root / ".complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        from make_kb import write

        write(root, args.n, seed=7, broken=3, fast=True)
        (root / ".complete").write_text("")
    env = {**os.environ, "XDG_CACHE_HOME": str(args.work / "cache")}
    ow = [sys.executable, "-m", "opswizard"]
    commands = {
        "list --json": [*ow, "list", "--json", "--kb", str(root)],
        "actions --json": [*ow, "actions", "--all", "--json", "--as-of", "2026-01-01",
                           "--kb", str(root)],
        "stats --json": [*ow, "stats", "--json", "--as-of", "2026-01-01", "--kb", str(root)],
    }

    for cmd in commands.values():
        timed(cmd, env)  # fill the caches
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            times[name].append(timed(cmd, env))
    med = {name: statistics.median(values) for name, values in times.items()}
    print(f"{args.n:,} entries, {args.runs} rounds, warm; load average "
          f"{os.getloadavg()[0]:.1f}")
    print("| command | median (s) | min (s) | ratio to list --json |")
    print("|---|---:|---:|---:|")
    for name in commands:
        print(f"| `opswizard {name}` | {med[name]:.3f} | {min(times[name]):.3f} | "
              f"{med[name] / med['list --json']:.2f} |")
    cache = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from opswizard.core import factcache; print(factcache.cache_file(Path(sys.argv[1])))",
         str(root)], env=env, capture_output=True, text=True, check=True).stdout.strip()
    Path(cache).unlink(missing_ok=True)
    cold = timed(commands["stats --json"], env)
    victim = sorted(root.rglob("*.md"))[len(list(root.rglob("*.md"))) // 2]
    data = victim.read_bytes()
    victim.write_bytes(data.replace(b"Limits need an alert", b"Limits need an alarm", 1))
    edited = timed(commands["stats --json"], env)
    victim.write_bytes(data)
    timed(commands["stats --json"], env)
    print(f"\ncold `stats` (facts cache removed; index warm): {cold:.1f} s; "
          f"`stats` after one entry was edited: {edited:.2f} s")


if __name__ == "__main__":
    main()
