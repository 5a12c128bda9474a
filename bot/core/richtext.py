"""A tiny rich-text model that each adapter renders (and escapes) for its platform.

Features never write platform markup: they build ``RichText`` from spans, and the
Discord, Telegram and console renderers turn it into markdown, HTML or plain text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.ids import MemberRef


@dataclass(frozen=True, slots=True)
class Plain:
    text: str


@dataclass(frozen=True, slots=True)
class Bold:
    children: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Italic:
    children: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Code:
    text: str


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True, slots=True)
class Mention:
    member: MemberRef
    display_name: str


Span = Plain | Bold | Italic | Code | Link | Mention
Piece = Span | str


@dataclass(frozen=True, slots=True)
class RichText:
    """An immutable sequence of spans; ``str`` pieces become ``Plain`` spans."""

    spans: tuple[Span, ...] = ()

    def __add__(self, other: RichText | str) -> RichText:
        if isinstance(other, str):
            return RichText((*self.spans, Plain(other)))
        return RichText(self.spans + other.spans)

    def plain(self) -> str:
        """The text without markup, as a person would read it aloud."""
        return "".join(_plain(span) for span in self.spans)

    def __len__(self) -> int:
        return len(self.plain())


def _as_spans(pieces: Iterable[Piece]) -> tuple[Span, ...]:
    return tuple(Plain(p) if isinstance(p, str) else p for p in pieces)


def text(*pieces: Piece) -> RichText:
    """Build rich text: ``text("Hi ", bold("Alice"), "!")``."""
    return RichText(_as_spans(pieces))


def bold(*pieces: Piece) -> Bold:
    return Bold(_as_spans(pieces))


def italic(*pieces: Piece) -> Italic:
    return Italic(_as_spans(pieces))


def join_lines(lines: Iterable[RichText | str]) -> RichText:
    """Join pieces of rich text with line breaks."""
    out: list[Span] = []
    for i, line in enumerate(lines):
        if i:
            out.append(Plain("\n"))
        out.extend(line.spans if isinstance(line, RichText) else (Plain(line),))
    return RichText(tuple(out))


def _plain(span: Span) -> str:
    match span:
        case Plain(text=t) | Code(text=t):
            return t
        case Bold(children=c) | Italic(children=c):
            return "".join(_plain(s) for s in c)
        case Link(text=t, url=u):
            return t if t == u else f"{t} ({u})"
        case Mention(display_name=name):
            return f"@{name}"
    raise TypeError(f"unknown span {span!r}")  # pragma: no cover
