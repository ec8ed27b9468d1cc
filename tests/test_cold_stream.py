"""The cold rebuild's pool and its streamed inserts (`bulkparse.index_chunks`,
`kbdb.KbIndex._rebuild`): forked or spawned, a broken pool or database midway, the same
rows as one process parsing every file. No timings here: see benchmarks/bench_cold.py."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from opswizard.core import bulkparse, kbdb, kbschema, store

FIXTURES = Path(__file__).parent / "fixtures"
BROWSE_KB = FIXTURES / "browse_kb"
REPO = Path(__file__).resolve().parent.parent
_PACKED = bulkparse._index_chunk_packed


def dying(files: list[tuple[str, str]]) -> bytes:
    """A pool's work that kills its process on a chunk holding a file named `die...`."""
    if any(Path(key).name.startswith("die") for key, _ in files):
        os._exit(3)
    return _PACKED(files)


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(BROWSE_KB, root)
    for n, path in enumerate(sorted(store.scan(root))):
        shutil.copyfile(path, path.with_name(f"copy-{n}-{path.name}"))
    return root


def _files(root: Path) -> list[tuple[str, str]]:
    return [(p.relative_to(root).as_posix(), str(p)) for p in sorted(store.scan(root))]


def _tables(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    names = ["rows", "followups", "links", "tags", "services", "meta"]
    if kbdb.HAS_FTS5:
        names.append("fts")
    return {name: conn.execute(f"SELECT rowid, * FROM {name} ORDER BY rowid").fetchall()
            for name in names}


def test_a_pool_forks_only_where_no_other_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert bulkparse.start_context() == "spawn"  # a thread may hold a lock: no fork
    finally:
        stop.set()
        thread.join()
    if not sys.platform.startswith("linux"):
        return
    script = ("from opswizard.core import bulkparse\n"
              "print(bulkparse.start_context())\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout
    assert out.strip() == "fork"


def test_a_forked_pool_sends_back_what_one_process_reads(kb: Path) -> None:
    """In a process running one thread (a command), the pool forks: its rows are the ones
    this process reads itself, in order."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from opswizard.core import bulkparse, store\n"
        "root = Path(sys.argv[1])\n"
        "files = [(p.relative_to(root).as_posix(), str(p)) for p in sorted(store.scan(root))]\n"
        "bulkparse.CHUNK = 3\n"
        "method = bulkparse.start_context()\n"
        "pooled = [g for c in bulkparse.index_chunks(files, workers=2) for g in c]\n"
        "alone = bulkparse._index_chunk(files)\n"
        "print(method, len(pooled), pooled == alone)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(kb)], capture_output=True,
                         text=True, cwd=REPO, check=True).stdout.split()
    expected = "fork" if sys.platform.startswith("linux") else "spawn"
    assert out == [expected, str(len(_files(kb))), "True"]


def test_a_cold_rebuild_forks_its_pool_with_the_summary_reader_already_imported(
        kb: Path, tmp_path: Path) -> None:
    """The reader is imported while the tree is listed (in a thread, done before the fork):
    the workers inherit it instead of each importing it for its first chunk."""
    script = (
        "import sys, threading\n"
        "from pathlib import Path\n"
        "from opswizard.core import bulkparse, kbdb\n"
        "bulkparse.CHUNK = 3\n"
        "start = bulkparse._start_pool\n"
        "def seen(work, chunks, workers, method):\n"
        "    print(method, threading.active_count(),\n"
        "          'opswizard.core.fastsummary' in sys.modules)\n"
        "    return start(work, chunks, workers, method)\n"
        "bulkparse._start_pool = seen\n"
        "index = kbdb.KbIndex.open(Path(sys.argv[1]), workers=2)\n"
        "print(index.stats.parsed)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", script, str(kb)], capture_output=True,
                         text=True, cwd=REPO, check=True, env=env).stdout.split()
    expected = "fork" if sys.platform.startswith("linux") else "spawn"
    assert out == [expected, "1", "True", str(len(_files(kb)))]


def test_a_pool_that_breaks_midway_leaves_the_rest_to_this_process(
        kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    victim = sorted(store.scan(kb))[-1]
    shutil.copyfile(victim, victim.with_name("die-here.md"))
    files = _files(kb)
    monkeypatch.setattr(bulkparse, "CHUNK", 3)
    monkeypatch.setattr(bulkparse, "_index_chunk_packed", dying)
    calls: list[tuple[int, int]] = []
    progress = lambda d, t: calls.append((d, t))  # noqa: E731
    pooled = [g for c in bulkparse.index_chunks(files, progress, workers=2) for g in c]
    assert pooled == bulkparse._index_chunk(files)
    assert calls[-1] == (len(files), len(files))
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)  # never backwards


def test_rows_streamed_chunk_by_chunk_are_the_rows_inserted_at_once(
        kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulkparse, "CHUNK", 3)
    index = kbdb.KbIndex.open(kb, workers=1)
    try:
        assert index.conn is not None and index.path is not None
        streamed = _tables(index.conn)
    finally:
        index.close()
    conn = sqlite3.connect(":memory:")
    found = kbdb.scan(kb)[0]  # the rebuild's order
    files = [(key, path) for path, key, _, _ in found]
    records = [rec for c in bulkparse.index_chunks(files, workers=1) for rec, _ in c]
    sizes = {key: (size, mtime) for _, key, size, mtime in found}
    kbschema.create(conn, kbdb.HAS_FTS5)  # every row in one insert, numbered from 1
    kbschema.insert_many(conn, kbdb.HAS_FTS5, 1,
                         [(r, *sizes.get(r[0][0], (0, 0))) for r in records])
    kbschema.finish(conn, kbdb.HAS_FTS5, streamed_meta(streamed))
    at_once = _tables(conn)
    for name in at_once:
        if name == "rows":  # mtimes of files just written are kept as 0 (racy)
            assert [r[:3] + r[5:] for r in streamed[name]] == [
                r[:3] + r[5:] for r in at_once[name]], name
        else:
            assert streamed[name] == at_once[name], name


def streamed_meta(tables: dict[str, list[tuple[object, ...]]]) -> list[tuple[str, str]]:
    return [(str(name), str(value)) for _, name, value in tables["meta"]]


def test_a_database_failing_midway_falls_back_to_memory_with_every_row(
        kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulkparse, "CHUNK", 3)
    expected = kbdb.KbIndex.open(kb, workers=1)
    want = expected.summaries()
    expected.close()
    kbdb.clear(kb)
    real = kbschema.insert_many
    calls = []

    def failing(conn: sqlite3.Connection, fts: bool, first: int,
                rows: list[kbdb.Row]) -> None:
        calls.append(first)
        if len(calls) == 3:  # the first database, after one chunk went in
            raise sqlite3.OperationalError("disk I/O error")
        real(conn, fts, first, rows)

    monkeypatch.setattr(kbschema, "insert_many", failing)
    index = kbdb.KbIndex.open(kb, workers=1)
    try:
        assert index.path is None  # in memory
        assert index.stats.parsed == len(want) and index.stats.unreadable == 0
        assert index.summaries() == want
        assert not list(kbdb.cache_dir().glob("*.sqlite"))  # the broken file is gone
    finally:
        index.close()


def test_a_parse_that_fails_leaves_no_database_behind(
        kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(files: list[tuple[str, str]]) -> list[tuple[kbschema.Record, bool]]:
        raise RuntimeError("the parser broke")

    monkeypatch.setattr(bulkparse, "_index_chunk", broken)
    with pytest.raises(RuntimeError):
        kbdb.KbIndex.open(kb, workers=1)
    assert kbdb.database_file(kb) is None
    assert not list(kbdb.cache_dir().glob("*.sqlite*"))
