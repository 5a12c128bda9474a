"""Durations as members type them: ``90s``, ``15m``, ``1h30m``, ``2d``, ``1w``, ``1ч30м``,
``30წთ``, ``2სთ``, ``1დღე``."""

from __future__ import annotations

import re
from datetime import timedelta

# Latin units, the Russian ones members type (с, м, ч, д, н: секунды ... недели) and the
# Georgian ones, abbreviated or whole (წამი, წუთი, საათი, დღე, კვირა: second ... week).
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800,
          "с": 1, "м": 60, "ч": 3600, "д": 86400, "н": 604800,
          "წმ": 1, "წამი": 1, "წთ": 60, "წუთი": 60, "სთ": 3600, "საათი": 3600,
          "დღე": 86400, "დღ": 86400, "კვ": 604800, "კვირა": 604800}  # fmt: skip
_UNIT = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_PART = re.compile(rf"(\d+)\s*({_UNIT})", re.IGNORECASE)
_WHOLE = re.compile(rf"^(?:\s*\d+\s*(?:{_UNIT})\s*)+$", re.IGNORECASE)
_STARTS = re.compile(rf"^\d+(?:{_UNIT})", re.IGNORECASE)
_MEANT = re.compile(rf"^[-+]?\d+(?:[.,]\d+)?(?:(?:{_UNIT})\d*)+$", re.IGNORECASE)


def starts_like_duration(word: str) -> bool:
    """``30s``, ``2სთ``, ``1ч30м``...: a number with a unit in any accepted language, where a
    bare number would be something else (a poll option)."""
    return bool(_STARTS.match(word))


def meant_as_duration(word: str) -> bool:
    """A word only a duration could be, valid or not (``-5m``, ``1.5h``, ``0წთ``): better
    refused with an explanation than taken as text."""
    return bool(_MEANT.match(word))


def parse_duration(value: str) -> timedelta:
    """Parse ``1h30m`` style text; a bare number means seconds. Raises ``ValueError``."""
    raw = value.strip()
    if raw.isdigit():
        seconds = int(raw)
    elif _WHOLE.match(raw):
        seconds = sum(int(n) * _UNITS[u.lower()] for n, u in _PART.findall(raw))
    else:
        raise ValueError(f"not a duration: {value!r} (examples: 30s, 15m, 1h30m, 2d, 1w, 30წთ)")
    if seconds <= 0:
        raise ValueError(f"a duration must be longer than zero: {value!r}")
    return timedelta(seconds=seconds)


def format_duration_compact(delta: timedelta) -> str:
    """The inverse of :func:`parse_duration`: ``timedelta(hours=1, minutes=30)`` -> ``1h30m``."""
    seconds = int(delta.total_seconds())
    if seconds <= 0:
        return "0s"
    parts = []
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
