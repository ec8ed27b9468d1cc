"""Properties of import over any markdown: it never raises, it imports every document it can
read safely, it never loses a non-empty line, and what it writes imports to the same bytes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opswizard.core import layouts
from opswizard.core.importer import convert
from opswizard.core.parse import parse_bytes
from opswizard.core.sanitize import strip_controls

from .test_import_corpus import _missing

LAYOUT = layouts.builtin()
NAMES = ["Summary", "Impact", "Root Causes", "Resolution", "Action Items", "Lessons Learned",
         "What went well", "Timeline", "Supporting information", "Detection", "Trigger",
         "Corrective actions", "Notes", "5 whys", "Issue Summary", "Context",
         "Follow-up Actions", "Learning Points", "Resolution Steps", "Tags", "Severity",
         "Date", "Unknown thing", "Mitigation", "Next steps", "Recovery"]
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",),
                              exclude_characters="\r\n"), max_size=30)


def _line() -> st.SearchStrategy[str]:
    name = st.sampled_from(NAMES)
    return st.one_of(
        st.builds(lambda n, t, lvl: "#" * lvl + " " + n + t, name, st.sampled_from(["", ":"]),
                  st.integers(1, 6)),
        st.builds(lambda n, t: f"**{n}:** {t}", name, WORDS),
        st.builds(lambda n: f"**{n}**", name),
        st.builds(lambda n: f"{n}:", name),
        st.builds(lambda t: f"- {t}", WORDS),
        st.builds(lambda t: f"* [ ] {t} owner: @a due 2024-01-0{len(t) % 9 + 1}", WORDS),
        st.builds(lambda t: f"1. {t}", WORDS),
        st.builds(lambda a, b: f"| {a} | {b} |", WORDS, WORDS),
        st.just("| Action | Owner | Due |"), st.just("|---|---|---|"),
        st.sampled_from(["```", "~~~", "```bash", "    indented", "---", "===", "", "",
                         "Severity: SEV2", "Date: 2024-05-06 10:00 UTC", "> quote"]),
        WORDS,
    )


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_line(), max_size=40))
def test_any_markdown_imports_without_losing_a_line(lines: list[str]) -> None:
    text = "\n".join(lines)
    data = text.encode("utf-8")
    conversion = convert(data, "doc.md", LAYOUT)  # never raises
    readable = parse_bytes(data).writable
    if not readable or not strip_controls(text).strip():
        return  # unsafe to read (a conflict marker...), or nothing but control characters
    if conversion.skipped == "empty file":  # an empty frontmatter and nothing else
        assert {line.strip() for line in text.split("\n")} <= {"---", "...", ""}
        return
    assert not conversion.skipped, conversion.skipped
    assert _missing(strip_controls(text), conversion) == []
    assert conversion.data is not None
    assert convert(conversion.data, "again.md", LAYOUT).data == conversion.data


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.binary(max_size=300))
def test_any_bytes_never_raise(data: bytes) -> None:
    conversion = convert(data, "x.md", LAYOUT)
    assert conversion.skipped or conversion.data is not None
