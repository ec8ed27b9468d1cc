"""A quiet warm start counts nothing it already knows (`core/changes.py`): the number of
files is kept with the listing's hash in `meta`, the rows are counted once and the search
takes that count. Every doubt still ends in the full comparison: rows gone behind the
index's back, an older stamp, a count from an older version of the index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from opswizard.core import kbdb, kbindex, kbscan, store
from opswizard.core.search import Query, Search

from .index_helpers import aged_copy


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return aged_copy(tmp_path / "kb")


def _sql(kb: Path, statement: str) -> list[tuple[object, ...]]:
    path = kbdb.database_file(kb)
    assert path is not None
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(statement).fetchall()
        conn.commit()
    finally:
        conn.close()
    return rows


def _titles(kb: Path) -> list[str]:
    return sorted(s.title for _, s in kbindex.load(kb).entries)


def test_a_quiet_warm_start_does_not_count_the_listing(
    kb: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    if kbscan.listing(kb) is None:
        pytest.skip("no GNU find here")
    kbindex.load(kb)

    def refused(self: kbscan.Listing) -> int:
        raise AssertionError("the stored count answers for an unchanged listing")

    monkeypatch.setattr(kbscan.Listing, "count", property(refused))
    warm = kbindex.load(kb)
    assert warm.stats.reused == warm.stats.files == 8 and not warm.stats.written


def test_rows_lost_behind_the_index_are_read_again(kb: Path, lister: str) -> None:
    """The listing is as stored, but the database holds a row fewer: not taken as quiet."""
    before = _titles(kb)
    assert _sql(kb, "SELECT count(*) FROM rows") == [(8,)]
    _sql(kb, "DELETE FROM rows WHERE id = (SELECT min(id) FROM rows WHERE error = '')")
    again = kbindex.load(kb)
    assert again.stats.parsed == 1 and again.stats.written
    assert _titles(kb) == before


def test_a_stamp_without_a_count_costs_one_comparison_not_a_parse(
    kb: Path, lister: str,
) -> None:
    """An index written before the count was kept (the hash alone) is compared row by row
    once, then stamped with the count and quiet again."""
    kbindex.load(kb)
    [(stamp,)] = _sql(kb, "SELECT value FROM meta WHERE name = 'scan'")
    assert isinstance(stamp, str) and stamp.endswith(" 8")
    _sql(kb, f"UPDATE meta SET value = '{stamp.rpartition(' ')[0]}' WHERE name = 'scan'")
    first = kbindex.load(kb)
    assert first.stats.parsed == 0 and first.stats.written
    assert _sql(kb, "SELECT value FROM meta WHERE name = 'scan'") == [(stamp,)]
    second = kbindex.load(kb)
    assert second.stats.reused == 8 and not second.stats.written


def _weights(search: Search, query: Query) -> list[tuple[object, float]]:
    """Each word's weight as the search's last run saw the index (it counts the rows)."""
    search.search(query)
    return [(group, weight) for group, weight in search.groups(query)]


def test_the_search_weighs_words_by_the_rows_there_are_now(kb: Path, lister: str) -> None:
    """A search kept across refreshes (the browser) counts the rows again after a change,
    and one made after a quiet refresh gives what a fresh index gives."""
    kbdb.KbIndex.open(kb).close()  # built: the next start is quiet, and counts the rows
    index = kbdb.KbIndex.open(kb)
    assert index.stats.reused == 8 and not index.stats.written
    kept = Search(index)
    query = Query("pool connection")
    weights = _weights(kept, query)
    assert weights == _weights(Search(kbdb.KbIndex.open(kb)), query)
    path = next(p for p in store.scan(kb) if "pool-exhaustion" not in p.name)
    path.unlink()
    index.refresh()
    fresh = _weights(Search(kbdb.KbIndex.open(kb)), query)
    assert _weights(kept, query) == fresh != weights
