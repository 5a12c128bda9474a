"""The pre-publication checklist: each item passes, warns or blocks, with its reason.

Pure: a :class:`Post` and the settings in, findings out (translation keys with their values),
so ``/post check``, ``community-bot post check FILE`` and the bot's own posts share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from cogs.faq.api import markdown_problems
from cogs.studio.draft import Post
from cogs.studio.settings import HelpRoute, StudioSettings, Verdict

DEFAULTS: dict[str, Verdict] = {
    "next_step": "block", "ad_label": "block", "alt_text": "block", "video": "warn",
    "colour_only": "warn", "utm": "warn", "owner": "warn", "sensitive": "block",
    "length": "warn", "markup": "block",
}  # fmt: skip
LIMITS = {"telegram": 4096, "discord": 2000}
CAPTION = 1024
_LINK = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]")
_COMMAND = re.compile(r"(?<![\w/])/[a-z][a-z0-9_]{1,31}\b")
_COLOURS = (
    "red", "green", "blue", "yellow", "orange", "purple", "grey", "gray",
    "красн", "зелён", "зелен", "син", "жёлт", "желт", "оранжев", "фиолетов", "сер",
)  # fmt: skip
# Georgian colour stems as they inflect (წითელი → წითლად, მწვანე → მწვანედ).
_GEORGIAN_COLOURS = (
    "წითლ", "წითელ", "მწვანე", "მწვან", "ლურჯ", "ყვითლ", "ყვითელ", "ნარინჯისფრ", "ნარინჯისფერ",
    "იისფრ", "იისფერ", "ნაცრისფრ", "ნაცრისფერ", "ცისფრ", "ცისფერ",
)  # fmt: skip
_COLOUR_ONLY = re.compile(
    r"\b(?:(?:in|marked|highlighted|shown in|the)\s+(?:"
    + "|".join(c for c in _COLOURS if c.isascii())
    + r")(?:\s+ones?)?\b)|\b(?:выделен\w*\s+|отмечен\w*\s+)?(?:"
    + "|".join(c for c in _COLOURS if not c.isascii())
    + r")\w*(?:ым|ой|ом)\b"
    # Georgian: "წითლად მონიშნული" (marked red), "მწვანით", "ლურჯი ფერით" (in blue).
    + r"|(?:"
    + "|".join(_GEORGIAN_COLOURS)
    + r")(?:(?:ად|დ|ით)(?!\w)|\w*\s+ფერით)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    verdict: Verdict
    key: str
    """``studio.check.<key>``: the reason in plain words."""
    params: dict[str, Any] = field(default_factory=dict)


def verdicts(settings: StudioSettings) -> dict[str, Verdict]:
    return {**DEFAULTS, **settings.checks}


def touched_routes(text: str, routes: list[HelpRoute]) -> list[HelpRoute]:
    """The help routes whose keywords (any locale) appear in ``text`` as words or phrases."""
    folded = text.casefold()
    return [route for route in routes if _keywords(_all_words(route)).search(folded)]


def _all_words(route: HelpRoute) -> tuple[str, ...]:
    return tuple(word for words in route.keywords.values() for word in words)


@lru_cache(maxsize=256)
def _keywords(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern a route (compiled once, not per message): any keyword at a word start."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + ")")


def check(post: Post, settings: StudioSettings) -> list[Finding]:
    """Every finding of every check that is not off (an empty list: the post passes)."""
    level = verdicts(settings)
    found: list[Finding] = []

    def add(name: str, key: str, **params: Any) -> None:
        if level[name] != "off":
            found.append(Finding(name, level[name], key, params))

    body = post.body
    folded = body.casefold()
    if not (post.next_step or "?" in body or _LINK.search(body) or _COMMAND.search(body)):
        add("next_step", "next_step")
    if post.sponsored and not any(label.casefold() in folded for label in settings.ad_labels):
        add("ad_label", "ad_label", labels=", ".join(settings.ad_labels[:4]))
    for image in post.images:
        if len(image.alt) < 5:
            add("alt_text", "alt_text", file=image.file)
    if post.video is not None and not (post.video.get("subtitles") or post.video.get("timecodes")):
        add("video", "video")
    for match in _COLOUR_ONLY.finditer(body):
        add("colour_only", "colour_only", phrase=match.group(0).strip())
        break
    for link in _LINK.findall(body):
        parts = urlsplit(link)
        host = (parts.hostname or "").casefold()
        ours = any(host == d or host.endswith("." + d) for d in settings.utm_domains)
        if ours and "utm_" not in parts.query:
            add("utm", "utm", link=link)
    if not post.owner:
        add("owner", "owner")
    elif not post.answer_within:
        add("owner", "owner_until", owner=post.owner)
    for route in touched_routes(body, settings.help_routes):
        if route.disclaimer.casefold() not in folded and not any(
            link in body for link in route.links
        ):
            add("sensitive", "sensitive", route=route.name)
    length = len(body)
    for platform, limit in LIMITS.items():
        if length > limit:
            parts = -(-length // limit)
            add("length", "length", platform=platform.title(), limit=limit, count=parts)
    if post.images and length > CAPTION:
        add("length", "caption", limit=CAPTION)
    for line, problem in markdown_problems(body, post.body_line):
        add("markup", "markup", line=line, problem=problem)
    return found


def blocked(findings: list[Finding]) -> bool:
    return any(f.verdict == "block" for f in findings)
