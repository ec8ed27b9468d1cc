"""Escape closes the innermost thing that is open, one level per press.

A screen that would lose work on Escape (the wizard with unsaved changes) asks for a
second Escape pressed as the very next key: counted in keys, never timed.
"""

from __future__ import annotations

from textual.dom import DOMNode


def second_escape(node: DOMNode) -> bool:
    """True if this Escape directly follows an Escape that armed `node` (else arm it now)."""
    gate = getattr(node.app, "key_gate", None)
    if gate is None:
        return True  # no key count (a test driving actions directly): act at once
    count = gate.dispatched
    armed = getattr(node, "_escape_armed_at", None)
    if armed is not None and count == armed + 1:
        node._escape_armed_at = None  # type: ignore[attr-defined]
        return True
    node._escape_armed_at = count  # type: ignore[attr-defined]
    return False
