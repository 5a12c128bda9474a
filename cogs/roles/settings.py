"""The ``[roles]`` section: what each earned level needs, and what it unlocks."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from pydantic import Field

from bot.core.settings import ClockTime, EarnedLevel, FeatureSettings


class Requirements(FeatureSettings):
    days_active: Annotated[int, Field(ge=0, le=1000)] = 0
    replies: Annotated[int, Field(ge=0, le=100_000)] = 0
    reactions_received: Annotated[int, Field(ge=0, le=100_000)] = 0
    """Reactions from distinct other members to the member's messages."""
    ama_questions: Annotated[int, Field(ge=0, le=10_000)] = 0
    quiz_correct: Annotated[int, Field(ge=0, le=10_000)] = 0
    role: Annotated[str, Field(max_length=100)] = ""
    """The platform role given with this level (where the platform has roles)."""


class RolesSettings(FeatureSettings):
    window_days: Annotated[int, Field(ge=1, le=365)] = 60
    """Activity counted over this many past days."""
    run_at: ClockTime = time(4, 0)
    """Daily time (community time zone) when levels are recomputed."""
    grace_days: Annotated[int, Field(ge=0, le=365)] = 14
    """No demotion this many days after a promotion."""
    activist: Requirements = Field(
        default_factory=lambda: Requirements(
            days_active=3, replies=3, reactions_received=3, role="Activist"
        )
    )
    expert: Requirements = Field(
        default_factory=lambda: Requirements(
            days_active=10, replies=20, reactions_received=10, ama_questions=1, role="Expert"
        )
    )
    links_from: EarnedLevel = "newcomer"
    """The earned level from which members may post links (helpers and up always may)."""
    polls_from: EarnedLevel = "newcomer"
    """The earned level from which members may start polls."""
