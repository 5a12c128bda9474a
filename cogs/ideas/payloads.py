"""The ideas' button and deadline payloads. Buttons carry an idea id; handlers check that
the idea belongs to the community where the button was pressed."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.core.payloads import ButtonData, CommunityDeadline
from bot.core.permissions import Level


class Vote(ButtonData):
    """Vote for an idea, or take the vote back (a toggle)."""

    action = "idea.vote"
    idea: int


class Follow(ButtonData):
    """Follow an idea without voting (its status changes reach the member), or stop."""

    action = "idea.follow"
    idea: int


class Instead(ButtonData):
    """'Is it one of these?': vote for the existing idea instead; the draft is dropped."""

    action = "idea.instead"
    draft: int
    idea: int


class PostAnyway(ButtonData):
    """'Is it one of these?': no, post my idea."""

    action = "idea.post"
    draft: int


class Approve(ButtonData):
    """A moderator approves a "you asked — we did" draft: it is posted once."""

    action = "idea.loop"
    pressed_by = Level.MODERATOR
    single_use = "loop"
    loop: int


class Score(ButtonData):
    """An answer to the survey: 0 (not at all likely) to 10 (extremely likely), for the
    survey of ``period`` in ``community`` (the private chat it is pressed in has none)."""

    action = "nps.score"
    score: Annotated[int, Field(ge=0, le=10)]
    period: Annotated[str, Field(max_length=7, pattern=r"^\d{4}-\d{2}$")]
    community: Annotated[str, Field(max_length=24, pattern=r"^[A-Za-z0-9_.@-]+$")]


class Quiet(ButtonData):
    """Stop private messages: idea notices ("notices") or the survey ("survey")."""

    action = "idea.quiet"
    what: Annotated[str, Field(pattern=r"^(notices|survey)$", max_length=8)]


class NoticesDue(CommunityDeadline):
    """A member's batched idea notices are due (at most one message per ``notice_every``)."""

    kind = "ideas.notices"
    member: str
