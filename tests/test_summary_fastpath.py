"""The cold path's shortcuts give what the long way gives, field for field.

- the simple frontmatter reader (no PyYAML) reads what composing the YAML reads, or
  declines (None) and leaves it to the YAML path;
- the parser's skipped regexes: a line that skips the heading, conflict or fence test
  could never have matched it;
- the missing sections' placement: the same layout as the former quadratic loop;
- the summary reader (`fastsummary.read`, no pydantic entry) gives what the full parser
  and `summarize_full` give, or declines (None): over the demo knowledge base, the
  fixtures, strange files, generated entries, entries mutated line by line from a
  vocabulary of markdown traps, and arbitrary bytes and text;
- the whole rebuild (records made in a pool worker, one `executemany` per table) stores
  the same rows as one insert per file (the incremental path), and reads back as the
  summary of each file: over the demo knowledge base, the fixtures, the import corpus,
  generated entries and strange bytes.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opswizard.core import (
    bulkparse,
    fastsummary,
    frontmatter,
    kbdb,
    kbschema,
    kinds,
    mdblocks,
    mdlines,
    parse,
    store,
    template,
)
from opswizard.core.fences import FENCE_OPEN
from opswizard.core.model import Entry, EntryBase, Part
from opswizard.core.render import render_bytes
from opswizard.core.summary import summarize, summarize_full
from opswizard.core.template import SECTIONS, FieldKind

from .summary_agree import agree as _agree
from .test_roundtrip_properties import entries

REPO = Path(__file__).resolve().parent.parent
CORPUS = sorted(
    [*(REPO / "opswizard" / "demo").rglob("*.md"), *(REPO / "tests" / "fixtures").rglob("*.md")]
)
SOME = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=40, deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

STRANGE: dict[str, bytes] = {
    "empty.md": b"",
    "nul.md": b"---\nid: x\n---\n### Issue Summary\n- **Title**: a\x00b\n",
    "latin1.md": "### Issue Summary\n- **Title**: caf\xe9\n".encode("latin-1"),
    "bom-crlf.md": b"\xef\xbb\xbf---\r\nid: a\r\n---\r\n### Issue Summary\r\n- **Title**: t\r\n",
    "unclosed.md": b"---\nid: a\n### Issue Summary\n- **Title**: t\n",
    "yaml-list.md": b"---\n- a\n- b\n---\n### Issue Summary\n- **Title**: t\n",
    "alias.md": b"---\na: &x [1]\nb: *x\n---\n### Issue Summary\n- **Title**: t\n",
    "dup-key.md": b"---\nid: a\nid: b\n---\n### Issue Summary\n- **Title**: t\n",
    "dup-heading.md": b"### Issue Summary\n- **Title**: one\n### Issue Summary\n- **Title**: two\n",
    "dup-field.md": b"### Issue Summary\n- **Title**: one\n- **Title**: two\n",
    "controls.md": b"### Issue Summary\n- **Title**: a\x1b[31mred\x07\x7f\x85\n- **Date**: \x0c\n",
    "conflict.md": b"### Issue Summary\n<<<<<<< HEAD\n- **Title**: a\n=======\n>>>>>>> b\n",
    "fence-heading.md": b"### Commands Used\n```\n### Issue Summary\n```\n### Follow-up Actions\n"
                        b"- [x] done (owner: @a, due: 2025-01-01)\n",
    "no-sections.md": b"# just notes\n\nnothing of the template\n",
    "tags-heading.md": b"### Tags\n- one, two\n### Issue Summary\n- **Title**: t\n",
    "status-list.md": b"---\nstatus: []\ntags: []\n---\n### Issue Summary\n- **Title**: t\n",
    "old-mac.md": b"### Issue Summary\r- **Title**: t\r",
}


# -- frontmatter -------------------------------------------------------------------------------
_GOOD_KEYS = st.sampled_from(["id", "status", "tags", "opswizard", "checklist_override",
                              "author", "jira", "links", "x_y", "null", "true", "Tags"])
_KEYS = st.one_of(_GOOD_KEYS, _GOOD_KEYS, _GOOD_KEYS,
                  st.sampled_from(["a b", "<<", "-k", "", "? k", "k:", "'k'"]))
_GOOD_VALUES = st.sampled_from(["", "draft", "final", "wip", "1", "1.10", "NO", "yes", "null",
                                "2025-01-01", "a b", "x/y@z+1", "0x1F", "1e5", "ok.", "v1.10"])
ODD = ["a  b", "a, b", "[]", "[a]", "{}", "'q'", '"q"', "a: b", "a #c", "#c", "-x", "&a x",
       "*a", "!!str x", "|", ">", "é", "a\tb", "b ", " c", "~", "a:b", "a#b", "a -b", "- a",
       "a ...", "%x", "@x", "`x`", "a #", "a\\b", "? a", "a,b", "!x", "a]", "x]"]
_ODD_VALUES = st.one_of(
    *[st.sampled_from(["a  b", "a, b", "[]", "[a]", "{}", "'q'", '"q"', "a: b", "a #c", "#c",
                     "-x", "&a x", "*a", "!!str x", "|", ">", "é", "a\tb", "b ", " c", "~",
                     "a:b", "a#b", "a -b", "- a", "a ...", "%x", "@x", "`x`"])] * 3,
    st.text(string.printable, max_size=12),
)
_VALUES = st.one_of(_GOOD_VALUES, _GOOD_VALUES, _GOOD_VALUES, _ODD_VALUES)


@st.composite
def _frontmatter(draw: st.DrawFn, rate: int = 30) -> str:
    """Mostly the simple shape, with now and then (1 in `rate`, 0: never) one thing YAML
    reads otherwise."""
    odd = lambda: rate > 0 and draw(st.integers(1, rate)) == rate  # noqa: E731
    lines = []
    keys = draw(st.lists(_GOOD_KEYS, unique=True, max_size=6))
    for key in keys:
        if odd():
            key = draw(_KEYS)
        listed = draw(st.booleans())
        value = "" if listed and not odd() else draw(_ODD_VALUES if odd() else _GOOD_VALUES)
        lines.append(f"{key}:" + (f" {value}" if value or odd() else ""))
        for _ in range(draw(st.integers(0, 3)) if listed else 0):
            marker = draw(st.sampled_from(["- ", "    - ", "  -", "   - "])) if odd() else "  - "
            lines.append(marker + draw(_ODD_VALUES if odd() else _GOOD_VALUES.filter(bool)))
        if odd():
            lines.append(draw(st.sampled_from(["", "# note", "...", "---", "  more", "\t",
                                               "id: again", "tags: []", "k: [a, b]"])))
    end = "" if odd() else "\n"
    return "\n".join(lines) + (end if lines else "")


@st.composite
def _one_odd_line(draw: st.DrawFn) -> str:
    """A simple frontmatter with one value, item or line YAML may read otherwise."""
    key = draw(st.sampled_from(["zz", "status", "tags", "id", "checklist_override"]))
    lines = [line for line in draw(_frontmatter(rate=0)).splitlines()
             if not line.startswith(f"{key}:")]
    odd = draw(st.one_of(
        _ODD_VALUES.map(lambda v: f"{key}: {v}"),
        _ODD_VALUES.map(lambda v: f"{key}: {v}"),
        _ODD_VALUES.map(lambda v: f"{key}:\n  - {v}"),
        st.sampled_from(["", "# note", "...", "---", "  more", "\t", "tags: []", "k: [a, b]",
                         "zz:", "zz: ", "zz:  x", "zz:\n- a", "zz:\n  - a\n   - b"]),
    ))
    at = draw(st.integers(0, len(lines)))
    return "\n".join([*lines[:at], odd, *lines[at:]]) + "\n"


@pytest.mark.parametrize("shape", [_one_odd_line, _frontmatter])
@SOME
@given(data=st.data())
def test_the_simple_frontmatter_reader_agrees_with_yaml_or_declines(
        shape: Callable[[], st.SearchStrategy[str]], data: st.DataObject) -> None:
    """Mostly simple frontmatter with now and then a trap, or exactly one odd line."""
    source = data.draw(shape())
    simple = frontmatter._load_simple(source)
    if simple is not None:
        assert simple == _yaml(source)


@pytest.mark.parametrize("key", ["status", "id", "tags", "checklist_override", "zz"])
def test_each_known_trap_is_read_as_yaml_reads_it_or_declined(key: str) -> None:
    for value in ODD + ["", "ok", "a b"]:
        for source in (f"{key}: {value}\n", f"{key}:\n  - {value}\n", f"{key}:{value}\n",
                       f"id: x\n{key}: {value}\nopswizard: 1\n"):
            simple = frontmatter._load_simple(source)
            assert simple is None or simple == _yaml(source), source


def _yaml(source: str) -> frontmatter.Frontmatter | str:
    try:
        return frontmatter.load_yaml(source, 2)
    except frontmatter.FrontmatterError as exc:
        return f"error line {exc.line}: {exc}"


def test_the_simple_reader_takes_what_opswizard_writes() -> None:
    text = frontmatter.dump(
        [("opswizard", 1), ("id", "b1e75a58-6394-8aa4"), ("status", "final"),
         ("tags", ["rate-limit", "v1.10"])], [("jira", "jira: OPS-12\n")])
    simple = frontmatter._load_simple(text)
    assert simple is not None
    assert simple == _yaml(text)
    assert simple.values["tags"] == ["rate-limit", "v1.10"]
    assert simple.extra == [("jira", "jira: OPS-12\n")]


def test_what_the_simple_reader_declines_still_reads() -> None:
    for source in ("a: &x 1\nb: *x\n", "id: a\nid: b\n", "tags: a, b\n", "status: [a]\n"):
        assert frontmatter._load_simple(source) is None
    assert frontmatter.load("tags: a, b\n").values["tags"] == ["a", "b"]


# -- the parser's skipped tests ----------------------------------------------------------------
_LINE_START = st.sampled_from(["", " ", "   ", "    ", "#", "# ", "## ", "   ###### ", "\t#",
                               "<<<<<<<", ">>>>>>> ", "<<<<<<< x", " <<<<<<<", "```", "~~~",
                               "  ```py", "\t```", "- ```", "1. ~~~", "``", "~~"])


@SOME
@given(st.builds(str.__add__, _LINE_START, st.text(max_size=20)))
def test_a_skipped_test_could_not_have_matched(line: str) -> None:
    if mdblocks._HEADING.match(line):
        assert "#" in line[:4]
    if mdblocks._CONFLICT.match(line):
        assert line[:1] in mdblocks._CONFLICT_START
    if FENCE_OPEN.match(line) or FENCE_OPEN.match(mdblocks._item_content(SECTIONS[0], line)):
        assert "```" in line or "~~~" in line


def _insert_missing_before(entry: EntryBase, seen: set[str]) -> None:
    """The placement as it was written first (quadratic), kept here as the reference."""
    order = {s.key: i for i, s in enumerate(SECTIONS)}
    for index, spec in enumerate(SECTIONS):
        if spec.key in seen:
            continue
        position = 0 if not entry.layout or entry.layout[0].section else 1
        for at, part in enumerate(entry.layout):
            if part.section and order[part.section] < index:
                position = at + 1
        entry.layout.insert(position, Part(section=spec.key))


@SOME
@given(st.lists(st.one_of(st.sampled_from([s.key for s in SECTIONS]), st.just("")),
                max_size=20))
def test_missing_sections_go_where_they_went(keys: list[str]) -> None:
    present = list(dict.fromkeys(k for k in keys if k))
    layout = [Part(section=k, keep_empty=True) if k else Part(text="raw")
              for k in keys if not k or k in present]
    layout = [p for n, p in enumerate(layout) if not p.section
              or p.section not in [q.section for q in layout[:n]]]
    fast, slow = Entry(layout=list(layout)), Entry(layout=list(layout))
    parse._insert_missing_sections(fast, set(present))
    _insert_missing_before(slow, set(present))
    assert fast.layout == slow.layout


# -- the whole rebuild -------------------------------------------------------------------------
def _tables(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for table in ("rows", "followups", "links", "tags", "services"):
        out[table] = sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
    if kbdb.HAS_FTS5:
        out["fts"] = sorted(conn.execute("SELECT rowid, * FROM fts").fetchall(), key=repr)
    return out


def _one_by_one(root: Path) -> dict[str, list[tuple[object, ...]]]:
    """The tables as one insert per file (the incremental path) writes them."""
    conn = sqlite3.connect(":memory:")
    for ddl in kbschema.schema(kbdb.HAS_FTS5):
        conn.execute(ddl)
    index = kbdb.KbIndex(root)
    for path in sorted(root.rglob("*.md")):
        key = path.relative_to(root).as_posix()
        info = path.stat()
        index._insert(conn, summarize(key, path.read_bytes(), path), info.st_size, 0)
    return _tables(conn)


def _check_kb(root: Path, workers: int = 1) -> None:
    kbdb.clear(root)
    index = kbdb.KbIndex.open(root, workers=workers)
    try:
        assert index.stats.parsed + index.stats.unreadable == len(list(root.rglob("*.md")))
        assert index.path is not None and index.conn is not None
        conn = index.conn
        rebuilt = _tables(conn)
        expected = _one_by_one(root)
        # Row ids differ in order (scan order against sorted): compare without them.
        for table, rows in expected.items():
            assert len(rebuilt[table]) == len(rows), table
        by_key = {s.key: s for s in index.summaries()}
        for path in sorted(root.rglob("*.md")):
            key = path.relative_to(root).as_posix()
            assert by_key[key] == summarize(key, path.read_bytes(), path), key
        rows = {r[1]: r[2:] for r in rebuilt["rows"]}  # key -> the other columns
        for r in expected["rows"]:
            assert rows[r[1]][2:] == r[4:], r[1]  # all but size and mtime, field for field
        ids = {r[0]: r[1] for r in rebuilt["rows"]}
        exp_ids = {r[0]: r[1] for r in expected["rows"]}
        for table in ("followups", "links", "tags", "services", "fts"):
            if table not in expected:
                continue
            got = sorted(((ids[r[0]], *r[1:]) for r in rebuilt[table]), key=repr)
            want = sorted(((exp_ids[r[0]], *r[1:]) for r in expected[table]), key=repr)
            assert got == want, table
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        index.close()


def _fill_kb(root: Path) -> None:
    for n, path in enumerate(CORPUS):
        target = root / path.parent.name / f"{n:03d}-{path.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    for name, data in STRANGE.items():
        (root / "strange").mkdir(exist_ok=True)
        (root / "strange" / name).write_bytes(data)


def test_the_corpus_rebuilt_in_bulk_equals_one_insert_per_file(tmp_path: Path) -> None:
    assert len(CORPUS) > 40  # the demo, the fixtures and the import corpus are there
    root = tmp_path / "kb"
    _fill_kb(root)
    _check_kb(root)


def test_the_pool_sends_back_the_same_records(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "kb"
    _fill_kb(root)
    files = [(p.relative_to(root).as_posix(), str(p)) for p in sorted(root.rglob("*.md"))]
    monkeypatch.setattr(bulkparse, "CHUNK", 8)
    pooled = [g for c in bulkparse.index_chunks(files, workers=2) for g in c]
    alone = [(kbschema.record(summarize_full(k, Path(p).read_bytes(), Path(p))), True)
             for k, p in files]
    assert pooled == alone


def test_a_file_that_cannot_be_read_is_a_finding_and_is_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "kb"
    _fill_kb(root)
    gone = sorted((root / "strange").iterdir())[0]
    gone.write_bytes(CORPUS[0].read_bytes())
    for path in root.rglob("*.md"):  # not just written: a size and mtime seen can be trusted
        os.utime(path, ns=(1_700_000_000 * 10**9, 1_700_000_000 * 10**9))
    real = store.read_bytes

    def refuse(path: Path) -> bytes:
        if Path(path) == gone:
            raise store.StoreError(f"{path}: cannot be read (gone)")
        return real(path)

    monkeypatch.setattr(store, "read_bytes", refuse)
    kbdb.clear(root)
    index = kbdb.KbIndex.open(root, workers=1)
    try:
        assert index.stats.unreadable == 1
        found = {s.key: s for s in index.summaries()}[gone.relative_to(root).as_posix()]
        assert found.error == "cannot be read (gone)" and found.title == gone.name
    finally:
        index.close()
    monkeypatch.setattr(store, "read_bytes", real)
    index = kbdb.KbIndex.open(root, workers=1)
    try:
        found = {s.key: s for s in index.summaries()}[gone.relative_to(root).as_posix()]
        assert not found.error and found.id  # not kept as unreadable: read again
    finally:
        index.close()


@FEW
@given(st.lists(entries(), min_size=1, max_size=4),
       st.lists(st.binary(max_size=300), max_size=3),
       st.lists(st.text(max_size=300), max_size=3))
def test_generated_and_arbitrary_files_rebuild_to_their_summaries(
        tmp_path_factory: pytest.TempPathFactory, made: list[EntryBase], blobs: list[bytes],
        texts: list[str]) -> None:
    root = tmp_path_factory.mktemp("kb")
    for n, entry in enumerate(made):
        (root / f"e{n}.md").write_bytes(render_bytes(entry))
    for n, blob in enumerate(blobs):
        (root / f"b{n}.md").write_bytes(blob)
    for n, text in enumerate(texts):
        (root / f"t{n}.md").write_bytes(("### Issue Summary\n" + text).encode("utf-8",
                                                                             "surrogatepass"))
    _check_kb(root)


# -- the summary reader ------------------------------------------------------------------------
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_the_summary_reader_agrees_on_the_demo_and_the_fixtures(path: Path) -> None:
    answered = _agree(path.read_bytes())
    if "demo" in path.parts:
        assert answered  # what opswizard writes is read without the full parser


@pytest.mark.parametrize("name", sorted(STRANGE))
def test_the_summary_reader_agrees_on_strange_files(name: str) -> None:
    _agree(STRANGE[name])


def test_the_summary_reader_declines_what_it_is_not_sure_of() -> None:
    for name in ("nul.md", "latin1.md", "bom-crlf.md", "unclosed.md", "old-mac.md"):
        assert fastsummary.read(name, STRANGE[name]) is None, name


NOT_ENTRIES = {
    "empty.md": b"",
    "notes.md": b"# just notes\n\nnothing of the template\n",
    "bad-yaml.md": b"---\ntitle: [unclosed\n---\n",
    "bad-yaml-notes.md": b"---\ntitle: [unclosed\n---\n# notes\n### Tags\n- a\n",
    "conflict.md": b"<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> b\n",
    "bad-yaml-conflict.md": b"---\na: {\n---\n<<<<<<< HEAD\n>>>>>>> b\n",
    "fence.md": b"```\n### Issue Summary\n",
}


@pytest.mark.parametrize("name", sorted(NOT_ENTRIES))
def test_a_file_that_is_not_an_entry_is_read_without_the_full_parser(name: str) -> None:
    summary = fastsummary.read(name, NOT_ENTRIES[name], Path(name))
    assert summary is not None and summary.error and summary.title == name
    assert _agree(NOT_ENTRIES[name], name)


def test_unreadable_frontmatter_is_an_error_and_the_entry_is_still_read() -> None:
    data = b"---\nid: [unclosed\n---\n### Issue Summary\n- **Title**: kept\n"
    summary = fastsummary.read("x.md", data)
    assert summary is not None and not summary.error and summary.title == "kept"
    assert _agree(data)


# Lines that change how a file reads: headings of every kind, list markers, labels,
# follow-up actions, fences, tags, conflict markers, placeholders, links, odd spacing.
TRAPS = [
    "", " ", "\t", "### Issue Summary", "## Context", "#### Root Cause Analysis", "### Metrics",
    "### Follow-up Actions", "### Learning Points", "### Prevention Measures",
    "### Related Issues", "### Commands Used", "### Code Changes", "### Additional Notes",
    "### Resolution Steps", "### Configuration Changes", "### Tags", "## Searchable Tags",
    "### Something Else", "##### deep", "# Title", "    ### indented", "###no space",
    "### Issue Summary ###", "- **Title**: a title here", "- **Title**:", "- **Date**: 2025-13-40",
    "- **Date**: 2025-01-02T03:04:05Z", "- **Date**: 2025-01-02 10:15", "- **Severity**: HIGH",
    "- **Severity**: nope", "- **Category**: monitoring", "- **Category**: [category]",
    "- **Duration**: 45 minutes", "- **Duration**: soon", "- **Related Services**: a, b; c",
    "- **Symptoms**: users see errors", "- **Primary Cause**: [placeholder]",
    "- **Unknown**: kept as extra", "- **Title:** colon inside", "* **Impact**: 5% of calls",
    "- **Time to Detect**: 5 minutes", "- **Time to Resolve**: an hour",
    "- **Users Affected**: 1,200", "- **Business Impact**: none", "-", "- ", "+ plus item",
    "1. step one", "2) step two", "10. step ten", "   continued text", "plain paragraph",
    "- [ ] Add an alert (owner: @dana, due: 2025-03-01)", "- [x] done (owner: @a)",
    "- [X] (due: 2025-02-30)", "- [ ] no owner", "- [ ]", "- (owner: @b, due: soon)",
    "- **Problem**: a link [ticket](https://example.com/T-1)", "- see OPS-12 for more",
    "- **Fix**: [prev](../issues/a.md#x)", "- a.md", "- #123", "- ![img](x.png)",
    "- **Measure**: add a load test to the pipeline", "- **Measure**:", "- short",
    "- Limits need an alert before they bite", "```", "```bash", "~~~python", "```py x",
    "echo hello", "command1 --flag", "def f(:", "- ```bash", "1. ~~~", "# Before", "# After",
    "-- Before", "// After", "<<<<<<< HEAD", "=======", ">>>>>>> branch", "`tag-one`, `two`",
    "- one, two", "tag-a, tag-b", "  - nested item", "**Bold**: not a list", "Ünïcødé — text",
    "a\u2028b", "a\x0bb", "\u00a0- nbsp", "- **Title**: \u200b", "---", "...",
    "see [the doc](https://example.com/d) here", "- **Measure**: [describe what to do here]",
    "- [describe the learning point in a sentence]", "- **Title**: a second title",
    "- **Severity**: low", "- **Date**: [YYYY-MM-DD]", "- **Impact**: TBD",
]
HEADINGS = [t for t in TRAPS if t.lstrip().startswith("#")]


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    """A file of the corpus or a generated entry, with lines inserted, replaced or dropped."""
    if draw(st.booleans()):
        lines = draw(st.sampled_from(CORPUS)).read_bytes().decode("utf-8", "replace").split("\n")
    else:
        lines = render_bytes(draw(entries())).decode("utf-8").split("\n")
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(lines)))
        what = draw(st.sampled_from(["insert", "insert", "replace", "drop"]))
        line = draw(st.one_of(st.sampled_from(TRAPS), st.text(max_size=20)))
        if what == "insert" or at == len(lines):
            lines.insert(at, line)
        elif what == "replace":
            lines[at] = line
        else:
            del lines[at]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@SOME
@given(_mutated())
def test_the_summary_reader_agrees_on_mutated_entries(data: bytes) -> None:
    _agree(data)


@SOME
@given(st.lists(st.tuples(st.sampled_from(HEADINGS), st.lists(st.sampled_from(TRAPS), max_size=8)),
                max_size=10))
def test_the_summary_reader_agrees_on_files_made_of_traps(
        blocks: list[tuple[str, list[str]]]) -> None:
    _agree("\n".join(line for heading, lines in blocks for line in (heading, *lines))
           .encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("make", [
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: ("### Issue Summary\n" + t).encode("utf-8",
                                                                          "surrogatepass")),
], ids=["bytes", "text"])
@SOME
@given(data=st.data())
def test_the_summary_reader_agrees_on_arbitrary_input(make: st.SearchStrategy[bytes],
                                                      data: st.DataObject) -> None:
    _agree(data.draw(make))


# List items (of either marker), blank lines, and items that open a fence.
ITEMS = [t for t in TRAPS if mdlines.STEP.match(t) or not t.strip()] + ["- ```", "2. ~~~py"]


@SOME
@given(st.lists(st.tuples(st.integers(1, 9), st.sampled_from(ITEMS)), max_size=12),
       st.sampled_from([mdlines.BULLET, mdlines.STEP]))
def test_items_only_is_what_chunks_gives_when_every_line_is_an_item(
        lines: list[tuple[int, str]], marker: re.Pattern[str]) -> None:
    lines = mdlines.trim(lines)
    texts = fastsummary.items_only(lines, marker)
    if texts is not None:
        found = mdlines.chunks(lines, marker)
        assert all(chunk.item for chunk in found)
        assert [chunk.text for chunk in found] == texts


# Field lines of the usual shape and their near misses, list items and blank lines.
FIELD_LINES = [
    "- **Title**: a", "- **Title**:", "- **Title** : b", "-\t**Title**:\tc", "   * **Severity**: x",
    "+ **Date**:  2025-01-01", "- ** Owner **: o", "- **Title:** b", "- ***Title**: b",
    "- **Ti*tle**: b", "- **Title**: ```", "- **Title**: a ~~~ b", "    - **Title**: a",
    "- **Title** b", "-**Title**: a", "- **a**: **b**: c", "- **Title**: a **b**", "- ",
    "-", "text", "  ", "", "\t", "- **Title**: a\x0b", "1. **Title**: a", "- **   **: x",
]


@SOME
@given(st.lists(st.tuples(st.integers(1, 9), st.sampled_from(FIELD_LINES + ITEMS)),
                max_size=12))
def test_fields_only_is_what_items_only_and_split_label_give(
        lines: list[tuple[int, str]]) -> None:
    pairs = fastsummary.fields_only(lines)
    if pairs is not None:
        texts = fastsummary.items_only(lines, mdlines.BULLET)
        assert texts is not None
        assert [(label.strip(), text) for label, text in pairs] == [
            mdlines.split_label(text) for text in texts]


def test_fields_only_reads_the_usual_shape_and_declines_the_rest() -> None:
    assert fastsummary.fields_only([(1, "- **Title**: a"), (2, ""), (3, "- **Date**:")]) == [
        ("Title", "a"), ("Date", "")]
    for odd in ("- **Title:** b", "text", "- **Title**: ```", "-", "- ***Title**: b"):
        assert fastsummary.fields_only([(1, "- **Title**: a"), (2, odd)]) is None


@SOME
@given(st.lists(st.sampled_from(TRAPS + ["# Tags", "## Tags ##", "   ### Context", "#x",
                                         "####### Context", "### Context #", "#\tContext"]),
                max_size=12))
def test_the_remembered_headings_split_as_the_regex_does(lines: list[str]) -> None:
    body = "\n".join(lines)
    first = mdblocks.blocks(fastsummary._Sink(), body, 1)
    again = mdblocks.blocks(fastsummary._Sink(), body, 1)  # now from the memory
    mdblocks._HEADING_OF.clear()
    assert first == again == mdblocks.blocks(fastsummary._Sink(), body, 1)
    for line in lines:
        heading = mdblocks._HEADING.match(line) if "#" in line[:4] else None
        if heading is None:
            assert "#" not in line[:4] or mdblocks._heading(line) is None
        else:
            name = mdblocks._heading_name(heading.group(2))
            spec = template.section_for_heading(name)
            assert mdblocks._heading(line) == (
                len(heading.group(1)), spec, spec is None and template.is_tag_heading(name))


@SOME
@given(st.lists(st.sampled_from(TRAPS + ["# Tags", "#### sub", "   ### Context", "#x", "text",
                                         "```", "~~~py", "<<<<<<< HEAD", ">>>>>>> b", "=======",
                                         "- ```bash", "<<<<<<<", "  ## Raw"]),
                max_size=14), st.integers(1, 9))
def test_the_block_split_without_markers_is_the_split_with_them(lines: list[str],
                                                                  first: int) -> None:
    """`blocks` skips the fence and conflict checks on a body holding no ``` ~~~ <<<<<<<
    or >>>>>>>: it must split as the loop that makes them (`marked_blocks`)."""
    body = "\n".join(lines)
    fast, slow = fastsummary._Sink(), fastsummary._Sink()
    assert mdblocks.blocks(fast, body, first) == mdblocks.marked_blocks(slow, body, first)
    assert (fast.findings, fast.writable) == (slow.findings, slow.writable)


@SOME
@given(st.sampled_from(sorted(kinds.STRIPPED)),
       st.text(max_size=40) | st.sampled_from(["2025-01-01", " 2025-01-01T10:00:00Z",
                                                "Monitoring", "critical ", "staging", ""]))
def test_the_kinds_said_only_stripped_are_only_stripped(kind: FieldKind, raw: str) -> None:
    assert kinds.normalise(kind, raw) == raw.strip()
