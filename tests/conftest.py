"""Shared fixtures: paths to the fixture knowledge bases and a fresh knowledge base."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed"


def pytest_configure(config: pytest.Config) -> None:
    """Compile opswizard once, before any test starts a program: when PYTHONDONTWRITEBYTECODE
    is set (as on this machine), every `opswizard` that the pty tests start would otherwise
    compile the whole package from source again (~0.1 s of CPU each)."""
    import compileall

    if not hasattr(config, "workerinput"):  # the xdist controller, or a run without xdist
        compileall.compile_dir(Path(__file__).resolve().parent.parent / "opswizard", quiet=1)


@pytest.fixture
def seed_files() -> list[Path]:
    return sorted(SEED.glob("*.md"))


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty knowledge base that OPSWIZARD_KB points at."""
    root = tmp_path / "kb"
    root.mkdir()
    monkeypatch.setenv("OPSWIZARD_KB", str(root))
    return root


@pytest.fixture
def seeded_kb(kb: Path) -> Path:
    """A knowledge base holding the seed's three examples, imported."""
    from click.testing import CliRunner

    from opswizard.cli import main

    result = CliRunner().invoke(main, ["import", *map(str, sorted(SEED.glob("*.md")))])
    assert result.exit_code == 0, result.output
    return kb


@pytest.fixture(autouse=True)
def state_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the user's cache and state folders (journals, locks, index cache) inside the
    test's tmp dir: no test touches the real ones."""
    home = tmp_path / "home"
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    return home


def copy_fixture(name: str, dest: Path) -> Path:
    target = dest / Path(name).name
    shutil.copyfile(FIXTURES / name, target)
    return target


def another_live_opswizard() -> subprocess.Popen[bytes]:
    """A live process whose command line names opswizard (what a lock's liveness check
    looks for), returned once it has exec'd: before that its command line is still ours."""
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "opswizard"])
    cmdline = Path(f"/proc/{other.pid}/cmdline")
    deadline = time.monotonic() + 30
    while b"opswizard" not in cmdline.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.01)
    return other


@pytest.fixture(params=["find", "walk"])
def lister(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
           tmp_path: Path) -> str:
    """How the files are listed: one `find` process, or the walk in Python (no find)."""
    from opswizard.core import kbscan

    if request.param == "walk":
        monkeypatch.setattr(kbscan, "_USE_FIND", False)
    elif kbscan.listing(tmp_path) is None:
        pytest.skip("no GNU find here: the walk is all there is")
    return str(request.param)
