"""Drafts written by an agent: checked like the wizard's input, saved like a person's.

`PARAMETERS` is the typed signature of the `create_draft` tool, derived from the template
description (`core/template.py`): one parameter per field and per section, typed by its kind
(a string, a list of steps or bullets, `Label: text` items, code blocks, before/after changes,
follow-ups), plus `tags` and `markdown`. Adding a section to the template adds a parameter.

`build` turns the arguments into an entry. As in the wizard, each value has its control
characters removed, any secret in it redacted (`core/secrets.py`, as `import` does; each
redaction is noted in the answer), and is checked by its kind; a value the wizard would
refuse (an unknown category or severity, a date or duration it cannot read, a deadline that
is not a day, a Related Issues link leading out of the knowledge base) is a `FieldErrors`
listing every reason, and nothing is written. The checklist never refuses a draft: it is
returned with it.

`save` publishes the draft at its conventional path through the core's `EditSession` (the
save of the wizard, plain mode and import): atomically, never over an existing file (a taken
name gets `-2`), never outside the knowledge base.
"""

from __future__ import annotations

import inspect
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote

from pydantic import BaseModel, BeforeValidator, Field

from ..core import kinds, store
from ..core.sanitize import strip_controls
from ..core.template import CATEGORIES, SECTIONS, SEVERITIES, FieldKind, SectionKind

MAX_TEXT = 20_000  # characters of one field or item
MAX_ITEMS = 200  # items of one list
MAX_MARKDOWN = 1024 * 1024  # characters of a whole entry given as markdown (the file cap)


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


Category = Annotated[Literal[CATEGORIES], BeforeValidator(_lower)]  # type: ignore[valid-type]
Severity = Annotated[Literal[SEVERITIES], BeforeValidator(_upper)]  # type: ignore[valid-type]
Status = Annotated[Literal["draft", "final"], BeforeValidator(_lower)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]


class CodeBlock(BaseModel):
    """One fenced block: the code (commands as they were run) and its language."""

    code: Text
    language: Annotated[str, Field(max_length=40)] = ""


class ChangeBlock(BaseModel):
    """A code or configuration change: what it was, what it became, in one language."""

    before: Text
    after: Text
    language: Annotated[str, Field(max_length=40)] = ""


class FollowUp(BaseModel):
    """A follow-up action, its owner (`@name`) and its deadline (YYYY-MM-DD)."""

    text: Text
    owner: Annotated[str, Field(max_length=100)] = ""
    due: Annotated[str, Field(max_length=40, description="YYYY-MM-DD")] = ""
    done: bool = False


class FieldErrors(ValueError):
    """Values the wizard would refuse; nothing was written."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _items(kind: Any, description: str) -> Any:
    return Annotated[list[kind] | None, Field(max_length=MAX_ITEMS, description=description)]


def _parameters() -> list[inspect.Parameter]:
    """The `create_draft` parameters, in template order."""
    params: list[inspect.Parameter] = []

    def add(name: str, annotation: Any) -> None:
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                                        annotation=annotation))

    for spec in SECTIONS:
        if spec.kind is SectionKind.FIELDS:
            for f in spec.fields:
                text = f"{f.label}: {f.hint}" if f.hint else f.label
                if f.kind is FieldKind.CATEGORY:
                    add(f.key, Annotated[Category | None, Field(description=text)])
                elif f.kind is FieldKind.SEVERITY:
                    add(f.key, Annotated[Severity | None, Field(description=text)])
                elif f.kind is FieldKind.LIST:
                    add(f.key, _items(Annotated[str, Field(max_length=200)], f.label))
                else:
                    if f.kind is FieldKind.DATE:
                        text += " (default: now)"
                    add(f.key, Annotated[str | None, Field(max_length=MAX_TEXT,
                                                           description=text)])
            continue
        hint = f"{spec.heading}: {spec.hint}"
        if spec.kind in (SectionKind.STEPS, SectionKind.BULLETS):
            add(spec.key, _items(Text, hint))
        elif spec.kind is SectionKind.LABELLED:
            add(spec.key, _items(Text, hint + " Each item 'Label: text'."))
        elif spec.kind is SectionKind.CODE:
            add(spec.key, _items(CodeBlock, hint + f" Default language {spec.language}."))
        elif spec.kind is SectionKind.CHANGE:
            add(spec.key, _items(ChangeBlock, hint + f" Default language {spec.language}."))
        elif spec.kind is SectionKind.ACTIONS:
            add(spec.key, _items(FollowUp, hint))
        else:
            add(spec.key, Annotated[str | None, Field(max_length=MAX_TEXT, description=hint)])
    add("tags", _items(Annotated[str, Field(max_length=64)],
                       "Searchable tags, e.g. connection-pool, postgres."))
    add("markdown", Annotated[str | None, Field(
        max_length=MAX_MARKDOWN,
        description="A whole entry as markdown in the template's layout, instead of or "
                    "under the typed fields (typed fields given as well win).")])
    return params


PARAMETERS = _parameters()
FIELD_KINDS = {f.key: f.kind for s in SECTIONS for f in s.fields}
_LABEL_MAX = 80


def _label_item(text: str) -> tuple[str | None, str]:
    """`Label: text` -> ("Label", "text"); a link or a long first part stays unlabelled."""
    head, sep, rest = text.partition(": ")
    if sep and head.strip() and len(head) <= _LABEL_MAX and "\n" not in head \
            and not head.lstrip().startswith(("[", "http")):
        return head.strip().strip("*").strip(), rest.strip()
    return None, text.strip()


def build(args: dict[str, Any], allowlist: frozenset[str] = frozenset(),
          ) -> tuple[Any, list[str]]:
    """The draft entry for the tool's arguments, and notes (warnings the wizard would show,
    and each secret redacted). Raises FieldErrors listing every value the wizard would
    refuse. `allowlist`: fingerprints of values that are not secrets (the knowledge base's)."""
    from ..core import change as change_mod
    from ..core import secrets
    from ..core.checks import located_findings
    from ..core.model import Action, Fence, Item, new_entry, new_id
    from ..core.parse import parse_text
    from ..core.tags import normalise_tag

    errors: list[str] = []
    notes: list[str] = []

    def text_of(value: str, where: str) -> str:
        """As typed text enters an entry: controls removed, secrets redacted (and noted)."""
        clean = strip_controls(value)
        redacted, found = secrets.redact(clean, allowlist=allowlist)
        for finding in found:
            notes.append(f"{where}: a secret ({finding.label}) was redacted")
        return redacted

    markdown = args.get("markdown")
    if markdown:
        result = parse_text(text_of(markdown, "markdown"))
        entry = result.entry
        if not result.writable:
            errors.extend(f"markdown line {f.line}: {f.message}" for f in result.errors)
        for finding in located_findings(result):
            if finding.level == "error" and finding.where.startswith("field:"):
                errors.append(f"markdown line {finding.line}: {finding.message}")
        if not entry.date.strip():
            entry.set("date", kinds.format_date(datetime.now(UTC)))
        entry.id = new_id()  # a new entry: never another file's id
    else:
        entry = new_entry()
    entry.status = "draft"
    entry.checklist_override = ""
    for name in ("title", "category", "severity"):
        if not args.get(name) and not entry.get(name).strip():
            errors.append(f"{name}: required (or give it in markdown)")
    for spec in SECTIONS:
        section = entry.section(spec.key)
        if spec.kind is SectionKind.FIELDS:
            for f in spec.fields:
                value = args.get(f.key)
                if value is None:
                    continue
                if isinstance(value, list):
                    value = ", ".join(v.strip() for v in value if v.strip())
                value = text_of(str(value), f.key).strip()
                problem = kinds.check(f.kind, value)
                if problem is not None and problem.level == "error":
                    errors.append(f"{f.key}: {problem.message}")
                    continue
                if problem is not None:
                    notes.append(f"{f.key}: {problem.message}")
                entry.set(f.key, kinds.normalise(f.kind, value))
            continue
        value = args.get(spec.key)
        if value is None:
            continue
        key = spec.key
        if spec.kind in (SectionKind.STEPS, SectionKind.BULLETS):
            section.items = [Item(text=text_of(v, f"{key}[{n}]").strip())
                             for n, v in enumerate(value, 1) if v.strip()]
        elif spec.kind is SectionKind.LABELLED:
            section.items = [Item(label=label, text=text) for label, text in
                             (_label_item(text_of(v, f"{key}[{n}]"))
                              for n, v in enumerate(value, 1) if v.strip())]
        elif spec.kind is SectionKind.CODE:
            section.items = [Fence(language=strip_controls(b.language).strip() or spec.language,
                                   code=text_of(b.code, f"{key}[{n}]").strip("\n"))
                             for n, b in enumerate(value, 1) if b.code.strip()]
        elif spec.kind is SectionKind.CHANGE:
            section.items = [
                Fence(language=(lang := strip_controls(b.language).strip() or spec.language),
                      code=change_mod.compose(change_mod.Change(
                          before=text_of(b.before, f"{key}[{n}].before").strip("\n"),
                          after=text_of(b.after, f"{key}[{n}].after").strip("\n"),
                          prefix=change_mod.comment_prefix(lang))))
                for n, b in enumerate(value, 1)]
        elif spec.kind is SectionKind.ACTIONS:
            actions = []
            for n, a in enumerate(value, 1):
                due = strip_controls(a.due).strip()
                if due and kinds.parse_day(due) is None:
                    errors.append(f"{key}[{n}].due: {due!r} is not a YYYY-MM-DD date")
                owner = strip_controls(a.owner).strip()
                if owner and not owner.startswith("@"):
                    owner = "@" + owner
                actions.append(Action(text=text_of(a.text, f"{key}[{n}]").strip(),
                                      owner=owner, deadline=due, done=a.done))
            section.items = actions
        else:
            section.text = text_of(value, key).strip()
    if args.get("tags") is not None:
        tags = []
        for raw in args["tags"]:
            tag = normalise_tag(strip_controls(raw))
            if not tag:
                errors.append(f"tags: {raw[:64]!r} has no letter or digit to make a tag of")
            elif tag not in tags:
                tags.append(tag)
        entry.tags = tags
    if errors:
        raise FieldErrors(errors)
    return entry, notes


def check_links(root: Path, entry: Any) -> None:
    """Refuse Related Issues links to markdown files outside the knowledge base."""
    from ..core import links
    from ..core.naming import folder

    here = root / folder(entry)
    errors = []
    real_root = os.path.normpath(root)
    for _, href in links.hrefs(entry):
        target = unquote(href.split("#", 1)[0]).strip()
        if not target or "://" in target or target.startswith("mailto:"):
            continue
        base = root if target.startswith("/") else here
        resolved = os.path.normpath(base / target.lstrip("/"))
        if os.path.commonpath([real_root, resolved]) != real_root:
            errors.append(f"related_issues: the link {href[:200]!r} leads outside the "
                          "knowledge base")
    if errors:
        raise FieldErrors(errors)


def save(root: Path, entry: Any) -> Path:
    """Publish the draft at its conventional path through the core's editing session (the
    save every writer uses): atomic, never over a file, never outside the knowledge base.
    Returns where it was written; raises `store.StoreError` with the reason when refused."""
    from ..core.outcomes import Saved
    from ..core.session import EditSession

    check_links(root, entry)
    session = EditSession.new(root, entry)
    try:
        store.inside(root, session.target())
        outcome = session.save(final=False)
    finally:
        session.close()
    if not isinstance(outcome, Saved):
        raise store.StoreError(f"not written: {getattr(outcome, 'why', outcome)}")
    return outcome.path
