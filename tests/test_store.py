"""The knowledge base on disk: the scan, no-clobber publish, atomic save_over, safe names,
the category folders and where the knowledge base is found."""

from __future__ import annotations

import os
import re
import signal
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from opswizard.cli import main
from opswizard.core import store
from opswizard.core.model import new_entry
from opswizard.core.naming import file_name, folder, slug
from opswizard.core.render import render_bytes

from .conftest import SEED

CONVENTION = re.compile(
    r"^ops-learning-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[a-z]+-[a-z0-9-]+\.md$"
)
SEED_BYTES = (SEED / "example1-service-issue.md").read_bytes()


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail (instead of hanging the suite) if the test blocks for 10 s, e.g. on a FIFO."""

    def boom(signum: int, frame: object) -> None:
        raise TimeoutError("blocked: something opened a FIFO")

    previous = signal.signal(signal.SIGALRM, boom)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _temp_files(folder_path: Path) -> list[Path]:
    return [p for p in folder_path.rglob("*") if p.name.startswith(store.TEMP_PREFIX)]


# -- scan --------------------------------------------------------------------------------------
def test_scan_finds_markdown_files_in_order(kb: Path) -> None:
    (kb / "issues" / "redis").mkdir(parents=True)
    (kb / "b.md").write_bytes(SEED_BYTES)
    (kb / "a.md").write_bytes(SEED_BYTES)
    (kb / "issues" / "redis" / "c.md").write_bytes(SEED_BYTES)
    (kb / "notes.txt").write_text("not an entry")
    (kb / "README.MD.bak").write_text("not an entry either")
    assert [p.relative_to(kb).as_posix() for p in store.scan(kb)] == [
        "a.md", "b.md", "issues/redis/c.md"
    ]


def test_scan_skips_symlinks_to_files_and_folders_outside(kb: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "secrets").mkdir(parents=True)
    (outside / "secret.md").write_bytes(SEED_BYTES)
    (outside / "secrets" / "deep.md").write_bytes(SEED_BYTES)
    (kb / "real.md").write_bytes(SEED_BYTES)
    (kb / "link-to-file.md").symlink_to(outside / "secret.md")
    (kb / "link-to-folder").symlink_to(outside / "secrets", target_is_directory=True)
    (kb / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (kb / "inside-link.md").symlink_to(kb / "real.md")  # even one pointing inside
    assert [p.name for p in store.scan(kb)] == ["real.md"]
    good, bad = store.load_all(kb)
    assert [loaded.path.name for loaded in good] == ["real.md"] and bad == []


def test_scan_skips_a_fifo_and_never_hangs(kb: Path, no_hang: None) -> None:
    os.mkfifo(kb / "pipe.md")
    (kb / "real.md").write_bytes(SEED_BYTES)
    assert [p.name for p in store.scan(kb)] == ["real.md"]
    good, bad = store.load_all(kb)
    assert len(good) == 1 and bad == []
    # Named explicitly, the FIFO is refused, not opened for a blocking read.
    with pytest.raises(store.StoreError, match="not a regular file"):
        store.read_bytes(kb / "pipe.md")
    result = CliRunner().invoke(main, ["validate", str(kb / "pipe.md")])
    assert result.exit_code == 1
    assert f"{kb / 'pipe.md'}:1: error: not a regular file" in result.output


def test_scan_skips_a_directory_named_like_an_entry(kb: Path) -> None:
    (kb / "x.md").mkdir()
    (kb / "x.md" / "inside.md").write_bytes(SEED_BYTES)
    found = [p.relative_to(kb).as_posix() for p in store.scan(kb)]
    assert "x.md" not in found
    assert found == ["x.md/inside.md"]  # a folder is still a folder: its entries count


def test_scan_skips_hidden_folders_and_files(kb: Path) -> None:
    for hidden in (".git", ".obsidian", ".cache/deeper"):
        (kb / hidden).mkdir(parents=True)
        (kb / hidden / "entry.md").write_bytes(SEED_BYTES)
    (kb / ".draft.md").write_bytes(SEED_BYTES)
    (kb / "visible.md").write_bytes(SEED_BYTES)
    assert [p.relative_to(kb).as_posix() for p in store.scan(kb)] == ["visible.md"]


def test_scan_of_a_missing_or_unreadable_folder_is_empty(kb: Path) -> None:
    assert list(store.scan(kb / "missing")) == []
    locked = kb / "locked"
    locked.mkdir()
    (locked / "a.md").write_bytes(SEED_BYTES)
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # root reads anything: nothing to test
            pytest.skip("running as root")
        assert list(store.scan(kb)) == []
    finally:
        locked.chmod(0o755)


# -- publish: never overwrite -------------------------------------------------------------------
def test_publish_never_overwrites_a_taken_name(kb: Path) -> None:
    relative = Path("issues/redis/ops-learning-2025-07-09-14-30-00-issue-pool.md")
    first = store.publish(kb, relative, b"first\n")
    second = store.publish(kb, relative, b"second\n")
    third = store.publish(kb, relative, b"third\n")
    assert first == kb / relative
    assert second.name == "ops-learning-2025-07-09-14-30-00-issue-pool-2.md"
    assert third.name == "ops-learning-2025-07-09-14-30-00-issue-pool-3.md"
    assert [p.read_bytes() for p in (first, second, third)] == [b"first\n", b"second\n",
                                                                b"third\n"]
    assert _temp_files(kb) == []


def test_publish_counts_case_only_differences_as_taken(kb: Path) -> None:
    folder_path = kb / "issues" / "general"
    folder_path.mkdir(parents=True)
    existing = folder_path / "OPS-Learning-2025-07-09-14-30-00-Issue-Pool.md"
    existing.write_bytes(b"hand-written\n")
    written = store.publish(
        kb, Path("issues/general/ops-learning-2025-07-09-14-30-00-issue-pool.md"), b"new\n"
    )
    assert written.name == "ops-learning-2025-07-09-14-30-00-issue-pool-2.md"
    assert existing.read_bytes() == b"hand-written\n"


def test_publish_counts_unicode_normalisation_differences_as_taken(kb: Path) -> None:
    (kb / "cafe\u0301.md").write_bytes(b"decomposed\n")  # NFD
    written = store.publish(kb, Path("caf\u00e9.md"), b"composed\n")  # NFC
    assert written.name == "caf\u00e9-2.md"
    assert (kb / "cafe\u0301.md").read_bytes() == b"decomposed\n"


def test_publish_refuses_paths_outside_the_kb(kb: Path, tmp_path: Path) -> None:
    with pytest.raises(store.StoreError, match="outside the knowledge base"):
        store.publish(kb, Path("../escaped.md"), b"x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (kb / "linked").symlink_to(outside, target_is_directory=True)
    with pytest.raises(store.StoreError, match="outside the knowledge base"):
        store.publish(kb, Path("linked/entry.md"), b"x")
    assert not (tmp_path / "escaped.md").exists()
    assert list(outside.iterdir()) == []


def test_save_new_twice_keeps_both_entries(kb: Path) -> None:
    entry = new_entry(title="Pool exhausted", category="issue", date="2025-07-09T14:30:00Z",
                      related_services="Memory Service")
    first = store.save_new(kb, entry)
    second = store.save_new(kb, entry)
    assert first != second and first.parent == second.parent == kb / "issues/memory-service"
    assert first.read_bytes() == second.read_bytes() == render_bytes(entry)


# -- save_over: atomic, no symlinks ------------------------------------------------------------
def test_save_over_replaces_the_file_atomically(kb: Path) -> None:
    path = kb / "entry.md"
    path.write_bytes(b"old contents\n")
    path.chmod(0o640)
    with path.open("rb") as before:  # a reader that opened the old file...
        old_inode = os.fstat(before.fileno()).st_ino
        store.save_over(path, b"new contents\n", root=path.parent)
        assert before.read() == b"old contents\n"  # ...still reads the old, whole file
    assert path.read_bytes() == b"new contents\n"
    assert os.stat(path).st_ino != old_inode  # replaced by rename, never written in place
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640  # permissions kept
    assert _temp_files(kb) == []


def test_save_over_failure_leaves_the_file_and_no_temp(kb: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = kb / "entry.md"
    path.write_bytes(b"old contents\n")

    def no_replace(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "replace", no_replace)
    with pytest.raises(store.StoreError, match="nothing was changed"):
        store.save_over(path, b"new contents\n", root=path.parent)
    assert path.read_bytes() == b"old contents\n"
    assert _temp_files(kb) == []


def test_save_over_refuses_a_symlink(kb: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.md"
    target.write_bytes(b"not yours\n")
    link = kb / "entry.md"
    link.symlink_to(target)
    with pytest.raises(store.StoreError, match="symlink"):
        store.save_over(link, b"overwritten?\n", root=link.parent)
    assert target.read_bytes() == b"not yours\n"
    assert link.is_symlink()
    assert _temp_files(kb) == []


def test_save_over_refuses_what_is_not_a_regular_file(kb: Path, no_hang: None) -> None:
    (kb / "dir.md").mkdir()
    os.mkfifo(kb / "pipe.md")
    for name in ("dir.md", "pipe.md"):
        with pytest.raises(store.StoreError, match="not a regular file"):
            store.save_over(kb / name, b"x", root=(kb / name).parent)
    assert _temp_files(kb) == []


def test_save_over_refuses_a_file_changed_or_deleted_since_it_was_read(kb: Path) -> None:
    path = kb / "entry.md"
    path.write_bytes(b"as opened\n")
    opened = store.load(path)
    path.write_bytes(b"changed by git pull\n")
    with pytest.raises(store.ConflictError, match="changed"):
        store.save_over(path, b"mine\n", expected=opened.digest, root=path.parent)
    assert path.read_bytes() == b"changed by git pull\n"
    path.unlink()
    with pytest.raises(store.ConflictError, match="deleted"):
        store.save_over(path, b"mine\n", expected=opened.digest, root=path.parent)
    assert not path.exists()
    # The same bytes written again (a touch) are no conflict.
    path.write_bytes(b"as opened\n")
    store.save_over(path, b"mine\n", expected=opened.digest, root=path.parent)
    assert path.read_bytes() == b"mine\n"


def test_clean_temp_files_removes_only_old_leftovers(kb: Path) -> None:
    old = kb / f"{store.TEMP_PREFIX}abc{store.TEMP_SUFFIX}"
    fresh = kb / f"{store.TEMP_PREFIX}def{store.TEMP_SUFFIX}"
    entry = kb / "entry.md"
    for p in (old, fresh, entry):
        p.write_bytes(b"x")
    os.utime(old, (1, 1))
    os.utime(entry, (1, 1))
    assert store.clean_temp_files(kb) == [old]
    assert not old.exists() and fresh.exists() and entry.exists()


# -- names ---------------------------------------------------------------------------------------
HOSTILE_TITLES = [
    "../../x", "/etc/passwd", ".git/hooks/x", "con", "x" * 300, "", "   ", "..", "-",
    "🔥🔥🔥", "C:\\Windows\\System32", "a/../../b", "name\x00with\x1bnul", "NUL.md",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_give_conventional_names_inside_the_kb(kb: Path, title: str) -> None:
    entry = new_entry(title=title, category="issue", date="2025-07-09T14:30:00Z",
                      related_services=title)
    name = file_name(entry)
    assert CONVENTION.match(name), name
    assert len(name) <= 120
    relative = folder(entry)
    assert ".." not in relative.parts and not relative.is_absolute()
    written = store.save_new(kb, entry)
    assert written.resolve().is_relative_to(kb.resolve())
    assert written.parent.parent == kb / "issues"
    assert CONVENTION.match(written.name)


def test_slug_is_ascii_bounded_and_never_empty() -> None:
    assert slug("../../x") == "x"
    assert slug("/etc/passwd") == "etc-passwd"
    assert slug(".git/hooks/x") == "git-hooks-x"
    assert slug("Ausfall der Zahlungs-API – Überlast") == "ausfall-der-zahlungs-api-uberlast"
    assert slug("") == "untitled" and slug("!!!") == "untitled"
    long = slug("word " * 100)
    assert len(long) <= 60 and not long.endswith("-") and set(long) <= set("word-")


def test_file_name_uses_the_date_in_utc_and_the_category() -> None:
    entry = new_entry(title="Ausfall der Zahlungs-API – Überlast", category="issue",
                      date="2026-03-02T16:45:00+02:00")
    assert file_name(entry) == (
        "ops-learning-2026-03-02-14-45-00-issue-ausfall-der-zahlungs-api-uberlast.md"
    )
    entry.set("category", "not-a-category")
    assert file_name(entry).startswith("ops-learning-2026-03-02-14-45-00-unsorted-")


# -- folders per category ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("issue", "issues/memory-service"),
        ("performance", "performance/optimizations"),
        ("configuration", "configurations/changes"),
        ("deployment", "procedures/deployments"),
        ("recovery", "procedures/recovery"),
        ("monitoring", "monitoring/memory-service"),
        ("maintenance", "procedures/maintenance"),
    ],
)
def test_folder_per_category(category: str, expected: str) -> None:
    entry = new_entry(category=category, related_services="Memory Service, Orchestrator")
    assert folder(entry) == PurePosixPath(expected)


def test_folder_without_services_or_category() -> None:
    assert folder(new_entry(category="issue")) == PurePosixPath("issues/general")
    assert folder(new_entry(category="monitoring")) == PurePosixPath("monitoring/general")
    assert folder(new_entry(category="")) == PurePosixPath("unsorted")
    assert folder(new_entry(category="ISSUE", related_services="../../etc")) == PurePosixPath(
        "issues/etc"
    )


# -- find_root ----------------------------------------------------------------------------------
@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("OPSWIZARD_KB", raising=False)
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "services" / "api").mkdir(parents=True)
    return root


def test_find_root_explicit_beats_everything(repo: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPSWIZARD_KB", str(tmp_path / "from-env"))
    assert store.find_root(tmp_path / "explicit", cwd=repo) == tmp_path / "explicit"


def test_find_root_env_beats_the_git_repo(repo: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPSWIZARD_KB", str(tmp_path / "from-env"))
    assert store.find_root(None, cwd=repo / "services" / "api") == tmp_path / "from-env"


def test_find_root_git_repo_docs_ops_knowledge(repo: Path) -> None:
    assert store.find_root(None, cwd=repo / "services" / "api") == (
        repo / "docs" / "ops-knowledge"
    )
    (repo / "services" / "api" / ".git").write_text("gitdir: ../../.git/worktrees/api\n")
    assert store.find_root(None, cwd=repo / "services" / "api") == (
        repo / "services" / "api" / "docs" / "ops-knowledge"  # the nearest repository wins
    )


def test_find_root_falls_back_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPSWIZARD_KB", raising=False)
    plain = tmp_path / "plain"
    plain.mkdir()
    if any((p / ".git").exists() for p in (plain, *plain.parents)):
        pytest.skip("the temp folder is inside a git repository")
    assert store.find_root(None, cwd=plain) == plain


def test_cli_kb_option_beats_the_environment(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    env_kb, flag_kb = tmp_path / "env-kb", tmp_path / "flag-kb"
    for root, title in ((env_kb, "From the environment"), (flag_kb, "From the flag")):
        entry = new_entry(title=title, category="performance", date="2025-07-09T14:30:00Z")
        store.save_new(root if root.exists() else _mkdir(root), entry)
    monkeypatch.setenv("OPSWIZARD_KB", str(env_kb))
    from_env = CliRunner().invoke(main, ["list"])
    from_flag = CliRunner().invoke(main, ["list", "--kb", str(flag_kb)])
    from_group = CliRunner().invoke(main, ["--kb", str(flag_kb), "list"])
    assert "From the environment" in from_env.output and "From the flag" not in from_env.output
    assert "From the flag" in from_flag.output and "environment" not in from_flag.output
    assert "From the flag" in from_group.output


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path
