"""The command line: help, list ordering and filters, show --json, exit codes; and the field
kinds behind what validate reports (dates, categories, severities, durations)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from opswizard.cli import main
from opswizard.core import kinds, store
from opswizard.core.model import Action, Item, new_entry
from opswizard.core.parse import parse_text
from opswizard.core.template import FieldKind

from .conftest import SEED

runner = CliRunner()


def run(*args: str) -> Result:
    result = runner.invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


# -- help ----------------------------------------------------------------------------------------
COMMANDS = sorted(main.commands)


def test_the_commands_are_there() -> None:
    assert {"validate", "show", "list", "import", "browse"} <= set(COMMANDS)


def test_top_level_help_lists_every_command() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "write, validate and browse operational learning entries" in result.output
    for name in COMMANDS:
        assert f"  {name} " in result.output, name
    assert run("-h").output == result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_help_exits_0_and_explains_itself(name: str) -> None:
    command = main.commands[name]
    result = run(name, "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    summary = (command.help or "").strip().splitlines()[0]
    assert len(summary.split()) >= 4, f"{name}: help too thin: {summary!r}"
    assert summary[:40] in " ".join(result.output.split())
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help and len(param.help.split()) >= 2, f"{name} {param.opts}: no help"
            assert param.opts[-1] in result.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("opswizard, version ")


# -- exit codes ------------------------------------------------------------------------------------
def test_exit_0_when_all_is_well(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_bytes((SEED / "example1-service-issue.md").read_bytes())
    result = run("validate", str(good))
    assert (result.exit_code, result.stdout) == (0, "")


def test_exit_1_on_findings(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text((SEED / "example1-service-issue.md").read_text().replace(
        "**Duration**: 45 minutes", "**Duration**: soon"))
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:10: error: Duration: 'soon' is not a duration" in result.stdout
    assert run("validate", str(tmp_path / "missing.md")).exit_code == 1


def test_exit_1_on_warnings_unless_ignored(tmp_path: Path) -> None:
    path = tmp_path / "nozone.md"
    path.write_text((SEED / "example1-service-issue.md").read_text().replace(
        "2025-07-09T14:30:00Z", "2025-07-09T14:30:00"))
    assert run("validate", str(path)).exit_code == 1
    result = run("validate", "--ignore-warnings", str(path))
    assert (result.exit_code, result.stdout) == (0, "")


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--no-such-option"],
        ["--no-such-option"],
        ["no-such-command"],
        ["show"],  # missing PATH
        ["list", "--category", "outage"],
        ["list", "--severity", "SEV1"],
        ["list", "--status", "published"],
        ["import"],  # missing PATHS
    ],
)
def test_exit_2_on_usage_errors(args: list[str], kb: Path) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Usage:" in result.output and "Error:" in result.output
    assert "Traceback" not in result.output


# -- list ----------------------------------------------------------------------------------------
def _entry(title: str, date: str, category: str, severity: str, tags: list[str],
           status: str = "draft") -> Any:
    entry = new_entry(title=title, date=date, category=category, severity=severity,
                      related_services="Memory Service")
    entry.tags = tags
    entry.status = status  # type: ignore[assignment]
    return entry


@pytest.fixture
def listed_kb(kb: Path) -> Path:
    for entry in (
        _entry("Oldest pool exhaustion", "2024-01-05T10:00:00Z", "issue", "HIGH",
               ["connection-pool", "redis"]),
        _entry("Newest cache stampede", "2026-02-01T08:00:00Z", "performance", "MEDIUM",
               ["caching"], "final"),
        _entry("Middle config typo", "2025-07-09T14:30:00Z", "configuration", "LOW",
               ["validation", "redis"], "final"),
        _entry("Undated draft", "", "monitoring", "CRITICAL", []),
    ):
        store.save_new(kb, entry)
    # A hand-written entry at 23:30 -05:00 = 04:30Z the next day: after the Z one below it.
    (kb / "offset.md").write_text(
        "### Issue Summary\n- **Date**: 2025-07-09T23:30:00-05:00\n- **Category**: issue\n"
        "- **Title**: Offset evening deploy\n- **Severity**: HIGH\n"
    )
    (kb / "utc.md").write_text(
        "### Issue Summary\n- **Date**: 2025-07-10T03:00:00Z\n- **Category**: deployment\n"
        "- **Title**: UTC early morning rollback\n- **Severity**: medium\n"
    )
    return kb


def _titles(*args: str) -> list[str]:
    result = run("list", "--json", *args)
    assert result.exit_code == 0, result.output
    return [row["title"] for row in json.loads(result.stdout)["entries"]]


def test_list_is_newest_first_by_the_instant_not_the_text(listed_kb: Path) -> None:
    assert _titles() == [
        "Newest cache stampede",
        "Offset evening deploy",  # 2025-07-10T04:30Z
        "UTC early morning rollback",  # 2025-07-10T03:00Z
        "Middle config typo",
        "Oldest pool exhaustion",
        "Undated draft",  # undated entries last
    ]


def test_list_plain_output_is_one_row_per_entry_in_the_same_order(listed_kb: Path) -> None:
    result = run("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 6
    assert [next(t for t in _titles() if t in line) for line in lines] == _titles()
    assert lines[0].startswith("2026-02-01 08:00  MEDIUM")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--category", "issue"], ["Offset evening deploy", "Oldest pool exhaustion"]),
        (["--category", "ISSUE"], ["Offset evening deploy", "Oldest pool exhaustion"]),
        (["--severity", "high"], ["Offset evening deploy", "Oldest pool exhaustion"]),
        (["--severity", "MEDIUM"], ["Newest cache stampede", "UTC early morning rollback"]),
        (["--tag", "redis"], ["Middle config typo", "Oldest pool exhaustion"]),
        (["--tag", "Redis", "--tag", "connection_pool"], ["Oldest pool exhaustion"]),
        (["--status", "final"], ["Newest cache stampede", "Middle config typo"]),
        (["--status", "final", "--category", "performance"], ["Newest cache stampede"]),
        (["--tag", "nothing-has-this"], []),
    ],
)
def test_list_filters(listed_kb: Path, args: list[str], expected: list[str]) -> None:
    assert _titles(*args) == expected


def test_list_reports_unreadable_files_and_exits_1(listed_kb: Path) -> None:
    (listed_kb / "broken.md").write_bytes(b"\x00\x01binary")
    result = run("list", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [Path(u["path"]).name for u in data["unreadable"]] == ["broken.md"]
    assert len(data["entries"]) == 6
    assert "broken.md:1: error: binary file" in result.stderr


def test_list_of_an_empty_kb_says_so(kb: Path) -> None:
    result = run("list")
    assert result.exit_code == 0 and result.stdout == ""
    assert f"no entries in {kb}" in result.stderr


# -- show --json -----------------------------------------------------------------------------------
def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicated = {key for key in keys if keys.count(key) > 1}
    assert not duplicated, f"duplicate keys in JSON: {duplicated}"
    return dict(pairs)


def _show_json(path: Path) -> dict[str, Any]:
    result = run("show", "--json", str(path))
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.stdout, object_pairs_hook=_no_duplicates)
    return data


def test_show_json_has_every_field_once(tmp_path: Path) -> None:
    entry = new_entry(title="Pool exhausted [/] again", date="2026-01-14T10:05:00+01:00",
                      category="Issue", severity="high", related_services="Memory Service")
    entry.tags = ["connection-pool", "memory-service"]
    entry.resolution_steps.items = [Item(text="Raised the pool to 50"),
                                    Item(text="Added `pool_usage` alerting")]
    entry.follow_up_actions.items = [
        Action(text="Load-test the pool", owner="@dana", deadline="2026-03-01"),
        Action(text="Document sizing", done=True),
    ]
    path = store.save_new(tmp_path, entry)
    data = _show_json(path)
    assert data["title"] == "Pool exhausted [/] again"
    assert data["category"] == "issue"
    assert data["severity"] == "HIGH"
    assert data["date"] == "2026-01-14T09:05:00Z"
    assert data["tags"] == ["connection-pool", "memory-service"]
    assert data["resolution_steps"] == ["Raised the pool to 50", "Added `pool_usage` alerting"]
    assert data["follow_up_actions"] == [
        {"text": "Load-test the pool", "done": False, "owner": "@dana", "deadline": "2026-03-01"},
        {"text": "Document sizing", "done": True, "owner": "", "deadline": ""},
    ]
    assert data["path"] == str(path)
    assert isinstance(data["checklist"]["items"], list) and len(data["checklist"]["items"]) == 8


@pytest.mark.parametrize("name", sorted(p.name for p in SEED.glob("*.md")))
def test_show_json_of_the_seed_examples(name: str) -> None:
    data = _show_json(SEED / name)
    for key in ("title", "category", "severity", "date"):
        assert isinstance(data[key], str) and data[key]
    assert isinstance(data["tags"], list)
    assert isinstance(data["resolution_steps"], list) and len(data["resolution_steps"]) == 5
    assert all(isinstance(step, str) for step in data["resolution_steps"])
    actions = data["follow_up_actions"]
    assert len(actions) == 3
    assert all(set(a) == {"text", "done", "owner", "deadline"} for a in actions)


def test_show_without_json_prints_the_body(tmp_path: Path) -> None:
    result = run("show", str(SEED / "example1-service-issue.md"))
    assert result.exit_code == 0
    assert result.stdout == (SEED / "example1-service-issue.md").read_text()


def test_show_of_a_missing_file_is_exit_1(tmp_path: Path) -> None:
    result = run("show", "--json", str(tmp_path / "nope.md"))
    assert result.exit_code == 1
    assert "nope.md:1: error:" in result.stderr


# -- kinds ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-07-09T14:30:00Z", "2025-07-09T14:30:00Z"),
        ("2025-07-09T14:30:00z", "2025-07-09T14:30:00Z"),
        ("2025-07-09T16:30:00+02:00", "2025-07-09T14:30:00Z"),
        ("2025-07-09T09:30:00-05:00", "2025-07-09T14:30:00Z"),
        ("2025-07-09T23:30:00-05:00", "2025-07-10T04:30:00Z"),
        ("2025-07-09 14:30:00+00:00", "2025-07-09T14:30:00Z"),
        ("2025-07-09T14:30:00.123456Z", "2025-07-09T14:30:00Z"),
    ],
)
def test_dates_normalise_to_utc_z(raw: str, expected: str) -> None:
    assert kinds.normalise(FieldKind.DATE, raw) == expected
    assert kinds.check(FieldKind.DATE, raw) is None


@pytest.mark.parametrize(
    ("raw", "note"),
    [("2025-07-09T14:30:00", "no time zone"), ("2025-07-09", "date only")],
)
def test_a_date_without_zone_is_read_as_utc_with_a_warning(raw: str, note: str) -> None:
    problem = kinds.check(FieldKind.DATE, raw)
    assert problem is not None and problem.level == "warning"
    assert note in problem.message and "read as UTC" in problem.message
    assert kinds.normalise(FieldKind.DATE, raw).endswith("Z")


@pytest.mark.parametrize("raw", ["yesterday", "2025-13-45T99:00:00Z", "09/07/2025"])
def test_a_date_that_cannot_be_read_is_an_error_and_kept(raw: str) -> None:
    problem = kinds.check(FieldKind.DATE, raw)
    assert problem is not None and problem.level == "error"
    assert "ISO 8601" in problem.message
    assert kinds.normalise(FieldKind.DATE, raw) == raw  # never lost


@pytest.mark.parametrize(
    ("kind", "raw", "canonical"),
    [
        (FieldKind.CATEGORY, "Issue", "issue"),
        (FieldKind.CATEGORY, "PERFORMANCE", "performance"),
        (FieldKind.CATEGORY, " configuration ", "configuration"),
        (FieldKind.SEVERITY, "high", "HIGH"),
        (FieldKind.SEVERITY, "Critical", "CRITICAL"),
        (FieldKind.ENVIRONMENT, "production", "Production"),
    ],
)
def test_enums_are_case_insensitive_and_canonical(kind: FieldKind, raw: str,
                                                  canonical: str) -> None:
    assert kinds.normalise(kind, raw) == canonical
    assert kinds.check(kind, raw) is None


@pytest.mark.parametrize(
    ("kind", "raw", "fragment"),
    [
        (FieldKind.CATEGORY, "outage", "category 'outage' is not one of issue, performance"),
        (FieldKind.SEVERITY, "SEV1", "severity 'SEV1' is not one of LOW, MEDIUM, HIGH, CRITICAL"),
    ],
)
def test_unknown_enums_are_errors_and_kept(kind: FieldKind, raw: str, fragment: str) -> None:
    problem = kinds.check(kind, raw)
    assert problem is not None and problem.level == "error" and fragment in problem.message
    assert kinds.normalise(kind, raw) == raw


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        ("45 minutes", 45 * 60),
        ("1h 30m", 90 * 60),
        ("2 hours", 2 * 3600),
        ("1 hour 20 minutes", 80 * 60),
        ("1 hour and 20 minutes", 80 * 60),
        ("about 3 hours", 3 * 3600),
        ("90 min", 90 * 60),
    ],
)
def test_durations_parse(raw: str, seconds: int) -> None:
    assert kinds.parse_duration(raw) == seconds
    assert kinds.check(FieldKind.DURATION, raw) is None


@pytest.mark.parametrize("raw", ["soon", "a while", "45"])
def test_durations_that_are_not_durations_fail(raw: str) -> None:
    problem = kinds.check(FieldKind.DURATION, raw)
    assert problem is not None and problem.level == "error"
    assert f"{raw!r} is not a duration" in problem.message


def test_placeholders_and_empty_values_are_not_kind_errors() -> None:
    for kind in FieldKind:
        assert kinds.check(kind, "") is None
        assert kinds.check(kind, "[Brief descriptive title]") is None


def test_kinds_reach_validate_and_show(tmp_path: Path) -> None:
    path = tmp_path / "kinds.md"
    path.write_text(
        "### Issue Summary\n- **Date**: 2025-07-09T16:30:00+02:00\n- **Category**: Outage\n"
        "- **Title**: Kinds\n- **Severity**: high\n- **Duration**: soon\n"
    )
    entry = parse_text(path.read_text()).entry
    assert (entry.date, entry.category, entry.severity) == ("2025-07-09T14:30:00Z", "Outage",
                                                            "HIGH")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert f"{path}:3: error: Category: category 'Outage' is not one of" in result.stdout
    assert f"{path}:6: error: Duration: 'soon' is not a duration" in result.stdout
    assert "Date:" not in result.stdout and "Severity:" not in result.stdout
    data = _show_json(path)
    assert data["date"] == "2025-07-09T14:30:00Z" and data["duration_seconds"] is None


# -- import ----------------------------------------------------------------------------------------
UNDATED = "### Issue Summary\n- **Title**: Undated note\n- **Category**: issue\n"


def test_importing_an_undated_entry_twice_writes_it_once(kb: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """An undated entry is named by the time of import: a second import must still find it."""
    import opswizard.core.naming as naming

    source = tmp_path / "undated.md"
    source.write_text(UNDATED)
    first = run("import", str(source))
    assert first.exit_code == 0 and first.stdout.startswith("wrote ")
    written = Path(first.stdout.split(" ", 1)[1].strip())

    class Later(naming.datetime):  # type: ignore[misc, name-defined]
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return naming.datetime(2031, 1, 1, tzinfo=tz)

    monkeypatch.setattr(naming, "datetime", Later)
    again = run("import", str(source))
    assert (again.exit_code, again.stdout) == (0, f"unchanged {written}\n")
    assert [p for p in kb.rglob("*.md")] == [written]


def test_import_onto_a_name_taken_by_a_folder_or_link_is_no_crash(kb: Path, tmp_path: Path) -> None:
    source = tmp_path / "entry.md"
    source.write_bytes((SEED / "example1-service-issue.md").read_bytes())
    dry = run("import", "--dry-run", str(source))
    target = Path(dry.stdout.removeprefix("would write ").strip())
    target.parent.mkdir(parents=True)
    target.mkdir()  # a folder where the file would go
    result = run("import", str(source))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("wrote ") and "-2.md" in result.stdout
    target.rmdir()
    target.symlink_to(tmp_path / "elsewhere.md")  # a dangling link where the file would go
    result = run("import", str(source))
    assert result.exit_code == 0, result.output
    assert "unchanged" in result.stdout  # the -2 copy holds the same bytes
    assert not (tmp_path / "elsewhere.md").exists()
