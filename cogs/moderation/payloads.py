"""Moderation's button and deadline payloads."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.core.payloads import ButtonData, ChannelDeadline, CommunityDeadline
from bot.core.permissions import Level


class _Alert(ButtonData):
    """A moderator's button under an alert. The mod log may be another chat (a private
    moderators' group), so it names the community the case belongs to."""

    sep = "/"
    pressed_by = Level.MODERATOR
    single_use = "mod.alert"  # one decision per alert: a second moderator is told who acted
    community: Annotated[str, Field(max_length=30)]
    number: int


class AlertDelete(_Alert):
    action = "mod.delete"


class AlertWarn(_Alert):
    action = "mod.warn"


class AlertDismiss(_Alert):
    action = "mod.dismiss"


class RaidQuiet(CommunityDeadline):
    """Raid mode lifts itself after a quiet period."""

    kind = "moderation.raid_quiet"


class SlowmodeEnd(ChannelDeadline):
    """A slow mode set for a while ends."""

    kind = "moderation.slowmode_end"
