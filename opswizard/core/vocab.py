"""The template's vocabularies and first lines, as plain constants (re-exported by `template`).

Apart so that the command line and the browser can start without building the template's
classes (`template.py`: ~2 ms to import, before the browser's first frame otherwise).
"""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "issue",
    "performance",
    "configuration",
    "deployment",
    "recovery",
    "monitoring",
    "maintenance",
)
SEVERITIES: tuple[str, ...] = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
ENVIRONMENTS: tuple[str, ...] = ("Production", "Staging", "Development")
STATUSES: tuple[str, ...] = ("draft", "final")

# The first lines of every entry opswizard writes (the seed's examples start so).
PREAMBLE = "# Operational Learning Entry\n\n## Learning Entry"
