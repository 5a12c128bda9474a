"""The ``[digest]`` section: where and when the weekly digest and report go, hero rules."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Annotated

from pydantic import Field

from bot.core.settings import ClockTime, CommunityKey, FeatureSettings, OptionalDuration, Weekday


class DigestSettings(FeatureSettings):
    channels: dict[CommunityKey, str] = Field(default_factory=dict)
    """Where the weekly digest is posted, per community ("platform:id" = channel)."""
    day: Weekday = "mon"
    at: ClockTime = time(10, 0)
    """Local time (the community's time zone) of the digest."""
    max_late: OptionalDuration = timedelta(hours=6)
    """A digest missed while the bot was down is posted at start-up if less late than this."""
    report_channels: dict[CommunityKey, str] = Field(default_factory=dict)
    """Where the weekly moderators' report (numbers and a chart) goes, per community."""
    hero_confirm: bool = False
    """A moderator confirms the hero (buttons in the report channel) before the digest goes out."""
    new_member_hours: Annotated[float, Field(ge=0, le=24 * 90)] = 24
    """Reactions from members who joined less than this before, and have not posted yet, earn
    the hero nothing."""
    min_points: Annotated[float, Field(ge=0)] = 5
    """Fewer points than this: no hero this week."""
    rotation_weeks: Annotated[int, Field(ge=0, le=52)] = 2
    """A hero cannot be hero again for this many weeks."""
    fastest_helper_min: Annotated[int, Field(ge=0, le=1000)] = 3
    """With the service desk: the digest thanks the helper with the quickest median first
    answer among those who gave at least this many first answers that week (0: never)."""
