"""The MCP server's parts, in process: what goes out (bounded, clean, redacted), drafts built
from typed fields (checked like the wizard's input, never a path out of the knowledge base),
the error guard of every tool, and import hygiene (no Textual, no SDK for other commands)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opswizard.core.naming import FILE_RE, file_name, folder
from opswizard.mcp import drafts, output


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300)
    return set(out.stdout.split())


# -- imports ------------------------------------------------------------------------------------
def test_the_server_path_imports_no_textual() -> None:
    modules = _modules_after("import opswizard.commands.mcp, opswizard.mcp.server")
    assert "mcp.server.mcpserver" in modules
    assert not any(m == "textual" or m.startswith("textual.") for m in modules)


def test_other_commands_do_not_pay_for_the_sdk() -> None:
    modules = _modules_after("import opswizard.cli; opswizard.cli.main.commands")  # all listed
    assert "opswizard.commands.mcp" in modules
    assert not any(m == "mcp" or m.startswith(("mcp.", "mcp_types")) for m in modules)


# -- output ------------------------------------------------------------------------------------
def test_clean_removes_controls_and_keeps_newlines() -> None:
    text = "a\x1b]52;c;aGk=\x07b\x1b[2Jc\u202ed\x9be\tf\ng"
    assert output.clean(text) == "abcde\tf\ng"


def test_clean_truncates_with_a_note_saying_how_much_is_left() -> None:
    out = output.clean("word " * 1000, 100, "; read it whole")
    assert out.startswith("word word") and len(out) < 200
    assert out.endswith(" more characters; read it whole]")
    assert f"[truncated: {5000 - len(out.split('…')[0]):,} more" in out


def test_bound_cleans_every_string_of_a_nested_answer() -> None:
    data = {"a\x1b": ["x\x07", {"y": "z" * 50}], "n": 3, "b": None}
    assert output.bound(data, 10) == {"a": ["x", {"y": "z" * 10 + "… [truncated: 40 more "
                                                   "characters]"}], "n": 3, "b": None}


def test_fit_drops_items_past_the_budget_and_says_so() -> None:
    answer = {"entries": [{"t": "x" * 100} for _ in range(50)]}
    fitted = output.fit(answer, "entries", budget=2_000)
    assert 0 < len(fitted["entries"]) < 50
    assert fitted["omitted"] == 50 - len(fitted["entries"])
    assert output.size(fitted) <= 2_000 + 200
    small = {"entries": [1, 2]}
    assert output.fit(small, "entries") == {"entries": [1, 2]}


def test_every_outgoing_string_passes_the_redact_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    def scanner(text: str) -> tuple[str, list[object]]:  # the secret scanner's shape
        return text.replace("hunter2", "<redacted:password>"), []

    monkeypatch.setattr(output, "redact", output.adapt(scanner))
    assert output.bound({"k": ["password=hunter2"]}) == {"k": ["password=<redacted:password>"]}
    assert output.clean("x" * 10 + " password=hunter2", 12).startswith("xxxxxxxxxx p")


TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"  # a fake GitHub token, well formed


def test_secrets_are_redacted_with_one_scan_per_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = output.redact

    def counting(text: str) -> str:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(output, "redact", counting)
    answer = output.bound({"steps": [f"export GITHUB_TOKEN={TOKEN}", "restarted the pods"],
                           "title": "Deploy key leak", "n": 2})
    assert len(calls) == 1
    assert TOKEN not in str(answer) and "<redacted:" in answer["steps"][0]
    assert answer["steps"][0].startswith("export GITHUB_TOKEN=")
    assert answer["steps"][1] == "restarted the pods" and answer["title"] == "Deploy key leak"


def test_a_redaction_across_strings_falls_back_to_one_scan_each(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "redact", lambda text: text.replace("a\n\x1f\nb", "<r>"))
    assert output.redact_many(["a", "b", "c"]) == ["a", "b", "c"]


# -- drafts --------------------------------------------------------------------------------------
def test_the_draft_parameters_follow_the_template() -> None:
    from opswizard.core.template import SECTIONS, SectionKind

    names = [p.name for p in drafts.PARAMETERS]
    expected = []
    for spec in SECTIONS:
        if spec.kind is SectionKind.FIELDS:
            expected += [f.key for f in spec.fields]
        else:
            expected.append(spec.key)
    assert names == [*expected, "tags", "markdown"]


def test_build_checks_like_the_wizard_and_lists_every_reason() -> None:
    with pytest.raises(drafts.FieldErrors) as caught:
        drafts.build({"title": "t", "category": "issue", "severity": "LOW",
                      "date": "2026-13-45", "duration": "soonish",
                      "follow_up_actions": [drafts.FollowUp(text="x", due="31/12/2026")]})
    reasons = " | ".join(caught.value.reasons)
    assert "date" in reasons and "duration" in reasons and "follow_up_actions[1].due" in reasons


def test_build_keeps_warnings_as_notes_and_normalises() -> None:
    entry, notes = drafts.build({"title": "  Disk full\x1b[2J ", "category": "issue",
                                 "severity": "LOW", "date": "2026-02-03",
                                 "environment": "qa", "tags": ["Disk Space", "disk_space"]})
    assert entry.title == "Disk full" and entry.date == "2026-02-03T00:00:00Z"
    assert entry.tags == ["disk-space"] and entry.status == "draft"
    assert any("date only" in n for n in notes) and any("environment" in n for n in notes)


@settings(max_examples=200, deadline=None)
@given(title=st.text(min_size=1, max_size=300), service=st.text(max_size=80))
def test_no_title_or_service_leads_a_draft_out_of_its_folder(title: str, service: str) -> None:
    root = Path("/kb")
    entry, _ = drafts.build({"title": title, "category": "issue", "severity": "LOW",
                             "date": "2026-01-01T00:00:00Z", "related_services": [service]})
    target = root / folder(entry) / file_name(entry)
    assert target.parent.parent == root / "issues"
    assert ".." not in target.parts and FILE_RE.match(target.name)


# -- the tool guard -----------------------------------------------------------------------------
def test_an_unexpected_failure_is_an_error_result_not_a_crash() -> None:
    from mcp.server.mcpserver.exceptions import ToolError

    from opswizard.mcp.server import _tool_errors

    @_tool_errors
    def broken() -> None:
        raise ZeroDivisionError("boom")

    @_tool_errors
    def missing() -> None:
        raise FileNotFoundError(2, "No such file", "/kb/x.md")

    with pytest.raises(ToolError, match="internal error in broken .ZeroDivisionError.; the "
                                        "server is still running"):
        broken()
    with pytest.raises(ToolError, match="FileNotFoundError"):
        missing()


# -- the command --------------------------------------------------------------------------------
def test_no_knowledge_base_folder_is_a_usage_error(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "opswizard", "mcp", "--kb",
                          str(tmp_path / "missing")], capture_output=True, text=True,
                         timeout=300, stdin=subprocess.DEVNULL)
    assert out.returncode == 2 and out.stdout == ""
    assert "no knowledge base folder" in out.stderr


def test_without_the_sdk_the_command_says_how_to_get_it(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['mcp'] = None; from opswizard.cli import main; "
            f"main(['mcp', '--kb', {str(tmp_path)!r}])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, stdin=subprocess.DEVNULL)
    assert out.returncode == 2 and out.stdout == ""
    assert "pip install 'opswizard[mcp]'" in out.stderr


# -- finding an entry -----------------------------------------------------------------------------
def test_an_id_or_name_two_entries_share_asks_for_a_path(tmp_path: Path) -> None:
    import shutil

    from opswizard.demo import source
    from opswizard.mcp.backend import Backend, UnknownEntry

    root = Path(shutil.copytree(source(), tmp_path / "kb"))
    original = next(root.glob("issues/redis/*.md"))
    twin = root / "issues" / "elsewhere" / original.name
    twin.parent.mkdir()
    shutil.copyfile(original, twin)
    backend = Backend(root)
    key = original.relative_to(root).as_posix()
    assert backend.find(key).key == key
    assert backend.find(str(twin)).key == twin.relative_to(root).as_posix()
    entry_id = backend.find(key).summary.id
    for wanted in (entry_id, original.name):
        with pytest.raises(UnknownEntry, match="2 entries answer to .*ask for one by its path"):
            backend.find(wanted)
    with pytest.raises(UnknownEntry, match="no entry"):
        backend.find("redis")  # a part of a name is not a name
