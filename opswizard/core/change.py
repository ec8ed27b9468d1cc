"""Before/after halves of a Code Changes or Configuration Changes block.

The template writes a change as one fence:

    # Before:            (or `// Before:` for JSON, `-- Before:` for SQL)
    old

    # After:
    new

`split` reads that shape (keeping any preamble and the notes after `Before:`);
`compose` writes it. A block without the markers is not split: it is edited whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The note's closing `*/` is dropped by `_note`: `(.*?)(\*/)?\s*$` is quadratic on long spaces.
_MARK = re.compile(r"^\s*(#|//|--|;|/\*)\s*(Before|After)\s*:?(.*)$", re.I)
_SLASH = {"json", "jsonc", "js", "javascript", "ts", "typescript", "go", "java", "c", "cpp",
          "c++", "csharp", "cs", "rust", "kotlin", "swift", "scala", "php", "hcl", "terraform"}
_DASH = {"sql", "lua", "haskell"}


def comment_prefix(language: str) -> str:
    lang = language.lower()
    if lang in _SLASH:
        return "//"
    if lang in _DASH:
        return "--"
    if lang in ("ini", "lisp", "clojure", "asm"):
        return ";"
    return "#"


@dataclass
class Change:
    """A change block read into its parts."""

    before: str = ""
    after: str = ""
    preamble: str = ""
    before_note: str = ""
    after_note: str = ""
    prefix: str = "#"


def split(code: str) -> Change | None:
    """The parts of a change block, or None if it has no `Before:`/`After:` markers."""
    lines = code.split("\n")
    marks = [(i, m) for i, line in enumerate(lines) if (m := _MARK.match(line))]
    befores = [(i, m) for i, m in marks if m.group(2).lower() == "before"]
    afters = [(i, m) for i, m in marks if m.group(2).lower() == "after"]
    if len(befores) != 1 or len(afters) != 1 or befores[0][0] > afters[0][0]:
        return None
    (b, bm), (a, am) = befores[0], afters[0]
    before = "\n".join(lines[b + 1 : a]).rstrip("\n")
    after = "\n".join(lines[a + 1 :])
    change = Change(
        before=before,
        after=after,
        preamble="\n".join(lines[:b]),
        before_note=_note(bm.group(3)),
        after_note=_note(am.group(3)),
        prefix=bm.group(1),
    )
    if compose(change) != code:
        return None  # not in the canonical shape: edit it whole rather than reformat it
    return change


def _note(raw: str) -> str:
    """The text after `Before:`/`After:`, without trailing spaces or a closing `*/`."""
    text = raw.rstrip()
    return text[:-2].rstrip() if text.endswith("*/") else text


def compose(change: Change) -> str:
    """The block's text for these parts."""
    head = f"{change.preamble}\n" if change.preamble else ""
    return (
        f"{head}{change.prefix} Before:{change.before_note}\n{change.before}\n\n"
        f"{change.prefix} After:{change.after_note}\n{change.after}"
    )
