"""Plain mode: the wizard as one prompt per line, for screen readers and dumb terminals.

`opswizard new --plain` / `edit --plain` (chosen by itself when `TERM=dumb`) asks for every
field and section in template order, reading and writing plain lines only: no full screen,
no cursor movement, no colour. The same rules as the wizard apply: values are checked as
they are given (an error re-asks, with the reason), suggestions from the knowledge base are
offered as a numbered list, the checklist is printed before saving, and the entry is saved
by the same core save (atomic, never over another file, conflict-checked when editing).

Answers are journalled as they are given (as the wizard does), so an interrupted session
is offered for recovery by the next `opswizard edit` or `new`.

How to answer:
- a field: type the value and Enter; Enter alone keeps the value shown in brackets;
  `-` clears it; for a choice, its number or the start of its name;
- a list: one item per line, an empty line ends the list; when editing, Enter keeps the
  items shown, `-` clears them;
- code and notes: lines as they are, a line holding only `.` ends the block;
- follow-ups: the action, then its owner and deadline (YYYY-MM-DD), an empty action ends.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .core import kinds
from .core.sanitize import clean_line, strip_controls
from .core.template import (
    CATEGORIES,
    ENVIRONMENTS,
    RELATED_STEP,
    SECTIONS,
    SEVERITIES,
    TAGS_STEP,
    FieldKind,
    FieldSpec,
    SectionKind,
    SectionSpec,
)

if TYPE_CHECKING:  # pragma: no cover
    from .core.model import EntryBase

Ask = Callable[[str], str]
Say = Callable[[str], None]
CHOICES = {FieldKind.CATEGORY: CATEGORIES, FieldKind.SEVERITY: SEVERITIES,
           FieldKind.ENVIRONMENT: ENVIRONMENTS}
END_BLOCK = "."


class Quit(Exception):
    """The author ended the session (end of input, or `q` at the last question)."""


class PlainWizard:
    """One plain-text session over one entry: ask, check, print the checklist, save."""

    def __init__(self, root: Path, path: Path | None, ask: Ask, say: Say,
                 prefill: dict[str, str] | None = None) -> None:
        from .core.session import EditSession

        self.root = root
        self.path = path
        self._ask, self._say = ask, say
        self.session = (EditSession.open(root, path, lock=False) if path is not None
                        else EditSession.new(root, prefill=prefill))
        """Every journal and save goes through it (the wizard's rules, to the letter)."""
        self._index: object | None = None

    @property
    def entry(self) -> EntryBase:
        """The entry being written (the session's)."""
        return self.session.entry

    # -- input and output ------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        self._say(clean_line(text) if "\n" not in text else
                  "\n".join(clean_line(line) for line in text.split("\n")))

    def ask(self, prompt: str) -> str:
        try:
            answer = self._ask(prompt)
        except EOFError:
            raise Quit from None
        return strip_controls(answer.rstrip("\r\n"))

    # -- the knowledge base --------------------------------------------------------------
    def suggester(self) -> object | None:
        if self._index is None and self.root.is_dir():
            from .core.suggestions import Suggestions

            try:
                self._index = Suggestions.open(self.root)
            except (OSError, ValueError):
                self._index = None
        return self._index

    def journal(self) -> None:
        """Journal the answers so far (a failure is never a reason to stop the author)."""
        self.session.flush_journal()

    # -- asking, by kind -----------------------------------------------------------------
    def field(self, spec: FieldSpec) -> None:
        current = self.entry.get(spec.key)
        choices = CHOICES.get(spec.kind, ())
        if choices:
            self.say("  " + "  ".join(f"{n}) {c}" for n, c in enumerate(choices, 1)))
        while True:
            shown = f" [{current}]" if current else ""
            hint = f" ({spec.hint})" if spec.hint else ""
            answer = self.ask(f"{spec.label}{hint}{shown}: ").strip()
            if not answer:
                value = current
            elif answer == "-":
                value = ""
            else:
                value = self._choice(answer, choices) if choices else answer
                if spec.suggest == "services":
                    value = self._services(value)
            problem = kinds.check(spec.kind, value)
            if problem is not None and problem.level == "error":
                self.say(f"  Error: {problem.message}. Try again.")
                continue
            if problem is not None:
                self.say(f"  Note: {problem.message}")
            self.entry.set(spec.key, kinds.normalise(spec.kind, value))
            return

    @staticmethod
    def _choice(answer: str, choices: tuple[str, ...]) -> str:
        if answer.isdigit() and 1 <= int(answer) <= len(choices):
            return choices[int(answer) - 1]
        starts = [c for c in choices if c.lower().startswith(answer.lower())]
        return starts[0] if len(starts) == 1 else answer

    def _offer(self, values: list[str], what: str) -> list[str]:
        """Print numbered suggestions; the author picks some by number (or none)."""
        if not values:
            return []
        self.say(f"  Known {what}: " + "  ".join(f"{n}) {v}" for n, v in enumerate(values, 1)))
        answer = self.ask(f"  Numbers of the {what} to use (Enter: none): ").strip()
        picked = []
        for part in answer.replace(",", " ").split():
            if part.isdigit() and 1 <= int(part) <= len(values):
                picked.append(values[int(part) - 1])
        return picked

    def _services(self, value: str) -> str:
        index = self.suggester()
        if index is None:
            return value
        names = kinds.split_list(value)
        fixed = []
        for name in names:
            found = index.services(name, 1)  # type: ignore[attr-defined]
            usual = found[0].value if found else name
            if usual != name and usual.lower().replace("-", "") == name.lower().replace("-", ""):
                self.say(f"  '{name}' is spelled '{usual}' in the knowledge base: using that.")
                name = usual
            fixed.append(name)
        return ", ".join(fixed)

    def tags(self) -> None:
        from .core.tags import tags_from_input

        current = ", ".join(self.entry.tags)
        shown = f" [{current}]" if current else ""
        answer = self.ask(f"Tags (comma separated){shown}: ").strip()
        tags = self.entry.tags if not answer else [] if answer == "-" else tags_from_input(answer)
        index = self.suggester()
        if index is not None:
            offered: list[str] = []
            for word in [*tags, *self.entry.title.lower().split()[:4]]:
                for suggestion in index.tags(word, 3):  # type: ignore[attr-defined]
                    if suggestion.value not in tags and suggestion.value not in offered:
                        offered.append(suggestion.value)
            tags = [*tags, *self._offer(offered[:8], "tags")]
        self.entry.tags = list(dict.fromkeys(tags))

    def lines(self, label: str, current: list[str]) -> list[str] | None:
        """Lines until an empty one; None keeps the current ones."""
        if current:
            self.say(f"{label} now:")
            for line in current:
                self.say(f"  {line}")
            first = self.ask("  New lines, Enter to keep these, - to clear: ")
            if not first.strip():
                return None
            if first.strip() == "-":
                return []
        else:
            first = self.ask(f"{label}, one per line (empty line ends): ")
        found: list[str] = []
        line = first
        while line.strip():
            found.append(line.strip())
            line = self.ask("  > ")
        return found

    def block(self, label: str, current: str) -> str:
        """A block of lines ended by a line holding only `.`; Enter first keeps `current`."""
        if current.strip():
            self.say(f"{label} now:")
            for line in current.split("\n"):
                self.say(f"  | {line}")
            first = self.ask(f"  New text ending with a '{END_BLOCK}' line, Enter to keep: ")
            if not first:
                return current
        else:
            first = self.ask(f"{label} (end with a line holding only '{END_BLOCK}'): ")
        found: list[str] = []
        line = first
        while line.strip() != END_BLOCK:
            found.append(line)
            line = self.ask("  | ")
        return "\n".join(found)

    def section(self, spec: SectionSpec) -> None:
        from .core.model import Item

        self.say("")
        self.say(f"## {spec.heading}: {spec.hint}")
        section = self.entry.section(spec.key)
        kind = spec.kind
        if kind is SectionKind.FIELDS:
            for f in spec.fields:
                self.field(f)
            if spec.key == TAGS_STEP:
                self.tags()
        elif kind in (SectionKind.STEPS, SectionKind.BULLETS, SectionKind.LABELLED):
            if spec.key == RELATED_STEP:
                self.related()
            shown = [f"{i.label}: {i.text}" if i.label else i.text for i in section.items]
            got = self.lines(spec.heading + (" (Label: text)" if kind is SectionKind.LABELLED
                                             else ""), shown)
            if got is not None:
                items = []
                for line in got:
                    label, sep, text = line.partition(":")
                    if kind is SectionKind.LABELLED and sep and label.strip():
                        items.append(Item(label=label.strip(), text=text.strip()))
                    else:
                        items.append(Item(text=line))
                section.items = items
        elif kind is SectionKind.ACTIONS:
            self.actions()
        elif kind in (SectionKind.CODE, SectionKind.CHANGE):
            self.code(spec)
        elif kind is SectionKind.PROSE:
            section.text = self.block(spec.heading, section.text)
        self.journal()

    def related(self) -> None:
        index = self.suggester()
        if index is None:
            return
        from .core.model import Item

        matches = index.related(self.entry, 5)  # type: ignore[attr-defined]
        if not matches:
            return
        self.say("  Past entries like this one:")
        for n, match in enumerate(matches, 1):
            self.say(f"  {n}) {match.record.title} ({match.reason})")
        answer = self.ask("  Numbers to link (Enter: none): ")
        section = self.entry.section(RELATED_STEP)
        for part in answer.replace(",", " ").split():
            if part.isdigit() and 1 <= int(part) <= len(matches):
                # made through the session: re-derived for where the entry is saved
                section.items.append(Item(text=self.session.link_to(
                    matches[int(part) - 1].record)))

    def actions(self) -> None:
        from .core.model import Action

        section = self.entry.section("follow_up_actions")
        kept = self.lines("Follow-up actions", [
            f"[{'x' if a.done else ' '}] {a.text} (owner: {a.owner}, due: {a.deadline})"
            for a in section.items]) if section.items else []
        if kept is None:
            return
        if section.items and kept:
            self.say("  Re-enter them one by one:")
        actions = []
        while True:
            text = self.ask("Follow-up action (empty line ends): ").strip()
            if not text:
                break
            owner = self.ask("  Owner (e.g. @dana): ").strip()
            while True:
                due = self.ask("  Deadline (YYYY-MM-DD): ").strip()
                if not due or kinds.parse_day(due) is not None:
                    break
                self.say(f"  Error: {due!r} is not a date like 2026-03-01. Try again.")
            actions.append(Action(text=text, owner=owner, deadline=due))
        section.items = actions

    def code(self, spec: SectionSpec) -> None:
        from .core import change as changes
        from .core.model import Fence

        section = self.entry.section(spec.key)
        fence = section.first_fence()
        default = fence.language if fence else spec.language
        language = self.ask(f"Language of the block [{default}]: ").strip() or default
        old = fence.code if fence else ""
        if spec.kind is SectionKind.CHANGE:
            split = changes.split(old) or changes.Change(prefix=changes.comment_prefix(language))
            before = self.block("Before", split.before)
            after = self.block("After", split.after)
            if not (before.strip() or after.strip()):
                code = ""
            else:
                split.before, split.after = before, after
                if not split.preamble:
                    split.prefix = changes.comment_prefix(language)
                code = changes.compose(split)
        else:
            code = self.block("Code", old)
        others = [f for f in section.items if f is not fence]
        section.items = ([Fence(language=language, code=code)] if code.strip() else []) + others

    # -- the end ---------------------------------------------------------------------------
    def checklist(self) -> bool:
        from .core.checklist import evaluate

        result = evaluate(self.entry)
        self.say("")
        self.say("Checklist:")
        for item in result.items:
            mark = "pass" if item.passed else "FAIL"
            reason = f": {item.reason}" if item.reason and not item.passed else ""
            self.say(f"  {mark}  {item.label}{reason}")
        return bool(result.passed)

    def finish(self) -> Path | None:
        passed = self.checklist()
        while True:
            answer = self.ask("Save as (d)raft, (f)inal, or (q)uit without saving? ").strip()
            choice = answer[:1].lower()
            if choice == "q":
                self.say("Not saved. Your answers are kept for recovery.")
                return None
            if choice in ("d", "f"):
                break
        reason = None
        if choice == "f" and not passed:
            while not reason:
                reason = self.ask("The checklist fails: why is it final anyway? ").strip()
        return self.save(choice == "f", reason)

    def save(self, final: bool, reason: str | None = None) -> Path | None:
        """Save through the session; say what happened. Returns the file, or None."""
        from .core.outcomes import Conflict, NeedsFinalReason, Refused, Saved, Unchanged

        outcome = self.session.save(final, reason)
        while isinstance(outcome, NeedsFinalReason):
            reason = self.ask("The checklist fails: why is it final anyway? ").strip()
            outcome = self.session.save(final, reason or None)
        if isinstance(outcome, Conflict):
            self.say(f"Not saved: {outcome.path} was {outcome.how} on disk since it was "
                     "opened; nothing was written")
            outcome = self.session.save_copy()
            if isinstance(outcome, Saved):
                self.say(f"Saved your version as a new file instead: {outcome.path}")
                return outcome.path
        if isinstance(outcome, Refused):
            self.say(f"Not saved: {outcome.why}. Your answers are kept for recovery.")
            return None
        if isinstance(outcome, Unchanged):
            self.say("No changes: nothing written.")
            return outcome.path
        assert isinstance(outcome, Saved)
        if outcome.moved_from is not None:
            self.say(f"Moved from {outcome.moved_from} (its content names it differently)")
        self.say(f"Saved {outcome.path}")
        if outcome.move_offered is not None:
            answer = self.ask(f"This final entry now belongs at {outcome.move_offered}. "
                              "Move it there? [y/N] ").strip().lower()
            if answer.startswith("y"):
                return self._move(final, reason)
        return outcome.path

    def _move(self, final: bool, reason: str | None) -> Path | None:
        from .core.outcomes import Refused, Saved

        outcome = self.session.save(final, reason, confirm_move=True)
        if isinstance(outcome, Saved):
            self.say(f"Moved to {outcome.path}")
            return outcome.path
        why = outcome.why if isinstance(outcome, Refused) else "the file changed on disk"
        self.say(f"Not moved: {why}; it stays at {self.session.path}")
        return self.session.path

    def run(self) -> Path | None:
        """Ask every section in template order, then print the checklist and save."""
        what = f"Editing {self.path}" if self.path else f"New entry in {self.root}"
        self.say(f"{what}. Enter keeps the value in brackets; '-' clears it.")
        for spec in SECTIONS:
            self.section(spec)
        return self.finish()


def run_plain(root: Path, path: Path | None, prefill: dict[str, str] | None = None) -> int:
    """The CLI's entry point: 0 saved, 1 not saved."""

    def ask(prompt: str) -> str:
        sys.stdout.write(prompt)
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line

    def say(text: str) -> None:
        print(text, flush=True)

    try:
        wizard = PlainWizard(root, path, ask, say, prefill)
        return 0 if wizard.run() is not None else 1
    except Quit:
        say("")
        say("Ended before saving. Your answers are kept for recovery.")
        return 1
    except KeyboardInterrupt:
        say("")
        say("Interrupted before saving. Your answers are kept for recovery.")
        return 130
