"""The ``[ideas]`` section: where ideas come in and show, voting, notices and the NPS survey."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Annotated, Literal

from pydantic import Field

from bot.core.settings import ClockTime, CommunityKey, FeatureSettings, OptionalDuration


class NpsSettings(FeatureSettings):
    """The monthly "would you recommend us?" survey (0-10) to a sample of active members."""

    enabled: bool = False
    day: Annotated[int, Field(ge=1, le=28)] = 1
    """Day of the month it goes out (community time zone)."""
    at: ClockTime = time(12, 0)
    sample: Annotated[int, Field(ge=1, le=10_000)] = 50
    """How many active members are asked each time (chosen at random among the active)."""
    active_days: Annotated[int, Field(ge=1, le=365)] = 30
    """Active: posted or engaged in this many days before the survey."""
    communities: list[CommunityKey] = Field(default_factory=list)
    """Communities whose sampled members are asked privately."""
    channel: dict[CommunityKey, str] = Field(default_factory=dict)
    """Communities asked in a channel instead (anyone may answer, once a period)."""


class IdeasSettings(FeatureSettings):
    board_channels: dict[CommunityKey, str] = Field(default_factory=dict)
    """Where idea cards are posted, per community (default: where the idea was given)."""
    intake_channels: dict[CommunityKey, list[str]] = Field(default_factory=dict)
    """Channels where every top-level post by a member becomes an idea."""
    roadmap_channels: dict[CommunityKey, str] = Field(default_factory=dict)
    """Where the public roadmap message is kept up to date (edited in place)."""
    loop_channels: dict[CommunityKey, str] = Field(default_factory=dict)
    """Where "you asked — we did" posts and the monthly roundup go (default: the board)."""
    similar_words: Annotated[float, Field(ge=0, le=1)] = 0.35
    """Word overlap (content-word stems) from which an existing idea is offered as "is it
    one of these?" before a new one is posted."""
    similar_meaning: Annotated[float, Field(ge=0, le=1)] = 0.9
    """With the semantic extra: the meaning score (cosine) that does the same. The model
    scores unrelated short titles around 0.8, so the bar sits high."""
    vote_budget: dict[Literal["member", "helper", "moderator", "admin"], int] = Field(
        default_factory=dict
    )
    """Active votes a member may hold by level (empty: no limit); votes on ideas that are
    done, declined or merged are given back."""
    notice_every: OptionalDuration = timedelta(days=1)
    """At most one private message per member this often about ideas they follow."""
    per_member_per_day: Annotated[int, Field(ge=1, le=100)] = 5
    """Ideas one member may post per day."""
    nps: NpsSettings = Field(default_factory=NpsSettings)
