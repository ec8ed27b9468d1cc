"""Findings: what is wrong with a file or an entry, in a form people and machines read."""

from __future__ import annotations

from dataclasses import asdict, dataclass


class Where(str):
    """The part of an entry a finding is about: `field:<field key>`, `section:<section
    key>`, `action:<index of the follow-up>`, `code:<line of its fence>`, `secret:<line>:<column>`,
    or "" (the whole file).

    A `str` (JSON output and the parser's `locations` keys stay as they are), built and
    read through typed parts instead of being spelled and split by hand.
    """

    __slots__ = ()

    @classmethod
    def field(cls, key: str) -> Where:
        """A field of a fields section (`Where.field("date")`)."""
        return cls(f"field:{key}")

    @classmethod
    def in_section(cls, key: str) -> Where:
        """A whole section (`Where.in_section("metrics")`)."""
        return cls(f"section:{key}")

    @classmethod
    def action(cls, index: int) -> Where:
        """One follow-up action, by its 0-based index in Follow-up Actions."""
        return cls(f"action:{index}")

    @classmethod
    def code(cls, line: int) -> Where:
        """A fenced code block, by the line its fence opens on."""
        return cls(f"code:{line}")

    @classmethod
    def secret(cls, line: int, column: int) -> Where:
        """A secret, by its line and column."""
        return cls(f"secret:{line}:{column}")

    @property
    def kind(self) -> str:
        """"field", "section", "action", "code", or "" (the whole file)."""
        return self.partition(":")[0]

    @property
    def key(self) -> str:
        """The field key, the section key, or the action's index (as text)."""
        return self.partition(":")[2]

    @property
    def section(self) -> str:
        """The template section it lies in ("" for the whole file)."""
        from .template import FIELD_BY_KEY

        kind, key = self.kind, self.key
        if kind == "field":
            return FIELD_BY_KEY[key][0].key if key in FIELD_BY_KEY else ""
        if kind == "action":
            return "follow_up_actions"
        return key if kind == "section" else ""


@dataclass(frozen=True)
class Finding:
    """One problem: `level` is "error" or "warning"; `line` is 1-based (0: the whole file).

    `where` names the part of the entry it is about (a `Where`; plain text is taken as
    one), so the wizard can show it next to the right input.
    """

    level: str
    message: str
    line: int = 0
    where: Where = Where()

    def __post_init__(self) -> None:
        if not isinstance(self.where, Where):
            object.__setattr__(self, "where", Where(self.where))

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["where"] = str(self.where)
        return data
