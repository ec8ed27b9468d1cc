"""Listing the knowledge base's files (`core/kbscan.py`): one `find` process and the walk
in Python find the same files, with the same sizes and mtimes, on an awkward tree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opswizard.core import kbscan, store


def _awkward(root: Path) -> None:
    """Hidden folders and files, symlinks to a file and to a folder, a FIFO, a folder named
    like an entry, files that are not entries, odd names, a deep folder."""
    (root / "a" / "b" / "c" / "d").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "x.md").mkdir()  # a folder, not an entry
    files = {
        "top.md": b"top",
        "a/one.md": b"one",
        "a/b/c/d/deep.md": b"deep" * 100,
        "a/with space.md": b"spaced",
        "a/new\nline.md": b"newline",
        "a/caf\u00e9.md": b"accent",
        "a/UPPER.MD": b"not an entry: the suffix is lower case",
        "a/notes.txt": b"not an entry",
        "a/.dot.md": b"hidden file",
        ".hidden/inside.md": b"hidden folder",
        "x.md/in-a-folder-named-md.md": b"inside",
        "a/empty.md": b"",
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    raw = os.fsencode(str(root / "a")) + b"/bad-\xff-byte.md"
    with open(raw, "wb") as handle:
        handle.write(b"not utf-8 name")
    (root / "a" / "link.md").symlink_to(root / "top.md")
    (root / "linked-folder").symlink_to(root / "a", target_is_directory=True)
    os.mkfifo(root / "a" / "fifo.md")
    os.utime(root / "a" / "one.md", ns=(1_600_000_000_123_456_789, 1_600_000_000_123_456_789))


def _as_set(found: list[tuple[str, str, int, int]]) -> set[tuple[str, str, int, int]]:
    return set(found)


@pytest.fixture
def has_find(tmp_path: Path) -> None:
    if kbscan.listing(tmp_path) is None:
        pytest.skip("no GNU find here: the walk is all there is")


def test_find_and_the_walk_find_the_same_files(tmp_path: Path, has_find: None) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    _awkward(root)
    listed = kbscan.listing(root)
    assert listed is not None
    walked, failed = kbscan.walk(root)
    assert failed == []
    assert _as_set(listed.found()) == _as_set(walked)
    keys = {key for _, key, _, _ in walked}
    assert keys == {"top.md", "a/one.md", "a/b/c/d/deep.md", "a/with space.md",
                    "a/new\nline.md", "a/caf\u00e9.md", "x.md/in-a-folder-named-md.md",
                    "a/empty.md", os.fsdecode(b"a/bad-\xff-byte.md")}
    assert {str(p) for p in store.scan(root)} == {p for p, _, _, _ in walked}
    one = next(f for f in walked if f[1] == "a/one.md")
    assert one[3] == 1_600_000_000_123_456_789 and one[2] == 3
    assert listed.count == len(walked)


def test_a_symlinked_root_is_followed_by_both(tmp_path: Path, has_find: None) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "entry.md").write_text("x")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    listed = kbscan.listing(link)
    assert listed is not None
    assert _as_set(listed.found()) == _as_set(kbscan.walk(link)[0])
    assert [key for _, key, _, _ in listed.found()] == ["entry.md"]


def test_a_hidden_root_is_still_listed(tmp_path: Path, has_find: None) -> None:
    root = tmp_path / ".kb"
    root.mkdir()
    (root / "entry.md").write_text("x")
    listed = kbscan.listing(root)
    assert listed is not None and [k for _, k, _, _ in listed.found()] == ["entry.md"]


def test_a_missing_or_empty_root(tmp_path: Path) -> None:
    assert kbscan.listing(tmp_path / "nowhere") is None  # find complains: the walk decides
    assert kbscan.scan(tmp_path / "nowhere") == ([], [])
    assert kbscan.scan(tmp_path) == ([], [])


def test_the_signature_changes_with_any_size_mtime_or_name(
    tmp_path: Path, has_find: None,
) -> None:
    (tmp_path / "a.md").write_text("one")
    os.utime(tmp_path / "a.md", ns=(10**18, 10**18))

    def signature() -> str:
        listed = kbscan.listing(tmp_path)
        assert listed is not None
        assert kbscan.digest(listed.found()) == listed.signature
        return listed.signature

    first = signature()
    assert signature() == first
    os.utime(tmp_path / "a.md", ns=(10**18 + 1, 10**18 + 1))  # one nanosecond later
    second = signature()
    assert second != first
    (tmp_path / "a.md").write_text("two")  # same size
    os.utime(tmp_path / "a.md", ns=(10**18 + 1, 10**18 + 1))
    assert signature() == second  # same size and mtime: taken as unchanged (racy rule)
    (tmp_path / "a.md").write_text("three")
    os.utime(tmp_path / "a.md", ns=(10**18 + 1, 10**18 + 1))
    assert signature() != second
    (tmp_path / "a.md").rename(tmp_path / "b.md")
    assert signature() != second


def test_without_find_the_walk_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.md").write_text("x")
    monkeypatch.setattr(kbscan, "_USE_FIND", False)
    assert kbscan.listing(tmp_path) is None
    found, failed = kbscan.scan(tmp_path)
    assert [key for _, key, _, _ in found] == ["a.md"] and failed == []
    assert kbscan.digest(found) and not kbscan.digest(found).startswith("find:")


def test_no_find_on_the_path_falls_back_to_the_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "a.md").write_text("x")
    monkeypatch.setattr(kbscan, "_USE_FIND", True)
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-folder"))
    assert kbscan.listing(tmp_path) is None
    assert [key for _, key, _, _ in kbscan.scan(tmp_path)[0]] == ["a.md"]


def _leftovers(root: Path) -> None:
    """Temp files a killed save left (old) and one being written (new), in plain, hidden
    and `.git` folders, and files that are not opswizard's."""
    old = 1_600_000_000
    for folder in ("", "a", "a/b", ".hidden", ".hidden/deeper", ".git", "a/.git"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        stale = root / folder / f"{store.TEMP_PREFIX}old{store.TEMP_SUFFIX}"
        stale.write_bytes(b"half a save")
        os.utime(stale, (old, old))
        (root / folder / f"{store.TEMP_PREFIX}new{store.TEMP_SUFFIX}").write_bytes(b"now")
        other = root / folder / ".someone-else.tmp"
        other.write_bytes(b"not ours")
        os.utime(other, (old, old))
        (root / folder / "entry.md").write_bytes(b"an entry")
    (root / "a" / f"{store.TEMP_PREFIX}dir{store.TEMP_SUFFIX}").mkdir()  # not a file


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_a_sweep_with_find_removes_what_the_walk_removes(
    tmp_path: Path, has_find: None,
) -> None:
    by_walk, by_find = tmp_path / "walk", tmp_path / "find"
    _leftovers(by_walk)
    _leftovers(by_find)
    walked = store.clean_temp_files(by_walk)
    found = kbscan.sweep(by_find)
    assert found is not None
    assert {p.relative_to(by_find) for p in found} == {p.relative_to(by_walk) for p in walked}
    assert _files(by_find) == _files(by_walk)
    gone = {str(p.relative_to(by_find)) for p in found}
    assert gone == {f"{folder}{store.TEMP_PREFIX}old{store.TEMP_SUFFIX}"
                    for folder in ("", "a/", "a/b/", ".hidden/", ".hidden/deeper/")}


def test_the_listing_a_sweep_made_is_used_once_and_only_while_fresh(
    tmp_path: Path, has_find: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "a.md").write_text("x")
    calls: list[Path] = []
    real = kbscan._find

    def counting(root: Path) -> object:
        calls.append(root)
        return real(root)

    monkeypatch.setattr(kbscan, "_find", counting)
    assert kbscan.sweep(tmp_path) == []
    assert kbscan.listing(tmp_path) is not None and len(calls) == 1  # the sweep's own
    assert kbscan.listing(tmp_path) is not None and len(calls) == 2  # once only
    kbscan.sweep(tmp_path)
    monkeypatch.setattr(kbscan, "KEPT_FOR", 0.0)
    assert kbscan.listing(tmp_path) is not None and len(calls) == 4  # too old


def test_a_file_this_process_writes_after_the_sweep_is_listed(
    tmp_path: Path, has_find: None,
) -> None:
    """The sweep's listing is not used once this process wrote a file (`import`, a save)."""
    from opswizard.core.model import new_entry

    kbscan.sweep(tmp_path)
    written = store.save_new(tmp_path, new_entry(title="Written after the sweep"))
    listed = kbscan.listing(tmp_path)
    assert listed is not None
    assert [p for p, _, _, _ in listed.found()] == [str(written)]


def test_a_relative_root_named_like_an_option_is_a_folder(
    tmp_path: Path, has_find: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "-print").mkdir()
    (tmp_path / "-print" / "inside.md").write_text("x")
    (tmp_path / "outside.md").write_text("x")
    monkeypatch.chdir(tmp_path)
    listed = kbscan.listing(Path("-print"))
    assert listed is not None
    assert [(p, k) for p, k, _, _ in listed.found()] == [("-print/inside.md", "inside.md")]
