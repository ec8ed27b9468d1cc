"""The browser's pure core: rows, facets, the filter (the one search) and links between entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from opswizard.core import catalog, store
from opswizard.core.catalog import Facets
from opswizard.core.kbdb import KbIndex
from opswizard.core.links import LinkGraph, hrefs
from opswizard.core.model import Item, new_entry
from opswizard.core.search import Search

KB = Path(__file__).parent / "fixtures" / "browse_kb"


@pytest.fixture(scope="module")
def loaded() -> tuple[list[store.Loaded], list[tuple[Path, str]]]:
    return store.load_all(KB)


@pytest.fixture(scope="module")
def rows(loaded: tuple[list[store.Loaded], list[tuple[Path, str]]]) -> list[catalog.Row]:
    return catalog.build(*loaded, KB)


def titles(rows: list[catalog.Row]) -> list[str]:
    return [row.title for row in rows]


def search(rows: list[catalog.Row], query: str, facets: Facets | None = None
           ) -> list[catalog.Row]:
    """What the browser shows: the rows the one search keeps for the query, in its order."""
    found = Search(KbIndex.open(KB))
    return catalog.narrow(rows, facets, found.filter_keys(query))


def test_rows_newest_first_then_broken_files(rows: list[catalog.Row]) -> None:
    dates = [row.date for row in rows if not row.broken]
    assert dates == sorted(dates, reverse=True)
    assert rows[-1].broken and rows[-1].key == "issues/general/broken-frontmatter.md"
    assert "YAML" in rows[-1].error


def test_row_summarises_entry(rows: list[catalog.Row]) -> None:
    first = rows[0]
    assert (first.day, first.severity, first.category, first.status) == (
        "2025-07-09", "HIGH", "issue", "final")
    assert first.tags == ("connection-pool", "database")
    assert 0 < first.percent <= 100


def test_search_matches_title_tags_services_and_symptoms(rows: list[catalog.Row]) -> None:
    assert titles(search(rows, "canary")) == ["Failed Canary Rollout of Orchestrator v2"]
    assert "Redis Timeout Misconfiguration After Upgrade" in titles(search(rows, "504s"))
    assert "Restoring Agent State From Backups" in titles(search(rows, "state store"))
    assert len(search(rows, "database")) == 3  # a tag


def test_search_tolerates_a_typo_and_needs_every_word(rows: list[catalog.Row]) -> None:
    assert "Slow Search Queries on Context Index" in titles(search(rows, "serach"))
    assert search(rows, "pool canary") == []


def test_search_ranks_title_matches_first(rows: list[catalog.Row]) -> None:
    found = titles(search(rows, "orchestrator"))
    assert found[0] == "Failed Canary Rollout of Orchestrator v2"  # title beats services


def test_empty_query_keeps_order(rows: list[catalog.Row]) -> None:
    assert search(rows, "  ") == rows


def test_broken_file_found_by_name(rows: list[catalog.Row]) -> None:
    assert [row.key for row in search(rows, "broken")] == [
        "issues/general/broken-frontmatter.md"]


def test_facets_combine(rows: list[catalog.Row]) -> None:
    facets = Facets().set("tag", "database")
    assert len(search(rows, "", facets)) == 3
    facets = facets.set("severity", "HIGH")
    assert len(search(rows, "", facets)) == 2
    facets = facets.set("status", "final")
    assert titles(search(rows, "", facets)) == ["Memory Service Connection Pool Exhaustion"]
    assert facets.active() == [("severity", "HIGH"), ("status", "final"), ("tag", "database")]
    assert facets.set("tag", None).tag is None


def test_facet_counts_apply_the_other_facets(rows: list[catalog.Row]) -> None:
    counts = catalog.counts(rows, Facets(tag="database"), "severity")
    assert counts == {"HIGH": 2, "LOW": 1}
    assert catalog.counts(rows, Facets(tag="database"), "tag")["redis"] == 1


def test_links_both_directions(loaded: tuple[list[store.Loaded], list[tuple[Path, str]]]) -> None:
    good, _ = loaded
    graph = LinkGraph(KB, [(item.path, item.entry) for item in good])
    by_title = {item.entry.title: item.path for item in good}
    pool = by_title["Memory Service Connection Pool Exhaustion"]
    out = graph.outgoing(pool)
    assert [link.path for link in out] == [
        by_title["Slow Search Queries on Context Index"],
        by_title["Redis Timeout Misconfiguration After Upgrade"],
    ]
    assert all(link.exists for link in out)
    assert graph.incoming(pool) == [by_title["Failed Canary Rollout of Orchestrator v2"]]
    assert graph.incoming(by_title["Slow Search Queries on Context Index"]) == [pool]


def test_link_forms(tmp_path: Path) -> None:
    root = tmp_path
    a, b = root / "issues" / "x" / "a.md", root / "performance" / "optimizations" / "b.md"
    entry = new_entry(title="A")
    entry.related_issues.items = [
        Item(label="Root relative", text="[B](performance/optimizations/b.md#section)"),
        Item(label="[By name](b.md)", text="and a URL [docs](https://example.com/x.md)"),
        Item(text="[Missing](../../nowhere/c.md), ![image](../../b.md), PROJ-12"),
    ]
    assert [h for _, h in hrefs(entry)][:3] == [
        "performance/optimizations/b.md#section", "b.md", "https://example.com/x.md"]
    graph = LinkGraph(root, [(a, entry), (b, new_entry(title="B"))])
    links = graph.outgoing(a)
    assert [(link.path, link.exists) for link in links] == [
        (b, True), (b, True), (None, False), (root / "nowhere" / "c.md", False)]
    assert graph.incoming(b) == [a]  # once, though linked twice
    assert graph.resolve("../../performance/optimizations/b.md", a).path == b
