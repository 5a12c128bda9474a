"""Pure parts of polls: reading ``/poll`` text and drawing results."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.core.durations import meant_as_duration, parse_duration, starts_like_duration

MIN_DURATION = timedelta(seconds=15)
MAX_DURATION = timedelta(weeks=8)
DEFAULT_DURATION = timedelta(days=1)
FLAGS = {
    "--multi": "multiple", "multi": "multiple", "--multiple": "multiple",
    "--anonymous": "anonymous", "--anon": "anonymous", "anonymous": "anonymous",
    "--reactions": "reactions", "reactions": "reactions",
}  # fmt: skip
_QUOTED = re.compile(r"\"([^\"]+)\"|'([^']+)'|(\S+)")
REACTION_EMOJI = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟")


class PollSyntaxError(ValueError):
    """The /poll text cannot be read; ``key`` is the catalog key of the explanation."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class PollRequest:
    question: str
    options: tuple[str, ...]
    duration: timedelta
    multiple: bool = False
    anonymous: bool = False
    reactions: bool = False


def parse_poll(raw: str) -> PollRequest:
    """``30s Pizza or sushi? | Pizza | Sushi --multi`` (or quoted: ``"Q?" A B``).

    The duration may come first or last and is optional; flags anywhere.
    """
    words = raw.split()
    flags: set[str] = set()
    kept: list[str] = []
    for word in words:
        if word.lower() in FLAGS:
            flags.add(FLAGS[word.lower()])
        else:
            kept.append(word)
    duration = DEFAULT_DURATION
    for index in (0, -1):
        if not kept:
            break
        word = kept[index]
        if starts_like_duration(word):  # a bare number is an option, not seconds
            try:
                duration = parse_duration(word)
            except ValueError:
                if meant_as_duration(word):
                    raise PollSyntaxError("polls.bad_duration") from None
                continue
            kept.pop(index)
            break
        if meant_as_duration(word):  # "-5m", "1.5h": meant as a duration, not a question
            raise PollSyntaxError("polls.bad_duration")
    text = " ".join(kept)
    if "|" in text or ";" in text:
        parts = [p.strip() for p in re.split(r"[|;]", text)]
    else:
        parts = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(text)]
        if len(parts) > 1 and not any(q in text for q in "\"'"):
            raise PollSyntaxError("polls.syntax")  # unquoted words are ambiguous
    parts = [p for p in parts if p]
    if len(parts) < 3:
        raise PollSyntaxError("polls.syntax")
    question, options = parts[0], tuple(parts[1:])
    if len(options) > 10:
        raise PollSyntaxError("polls.too_many_options")
    if len({o.casefold() for o in options}) != len(options):
        raise PollSyntaxError("polls.duplicate_options")
    if len(question) > 300 or any(len(o) > 100 for o in options):
        raise PollSyntaxError("polls.too_long")
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise PollSyntaxError("polls.bad_duration")
    return PollRequest(
        question,
        options,
        duration,
        "multiple" in flags,
        "anonymous" in flags,
        "reactions" in flags,
    )


def bar_chart(
    options: tuple[str, ...] | list[str], counts: list[int], width: int = 12
) -> list[str]:
    """One line per option: ``Pizza  ████████░░░░  2 (67%)``, winners first in ties by order."""
    total = sum(counts)
    label_width = min(max((len(o) for o in options), default=0), 24)
    lines = []
    for option, count in zip(options, counts, strict=True):
        share = count / total if total else 0.0
        filled = round(share * width)
        label = option if len(option) <= 24 else option[:23] + "…"
        lines.append(
            f"{label.ljust(label_width)}  {'█' * filled}{'░' * (width - filled)}"
            f"  {count} ({share:.0%})"
        )
    return lines
