"""Ticking a follow-up changes exactly its checkbox, in that file; an outside edit is a
conflict; `opswizard actions` lists, filters and fails on overdue ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from opswizard.cli import main
from opswizard.core import factcache, ledger, store

HAND_WRITTEN = """---
id: 7d1c0a52-3f0e-4a59-9a55-1d8f2c11e0aa
status: final
---
# Operational Learning Entry

### Issue Summary
- **Date**: 2025-05-02T08:00:00Z
- **Category**: issue
- **Title**: Queue Consumers Fell Behind
- **Severity**: HIGH
- **Duration**: 40 minutes

## Follow-up Actions
*   [ ]   Raise the consumer count   (owner: @ana, due: 2025-05-20)
- [X] Page on lag over 10k (owner: bo, due: 2025-05-10)
- Write the runbook (owner: cy)
-\t[ ] Review dashboards (due: 2025-04-01)
"""


def _kb(tmp_path: Path, text: str = HAND_WRITTEN, newline: str = "\n") -> tuple[Path, Path]:
    root = tmp_path / "kb"
    root.mkdir()
    path = root / "queue.md"
    path.write_bytes(text.replace("\n", newline).encode())
    return root, path


def _item(root: Path, text: str) -> ledger.Item:
    facts = factcache.load(root)
    found = ledger.items(facts.entries, ledger.LedgerFilter(state="all"))
    return next(i for i in found if i.follow_up.text == text)


def _changed_lines(before: bytes, after: bytes) -> list[tuple[bytes, bytes]]:
    a, b = before.split(b"\n"), after.split(b"\n")
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


@pytest.mark.parametrize(("text", "done", "old", "new"), [
    ("Raise the consumer count", True,
     b"*   [ ]   Raise the consumer count   (owner: @ana, due: 2025-05-20)",
     b"*   [x]   Raise the consumer count   (owner: @ana, due: 2025-05-20)"),
    ("Page on lag over 10k", False,
     b"- [X] Page on lag over 10k (owner: bo, due: 2025-05-10)",
     b"- [ ] Page on lag over 10k (owner: bo, due: 2025-05-10)"),
    ("Write the runbook", True,
     b"- Write the runbook (owner: cy)", b"- [x] Write the runbook (owner: cy)"),
    ("Review dashboards", True,
     b"-\t[ ] Review dashboards (due: 2025-04-01)", b"-\t[x] Review dashboards (due: 2025-04-01)"),
])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_tick_changes_only_that_checkbox(tmp_path, text, done, old, new, newline) -> None:
    root, path = _kb(tmp_path, newline=newline)
    before = path.read_bytes()
    item = _item(root, text)
    assert ledger.tick(root, item.entry, item.follow_up, done) is True
    after = path.read_bytes()
    cr = b"\r" if newline == "\r\n" else b""
    assert _changed_lines(before, after) == [(old + cr, new + cr)]
    assert list(root.rglob("*")) == [path]  # the file never moves, nothing else written


def test_ticking_twice_is_one_change_and_back_again_restores_the_bytes(tmp_path) -> None:
    root, path = _kb(tmp_path)
    before = path.read_bytes()
    item = _item(root, "Raise the consumer count")
    assert ledger.tick(root, item.entry, item.follow_up, True)
    item = _item(root, "Raise the consumer count")
    assert item.follow_up.done
    assert ledger.tick(root, item.entry, item.follow_up, True) is False
    assert ledger.tick(root, item.entry, item.follow_up, False)
    assert path.read_bytes() == before


def test_an_outside_edit_since_reading_is_a_conflict_not_a_lost_update(tmp_path) -> None:
    root, path = _kb(tmp_path)
    item = _item(root, "Raise the consumer count")
    outside = path.read_bytes() + b"- [ ] Added by a colleague (owner: bo)\n"
    path.write_bytes(outside)
    with pytest.raises(store.ConflictError):
        ledger.tick(root, item.entry, item.follow_up, True)
    assert path.read_bytes() == outside


def test_a_file_with_merge_markers_is_never_ticked(tmp_path) -> None:
    text = HAND_WRITTEN + "<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> other\n"
    root, path = _kb(tmp_path, text)
    before = path.read_bytes()
    item = _item(root, "Write the runbook")
    with pytest.raises(ledger.TickError):
        ledger.tick(root, item.entry, item.follow_up, True)
    assert path.read_bytes() == before


def test_actions_cli_lists_soonest_first_and_says_what_is_missing(tmp_path) -> None:
    root, _ = _kb(tmp_path)
    result = CliRunner().invoke(main, ["actions", "--kb", str(root), "--as-of", "2025-05-15"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["2025-04-01", "2025-05-20", "(no"]
    assert "OVERDUE 44d" in lines[0] and "(no owner)" in lines[0]
    assert "(no deadline)" in lines[2] and "queue.md:17" in lines[2]


def test_actions_json_and_fail_on_overdue(tmp_path) -> None:
    root, _ = _kb(tmp_path)
    args = ["actions", "--kb", str(root), "--all", "--json", "--as-of", "2025-05-15"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["counts"] == {"open": 3, "done": 1, "overdue": 1, "no_owner": 1,
                             "no_deadline": 1}
    assert [f["overdue"] for f in doc["follow_ups"]] == [True, False, False, False]
    failing = CliRunner().invoke(main, [*args, "--fail-on-overdue"])
    assert failing.exit_code == 1
    calm = CliRunner().invoke(main, [*args, "--fail-on-overdue", "--as-of", "2025-03-01"])
    assert calm.exit_code == 0
    mine = CliRunner().invoke(main, ["actions", "--kb", str(root), "--owner", "ana", "--json"])
    assert [f["text"] for f in json.loads(mine.stdout)["follow_ups"]] == [
        "Raise the consumer count"]


def test_validate_warns_of_times_that_are_not_durations_and_disagree(tmp_path) -> None:
    text = HAND_WRITTEN.replace("## Follow-up Actions", "## Metrics\n"
                                "- **Time to Detection**: soon-ish\n"
                                "- **Time to Resolution**: 2 hours\n\n## Follow-up Actions")
    root, path = _kb(tmp_path, text)
    result = CliRunner().invoke(main, ["validate", "--kb", str(root), str(path)])
    out = result.output
    assert "queue.md:15: warning: Time to Detection: 'soon-ish' is not a duration" in out
    assert "queue.md:16: warning: Time to Resolution (2 hours) disagrees with Duration" in out


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
                max_size=40)


@given(indent=st.sampled_from(["", " ", "   "]), bullet=st.sampled_from("-*+"),
       gap=st.sampled_from([" ", "  ", "\t"]), mark=st.sampled_from(" xX"), rest=_TEXT)
def test_ticking_a_boxed_line_changes_one_byte_and_back(indent, bullet, gap, mark, rest) -> None:
    line = f"{indent}{bullet}{gap}[{mark}]{rest}".encode()
    done = ledger.ticked_line(line, True)
    opened = ledger.ticked_line(line, False)
    for new in (done, opened):
        assert len(new) == len(line)
        assert sum(a != b for a, b in zip(new, line, strict=True)) <= 1
    assert ledger.ticked_line(done, False) == (line if mark == " " else opened)
    assert ledger.ticked_line(opened, True) == f"{indent}{bullet}{gap}[x]{rest}".encode()


@given(bullet=st.sampled_from("-*+"),
       rest=_TEXT.filter(lambda t: t[:1] not in ("[", " ", "\t")))
def test_ticking_a_line_without_a_box_only_inserts_one(bullet, rest) -> None:
    line = f"{bullet} {rest}".encode()
    assert ledger.ticked_line(line, False) == line
    assert ledger.ticked_line(line, True) == f"{bullet} [x] {rest}".encode()
