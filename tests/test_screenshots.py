"""The committed screenshots/ match what the current code draws (issue 8).

A failure means the UI changed: look at the new SVGs, then regenerate them with
`python -m opswizard.screenshots` and commit screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from opswizard import screenshots

COMMITTED = Path(__file__).parent.parent / "screenshots"


def test_screenshots_are_current(tmp_path: Path) -> None:
    written = screenshots.generate(tmp_path)
    assert sorted(p.name for p in written) == sorted(screenshots.SHOTS)
    stale = [p.name for p in written
             if not (COMMITTED / p.name).exists()
             or (COMMITTED / p.name).read_bytes() != p.read_bytes()]
    if stale:
        pytest.fail(f"stale screenshots: {', '.join(stale)}; "
                    "regenerate with `python -m opswizard.screenshots`")


def test_screenshots_show_no_scratch_path() -> None:
    for path in sorted(COMMITTED.glob("*.svg")):
        text = path.read_text(encoding="utf-8")
        assert "opswizard-shots-" not in text and "/tmp" not in text, path.name
    review = (COMMITTED / "wizard-review.svg").read_text(encoding="utf-8")
    assert "ops-knowledge/issues/" in review.replace("&#160;", " ")  # a relative path
