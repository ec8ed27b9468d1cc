"""Regenerate the README's screenshots: `python -m opswizard.screenshots [OUT_DIR]`.

Each SVG is drawn by the real app at 120x36, driven by keyboard through Textual's Pilot, on
a copy of the demo knowledge base at the fixed relative path `ops-knowledge` (in a scratch
folder that is the working directory meanwhile), with the new entry's date fixed, so no
temporary path or current date shows and a rerun writes identical bytes.
`tests/test_screenshots.py` regenerates them and compares with `screenshots/`.

| File | What it shows |
|---|---|
| `browser.svg` | The browser: every entry, newest first, and the preview of one |
| `wizard-suggestions.svg` | Issue Summary, the tag dropdown open after typing `conn` |
| `wizard-validation.svg` | Issue Summary, "yesterday" typed in the Date field |
| `wizard-checklist.svg` | A step of a new entry, the completion checklist failing on the right |
| `wizard-review.svg` | The review step (ctrl+r): the file as it will be saved |
| `ledger.svg` | The follow-up ledger (`a`), grouped by owner, overdue ones marked |
| `stats.svg` | Numbers over time (`m`): incidents per month by severity, MTTD/MTTR trend |
| `report.png` | `opswizard report` rendered by headless Chromium (`--report`; not in CI) |

"Today" is fixed (`AS_OF`) for the ledger, the stats and the report.
`python -m opswizard.screenshots --report [OUT_DIR]` writes only `report.png` and needs a
`chromium` (or `chromium-browser`, `google-chrome`) on the PATH.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from textual.widgets import Input, TextArea

from . import demo
from .tui.app import OpsWizardApp

SIZE = (120, 36)
OUT = Path(__file__).resolve().parent.parent / "screenshots"
KB = Path("ops-knowledge")
# A new entry half written: summary and context filled in, the root cause still to come.
PREFILL = {
    "date": "2026-03-04T10:20:30Z", "category": "issue",
    "title": "Order service connection pool exhausted", "severity": "HIGH",
    "duration": "40 minutes", "impact": "8% of orders failed to save during the flash sale",
    "system_state": "Flash sale traffic at four times the usual order rate",
    "symptoms": "'pool exhausted' errors, order API timeouts", "environment": "Production",
    "related_services": "order-service, postgres",
    "trigger": "Flash sale started without a capacity review",
}
BROWSE_TITLE = "Payments API Outage From PgBouncer Pool Saturation"
AS_OF = "2026-06-01"

Pilot = Any
Shot = Callable[[OpsWizardApp, Pilot], Awaitable[None]]
QUIET = 0.6  # seconds: longer than the longest debounce on any screen


async def wait_for(pilot: Pilot, condition: Callable[[], object], what: str,
                   timeout: float = 300.0) -> None:
    """Wait for a condition, never for a time: a loaded machine only makes it slower."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"screenshots: timed out waiting for {what}")
        await pilot.pause(0.01)


async def settle(pilot: Pilot) -> None:
    """Let workers deliver and the screen redraw."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


# -- the shots ---------------------------------------------------------------------------
async def browser(app: OpsWizardApp, pilot: Pilot) -> None:
    from textual.widgets import DataTable

    await wait_for(pilot, lambda: app.screen.query(DataTable) and
                   app.screen.query_one(DataTable).row_count > 0, "the entry table")
    screen: Any = app.screen
    for _ in range(len(screen.shown)):
        row = next((r for r in screen.shown if r.title == BROWSE_TITLE), None)
        table = screen.query_one(DataTable)
        if row is None or table.cursor_row == screen.shown.index(row):
            break
        await pilot.press("down")

    def previewed() -> bool:  # the preview follows the cursor after a short delay
        heads = app.screen.query("#preview-head")
        return bool(heads) and BROWSE_TITLE in str(getattr(heads.first(), "content", ""))

    await wait_for(pilot, previewed, "the preview of the chosen entry")


async def _wizard_ready(app: OpsWizardApp, pilot: Pilot) -> Any:
    from .tui.screens.wizard import WizardScreen

    def indexed() -> bool:
        screen = app.screen
        return isinstance(screen, WizardScreen) and screen.context.suggester is not None

    await wait_for(pilot, indexed, "the suggestion index")
    return app.screen


async def suggestions(app: OpsWizardApp, pilot: Pilot) -> None:
    from textual.widgets import Input

    from .tui.widgets.suggest_input import SuggestInput

    screen = await _wizard_ready(app, pilot)
    await settle(pilot)
    tags = screen.query_one("#field-tags", Input)
    tags.focus()
    await pilot.press(*"conn")
    dropdown = next(s for s in screen.query(SuggestInput) if s.target is tags)
    await wait_for(pilot, lambda: dropdown.display and dropdown.option_list.option_count > 0,
                   "the tag dropdown")


async def validation(app: OpsWizardApp, pilot: Pilot) -> None:
    from textual.widgets import Input

    screen = await _wizard_ready(app, pilot)
    await settle(pilot)
    date = screen.query_one("#field-date", Input)
    date.focus()
    await pilot.press("ctrl+a", "ctrl+k", *"yesterday")
    message = screen.query_one("#msg-date")
    await wait_for(pilot, lambda: message.has_class("-error"), "the date error")


async def checklist(app: OpsWizardApp, pilot: Pilot) -> None:
    await _wizard_ready(app, pilot)
    await settle(pilot)
    screen = app.screen
    await pilot.press("ctrl+n", "ctrl+n")  # Root Cause Analysis
    await wait_for(pilot, lambda: getattr(screen, "current", "") == "root_cause_analysis",
                   "the Root Cause Analysis step")


async def review(app: OpsWizardApp, pilot: Pilot) -> None:
    await _wizard_ready(app, pilot)
    await settle(pilot)
    screen = app.screen
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: getattr(screen, "current", "") == "review"
                   and screen.query("#review"), "the review")


async def _from_browser(app: OpsWizardApp, pilot: Pilot, key: str, ready: str) -> Any:
    from datetime import date

    from textual.widgets import DataTable

    await wait_for(pilot, lambda: app.screen.query(DataTable) and
                   app.screen.query_one(DataTable).row_count > 0, "the entry table")
    await pilot.press(key)
    await wait_for(pilot, lambda: getattr(app.screen, ready, None) is not None, ready)
    screen: Any = app.screen
    screen.today = date.fromisoformat(AS_OF)
    return screen


async def ledger(app: OpsWizardApp, pilot: Pilot) -> None:
    screen = await _from_browser(app, pilot, "a", "facts")
    screen.refilter()


async def stats(app: OpsWizardApp, pilot: Pilot) -> None:
    screen = await _from_browser(app, pilot, "m", "figures")
    screen._loaded(screen._facts)


SHOTS: dict[str, tuple[str, Shot]] = {
    "browser.svg": ("browse", browser),
    "wizard-suggestions.svg": ("new", suggestions),
    "wizard-validation.svg": ("new", validation),
    "wizard-checklist.svg": ("new", checklist),
    "wizard-review.svg": ("new", review),
    "ledger.svg": ("browse", ledger),
    "stats.svg": ("browse", stats),
}


# -- running -------------------------------------------------------------------------------
@contextmanager
def scratch() -> Iterator[Path]:
    """A scratch folder holding `ops-knowledge/` (the demo), as the working directory, with
    the user's state and cache folders pointed inside it."""
    saved_cwd = os.getcwd()
    saved_env = {k: os.environ.get(k) for k in ("XDG_STATE_HOME", "XDG_CACHE_HOME")}
    with tempfile.TemporaryDirectory(prefix="opswizard-shots-") as folder:
        base = Path(folder)
        os.environ["XDG_STATE_HOME"] = str(base / "state")
        os.environ["XDG_CACHE_HOME"] = str(base / "cache")
        try:
            os.chdir(base)
            yield base
        finally:
            os.chdir(saved_cwd)
            for key, value in saved_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


async def take(name: str, mode: str, shot: Shot) -> str:
    """One screenshot, on a fresh copy of the demo knowledge base; returns the SVG."""
    with scratch():
        demo.copy_to(KB)
        prefill = dict(PREFILL) if mode == "new" else None
        app = OpsWizardApp(KB, mode=mode, prefill=prefill)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await shot(app, pilot)
            return await steady_screenshot(app, pilot, f"opswizard: {name.removesuffix('.svg')}")


async def steady_screenshot(app: OpsWizardApp, pilot: Pilot, title: str) -> str:
    """The screen once it stops changing: debounced checks (code, secrets, suggestions, the
    journal) fire late on a loaded machine, so export until two exports, QUIET seconds
    apart with every worker done, are the same. Cursors stop blinking (a blink is timing)."""
    for field in app.screen.query(Input):
        field.cursor_blink = False
    for area in app.screen.query(TextArea):
        area.cursor_blink = False
    await settle(pilot)
    svg = app.export_screenshot(title=title)
    for _ in range(40):
        await pilot.pause(QUIET)
        await settle(pilot)
        again = app.export_screenshot(title=title)
        if again == svg:
            return svg
        svg = again
    return svg


async def generate_async(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (mode, shot) in SHOTS.items():
        svg = await take(name, mode, shot)
        target = out / name
        target.write_text(svg, encoding="utf-8")
        written.append(target)
    return written


def generate(out: Path = OUT) -> list[Path]:
    """Write every screenshot into `out`; returns the files."""
    return asyncio.run(generate_async(Path(out).resolve()))


def report_png(out: Path = OUT) -> Path:
    """`opswizard report` of the demo, rendered by headless Chromium into `report.png`."""
    import shutil
    import subprocess

    from click.testing import CliRunner

    from .cli import main as cli

    browser = next((b for b in ("chromium", "chromium-browser", "google-chrome")
                    if shutil.which(b)), None)
    if browser is None:
        raise RuntimeError("screenshots: no chromium on the PATH (apt-get install chromium)")
    target = Path(out).resolve() / "report.png"
    with scratch() as base:
        demo.copy_to(KB)
        html = base / "report.html"
        result = CliRunner().invoke(cli, ["report", "--kb", str(KB), "-o", str(html),
                                          "--as-of", AS_OF, "--by", "quarter"])
        if result.exit_code != 0:
            raise RuntimeError(f"screenshots: report failed: {result.output}")
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--window-size=1100,2200",
                        f"--screenshot={target}", html.as_uri()],
                       check=True, capture_output=True, timeout=120)
    return target


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--report"]:
        print(report_png(Path(args[1]) if len(args) > 1 else OUT))
        return 0
    for path in generate(Path(args[0]) if args else OUT):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
