"""The committed screenshots/ match what the current code draws (issue 8).

A failure means the UI changed: look at the new SVGs, then regenerate them with
`python -m opswizard.screenshots` and commit screenshots/.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from opswizard import screenshots

COMMITTED = Path(__file__).parent.parent / "screenshots"


def test_every_screenshot_is_committed_and_nothing_else() -> None:
    assert sorted(p.name for p in COMMITTED.glob("*.svg")) == sorted(screenshots.SHOTS)


@pytest.mark.parametrize("name", sorted(screenshots.SHOTS))
def test_screenshots_are_current(name: str) -> None:
    """One test per screenshot (the suite's workers share them out)."""
    mode, shot = screenshots.SHOTS[name]
    drawn = asyncio.run(screenshots.take(name, mode, shot))
    committed = COMMITTED / name
    if not committed.exists() or committed.read_bytes() != drawn.encode("utf-8"):
        pytest.fail(f"stale screenshot: {name}; "
                    "regenerate with `python -m opswizard.screenshots`")


def test_screenshots_show_no_scratch_path() -> None:
    for path in sorted(COMMITTED.glob("*.svg")):
        text = path.read_text(encoding="utf-8")
        assert "opswizard-shots-" not in text and "/tmp" not in text, path.name
    review = (COMMITTED / "wizard-review.svg").read_text(encoding="utf-8")
    assert "ops-knowledge/issues/" in review.replace("&#160;", " ")  # a relative path
