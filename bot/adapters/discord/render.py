"""Rich text to Discord markdown, escaped, split at Discord's 2,000-character limit."""

from __future__ import annotations

import re

from bot.core.richtext import Bold, Code, Italic, Link, Mention, Plain, RichText, Span

MAX_LENGTH = 2000
_SPECIAL = re.compile(r"([\\*_~`|>#\[\]()\-])")
_MASS_MENTION = re.compile(r"@(everyone|here)")


def escape(text: str) -> str:
    """Markdown characters escaped; @everyone/@here defused (a zero-width space after @)."""
    return _MASS_MENTION.sub("@\u200b\\1", _SPECIAL.sub(r"\\\1", text))


def _markdown(span: Span) -> str:
    match span:
        case Plain(text=t):
            return escape(t)
        case Code(text=t):
            return "`" + t.replace("`", "ˋ") + "`"
        case Bold(children=c):
            return "**" + "".join(_markdown(x) for x in c) + "**"
        case Italic(children=c):
            return "*" + "".join(_markdown(x) for x in c) + "*"
        case Link(text=t, url=u):
            return f"[{escape(t)}](<{u}>)"
        case Mention(member=m):
            return f"<@{m.id}>" if m.id.isdigit() else escape(f"@{m.id}")
    raise TypeError(span)  # pragma: no cover


def render_markdown(text: RichText, limit: int = MAX_LENGTH) -> list[str]:
    """Markdown chunks of at most ``limit`` characters, cut between spans or at line breaks."""
    chunks: list[str] = []
    current = ""
    for span in text.spans:
        piece = _markdown(span)
        while len(piece) > limit:  # one very long span: cut at a line break or a space
            room = limit - len(current)
            cut = max(piece.rfind("\n", 0, room), piece.rfind(" ", 0, room))
            cut = cut + 1 if cut > room // 2 else room
            if cut <= 0:
                chunks.append(current)
                current = ""
                continue
            chunks.append(current + piece[:cut])
            current, piece = "", piece[cut:]
        if len(current) + len(piece) > limit:
            chunks.append(current)
            current = ""
        current += piece
    if current or not chunks:
        chunks.append(current)
    return [c for c in chunks if c] or [""]
