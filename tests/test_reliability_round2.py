"""Issue 12: the second fault pass. One test (or more) per defect, named for it; each failed
on the code before the fix. RELIABILITY.md scenarios 29-34 are the ones these hold.

The pseudo-terminal tests run the real program, close its terminal (or signal it) at random
moments and wait for it to end (up to a generous 15 s: a busy machine cannot fail them);
they print the distribution of exit times.
"""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from textual import events
from textual.widgets import Input

from opswizard.cli import main
from opswizard.core import journal, store
from opswizard.core.kinds import is_placeholder
from opswizard.core.parse import parse_bytes
from opswizard.tui.app import OpsWizardApp
from opswizard.tui.screens.dialogs import ChoiceDialog
from opswizard.tui.screens.recovery import RecoveryScreen
from opswizard.tui.screens.wizard import WizardScreen

from .conftest import SEED
from .keys_helpers import until
from .pty_helpers import Terminal

SIZE = (160, 50)
SEED_BYTES = (SEED / "example1-service-issue.md").read_bytes()
SEED_TITLE = "Memory Service Connection Pool Exhaustion"


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under a folder (not following links), by relative path, with its bytes."""
    found = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            if not path.is_symlink():
                found[str(path.relative_to(folder))] = path.read_bytes()
    return found


async def wait_for(pilot, condition) -> None:  # type: ignore[no-untyped-def]
    await until(pilot, condition)


async def wizard_of(pilot) -> WizardScreen:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, WizardScreen))
    await pilot.pause()
    return pilot.app.screen  # type: ignore[no-any-return]


def messages(app: OpsWizardApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


# == 2. No writes outside the knowledge base ===================================================
@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the knowledge base, holding one entry, linked into the KB as
    `KB/linkdir`."""
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere, "victim.md", SEED_BYTES)
    return elsewhere


def test_defect_2_save_over_refuses_a_target_through_a_symlinked_folder(
    kb: Path, outside: Path
) -> None:
    (kb / "linkdir").symlink_to(outside, target_is_directory=True)
    before = tree_bytes(outside)
    with pytest.raises(store.StoreError, match="outside the knowledge base"):
        store.save_over(kb / "linkdir" / "victim.md", b"pwned", root=kb)
    with pytest.raises(store.StoreError, match="outside the knowledge base"):
        store.save_over(outside / "victim.md", b"pwned", root=kb)
    with pytest.raises(TypeError):
        store.save_over(outside / "victim.md", b"pwned")  # type: ignore[call-arg]
    assert tree_bytes(outside) == before


async def test_defect_2_edit_through_a_symlinked_folder_never_writes_outside(
    kb: Path, outside: Path
) -> None:
    """Save, save-as (conflict copy), rename and import (ctrl+s on an outside file) and
    recovery: not one byte lands outside the knowledge base."""
    (kb / "linkdir").symlink_to(outside, target_is_directory=True)
    before = tree_bytes(outside)
    for path in (kb / "linkdir" / "victim.md", outside / "victim.md"):
        app = OpsWizardApp(kb, mode="edit", path=path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await wizard_of(pilot)
            assert "outside the knowledge base" in screen.read_only_reason
            screen.query_one("#field-title", Input).value = "Renamed by the wizard"
            await pilot.pause()
            await pilot.press("ctrl+s")  # offers to import a copy into the knowledge base
            await wait_for(pilot, lambda app=app: isinstance(app.screen, ChoiceDialog))
            await pilot.click("#import")
            await wait_for(pilot, lambda screen=screen: screen.saved_path is not None)
            saved = screen.saved_path
            assert saved is not None and store.is_inside(kb, saved)
            assert parse_bytes(saved.read_bytes()).entry.title == "Renamed by the wizard"
        assert tree_bytes(outside) == before
    # Recovery of a journal whose target is outside: opened read-only, never saved there.
    journal.write(kb, kb / "linkdir" / "victim.md", "x", "t",
                  SEED_BYTES.decode().replace(SEED_TITLE, "From the journal"), None)
    app = OpsWizardApp(kb, mode="browse")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryScreen))
        await pilot.pause()
        await pilot.press("enter")  # recover the pending journal
        screen = await wizard_of(pilot)
        assert "outside the knowledge base" in screen.read_only_reason
    assert tree_bytes(outside) == before


def test_defect_2_rename_and_import_stay_inside(kb: Path, outside: Path) -> None:
    (kb / "linkdir").symlink_to(outside, target_is_directory=True)
    before = tree_bytes(outside)
    with pytest.raises(store.StoreError, match="outside the knowledge base"):
        store.publish(kb, Path("linkdir") / "renamed.md", b"x")
    source = write(outside.parent / "import-me", "entry.md", SEED_BYTES)
    result = cli("import", "--kb", str(kb), str(source))
    assert result.exit_code == 0, result.output
    assert tree_bytes(outside) == before


def test_defect_2_plain_edit_of_an_outside_file_is_refused(kb: Path, outside: Path) -> None:
    result = cli("edit", "--plain", "--kb", str(kb), str(outside / "victim.md"))
    assert result.exit_code == 1
    assert "outside the knowledge base" in result.output
    assert "opswizard import" in result.output


# == 3. Many headings: rendering bounded by what is on screen ==================================
async def test_defect_3_many_headings_render_a_bounded_preview_and_show_all_on_a_key(
    kb: Path
) -> None:
    from textual.widgets import Markdown, TextArea

    from opswizard.tui.widgets.entry_preview import EntryPreview

    many = SEED_BYTES + "".join(f"\n## S{i}\n" for i in range(5000)).encode()
    write(kb / "issues", "many.md", many)
    assert len(many) < 64 * 1024  # a small file, well under the size cap
    app = OpsWizardApp(kb, mode="browse")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.query(EntryPreview)
                       and app.screen.query_one(EntryPreview).row is not None)
        await pilot.press("enter")  # read it full screen
        preview = app.screen.query_one(EntryPreview)
        await wait_for(pilot, lambda: app.screen.maximized is not None)
        await pilot.pause()
        blocks = list(preview.query_one(Markdown).query("*"))
        assert len(blocks) < 1500  # not one widget per heading of the 5,000
        assert preview.hidden_lines > 0
        await pilot.press("w")  # the whole entry, as text
        text = preview.query_one("#preview-all", TextArea)
        await wait_for(pilot, lambda: text.display and "## S4999" in text.text)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.maximized is None)
        assert app.is_running


# == 5. Pasted control characters ==============================================================
async def test_defect_5_pasted_control_characters_never_reach_the_file(kb: Path) -> None:
    app = OpsWizardApp(kb, mode="new")
    pasted = "P1 \x1b]52;c;cHduZWQ=\x07 \u202eevil \x9b31m [@click=app.quit]Z[/] \x1b[2J end"
    async with app.run_test(size=SIZE) as pilot:
        screen = await wizard_of(pilot)
        title = screen.query_one("#field-title", Input)
        title.focus()
        await pilot.pause()
        app.post_message(events.Paste(pasted))
        await wait_for(pilot, lambda: "end" in title.value)
        assert title.value == "P1  evil 31m [@click=app.quit]Z[/]  end"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.saved_path is not None)
    data = screen.saved_path.read_bytes()  # type: ignore[union-attr]
    assert b"\x1b" not in data and "\u202e".encode() not in data and b"\xc2\x9b" not in data
    assert parse_bytes(data).entry.title == "P1  evil 31m [@click=app.quit]Z[/]  end"
    result = cli("validate", str(screen.saved_path))
    assert "control character" not in result.output


async def test_defect_5_a_file_with_control_characters_can_be_repaired(kb: Path) -> None:
    path = write(kb, "evil.md", SEED_BYTES.replace(SEED_TITLE.encode(), b"Evil \x1b]0;t\x07 x"))
    app = OpsWizardApp(kb, mode="edit", path=path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wizard_of(pilot)
        assert "terminal control characters" in screen.read_only_reason
        line = SEED_BYTES[: SEED_BYTES.index(SEED_TITLE.encode())].count(b"\n") + 1
        column = len("- **Title**: Evil ") + 1
        assert f"line {line}, column {column}" in screen.read_only_reason  # where they are
        await pilot.press("f7")  # strip them
        await wait_for(pilot, lambda: not screen.read_only_reason)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.saved_path is not None)
    saved = screen.saved_path  # a draft's file follows its title: it may have moved
    assert saved is not None and store.is_inside(kb, saved)
    data = saved.read_bytes()
    assert b"\x1b" not in data and b"\x07" not in data
    assert parse_bytes(data).entry.title == "Evil  x"
    assert "control character" not in cli("validate", str(saved)).output


# == 6. validate reports control characters ====================================================
def test_defect_6_validate_reports_control_characters_with_line_and_column(kb: Path) -> None:
    data = SEED_BYTES.replace(SEED_TITLE.encode(), b"Evil \x1b]0;t\x07 \xe2\x80\xae x")
    path = write(kb, "evil.md", data.replace(b"45 minutes", b"45\rminutes"))
    line = data[: data.index(b"Evil")].count(b"\n") + 1
    column = len("- **Title**: Evil ") + 1
    result = cli("validate", str(path))
    assert result.exit_code == 1
    out = result.stdout
    assert f"{path}:{line}: error: terminal control character \\x1b at column {column}" in out
    assert f"{path}:{line}: error: terminal control character \\x07 at column {column + 5}" \
        in out
    assert f"{path}:{line}: error: terminal control character \\u202e at column " \
        f"{column + 7}" in out
    assert "terminal control character \\x0d at column" in out  # a bare CR
    crlf = write(kb, "crlf.md", SEED_BYTES.replace(b"\n", b"\r\n"))
    assert "control character" not in cli("validate", str(crlf)).output  # CRLF is text
    as_json = json.loads(cli("validate", "--json", str(path)).stdout)
    found = [f for f in as_json["files"][0]["findings"] if "control character" in f["message"]]
    assert len(found) == 4 and found[0]["line"] == line


# == 7. Placeholders ===========================================================================
@pytest.mark.parametrize("title", ["[SEV1] Checkout outage [eu-west]", "[eu-west]"])
def test_defect_7_bracketed_title_is_not_a_template_placeholder(kb: Path, title: str) -> None:
    path = write(kb, "entry.md", SEED_BYTES.replace(SEED_TITLE.encode(), title.encode()))
    result = cli("validate", str(path))
    assert "Title is empty" not in result.output
    shown = json.loads(cli("show", "--json", str(path)).stdout)
    assert shown["title"] == title
    assert not is_placeholder(title)
    assert is_placeholder("[Brief descriptive title]")
    assert is_placeholder("[Measure 1]: [Description and implementation]")


def test_defect_7_the_templates_own_placeholder_title_is_empty(kb: Path) -> None:
    path = write(kb, "entry.md", SEED_BYTES.replace(SEED_TITLE.encode(),
                                                    b"[Brief descriptive title]"))
    assert "Title is empty" in cli("validate", str(path)).output


# == 8. Temp files =============================================================================
@pytest.mark.parametrize("command", [["list"], ["validate"], ["search", "pool"],
                                     ["links"], ["show", "{entry}"]])
def test_defect_8_every_command_sweeps_stale_temp_files(kb: Path, command: list[str]) -> None:
    entry = write(kb / "issues", "entry.md", SEED_BYTES)
    stale = write(kb / "issues", ".opswizard-abc123.tmp", b"half a save")
    fresh = write(kb / "issues", ".opswizard-def456.tmp", b"a save in progress")
    other = write(kb / "issues", ".someone-else.tmp", b"not ours")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    cli(*[part.replace("{entry}", str(entry)) for part in command], "--kb", str(kb))
    assert not stale.exists()
    assert fresh.exists() and other.exists()  # too new to be stale; not opswizard's


# == 9. Consistency ============================================================================
def test_defect_9_show_takes_kb(kb: Path) -> None:
    entry = write(kb, "entry.md", SEED_BYTES)
    result = cli("show", "--kb", str(kb), str(entry))
    assert result.exit_code == 0, result.output
    assert SEED_TITLE in result.stdout


def test_defect_9_opswizard_kb_naming_a_file_is_a_usage_error(
    kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_file = write(kb, "not-a-folder.md", SEED_BYTES)
    by_option = cli("list", "--kb", str(a_file))
    monkeypatch.setenv("OPSWIZARD_KB", str(a_file))
    by_env = cli("list")
    assert by_option.exit_code == by_env.exit_code == 2
    assert "OPSWIZARD_KB" in by_env.output and "not a knowledge base folder" in by_env.output


def test_defect_9_a_looser_recovery_folder_is_tightened(kb: Path) -> None:
    folder = journal.state_dir() / "recovery"
    folder.mkdir(parents=True)
    os.chmod(folder, 0o755)
    os.chmod(journal.state_dir(), 0o755)
    journal.write(kb, None, "id", "t", "text", None)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(journal.state_dir().stat().st_mode) == 0o700


def test_defect_9_line_numbers_are_never_zero(kb: Path) -> None:
    missing = SEED_BYTES[: SEED_BYTES.index(b"### Context")]  # only the Issue Summary
    path = write(kb, "short.md", missing + b"\n### Metrics\n- **Time to Detection**: 5 min\n")
    unreadable = write(kb, "binary.md", b"\x00\x01")
    result = cli("validate", "--json", str(path), str(unreadable), str(kb / "nope.md"))
    report = json.loads(result.stdout)
    lines = [f["line"] for file in report["files"] for f in file["findings"]]
    assert lines and all(line >= 1 for line in lines)
    text = cli("validate", str(path)).stdout
    metrics_line = (missing + b"\n").count(b"\n") + 1
    # Context is missing: it belongs before Metrics, the next section present.
    assert any(line.startswith(f"{path}:{metrics_line}: ") and "System State" in line
               for line in text.splitlines())


# == 1 and 4. A process that always ends =======================================================
# The real program under a pseudo-terminal, in browse, new and edit, at a random moment of a
# random script (a worker running, a dialog open, a preview loading, a save in flight): the
# terminal is closed (the master side of the pty), or SIGTERM is sent. Every process must
# end, leave no lock behind and every journal whole. A few run at a time.
RUNS = int(os.environ.get("OPSWIZARD_PTY_RUNS", "50"))  # fewer for a quick local try
AT_ONCE = 3
EXIT_WAIT = 15.0
HEADINGS = "".join(f"## S{i}\n\ntext {i}\n\n" for i in range(5000))


def _script(mode: str) -> tuple[list[str], bytes, list[tuple[bytes, float]]]:
    """(arguments after the KB, what shows the app is up, the keys to send)."""
    typing = [(bytes([c]), 0.03) for c in b"Lid closed"]
    if mode == "browse":
        return [], b"Headings", [
            (b"\r", 0.3),  # read the entry full screen (many headings: a slow preview)
            (b"\x1b", 0.2), (b"j", 0.2), (b"\r", 0.3), (b"\x1b", 0.1), (b"/", 0.1),
            (b"pool", 0.2), (b"\x1b", 0.1),
        ]
    if mode == "new":
        return ["new"], b"Title", [
            (b"\t", 0.1), (b"\t", 0.1), (b"\t", 0.1), *typing,
            (b"\x12", 0.2),  # ctrl+r: the review
            (b"\x13", 0.05),  # ctrl+s: a save in flight
            (b"\x0e", 0.1), (b"x", 0.1),
            (b"\x11", 0.2),  # ctrl+q: the unsaved-changes dialog
        ]
    return ["edit", "{entry}"], b"Title", [
        (b"\t", 0.1), (b"\t", 0.1), (b"\t", 0.1), *typing,
        (b"\x13", 0.05),  # ctrl+s: a save in flight
        (b" again", 0.1),
        (b"\x11", 0.2),  # ctrl+q: the unsaved-changes dialog
        (b"\x1b", 0.1),
    ]


def _one_run(base: Path, number: int, how: str) -> tuple[str, float | None, list[str]]:
    """One program, stopped at a random moment: (mode, seconds to exit or None, problems)."""
    import random
    import shutil
    import signal

    rng = random.Random(number * 7919 + (how == "sigterm"))
    mode = ("browse", "new", "edit")[number % 3]
    home = base / f"{how}-{number}"
    kb = home / "kb"
    write(kb / "issues" / "general", "seed.md", SEED_BYTES)
    write(kb / "issues" / "general", "headings.md", SEED_BYTES.replace(
        SEED_TITLE.encode(), b"Headings") + HEADINGS.encode())
    entry = kb / "issues" / "general" / "seed.md"
    env = dict(XDG_STATE_HOME=str(home / "state"), XDG_CACHE_HOME=str(home / "cache"),
               OPSWIZARD_KB=str(kb))
    args, ready, steps = _script(mode)
    term = Terminal(*[a.replace("{entry}", str(entry)) for a in args], "--kb", str(kb),
                    env=env, controlling=True)
    problems: list[str] = []
    took: float | None = None
    try:
        term.wait_for(ready)
        for data, settle in steps[: rng.randrange(len(steps) + 1)]:
            term.send(data, settle)
        term.pump(rng.uniform(0.0, 0.6))
        start = time.monotonic()
        if how == "close":
            term.hang_up()
        else:
            term.proc.send_signal(signal.SIGTERM)
        if term.wait_exit(EXIT_WAIT):
            took = time.monotonic() - start
        else:
            problems.append(f"{mode} #{number}: still running {EXIT_WAIT} s after {how}")
    finally:
        term.kill()
    state = home / "state" / "opswizard"
    locks = list((state / "locks").glob("*.json"))
    if locks:
        problems.append(f"{mode} #{number}: {len(locks)} stale lock(s) after {how}")
    for file in (state / "recovery").glob("*.json"):
        try:
            data = json.loads(file.read_text("utf-8"))
            assert isinstance(data["text"], str) and data["kb"] == str(kb.resolve())
        except (ValueError, KeyError, AssertionError) as exc:
            problems.append(f"{mode} #{number}: journal {file.name} broken: {exc!r}")
    if not problems:
        shutil.rmtree(home, ignore_errors=True)
    return mode, took, problems


def _stop_at_random_moments(base: Path, how: str) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from statistics import median

    with ThreadPoolExecutor(AT_ONCE) as pool:
        results = list(pool.map(lambda n: _one_run(base, n, how), range(RUNS)))
    problems = [p for _, _, found in results for p in found]
    times = sorted(t for _, t, _ in results if t is not None)
    by_mode = {m: sorted(t for mode, t, _ in results if mode == m and t is not None)
               for m in ("browse", "new", "edit")}
    print(f"\n{how}: {len(times)}/{RUNS} exited; exit time median {median(times):.2f} s, "
          f"p90 {times[int(len(times) * 0.9) - 1]:.2f} s, max {times[-1]:.2f} s; within 2 s: "
          f"{sum(t <= 2.0 for t in times)}/{len(times)}; by mode (median/max): "
          + ", ".join(f"{m} {median(v):.2f}/{v[-1]:.2f}" for m, v in by_mode.items() if v))
    assert not problems, problems


@pytest.mark.slow
def test_defect_1_closed_terminal_at_random_moments_ends_every_process(tmp_path: Path) -> None:
    _stop_at_random_moments(tmp_path, "close")


@pytest.mark.slow
def test_defect_4_sigterm_at_random_moments_ends_every_process(tmp_path: Path) -> None:
    _stop_at_random_moments(tmp_path, "sigterm")
