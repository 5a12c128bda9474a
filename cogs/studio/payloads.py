"""The studio's button and deadline payloads."""

from __future__ import annotations

from typing import Literal

from bot.core.payloads import ButtonData, CommunityDeadline


class Useful(ButtonData):
    """A member's verdict on a published post: useful or not, once."""

    action = "post.useful"
    post: int
    verdict: Literal["y", "n"]


class PublishDue(CommunityDeadline):
    """A scheduled post is due: claimed once, then sent to its channels."""

    kind = "studio.publish"
    post: int
