"""The Markdown subset FAQ answers are written in, turned into the core's ``RichText``.

Supported: paragraphs and line breaks, ``**bold**``, ``*italic*`` / ``_italic_``, ```code```,
``[label](https://…)``, bare links, ``- `` / ``* `` / ``1. `` lists, ``#`` headings (shown bold),
``> `` quotes and ``<!-- comments -->`` (dropped). Anything else that would show as raw markup on
one of the platforms (images, HTML, tables, code fences) is refused by :func:`problems`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.core.richtext import Code, Link, Piece, RichText, bold, italic, text

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_INLINE = re.compile(
    r"\*\*(?P<bold>.+?)\*\*"
    r"|`(?P<code>[^`]+)`"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)"
    r"|(?P<bare>https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"])"
    r"|(?<![\w*])\*(?P<star>[^*\s][^*]*?)\*(?![\w*])"
    r"|(?<!\w)_(?P<under>[^_\s][^_]*?)_(?!\w)"
)
_LIST = re.compile(r"^(\s*)(?:[-*+]|(\d{1,3})[.)])\s+")
_HEADING = re.compile(r"^#{1,6}\s+")

_REFUSED: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"!\[[^\]]*\]\("), "images are not supported; link to the image instead"),
    (re.compile(r"^\s*(```|~~~)"), "code blocks are not supported; use `inline code`"),
    (re.compile(r"^\s*\|.*\|\s*$"), "tables are not supported; use a list"),
    (re.compile(r"</?[a-zA-Z][^>]*>"), "HTML is not supported; use the Markdown subset"),
]

LinkRewriter = Callable[[str], str]


def problems(body: str, first_line: int) -> list[tuple[int, str]]:
    """``(line, problem)`` for markup that would not render on every platform."""
    found = []
    cleaned = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    for number, line in enumerate(cleaned.splitlines(), start=first_line):
        for pattern, message in _REFUSED:
            if pattern.search(line):
                found.append((number, message))
                break
        for match in re.finditer(r"\[[^\]]+\]\(([^)\s]*)\)", line):
            if not match.group(1).startswith(("http://", "https://", "tg://")):
                found.append((number, f"link target {match.group(1)!r} is not an http(s) URL"))
    return found


def strip_comments(body: str) -> str:
    return _COMMENT.sub("", body).strip()


def render(body: str, rewrite_link: LinkRewriter | None = None) -> RichText:
    """The answer as rich text; ``rewrite_link`` adds tracking parameters to every link."""
    rewrite = rewrite_link or (lambda url: url)
    pieces: list[Piece] = []
    lines = strip_comments(body).splitlines()
    for index, line in enumerate(lines):
        if index:
            pieces.append("\n")
        heading = _HEADING.match(line)
        if heading:
            pieces.append(bold(*_inline(line[heading.end() :], rewrite)))
            continue
        listed = _LIST.match(line)
        if listed:
            indent, number = listed.group(1), listed.group(2)
            pieces.append(f"{indent}{number + '.' if number else '•'} ")
            line = line[listed.end() :]
        pieces.extend(_inline(line, rewrite))
    return text(*pieces)


def _inline(line: str, rewrite: LinkRewriter) -> list[Piece]:
    pieces: list[Piece] = []
    position = 0
    for match in _INLINE.finditer(line):
        if match.start() > position:
            pieces.append(line[position : match.start()])
        if match.group("bold") is not None:
            pieces.append(bold(*_inline(match.group("bold"), rewrite)))
        elif match.group("code") is not None:
            pieces.append(Code(match.group("code")))
        elif match.group("url") is not None:
            pieces.append(Link(match.group("label"), rewrite(match.group("url"))))
        elif match.group("bare") is not None:
            url = match.group("bare")
            pieces.append(Link(url, rewrite(url)))
        else:
            inner = match.group("star") or match.group("under") or ""
            pieces.append(italic(*_inline(inner, rewrite)))
        position = match.end()
    if position < len(line):
        pieces.append(line[position:])
    return pieces


def with_utm(url: str, params: dict[str, str]) -> str:
    """``url`` with the given ``utm_*`` parameters added (existing ones are kept)."""
    if not params or not url.startswith(("http://", "https://")):
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    query += [(key, value) for key, value in params.items() if key not in present]
    return urlunsplit(parts._replace(query=urlencode(query)))
