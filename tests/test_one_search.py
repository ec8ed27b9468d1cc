"""The one search (`core/search.py`): the browser's filter, `opswizard search` and the
wizard's related list give the same order for the same query; typos and partial words
are forgiven; reasons say why; an edited file is never served stale; and where SQLite has
no FTS5 the in-process index answers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from opswizard.cli import main
from opswizard.core import kbdb, store
from opswizard.core.kbdb import KbIndex
from opswizard.core.model import new_entry
from opswizard.core.search import Query, Search
from opswizard.core.suggestions import Suggestions

DEMO = Path(__file__).parent.parent / "opswizard" / "demo" / "kb"
QUERIES = ["connection timeouts", "disk alert", "pool", "latency index", "consumer lag",
           "conection timeouts"]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(DEMO, root)
    return root


def cli_titles(root: Path, query: str) -> list[str]:
    result = CliRunner().invoke(main, ["search", query, "--json", "--limit", "50",
                                       "--kb", str(root)])
    return [hit["title"] for hit in json.loads(result.stdout)["entries"]]


def related_titles(root: Path, query: str) -> list[str]:
    """What the wizard's Related Issues step lists for a draft titled `query`."""
    suggestions = Suggestions.open(root)
    draft = new_entry(title=query, category="issue")
    return [m.record.title for m in suggestions.related(draft, limit=50, min_score=0.0)]


async def browser_titles(root: Path, query: str) -> list[str]:
    from textual.widgets import Input

    from opswizard.tui.app import OpsWizardApp
    from opswizard.tui.screens import browse

    from .keys_helpers import until

    browse.FILTER_DELAY = 0.01
    async with OpsWizardApp(root).run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        screen = pilot.app.screen
        assert isinstance(screen, browse.BrowseScreen)
        await pilot.press("slash", *query)

        def filtered() -> bool:  # the filter's debounce timer has fired for the last key
            timer = screen._filter_timer
            return screen.query_one("#filter", Input).value == query and timer is not None \
                and (timer._task is None or timer._task.done())

        await until(pilot, filtered, "the filter applied")
        return [row.title for row in screen.shown]


@pytest.mark.parametrize("query", QUERIES)
async def test_the_same_query_gives_the_same_order_everywhere(
    demo: Path, query: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from opswizard.tui.screens import browse

    monkeypatch.setattr(browse, "FILTER_DELAY", 0.01)
    cli = cli_titles(demo, query)
    shown = await browser_titles(demo, query)
    related = related_titles(demo, query)
    assert shown, query
    assert cli[: len(shown)] == shown  # the browser shows the entries holding every word
    assert related == cli[: len(related)] and related


def test_a_typo_and_a_partial_word_are_forgiven(demo: Path) -> None:
    found = Search(KbIndex.open(demo))
    assert found.search("certifcate", 1)[0].summary.title.startswith("Internal Gateway TLS")
    assert found.search("pgboun", 1)[0].summary.title.startswith("Payments API Outage")
    assert found.search("zzzzqqq") == []


@pytest.mark.parametrize("query", [*QUERIES, "pgboun", "certifcate", "co", "conn", "ti",
                                   "disk al", "exhaust"])
def test_a_one_shot_search_without_the_vocabulary_ranks_the_same(
    demo: Path, query: str,
) -> None:
    """`opswizard search` asks the index for the terms a partial word begins instead of
    loading every term: the same hits, scores and reasons."""
    index = KbIndex.open(demo)
    kept, asked = Search(index), Search(index, keep_vocabulary=False)
    assert kept.search(query, None) == asked.search(query, None)
    if query in ("connection timeouts", "disk alert"):  # known words: no typo to mend
        assert asked._vocab is None and kept._vocab is not None


def test_reasons_name_the_fields_and_what_is_shared(demo: Path) -> None:
    found = Search(KbIndex.open(demo))
    top = found.search("disk alert", 1)[0]
    assert top.reason.startswith("matches title")
    hits = found.search(Query("kafka lag", services=("kafka",), tags=("kafka", "alerting")))
    assert any("shared tag" in h.reason and "same service" in h.reason for h in hits)


def test_every_word_first_then_some(demo: Path) -> None:
    hits = Search(KbIndex.open(demo)).search("kafka certificate", 20)
    complete = [h.complete for h in hits]
    assert complete == sorted(complete, reverse=True) and not all(complete)


def test_an_edited_file_is_never_served_stale(demo: Path) -> None:
    """A long-running reader refreshes before each request and finds the new words."""
    kb = KbIndex.open(demo)
    found = Search(kb)
    assert found.search("quasar") == []
    path = next(p for p in store.scan(demo) if "tls-certificate" in p.name)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Internal Gateway", b"Quasar Gateway"))
    kb.refresh()
    assert [h.summary.title for h in found.search("quasar")] == [
        "Quasar Gateway TLS Certificate Expired Unnoticed"]
    path.unlink()
    kb.refresh()
    assert found.search("quasar") == []


def test_without_fts5_the_in_process_index_answers(
    demo: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kbdb, "HAS_FTS5", False)
    kb = KbIndex.open(demo)
    assert not kb.fts
    conn = kb.conn
    assert conn is not None
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    assert "fts" not in tables and "rows" in tables
    hits = Search(kb).search("connection pool", 5)
    assert hits and "Pool" in hits[0].summary.title
    related = Suggestions(Search(kb)).related(new_entry(title="disk alert on kafka"), 3)
    assert related and related[0].record.title.startswith("Kafka Broker Disk Alert")


def test_follow_ups_and_links_come_from_the_index(demo: Path) -> None:
    from opswizard.core import kbrows
    from opswizard.core.links import LinkGraph

    kb = KbIndex.open(demo)
    good, _ = store.load_all(demo)
    expected = sorted((str(item.path.relative_to(demo)), a.text, a.owner)
                      for item in good for a in item.entry.follow_up_actions.items
                      if not a.raw)
    found = kbrows.all_followups(kb)
    assert sorted((f.key, f.action.text, f.action.owner) for f in found) == expected
    graph = LinkGraph(demo, [(item.path, item.entry) for item in good])
    for item in good:
        key = item.path.relative_to(demo).as_posix()
        incoming = sorted(p.relative_to(demo).as_posix() for p in graph.incoming(item.path))
        assert sorted({link.source for link in kbrows.links_to(kb, key)}) == incoming
        outgoing = [link.target for link in kbrows.links_from(kb, key) if link.exists]
        assert outgoing == [link.path.relative_to(demo).as_posix()
                            for link in graph.outgoing(item.path) if link.exists]
