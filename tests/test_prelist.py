"""The listing started before the command line's imports (`core/prelist.py`): taken only by
the first listing of the same root before any write, else thrown away; without `find` (or
with a failing one) everything falls back as before; an edit is never served stale by a
later run; nothing is left running."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from opswizard.core import kbindex, kbscan, prelist, store

from .index_helpers import aged_copy

PROGRAM = "/usr/local/bin/opswizard"


@pytest.fixture(autouse=True)
def nothing_left(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(prelist, "_started", False)
    monkeypatch.setattr(store, "WRITES", 0)  # as in a fresh process (other tests save files)
    prelist.discard()
    yield
    prelist.discard()


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    if kbscan.listing(tmp_path) is None:
        pytest.skip("no GNU find here: the walk is all there is")
    return aged_copy(tmp_path / "kb")


def _start_early(root: Path, command: str = "search") -> int:
    """Start the early listing for `opswizard COMMAND --kb root`; its find's pid, once
    find has finished (not reaped: still `take`'s to collect)."""
    prelist.start([PROGRAM, command, "pool", "--kb", str(root)])
    assert prelist.pending(), "no listing was started"
    pending = prelist._pending
    assert pending is not None
    pid = pending[1]
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    return pid


def _no_find_run_here(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    calls: list[object] = []

    def refuse(*args: object, **kwargs: object) -> object:
        calls.append(args)
        raise AssertionError("find was run again")

    monkeypatch.setattr(subprocess, "run", refuse)
    return calls


def _title_of(root: Path, needle: str) -> str:
    return next(s.title for _, s in kbindex.load(root).entries if needle in s.path.name)


# -- which root, which commands -------------------------------------------------------------
def test_the_guessed_root_is_the_one_the_command_line_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sub" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(repo / "sub" / "deeper")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OPSWIZARD_KB", raising=False)
    assert prelist.root_of(["search", "x"]) == str(store.find_root(None))
    assert prelist.root_of(["search", "x"]) == str(repo / "docs" / "ops-knowledge")
    for given in ("kb", "a//b/./c/", "../up", "~/notes", "/abs/./x//", "./"):
        expected = str(store.find_root(given))
        assert prelist.root_of(["search", "x", "--kb", given]) == expected, given
        assert prelist.root_of(["--kb", given, "list"]) == expected, given
        assert prelist.root_of([f"--kb={given}", "show", "a.md"]) == expected, given
    assert prelist.root_of(["--kb", "group", "list", "--kb", "own"]) == str(
        store.find_root("own"))  # the command's own --kb wins, as in `kb_root`
    monkeypatch.setenv("OPSWIZARD_KB", "from-env")
    assert prelist.root_of(["list"]) == str(store.find_root(None))


@pytest.mark.parametrize("args", [
    [], ["--help"], ["-h"], ["--version"], ["new"], ["edit", "a.md"], ["browse"], ["demo"],
    ["mcp"], ["import", "x.md"], ["search", "--help"], ["list", "-h"], ["--kb", "x"],
    ["--", "search"],
])
def test_commands_that_do_not_list_the_tree_first_start_nothing(
    args: list[str], tmp_path: Path,
) -> None:
    assert prelist.root_of(args) is None
    prelist.start([PROGRAM, *args, "--kb", str(tmp_path)] if args else [PROGRAM])
    assert not prelist.pending()


def test_only_the_program_starts_a_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    prelist.start(["/usr/bin/pytest", "search", "x", "--kb", str(tmp_path)])
    assert not prelist.pending()
    assert prelist.is_program("/x/site-packages/opswizard/__main__.py")  # python -m opswizard
    assert prelist.is_program("/x/site-packages/opswizard/cli.py")  # python -m opswizard.cli
    assert not prelist.is_program("/x/other/__main__.py")
    prelist.start([PROGRAM, "search", "x", "--kb", str(tmp_path / "missing")])
    assert not prelist.pending()  # no such folder: nothing to list
    monkeypatch.setattr(prelist, "_started", False)
    monkeypatch.setattr(sys, "orig_argv", [sys.executable, "-c", "from multiprocessing.spawn "
                        "import spawn_main; spawn_main()", "--multiprocessing-fork"])
    prelist.start([PROGRAM, "search", "x", "--kb", str(tmp_path)])
    assert not prelist.pending()  # a pool's worker, given the program's arguments


def test_a_process_starts_one_listing_at_most(kb: Path) -> None:
    """`python -m opswizard.cli` runs cli.py twice (as `__main__`, then imported)."""
    _start_early(kb)
    kbscan.listing(kb)
    assert not prelist.pending()
    prelist.start([PROGRAM, "search", "x", "--kb", str(kb)])
    assert not prelist.pending()


def test_the_temp_files_it_reports_are_the_ones_a_save_writes() -> None:
    assert prelist.TEMP_GLOB == f"{store.TEMP_PREFIX}*{store.TEMP_SUFFIX}"


# -- taken, or thrown away ------------------------------------------------------------------
def test_the_first_listing_of_the_same_root_takes_it(
    kb: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = kbscan.listing(kb)
    assert expected is not None
    _start_early(kb)
    calls = _no_find_run_here(monkeypatch)
    assert kbscan.sweep(kb) == []
    assert not prelist.pending() and calls == []
    listed = kbscan.listing(kb)  # the sweep's, kept for the index
    assert listed is not None and listed.signature == expected.signature
    assert listed.raw == expected.raw


def test_a_listing_of_another_root_is_thrown_away(kb: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "only-here.md").write_text("x")
    pid = _start_early(kb)
    listed = kbscan.listing(other)
    assert listed is not None
    assert [key for _, key, _, _ in listed.found()] == ["only-here.md"]
    assert not prelist.pending()
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(pid, os.WNOHANG)


def test_it_is_used_by_the_first_listing_only(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A listing of another root first: the early one is gone, the next listing of its
    root runs find anew (never a listing older than the one before it)."""
    _start_early(kb)
    kbscan.listing(tmp_path)
    calls = _no_find_run_here(monkeypatch)
    with pytest.raises(AssertionError, match="find was run again"):
        kbscan.listing(kb)
    assert len(calls) == 1


def test_a_file_this_process_writes_first_is_listed(kb: Path) -> None:
    """The listing was taken before the write: it is thrown away (`store.WRITES`)."""
    from opswizard.core.model import new_entry

    _start_early(kb)
    written = store.save_new(kb, new_entry(title="Written before the first listing"))
    listed = kbscan.listing(kb)
    assert listed is not None
    assert str(written) in [path for path, _, _, _ in listed.found()]
    assert not prelist.pending()


def test_an_unused_listing_is_ended_and_reaped(tmp_path: Path) -> None:
    big = tmp_path / "big"
    for i in range(200):
        (big / f"d{i % 10}").mkdir(parents=True, exist_ok=True)
        (big / f"d{i % 10}" / f"{i}.md").write_text("x")
    prelist.start([PROGRAM, "list", "--kb", str(big)])
    assert prelist.pending()
    pending = prelist._pending
    assert pending is not None
    _, pid, out, err = pending
    prelist.discard()
    assert not prelist.pending()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    for fd in (out, err):
        with pytest.raises(OSError):
            os.fstat(fd)


def test_what_find_writes_while_it_runs_is_hashed_and_listed_whole(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """find writing its listing in many small pieces, with pauses (as over a big tree):
    the listing taken early holds every byte, and its hash is the hash of those bytes."""
    import hashlib
    import shutil

    for i in range(300):
        (kb / "issues" / "general" / f"extra-{i:03}.md").write_text(f"entry {i}\n")
    real = shutil.which("find")
    assert real is not None
    command = prelist.find_command(str(kb))
    whole = subprocess.run([real, *command[1:]], capture_output=True, check=True,
                           env=prelist.find_env()).stdout
    tools = tmp_path / "tools"
    tools.mkdir()
    fake = tools / "find"
    fake.write_text(
        f"#!{sys.executable}\nimport os, subprocess, sys, time\n"
        f"out = subprocess.run([{real!r}, *sys.argv[1:]], capture_output=True).stdout\n"
        "for i in range(0, len(out), 499):\n"
        "    os.write(1, out[i:i + 499])\n"
        "    time.sleep(0.001)\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ.get('PATH', '')}")
    prelist.start([PROGRAM, "search", "pool", "--kb", str(kb)])
    assert prelist.pending()
    calls = _no_find_run_here(monkeypatch)
    listed = kbscan.listing(kb)
    assert listed is not None and calls == []
    assert len(whole) > 20 * 499  # many pieces
    assert listed.signature == "find:" + hashlib.sha256(whole).hexdigest()
    assert listed.raw == whole
    assert len(listed.found()) == whole.count(b"\0")


# -- no find, a failing find ----------------------------------------------------------------
def test_without_find_nothing_starts_and_the_walk_lists(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    empty = tmp_path / "no-find-here"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(kbscan, "_USE_FIND", True)
    prelist.start([PROGRAM, "search", "x", "--kb", str(kb)])
    assert not prelist.pending()
    assert kbscan.sweep(kb) is None  # as without this module: the sweep walks
    assert kbscan.listing(kb) is None
    assert len(kbscan.scan(kb)[0]) == len(list(store.scan(kb)))


def test_a_find_that_fails_falls_back_to_the_walk(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    tools = tmp_path / "tools"
    tools.mkdir()
    fake = tools / "find"
    fake.write_text("#!/bin/sh\nprintf '1 1.0 only.md\\0'\necho 'find: cannot read' >&2\n"
                    "exit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ.get('PATH', '')}")
    _start_early(kb)
    assert kbscan.listing(kb) is None  # find's error: not a listing to trust
    assert not prelist.pending()
    found, failed = kbscan.scan(kb)  # the walk
    assert sorted(k for _, k, _, _ in found) == sorted(
        str(p.relative_to(kb)) for p in store.scan(kb)) and failed == []


# -- never stale ----------------------------------------------------------------------------
def test_an_edit_after_the_early_listing_is_seen_by_the_next_run(kb: Path) -> None:
    """Edited once the early listing is over, before the index used it: this run may
    answer as the tree was when it started; the next one reads the edit."""
    assert "Connection Pool Exhaustion" in _title_of(kb, "pool-exhaustion")
    _start_early(kb)
    path = next(p for p in store.scan(kb) if "pool-exhaustion" in p.name)
    path.write_text(path.read_text().replace("Connection Pool Exhaustion", "Pool Drained"))
    kbscan.sweep(kb)  # this run: the listing taken before the edit
    kbindex.load(kb)
    assert not prelist.pending()
    assert "Pool Drained" in _title_of(kb, "pool-exhaustion")  # the next run


def test_a_same_size_same_mtime_edit_after_the_early_listing_is_seen(kb: Path) -> None:
    """The file was written just before the command (racy): an edit keeping its size and
    mtime, made after the early listing, is still read by the next run."""
    path = next(p for p in store.scan(kb) if "pool-exhaustion" in p.name)
    os.utime(path)  # just now
    kbindex.load(kb)
    info = path.stat()
    _start_early(kb)
    path.write_text(path.read_text().replace("Memory Service", "Memory Servicf"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # same size, same mtime
    kbscan.sweep(kb)
    kbindex.load(kb)
    assert not prelist.pending()
    assert "Servicf" in _title_of(kb, "pool-exhaustion")


# -- the program ----------------------------------------------------------------------------
def test_the_program_answers_the_same_and_leaves_nothing(kb: Path) -> None:
    run = [sys.executable, "-m", "opswizard"]
    env = {**os.environ, "OPSWIZARD_KB": str(kb)}
    first = subprocess.run([*run, "search", "pool", "exhausted"], env=env,
                           capture_output=True, text=True, timeout=60, check=False)
    assert first.returncode == 0 and "Pool Exhaustion" in first.stdout
    bad = subprocess.run([*run, "list", "--category", "no-such"], env=env,
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and "no-such" in bad.stderr  # the listing not taken: ended
