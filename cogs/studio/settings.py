"""The ``[studio]`` section: templates, the pre-publication checklist, approval, help routes."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import Field, field_validator

from bot.core.settings import ClockTime, CommunityKey, Duration, FeatureSettings, Weekday

Verdict = Literal["block", "warn", "off"]
CHECKS = ("next_step", "ad_label", "alt_text", "video", "colour_only", "utm", "owner",
          "sensitive", "length", "markup")  # fmt: skip


AD_LABELS = ("#ad", "ad:", "sponsored", "partner", "реклама", "партнёр", "партнер",
             "რეკლამა", "სარეკლამო", "პარტნიორ", "სპონსორ")  # fmt: skip


class HelpRoute(FeatureSettings):
    """A sensitive-topic group: keywords per locale, the disclaimer and where to get help."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
    keywords: dict[str, list[Annotated[str, Field(min_length=2, max_length=60)]]]
    """Per locale ("en", "ru", ...): words or phrases (lower case) that touch the topic."""
    disclaimer: Annotated[str, Field(min_length=1, max_length=500)]
    links: list[Annotated[str, Field(pattern=r"^https://\S+$")]] = Field(default_factory=list)

    @field_validator("keywords")
    @classmethod
    def _some(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if not any(value.values()):
            raise ValueError("a help route needs at least one keyword")
        return {locale: [k.casefold() for k in words] for locale, words in value.items()}


class Column(FeatureSettings):
    """A ritual: a post from a template on a weekday (every ``weeks`` weeks), prepared as a
    draft ``ahead`` of time for its owner to fill; an unfilled one is skipped, never sent."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
    community: CommunityKey
    template: Annotated[str, Field(min_length=1, max_length=40)]
    channel: Annotated[str, Field(min_length=1, max_length=64)]
    day: Weekday
    at: ClockTime
    weeks: Annotated[int, Field(ge=1, le=8)] = 1
    """1: every week; 2: every other week (ISO week numbers divisible by 2)..."""
    owner: Annotated[str, Field(min_length=1, max_length=64)]
    """The member (platform id, or the console name) who fills it."""
    ahead: Duration = timedelta(days=2)


class StudioSettings(FeatureSettings):
    templates: Annotated[str, Field(min_length=1)] = "content/templates"
    """The post templates folder (relative to the config file)."""
    checks: dict[str, Verdict] = Field(default_factory=dict)
    """Per check (next_step, ad_label, alt_text, video, colour_only, utm, owner, sensitive,
    length): block, warn or off. Unnamed checks keep their defaults."""
    ad_labels: list[str] = Field(default_factory=lambda: list(AD_LABELS))
    """Words that label a sponsored post (any one, case-insensitive)."""
    utm_domains: list[str] = Field(default_factory=list)
    """Domains of your guides and FAQ: links to them need utm_ parameters."""
    answer_within: Annotated[str, Field(min_length=1, max_length=40)] = "1 day"
    """A post made in the bot is answered by its author within this (shown to the checklist)."""
    approval: Literal["none", "second_person"] = "second_person"
    """Who may publish: anyone with the level, or only after someone other than the author
    approved the draft (the doctrine's decision rights)."""
    heavy_gap_hours: Annotated[int, Field(ge=0, le=24 * 14)] = 24
    """Two heavy posts (guides, long reads) closer than this in one channel are flagged."""
    silent_days: Annotated[int, Field(ge=0, le=60)] = 4
    """/calendar flags a channel with no post planned for this many days."""
    help_routes: list[HelpRoute] = Field(default_factory=list)
    linked: list[list[CommunityKey]] = Field(default_factory=list)
    """Groups of communities (on any platform) that share posts: a draft of one may also go
    to channels of the others (``/post channels N news discord:123/news``)."""
    columns: list[Column] = Field(default_factory=list)
    route_channels: dict[CommunityKey, list[str]] = Field(default_factory=dict)
    """Channels where members' messages touching a help route get its disclaimer (empty: all)."""

    @field_validator("checks")
    @classmethod
    def _known(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(CHECKS))
        if unknown:
            raise ValueError(f"unknown check(s) {', '.join(unknown)}; known: {', '.join(CHECKS)}")
        return value
