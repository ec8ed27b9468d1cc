"""A folder of 120 postmortems (made from the corpus, each with its own title and day):
one run imports them all with a summary, a second imports nothing, and only the sources
changed since are reported `changed` and replaced with --update."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from opswizard.cli import main

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"


def _folder(tmp_path: Path, count: int = 120) -> list[Path]:
    folder = tmp_path / "old-postmortems"
    folder.mkdir()
    corpus = sorted(LAYOUTS.glob("*.md"))
    made = []
    for index in range(count):
        source = corpus[index % len(corpus)]
        text = source.read_text()
        day = f"{index % 28 + 1:02d}"
        text = re.sub(r"\b20(2[3-5])-(\d\d)-(\d\d)\b",
                      lambda m, day=day: f"20{m.group(1)}-{m.group(2)}-{day}", text)
        text = f"<!-- copy {index} -->\n" + text.replace("# ", f"# Case {index}: ", 1)
        path = folder / f"{index:03d}-{source.name}"
        path.write_text(text)
        made.append(path)
    return made


def run(*args: str) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout.splitlines(), result.stderr


def test_a_folder_imports_once_and_then_only_what_changed(kb: Path, tmp_path: Path) -> None:
    sources = _folder(tmp_path)
    code, lines, err = run("import", str(sources[0].parent))
    assert code == 0, err
    assert len(lines) == 120 and all(line.startswith("wrote ") for line in lines)
    assert re.search(r"imported 120 \(\d+ final, \d+ drafts?\), 0 unchanged, 0 changed, "
                     r"0 updated, 0 skipped", err), err
    assert len(list(kb.rglob("*.md"))) == 120
    code, lines, err = run("import", str(sources[0].parent))
    assert code == 0 and all(line.startswith("unchanged ") for line in lines)
    assert "imported 0 (0 final, 0 drafts), 120 unchanged" in err
    for path in sources[:3]:
        path.write_text(path.read_text() + "\nA note added later.\n")
    code, lines, err = run("import", str(sources[0].parent))
    assert sum(line.startswith("changed ") for line in lines) == 3
    assert "117 unchanged, 3 changed" in err
    code, lines, err = run("import", "--update", str(sources[0].parent))
    assert sum(line.startswith("updated ") for line in lines) == 3, err
    assert len(list(kb.rglob("*.md"))) == 120
    assert sum("A note added later." in p.read_text() for p in kb.rglob("*.md")) == 3
