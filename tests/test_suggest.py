"""The knowledge index, the suggesters and `opswizard search`, over the fixture knowledge base
(tests/fixtures/kb, made by tests/fixtures/make_kb.py) and the seed's examples."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from opswizard.cli import main
from opswizard.core import store
from opswizard.core import suggest as sg
from opswizard.core.checklist import evaluate
from opswizard.core.index import (
    KnowledgeIndex,
    Record,
    make_record,
    record_from_dict,
    record_from_entry,
    terms,
)
from opswizard.core.links import related_issue_item, related_link
from opswizard.core.model import new_entry
from opswizard.core.parse import parse_bytes
from opswizard.core.render import render_bytes

from .conftest import FIXTURES, SEED

KB = FIXTURES / "kb"
POOL_TITLE = "Memory Service Connection Pool Exhaustion"


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    """The fixture knowledge base plus the seed's three examples."""
    good, bad = store.load_all(KB)
    seed, seed_bad = store.load_all(SEED)
    assert not bad and not seed_bad
    return KnowledgeIndex.from_loaded(good + seed)


@pytest.fixture
def full_kb(seeded_kb: Path) -> Path:
    """A knowledge base on disk: the seed imported, the fixture entries copied in."""
    shutil.copytree(KB, seeded_kb, dirs_exist_ok=True)
    return seeded_kb


def values(suggestions: list[sg.Suggestion]) -> list[str]:
    return [s.value for s in suggestions]


def titles(matches: list[sg.Match]) -> list[str]:
    return [m.record.title for m in matches]


# -- the fixture knowledge base ----------------------------------------------------------------
def test_fixture_kb_is_what_make_kb_writes(tmp_path: Path) -> None:
    """The committed fixtures are valid entries, byte-identical to a fresh generation."""
    from tests.fixtures import make_kb

    files = sorted(p.relative_to(KB) for p in KB.rglob("*.md"))
    fresh = sorted(p.relative_to(tmp_path / "kb") for p in make_kb.write(tmp_path / "kb"))
    assert files == fresh and len(files) == len(make_kb.ENTRIES) >= 8
    for name in files:
        data = (KB / name).read_bytes()
        assert data == (tmp_path / "kb" / name).read_bytes(), f"{name}: rerun make_kb.py"
        result = parse_bytes(data)
        assert not [f for f in result.findings if f.level == "error"], name
        assert render_bytes(result.entry) == data


# -- the index ---------------------------------------------------------------------------------
def test_index_records_and_counts(index: KnowledgeIndex) -> None:
    assert len(index) == 13
    dates = [r.date for r in index]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert index.tag_counts["latency"] == 5
    assert index.tag_counts["connection-pool"] == 2
    assert index.service_counts["memory-service"] == 3  # "Memory Service" and "memory-service"
    assert index.service_name("memory-service") == "Memory Service"
    assert index.owner_counts["dana"] == 4
    assert ("@dana", 4) in index.owners_used()
    record = next(r for r in index if r.title == POOL_TITLE)
    assert record.services == ("Memory Service", "Multi-Agent Orchestrator")
    assert record.symptoms == 'Connection timeouts, "Pool exhausted" errors'
    assert "pool exhausted" in record.text
    assert index.get(record.path) is record


def test_record_from_entry_collects_owners_once() -> None:
    from opswizard.core.model import Action

    entry = new_entry(title="T", symptoms="s", related_services="a, b")
    entry.tags = ["x"]
    entry.follow_up_actions.items = [
        Action(text="one", owner="@dana"), Action(text="two", owner="@dana"),
        Action(text="three", owner="@li"), Action(text="four"),
    ]
    record = record_from_entry(entry, "kb/x.md")
    assert record.owners == ("@dana", "@li")
    assert record.services == ("a", "b")
    assert record.tags == ("x",)


def test_record_round_trips_through_a_dict() -> None:
    record = make_record("a/b.md", title="T", tags=["x", "y"], services=["s"], owners=["@o"])
    assert record_from_dict(json.loads(json.dumps(record.to_dict()))) == record


def test_index_add_and_remove_bump_the_version(index: KnowledgeIndex) -> None:
    copy = KnowledgeIndex(index.records)
    before = copy.version
    copy.add(make_record("new.md", title="Brand New", tags=["quasar"], date="2030-01-01"))
    assert copy.version > before
    assert copy.records[0].path == "new.md"
    assert values(sg.Suggester(copy).tags("quas")) == ["quasar"]
    copy.remove("new.md")
    assert copy.get("new.md") is None
    assert sg.Suggester(copy).tags("quas") == []


def test_terms_stem_and_drop_stop_words() -> None:
    assert terms("The pool was EXHAUSTED; connection timeouts") == [
        "pool", "exhaust", "connect", "timeout"
    ]
    assert terms("exhaustion") == terms("exhausted")


# -- tags --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed", ["conn pool", "Conn Pool", "conn-pool", "conn_pool", "connection pool", "con"]
)
def test_conn_pool_finds_connection_pool_first(index: KnowledgeIndex, typed: str) -> None:
    assert values(sg.Suggester(index).tags(typed))[0] == "connection-pool"


def test_tags_rank_by_use_count_among_equal_matches(index: KnowledgeIndex) -> None:
    found = sg.Suggester(index).tags("")
    assert found[0].value == "latency" and found[0].count == 5
    assert values(sg.Suggester(index).tags("lat"))[0] == "latency"


def test_tags_forgive_typos_and_words_out_of_order(index: KnowledgeIndex) -> None:
    assert values(sg.Suggester(index).tags("kafak"))[0] == "kafka"
    assert values(sg.Suggester(index).tags("pool"))[0] == "connection-pool"
    assert values(sg.Suggester(index).tags("db time"))[0] == "db-timeout"


def test_tags_limit_and_nothing_for_nonsense(index: KnowledgeIndex) -> None:
    assert len(sg.Suggester(index).tags("", limit=3)) == 3
    assert sg.Suggester(index).tags("zzqx") == []


@pytest.mark.parametrize(
    ("new", "existing"),
    [
        ("conn-pool", "connection-pool"),
        ("Conn Pool", "connection-pool"),
        ("connectionpool", "connection-pool"),
        ("db-timeouts", "db-timeout"),
        ("latencies", "latency"),
        ("postgress", "postgres"),
        ("certificate", "certificates"),
    ],
)
def test_near_duplicate_tag_warns(index: KnowledgeIndex, new: str, existing: str) -> None:
    assert sg.Suggester(index).near_duplicate_tag(new) == existing


@pytest.mark.parametrize(
    "new", ["connection-pool", "Connection_Pool", "kafka", "brand-new-thing", "tls-cert", "p95"]
)
def test_no_near_duplicate(index: KnowledgeIndex, new: str) -> None:
    assert sg.Suggester(index).near_duplicate_tag(new) is None


# -- services and owners -----------------------------------------------------------------------
def test_services_suggested_by_usual_spelling_and_count(index: KnowledgeIndex) -> None:
    assert values(sg.Suggester(index).services("pg"))[0] == "pgbouncer"
    assert values(sg.Suggester(index).services("memory serv"))[0] == "Memory Service"
    assert values(sg.Suggester(index).services("memory_service"))[0] == "Memory Service"
    assert values(sg.Suggester(index).services("pay"))[0] == "payments-api"
    top = sg.Suggester(index).services("")
    assert (top[0].value, top[0].count) == ("payments-api", 4)


def test_owners_suggested(index: KnowledgeIndex) -> None:
    assert values(sg.Suggester(index).owners("@d")) == ["@dana"]
    assert values(sg.Suggester(index).owners("pri")) == ["@priya"]
    assert set(values(sg.Suggester(index).owners("")[:2])) == {"@dana", "@li"}


# -- related and similar -----------------------------------------------------------------------
def test_shared_service_and_symptoms_beat_a_shared_title_word() -> None:
    both = make_record(
        "a.md", title="Checkout Outage", services=["pgbouncer"],
        symptoms="clients waiting in cl_waiting, connection timeouts, pool exhausted",
        date="2025-01-01",
    )
    title_word = make_record(
        "b.md", title="PgBouncer Connection Pool Exhaustion Drill Outcome",
        services=["reporting"], symptoms="none, this was a drill", date="2025-06-01",
    )
    unrelated = make_record(
        "c.md", title="Kafka lag", services=["kafka"], symptoms="consumer lag", date="2025-07-01"
    )
    index = KnowledgeIndex([both, title_word, unrelated])
    draft = new_entry(
        title="Pool Exhaustion on pgbouncer", related_services="pgbouncer",
        symptoms="connection timeouts and clients waiting",
    )
    found = sg.Suggester(index).related(draft)
    assert titles(found)[:2] == ["Checkout Outage", "PgBouncer Connection Pool Exhaustion Drill "
                                 "Outcome"]
    assert found[0].score > found[1].score
    assert found[0].reason.startswith("same service: pgbouncer; similar symptoms")
    assert "Kafka lag" not in titles(found)


def test_related_over_the_fixture_kb(index: KnowledgeIndex) -> None:
    draft = new_entry(
        title="Checkout errors during import", related_services="pgbouncer, payments-api",
        symptoms="API requests timing out, clients waiting in cl_waiting",
        primary_cause="pool size too small for the batch workers",
    )
    draft.tags = ["connection-pool"]
    found = sg.Suggester(index).related(draft, limit=3)
    assert found[0].record.title == "PgBouncer Client Queue Saturation During Batch Import"
    assert "same services: pgbouncer, payments-api" in found[0].reason
    assert "similar symptoms" in found[0].reason
    assert "shared tag: connection-pool" in found[0].reason
    assert all(0 < m.score <= 100 for m in found)
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


def test_related_excludes_the_entry_itself(index: KnowledgeIndex) -> None:
    record = next(r for r in index if r.title == POOL_TITLE)
    found = sg.Suggester(index).related(record)
    assert POOL_TITLE not in titles(found)
    loaded = store.load(Path(record.path))
    found = sg.Suggester(index).related(loaded.entry, exclude_path=record.path)
    assert POOL_TITLE not in titles(found)
    assert found and "same services: Memory Service" in found[0].reason


def test_related_for_an_empty_draft_is_empty(index: KnowledgeIndex) -> None:
    assert sg.Suggester(index).related(new_entry()) == []


def test_similar_finds_a_recurrence(index: KnowledgeIndex) -> None:
    found = sg.Suggester(index).similar(
        "Kafka consumer lag", "lag growing on order events", ["kafka"]
    )
    assert found[0].record.title == "Kafka Consumer Lag on Order Events"
    assert found[0].reason.startswith("same service: kafka")


def test_similar_while_typing_a_partial_word(index: KnowledgeIndex) -> None:
    found = sg.Suggester(index).similar("Certificate exp")
    assert found[0].record.title == "Internal Gateway TLS Certificate Expired"


# -- search ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("pool exhausted timeouts", POOL_TITLE),
        ("certificate expired", "Internal Gateway TLS Certificate Expired"),
        ("consumer lagg", "Kafka Consumer Lag on Order Events"),  # a typo
        ("n+1 query pattern", "Memory Context Preparation Performance Optimization"),
        ("invalid threshold values", "Health Monitoring Configuration Validation"),
        ("autovacuum", "Postgres Autovacuum Blocked by Long-Running Transaction"),
        ("prepared statement", "PgBouncer Upgrade Broke Prepared Statements"),
    ],
)
def test_search_finds_the_right_entry(index: KnowledgeIndex, query: str, title: str) -> None:
    hits = sg.Suggester(index).search(query)
    assert hits[0][0].title == title
    assert isinstance(hits[0][0], Record) and 0 < hits[0][1] <= 100


def test_search_while_typing_prefixes(index: KnowledgeIndex) -> None:
    for typed in ("pool exh", "pool exhaus", "pgbounc"):
        assert sg.Suggester(index).search(typed), typed
    assert sg.Suggester(index).search("pool exh")[0][0].title == POOL_TITLE


def test_search_with_nothing_matching(index: KnowledgeIndex) -> None:
    assert sg.Suggester(index).search("qqqzzz") == []
    assert sg.Suggester(index).search("") == []


def test_search_and_related_in_other_scripts() -> None:
    german = make_record("de.md", title="Störung der Datenbank", symptoms="Verbindungsfehler")
    chinese = make_record("zh.md", title="数据库 超时", symptoms="连接池 耗尽")
    index = KnowledgeIndex([german, chinese])
    assert sg.Suggester(index).search("störung")[0][0].path == "de.md"
    assert sg.Suggester(index).search("连接池")[0][0].path == "zh.md"
    assert titles(sg.Suggester(index).similar("数据库 超时"))[0] == "数据库 超时"


def test_an_empty_knowledge_base_suggests_nothing() -> None:
    index = KnowledgeIndex([])
    assert sg.Suggester(index).tags("") == [] and sg.Suggester(index).tags("conn") == []
    assert sg.Suggester(index).services("pg") == [] and sg.Suggester(index).owners("@") == []
    assert sg.Suggester(index).near_duplicate_tag("conn-pool") is None
    assert sg.Suggester(index).search("pool") == []
    assert sg.Suggester(index).related(new_entry(title="Pool", related_services="pgbouncer")) == []


# -- related issue links -----------------------------------------------------------------------
def test_related_issue_item_is_a_relative_link_the_checklist_accepts(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    target = make_record(
        root / "issues/memory-service/ops-learning-2025-07-09-14-30-00-issue-x.md",
        title="Memory Service Connection Pool Exhaustion",
    )
    new_file = root / "issues/pgbouncer/ops-learning-2025-08-01-00-00-00-issue-y.md"
    item = related_issue_item(new_file, target)
    assert item.label is None
    assert item.text == (
        "[Memory Service Connection Pool Exhaustion]"
        "(../memory-service/ops-learning-2025-07-09-14-30-00-issue-x.md)"
    )
    entry = new_entry(title="y")
    entry.related_issues.items.append(item)
    related = next(i for i in evaluate(entry).items if i.key == "related")
    assert related.passed
    # the line survives a save and a read
    again = parse_bytes(render_bytes(entry)).entry
    assert again.related_issues.items[0].text == item.text


def test_related_link_escapes_what_would_break_it(tmp_path: Path) -> None:
    relative = make_record("procedures/my notes (old).md", title="A [draft]\nentry")
    link = related_link(tmp_path / "kb/issues/x/new.md", relative, root=tmp_path / "kb")
    assert link == "[A (draft) entry](../../procedures/my%20notes%20%28old%29.md)"


# -- opswizard search --------------------------------------------------------------------------
def test_cli_search_finds_the_seed_entry_from_symptom_words(full_kb: Path) -> None:
    result = CliRunner().invoke(main, ["search", "pool exhausted timeouts", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    first = data["entries"][0]
    assert first["title"] == POOL_TITLE
    assert first["path"].startswith("issues/memory-service/ops-learning-2025-07-09-14-30-00-")
    assert set(first) >= {"title", "path", "score", "date", "category", "severity", "tags",
                          "reason"}
    assert first["category"] == "issue" and first["severity"] == "HIGH"
    assert "symptoms" in first["reason"]
    assert len(data["entries"]) <= 10


def test_cli_search_text_output_and_limit(full_kb: Path) -> None:
    result = CliRunner().invoke(main, ["search", "kafka", "--limit", "1", "--kb", str(full_kb)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 1
    assert "Kafka" in lines[0] and lines[0].rstrip().endswith(")")


def test_cli_search_unquoted_words(full_kb: Path) -> None:
    result = CliRunner().invoke(main, ["search", "prepared", "statement"])
    assert result.exit_code == 0
    assert "PgBouncer Upgrade Broke Prepared Statements" in result.output.splitlines()[0]


def test_cli_search_no_hits_exits_1(full_kb: Path) -> None:
    result = CliRunner().invoke(main, ["search", "qqqzzz", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["entries"] == []


def test_cli_search_neutralises_control_characters(kb: Path) -> None:
    entry = new_entry(title="Evil \x1b]0;pwned\x07 title", symptoms="pool exhausted")
    store.save_new(kb, entry)
    result = CliRunner().invoke(main, ["search", "pool"])
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output
    result = CliRunner().invoke(main, ["search", "pool", "--json"])
    assert "\x1b" not in result.output


def test_cli_search_reports_unreadable_files(full_kb: Path) -> None:
    (full_kb / "broken.md").write_bytes(b"\xff\xfe not markdown at all \x00")
    result = CliRunner().invoke(main, ["search", "kafka"])
    assert result.exit_code == 0
    assert "broken.md" in result.stderr


def test_suggest_imports_no_textual() -> None:
    code = "import sys, opswizard.core.suggest; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
