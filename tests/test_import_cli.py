"""`opswizard import` on documents in other layouts: what the user sees on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from opswizard.cli import main

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_a_google_sre_postmortem_is_imported_with_its_facts(kb: Path) -> None:
    result = run("import", str(LAYOUTS / "sre-01-checkout-flag.md"))
    assert result.exit_code == 0, result.output
    written = Path(result.stdout.removeprefix("wrote ").strip())
    assert written.name.startswith("ops-learning-2024-03-02-09-08-00-configuration-checkout-api")
    shown = json.loads(run("show", "--json", str(written)).stdout)
    assert shown["title"] == "Checkout API outage (incident #42)"
    assert shown["severity"] == "HIGH"
    assert [a["owner"] for a in shown["follow_up_actions"]] == ["@dana", "lee"]
    assert "imported 1 (0 final, 1 draft)" in result.stderr


def test_dry_run_says_where_each_heading_goes_and_writes_nothing(kb: Path) -> None:
    result = run("import", "--dry-run", str(LAYOUTS / "sre-01-checkout-flag.md"))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("would write ")
    assert "line 13: 'Root Causes' -> Root Cause Analysis / Primary Cause" in result.stderr
    assert "severity: 'HIGH' (line 4: Severity 'SEV-2')" in result.stderr
    assert "kept as is: line 38 'Timeline'" in result.stderr
    assert not any(kb.rglob("*.md"))


def test_json_plan_lists_mappings_facts_and_kept_sections(kb: Path) -> None:
    result = run("import", "--dry-run", "--json", str(LAYOUTS / "sre-01-checkout-flag.md"))
    data = json.loads(result.stdout)
    (row,) = data["files"]
    assert row["action"] == "write" and row["lines_lost"] == 0
    assert {"line": 21, "heading": "Resolution", "to": "Resolution Steps"} in row["mappings"]
    assert row["facts"]["date"]["value"] == "2024-03-02T09:08:00Z"
    assert [k["heading"] for k in row["kept"]] == ["Timeline", "Supporting information"]


def test_a_second_import_is_unchanged_and_a_changed_source_needs_update(
        kb: Path, tmp_path: Path) -> None:
    source = tmp_path / "outage.md"
    source.write_bytes((LAYOUTS / "sre-01-checkout-flag.md").read_bytes())
    first = run("import", str(source))
    written = Path(first.stdout.removeprefix("wrote ").strip())
    assert run("import", str(source)).stdout == f"unchanged {written}\n"
    source.write_text(source.read_text().replace("About 12%", "About 15%"))
    changed = run("import", str(source))
    assert changed.stdout.startswith(f"changed {source}: {written}")
    assert "15%" not in written.read_text()
    updated = run("import", "--update", str(source))
    assert updated.stdout == f"updated {written}\n", updated.output
    assert "About 15% of orders failed." in written.read_text()
    assert len(list(kb.rglob("*.md"))) == 1


def test_show_map_prints_the_map_and_a_team_can_extend_it(kb: Path, tmp_path: Path) -> None:
    (kb / ".opswizard").mkdir()
    (kb / ".opswizard" / "layouts.toml").write_text(
        '[headings]\n"Blast radius" = "impact"\n"Oops" = "nowhere"\n')
    result = run("import", "--show-map")
    assert result.exit_code == 0
    assert any(line.split()[:3] == ["heading", "Root", "Causes"] and
               line.endswith("Root Cause Analysis / Primary Cause [Google SRE]")
               for line in result.stdout.splitlines())
    assert "Blast radius" in result.stdout
    assert "heading 'Oops': unknown target 'nowhere'" in result.stderr
    source = tmp_path / "x.md"
    source.write_text("# Disk full on db-3\n\n## Blast radius\nAll writes failed.\n")
    written = Path(run("import", str(source)).stdout.removeprefix("wrote ").strip())
    assert json.loads(run("show", "--json", str(written)).stdout)["impact"] == \
        "All writes failed."


def test_secrets_are_redacted_and_listed_unless_kept(kb: Path, tmp_path: Path) -> None:
    source = tmp_path / "leak.md"
    source.write_text("# Queue stall\n\n## Summary\nThe worker used AKIAIOSFODNN7EXAMPLE "
                      "to reach the bucket.\n")
    dry = run("import", "--dry-run", str(source))
    assert "line 4: aws access key redacted" in dry.stderr
    written = Path(run("import", str(source)).stdout.removeprefix("wrote ").strip())
    text = written.read_text()
    assert "AKIAIOSFODNN7EXAMPLE" not in text and "<redacted:aws-access-key>" in text
    kept = run("import", "--keep-secrets", "--kb", str(tmp_path / "other"), str(source))
    assert "AKIAIOSFODNN7EXAMPLE" in Path(kept.stdout.removeprefix("wrote ").strip()).read_text()


def test_the_template_s_placeholders_never_name_the_file(kb: Path) -> None:
    template = Path(__file__).parent / "fixtures" / "template.md"
    result = run("import", "--dry-run", str(template))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("-unsorted-untitled.md")


def test_a_windows_file_with_a_bom_keeps_its_line_endings_and_bom(kb: Path) -> None:
    from opswizard.core import layouts
    from opswizard.core.importer import convert

    data = b"\xef\xbb\xbf" + (LAYOUTS / "sre-02-search-index.md").read_bytes().replace(
        b"\n", b"\r\n")
    conversion = convert(data, "search.md", layouts.builtin())
    assert conversion.data is not None and conversion.data.startswith(b"\xef\xbb\xbf")
    assert conversion.data.count(b"\n") == conversion.data.count(b"\r\n")
    assert conversion.entry is not None
    assert conversion.entry.title == "Search Index Rebuild (incident #117)"
    assert convert(conversion.data, "again.md", layouts.builtin()).data == conversion.data
