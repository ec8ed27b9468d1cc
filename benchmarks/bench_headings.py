"""How long the browser takes to show, and to leave, an entry with many headings (issue 12).

    python benchmarks/bench_headings.py                    # 10, 1000, 5000, 20000 headings
    python benchmarks/bench_headings.py -n 5000 --runs 5
    OPSWIZARD_BENCH_SRC=/path/to/old/checkout python benchmarks/bench_headings.py   # "before"

For each size, a knowledge base holds the seed's first example and one entry made of it
plus N `## S{i}` sections (a small file: ~9 bytes a heading). Headless (Pilot, 120x40):

- first paint: `down` then `enter` from the list (the cursor moves to the big entry and
  `enter` builds its preview at once and shows it full screen), until the app is idle
  with the preview's Markdown mounted;
- escape: `escape` back to the list, until idle.

Each figure is the median of --runs runs (each a fresh app), as wall-clock time and as CPU
time of the UI thread (which a loaded machine inflates less). The 10-heading row is the
anchor: the same steps on an ordinary entry, measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, os.environ.get("OPSWIZARD_BENCH_SRC") or str(HERE.parents[1]))

from textual.pilot import WaitForScreenTimeout  # noqa: E402

from opswizard.tui.app import OpsWizardApp  # noqa: E402
from opswizard.tui.widgets.entry_preview import EntryPreview  # noqa: E402

SEED = HERE.parents[1] / "tests" / "fixtures" / "seed" / "example1-service-issue.md"
SIZES = (10, 1000, 5000, 20000)


def make_kb(folder: Path, headings: int) -> Path:
    kb = folder / f"kb-{headings}"
    (kb / "issues").mkdir(parents=True)
    seed = SEED.read_bytes()
    (kb / "issues" / "seed.md").write_bytes(seed)
    big = seed.replace(b"2025-07-09", b"2024-01-01").replace(
        b"Memory Service Connection Pool Exhaustion", b"Many headings")
    big += "".join(f"\n## S{i}\n" for i in range(headings)).encode()
    (kb / "issues" / "many.md").write_bytes(big)
    return kb


async def idle(pilot, app, done) -> None:  # type: ignore[no-untyped-def]
    """Until `done()` holds and the screen has been refreshed after it."""
    while True:
        await pilot.pause()
        if done():
            await pilot.pause()
            return


async def one_run(kb: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    """((first paint wall, cpu), (escape wall, cpu)) in seconds; cpu: the UI thread's."""
    app = OpsWizardApp(kb, mode="browse", offer_recovery=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot, app, lambda: "seed" in str(getattr(
            app.screen.query_one(EntryPreview).row, "key", "")))
        await app.workers.wait_for_complete()  # indexing done: only the preview is timed
        await pilot.pause()
        preview = app.screen.query_one(EntryPreview)
        start, cpu = time.perf_counter(), time.thread_time()
        await pilot.press("down", "enter")
        await idle(pilot, app, lambda: preview.row is not None and "many" in preview.row.key
                   and app.screen.maximized is not None)
        painted = (time.perf_counter() - start, time.thread_time() - cpu)
        start, cpu = time.perf_counter(), time.thread_time()
        await pilot.press("escape")
        await idle(pilot, app, lambda: app.screen.maximized is None)
        back = (time.perf_counter() - start, time.thread_time() - cpu)
    return painted, back


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, action="append", help="headings (repeatable)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = args.n or list(SIZES)
    os.environ.setdefault("XDG_STATE_HOME", tempfile.mkdtemp())
    os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp())
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'headings':>9} {'file':>9} {'first paint wall/cpu':>22} "
              f"{'escape wall/cpu':>18}   (median of {args.runs})")
        for n in sizes:
            kb = make_kb(Path(tmp), n)
            size = (kb / "issues" / "many.md").stat().st_size
            try:
                times = [asyncio.run(one_run(kb)) for _ in range(args.runs)]
            except WaitForScreenTimeout:  # the app did not settle within Pilot's 30 s
                print(f"{n:>9,} {size / 1024:>6.0f} KB  more than 30 s: Pilot gave up waiting",
                      flush=True)
                continue

            def med(step: int, clock: int, times: list = times) -> str:  # type: ignore[type-arg]
                return f"{statistics.median(t[step][clock] for t in times) * 1000:,.0f}"

            print(f"{n:>9,} {size / 1024:>6.0f} KB {med(0, 0):>11} / {med(0, 1):>6} ms "
                  f"{med(1, 0):>8} / {med(1, 1):>5} ms", flush=True)


if __name__ == "__main__":
    main()
