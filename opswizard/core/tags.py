"""Tags: one spelling for each (`Connection Pool`, `connection_pool` -> `connection-pool`)."""

from __future__ import annotations

import re
import unicodedata

_BACKTICKED = re.compile(r"`([^`\n]+)`")


def normalise_tag(tag: str) -> str:
    """Lower case, words joined by `-`; characters that cannot be in a tag dropped.

    Letters and digits of every script stay (`überlast`, not `berlast`). Idempotent.
    """
    text = unicodedata.normalize("NFKC", tag).strip().strip("`#").lower()
    text = unicodedata.normalize("NFKC", re.sub(r"[\s_/]+", "-", text))
    text = re.sub(r"[^\w.+-]|_", "", text)
    text = re.sub(r"-{2,}", "-", text).strip("-.")
    return text[:64].strip("-.")  # cut first, then strip: a cut can end on a `-`


def tags_from_text(text: str) -> list[str]:
    """Tags in a "Searchable Tags" list: backticked words, else comma separated ones."""
    found = _BACKTICKED.findall(text)
    if not found:
        cleaned = re.sub(r"(^|\s)[-*+](\s|$)", " ", text)
        found = [part for part in re.split(r"[,\n]", cleaned) if part.strip()]
    return [t for t in (normalise_tag(f) for f in found) if t]


def tags_from_input(value: str) -> list[str]:
    """Tags typed as one comma (or semicolon) separated line, normalised, each once."""
    out: list[str] = []
    for part in value.replace(";", ",").split(","):
        tag = normalise_tag(part)
        if tag and tag not in out:
            out.append(tag)
    return out
