"""Polls and quizzes: native where the platform's limits fit, buttons otherwise, emoji reactions
as a light form. Votes are mirrored in the database (one vote per member, changeable until the
poll closes; a quiz answer is final). Closing is a durable deadline: a poll due while the bot
was down closes right after start-up, and results are posted exactly once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import ClassVar

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.events import PollVoted, ReactionAdded, ReactionRemoved
from bot.core.feature import ContentValidator, button, command, on
from bot.core.permissions import Level
from cogs.polls.logic import REACTION_EMOJI, PollRequest, PollSyntaxError, parse_poll
from cogs.polls.payloads import Vote
from cogs.polls.series import validate_series
from cogs.polls.series_runner import QuizSeries
from cogs.polls.store import Poll, PollClosed
from cogs.roles.api import EarnedLevels

MAX_NAMES = 50_000
"""Voters' display names kept for quiz leaderboards (the least recent go first)."""

POLL = CommandSpec("poll", "polls.cmd.poll", (Param("poll", ParamKind.TEXT, "polls.param.poll"),))
QUIZ = CommandSpec(
    "quiz", "polls.cmd.quiz", (Param("quiz", ParamKind.TEXT, "polls.param.quiz"),), Level.HELPER
)


class Polls(QuizSeries):
    """/poll, /quiz and /quizrun; votes by button, native poll or reaction; durable closing.
    Posting and closing are in :mod:`.publishing`, quiz series in :mod:`.series_runner`."""

    name = "polls"
    optional = ("roles",)
    content: ClassVar[Mapping[str, ContentValidator]] = {"quizzes": validate_series}

    # -- creating -----------------------------------------------------------------------------

    @command(POLL)
    async def on_poll(self, ctx: Context) -> None:
        actor = ctx.event.actor
        assert actor is not None
        min_level = self.settings.min_level
        if actor.level < min_level:
            raise UserFacingError(
                "polls.not_allowed", level=ctx.t(f"level.{min_level.name.lower()}")
            )
        roles = self.peer("roles", EarnedLevels)
        if roles is not None and actor.level < Level.MODERATOR:
            needed = await roles.missing_for(ctx.event.community, actor.ref.id, "polls")
            if needed is not None:
                raise UserFacingError("polls.not_earned", level=ctx.t(f"roles.level.{needed}"))
        try:
            request = parse_poll(str(ctx.args["poll"]))
        except PollSyntaxError as exc:
            raise UserFacingError(exc.key) from None
        await self.create(ctx, request, None, None)

    @command(QUIZ)
    async def on_quiz(self, ctx: Context) -> None:
        raw = str(ctx.args["quiz"])
        explanation = None
        if "--explain" in raw:
            raw, _, explanation = raw.partition("--explain")
            explanation = explanation.strip() or None
        try:
            request = parse_poll(raw)
        except PollSyntaxError as exc:
            # The quiz's own usage, not the poll's, for a malformed quiz.
            key = "polls.quiz_syntax" if exc.key == "polls.syntax" else exc.key
            raise UserFacingError(key) from None
        marked = [i for i, option in enumerate(request.options) if option.startswith("*")]
        if len(marked) != 1:
            raise UserFacingError("polls.quiz_syntax")
        options = tuple(o.removeprefix("*").strip() for o in request.options)
        request = PollRequest(request.question, options, request.duration, anonymous=False)
        await self.create(ctx, request, marked[0], explanation)

    async def create(
        self, ctx: Context, request: PollRequest, correct: int | None, explanation: str | None
    ) -> None:
        actor = ctx.event.actor
        channel = ctx.event.channel_ref
        assert actor is not None and channel is not None
        community = ctx.event.community
        now = ctx.clock.now()
        limit = self.settings.max_per_hour
        if actor.level < Level.MODERATOR and limit:
            recent = await self.store.created_since(
                community, actor.ref.id, now - timedelta(hours=1)
            )
            if recent >= limit:
                raise UserFacingError("polls.rate_limited", count=limit)
        await self.publish(ctx.port, channel, actor.ref.id, request, correct, explanation)

    # -- voting -------------------------------------------------------------------------------

    @button(Vote)
    async def on_button(self, ctx: Context, data: Vote) -> None:
        poll = await self.store.get(data.poll)
        if poll is None or data.option >= len(poll.options):
            raise UserFacingError("button.expired")
        if (
            poll.community != ctx.event.community.id
            or poll.platform != ctx.event.community.platform
        ):
            raise UserFacingError("button.expired")  # a button copied into another community
        await self.vote(ctx, poll, [data.option], toggle=poll.multiple, tell=True)

    async def vote(
        self, ctx: Context, poll: Poll, options: list[int], *, toggle: bool, tell: bool
    ) -> None:
        actor = ctx.event.actor
        assert actor is not None
        self.names.pop(actor.ref.id, None)  # most recent last; the oldest go past the cap
        self.names[actor.ref.id] = actor.display_name
        if len(self.names) > MAX_NAMES:
            del self.names[next(iter(self.names))]
        store = self.store
        if poll.correct is not None and await store.member_options(poll, actor.ref.id):
            if tell:
                await ctx.reply(ctx.t("polls.quiz_already"), ephemeral=True)
            return
        try:
            chosen = await store.vote(poll, actor.ref.id, options, ctx.clock.now(), toggle=toggle)
        except PollClosed:
            if tell:
                await ctx.reply(ctx.t("polls.closed_already"), ephemeral=True)
            return
        if not tell:
            return
        if poll.correct is not None:
            right = chosen == [poll.correct]
            key = "polls.quiz_right" if right else "polls.quiz_wrong"
            lines = [ctx.t(key, answer=poll.options[poll.correct])]
            if poll.explanation:
                lines.append(poll.explanation)
            await ctx.reply("\n".join(lines), ephemeral=True)
        elif chosen:
            await ctx.reply(
                ctx.t("polls.voted", choice=", ".join(poll.options[i] for i in chosen)),
                ephemeral=True,
            )
        else:
            await ctx.reply(ctx.t("polls.vote_removed"), ephemeral=True)

    @on(PollVoted)
    async def on_native_vote(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, PollVoted)
        poll = await self.store.by_native(event.community.platform.value, event.poll_id)
        if poll is not None:
            await self.vote(ctx, poll, list(event.options), toggle=False, tell=False)

    @on(ReactionAdded, ReactionRemoved)
    async def on_reaction(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, ReactionAdded | ReactionRemoved)
        if event.emoji not in REACTION_EMOJI or event.member.is_bot:
            return
        store = self.store
        poll = await store.by_message(event.community, event.message.id)
        if poll is None or poll.kind != "reactions":
            return
        option = REACTION_EMOJI.index(event.emoji)
        if option >= len(poll.options):
            return
        current = await store.member_options(poll, event.member.ref.id)
        if isinstance(event, ReactionAdded):
            chosen = sorted(set(current) | {option}) if poll.multiple else [option]
        else:
            chosen = [o for o in current if o != option]
        try:
            await store.vote(poll, event.member.ref.id, chosen, ctx.clock.now())
        except PollClosed:
            return
