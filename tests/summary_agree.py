"""The summary reader checked against the full parser, shared by the summary fast-path tests
and the round-trip properties (which draw each generated entry once for every property)."""

from __future__ import annotations

from pathlib import Path

from opswizard.core import fastsummary
from opswizard.core.model import EntryBase
from opswizard.core.render import render_bytes
from opswizard.core.summary import summarize, summarize_full


def agree(data: bytes, key: str = "kb/x.md") -> bool:
    """The summary reader gives what the full parser gives, field for field, or declines;
    `summarize` gives the full parser's answer either way. True: the reader answered."""
    full = summarize_full(key, data, Path(key))
    fast = fastsummary.read(key, data, Path(key))
    if fast is not None:
        assert fast == full
        assert fast.sha256 == full.sha256 and fast.path == full.path
    assert summarize(key, data, Path(key)) == full
    return fast is not None


def summary_reader_reads_it_as_the_parser_does(entry: EntryBase) -> None:
    """A generated entry: the reader answers (unless it has a CR or no section) and agrees."""
    data = render_bytes(entry)
    answered = agree(data)
    if b"\r" not in data and entry.present_sections():
        assert answered
