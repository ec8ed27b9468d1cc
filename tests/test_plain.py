"""Plain mode (`new --plain`, `edit --plain`, TERM=dumb): one question per line, same rules."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from opswizard.cli import main
from opswizard.core import journal
from opswizard.core.parse import parse_bytes
from opswizard.plain import PlainWizard

ANSWERS: dict[str, list[str]] = {
    "Date": ["yesterday", "2026-03-04T10:20:30+02:00"],  # the first is refused, then asked again
    "Category": ["4"],  # deployment, by number
    "Title": ["Bad deploy of payments-api"],
    "Severity": ["crit"],  # CRITICAL, by its start
    "Duration": ["1h 30m"],
    "Impact": ["Checkout failing for 12% of users"],
    "Tags": ["payments, deploy"],
    "System State": ["Normal load"],
    "Symptoms": ["HTTP 502 from checkout"],
    "Environment": ["prod"],
    "Related Services": ["payments-api"],
    "Trigger": ["Release 4.2 rolled out"],
    "Primary Cause": ["Missing migration"],
    "Resolution Steps": ["Rolled back to 4.1", "Ran the migration"],
    "Follow-up action": ["Add a migration check to CI"],
    "  Owner": ["@dana"],
    "  Deadline": ["2026-13-01", "2026-04-01"],  # a bad date is asked again
    "Before": ["timeout: 5"],
    "After": ["timeout: 30"],
    "Save as": ["d"],
}
LISTS = {"Resolution Steps", "Before", "After"}  # answers that go on over several lines


def responder(answers: dict[str, list[str]], asked: list[str]):  # type: ignore[no-untyped-def]
    """Answers prompts by their start; a list's further lines (`  > `, `  | `) take the
    rest of the values of the prompt that started it; blocks end with `.`."""
    pending = {key: list(values) for key, values in answers.items()}
    last: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        if prompt.strip() in (">", "|"):
            if last and last[0] in LISTS and pending[last[0]]:
                return pending[last[0]].pop(0)
            return "." if prompt.strip() == "|" else ""
        for key, values in pending.items():
            if prompt.startswith(key) and values:
                last[:] = [key]
                return values.pop(0)
        last[:] = []
        return "." if "'.'" in prompt and "to keep" not in prompt else ""

    return ask


def _walk(root: Path, path: Path | None = None, answers: dict[str, list[str]] = ANSWERS
          ) -> tuple[Path | None, list[str], list[str]]:
    asked: list[str] = []
    said: list[str] = []
    wizard = PlainWizard(root, path, responder(answers, asked), said.append)
    return wizard.run(), asked, said


def test_every_answer_lands_in_its_own_field(kb: Path) -> None:
    saved, asked, said = _walk(kb)
    assert saved is not None and saved.is_relative_to(kb)
    entry = parse_bytes(saved.read_bytes()).entry
    assert entry.date == "2026-03-04T08:20:30Z"
    assert entry.category == "deployment"
    assert entry.title == "Bad deploy of payments-api"
    assert entry.severity == "CRITICAL"
    assert entry.get("duration") == "1h 30m"
    assert entry.get("environment") == "Production"
    assert entry.get("symptoms") == "HTTP 502 from checkout"
    assert entry.get("primary_cause") == "Missing migration"
    assert [i.text for i in entry.section("resolution_steps").items] == [
        "Rolled back to 4.1", "Ran the migration"]
    (action,) = entry.section("follow_up_actions").items
    assert (action.text, action.owner, action.deadline) == (
        "Add a migration check to CI", "@dana", "2026-04-01")
    assert entry.tags == ["payments", "deploy"]
    assert entry.status == "draft"
    assert "deployment" in str(saved.relative_to(kb)).split(os.sep)[0] or saved.exists()


def test_a_refused_value_is_asked_again_with_the_reason(kb: Path) -> None:
    _, asked, said = _walk(kb)
    assert sum(p.startswith("Date") for p in asked) == 2
    assert any("not an ISO 8601 date" in line for line in said)
    assert sum(p.startswith("  Deadline") for p in asked) == 2


def test_the_checklist_is_printed_before_saving(kb: Path) -> None:
    _, _, said = _walk(kb)
    start = said.index("Checklist:")
    assert len([line for line in said[start + 1:] if line.startswith("  ")]) >= 8
    assert any(line.startswith("  FAIL") for line in said[start:])


def test_final_with_a_failing_checklist_asks_why(kb: Path) -> None:
    answers = {**ANSWERS, "Save as": ["f"], "The checklist fails": ["", "Reviewed in the retro"]}
    saved, asked, _ = _walk(kb, answers=answers)
    assert saved is not None
    entry = parse_bytes(saved.read_bytes()).entry
    assert entry.status == "final" and entry.checklist_override == "Reviewed in the retro"
    assert sum(p.startswith("The checklist fails") for p in asked) == 2


def test_quit_saves_nothing_and_keeps_a_journal(kb: Path) -> None:
    saved, _, said = _walk(kb, answers={**ANSWERS, "Save as": ["q"]})
    assert saved is None
    assert not list(kb.rglob("*.md"))
    pending = journal.pending(kb)
    assert pending and pending[0].title == "Bad deploy of payments-api"


def test_control_characters_typed_never_reach_the_file(kb: Path) -> None:
    answers = {**ANSWERS, "Title": ["Pool \x1b]52;c;aGk=\x07exhausted\x9b"]}
    saved, _, _ = _walk(kb, answers=answers)
    assert saved is not None
    data = saved.read_bytes()
    assert b"\x1b" not in data and b"\x07" not in data and "\x9b".encode() not in data


def test_edit_with_every_answer_kept_writes_nothing(kb: Path) -> None:
    saved, _, _ = _walk(kb)
    assert saved is not None
    before = saved.read_bytes()
    mtime = saved.stat().st_mtime_ns
    again, _, said = _walk(kb, saved, answers={"Save as": ["d"]})
    assert again == saved
    assert saved.read_bytes() == before and saved.stat().st_mtime_ns == mtime
    assert any("nothing written" in line for line in said)


def test_edit_changes_only_what_was_answered(kb: Path) -> None:
    saved, _, _ = _walk(kb)
    assert saved is not None
    before = saved.read_bytes().decode().split("\n")
    _walk(kb, saved, answers={"Impact": ["Checkout failing for 15% of users"], "Save as": ["d"]})
    after = saved.read_bytes().decode().split("\n")
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("- **Impact**: Checkout failing for 12% of users",
                        "- **Impact**: Checkout failing for 15% of users")]


def test_term_dumb_chooses_plain_mode(kb: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TERM", "dumb")
    result = CliRunner().invoke(main, ["new"], input="")
    assert result.exit_code == 1
    assert "New entry in" in result.output and "kept for recovery" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# -- through a real pseudo-terminal -----------------------------------------------------------
class Prompter:
    """Runs `opswizard new --plain` in a pty and answers each prompt as it appears."""

    def __init__(self, kb: Path, env: dict[str, str]) -> None:
        master, slave = os.openpty()
        self.master = master
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "opswizard", "new", "--plain", "--kb", str(kb)],
            stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
        os.close(slave)
        self.screen = b""

    def next_prompt(self, timeout: float = 30.0) -> str | None:
        """Read until the output ends in a prompt (`: ` or `? `), or the program ends."""
        deadline = time.monotonic() + timeout
        start = len(self.screen)
        while time.monotonic() < deadline:
            tail = self.screen[start:]
            if tail.rstrip(b" ").endswith((b":", b"?", b">", b"|")) and tail.endswith(b" "):
                return tail.decode(errors="replace").split("\n")[-1]
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    return None
                if not chunk:
                    return None
                self.screen += chunk.replace(b"\r\n", b"\n")
            elif self.proc.poll() is not None:
                return None
        raise AssertionError(f"no prompt within {timeout} s; screen ends: {self.screen[-300:]!r}")

    def answer(self, text: str) -> None:
        os.write(self.master, text.encode() + b"\r")

    def close(self) -> None:
        try:
            self.proc.wait(timeout=30)
        finally:
            os.close(self.master)


def test_plain_mode_through_a_pseudo_terminal_saves_what_was_typed(
    kb: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "OPSWIZARD_KB": str(kb)}
    term = Prompter(kb, env)
    asked: list[str] = []
    ask = responder(ANSWERS, asked)
    try:
        while (prompt := term.next_prompt()) is not None:
            # the tty echoes what was typed: the prompt is what follows the last newline
            term.answer(ask(prompt))
    finally:
        term.close()
    assert term.proc.returncode == 0, term.screen[-500:]
    (saved,) = list(kb.rglob("*.md"))
    via_pty = saved.read_bytes()
    # The same answers given in-process make the same file (but for its random id).
    other = tmp_path / "other"
    other.mkdir()
    direct, _, _ = _walk(other)
    assert direct is not None

    def without_id(data: bytes) -> list[bytes]:
        return [line for line in data.split(b"\n") if not line.startswith(b"id: ")]

    assert without_id(via_pty) == without_id(direct.read_bytes())
    assert b"Traceback" not in term.screen
    shutil.rmtree(other)
