"""Reusable setting types for the config file, parsed once when the config is loaded.

A feature's ``Settings`` model uses these, so no handler re-parses ``"30m"`` or ``"10:00"`` or
calls ``ZoneInfo()`` at use. Each type reads the config file's text form and writes it back
the same way (``model_dump`` gives ``"30m"``, not a ``timedelta``).
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

from bot.core.durations import format_duration_compact, parse_duration
from bot.core.ids import CommunityRef
from bot.core.permissions import Level


class FeatureSettings(BaseModel):
    """A feature's ``[section]`` of the config file: unknown keys are errors, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def updated(self, **changes: Any) -> Self:
        """A copy with ``changes`` validated as if read from the config file."""
        return self.model_validate({**self.model_dump(), **changes})


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return parse_duration(str(value))


def _optional_duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if re.fullmatch(r"\s*0+\s*[smhdw]?\s*", str(value)):
        return timedelta(0)
    return parse_duration(str(value))


def _timezone(value: Any) -> ZoneInfo:
    if isinstance(value, ZoneInfo):
        return value
    try:
        return ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r}; use an IANA name such as 'Asia/Tbilisi' or 'UTC'"
        ) from None


_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _clock_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    match = _CLOCK.match(str(value))
    if match is None:
        raise ValueError(f"{value!r} is not a time of day such as '10:00' or '9:30' (24 h)")
    return time(int(match[1]), int(match[2]))


def _community(value: Any) -> CommunityRef:
    if isinstance(value, CommunityRef):
        return value
    return CommunityRef.parse(str(value))


def _level(value: Any) -> Level:
    if isinstance(value, Level):
        return value
    return Level.parse(str(value))


_text = WithJsonSchema({"type": "string"})

Duration = Annotated[
    timedelta,
    BeforeValidator(_duration),
    PlainSerializer(format_duration_compact, return_type=str),
    _text,
]
"""``30s``, ``15m``, ``1h30m``, ``2d``, ``1w`` (longer than zero)."""

OptionalDuration = Annotated[
    timedelta,
    BeforeValidator(_optional_duration),
    PlainSerializer(format_duration_compact, return_type=str),
    _text,
]
"""A :data:`Duration` where ``"0"`` (or ``"0s"``) means none."""

TimeZone = Annotated[ZoneInfo, BeforeValidator(_timezone), PlainSerializer(str), _text]
"""An IANA time zone name (``Asia/Tbilisi``)."""

ClockTime = Annotated[
    time, BeforeValidator(_clock_time), PlainSerializer(lambda t: t.strftime("%H:%M")), _text
]
"""A local time of day, ``HH:MM`` (24 h)."""

CommunityKey = Annotated[CommunityRef, BeforeValidator(_community), PlainSerializer(str), _text]
"""A community as ``platform:id`` (``telegram:-1001234567890``)."""

MemberLevel = Annotated[
    Level, BeforeValidator(_level), PlainSerializer(lambda level: level.name.lower()), _text
]
"""member, helper, moderator or admin."""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

EarnedLevel = Literal["newcomer", "activist", "expert"]
"""The levels members earn by taking part (the roles feature computes them)."""
