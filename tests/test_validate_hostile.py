"""`opswizard validate` over malformed and hostile files: a finding per file, never a crash.

Each file must give at least one `PATH:LINE: error: ...` line, no traceback, exit code 1,
and memory must stay small even for an alias bomb. `--json` lists a finding per file.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from opswizard.cli import main

from .conftest import SEED

SEED_TEXT = (SEED / "example1-service-issue.md").read_text()


def _with_frontmatter(front: str) -> bytes:
    return f"---\n{front}---\n{SEED_TEXT}".encode()


def _alias_bomb() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 9):
        prev, cur = chr(ord("a") + n - 1), chr(ord("a") + n)
        lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    lines.append("tags: *i")
    return _with_frontmatter("\n".join(lines) + "\n")


def _latin1() -> bytes:
    text = SEED_TEXT.replace(
        "Memory Service Connection Pool Exhaustion", "Überlastung des Zahlungsdienstes – Café"
    )
    return text.encode("latin-1", errors="replace")


def _conflict() -> bytes:
    return SEED_TEXT.replace(
        "- **Severity**: HIGH\n",
        "<<<<<<< HEAD\n- **Severity**: HIGH\n=======\n- **Severity**: CRITICAL\n"
        ">>>>>>> incident-review\n",
    ).encode()


def _huge() -> bytes:
    filler = "- Observed: connection timeouts on every shard of the cluster\n" * 84_000
    data = SEED_TEXT.replace("### Learning Points\n", "### Learning Points\n" + filler)
    return data.encode()


HOSTILE: dict[str, Callable[[], bytes]] = {
    "binary.md": lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    "latin1.md": _latin1,
    "empty.md": lambda: b"",
    "frontmatter-list.md": lambda: _with_frontmatter("- id\n- status\n- tags\n"),
    "frontmatter-unclosed.md": lambda: b"---\nid: 1\nstatus: draft\n" + SEED_TEXT.encode(),
    "bad-category.md": lambda: SEED_TEXT.replace("**Category**: issue", "**Category**: outage")
    .encode(),
    "bad-severity.md": lambda: SEED_TEXT.replace("**Severity**: HIGH", "**Severity**: SEV1")
    .encode(),
    "alias-bomb.md": _alias_bomb,
    "python-tag.md": lambda: _with_frontmatter(
        "id: !!python/object/apply:os.system ['touch PWNED-BY-YAML']\n"
    ),
    "nested-brackets.md": lambda: _with_frontmatter("tags: " + "[" * 5000 + "]" * 5000 + "\n"),
    "duplicate-keys.md": lambda: _with_frontmatter("status: draft\nstatus: final\n"),
    "merge-conflict.md": _conflict,
    "five-megabytes.md": _huge,
}

# What each file's error says (a fragment), so a finding about something else does not pass.
REASON = {
    "binary.md": "binary file",
    "latin1.md": "not UTF-8",
    "empty.md": "no template sections",
    "frontmatter-list.md": "frontmatter is a list",
    "frontmatter-unclosed.md": "never closed",
    "bad-category.md": "category 'outage' is not one of",
    "bad-severity.md": "severity 'SEV1' is not one of",
    "alias-bomb.md": "anchors and aliases are not allowed",
    "python-tag.md": "is not allowed",
    "nested-brackets.md": "nested too deeply",
    "duplicate-keys.md": "duplicate key 'status'",
    "merge-conflict.md": "merge conflict marker",
    "five-megabytes.md": "over the",
}
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<level>error|warning): (?P<msg>.+)$")


@pytest.fixture
def hostile_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    for name, make in HOSTILE.items():
        (folder / name).write_bytes(make())
    return folder


def _validate(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def test_the_fixtures_are_what_they_claim(hostile_dir: Path) -> None:
    assert b"\x00" in (hostile_dir / "binary.md").read_bytes()
    latin = (hostile_dir / "latin1.md").read_bytes()
    assert "Überlastung".encode("latin-1") in latin
    with pytest.raises(UnicodeDecodeError):
        latin.decode("utf-8")
    assert (hostile_dir / "empty.md").stat().st_size == 0
    assert (hostile_dir / "five-megabytes.md").stat().st_size > 5_000_000


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_file_is_an_error_line_not_a_traceback(
    hostile_dir: Path, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = hostile_dir / name
    before = path.read_bytes()
    code, out, err = _validate(str(path))
    assert code == 1
    assert "Traceback" not in out + err
    errors = [m for m in map(LINE.match, out.splitlines()) if m and m["level"] == "error"]
    assert errors, out
    assert all(m["path"] == str(path) for m in errors)
    assert any(REASON[name] in m["msg"] for m in errors), out
    assert "1 file checked" in err
    assert path.read_bytes() == before  # validate never writes
    assert not (tmp_path / "PWNED-BY-YAML").exists()  # no tag ever ran


def test_line_numbers_point_at_the_problem(hostile_dir: Path) -> None:
    expected = {
        "binary.md": 3,  # the PNG signature holds two newlines before its first NUL
        "duplicate-keys.md": 3,  # the second `status:` key
        "merge-conflict.md": 9,  # `<<<<<<< HEAD`, where Severity was
        "bad-severity.md": 9,
        "bad-category.md": 7,
    }
    for name, line in expected.items():
        _, out, _ = _validate(str(hostile_dir / name))
        lines = [m for m in map(LINE.match, out.splitlines()) if m and m["level"] == "error"]
        assert any(int(m["line"]) == line and REASON[name] in m["msg"] for m in lines), (name,
                                                                                         out)


def test_a_folder_of_hostile_files_reports_every_one(hostile_dir: Path) -> None:
    code, out, err = _validate(str(hostile_dir))
    assert code == 1
    assert "Traceback" not in out + err
    paths = {m["path"] for m in map(LINE.match, out.splitlines()) if m and m["level"] == "error"}
    assert paths == {str(hostile_dir / name) for name in HOSTILE}
    assert f"{len(HOSTILE)} files checked" in err


def test_json_output_parses_and_lists_a_finding_per_file(hostile_dir: Path) -> None:
    code, out, _ = _validate("--json", str(hostile_dir))
    assert code == 1
    report = json.loads(out)
    assert report["checked"] == len(HOSTILE)
    by_path = {Path(f["path"]).name: f["findings"] for f in report["files"]}
    assert sorted(by_path) == sorted(HOSTILE)
    for name, findings in by_path.items():
        assert any(f["level"] == "error" and REASON[name] in f["message"] for f in findings), name
        assert all(isinstance(f["line"], int) for f in findings)
    assert report["errors"] >= len(HOSTILE)


def test_alias_bomb_memory_stays_small(hostile_dir: Path) -> None:
    """Billion laughs: 9**9 strings if anything expanded it; refused at the event scan."""
    tracemalloc.start()
    try:
        code, out, _ = _validate(str(hostile_dir / "alias-bomb.md"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 1 and "anchors and aliases" in out
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_five_megabytes_memory_stays_small(hostile_dir: Path) -> None:
    tracemalloc.start()
    try:
        code, _, _ = _validate(str(hostile_dir / "five-megabytes.md"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 1
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_in_a_real_process_nothing_crashes_and_memory_is_bounded(hostile_dir: Path) -> None:
    """CliRunner shares this process; a real one shows segfaults and the true peak RSS."""
    # VmHWM is this process's own peak; ru_maxrss would carry over pytest's own size,
    # which Linux keeps across the fork and exec.
    code = (
        "import re, sys\n"
        "from opswizard.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    status = open('/proc/self/status').read()\n"
        "    print('RSS', re.search(r'VmHWM:\\s+(\\d+) kB', status)[1], file=sys.stderr)\n"
        "    raise\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "validate", str(hostile_dir)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr  # a segfault would be -11
    assert "Traceback" not in proc.stdout + proc.stderr
    rss_kib = int(re.search(r"RSS (\d+)", proc.stderr)[1])  # type: ignore[index]
    assert rss_kib < 200 * 1024, f"max RSS {rss_kib / 1024:.0f} MiB"
    assert len({m["path"] for m in map(LINE.match, proc.stdout.splitlines()) if m}) == len(
        HOSTILE
    )


def test_a_good_file_next_to_them_still_passes(hostile_dir: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_bytes((SEED / "example1-service-issue.md").read_bytes())
    code, out, err = _validate(str(good))
    assert (code, out) == (0, "")
    assert "1 file checked: 0 errors, 0 warnings" in err
