"""Findings: what is wrong with a file or an entry, in a form people and machines read."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Finding:
    """One problem: `level` is "error" or "warning"; `line` is 1-based (0: the whole file).

    `where` names the part of the entry it is about (`field:date`, `section:metrics`,
    `action:2`), so the wizard can show it next to the right input.
    """

    level: str
    message: str
    line: int = 0
    where: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
