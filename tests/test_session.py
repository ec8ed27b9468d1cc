"""The core editing session, without Textual: every save outcome, moves, links, journal, lock."""

from __future__ import annotations

import json
import os
import shutil
import socket
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opswizard.core import journal, store
from opswizard.core.model import Item
from opswizard.core.outcomes import Conflict, NeedsFinalReason, Refused, Saved, Unchanged
from opswizard.core.parse import parse_bytes
from opswizard.core.session import EditSession

from .conftest import FIXTURES, SEED, another_live_opswizard

PASSING = (FIXTURES / "kb/issues/kafka/ops-learning-2025-09-03-22-47-00-issue-kafka-broker-"
           "disk-full-caused-under-replicated-partitions.md")


def put(kb: Path, source: Path, relative: str | None = None) -> Path:
    """Copy a fixture into the knowledge base (at `relative`, else its own name)."""
    target = kb / (relative or source.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def draft(kb: Path, title: str = "Queue stalled after failover", service: str = "") -> Path:
    """A draft saved through a session, at its conventional place."""
    session = EditSession.new(kb, title=title, category="issue", date="2026-03-01T10:00:00Z")
    if service:
        session.entry.set("related_services", service)
    outcome = session.save()
    assert isinstance(outcome, Saved)
    return outcome.path


def entries(kb: Path) -> list[str]:
    return sorted(str(p.relative_to(kb)) for p in kb.rglob("*.md"))


# -- outcomes ------------------------------------------------------------------------------
def test_a_new_entry_is_saved_at_its_conventional_path(kb: Path) -> None:
    session = EditSession.new(kb, title="Disk filled on the build cache",
                              category="maintenance", date="2026-02-03T04:05:06Z")
    outcome = session.save()
    assert isinstance(outcome, Saved)
    assert outcome.path == kb / ("procedures/maintenance/ops-learning-2026-02-03-04-05-06-"
                                 "maintenance-disk-filled-on-the-build-cache.md")
    assert parse_bytes(outcome.path.read_bytes()).entry.title == "Disk filled on the build cache"
    assert outcome.moved_from is None and session.path == outcome.path
    assert not session.dirty()


def test_a_new_entry_never_overwrites_a_taken_name(kb: Path) -> None:
    first = draft(kb)
    second = draft(kb)
    assert second != first and second.name.endswith("-2.md")


def test_saving_without_edits_is_unchanged_and_byte_identical(kb: Path) -> None:
    path = put(kb, SEED / "example2-performance.md")
    before = path.read_bytes()
    session = EditSession.open(kb, path)
    outcome = session.save()
    assert outcome == Unchanged(path)
    assert path.read_bytes() == before


def test_final_with_a_failing_checklist_needs_a_reason_then_records_it(kb: Path) -> None:
    path = draft(kb)
    session = EditSession.open(kb, path)
    before = path.read_bytes()
    outcome = session.save(final=True)
    assert isinstance(outcome, NeedsFinalReason)
    assert outcome.failing and all(not item.passed for item in outcome.failing)
    assert path.read_bytes() == before  # nothing written while asking
    outcome = session.save(final=True, reason="reviewed in the incident call")
    assert isinstance(outcome, Saved)
    saved = parse_bytes(path.read_bytes()).entry
    assert saved.status == "final"
    assert saved.checklist_override == "reviewed in the incident call"


def test_final_with_a_passing_checklist_needs_no_reason(kb: Path) -> None:
    path = put(kb, PASSING, "issues/kafka/" + PASSING.name)
    session = EditSession.open(kb, path)
    session.entry.set("impact", "Producers retried for ten minutes")
    outcome = session.save(final=True)
    assert isinstance(outcome, Saved) and outcome.path == path


def test_a_file_changed_on_disk_is_a_conflict_with_both_texts(kb: Path) -> None:
    path = draft(kb)
    session = EditSession.open(kb, path)
    session.entry.set("impact", "ours")
    theirs = path.read_text().replace("Queue stalled", "Queue stalled (edited elsewhere)")
    path.write_text(theirs)
    outcome = session.save()
    assert isinstance(outcome, Conflict)
    assert outcome.how == "changed" and outcome.path == path
    assert outcome.disk_text == theirs
    assert "ours" in outcome.our_text
    assert path.read_text() == theirs  # nothing written
    copy = session.save_copy()
    assert isinstance(copy, Saved) and copy.path != path
    assert path.read_text() == theirs
    assert "ours" in copy.path.read_text()


def test_overwrite_after_a_conflict_writes_ours(kb: Path) -> None:
    path = draft(kb)
    session = EditSession.open(kb, path)
    session.entry.set("impact", "ours")
    path.write_text(path.read_text() + "\n")
    assert isinstance(session.save(), Conflict)
    assert isinstance(session.save(overwrite=True), Saved)
    assert "ours" in path.read_text()


def test_a_file_deleted_while_open_is_a_conflict_and_never_brought_back(kb: Path) -> None:
    path = draft(kb)
    session = EditSession.open(kb, path)
    session.entry.set("impact", "ours")
    path.unlink()
    outcome = session.save()
    assert isinstance(outcome, Conflict) and outcome.how == "deleted"
    assert outcome.disk_text == ""
    assert not path.exists()


def test_a_file_with_merge_markers_is_read_only_and_refused(kb: Path) -> None:
    path = kb / "merge.md"
    text = (SEED / "example1-service-issue.md").read_text()
    path.write_text(text.replace("### Context", "<<<<<<< HEAD\n### Context", 1))
    before = path.read_bytes()
    session = EditSession.open(kb, path)
    assert session.read_only_reason
    session.entry.set("impact", "ours")
    outcome = session.save()
    assert isinstance(outcome, Refused) and outcome.why == session.read_only_reason
    assert path.read_bytes() == before


def test_control_characters_open_read_only(kb: Path) -> None:
    path = kb / "controls.md"
    text = (SEED / "example1-service-issue.md").read_text()
    path.write_text(text.replace("Memory Service Connection", "Memory \x1b]52;c;x\x07 Service", 1))
    session = EditSession.open(kb, path)
    assert "control characters" in session.read_only_reason
    assert "\x1b" not in session.entry.title
    assert isinstance(session.save(), Refused)


def test_saving_through_a_symlink_is_refused(kb: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    shutil.copyfile(SEED / "example1-service-issue.md", outside)
    link = kb / "link.md"
    link.symlink_to(outside)
    session = EditSession(kb, parse_bytes(outside.read_bytes()).entry, link)
    session.entry.set("impact", "ours")
    outcome = session.save(overwrite=True)
    assert isinstance(outcome, Refused)
    assert outside.read_bytes() == (SEED / "example1-service-issue.md").read_bytes()


def test_a_write_error_is_refused_and_keeps_the_text(
        kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    path = draft(kb)
    before = path.read_bytes()
    session = EditSession.open(kb, path)
    session.entry.set("impact", "ours")

    def disk_full(*args: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "_write_temp", disk_full)
    outcome = session.save()
    assert isinstance(outcome, Refused) and "No space left" in outcome.why
    assert session.dirty() and path.read_bytes() == before


# -- path follows content (issue 11.9) --------------------------------------------------------
def test_a_draft_whose_title_changed_moves_to_its_new_name(kb: Path) -> None:
    path = draft(kb, service="billing")
    session = EditSession.open(kb, path)
    session.entry.set("title", "Ledger writes stalled after failover")
    assert session.moves_on_save() is not None
    outcome = session.save()
    assert isinstance(outcome, Saved) and outcome.moved_from == path
    assert outcome.path.name.endswith("-issue-ledger-writes-stalled-after-failover.md")
    assert not path.exists()
    assert entries(kb) == [str(outcome.path.relative_to(kb))]


def test_a_draft_saved_before_its_service_moves_when_the_service_is_added(kb: Path) -> None:
    path = draft(kb)
    assert path.parent == kb / "issues/general"
    session = EditSession.open(kb, path)
    session.entry.set("related_services", "checkout-api, postgres")
    outcome = session.save()
    assert isinstance(outcome, Saved)
    assert outcome.path.parent == kb / "issues/checkout-api"
    assert not (kb / "issues/general").exists()  # the emptied folder goes too


def test_a_final_entry_moves_only_when_confirmed(kb: Path) -> None:
    path = put(kb, PASSING, "issues/kafka/" + PASSING.name)
    session = EditSession.open(kb, path)
    session.entry.set("title", "Kafka broker disk full")
    outcome = session.save(final=True)
    assert isinstance(outcome, Saved)
    assert outcome.path == path and outcome.moved_from is None
    assert outcome.move_offered is not None
    assert outcome.move_offered.name.endswith("-issue-kafka-broker-disk-full.md")
    assert session.planned_move() == outcome.move_offered  # still offered by the review
    moved = session.save(final=True, confirm_move=True)
    assert isinstance(moved, Saved) and moved.moved_from == path
    assert moved.path == outcome.move_offered and not path.exists()
    assert session.planned_move() is None


def test_ticking_a_follow_up_never_moves_a_file(kb: Path) -> None:
    path = put(kb, SEED / "example1-service-issue.md", "notes/pool.md")  # not our name
    session = EditSession.open(kb, path)
    actions = session.entry.section("follow_up_actions").items
    assert actions
    actions[0].done = not actions[0].done
    outcome = session.save()
    assert isinstance(outcome, Saved) and outcome.path == path and outcome.moved_from is None
    assert entries(kb) == ["notes/pool.md"]


def test_adding_a_backlink_never_moves_a_file(kb: Path) -> None:
    from opswizard.core.backlinks import add_backlink

    target = put(kb, SEED / "example1-service-issue.md", "notes/pool.md")
    source = draft(kb)
    assert add_backlink(kb, source, "Queue stalled after failover", target).changed
    assert target.exists() and "Queue stalled after failover" in target.read_text()


def test_redacting_swaps_the_secret_and_keeps_the_rest_of_the_line(kb: Path) -> None:
    session = EditSession.new(kb, title="Deploy key leaked into the runbook")
    session.entry.set("symptoms", "The deploy used AKIAZ7Q3X5MEWT2LRV4N from the old runbook")
    done = session.redact_secrets()
    assert [f.kind for f in done] and "AKIAZ7Q3X5MEWT2LRV4N" not in session.text()
    symptoms = session.entry.get("symptoms")
    assert symptoms.startswith("The deploy used <redacted:") and symptoms.endswith("old runbook")
    assert session.redact_secrets() == []  # nothing left: the entry is left as it is


def test_backlinks_named_only_for_readable_entries_that_lack_one(kb: Path) -> None:
    from opswizard.core.backlinks import add_backlink, lacks_backlink, linked_files

    target = put(kb, SEED / "example1-service-issue.md", "notes/pool.md")
    source = draft(kb)
    session = EditSession.open(kb, source)
    session.entry.section("related_issues").items.append(
        Item(text=session.link_to(type("R", (), {"path": target, "title": "Pool"})())))
    assert linked_files(kb, session.entry, source) == {target}
    assert lacks_backlink(kb, source, target) == parse_bytes(target.read_bytes()).entry.title
    add_backlink(kb, source, "Queue stalled after failover", target)
    assert lacks_backlink(kb, source, target) is None
    assert lacks_backlink(kb, source, kb / "notes/missing.md") is None


def test_a_move_follows_the_conflict_rules(kb: Path) -> None:
    path = draft(kb)
    session = EditSession.open(kb, path)
    session.entry.set("title", "Another title entirely")
    changed = path.read_text() + "\nedited elsewhere\n"
    path.write_text(changed)
    outcome = session.save()
    assert isinstance(outcome, Conflict) and outcome.path == path
    assert entries(kb) == [str(path.relative_to(kb))]  # no new file, old one untouched
    assert path.read_text() == changed


def test_store_publish_moved_takes_the_new_file_back_if_the_old_one_changed(
        kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = draft(kb)
    real_publish = store.publish

    def publish_then_edit(root: Path, relative: Path, data: bytes) -> Path:
        written = real_publish(root, relative, data)
        path.write_text("changed while the new file was written\n")
        return written

    monkeypatch.setattr(store, "publish", publish_then_edit)
    with pytest.raises(store.ConflictError):
        store.publish_moved(kb, path, Path("issues/general/new-name.md"), b"new",
                            store.digest(path.read_bytes()))
    assert entries(kb) == [str(path.relative_to(kb))]


def test_a_move_rewrites_links_both_ways(kb: Path) -> None:
    older = draft(kb, "Broker disk filled", service="kafka")
    newer_session = EditSession.new(kb, title="Consumers lagged", category="issue",
                                    date="2026-04-01T00:00:00Z")
    newer_session.entry.set("related_services", "orders")

    class Record:
        path, title = older, "Broker disk filled"

    newer_session.entry.section("related_issues").items = [
        Item(text=newer_session.link_to(Record))]
    newer = newer_session.save()
    assert isinstance(newer, Saved)
    from opswizard.core.backlinks import add_backlink

    add_backlink(kb, newer.path, "Consumers lagged", older)
    assert "../orders/" in older.read_text()
    # The older entry moves folder (its service changed): its own link and the link to it
    # from the newer entry both follow.
    session = EditSession.open(kb, older)
    session.entry.set("related_services", "kafka-connect")
    outcome = session.save()
    assert isinstance(outcome, Saved) and outcome.moved_from == older
    assert outcome.links_rewritten == (newer.path,)
    moved_text = outcome.path.read_text()
    assert f"(../orders/{newer.path.name})" in moved_text
    assert f"(../kafka-connect/{outcome.path.name})" in newer.path.read_text()
    from opswizard.core.backlinks import knowledge_base_one_way

    assert knowledge_base_one_way(kb) == []


def test_links_made_in_a_new_entry_follow_its_folder_before_the_first_save(kb: Path) -> None:
    older = draft(kb, "Broker disk filled", service="kafka")
    session = EditSession.new(kb, title="Consumers lagged", category="issue",
                              date="2026-04-01T00:00:00Z")

    class Record:
        path, title = older.relative_to(kb), "Broker disk filled"

    session.entry.section("related_issues").items = [Item(text=session.link_to(Record))]
    session.entry.set("category", "performance")  # the folder changes after linking
    outcome = session.save()
    assert isinstance(outcome, Saved) and session.relinked
    assert f"(../../issues/kafka/{older.name})" in outcome.path.read_text()


# -- the journal and undo (issue 11.5) -------------------------------------------------------
def test_the_journal_follows_the_text_and_goes_when_every_change_is_undone(kb: Path) -> None:
    path = draft(kb)
    session = EditSession.open(kb, path)
    original = session.entry.get("impact")
    session.entry.set("impact", "typed then undone")
    text = session.text()
    assert session.note(text)
    written = session.write_journal(text)
    assert written is not None and [j.file for j in journal.pending(kb)] == [written]
    session.entry.set("impact", original)
    assert not session.note()
    assert journal.pending(kb) == []
    assert session.write_journal(text) is None  # a write the undo overtook is skipped
    assert journal.pending(kb) == []


def test_recovery_takes_up_the_text_and_a_save_removes_the_journal(kb: Path) -> None:
    path = draft(kb)
    session = EditSession.open(kb, path)
    session.entry.set("impact", "journalled before a crash")
    assert session.flush_journal() is not None
    session.close()
    (pending,) = journal.pending(kb)
    recovered = EditSession.recover(kb, pending)
    assert recovered.entry.get("impact") == "journalled before a crash"
    assert recovered.dirty()
    assert isinstance(recovered.save(), Saved)
    assert journal.pending(kb) == []
    assert "journalled before a crash" in path.read_text()


def test_recovering_text_equal_to_the_file_offers_nothing_next_time(kb: Path) -> None:
    path = draft(kb)
    session = EditSession.open(kb, path)
    session.entry.set("impact", "x")
    session.flush_journal()
    (pending,) = journal.pending(kb)
    pending.text = path.read_text()  # as if every change had been undone before the crash
    recovered = EditSession.recover(kb, pending)
    assert not recovered.note()
    assert journal.pending(kb) == []


def test_recovery_of_a_file_changed_since_is_a_conflict(kb: Path) -> None:
    path = draft(kb)
    session = EditSession.open(kb, path)
    session.entry.set("impact", "ours")
    session.flush_journal()
    path.write_text(path.read_text() + "\nedited later\n")
    (pending,) = journal.pending(kb)
    outcome = EditSession.recover(kb, pending).save()
    assert isinstance(outcome, Conflict) and outcome.how == "changed"


def test_discard_removes_the_journal(kb: Path) -> None:
    session = EditSession.new(kb, title="Never saved")
    session.entry.set("impact", "something")
    assert session.flush_journal() is not None
    session.discard()
    assert journal.pending(kb) == []


# -- the edit lock ------------------------------------------------------------------------
def test_another_live_editor_is_named_and_our_lock_is_released(kb: Path) -> None:
    path = draft(kb)
    lock_file = journal._lock_file(path)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    # Another live opswizard (a lock whose process is gone or is not an opswizard is stale).
    other = another_live_opswizard()
    try:
        lock_file.write_text(json.dumps({"pid": other.pid, "host": socket.gethostname()}))
        session = EditSession.open(kb, path)
        assert session.other_editor is not None and session.other_editor["pid"] == other.pid
    finally:
        other.kill()
        other.wait()
    lock_file.unlink()
    with EditSession.open(kb, path) as mine:
        assert json.loads(lock_file.read_text())["pid"] == os.getpid()
        assert mine.other_editor is None
    assert not lock_file.exists()


def test_a_command_line_session_leaves_no_lock(kb: Path) -> None:
    with EditSession.new(kb, title="From a script") as session:
        outcome = session.save()
    assert isinstance(outcome, Saved)
    assert not journal._lock_file(outcome.path).exists()


FIELDS = ("impact", "trigger", "symptoms")


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from(FIELDS),
                                st.sampled_from(["", "pool ran dry", "pages fired"])),
                      max_size=8))
def test_property_a_journal_exists_exactly_while_the_text_is_unsaved(
        kb: Path, edits: list[tuple[str, str]]) -> None:
    root = kb / uuid.uuid4().hex
    root.mkdir()
    session = EditSession.open(root, draft(root), lock=False)
    original = {key: session.entry.get(key) for key in FIELDS}
    for key, value in [*edits, *original.items()]:  # the edits, then every one undone
        session.entry.set(key, value)
        text = session.text()
        session.note(text)
        session.write_journal(text)
        assert bool(journal.pending(root)) == session.dirty()
    assert journal.pending(root) == []
