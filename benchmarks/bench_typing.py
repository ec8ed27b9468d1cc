"""What one typed character costs in the wizard, beside the same keys typed into a bare
Textual app holding one Input (the anchor, measured in the same run).

    python benchmarks/bench_typing.py                  # 5 runs of 60 characters
    python benchmarks/bench_typing.py --runs 9 --keys 100
    OPSWIZARD_BENCH_SRC=/path/to/old/checkout python benchmarks/bench_typing.py   # "before"

Headless (Pilot, 120x40), an empty knowledge base. For each run a fresh app opens, the
wizard's steps finish mounting, focus goes to a field, and --keys printable characters are
pressed one by one (Pilot waits for each to be handled and the screen refreshed). The
figure is the process's CPU time per key (the steadier clock on a shared machine) and wall
time per key, medians of --runs runs. Anchor and wizard runs alternate, so the machine's
load hits both alike. Fields: the Title (its text also goes to the header) and Context's
System State (an ordinary field).
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

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Input  # noqa: E402

from opswizard.tui.app import OpsWizardApp  # noqa: E402

SIZE = (120, 40)


class Bare(App[None]):
    """The anchor: one Input, nothing else."""

    def compose(self) -> ComposeResult:
        yield Input(id="field")


async def _type(pilot, count: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    keys = [chr(ord("a") + i % 26) for i in range(count)]
    cpu, wall = time.process_time(), time.perf_counter()
    for key in keys:
        await pilot.press(key)
    return (time.process_time() - cpu) / count, (time.perf_counter() - wall) / count


async def bare(count: int) -> tuple[float, float]:
    app = Bare()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#field").focus()
        await pilot.pause()
        return await _type(pilot, count)


async def wizard(field: str, count: int) -> tuple[float, float]:
    app = OpsWizardApp(Path(tempfile.mkdtemp()), mode="new")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        screen = app.screen
        if field == "system_state":
            await screen.show_step("context")  # type: ignore[attr-defined]
        screen.query_one(f"#field-{field}").focus()
        await pilot.pause()
        return await _type(pilot, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keys", type=int, default=60)
    args = parser.parse_args()
    cases = {
        "bare Textual Input (anchor)": lambda: bare(args.keys),
        "wizard: Title": lambda: wizard("title", args.keys),
        "wizard: Context, System State": lambda: wizard("system_state", args.keys),
    }
    got: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, case in cases.items():
            got[name].append(asyncio.run(case()))
    anchor = statistics.median(cpu for cpu, _ in got["bare Textual Input (anchor)"])
    print(f"{args.runs} runs of {args.keys} keys; load average {os.getloadavg()[0]:.2f}")
    print("| typing into | CPU per key (ms) | wall per key (ms) | CPU / anchor |")
    print("|---|---:|---:|---:|")
    for name, values in got.items():
        cpu = statistics.median(c for c, _ in values)
        wall = statistics.median(w for _, w in values)
        print(f"| {name} | {cpu * 1000:.1f} | {wall * 1000:.1f} | {cpu / anchor:.2f}x |")


if __name__ == "__main__":
    main()
