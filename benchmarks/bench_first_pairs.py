"""The first pairing of repeat incidents (a first `stats`): entry by entry against the batch.

    python benchmarks/bench_first_pairs.py                # 10,000 entries
    python benchmarks/bench_first_pairs.py -n 1000

Uses the knowledge base and the private cache of `bench_insights.py` (same `--work`;
written by `make_kb.py` if missing). In one process, for each way: the facts cache is
removed, then `factcache.load` (every entry's facts read again, every entry paired) is
timed, with the pairing done entry by entry (`repeats.pair` through `Search.related`, as
before `core/repeat_batch.py`) or in the batch (`repeat_batch.pair_all`, as now). Prints
both times and whether the two gave the same pairs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def per_entry(kb, facts_of, summary_of, redo, progress) -> None:
    """`factcache._pair` as it was: one `Search.related` look-up per entry."""
    from opswizard.core import repeats
    from opswizard.core.search import Search

    maybe = repeats.candidates(facts_of, redo)
    search = Search(kb)
    for key in sorted(redo):
        facts = facts_of[key]
        pair = None
        if key in maybe and key in summary_of:
            pair = repeats.pair(facts, summary_of[key], search, facts_of)
        if pair != facts.repeat:
            facts_of[key] = replace(facts, repeat=pair)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "opswizard-bench-insights")
    args = parser.parse_args()
    root = args.work / f"kb-{args.n}"
    os.environ["XDG_CACHE_HOME"] = str(args.work / "cache")
    if not (root / ".complete").exists():
        import shutil

        from make_kb import write

        shutil.rmtree(root, ignore_errors=True)
        write(root, args.n, seed=7, broken=3, fast=True)
        (root / ".complete").write_text("")
    from opswizard.core import factcache

    factcache.load(root, pairs=False)  # the index and the facts up to date, untimed
    batch = factcache._pair
    found = []
    for name, pairing in (("entry by entry", per_entry), ("batch", batch)):
        factcache.cache_file(root).unlink(missing_ok=True)
        factcache._pair = pairing
        load = os.getloadavg()[0]
        start = time.monotonic()
        facts = factcache.load(root)
        took = time.monotonic() - start
        found.append({f.key: f.repeat for f in facts.entries})
        print(f"{name}: {took:.1f} s for {facts.paired:,} entries paired, "
              f"{sum(r is not None for r in found[-1].values()):,} repeats "
              f"(load average {load:.1f} -> {os.getloadavg()[0]:.1f})", flush=True)
    factcache._pair = batch
    print("the same pairs:", found[0] == found[1])


if __name__ == "__main__":
    main()
