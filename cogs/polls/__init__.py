"""Polls and quizzes: native where the platform's limits fit, buttons otherwise, emoji reactions
as a light form. Votes are mirrored in the database (one vote per member, changeable until the
poll closes; a quiz answer is final). Closing is a durable deadline: a poll due while the bot
was down closes right after start-up, and results are posted exactly once."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from bot.core.capabilities import Capability
from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context, Services
from bot.core.errors import NotSupported, UserFacingError
from bot.core.events import PollVoted, ReactionAdded, ReactionRemoved
from bot.core.feature import (
    ContentValidator,
    Feature,
    Recurring,
    button,
    command,
    deadline,
    on,
    recurring,
)
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef, Platform
from bot.core.messages import Button, ButtonStyle, OutgoingMessage, PollSpec
from bot.core.permissions import Level
from bot.core.port import PlatformPort, SentPoll
from bot.core.richtext import RichText, bold, join_lines, text
from bot.i18n import Translator
from bot.scheduler import Deadline, weekly_trigger
from cogs.polls.logic import REACTION_EMOJI, PollRequest, PollSyntaxError, bar_chart, parse_poll
from cogs.polls.payloads import PollClose, SeriesStep, Vote
from cogs.polls.series import SeriesError, load_series, validate_series
from cogs.polls.settings import PollsSettings, ScheduledQuiz
from cogs.polls.store import Poll, PollClosed, PollStore
from cogs.roles.api import EarnedLevels

log = logging.getLogger(__name__)

NATIVE_MIN = timedelta(seconds=15)

POLL = CommandSpec("poll", "polls.cmd.poll", (Param("poll", ParamKind.TEXT, "polls.param.poll"),))
QUIZRUN = CommandSpec(
    "quizrun",
    "polls.cmd.quizrun",
    (Param("name", ParamKind.WORD, "polls.param.series"),),
    Level.MODERATOR,
)
QUIZ = CommandSpec(
    "quiz", "polls.cmd.quiz", (Param("quiz", ParamKind.TEXT, "polls.param.quiz"),), Level.HELPER
)


class Polls(Feature[PollsSettings]):
    """/poll, /quiz and /quizrun; votes by button, native poll or reaction; durable closing."""

    name = "polls"
    optional = ("roles",)
    content: ClassVar[Mapping[str, ContentValidator]] = {"quizzes": validate_series}

    def __init__(self, services: Services, settings: PollsSettings) -> None:
        super().__init__(services, settings)
        self.store = PollStore(services.db)
        self.names: dict[str, str] = {}
        """Member id -> display name, from votes seen by this process (for leaderboards)."""
        for platform in Platform:
            services.native_polls[platform] = self._locator(platform)

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
            raise UserFacingError(exc.key) from None
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

    async def publish(
        self,
        port: PlatformPort,
        channel: ChannelRef,
        created_by: str,
        request: PollRequest,
        correct: int | None,
        explanation: str | None,
    ) -> int:
        """Store a poll, schedule its closing, and post it; returns its id."""
        store = self.store
        community = channel.community
        now = self.clock.now()
        native = _native_fits(port, request, correct)
        reactions = request.reactions and Capability.REACTIONS in port.capabilities
        kind = "native" if native else "reactions" if reactions else "buttons"
        closes_at = now + request.duration
        poll_id = await store.create(
            platform=community.platform.value, community=community.id, channel=channel.id,
            thread=channel.thread, kind=kind, question=request.question,
            options=list(request.options), multiple=request.multiple and correct is None,
            anonymous=request.anonymous, correct=correct, explanation=explanation,
            created_by=created_by, created_at=now, closes_at=closes_at)  # fmt: skip
        await self.schedule(PollClose(poll=poll_id), str(poll_id), closes_at)
        poll = await store.get(poll_id)
        assert poll is not None
        if kind == "native":
            sent = await port.send_poll(channel, PollSpec(
                request.question, request.options, multiple_choice=poll.multiple,
                anonymous=request.anonymous, closes_at=closes_at, correct_option=correct,
                explanation=explanation))  # fmt: skip
            await store.set_message(poll_id, sent.message.id, sent.poll_id)
            return poll_id
        t, tz = self.locale_for(community)
        body = _poll_text(t, poll, closes_at, tz)
        ref = await port.send(
            channel, OutgoingMessage(body, _buttons(poll) if kind == "buttons" else ())
        )
        await store.set_message(poll_id, ref.id, None)
        if kind == "reactions":
            for emoji in REACTION_EMOJI[: len(poll.options)]:
                await port.add_reaction(ref, emoji)
        return poll_id

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
        self.names[actor.ref.id] = actor.display_name
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

    # -- closing ------------------------------------------------------------------------------

    @deadline(PollClose)
    async def close(self, data: PollClose) -> None:
        store = self.store
        poll = await store.get(data.poll)
        if poll is None:
            return
        if poll.closed_at is None:
            if not await store.claim_close(poll.id, self.clock.now()):
                return
        elif poll.results_message is not None:
            return  # results already posted
        community = CommunityRef(Platform(poll.platform), poll.community)
        port = self.port_for(community)
        channel = ChannelRef(community, poll.channel, poll.thread)
        if poll.kind == "native" and poll.message and poll.native_id:
            with contextlib.suppress(NotSupported):
                await port.close_poll(SentPoll(MessageRef(channel, poll.message), poll.native_id))
        t, _ = self.locale_for(community)
        counts, voters = await store.counts(poll)
        results = _results_text(t, poll, counts, voters)
        reply_to = MessageRef(channel, poll.message) if poll.message else None
        sent = await port.send(channel, OutgoingMessage(results), reply_to=reply_to)
        await store.set_results_message(poll.id, sent.id)

    # -- quiz series --------------------------------------------------------------------------

    @command(QUIZRUN)
    async def on_quizrun(self, ctx: Context) -> None:
        name = str(ctx.args["name"]).lower()
        try:
            series = load_series(self.config.quizzes_dir)
        except SeriesError as exc:
            raise UserFacingError("polls.series_broken", problem=exc.problems[0]) from None
        if name not in series:
            raise UserFacingError(
                "polls.no_series", name=name, names=", ".join(sorted(series)) or "-"
            )
        channel = ctx.event.channel_ref
        actor = ctx.event.actor
        assert channel is not None and actor is not None
        await ctx.reply(
            ctx.t(
                "polls.series_start", title=series[name].title, count=len(series[name].questions)
            )
        )
        await self.start_series(channel, name, actor.ref.id)
        await self.scheduler.run_pending()

    @deadline(SeriesStep)
    async def next_question(self, data: SeriesStep, row: Deadline) -> None:
        community, channel = data.community, data.channel_ref
        port = self.port_for(community)
        series = load_series(self.config.quizzes_dir).get(data.series)
        index = data.index
        polls = list(data.polls)
        base = row.key.rpartition("#")[0]
        if series is not None and index < len(series.questions):
            question = series.questions[index]
            request = PollRequest(
                question.question, tuple(question.options), timedelta(seconds=series.seconds)
            )
            polls.append(
                await self.publish(
                    port, channel, data.by, request, question.correct, question.explanation
                )
            )
            due = self.clock.now() + timedelta(seconds=series.seconds + 1)
            step = data.model_copy(update={"index": index + 1, "polls": polls})
            await self.schedule(step, f"{base}#{index + 1}", due)
            return
        scores: dict[str, int] = {}
        for poll_id in polls:
            poll = await self.store.get(poll_id)
            if poll is None or poll.correct is None:
                continue
            for member in await self.store.voters_of(poll, poll.correct):
                scores[member] = scores.get(member, 0) + 1
        t, _ = self.locale_for(community)
        title = series.title if series else data.series
        lines: list[RichText | str] = [text(bold(t("polls.series_end", title=title)))]
        ranked_scores = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        for place, (member, score) in enumerate(ranked_scores[:10], start=1):
            lines.append(
                t(
                    "polls.series_line",
                    place=place,
                    name=self.names.get(member, member),
                    count=score,
                    total=len(polls),
                )
            )
        if not scores:
            lines.append(t("polls.series_nobody"))
        await port.send(channel, OutgoingMessage(join_lines(lines)))

    async def start_series(self, channel: ChannelRef, name: str, by: str) -> None:
        now = self.clock.now()
        key = f"{channel.community}|{channel.id}|{now.isoformat()}#0"
        await self.schedule(SeriesStep.of(channel, series=name, index=0, by=by), key, now)

    def weekly_quizzes(self) -> Iterable[Recurring]:
        for index, entry in enumerate(self.settings.quizzes):
            _, tz = self.locale_for(entry.community)
            yield Recurring(f"quiz.weekly.{index}", weekly_trigger(entry.day, entry.at, tz), entry)

    @recurring("weekly_quizzes", catch_up=timedelta(hours=1))
    async def run_scheduled(self, slot: datetime, entry: ScheduledQuiz) -> None:
        channel = ChannelRef(entry.community, entry.channel)
        if load_series(self.config.quizzes_dir).get(entry.series) is None:
            log.warning("scheduled quiz %r: no such series in the quizzes folder", entry.series)
            return
        await self.start_series(channel, entry.series, "schedule")
        await self.scheduler.run_pending()

    # -- for adapters and erasure ---------------------------------------------------------------

    def _locator(self, platform: Platform) -> Callable[[str], Awaitable[ChannelRef | None]]:
        async def where(native_id: str) -> ChannelRef | None:
            poll = await self.store.by_native(platform.value, native_id)
            if poll is None:
                return None
            return ChannelRef(CommunityRef(platform, poll.community), poll.channel, poll.thread)

        return where

    async def forget_member(self, member: MemberRef) -> int:
        self.names.pop(member.id, None)
        return await self.store.forget(member.platform.value, member.id)


def _native_fits(port: PlatformPort, request: PollRequest, correct: int | None) -> bool:
    """Native polls where the platform has them and they fit (Telegram: quizzes too)."""
    capabilities = port.capabilities
    if Capability.NATIVE_POLLS not in capabilities or request.reactions:
        return False
    if correct is not None and Capability.NATIVE_QUIZZES not in capabilities:
        return False
    return request.duration >= max(NATIVE_MIN, port.native_poll_min)


def _buttons(poll: Poll) -> tuple[Button, ...]:
    return tuple(
        Vote(poll=poll.id, option=index).button(option[:80], ButtonStyle.PRIMARY)
        for index, option in enumerate(poll.options)
    )


def _poll_text(t: Translator, poll: Poll, closes_at: datetime, tz: ZoneInfo) -> RichText:
    when = t.datetime(closes_at, tz)
    head = "polls.quiz_head" if poll.correct is not None else "polls.head"
    lines: list[RichText | str] = [text(bold(t(head, question=poll.question)))]
    if poll.kind == "reactions":
        lines += [f"{REACTION_EMOJI[i]} {option}" for i, option in enumerate(poll.options)]
    hint = "polls.hint_multi" if poll.multiple else "polls.hint_single"
    lines.append(t(hint, when=when))
    return join_lines(lines)


def _results_text(t: Translator, poll: Poll, counts: list[int], voters: int) -> RichText:
    head = "polls.quiz_results" if poll.correct is not None else "polls.results"
    lines: list[RichText | str] = [text(bold(t(head, question=poll.question)))]
    lines += bar_chart(poll.options, counts)
    lines.append(t("polls.turnout", count=voters))
    if poll.correct is not None:
        lines.append(t("polls.quiz_answer", answer=poll.options[poll.correct]))
        if poll.explanation:
            lines.append(poll.explanation)
    lines.append(t("polls.next_step"))
    return join_lines(lines)
