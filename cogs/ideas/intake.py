"""Ideas coming in (``/idea``, posts in an intake channel, a moderator's pick of a member's
message), "is it one of these?" before posting, and the members' buttons: vote, follow, quiet."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.events import Actor, CommandInvoked, MessagePosted
from bot.core.feature import button, command, on
from bot.core.ids import ChannelRef, CommunityRef, MessageRef
from bot.core.messages import Button, ButtonStyle
from bot.core.permissions import Level
from cogs.faq.api import likeness
from cogs.ideas.board import IdeaBoard
from cogs.ideas.payloads import Follow, Instead, PostAnyway, Quiet, Vote
from cogs.ideas.render import MAX_DETAILS, MAX_TITLE
from cogs.ideas.tables import DRAFT, OPEN, Idea, ideas

IDEA = CommandSpec(
    "idea", "ideas.cmd.idea", (Param("text", ParamKind.TEXT, "ideas.param.text"),)
)  # fmt: skip


def split_idea(raw: str) -> tuple[str, str]:
    """Title and details: the first line (or what comes before " | "), then the rest."""
    raw = raw.strip()
    head, sep, rest = raw.partition("\n")
    if not sep and " | " in raw:
        head, _, rest = raw.partition(" | ")
    return " ".join(head.split()), rest.strip()


class IdeaIntake(IdeaBoard):
    """Collecting ideas and the members' buttons."""

    @command(IDEA)
    async def idea(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        title, details = split_idea(str(ctx.args["text"]))
        await self.propose(ctx, event.author, event.channel, title, details, event.message)

    async def propose(
        self, ctx: Context, author: Actor, channel: ChannelRef, title: str, details: str,
        message: MessageRef | None,
    ) -> None:  # fmt: skip
        community, now = ctx.event.community, ctx.clock.now()
        self.check_text(title, details)
        if await self.store.posted_today(community, author.ref.id, now - timedelta(days=1)) >= (
            self.settings.per_member_per_day
        ):
            raise UserFacingError("ideas.too_many", count=self.settings.per_member_per_day)
        similar = await self.similar(community, f"{title} {details}")
        status = DRAFT if similar else "new"
        idea_id = await self.create(community, author, title, details, "command", channel,
                                    now, status)  # fmt: skip
        if not similar:
            await self.publish(idea_id, message)
            await ctx.reply(ctx.t("ideas.posted", idea=idea_id))
            return
        buttons: list[Button] = [
            Instead(draft=idea_id, idea=other.id).button(
                ctx.t("ideas.instead", idea=other.id, title=_short(other.title))
            )
            for other in similar
        ]
        buttons.append(PostAnyway(draft=idea_id).button(ctx.t("ideas.post_anyway"),
                                                        ButtonStyle.PRIMARY))  # fmt: skip
        await ctx.reply(ctx.t("ideas.similar"), buttons=buttons)

    @staticmethod
    def check_text(title: str, details: str) -> None:
        if not title:
            raise UserFacingError("ideas.empty")
        if len(title) > MAX_TITLE:
            raise UserFacingError("ideas.title_long", limit=MAX_TITLE, length=len(title))
        if len(details) > MAX_DETAILS:
            raise UserFacingError("ideas.details_long", limit=MAX_DETAILS, length=len(details))

    async def create(
        self, community: CommunityRef, author: Actor, title: str, details: str, origin: str,
        channel: ChannelRef, at: datetime, status: str = "new",
    ) -> int:  # fmt: skip
        return await self.store.create(
            community, author=author.ref.id, author_name=author.display_name, title=title,
            details=details, status=status, origin=origin, channel=channel.id,
            thread=channel.thread, created_at=at,
        )  # fmt: skip

    async def publish(self, idea_id: int, reply_to: MessageRef | None = None) -> None:
        idea = await self.store.get(idea_id)
        assert idea is not None
        await self.post_card(idea, reply_to)
        await self.refresh_roadmap(idea.ref)

    async def similar(self, community: CommunityRef, words: str) -> list[Idea]:
        """Up to three open ideas alike enough to offer instead (the FAQ's likeness)."""
        board = await self.store.board(community, OPEN)
        if not board:
            return []
        found = await asyncio.to_thread(likeness, words, [f"{i.title} {i.details}" for i in board])
        overlap, meaning = self.settings.similar_words, self.settings.similar_meaning
        alike = [
            (score.words, score.meaning or 0.0, idea)
            for score, idea in zip(found, board, strict=True)
            if score.words >= overlap or (score.meaning or 0.0) >= meaning
        ]
        alike.sort(key=lambda item: (-item[0], -item[1], item[2].id))
        return [idea for *_, idea in alike[:3]]

    @on(MessagePosted)
    async def intake_post(self, ctx: Context) -> None:
        """In an intake channel every top-level post by a member is an idea."""
        event = ctx.event
        assert isinstance(event, MessagePosted)
        channels = self.settings.intake_channels.get(event.community, ())
        if event.channel.id not in channels or event.author.is_bot:
            return
        if event.reply_to is not None or event.channel.thread is not None:
            return  # a discussion of an idea, not a new one
        title, details = split_idea(event.content)
        try:
            self.check_text(title, details)
        except UserFacingError as exc:
            await ctx.reply(ctx.t(exc.key, **exc.params))
            return
        idea_id = await self.create(event.community, event.author, title, details, "channel",
                                    event.channel, event.occurred_at)  # fmt: skip
        await self.publish(idea_id, event.message)

    # -- members' buttons --------------------------------------------------------------------

    async def idea_here(self, ctx: Context, number: int) -> Idea:
        idea = await self.store.get(number)
        if idea is None or idea.status == DRAFT or not idea.belongs_to(ctx.event.community):
            raise UserFacingError("ideas.no_idea", idea=number)
        return idea

    @button(Vote)
    async def vote(self, ctx: Context, data: Vote) -> None:
        actor = ctx.event.actor
        assert actor is not None
        idea = await self.idea_here(ctx, data.idea)
        await self.cast(ctx, idea, actor)

    async def cast(self, ctx: Context, idea: Idea, actor: Actor, *, toggle: bool = True) -> None:
        """Vote for ``idea`` (or take the vote back): never one's own, one a member, within
        the vote budget of their level."""
        if idea.author == actor.ref.id:
            raise UserFacingError("ideas.own_idea")
        if not idea.is_open:
            raise UserFacingError("ideas.closed", idea=idea.id)
        voting = actor.ref.id in await self.store.voters(idea.id)
        if voting and not toggle:
            await ctx.reply(ctx.t("ideas.voted_already", idea=idea.id), ephemeral=True)
            return
        if not voting:
            budget = self.budget(actor.level)
            held = await self.store.active_votes(idea.ref, actor.ref.id)
            if budget is not None and held >= budget:
                raise UserFacingError("ideas.budget", count=budget)
        now_voting = await self.store.toggle_vote(idea.id, actor.ref.id, ctx.clock.now())
        count = len(await self.store.voters(idea.id))
        await self.refresh_card(idea, count)
        key = "ideas.voted" if now_voting else "ideas.unvoted"
        await ctx.reply(ctx.t(key, idea=idea.id, count=count), ephemeral=True)

    def budget(self, level: Level) -> int | None:
        name = level.name.lower()
        budget = self.settings.vote_budget.get(name)  # type: ignore[call-overload]
        return None if budget is None else int(budget)

    @button(Follow)
    async def follow(self, ctx: Context, data: Follow) -> None:
        actor = ctx.event.actor
        assert actor is not None
        idea = await self.idea_here(ctx, data.idea)
        following = await self.store.toggle_follow(idea.id, actor.ref.id)
        key = "ideas.following" if following else "ideas.unfollowed"
        await ctx.reply(ctx.t(key, idea=idea.id), ephemeral=True)

    @button(Instead)
    async def instead(self, ctx: Context, data: Instead) -> None:
        actor = ctx.event.actor
        assert actor is not None
        draft = await self.own_draft(ctx, data.draft)
        idea = await self.idea_here(ctx, data.idea)
        if idea.author != actor.ref.id:
            await self.cast(ctx, idea, actor, toggle=False)
        else:
            await ctx.reply(ctx.t("ideas.yours_already", idea=idea.id), ephemeral=True)
        await self.store.update(draft.id, status="withdrawn")

    @button(PostAnyway)
    async def post_anyway(self, ctx: Context, data: PostAnyway) -> None:
        draft = await self.own_draft(ctx, data.draft)
        if not await self.store.update(draft.id, ideas.c.status == DRAFT, status="new"):
            raise UserFacingError("ideas.no_idea", idea=draft.id)
        await self.publish(draft.id)
        await ctx.reply(ctx.t("ideas.posted", idea=draft.id))

    async def own_draft(self, ctx: Context, number: int) -> Idea:
        actor = ctx.event.actor
        draft = await self.store.get(number)
        if (
            draft is None or actor is None or draft.status != DRAFT
            or not draft.belongs_to(ctx.event.community) or draft.author != actor.ref.id
        ):  # fmt: skip
            raise UserFacingError("ideas.not_your_draft")
        return draft

    @button(Quiet)
    async def quiet(self, ctx: Context, data: Quiet) -> None:
        actor = ctx.event.actor
        assert actor is not None
        await self.surveys.set_quiet(actor.ref, data.what, True)
        await ctx.reply(ctx.t(f"ideas.quiet_{data.what}_done"), ephemeral=True)


def _short(title: str) -> str:
    return title if len(title) <= 50 else title[:49] + "…"
