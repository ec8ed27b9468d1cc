"""The bundled demo knowledge base and `opswizard demo` (issue 8)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import opswizard.tui.run
from opswizard import demo
from opswizard.cli import main
from opswizard.core import store
from opswizard.core.checklist import evaluate
from opswizard.core.links import LinkGraph
from opswizard.core.naming import relative_path
from opswizard.core.template import CATEGORIES, SEVERITIES
from opswizard.demo import make_demo


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def fake_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """`opswizard demo` with a stand-in browser that writes into the copy it is given."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    for name in ("XDG_STATE_HOME", "XDG_CACHE_HOME"):  # the command points these at the copy
        monkeypatch.setenv(name, str(tmp_path / name))
    opened: list[Path] = []

    def browser(root: Path) -> int:
        opened.append(root)
        assert (root / "issues").is_dir()
        (root / "issues" / "scribble.md").write_text("written during the demo\n")
        return 0

    monkeypatch.setattr(opswizard.tui.run, "run_browser", browser)
    return opened


def test_demo_opens_a_copy_prints_its_path_and_removes_it(fake_browser: list[Path]) -> None:
    before = tree_digest(demo.source())
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    [root] = fake_browser
    assert root.parent.name.startswith("opswizard-demo-")
    assert str(root) in result.output
    assert "Removed" in result.output
    assert not root.parent.exists()
    assert tree_digest(demo.source()) == before  # the bundled files are untouched


def test_demo_keep_leaves_the_copy_and_says_where(fake_browser: list[Path]) -> None:
    result = CliRunner().invoke(main, ["demo", "--keep"])
    assert result.exit_code == 0, result.output
    [root] = fake_browser
    assert f"Kept the demo knowledge base at {root}" in result.output
    assert (root / "issues" / "scribble.md").exists()
    assert set(tree_digest(demo.source())) <= set(tree_digest(root))


def test_a_copy_of_the_demo_validates_clean(tmp_path: Path) -> None:
    root = demo.copy_to(tmp_path / "kb")
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 0, result.output
    assert "14 files checked: 0 errors, 0 warnings" in result.output


def test_regenerating_the_demo_gives_identical_bytes(tmp_path: Path) -> None:
    make_demo.write(tmp_path / "out")
    assert tree_digest(tmp_path / "out") == tree_digest(demo.source())


def test_the_demo_covers_the_template() -> None:
    root = demo.source()
    good, bad = store.load_all(root)
    assert not bad
    entries = [loaded.entry for loaded in good]
    assert {e.category for e in entries} == set(CATEGORIES)
    assert {e.severity for e in entries} == set(SEVERITIES)
    assert {e.status for e in entries} == {"draft", "final"}
    assert sum(evaluate(e).passed for e in entries) >= 5
    assert any(e.checklist_override for e in entries)
    for loaded in good:  # conventional folders and names
        assert loaded.path.relative_to(root).as_posix() == str(relative_path(loaded.entry))
    tags = [t for e in entries for t in e.tags]
    assert tags.count("connection-pool") >= 3 and tags.count("postgres") >= 4
    graph = LinkGraph(root, [(loaded.path, loaded.entry) for loaded in good])
    links = [link for loaded in good for link in graph.outgoing(loaded.path)]
    assert len(links) >= 10 and all(link.exists for link in links)
    titles = {e.title for e in entries}
    assert "Memory Service Connection Pool Exhaustion" in titles  # the seed's examples
