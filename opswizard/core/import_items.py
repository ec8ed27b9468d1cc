"""The content of a mapped section, written as the template section reads it.

Follow-ups come from action bullets, checklists and markdown tables (owner, due date and
ticket columns); learning points from lessons lists; resolution steps from numbered or
bulleted lists (or one step per paragraph when there is no list). Every source line is
kept: as an item, as part of a field's value, or verbatim (paragraphs between items).
"""

from __future__ import annotations

import re
from datetime import date

from .import_when import parse_when, plain
from .template import SectionKind

Line = tuple[int, str]

_LIST = re.compile(r"^(?P<indent>\s{0,3})(?P<marker>[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<text>.*))?$")
_BOX = re.compile(r"^\[(?P<mark>[ xX])\]\s*(?P<text>.*)$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*)$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_TABLE = re.compile(r"^\s*\|.*\|\s*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_META = re.compile(r"\((?P<meta>[^()]*\b(?:owner|due|deadline|by)\s*:[^()]*)\)\s*$", re.I)
_OWNER = re.compile(
    r"(?:\b(?i:owner)\s*[:=-]\s*|\b(?i:assign(?:ed|ee)(?:\s+to)?)\s*[:=-]?\s*|\b(?i:owned by)\s+)"
    r"(?P<o>@?[\w-]+(?:\.[\w-]+)*(?:[ \t]+[A-Z][\w-]*)?)|(?<![\w@])(?P<m>@[A-Za-z][\w.-]*\w)")
_DUE = re.compile(r"\b(?:due|deadline|by|eta|target)\b\s*[:=-]?\s*(?P<d>\d{4}-\d{2}-\d{2}|"
                  r"[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]{2,8} \d{4})", re.I)
_TRAILING_DAY = re.compile(r"(?:^|\s[-–—|,]\s*)(?P<d>\d{4}-\d{2}-\d{2})\s*$")
_DONE_WORDS = ("done", "complete", "completed", "closed", "fixed", "resolved", "shipped", "yes",
               "✅", "[x]")

COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("action", "action item", "item", "task", "description", "what", "remediation",
             "follow-up", "follow up", "title", "summary", "todo"),
    "owner": ("owner", "owners", "assignee", "assigned to", "who", "responsible", "team", "dri"),
    "due": ("due", "due date", "deadline", "target date", "eta", "when", "by", "date"),
    "status": ("status", "state", "done"),
}


def is_placeholder_body(lines: list[Line]) -> bool:
    """True when every non-blank line is a template placeholder (`[Describe the impact]`)."""
    texts = [_strip_marker(t) for _, t in lines if t.strip()]
    return bool(texts) and all(
        len(t) > 2 and t.startswith("[") and t.endswith("]") and "](" not in t for t in texts)


def _strip_marker(line: str) -> str:
    match = _LIST.match(line)
    text = (match.group("text") or "") if match else line
    box = _BOX.match(text.strip())
    return (box.group("text") if box else text).strip()


def field_value(first: str, lines: list[Line]) -> str:
    """A section's text as one field value: its first line after the label, the others
    indented so they stay inside the field's list item."""
    body = [t for _, t in lines]
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    if not first.strip() and body:
        first = body.pop(0).strip()
    rest = ["    " + t if t.strip() else "" for t in body]
    return "\n".join([first.strip(), *rest]).strip()


def demote(line: str) -> str:
    """A heading inside a mapped section, made a sub-heading (`####`) of it."""
    match = _HEADING.match(line)
    if match and len(match.group(1)) < 4:
        return "#### " + match.group(2)
    return line


def _paragraphs(lines: list[Line]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for _, text in lines:
        if text.strip():
            out[-1].append(text)
        elif out[-1]:
            out.append([])
    return [p for p in out if p]


def _has_list(lines: list[Line]) -> bool:
    fence = False
    for _, text in lines:
        if _FENCE.match(text):
            fence = not fence
        if not fence and _LIST.match(text):
            return True
    return False


def list_body(kind: SectionKind, lines: list[Line]) -> list[str]:
    """Lines under a STEPS, BULLETS or LABELLED heading, read from a section's body.

    A body with a list keeps its lines (numbers become bullets for a bulleted section);
    a body of paragraphs becomes one item per paragraph (continuation lines follow).
    """
    if any(_FENCE.match(t) for _, t in lines) or not any(t.strip() for _, t in lines):
        return [demote(t) for _, t in lines]
    if _has_list(lines):
        out = []
        for _, text in lines:
            match = _LIST.match(text)
            if match and kind is not SectionKind.STEPS and match.group("marker")[0].isdigit():
                text = f"{match.group('indent')}- {match.group('text') or ''}".rstrip()
            out.append(demote(text))
        return out
    out = []
    for para in _paragraphs(lines):
        if _HEADING.match(para[0]) or _TABLE.match(para[0]):
            out.extend(demote(t) for t in para)
        else:
            marker = "1." if kind is SectionKind.STEPS else "-"
            out.append(f"{marker} {para[0].strip()}")
            out.extend(para[1:])
        out.append("")
    return out[:-1]


# -- follow-ups -------------------------------------------------------------------------------
def _day(text: str) -> str | None:
    when, _ = parse_when(text)
    return when.date().isoformat() if when else None


def _owner_text(text: str) -> str:
    """An owner as the template's `(owner: ...)` can hold: no commas, semicolons or parens."""
    value = plain(text).strip()
    value = re.sub(r"\s*[,;/]\s*|\s+and\s+", " & ", value)
    return value if value and not re.search(r"[()]", value) else ""


def action_line(text: str, done: bool, owner: str = "", due: str = "") -> str:
    """`- [ ] text (owner: x, due: YYYY-MM-DD)`; the meta group only when there is one."""
    meta = [f"owner: {owner}"] if owner else []
    meta += [f"due: {due}"] if due else []
    suffix = f" ({', '.join(meta)})" if meta else ""
    return f"- [{'x' if done else ' '}] {text.strip()}{suffix}".rstrip()


def action_from_text(text: str) -> str:
    """A follow-up line from an action bullet's text (checkbox, owner and due read)."""
    done = False
    box = _BOX.match(text.strip())
    if box:
        done, text = box.group("mark") != " ", box.group("text")
    meta = _META.search(text)
    if meta and all(re.fullmatch(r"\s*(owner|due|deadline|by)\s*:\s*[^,;]+", part, re.I)
                    for part in meta.group("meta").split(",")):
        return action_line(text, done)  # already the template's form: the parser reads it
    owner_match = _OWNER.search(text)
    owner = _owner_text((owner_match.group("o") or owner_match.group("m"))) if owner_match else ""
    due_match = _DUE.search(text) or _TRAILING_DAY.search(text)
    due = _day(due_match.group("d")) if due_match else ""
    return action_line(text, done, owner, due or "")


def _column(name: str) -> str | None:
    low = re.sub(r"[^a-z -]", "", plain(name).lower()).strip()
    for role, names in COLUMNS.items():
        if low in names:
            return role
    return None


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def table_actions(header: str, rows: list[str]) -> list[str] | None:
    """Follow-up lines from a table with an action column; None when it has none."""
    names = _cells(header)
    roles = [_column(n) for n in names]
    if "text" not in roles:
        return None
    out = []
    for row in rows:
        cells = _cells(row)
        text = owner = due = ""
        done = False
        extras = []
        for name, role, cell in zip(names, roles, cells, strict=False):
            if not cell:
                continue
            if role == "text" and not text:
                text = cell
                continue
            if role == "owner" and not owner and _owner_text(cell):
                owner = _owner_text(cell)
                if owner == plain(cell).strip():
                    continue
            elif role == "due" and not due and _day(cell) and re.fullmatch(
                    r"\d{4}-\d{2}-\d{2}", cell.strip()):
                due = cell.strip()
                continue
            elif role == "status" and cell.strip().lower() in _DONE_WORDS:
                done = True
            extras.append(f"{plain(name) or 'note'}: {cell}")
        if not text:
            text = extras.pop(0) if extras else ""
        if extras:
            text += " — " + "; ".join(extras)
        if text.strip():
            out.append(action_line(text, done, owner, due))
    return out


def action_body(lines: list[Line]) -> tuple[list[str], list[int]]:
    """Lines under Follow-up Actions, and the source lines that were table structure
    (header and separator rows of a table read as follow-ups)."""
    out: list[str] = []
    structure: list[int] = []
    index = 0
    texts = [t for _, t in lines]
    list_items = _has_list(lines)
    fence = False
    while index < len(lines):
        no, text = lines[index]
        if _FENCE.match(text):
            fence = not fence
        if fence or _FENCE.match(text):
            out.append(text)
            index += 1
            continue
        if _TABLE.match(text) and index + 1 < len(lines) and _SEPARATOR.match(texts[index + 1]):
            end = index + 2
            while end < len(lines) and _TABLE.match(texts[end]):
                end += 1
            actions = table_actions(text, texts[index + 2:end])
            if actions is not None:
                out.extend(actions)
                structure.extend([no, lines[index + 1][0]])
            else:
                out.extend(texts[index:end])
            index = end
            continue
        match = _LIST.match(text)
        if match and match.group("text"):
            out.append(action_from_text(match.group("text")))
        elif text.strip() and not list_items and not _HEADING.match(text):
            out.append(action_from_text(text.strip()))  # a paragraph-only section
        else:
            out.append(demote(text))
        index += 1
    return out, structure


def today() -> date:  # pragma: no cover - a seam for tests
    return date.today()
