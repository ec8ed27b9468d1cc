"""Small inline SVG charts for the report: stacked bars, lines, horizontal bars.

Pure string building, no dependency. Every label is escaped (`html.escape`), so a title
or a service name holding markup is drawn as text. Each chart has a `<title>` for screen
readers; the report puts the same numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2",
           "#ff9da6", "#9d755d", "#bab0ac")
SEVERITY_COLOURS = {"LOW": "#72b7b2", "MEDIUM": "#eeca3b", "HIGH": "#f58518",
                    "CRITICAL": "#e45756"}
WIDTH, HEIGHT, PAD_L, PAD_B, PAD_T = 640, 240, 48, 44, 12


def colour(name: str, n: int) -> str:
    return SEVERITY_COLOURS.get(name, PALETTE[n % len(PALETTE)])


def _frame(title: str, body: list[str], legend: Sequence[tuple[str, str]] = ()) -> str:
    keys = []
    x = PAD_L
    for name, fill in legend:
        keys.append(f'<rect x="{x}" y="{HEIGHT + 6}" width="10" height="10" fill="{fill}"/>'
                    f'<text x="{x + 14}" y="{HEIGHT + 15}" font-size="11">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    height = HEIGHT + (22 if legend else 0)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}"'
            f' width="{WIDTH}" height="{height}" font-family="sans-serif">'
            f"<title>{escape(title)}</title>{''.join(body)}{''.join(keys)}</svg>")


def _axis(top: float, labels: Sequence[str]) -> list[str]:
    out = [f'<line x1="{PAD_L}" y1="{HEIGHT - PAD_B}" x2="{WIDTH - 8}" y2="{HEIGHT - PAD_B}" '
           'stroke="#888"/>']
    for frac in (0.0, 0.5, 1.0):
        y = HEIGHT - PAD_B - frac * (HEIGHT - PAD_B - PAD_T)
        value = top * frac
        text = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
        out.append(f'<text x="{PAD_L - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
                   f"{escape(text)}</text>")
    step = max(1, len(labels) // 12)
    slot = (WIDTH - 8 - PAD_L) / max(1, len(labels))
    for i, label in enumerate(labels):
        if i % step == 0:
            x = PAD_L + slot * (i + 0.5)
            out.append(f'<text x="{x:.1f}" y="{HEIGHT - PAD_B + 14}" font-size="10" '
                       f'text-anchor="middle">{escape(label)}</text>')
    return out


def stacked_bars(title: str, labels: Sequence[str], series: Mapping[str, Sequence[int]]) -> str:
    """One bar per label, stacked by series (in the dict's order)."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top = max(totals, default=0) or 1
    slot = (WIDTH - 8 - PAD_L) / max(1, len(labels))
    scale = (HEIGHT - PAD_B - PAD_T) / top
    body = _axis(top, labels)
    for i in range(len(labels)):
        y: float = HEIGHT - PAD_B
        for n, (name, values) in enumerate(series.items()):
            h = values[i] * scale
            if h:
                y -= h
                body.append(f'<rect x="{PAD_L + slot * i + slot * 0.15:.1f}" y="{y:.1f}" '
                            f'width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{colour(name, n)}">'
                            f"<title>{escape(labels[i])} {escape(name)}: {values[i]}</title>"
                            "</rect>")
    return _frame(title, body, [(name, colour(name, n)) for n, name in enumerate(series)])


def lines(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]],
          unit: str = "") -> str:
    """One line per series; None values leave a gap."""
    values = [v for vs in series.values() for v in vs if v is not None]
    top = max(values, default=0) or 1
    slot = (WIDTH - 8 - PAD_L) / max(1, len(labels))
    scale = (HEIGHT - PAD_B - PAD_T) / top
    body = _axis(top, labels)
    if unit:
        body.append(f'<text x="{WIDTH - 8}" y="{PAD_T + 4}" font-size="10" text-anchor="end">'
                    f"{escape(unit)}</text>")
    for n, (name, points) in enumerate(series.items()):
        fill = PALETTE[n % len(PALETTE)]
        run: list[str] = []
        for i, v in enumerate([*points, None]):
            if v is None:
                if len(run) > 1:
                    body.append(f'<polyline fill="none" stroke="{fill}" stroke-width="2" '
                                f'points="{" ".join(run)}"/>')
                run = []
                continue
            x, y = PAD_L + slot * (i + 0.5), HEIGHT - PAD_B - v * scale
            run.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{fill}">'
                        f"<title>{escape(labels[i])} {escape(name)}: {v:.1f}</title></circle>")
    return _frame(title, body, [(name, PALETTE[n % len(PALETTE)])
                                for n, name in enumerate(series)])


def hbars(title: str, items: Sequence[tuple[str, int]]) -> str:
    """One horizontal bar per (label, value), top to bottom."""
    top = max((v for _, v in items), default=0) or 1
    row = 20
    height = max(row * len(items) + 8, 28)
    left = 180
    body = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        w = (WIDTH - left - 40) * value / top
        shown = label if len(label) <= 28 else label[:27] + "\u2026"
        body.append(f'<text x="{left - 6}" y="{y + 13}" font-size="11" text-anchor="end">'
                    f"{escape(shown)}</text>"
                    f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" '
                    f'fill="{PALETTE[0]}"/><text x="{left + w + 4:.1f}" y="{y + 13}" '
                    f'font-size="11">{value}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" font-family="sans-serif">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")
