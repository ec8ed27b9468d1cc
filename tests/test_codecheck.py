"""Code blocks are checked by language; Before/After halves on their own."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from opswizard.cli import main
from opswizard.core import codecheck
from opswizard.core.checklist import evaluate
from opswizard.core.parse import parse_text

HERE = Path(__file__).parent
SEED = sorted((HERE / "fixtures" / "seed").glob("*.md"))

# language: (a valid block, a broken block, the broken line)
CASES = {
    "json": ('{"a": [1, 2], "b": {"c": null}}', '{\n  "a": 1,\n  "b": 2,\n}', 4),
    "yaml": ("a: 1\nb:\n  - x\n  - y\n", "a: 1\nb: [x, y\nc: 2\n", 3),
    "toml": ('[pool]\nsize = 50\nname = "main"\n', '[pool]\nsize = 50\nname = "main\n', 3),
    "python": ("def f(x):\n    return x + 1\n", "def f(x):\n    return (x + 1\n\ny = 2\n", 2),
    "bash": ('for i in 1 2; do\n  echo "$i"\ndone\n', 'if true; then\n  echo hi\n', 3),
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_each_language_valid_and_broken(language: str) -> None:
    good, bad, line = CASES[language]
    assert codecheck.check(language, good) is None
    problem = codecheck.check(language, bad)
    assert problem is not None and not problem.skipped
    assert problem.language == language
    if language == "bash":
        assert problem.line >= 2  # bash names the line where it ran out of input
    else:
        assert problem.line == line


def test_aliases_and_unknown_languages() -> None:
    assert codecheck.language_of("yml") == "yaml"
    assert codecheck.language_of('py title="fix.py"') == "python"
    assert codecheck.language_of("sh") == "bash"
    assert codecheck.check("nginx", "server { listen 80") is None
    assert codecheck.check("", "{") is None


def test_halves_are_checked_on_their_own_after_removing_markers() -> None:
    block = "// Before:\n{\"size\": 10}\n\n// After: a bigger pool\n{\"size\": 50}\n"
    assert codecheck.check("json", block) is None  # two JSON documents: fine as halves
    broken = "// Before:\n{\"size\": 10}\n// After:\n{\"size\": 50,}\n"
    problem = codecheck.check("json", broken)
    assert problem is not None and problem.half == "After" and problem.line == 4
    for marker in ("# Before:", "-- Before:", "<!-- Before: -->", "/* Before: */", "; Before:"):
        assert [h for h, _, _ in codecheck.halves(f"{marker}\nx\n# After:\ny")] == \
            ["Before", "After"]


def test_indented_python_halves_parse() -> None:
    block = "# Before:\n    for x in xs:\n        f(x)\n# After:\n    g(xs)\n"
    assert codecheck.check("python", block) is None


def test_yaml_keeps_the_frontmatter_limits() -> None:
    deep = "a: " + "[" * 200 + "]" * 200
    problem = codecheck.check("yaml", deep)
    assert problem is not None and "deep" in problem.message
    bombs = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n"
    assert codecheck.check("yaml", bombs) is None  # parsed as events: nothing expanded


@pytest.mark.parametrize("path", SEED, ids=lambda p: p.name)
def test_the_seed_examples_pass_clean(path: Path) -> None:
    text = path.read_text()
    assert codecheck.blocks_in(text)
    assert codecheck.findings_for(text) == []
    assert next(i for i in evaluate(parse_text(text).entry).items if i.key == "code").passed


def test_demo_blocks_pass_clean() -> None:
    for path in (HERE.parent / "opswizard" / "demo" / "kb").rglob("*.md"):
        assert codecheck.findings_for(path.read_text()) == [], path.name


def test_without_bash_a_note_not_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codecheck.shutil, "which", lambda name: None)
    codecheck._check.cache_clear()
    try:
        problem = codecheck.check("bash", "if true; then\n")
        assert problem is not None and problem.skipped and "bash" in problem.message
        assert codecheck.findings_for("```bash\nif true; then\n```\n") == []
    finally:
        codecheck._check.cache_clear()


def _entry_with(block: str, language: str = "json") -> str:
    text = (HERE / "fixtures" / "seed" / "example3-configuration.md").read_text()
    start = text.index("```json")
    end = text.index("```", start + 3) + 3
    return text[:start] + f"```{language}\n{block}\n```" + text[end:]


def test_validate_warns_with_the_block_line_and_the_parser_line(tmp_path: Path) -> None:
    text = _entry_with("// Before:\n{\"a\": 1}\n// After:\n{\"a\": 1,\n \"b\": 2,}")
    path = tmp_path / "entry.md"
    path.write_text(text)
    opened = text.split("\n").index("```json") + 1
    result = CliRunner().invoke(main, ["--kb", str(tmp_path), "validate", str(path)])
    lines = [ln for ln in result.output.splitlines() if "does not parse" in ln]
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:{opened}: warning: json block (After half) does not "
                               f"parse: line 5 of the block (line {opened + 5} of the file)")
    assert result.exit_code == 1


def test_checklist_code_item_fails_with_the_reason() -> None:
    entry = parse_text(_entry_with("[pool]\nsize = ", "toml")).entry
    item = next(i for i in evaluate(entry).items if i.key == "code")
    assert not item.passed
    assert "does not parse" in item.reason and "toml" in item.reason and "line 2" in item.reason
