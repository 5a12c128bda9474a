"""Bar charts as inline SVG, drawn on the server: no script, no network, readable by screen
readers (a title and a description name the chart; the page shows the same numbers in a
table beside it)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT, GAP = 480, 160, 6


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | None]) -> str:
    """One bar per label (an empty slot where a value is unknown), highest value on top."""
    known = [v for v in values if v is not None]
    top = max(known, default=0.0) or 1.0
    width = (WIDTH - GAP * (len(values) + 1)) / max(len(values), 1)
    bars: list[str] = []
    for n, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = GAP + n * (width + GAP)
        if value is None:
            continue
        height = (HEIGHT - 20) * value / top
        bars.append(
            f'<rect x="{x:.1f}" y="{HEIGHT - 20 - height:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}" class="bar"><title>{escape(label)}: {value:g}</title></rect>'
            f'<text x="{x + width / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" '
            f'class="axis">{escape(label)}</text>'
        )
    described = "; ".join(
        f"{label}: {'-' if value is None else f'{value:g}'}"
        for label, value in zip(labels, values, strict=True)
    )
    return (
        f'<svg role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"<desc>{escape(described)}</desc>{''.join(bars)}</svg>"
    )
