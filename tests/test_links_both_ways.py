"""Links both ways: `opswizard links`, `links --fix`, and validate's one-way warnings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from opswizard.cli import main
from opswizard.core import backlinks, store

DEMO = Path(__file__).resolve().parent.parent / "opswizard" / "demo" / "kb"
PAYMENTS = ("issues/payments-api/ops-learning-2026-03-10-19-05-00-issue-payments-api-outage-"
            "from-pgbouncer-pool-saturation.md")
MEMORY = ("issues/memory-service/ops-learning-2025-07-09-14-30-00-issue-memory-service-"
          "connection-pool-exhaustion.md")


@pytest.fixture
def demo_kb(kb: Path) -> Path:
    shutil.rmtree(kb)
    shutil.copytree(DEMO, kb)
    return kb


def _drop_lines(path: Path, needle: str) -> None:
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(line for line in lines if needle.encode() not in line))


def _drop_section(path: Path, heading: str) -> None:
    """Remove a whole `### heading` section (to the next heading)."""
    out, skipping = [], False
    for line in path.read_text().split("\n"):
        if line.startswith("#"):
            skipping = line.strip() == f"### {heading}"
        if not skipping:
            out.append(line)
    path.write_text("\n".join(out))


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.md"))}


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_the_demo_has_every_link_both_ways(demo_kb: Path) -> None:
    code, out = _run("links")
    assert code == 0, out


def test_a_one_way_link_is_listed_and_exits_1(demo_kb: Path) -> None:
    _drop_lines(demo_kb / MEMORY, "payments-api-outage")
    code, out = _run("links")
    assert code == 1
    assert "no link back" in out and "memory-service" in out and "payments-api" in out


def test_fix_adds_exactly_one_line_to_the_entry_linked_to(demo_kb: Path) -> None:
    target = demo_kb / PAYMENTS
    _drop_lines(target, "checkout-release-rolled-back")
    before = _snapshot(demo_kb)
    code, out = _run("links", "--fix")
    assert code == 0, out
    after = _snapshot(demo_kb)
    changed = [name for name in after if after[name] != before[name]]
    assert changed == [PAYMENTS]
    old, new = before[PAYMENTS].split(b"\n"), after[PAYMENTS].split(b"\n")
    assert len(new) == len(old) + 1
    added = [line for line in new if line not in old]
    assert len(added) == 1 and added[0].startswith(b"- [Checkout Release Rolled Back")
    # the new line sits in Related Issues, before the next section
    index = new.index(added[0])
    heading = max(i for i, line in enumerate(new[:index]) if line.startswith(b"#"))
    assert new[heading] == b"### Related Issues"


def test_fix_creates_the_heading_and_one_line_where_there_was_none(demo_kb: Path) -> None:
    target = demo_kb / MEMORY
    _drop_section(target, "Related Issues")
    before = target.read_bytes().split(b"\n")
    code, _ = _run("links", "--fix")
    assert code == 0
    after = target.read_bytes().split(b"\n")
    added = [line for line in after if line not in before]
    assert [line for line in added if line.strip()] == [
        b"### Related Issues", added[1]] and added[1].startswith(b"- [Payments API Outage")
    assert after.index(b"### Related Issues") < after.index(b"### Follow-up Actions")


def test_fix_is_idempotent(demo_kb: Path) -> None:
    _drop_lines(demo_kb / MEMORY, "payments-api-outage")
    _run("links", "--fix")
    once = _snapshot(demo_kb)
    code, _ = _run("links", "--fix")
    assert code == 0
    assert _snapshot(demo_kb) == once


def test_dry_run_writes_nothing_and_says_what_it_would_add(demo_kb: Path) -> None:
    _drop_lines(demo_kb / MEMORY, "payments-api-outage")
    before = _snapshot(demo_kb)
    code, out = _run("links", "--fix", "--dry-run")
    assert code == 1
    assert "would add" in out and "Payments API Outage" in out
    assert _snapshot(demo_kb) == before


def test_crlf_and_bom_are_kept(demo_kb: Path) -> None:
    target = demo_kb / MEMORY
    _drop_lines(target, "payments-api-outage")
    target.write_bytes(b"\xef\xbb\xbf" + target.read_bytes().replace(b"\n", b"\r\n"))
    _run("links", "--fix")
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"- [Payments API Outage" in data


def test_validate_warns_of_a_one_way_link_at_its_line(demo_kb: Path) -> None:
    _drop_lines(demo_kb / MEMORY, "payments-api-outage")
    code, out = _run("validate")
    assert code == 1
    lines = [line for line in out.splitlines() if "does not link back" in line]
    assert len(lines) == 1
    path, number = lines[0].split(":")[:2]
    assert path.endswith(PAYMENTS) and ": warning: " in lines[0]
    text = (demo_kb / PAYMENTS).read_text().split("\n")
    assert "memory-service" in text[int(number) - 1]


def test_validate_warns_of_a_link_to_a_missing_file(demo_kb: Path) -> None:
    (demo_kb / MEMORY).unlink()
    code, out = _run("validate")
    assert code == 1
    assert any("does not exist" in line and PAYMENTS in line for line in out.splitlines())
    code, out = _run("links", "--fix")
    assert code == 1 and "missing file" in out


def test_a_file_that_is_not_safe_to_rewrite_is_refused(demo_kb: Path) -> None:
    target = demo_kb / MEMORY
    target.write_bytes(b"<<<<<<< ours\n" + target.read_bytes())
    with pytest.raises(store.StoreError):
        backlinks.add_backlink(demo_kb, demo_kb / PAYMENTS, "Payments", target)


def test_insert_link_keeps_everything_else() -> None:
    text = ("# T\n\n```\n### Related Issues\n```\n\n### Related Issues\n- [A](a.md)\n\n"
            "### Metrics\n- x\n")
    new = backlinks.insert_link(text, "[B](b.md)")
    assert new == text.replace("- [A](a.md)\n", "- [A](a.md)\n- [B](b.md)\n")
