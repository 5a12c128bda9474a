"""Ideas loop: ideas from /idea, an intake channel or a member's message picked by a moderator,
checked against near-duplicates first; one vote per member (never on one's own idea, within an
optional budget per level) and following; statuses with reasons shown on the idea's card and
sent to its author, voters and followers in one batched private message a day; Impact/Cost
priority; a roadmap kept up to date; "you asked — we did" posts approved by a moderator and a
monthly roundup; and the NPS survey."""

from __future__ import annotations

from datetime import datetime

from bot.core.ids import CommunityRef, MemberRef
from cogs.ideas.api import BoardIdea, board_of
from cogs.ideas.metrics import IdeasFigures, figures
from cogs.ideas.monthly import MonthlyRituals


class Ideas(MonthlyRituals):
    """Members' ideas, from the channel to "you asked — we did"."""

    name = "ideas"
    optional = ("faq",)  # its likeness (word stems, meaning) finds near-duplicate ideas

    async def board_of(self, community: CommunityRef) -> list[BoardIdea]:
        return await board_of(self.db, community)

    async def forget_member(self, member: MemberRef) -> int:
        return await self.store.forget(member)

    async def figures(
        self, community: CommunityRef, start: datetime, end: datetime
    ) -> IdeasFigures:
        """The ideas' KPIs for ``[start, end)`` (read by the digest's /stats and report)."""
        found, told = await self.store.for_metrics(community)
        scores = await self.surveys.scores(community, start, end)
        return figures(found, told, scores, start, end)
