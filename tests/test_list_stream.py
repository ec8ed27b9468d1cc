"""`opswizard list` streams its rows from the index (`kbrows.entry_rows`): the same bytes
as the whole document built in memory from every summary, filters and unreadable files
included."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from opswizard.cli import _json_listing, main
from opswizard.core import kbdb, kbrows, store
from opswizard.core.model import new_entry
from opswizard.core.sanitize import dumps
from opswizard.core.tags import normalise_tag

BROWSE_KB = Path(__file__).parent / "fixtures" / "browse_kb"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(BROWSE_KB, root)
    odd = new_entry(title="Caf\u00e9 \u202eorder\u202c \u0085 wrong", category="recovery")
    odd.tags = ["caf\u00e9", "edge"]
    store.save_new(root, odd)
    store.save_new(root, new_entry(title="No tags at all", category="issue"))
    return root


def _before(root: Path, category: str = "", tag: str = "") -> str:
    """What `list --json` printed before it streamed: every summary, then one dumps."""
    index = kbdb.KbIndex.open(root)
    rows = []
    for entry in index.entries():
        if category and entry.category != category:
            continue
        if tag and normalise_tag(tag) not in entry.tags:
            continue
        row = entry.listed()
        row["path"] = entry.key.replace("/", os.sep)
        rows.append(row)
    unreadable = [{"path": str(p), "error": e} for p, e in index.bad()]
    index.close()
    return dumps({"root": str(root), "entries": rows, "unreadable": unreadable},
                 indent=2) + "\n"


@pytest.mark.parametrize("filters", [[], ["--category", "recovery"], ["--tag", "edge"],
                                     ["--tag", "no-such-tag"]])
def test_list_json_prints_the_same_bytes_as_the_whole_document(
    kb: Path, filters: list[str],
) -> None:
    result = CliRunner().invoke(main, ["list", "--json", *filters, "--kb", str(kb)])
    category = filters[1] if filters[:1] == ["--category"] else ""
    tag = filters[1] if filters[:1] == ["--tag"] else ""
    assert result.stdout == _before(kb, category, tag)
    assert result.exit_code == 1  # the fixture holds unreadable files
    assert '"unreadable": [\n    {' in result.stdout


def test_an_empty_knowledge_base_lists_the_same(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["list", "--json", "--kb", str(tmp_path)])
    assert result.stdout == _before(tmp_path) and result.exit_code == 0
    assert '"entries": [],' in result.stdout


def test_the_text_listing_is_unchanged(kb: Path) -> None:
    result = CliRunner().invoke(main, ["list", "--kb", str(kb)])
    index = kbdb.KbIndex.open(kb)
    lines = result.stdout.splitlines()
    assert len(lines) == len(index.entries())
    for line, entry in zip(lines, index.entries(), strict=True):
        assert line.endswith(entry.key.replace("/", os.sep))
    index.close()


def test_rows_stream_in_the_order_and_with_the_fields_of_the_summaries(kb: Path) -> None:
    index = kbdb.KbIndex.open(kb)
    streamed = list(kbrows.entry_rows(index))
    assert [s.listed() for s in streamed] == [s.listed() for s in index.entries()]
    assert [s.key for s in streamed] == [s.key for s in index.entries()]
    index.close()


def test_a_row_naming_a_path_outside_the_tree_is_not_listed(kb: Path) -> None:
    for path in store.scan(kb):  # old mtimes: the next start trusts the rows as they are
        os.utime(path, ns=(1_600_000_000 * 10**9, 1_600_000_000 * 10**9))
    index = kbdb.KbIndex.open(kb)
    assert index.path is not None
    path = index.path
    index.close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE rows SET key = '../outside.md' WHERE id = 1")
    conn.commit()
    conn.close()
    reopened = kbdb.KbIndex.open(kb)  # the files did not change: the row stays until read
    with pytest.raises(sqlite3.DatabaseError):
        next(kbrows.entry_rows(reopened))
    reopened.close()
    result = CliRunner().invoke(main, ["list", "--json", "--kb", str(kb)])
    assert "outside" not in result.stdout and result.stdout == _before(kb)


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_ROW = st.fixed_dictionaries({"title": _TEXT, "tags": st.lists(_TEXT, max_size=3),
                              "completeness": st.integers(0, 100),
                              "nested": st.dictionaries(_TEXT, _TEXT, max_size=2)})


@given(root=_TEXT, rows=st.lists(_ROW, max_size=4),
       unreadable=st.lists(st.fixed_dictionaries({"path": _TEXT, "error": _TEXT}),
                           max_size=2))
def test_the_streamed_document_is_dumps_of_the_whole(
    root: str, rows: list[dict[str, object]], unreadable: list[dict[str, str]],
) -> None:
    whole = dumps({"root": root, "entries": rows, "unreadable": unreadable}, indent=2)
    assert "".join(_json_listing(root, iter(rows), unreadable)) == whole
