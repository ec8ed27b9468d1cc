"""The browser's rows read a page at a time (`core.kbpages`) are the rows the catalog gives:
same order, same facets, same counts, same filter order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from opswizard.core import catalog
from opswizard.core.catalog import Facets
from opswizard.core.kbdb import KbIndex
from opswizard.core.kbpages import RowPages
from opswizard.core.search import Search

DEMO = Path(__file__).parent.parent / "opswizard" / "demo" / "kb"


@pytest.fixture
def kb(tmp_path: Path) -> KbIndex:
    root = tmp_path / "kb"
    shutil.copytree(DEMO, root)
    (root / "broken.md").write_bytes(b"\xff\xfe not an entry")
    index = KbIndex.open(root)
    yield index
    index.close()


def keys(rows: list[catalog.Row]) -> list[str]:
    return [row.key for row in rows]


def test_the_order_and_the_pages_are_the_index_summaries(kb: KbIndex) -> None:
    pages = RowPages(kb)
    every = kb.summaries()
    ids = pages.order()
    assert keys(pages.page(ids)) == keys(every)
    assert keys(pages.page(ids[3:6])) == keys(every)[3:6]
    assert pages.counts() == (len(every), sum(row.broken for row in every))
    assert every[-1].key == "broken.md"


@pytest.mark.parametrize("facets", [
    Facets(), Facets(severity="HIGH"), Facets(category="performance"),
    Facets(status="final", tag="kafka"), Facets(tag="nothing-has-this"),
])
def test_facets_narrow_and_count_as_the_catalog_does(kb: KbIndex, facets: Facets) -> None:
    pages = RowPages(kb)
    every = kb.summaries()
    assert keys(pages.page(pages.order(facets))) == keys(catalog.narrow(every, facets, None))
    for name in ("category", "severity", "status", "tag"):
        assert pages.facet_counts(facets, name) == catalog.counts(every, facets, name)


def test_the_filter_keeps_the_search_order(kb: KbIndex) -> None:
    pages = RowPages(kb)
    ranked = Search(kb).filter_keys("kafka")
    assert ranked
    assert keys(pages.page(pages.order(None, ranked))) == ranked
    narrowed = catalog.narrow(kb.summaries(), Facets(status="final"), ranked)
    assert keys(pages.page(pages.order(Facets(status="final"), ranked))) == keys(narrowed)


def test_titles_links_and_lookups(kb: KbIndex) -> None:
    pages = RowPages(kb)
    entries = [row for row in kb.summaries() if not row.broken]
    first = entries[0]
    assert pages.titles([first.key, "broken.md", "nowhere.md"]) == {first.key: first.title}
    assert len(pages.titles()) == len(entries)
    assert [key for key, *_ in pages.jump_targets()] == keys(entries)
    assert dict(pages.link_sources()) == {row.key: list(row.links) for row in entries}
    assert pages.id_of("nowhere.md") is None
    assert pages.page([pages.id_of(first.key)]) == [first]
