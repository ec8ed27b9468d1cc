"""How fast the browser loads, filters and previews a knowledge base of N entries (files).

    python benchmarks/bench_browse.py              # 1,000 entries, in a temporary folder
    python benchmarks/bench_browse.py -n 5000 --kb /tmp/kb5000

Writes the knowledge base with `make_kb.py` (seeded), then measures, headless:
- the load worker: `store.load_all`, `catalog.build` (checklist per entry), `LinkGraph`;
- per keystroke of several filter queries: `catalog.search` alone, and search plus
  `EntryTable.show` plus the repaint (Pilot), median and p95;
- one preview (`EntryPreview.show`: the Markdown widget built for an entry).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_kb import write  # noqa: E402

from opswizard.core import catalog, store  # noqa: E402
from opswizard.core.links import LinkGraph  # noqa: E402

QUERIES = ("memory leak", "pool", "serach cluster", "customer facing canary")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def bench_core(root: Path) -> list[catalog.Row]:
    start = time.perf_counter()
    good, bad = store.load_all(root)
    loaded = time.perf_counter()
    rows = catalog.build(good, bad, root)
    built = time.perf_counter()
    LinkGraph(root, [(item.path, item.entry) for item in good])
    linked = time.perf_counter()
    print(f"load_all {ms(loaded - start)}, build {ms(built - loaded)}, "
          f"links {ms(linked - built)} ({len(good)} entries, {len(bad)} unreadable)")
    times = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            t = time.perf_counter()
            catalog.search(rows, query[:end])
            times.append(time.perf_counter() - t)
    print(f"search per keystroke: median {ms(statistics.median(times))}, p95 {ms(p95(times))}")
    return rows


async def bench_ui(root: Path) -> None:
    from textual.widgets import Input

    from opswizard.tui.app import OpsWizardApp
    from opswizard.tui.screens import browse
    from opswizard.tui.widgets.entry_preview import EntryPreview

    browse.PREVIEW_DELAY = 60.0  # the preview is measured on its own, below
    app = OpsWizardApp(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)
        screen = app.screen
        field = screen.query_one("#filter", Input)
        times = []
        for query in QUERIES:
            for end in [*range(1, len(query) + 1), 0]:
                field.value = query[:end]
                await pilot.pause(0.2)  # let the debounced filter settle
                t = time.perf_counter()
                screen._apply()
                await pilot.pause()
                times.append(time.perf_counter() - t)
        print(f"filter + table + repaint per keystroke: median {ms(statistics.median(times))},"
              f" p95 {ms(p95(times))}")
        preview = screen.query_one(EntryPreview)
        times = []
        for row in screen.all_rows[:10]:
            t = time.perf_counter()
            preview.show(row)
            await pilot.pause()
            times.append(time.perf_counter() - t)
        print(f"preview (Markdown) per entry: median {ms(statistics.median(times))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=1000)
    parser.add_argument("--kb", type=Path, help="where to write it (default: a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = args.kb or Path(temp) / "kb"
        if not root.exists():
            write(root, args.count, broken=3)
        bench_core(root)
        asyncio.run(bench_ui(root))


if __name__ == "__main__":
    main()
