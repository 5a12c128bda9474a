"""The ``[desk]`` section: where cases live, business hours, SLA policies, escalation."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from bot.core.durations import parse_duration
from bot.core.settings import (
    CommunityKey,
    Duration,
    FeatureSettings,
    OptionalDuration,
    TimeZone,
)
from bot.i18n import Translator
from cogs.desk.hours import DAYS, Schedule, ScheduleError, parse_interval, week_of

ClockKind = Literal["business", "calendar"]
_TARGET = re.compile(r"^\s*(?P<amount>\S+)\s*(?P<clock>business|calendar)?\s*$")


class Target(FeatureSettings):
    """An SLA target: a duration counted in business or calendar time."""

    within: Duration
    clock: ClockKind = "business"

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        # "2h" or "2h business" or "1d calendar" in the config file.
        if not isinstance(value, str):
            return value
        match = _TARGET.match(value)
        if match is None:
            raise ValueError(f"{value!r} is not a target such as '2h' or '1d calendar'")
        return {"within": parse_duration(match["amount"]), "clock": match["clock"] or "business"}


class Policy(FeatureSettings):
    """SLA targets for the cases it applies to. The first policy whose conditions hold is
    used (one without ``tags`` and ``channels`` applies to every case)."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
    tags: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]] = Field(
        default_factory=list
    )
    channels: list[str] = Field(default_factory=list)
    first_response: Target | None = Target(within=timedelta(hours=2))
    next_response: Target | None = Target(within=timedelta(hours=4))
    resolution: Target | None = None
    answered_by: Literal["staff", "anyone"] = "staff"
    """Whose reply fulfils the response targets: staff (helpers and up) or any other member."""

    def applies(self, tags: frozenset[str], channel: str) -> bool:
        if self.tags and not tags.intersection(self.tags):
            return False
        return not self.channels or channel in self.channels


class HoursSettings(FeatureSettings):
    """Weekly business intervals per day (``"09:00-18:00"``; ``"22:00-02:00"`` crosses
    midnight), holidays as dates, in ``timezone`` (default: the community's)."""

    timezone: TimeZone | None = None
    mon: list[str] = Field(default_factory=lambda: ["09:00-18:00"])
    tue: list[str] = Field(default_factory=lambda: ["09:00-18:00"])
    wed: list[str] = Field(default_factory=lambda: ["09:00-18:00"])
    thu: list[str] = Field(default_factory=lambda: ["09:00-18:00"])
    fri: list[str] = Field(default_factory=lambda: ["09:00-18:00"])
    sat: list[str] = Field(default_factory=list)
    sun: list[str] = Field(default_factory=list)
    holidays: list[date] = Field(default_factory=list)

    @field_validator(*DAYS, mode="before")
    @classmethod
    def _intervals(cls, value: Any) -> Any:
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list):
            for item in items:
                if isinstance(item, str):
                    try:
                        parse_interval(item)
                    except ScheduleError as exc:
                        raise ValueError(str(exc)) from None
        return items

    @model_validator(mode="after")
    def _week(self) -> HoursSettings:
        try:
            week = week_of(self.days())
        except ScheduleError as exc:
            raise ValueError(str(exc)) from None
        if not any(week):
            raise ValueError(
                "no business hours on any day: business-time targets would never be reached"
                " (give at least one interval, or use calendar targets)"
            )
        return self

    def days(self) -> dict[str, list[str]]:
        return {day: getattr(self, day) for day in DAYS}

    def schedule(self, community_zone: Any) -> Schedule:
        """The schedule in its own zone, or the community's when none is set."""
        return Schedule(
            self.timezone or community_zone, week_of(self.days()), frozenset(self.holidays)
        )


TEAMS = frozenset({"helpers", "moderators", "admins"})
"""Escalation targets that name the bot's own levels; shown translated."""


class Escalation(FeatureSettings):
    """One step of the escalation chain: whom to call (a team name, shown and mentioned
    as given, e.g. "@Specialists"), how long after the breach."""

    to: Annotated[str, Field(min_length=1, max_length=64)]
    after: OptionalDuration = timedelta(0)

    def team(self, t: Translator) -> str:
        """Whom the step calls, as members read it: the bot's own teams (helpers,
        moderators, admins) in the community's language, any other name as written."""
        key = f"desk.team.{self.to.strip().casefold()}"
        return t(key) if self.to.strip().casefold() in TEAMS else self.to


def _default_chain() -> list[Escalation]:
    return [
        Escalation(to="helpers"),
        Escalation(to="moderators", after=timedelta(hours=1)),
        Escalation(to="admins", after=timedelta(hours=4)),
    ]


class DeskSettings(FeatureSettings):
    staff_channels: dict[CommunityKey, str] = Field(default_factory=dict)
    """Where case cards, SLA warnings and escalations go, per community."""
    help_channels: dict[CommunityKey, list[str]] = Field(default_factory=dict)
    """Channels whose members' questions become cases, per community."""
    questions_open_cases: bool = True
    """Every question in a help channel gets a case (and an SLA), not only /ticket."""
    question_grace: OptionalDuration = timedelta(minutes=2)
    """How long a help-channel question waits for the FAQ before staff get its card (its
    clock runs from the question all the same); a question the FAQ answered is no case."""
    hours: HoursSettings = Field(default_factory=HoursSettings)
    policies: list[Policy] = Field(default_factory=lambda: [Policy(name="default")])
    warn_at: Annotated[float, Field(ge=0, lt=1)] = 0.75
    """Staff are warned when this share of a target has passed (0: no warning)."""
    escalation: list[Escalation] = Field(default_factory=_default_chain, max_length=10)
    """The chain a breached case climbs, one step each ``after`` the breach, each once."""
    tickets_per_hour: Annotated[int, Field(ge=1, le=100)] = 3
    """Cases one member may open per hour with /ticket."""
    auto_close: OptionalDuration = timedelta(days=3)
    """A case waiting for its member this long after a staff reply is closed (0: never)."""
    reopen_within: OptionalDuration = timedelta(days=7)
    """The member may reopen a closed case with one button for this long."""
    satisfaction: bool = True
    """Ask the member "did this solve it?" (1-5) when the case closes."""
    same_case_within: OptionalDuration = timedelta(minutes=10)
    """Questions from the same member in a help channel this close together, with no reply
    in between, are one case."""
    private_rooms: bool = True
    """Tickets get a private room where the platform has one: a private thread on Discord; a
    topic in the staff group on Telegram (the staff channel must be a forum group; the member
    writes to the bot privately and the desk relays both ways)."""
    note_prefix: Annotated[str, Field(min_length=1, max_length=3)] = "!"
    """In a relayed room, staff messages starting with this stay internal notes."""
    snippets: dict[str, Annotated[str, Field(min_length=1, max_length=2000)]] = Field(
        default_factory=dict
    )
    """Saved replies for /snippet ID CASE: id = text, with {member}, {helper}, {case} and {eta}."""

    @field_validator("policies")
    @classmethod
    def _policies(cls, value: list[Policy]) -> list[Policy]:
        names = [policy.name for policy in value]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"two policies are named {name!r}")
        return value

    @field_validator("snippets")
    @classmethod
    def _snippet_ids(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,31}", key):
                raise ValueError(f"snippet id {key!r}: lower case letters, digits, - and _")
        return value

    def policy_for(self, tags: frozenset[str], channel: str) -> Policy | None:
        return next((p for p in self.policies if p.applies(tags, channel)), None)
