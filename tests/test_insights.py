"""The ledger, the stats and the repeat incidents over a generated knowledge base whose
answers the test works out itself from what each entry was given (tests/insights_kb.py)."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from opswizard.core import factcache, ledger, stats

from . import insights_kb

AS_OF = date(2025, 9, 1)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[insights_kb.Given]]:
    root = tmp_path_factory.mktemp("insights") / "kb"
    root.mkdir()
    return root, insights_kb.make(root, n=60)


def _facts(root: Path) -> factcache.FactSet:
    return factcache.load(root)


def by_hand_rank(values: list[int], p: int) -> int | None:
    if not values:
        return None
    values = sorted(values)
    return values[math.ceil(p * len(values) / 100) - 1]


def test_ledger_counts_match_the_generated_follow_ups(generated) -> None:
    root, given = generated
    facts = _facts(root)
    everything = [f for g in given for f in g.follow_ups]
    found = ledger.items(facts.entries, ledger.LedgerFilter(state="all"), AS_OF)
    counts = ledger.counts(found, AS_OF)
    assert counts.open == sum(not done for _, done, _, _ in everything)
    assert counts.done == sum(done for _, done, _, _ in everything)
    overdue = {t for t, done, _, due in everything
               if not done and due and date.fromisoformat(due) < AS_OF}
    assert overdue  # the generator must give the test something to find
    assert counts.overdue == len(overdue)
    only = ledger.items(facts.entries, ledger.LedgerFilter(state="open", overdue=True), AS_OF)
    assert {i.follow_up.text for i in only} == overdue
    assert counts.no_owner == sum(not owner for _, _, owner, _ in everything)
    assert counts.no_deadline == sum(not due for _, _, _, due in everything)


def test_ledger_by_owner_and_order(generated) -> None:
    root, given = generated
    facts = _facts(root)
    everything = [f for g in given for f in g.follow_ups]
    for owner in ("@ana", "bo"):  # `bo` and `@bo` are one owner
        mine = ledger.items(facts.entries, ledger.LedgerFilter(owner=owner), AS_OF)
        assert {i.follow_up.text for i in mine} == {
            t for t, done, o, _ in everything if not done and o.lstrip("@") == owner.lstrip("@")}
    found = ledger.items(facts.entries, ledger.LedgerFilter(state="all"), AS_OF)
    dues = [i.follow_up.deadline for i in found]
    dated = [d for d in dues if d]
    assert dated == sorted(dated) and dues[:len(dated)] == dated  # soonest first, none last
    groups = dict(ledger.group(found, "owner"))
    assert len(groups["(no owner)"]) == sum(not o for _, _, o, _ in everything)


def test_due_within_and_severity_filters(generated) -> None:
    root, given = generated
    facts = _facts(root)
    soon = ledger.items(facts.entries, ledger.LedgerFilter(due_within=30), AS_OF)
    expected = {t for g in given for t, done, _, due in g.follow_ups
                if not done and due and date.fromisoformat(due) <= AS_OF + timedelta(days=30)}
    assert {i.follow_up.text for i in soon} == expected
    high = ledger.items(facts.entries, ledger.LedgerFilter(severity="high", state="all"), AS_OF)
    assert {i.follow_up.text for i in high} == {
        t for g in given if g.severity == "HIGH" for t, *_ in g.follow_ups}


def test_counts_per_period_match(generated) -> None:
    root, given = generated
    figures = stats.compute(_facts(root).entries, by="month", today=AS_OF)
    months = Counter(g.when.strftime("%Y-%m") for g in given)
    assert {p: sum(c.values()) for p, c in figures["by_severity"].items() if c} == dict(months)
    severity = Counter((g.when.strftime("%Y-%m"), g.severity) for g in given)
    for (month, sev), n in severity.items():
        assert figures["by_severity"][month][sev] == n
    quarters = stats.compute(_facts(root).entries, by="quarter", today=AS_OF)
    by_q = Counter(f"{g.when.year}-Q{(g.when.month - 1) // 3 + 1}" for g in given)
    assert {p: sum(c.values()) for p, c in quarters["by_category"].items()} == dict(by_q)
    assert figures["entries"] == len(given)


def test_median_and_p90_match_with_missing_and_left_out_counted_apart(generated) -> None:
    root, given = generated
    figures = stats.compute(_facts(root).entries, today=AS_OF)
    for which in ("ttd", "ttr"):
        values = [getattr(g, which) for g in given if getattr(g, which) is not None]
        bad = sum(getattr(g, f"{which}_bad") for g in given)
        fig = figures[which]["all"]
        assert fig["n"] == len(values)
        assert fig["median"] == by_hand_rank(values, 50)
        assert fig["p90"] == by_hand_rank(values, 90)
        assert fig["left_out"] == bad
        assert fig["missing"] == len(given) - len(values) - bad
        for sev in {g.severity for g in given}:
            mine = [getattr(g, which) for g in given
                    if g.severity == sev and getattr(g, which) is not None]
            assert figures[which]["by_severity"][sev]["p90"] == by_hand_rank(mine, 90)
    assert figures["ttd"]["all"]["missing"] > 0 and figures["ttd"]["all"]["left_out"] > 0


def test_repeats_match_and_name_the_pair(generated) -> None:
    root, given = generated
    figures = stats.compute(_facts(root).entries, today=AS_OF)
    expected = insights_kb.repeats(given)
    assert expected and len(expected) < len(given)
    assert {r["entry"]: r["earlier"] for r in figures["repeats"]} == expected


def test_since_until_keep_only_entries_in_range(generated) -> None:
    root, given = generated
    since, until = date(2025, 3, 1), date(2025, 6, 30)
    figures = stats.compute(_facts(root).entries, since, until, today=AS_OF)
    assert figures["entries"] == sum(since <= g.when.date() <= until for g in given)
    assert figures["periods"] == ["2025-03", "2025-04", "2025-05", "2025-06"]


def test_nearest_rank() -> None:
    assert stats.nearest_rank([], 50) is None
    assert stats.nearest_rank([7], 90) == 7
    assert stats.nearest_rank([15, 20, 35, 40, 50], 50) == 35
    assert stats.nearest_rank(list(range(1, 11)), 90) == 9
    assert stats.nearest_rank(list(range(1, 11)), 91) == 10


def test_pairs_are_kept_and_only_a_change_is_searched_again(generated, tmp_path) -> None:
    root, given = generated
    copy = tmp_path / "kb"
    copy.mkdir()
    for g in given:
        (copy / g.name).write_bytes((root / g.name).read_bytes())
    first = factcache.load(copy)
    assert first.paired == len(given)
    again = factcache.load(copy)
    assert again.parsed == 0 and again.paired == 0
    assert [f.repeat for f in again.entries] == [f.repeat for f in first.entries]
    last = given[-1].name  # edit the newest entry: it alone (and nothing later) moves
    path = copy / last
    path.write_bytes(path.read_bytes().replace(b"some requests failed", b"all requests failed"))
    changed = factcache.load(copy)
    assert changed.parsed == 1 and changed.paired == 1
    (copy / given[0].name).unlink()
    gone = factcache.load(copy)
    assert given[0].name not in {f.repeat.key for f in gone.entries if f.repeat}


def test_ledger_load_leaves_pairs_for_later(generated, tmp_path) -> None:
    root, given = generated
    copy = tmp_path / "kb"
    copy.mkdir()
    for g in given[:20]:
        (copy / g.name).write_bytes((root / g.name).read_bytes())
    assert factcache.load(copy, pairs=False).paired == 0
    later = factcache.load(copy)
    assert later.paired == 20 and later.parsed == 0
    expected = insights_kb.repeats(given[:20])
    assert {f.key: f.repeat.key for f in later.entries if f.repeat} == expected


def test_a_warm_load_reads_no_entry_file_and_a_change_is_seen(generated, tmp_path,
                                                               monkeypatch) -> None:
    import os

    from opswizard.core import kbindex, store

    root, given = generated
    copy = tmp_path / "kb"
    copy.mkdir()
    for g in given[:10]:
        (copy / g.name).write_bytes((root / g.name).read_bytes())
    (copy / "broken.md").write_bytes(b"\x00binary")
    old = 1_600_000_000_000_000_000  # stamps older than the racy interval
    for path in copy.iterdir():
        os.utime(path, ns=(old, old))
    first = factcache.load(copy)
    assert [p.name for p, _ in first.bad] == ["broken.md"]

    def no_reads(*args, **kwargs):
        raise AssertionError("a warm load read the index or a file")

    with monkeypatch.context() as patch:
        patch.setattr(kbindex, "load", no_reads)
        patch.setattr(store, "read_bytes", no_reads)
        warm = factcache.load(copy)
    assert [f.key for f in warm.entries] == [f.key for f in first.entries]
    assert [f.repeat for f in warm.entries] == [f.repeat for f in first.entries]
    assert [p.name for p, _ in warm.bad] == ["broken.md"]
    edited = next(g for g in given[:10] if g.follow_ups)
    number = edited.follow_ups[0][0].split()[1].split(".")[0]
    path = copy / edited.name
    path.write_bytes(path.read_bytes().replace(f"Follow-up {number}.".encode(),
                                               b"Follow-up three."))
    os.utime(path, ns=(old + 10**9, old + 10**9))
    seen = factcache.load(copy)
    assert seen.parsed == 1
    assert any(f.text.startswith("Follow-up three.") for e in seen.entries
               for f in e.follow_ups)
