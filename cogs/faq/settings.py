"""The ``[faq]`` section: matcher, thresholds, channels, cooldown, helpers and links."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from bot.core.settings import CommunityKey, FeatureSettings, OptionalDuration


class FaqSettings(FeatureSettings):
    matcher: Literal["auto", "lexical", "semantic"] = "auto"
    """auto: semantic when the 'semantic' extra is installed, else lexical."""
    answer_threshold: Annotated[float, Field(gt=0, le=1)] = 0.9
    """Confidence (0-1) from which the bot answers."""
    suggest_threshold: Annotated[float, Field(gt=0, le=1)] = 0.2
    """Confidence from which it offers "did you mean" buttons (below: silent)."""
    channels: dict[CommunityKey, list[str]] = Field(default_factory=dict)
    """Channels with auto-answers per community ("platform:id"); a community not listed: all."""
    cooldown: OptionalDuration = timedelta(minutes=30)
    """The same entry is not repeated in a channel within this time (the bot points to it)."""
    answer_delay: OptionalDuration = timedelta(0)
    """Wait this long before answering; a human reply in the meantime keeps the bot silent."""
    helpers: dict[CommunityKey, str] = Field(default_factory=dict)
    """Channel per community ("platform:id") told when an answer did not help."""
    utm: dict[str, str] = Field(default_factory=dict)
    """Parameters added to links in answers ({id} is the entry id)."""
    reload_seconds: Annotated[float, Field(ge=0, le=3600)] = 10
    """How often the FAQ folder is checked for changed files (0: only /faqreload)."""

    @field_validator("utm")
    @classmethod
    def _utm(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not key.startswith("utm_"):
                raise ValueError(f"utm key {key!r} must start with 'utm_' (utm_source, ...)")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> FaqSettings:
        if self.suggest_threshold > self.answer_threshold:
            raise ValueError("suggest_threshold must not be above answer_threshold")
        return self
