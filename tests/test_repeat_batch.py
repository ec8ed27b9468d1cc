"""The batch pairing (`core/repeat_batch.py`) gives the same repeat pairs as the one search
entry by entry (`repeats.pair` through `search.Search.related`), and the same hits.

Three generated knowledge bases of a few hundred entries: the insights one (six problems,
dense: the search's cut at 100 hits falls inside the rows it scores exactly), the
insights one with the tags taken off every other entry (a query without tags weighs
words more: rows past the exactly scored ones can reach the minimum), the benchmark's
(`benchmarks/make_kb.py`: fourteen services, one to three per entry) and that one packed
into one year with tags or services taken off some entries. Each also with the search's
window and limit made small, so that its cuts fall everywhere."""

from __future__ import annotations

import importlib.util
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from opswizard.core import factcache, kbdb, repeat_batch, repeats, search
from opswizard.core.render import render_bytes
from opswizard.core.search import Search

from . import insights_kb

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "make_kb.py"


def _make_kb():  # the benchmark's generator, imported from its file
    spec = importlib.util.spec_from_file_location("bench_make_kb", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _insights(root: Path) -> None:
    insights_kb.make(root, n=300, seed=5)


def _untagged(root: Path) -> None:
    insights_kb.make(root, n=240, seed=8)
    for path in sorted(root.glob("*.md"))[::2]:
        path.write_text(re.sub(r"tags:\n(?:  - .*\n)+", "", path.read_text()))


def _bench(root: Path) -> None:
    _make_kb().write(root, 300, seed=3)


def _packed(root: Path) -> None:
    make_kb = _make_kb()
    rng = random.Random(9)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(320):
        entry = make_kb.make_entry(rng, start + timedelta(minutes=rng.randint(0, 365 * 24 * 60)))
        roll = rng.random()
        if roll < 0.3:
            entry.tags = []
        elif roll < 0.4:
            entry.set("related_services", "")
        elif roll < 0.45:
            entry.tags = []
            entry.set("related_services", "")
        (root / f"p{n:03d}.md").write_bytes(render_bytes(entry))


@pytest.fixture(scope="module", params=[_insights, _untagged, _bench, _packed],
                ids=["insights", "untagged", "benchmark", "packed"])
def kb(request, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("batch") / "kb"
    root.mkdir()
    request.param(root)
    facts = factcache.load(root, pairs=False, use_cache=False).by_key()
    index = kbdb.KbIndex.open(root)
    yield index, facts, {s.key: s for s in index.entries()}
    index.close()


SMALL = pytest.mark.parametrize("small", [False, True], ids=["as-is", "small-window"])


def _shrink(monkeypatch: pytest.MonkeyPatch, small: bool) -> None:
    """Small: 8 rows scored exactly per pass, 12 candidates: the cut at the limit and the
    end of the exactly scored rows fall everywhere in a few hundred entries."""
    if small:
        monkeypatch.setattr(search, "WINDOW", 8)
        monkeypatch.setattr(repeat_batch, "WINDOW", 8)
        monkeypatch.setattr(repeats, "CANDIDATES", 12)


@SMALL
def test_the_same_hits_as_the_one_search(kb, small, monkeypatch) -> None:
    index, facts, summaries = kb
    _shrink(monkeypatch, small)
    one, batch = Search(index), repeat_batch.BatchSearch(index)
    for summary in summaries.values():
        expected = one.related(summary, limit=repeats.CANDIDATES, min_score=0.0)
        got = batch.related(summary, limit=repeats.CANDIDATES, min_score=0.0)
        assert [(h.key, h.score, h.reason, h.complete, h.rid) for h in got] == [
            (h.key, h.score, h.reason, h.complete, h.rid) for h in expected], summary.key


@SMALL
def test_the_same_pairs_as_entry_by_entry(kb, small, monkeypatch) -> None:
    index, facts, summaries = kb
    _shrink(monkeypatch, small)
    one = Search(index)
    expected = {key: repeats.pair(facts[key], summaries[key], one, facts)
                for key in sorted(summaries)}
    ways = {"some": 0, "all": 0, "past the limit": 0}
    some, everything = repeat_batch.BatchSearch._some, repeat_batch.BatchSearch._all

    def counted_some(self, scoring, window, rest, room, only):
        found = some(self, scoring, window, rest, room, only)
        ways["past the limit" if room <= 0 else "some" if found is not None else "all"] += 1
        return found

    monkeypatch.setattr(repeat_batch.BatchSearch, "_some", counted_some)
    monkeypatch.setattr(repeat_batch.BatchSearch, "_all", everything)
    got = repeat_batch.pair_all(index, facts, summaries, summaries)
    assert got == expected
    paired = [key for key, pair in got.items() if pair is not None]
    assert 10 <= len(paired) < len(got)  # some repeats, not every entry
    assert all(got[key].key in facts for key in paired)
    assert ways["some"], ways
    if small:  # the whole pass was scored, or the pass fell past the limit
        assert ways["all"] or ways["past the limit"], ways


def test_insights_pairs_are_the_known_ones(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    given = insights_kb.make(root, n=120, seed=5)
    loaded = factcache.load(root)
    assert {f.key: f.repeat.key for f in loaded.entries if f.repeat} == insights_kb.repeats(given)


def test_a_changed_index_is_read_again(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    given = insights_kb.make(root, n=40, seed=2)
    index = kbdb.KbIndex.open(root)
    batch = repeat_batch.BatchSearch(index)
    first = index.entries()[0]
    before = batch.related(first, limit=10, min_score=0.0)
    assert before
    gone = root / before[0].key
    gone.unlink()
    index.refresh()
    after = batch.related(first, limit=10, min_score=0.0)
    assert before[0].key not in {h.key for h in after}
    assert [h.key for h in after] == [h.key for h in Search(index).related(
        first, limit=10, min_score=0.0)]
    assert len(given) == 40
    index.close()
