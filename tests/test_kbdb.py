"""The index (`core/kbdb.py`, SQLite, read through `kbindex.load`): warm starts parse
nothing unchanged, changes are picked up, a bad database is ignored and rebuilt, and what
is built from it is what the knowledge base read file by file gives. No timings here:
see benchmarks/run.py."""

from __future__ import annotations

import json
import os
import pty
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from opswizard.core import bulkparse, catalog, fastsummary, kbdb, kbindex, kbscan, parse, store
from opswizard.core.index import KnowledgeIndex
from opswizard.core.model import new_entry
from opswizard.core.summary import Summary
from opswizard.core.views import summary

from .index_helpers import OLD_NS, aged_copy

FIXTURES = Path(__file__).parent / "fixtures"
BROWSE_KB = FIXTURES / "browse_kb"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return aged_copy(tmp_path / "kb")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many files get parsed (the list's length): read for their summary by the summary
    reader, or parsed fully (where that reader declines, or by `store.load`)."""
    calls: list[int] = []
    real, real_fast = parse.parse_bytes, fastsummary.read

    def counting(data: bytes) -> parse.ParseResult:
        calls.append(len(data))
        return real(data)

    def counting_fast(key: str, data: bytes, path: Path | None = None) -> Summary | None:
        found = real_fast(key, data, path)
        if found is not None:  # else the full parser is called and counted
            calls.append(len(data))
        return found

    monkeypatch.setattr(parse, "parse_bytes", counting)  # store.load imports it when called
    monkeypatch.setattr(fastsummary, "read", counting_fast)  # so does summary.summarize
    return calls


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Which files get read."""
    calls: list[Path] = []
    real = store.read_bytes

    def counting(path: Path) -> bytes:
        calls.append(Path(path))
        return real(path)

    monkeypatch.setattr(store, "read_bytes", counting)
    return calls


def n_files(root: Path) -> int:
    return len(list(store.scan(root)))


# -- where -----------------------------------------------------------------------------------
def test_the_cache_lives_in_the_user_cache_folder_not_in_the_tree(
    kb: Path, state_dirs: Path,
) -> None:
    before = sorted(p.relative_to(kb) for p in kb.rglob("*"))
    snapshot = kbindex.load(kb)
    assert snapshot.stats.written
    path = kbdb.database_file(kb)
    assert path is not None and path.is_file()
    assert path.is_relative_to(state_dirs / "cache" / "opswizard" / "index")
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.relative_to(kb) for p in kb.rglob("*")) == before
    assert kbdb.database_file(kb / "." / "issues" / "..") == path  # one per resolved root


def test_two_knowledge_bases_have_two_caches(kb: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(BROWSE_KB, other)
    kbindex.load(kb)
    kbindex.load(other)
    assert kbdb.database_file(kb) != kbdb.database_file(other)


# -- warm starts -----------------------------------------------------------------------------
def test_a_warm_start_reads_and_parses_nothing(
    kb: Path, lister: str, parses: list[int], reads: list[Path],
) -> None:
    cold = kbindex.load(kb)
    assert cold.stats.parsed == len(parses) == n_files(kb) == 8
    parses.clear()
    reads.clear()
    warm = kbindex.load(kb)
    assert parses == [] and reads == []
    assert warm.stats.reused == 8 and warm.stats.cache == "ok" and not warm.stats.written
    assert warm.entries == cold.entries and warm.bad == cold.bad


def test_a_quiet_warm_start_makes_no_object_per_file(
    kb: Path, monkeypatch: pytest.MonkeyPatch, parses: list[int],
) -> None:
    """Nothing changed: one `find` listing, hashed as it came; no file walked in Python,
    the listing not split into files."""
    if kbscan.listing(kb) is None:
        pytest.skip("no GNU find here")
    kbindex.load(kb)
    parses.clear()

    def refused(*args: object) -> None:
        raise AssertionError("a quiet warm start needs no file list")

    monkeypatch.setattr(kbscan, "walk", refused)
    monkeypatch.setattr(kbscan.Listing, "found", refused)
    warm = kbindex.load(kb)
    assert warm.stats.reused == warm.stats.files == 8 and not warm.stats.written
    assert parses == [] and len(warm.entries) + len(warm.bad) == 8


def test_switching_between_find_and_the_walk_parses_nothing(
    kb: Path, monkeypatch: pytest.MonkeyPatch, parses: list[int],
) -> None:
    """The two listings hash differently: a switch costs one comparison of every row,
    never a parse, and an edit made meanwhile is still seen."""
    if kbscan.listing(kb) is None:
        pytest.skip("no GNU find here")
    monkeypatch.setattr(kbscan, "_USE_FIND", False)
    kbindex.load(kb)
    monkeypatch.setattr(kbscan, "_USE_FIND", True)
    parses.clear()
    path = next(p for p in store.scan(kb) if "pool-exhaustion" in p.name)
    path.write_text(path.read_text().replace("Connection Pool Exhaustion", "Pool Drained"))
    snapshot = kbindex.load(kb)
    assert len(parses) == 1 and snapshot.stats.reused == 7
    assert "Memory Service Pool Drained" in [s.title for _, s in snapshot.entries]
    monkeypatch.setattr(kbscan, "_USE_FIND", False)
    parses.clear()
    again = kbindex.load(kb)  # the edited file was just written (racy): hashed again
    assert parses == [] and again.stats.reused + again.stats.rehashed == 8
    assert "Memory Service Pool Drained" in [s.title for _, s in again.entries]


def test_a_changed_file_is_read_again(kb: Path, lister: str, parses: list[int]) -> None:
    """An edit in place (the folder's mtime does not change) is read again."""
    kbindex.load(kb)
    path = next(p for p in store.scan(kb) if "pool-exhaustion" in p.name)
    path.write_text(path.read_text().replace("Connection Pool Exhaustion", "Pool Drained"))
    parses.clear()
    snapshot = kbindex.load(kb)
    assert len(parses) == 1 and snapshot.stats.parsed == 1 and snapshot.stats.reused == 7
    titles = [s.title for _, s in snapshot.entries]
    assert "Memory Service Pool Drained" in titles
    assert not any("Connection Pool Exhaustion" in t for t in titles)


def test_a_changed_file_of_the_same_size_and_mtime_is_caught_if_just_written(
    kb: Path, lister: str, parses: list[int],
) -> None:
    """A write landing in the same mtime tick as the read (racy): the row is stored with
    mtime 0, so the next start hashes the file again."""
    path = next(p for p in store.scan(kb) if "pool-exhaustion" in p.name)
    os.utime(path)  # just now
    kbindex.load(kb)
    info = path.stat()
    path.write_text(path.read_text().replace("Memory Service", "Memory Servicf"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # same size, same mtime
    parses.clear()
    snapshot = kbindex.load(kb)
    assert len(parses) == 1
    assert any("Servicf" in s.title for _, s in snapshot.entries)


def test_a_deleted_file_drops_out(kb: Path, lister: str) -> None:
    kbindex.load(kb)
    path = next(p for p in store.scan(kb) if "pool-exhaustion" in p.name)
    path.unlink()
    snapshot = kbindex.load(kb)
    assert str(path) not in [p for p, _ in snapshot.entries]
    assert snapshot.stats.written
    again = kbindex.load(kb)
    assert again.stats.cache == "ok" and len(again.entries) + len(again.bad) == 7
    assert str(path) not in [p for p, _ in again.entries]


def test_a_new_file_is_parsed_alone(kb: Path, lister: str, parses: list[int]) -> None:
    kbindex.load(kb)
    parses.clear()
    store.save_new(kb, new_entry(title="Arrived Later", category="recovery"))
    snapshot = kbindex.load(kb)
    assert len(parses) == 1
    assert "Arrived Later" in [s.title for _, s in snapshot.entries]


def test_touched_file_with_the_same_bytes_is_reused_by_its_hash(
    kb: Path, lister: str, parses: list[int], reads: list[Path],
) -> None:
    """A git checkout (or touch) changes mtimes, not content: read and hashed, not parsed."""
    kbindex.load(kb)
    parses.clear()
    reads.clear()
    for path in store.scan(kb):
        os.utime(path, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    snapshot = kbindex.load(kb)
    assert parses == [] and len(reads) == 8
    assert snapshot.stats.rehashed == 8 and snapshot.stats.written
    reads.clear()
    again = kbindex.load(kb)  # the new mtimes were stored
    assert reads == [] and again.stats.reused == 8


def test_a_file_that_cannot_be_read_is_reported_and_not_cached(kb: Path) -> None:
    fifo = kb / "issues" / "general" / "fifo.md"
    os.mkfifo(fifo)  # scan skips it: not a regular file
    big = kb / "issues" / "general" / "huge.md"
    big.write_bytes(b"x" * (parse.MAX_FILE_BYTES + 10))
    snapshot = kbindex.load(kb)
    errors = dict(snapshot.bad)
    assert "over the 1024 KiB limit" in errors[big]
    assert fifo not in errors


def test_the_unreadable_files_a_warm_index_reports_follow_the_files(kb: Path) -> None:
    """`bad()` (read through the `rows_bad` index) as files break and are mended: what a
    rebuild from scratch reports, by path."""
    index = kbdb.KbIndex.open(kb)
    assert [p.name for p, _ in index.bad()] == ["broken-frontmatter.md"]
    index.close()
    mended = kb / "issues" / "general" / "broken-frontmatter.md"
    mended.write_bytes(next(p for p in store.scan(kb) if "pool" in p.name).read_bytes())
    for name in ("b-broken.md", "a-broken.md"):
        (kb / "monitoring" / name).write_bytes(b"---\ntitle: [unclosed\n---\n")
    warm = kbdb.KbIndex.open(kb)
    assert warm.stats.parsed == 3
    reported = warm.bad()
    warm.close()
    assert [p.name for p, _ in reported] == ["a-broken.md", "b-broken.md"]
    kbdb.clear(kb)
    cold = kbdb.KbIndex.open(kb)
    assert cold.bad() == reported
    cold.close()


def test_progress_is_reported_while_parsing(kb: Path) -> None:
    calls: list[tuple[int, int]] = []
    kbindex.load(kb, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 8) and calls[-1] == (8, 8)
    calls.clear()
    kbindex.load(kb, progress=lambda done, total: calls.append((done, total)))
    assert calls == []  # nothing to parse, nothing to report


def test_a_pool_of_processes_gives_the_same_summaries(
    kb: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bulkparse, "CHUNK", 3)
    calls: list[tuple[int, int]] = []
    pooled = kbindex.load(kb, progress=lambda d, t: calls.append((d, t)), workers=2,
                          use_cache=False)
    single = kbindex.load(kb, workers=1, use_cache=False)
    assert pooled.entries == single.entries and pooled.bad == single.bad
    assert calls[-1] == (8, 8)


# -- a database not to trust -------------------------------------------------------------------
def _database(kb: Path) -> Path:
    kbindex.load(kb)
    path = kbdb.database_file(kb)
    assert path is not None
    return path


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


BAD_DATABASES = {
    "another schema": "UPDATE meta SET value = '99' WHERE name = 'schema'",
    "another opswizard": "UPDATE meta SET value = 'x' WHERE name = 'fingerprint'",
    "another root": "UPDATE meta SET value = '/elsewhere' WHERE name = 'root'",
    "no meta": "DROP TABLE meta",
    "no rows table": "DROP TABLE rows",
    "a row of the wrong type": "DROP TABLE rows; CREATE TABLE rows(id, key)",
}


@pytest.mark.parametrize("name", BAD_DATABASES)
def test_a_database_of_the_wrong_shape_is_ignored_and_rebuilt(kb: Path, name: str) -> None:
    path = _database(kb)
    fresh = kbindex.load(kb)
    _sql(path, *BAD_DATABASES[name].split("; "))
    snapshot = kbindex.load(kb)
    assert snapshot.stats.cache != "ok" and snapshot.stats.parsed == 8
    assert snapshot.entries == fresh.entries and snapshot.bad == fresh.bad
    assert kbindex.load(kb).stats.cache == "ok"
    assert kbdb.database_file(kb) != path and not path.exists()  # a new file, swapped in


@pytest.mark.parametrize("name", ["garbage", "empty", "truncated", "zeroed header"])
def test_a_corrupt_database_file_is_ignored_and_rebuilt(kb: Path, name: str) -> None:
    path = _database(kb)
    fresh = kbindex.load(kb)
    whole = path.read_bytes()
    data = {"garbage": b"not a database at all" * 100, "empty": b"",
            "truncated": whole[: len(whole) // 3], "zeroed header": b"\0" * 100 + whole[100:],
            }[name]
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(data)
    snapshot = kbindex.load(kb)
    assert snapshot.stats.parsed == 8
    assert snapshot.entries == fresh.entries and snapshot.bad == fresh.bad


def test_a_pointer_naming_another_file_is_not_followed(kb: Path, tmp_path: Path) -> None:
    _database(kb)
    for name in ("../../../etc/passwd", "/etc/passwd", "other.sqlite", "\x00"):
        kbdb.pointer_file(kb).write_text(name)
        snapshot = kbindex.load(kb)
        assert snapshot.stats.cache == "missing" and snapshot.stats.parsed == 8


def test_a_database_that_is_a_folder_is_rebuilt(kb: Path) -> None:
    path = _database(kb)
    kbdb.KbIndex(kb).close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.mkdir()
    snapshot = kbindex.load(kb)
    assert snapshot.stats.cache != "ok" and snapshot.stats.parsed == 8


def test_a_database_naming_files_outside_the_tree_never_reads_them(
    kb: Path, tmp_path: Path, reads: list[Path],
) -> None:
    """Even a well-formed database for this root only answers for the files a scan finds."""
    outside = tmp_path / "secret.md"
    outside.write_text("secret")
    path = _database(kb)
    _sql(path, "UPDATE rows SET key = '../secret.md' WHERE id = 1",
         "INSERT INTO rows SELECT 999, 'x/secret.md', size, mtime_ns, sha256, error, eid, "
         "title, date, whenz, category, severity, status, tags, services, owners, percent, "
         "texts, wsort FROM rows WHERE id = 2")
    reads.clear()
    snapshot = kbindex.load(kb)
    assert all(path.is_relative_to(kb) for path in reads)
    assert not any("secret" in str(p) for p, _ in snapshot.entries)
    assert len(snapshot.entries) + len(snapshot.bad) == 8


def test_two_processes_share_one_database(kb: Path) -> None:
    """A long-running reader (the browser, an agent server) sees a change another process
    made on its next refresh; a whole rebuild elsewhere is picked up too."""
    reader = kbdb.KbIndex.open(kb)
    writer = kbdb.KbIndex.open(kb)
    path = next(p for p in store.scan(kb) if "pool-exhaustion" in p.name)
    path.write_text(path.read_text().replace("Connection Pool Exhaustion", "Pool Drained"))
    writer.refresh()
    stats = reader.refresh()
    assert stats.parsed == 0  # the other process's update is read, not redone
    assert "Memory Service Pool Drained" in [s.title for s in reader.entries()]
    kbdb.clear(kb)
    kbdb.KbIndex.open(kb).close()
    reader.refresh()
    assert "Memory Service Pool Drained" in [s.title for s in reader.entries()]


def test_a_cache_that_cannot_be_written_costs_only_speed(
    kb: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "write_private", refuse)
    snapshot = kbindex.load(kb)
    assert not snapshot.stats.written and len(snapshot.entries) == 7
    monkeypatch.setattr(kbdb, "cache_dir", lambda: Path("/proc/no/such/folder"))
    snapshot = kbindex.load(kb)
    assert not snapshot.stats.written and len(snapshot.entries) == 7


def test_an_empty_knowledge_base(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    assert kbindex.load(root).entries == []
    again = kbindex.load(root)
    assert again.stats.cache == "ok" and again.entries == [] and again.bad == []


# -- what is built from it is what reading every file gives ------------------------------------
@pytest.mark.parametrize("warm", [False, True])
def test_catalog_rows_are_the_browsers_rows(kb: Path, warm: bool) -> None:
    if warm:
        kbindex.load(kb)
    rows = kbindex.catalog_rows(kbindex.load(kb))
    good, bad = store.load_all(kb)
    expected = catalog.build(good, bad, kb)
    assert rows == expected
    assert all(row.loaded is None for row in rows)


@pytest.mark.parametrize("warm", [False, True])
def test_the_search_index_is_the_one_built_from_every_file(kb: Path, warm: bool) -> None:
    if warm:
        kbindex.load(kb)
    index = KnowledgeIndex.build(kb)
    good, bad = store.load_all(kb)
    expected = KnowledgeIndex.from_loaded(good, kb)
    assert index.records == expected.records
    assert index.bad == bad
    assert index.tag_counts == expected.tag_counts


def test_the_link_graph_is_the_one_built_from_every_file(kb: Path) -> None:
    from opswizard.core.links import LinkGraph

    graph = kbindex.link_graph(kbindex.load(kb))
    good, _ = store.load_all(kb)
    expected = LinkGraph(kb, [(item.path, item.entry) for item in good])
    for item in good:
        assert graph.outgoing(item.path) == expected.outgoing(item.path)
        assert graph.incoming(item.path) == expected.incoming(item.path)


def test_hand_written_and_hostile_files_summarise_as_they_load(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(FIXTURES / "handwritten", root)
    for path in (FIXTURES / "seed").glob("*.md"):
        shutil.copy(path, root / path.name)
    snapshot = kbindex.load(root)
    good, bad = store.load_all(root)
    assert snapshot.bad == bad
    by_path = dict(snapshot.entries)
    assert sorted(by_path) == sorted(str(item.path) for item in good)
    for item in good:
        s = by_path[str(item.path)]
        assert s.title == item.entry.title and s.percent == summary(item.entry)["completeness"]
        assert s.listed() == summary(item.entry)


def test_ensure_loaded_reads_a_row_once_and_marks_a_vanished_file(kb: Path) -> None:
    rows = kbindex.catalog_rows(kbindex.load(kb))
    first, second = rows[0], rows[1]
    assert catalog.ensure_loaded(first) is first and first.loaded is not None
    assert first.loaded.entry.title == first.title
    second.path.unlink()
    gone = catalog.ensure_loaded(second)
    assert gone.broken and "reload" in gone.error


# -- the command line --------------------------------------------------------------------------
def _cli(*args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "opswizard.cli", *args], timeout=120,
                          check=False, **kwargs)  # type: ignore[call-overload]


def test_list_json_is_the_same_cold_and_warm(kb: Path) -> None:
    from click.testing import CliRunner

    from opswizard.cli import main

    cold = CliRunner().invoke(main, ["list", "--json", "--kb", str(kb)])
    warm = CliRunner().invoke(main, ["list", "--json", "--kb", str(kb)])
    assert cold.output == warm.output and cold.exit_code == warm.exit_code == 1
    data = json.loads(warm.stdout)
    good, _ = store.load_all(kb)
    expected = []
    for item in store.newest_first(good):
        row = summary(item.entry)
        row["path"] = str(item.path.relative_to(kb))
        expected.append(row)
    assert data["entries"] == expected


def _many(kb: Path) -> None:
    """120 more entries: a bar is drawn only from 100 files to parse or check."""
    source = next(p for p in store.scan(kb) if "pool-exhaustion" in p.name)
    for n in range(120):
        (source.parent / f"copy-{n:03d}.md").write_bytes(source.read_bytes())


def test_piped_output_has_no_progress_noise(kb: Path) -> None:
    _many(kb)
    for args in (["list"], ["list", "--json"], ["search", "pool"], ["validate"]):
        kbdb.clear(kb)
        proc = _cli(*args, "--kb", str(kb), capture_output=True)
        for stream in (proc.stdout, proc.stderr):
            assert b"\r" not in stream and b"\x1b" not in stream, args
            assert b"Indexing" not in stream and b"Checking" not in stream, args


def test_a_terminal_gets_a_progress_bar_on_stderr(kb: Path) -> None:
    """stderr a terminal (stdout piped): the bar is drawn on stderr, then wiped."""
    _many(kb)
    master, slave = pty.openpty()
    try:
        proc = _cli("list", "--kb", str(kb), stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        slave = -1
        seen = b""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    assert b"Indexing [" in seen and b"0/128" in seen
    assert b"\r\x1b[2K" in seen  # wiped before the results
    assert b"Indexing" not in proc.stdout and b"\r" not in proc.stdout


def test_a_pool_starts_where_stderr_has_no_file_descriptor(
    kb: Path, monkeypatch: pytest.MonkeyPatch, parses: list[int],
) -> None:
    """Inside the Textual app `sys.stderr` is a capture whose fileno() is -1: the pool must
    still start (it did not: multiprocessing's resource tracker refused the -1)."""

    class Capture:
        def write(self, text: str) -> int:
            return len(text)

        def flush(self) -> None:
            pass

        def fileno(self) -> int:
            return -1

    monkeypatch.setattr(bulkparse, "CHUNK", 3)
    monkeypatch.setattr(sys, "stderr", Capture())
    snapshot = kbindex.load(kb, workers=2, use_cache=False)
    assert parses == []  # parsed in the pool's processes, not here
    assert snapshot.stats.parsed == 8


# -- the browser ---------------------------------------------------------------------------------
async def test_the_browser_starts_warm_and_parses_only_what_it_previews(
    kb: Path, parses: list[int],
) -> None:
    from opswizard.tui.app import OpsWizardApp
    from opswizard.tui.screens.browse import BrowseScreen
    from opswizard.tui.widgets.entry_preview import EntryPreview
    from opswizard.tui.widgets.entry_table import EntryTable

    from .keys_helpers import until

    kbindex.load(kb)
    parses.clear()
    async with OpsWizardApp(kb).run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        screen = pilot.app.screen
        assert isinstance(screen, BrowseScreen)
        preview = screen.query_one(EntryPreview)
        await until(pilot, lambda: screen.current is not None and preview.row is screen.current,
                    "the preview shows the first entry")
        assert len(screen.all_rows) == 8
        assert len(parses) == 1  # the entry under the cursor, for its preview
        held = screen.query_one(EntryTable).summaries.values()  # the rows the table holds
        assert len(held) == 8
        shown = [row for row in held if row.loaded is not None]
        assert shown == [screen.current]
        await pilot.press("j")
        await until(pilot, lambda: preview.row is screen.current, "the preview follows")
        assert len(parses) == 2


async def test_the_browser_shows_indexing_progress_on_a_cold_start(
    kb: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from opswizard.tui.app import OpsWizardApp
    from opswizard.tui.screens import browse

    from .keys_helpers import until

    seen: list[tuple[int, int]] = []
    real = browse.BrowseScreen._progress

    def spy(self: browse.BrowseScreen, done: int, total: int) -> None:
        seen.append((done, total))
        real(self, done, total)

    monkeypatch.setattr(browse.BrowseScreen, "_progress", spy)
    async with OpsWizardApp(kb).run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await until(pilot, lambda: seen and seen[-1] == (8, 8), "progress up to 8 of 8")
        assert seen[0] == (0, 8) and seen[-1] == (8, 8)
        assert len(pilot.app.screen.all_rows) == 8  # type: ignore[attr-defined]


def test_a_warm_start_needs_no_model_parser_or_yaml() -> None:
    """`list`, `search` and the browser's first frame import neither pydantic nor YAML:
    they are imported when a file is first parsed (~110 ms of every start saved)."""
    code = ("import sys, opswizard.cli, opswizard.core.kbindex, opswizard.core.suggest, "
            "opswizard.tui.app, opswizard.tui.screens.browse; print(' '.join(sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    modules = set(out.stdout.split())
    assert "opswizard.tui.screens.browse" in modules
    for heavy in ("pydantic", "yaml", "frontmatter", "opswizard.core.model",
                  "opswizard.core.parse"):
        assert heavy not in modules, heavy


def test_a_row_naming_a_path_outside_the_tree_is_never_served(
    kb: Path, lister: str, tmp_path: Path, reads: list[Path],
) -> None:
    """Nothing changed on disk (the warm start trusts the database's rows as they are),
    but one row's key leaves the tree: the database is rebuilt, nothing outside read."""
    (tmp_path / "secret.md").write_text("secret")
    path = _database(kb)
    kbindex.load(kb)  # a quiet start: the shortcut is in place
    _sql(path, "UPDATE rows SET key = '../secret.md' WHERE id = 1")
    reads.clear()
    rows = kbindex.catalog_rows(kbindex.load(kb))
    assert all(p.is_relative_to(kb) for p in reads)
    assert all(row.path.is_relative_to(kb) and "secret" not in row.key for row in rows)
    assert len(rows) == 8
