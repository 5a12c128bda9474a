"""Rich text to Telegram HTML, escaped, split at Telegram's limit of 4,096 UTF-16 units."""

from __future__ import annotations

from html import escape

from bot.core.richtext import Bold, Code, Italic, Link, Mention, Plain, RichText, Span

MAX_LENGTH = 4096
"""Telegram's limit, in UTF-16 code units (an emoji outside the BMP counts twice)."""


def units(text: str) -> int:
    """The length of ``text`` as Telegram counts it: UTF-16 code units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _within(text: str, limit: int) -> int:
    """The longest prefix of ``text`` (in characters) that fits in ``limit`` units."""
    total = 0
    for index, char in enumerate(text):
        total += 2 if ord(char) > 0xFFFF else 1
        if total > limit:
            return index
    return len(text)


def _html(span: Span) -> tuple[str, int]:
    """(HTML, length as Telegram counts it after parsing)."""
    match span:
        case Plain(text=t):
            return escape(t, quote=False), units(t)
        case Code(text=t):
            return f"<code>{escape(t, quote=False)}</code>", units(t)
        case Bold(children=c) | Italic(children=c):
            tag = "b" if isinstance(span, Bold) else "i"
            parts = [_html(child) for child in c]
            inner = "".join(p for p, _ in parts)
            return f"<{tag}>{inner}</{tag}>", sum(n for _, n in parts)
        case Link(text=t, url=u):
            return f'<a href="{escape(u, quote=True)}">{escape(t, quote=False)}</a>', units(t)
        case Mention(member=m, display_name=name):
            if m.id.lstrip("-").isdigit():
                label = escape(name, quote=False)
                return f'<a href="tg://user?id={m.id}">{label}</a>', units(name)
            return escape(f"@{name}", quote=False), units(name) + 1
    raise TypeError(span)  # pragma: no cover


def render_html(text: RichText, limit: int = MAX_LENGTH) -> list[str]:
    """HTML chunks of at most ``limit`` visible characters; long plain spans are cut at
    line breaks or spaces where possible, never inside a tag or an entity."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for span in _split_long(text.spans, limit):
        html, length = _html(span)
        if size + length > limit and current:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(html)
        size += length
    if current or not chunks:
        chunks.append("".join(current))
    return chunks


def _split_long(spans: tuple[Span, ...], limit: int) -> list[Span]:
    out: list[Span] = []
    for span in spans:
        if isinstance(span, Plain) and units(span.text) > limit:
            rest = span.text
            while units(rest) > limit:
                fits = _within(rest, limit)
                cut = max(rest.rfind("\n", 0, fits), rest.rfind(" ", 0, fits))
                cut = cut + 1 if cut > fits // 2 else fits
                out.append(Plain(rest[:cut]))
                rest = rest[cut:]
            out.append(Plain(rest))
        else:
            out.append(span)
    return out
