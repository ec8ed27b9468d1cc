"""The report: well-formed HTML, user text escaped, small, links to each entry; Markdown."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner

from opswizard.cli import main
from opswizard.core.model import Action, new_entry
from opswizard.core.render import render_bytes

from . import insights_kb

VOID = {"meta", "br", "img", "input", "link", "hr", "rect", "circle", "line", "polyline"}


class Checker(HTMLParser):
    """Every element closed in order; scripts and event handlers counted; text collected."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.scripts = 0
        self.handlers = 0
        self.text: list[str] = []
        self.hrefs: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.scripts += tag == "script"
        self.handlers += sum(name.startswith("on") for name, _ in attrs)
        for name, value in attrs:
            if name == "href":
                self.hrefs.append(value or "")
            if name in ("src",) or (name == "href" and tag == "link"):
                self.external.append(value or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data) -> None:
        self.text.append(data)


def check(html: str) -> Checker:
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert checker.problems == []
    assert checker.stack == []
    return checker


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _hostile_kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    root.mkdir()
    for n, when in enumerate(("2025-03-01T10:00:00Z", "2025-03-20T10:00:00Z")):
        entry = new_entry(date=when, category="issue", severity="HIGH", title=HOSTILE,
                          symptoms="pool <b>exhausted</b> again and again",
                          primary_cause="pool too small", related_services="pay<i>ments",
                          duration="30 minutes")
        entry.tags = ["pool"]
        entry.follow_up_actions.items = [Action(text="</td></tr></table><script>x</script>",
                                                owner="@a<b>", deadline="2025-03-05")]
        (root / f"e{n}.md").write_bytes(render_bytes(entry))
    return root


def test_report_escapes_markup_and_script_in_titles(tmp_path) -> None:
    root = _hostile_kb(tmp_path)
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    result = CliRunner().invoke(main, ["report", "--kb", str(root), "-o", str(out),
                                       "--as-of", "2025-04-01"])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    checker = check(html)
    assert checker.scripts == 0 and checker.handlers == 0
    text = "".join(checker.text)
    assert HOSTILE in text  # shown as text
    assert "</td></tr></table><script>x</script>" in text
    assert "../kb/e1.md" in checker.hrefs  # relative to the report's folder
    assert checker.external == []  # nothing fetched


def test_link_base_and_markdown(tmp_path) -> None:
    root = _hostile_kb(tmp_path)
    result = CliRunner().invoke(main, ["report", "--kb", str(root), "--as-of", "2025-04-01",
                                       "--link-base", "https://git.example/kb/"])
    checker = check(result.stdout)
    assert "https://git.example/kb/e1.md" in checker.hrefs
    md = CliRunner().invoke(main, ["report", "--kb", str(root), "--format", "md",
                                   "--as-of", "2025-04-01"]).stdout
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "| Period |" in md and "## Repeat incidents" in md


def test_report_of_1000_entries_is_well_formed_and_under_1_mb(tmp_path) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    given = insights_kb.make(root, n=1000, seed=3)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", "--kb", str(root), "-o", str(out),
                                       "--as-of", "2030-01-01"])
    assert result.exit_code == 0, result.output
    size = out.stat().st_size
    assert size < 1_000_000, size
    checker = check(out.read_text())
    open_ones = sum(not done for g in given for _, done, _, _ in g.follow_ups)
    assert open_ones > 300
    entry_links = [h for h in checker.hrefs if h.endswith(".md")]
    assert len(entry_links) >= open_ones  # each open follow-up links its entry
