"""Polls and quizzes: native where the platform's limits fit, buttons otherwise, emoji reactions
as a light form. Votes are mirrored in the database (one vote per member, changeable until the
poll closes; a quiz answer is final). Closing is a durable deadline: a poll due while the bot
was down closes right after start-up, and results are posted exactly once."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import ScheduledQuiz
from bot.content import content_validator
from bot.core.capabilities import Capability
from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context, Services
from bot.core.errors import NotSupported, UserFacingError
from bot.core.events import ButtonPressed, PollVoted, ReactionAdded, ReactionRemoved
from bot.core.ids import ChannelRef, CommunityRef, MessageRef, Platform
from bot.core.messages import Button, ButtonStyle, OutgoingMessage, PollSpec
from bot.core.permissions import Level
from bot.core.port import PlatformPort, SentPoll
from bot.core.registry import Registry
from bot.core.richtext import RichText, bold, join_lines, text
from bot.i18n import Translator
from bot.levels import at_least, earned_level
from bot.scheduler import Deadline, weekly_trigger
from cogs.polls.logic import REACTION_EMOJI, PollRequest, PollSyntaxError, bar_chart, parse_poll
from cogs.polls.series import SeriesError, load_series, validate_series
from cogs.polls.store import Poll, PollClosed, PollStore

log = logging.getLogger(__name__)

content_validator("quizzes")(validate_series)

CLOSE = "poll.close"
SERIES = "quiz.series"
VOTE = "poll.vote"
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


def setup(registry: Registry, services: Services) -> None:
    store = PollStore(services.db)
    settings = services.config.polls
    min_level = Level.parse(settings.min_level)

    async def create(
        ctx: Context, request: PollRequest, correct: int | None, explanation: str | None
    ) -> None:
        actor = ctx.event.actor
        channel = ctx.event.channel_ref
        assert actor is not None and channel is not None
        community = ctx.event.community
        now = ctx.clock.now()
        if actor.level < Level.MODERATOR and settings.max_per_hour:
            recent = await store.created_since(community, actor.ref.id, now - timedelta(hours=1))
            if recent >= settings.max_per_hour:
                raise UserFacingError("polls.rate_limited", count=settings.max_per_hour)
        await publish(ctx.port, channel, actor.ref.id, request, correct, explanation)

    async def publish(
        port: PlatformPort,
        channel: ChannelRef,
        created_by: str,
        request: PollRequest,
        correct: int | None,
        explanation: str | None,
    ) -> int:
        """Store a poll, schedule its closing, and post it; returns its id."""
        community = channel.community
        now = services.clock.now()
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
        await services.scheduler.schedule(CLOSE, str(poll_id), closes_at, {"poll": poll_id})
        poll = await store.get(poll_id)
        assert poll is not None
        if kind == "native":
            sent = await port.send_poll(channel, PollSpec(
                request.question, request.options, multiple_choice=poll.multiple,
                anonymous=request.anonymous, closes_at=closes_at, correct_option=correct,
                explanation=explanation))  # fmt: skip
            await store.set_message(poll_id, sent.message.id, sent.poll_id)
            return poll_id
        t, tz = services.locale_for(community)
        body = _poll_text(t, poll, closes_at, tz)
        ref = await port.send(
            channel, OutgoingMessage(body, _buttons(poll) if kind == "buttons" else ())
        )
        await store.set_message(poll_id, ref.id, None)
        if kind == "reactions":
            for emoji in REACTION_EMOJI[: len(poll.options)]:
                await port.add_reaction(ref, emoji)
        return poll_id

    async def on_poll(ctx: Context) -> None:
        actor = ctx.event.actor
        assert actor is not None
        if actor.level < min_level:
            raise UserFacingError(
                "polls.not_allowed", level=ctx.t(f"level.{min_level.name.lower()}")
            )
        polls_from = services.config.roles.polls_from
        if polls_from != "newcomer" and actor.level < Level.MODERATOR:
            earned = await earned_level(services.db, ctx.event.community, actor.ref.id)
            if not at_least(earned, polls_from):
                raise UserFacingError("polls.not_earned", level=ctx.t(f"roles.level.{polls_from}"))
        try:
            request = parse_poll(str(ctx.args["poll"]))
        except PollSyntaxError as exc:
            raise UserFacingError(exc.key) from None
        await create(ctx, request, None, None)

    async def on_quiz(ctx: Context) -> None:
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
        await create(ctx, request, marked[0], explanation)

    async def on_button(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        poll_id, _, option = event.payload.partition("/")
        poll = await store.get(int(poll_id)) if poll_id.isdigit() else None
        if poll is None or not option.isdigit() or int(option) >= len(poll.options):
            raise UserFacingError("button.expired")
        await vote(ctx, poll, [int(option)], toggle=poll.multiple, tell=True)

    async def vote(
        ctx: Context, poll: Poll, options: list[int], *, toggle: bool, tell: bool
    ) -> None:
        actor = ctx.event.actor
        assert actor is not None
        names[actor.ref.id] = actor.display_name
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

    async def on_native_vote(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, PollVoted)
        poll = await store.by_native(event.community.platform.value, event.poll_id)
        if poll is not None:
            await vote(ctx, poll, list(event.options), toggle=False, tell=False)

    async def on_reaction(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, ReactionAdded | ReactionRemoved)
        if event.emoji not in REACTION_EMOJI or event.member.is_bot:
            return
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

    async def close(deadline: Deadline) -> None:
        poll = await store.get(int(deadline.payload["poll"]))
        if poll is None:
            return
        if poll.closed_at is None:
            if not await store.claim_close(poll.id, services.clock.now()):
                return
        elif poll.results_message is not None:
            return  # results already posted
        community = CommunityRef(Platform(poll.platform), poll.community)
        port = services.port_for(community)
        channel = ChannelRef(community, poll.channel, poll.thread)
        if poll.kind == "native" and poll.message and poll.native_id:
            with contextlib.suppress(NotSupported):
                await port.close_poll(SentPoll(MessageRef(channel, poll.message), poll.native_id))
        t, _ = services.locale_for(community)
        counts, voters = await store.counts(poll)
        results = _results_text(t, poll, counts, voters)
        reply_to = MessageRef(channel, poll.message) if poll.message else None
        sent = await port.send(channel, OutgoingMessage(results), reply_to=reply_to)
        await store.set_results_message(poll.id, sent.id)

    names: dict[str, str] = {}
    """Member id -> display name, from votes seen by this process (for leaderboards)."""

    async def on_quizrun(ctx: Context) -> None:
        name = str(ctx.args["name"]).lower()
        try:
            series = load_series(services.config.quizzes_dir)
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
        await start_series(channel, name, actor.ref.id)
        await services.scheduler.run_pending()

    async def next_question(deadline: Deadline) -> None:
        payload = dict(deadline.payload)
        community = CommunityRef(Platform(payload["platform"]), payload["community"])
        channel = ChannelRef(community, payload["channel"], payload.get("thread"))
        port = services.port_for(community)
        series = load_series(services.config.quizzes_dir).get(payload["series"])
        index = int(payload["index"])
        polls: list[int] = list(payload["polls"])
        base = deadline.key.rpartition("#")[0]
        if series is not None and index < len(series.questions):
            question = series.questions[index]
            request = PollRequest(
                question.question, tuple(question.options), timedelta(seconds=series.seconds)
            )
            polls.append(
                await publish(
                    port, channel, payload["by"], request, question.correct, question.explanation
                )
            )
            due = services.clock.now() + timedelta(seconds=series.seconds + 1)
            await services.scheduler.schedule(SERIES, f"{base}#{index + 1}", due, {
                **payload, "index": index + 1, "polls": polls})  # fmt: skip
            return
        scores: dict[str, int] = {}
        for poll_id in polls:
            poll = await store.get(poll_id)
            if poll is None or poll.correct is None:
                continue
            for member in await store.voters_of(poll, poll.correct):
                scores[member] = scores.get(member, 0) + 1
        t, _ = services.locale_for(community)
        title = series.title if series else payload["series"]
        lines: list[RichText | str] = [text(bold(t("polls.series_end", title=title)))]
        ranked_scores = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        for place, (member, score) in enumerate(ranked_scores[:10], start=1):
            lines.append(
                t(
                    "polls.series_line",
                    place=place,
                    name=names.get(member, member),
                    count=score,
                    total=len(polls),
                )
            )
        if not scores:
            lines.append(t("polls.series_nobody"))
        await port.send(channel, OutgoingMessage(join_lines(lines)))

    async def poll_channel(platform: Platform, native_id: str) -> ChannelRef | None:
        poll = await store.by_native(platform.value, native_id)
        if poll is None:
            return None
        return ChannelRef(CommunityRef(platform, poll.community), poll.channel, poll.thread)

    services.poll_channel = poll_channel

    async def start_series(channel: ChannelRef, name: str, by: str) -> None:
        now = services.clock.now()
        key = f"{channel.community}|{channel.id}|{now.isoformat()}#0"
        await services.scheduler.schedule(SERIES, key, now, {
            "series": name, "index": 0, "platform": channel.platform.value,
            "community": channel.community.id, "channel": channel.id, "thread": channel.thread,
            "polls": [], "by": by})  # fmt: skip

    def scheduled(entry: ScheduledQuiz) -> Callable[[datetime], Awaitable[None]]:
        async def run_scheduled(slot: datetime) -> None:
            channel = ChannelRef(CommunityRef.parse(entry.community), entry.channel)
            if load_series(services.config.quizzes_dir).get(entry.series) is None:
                log.warning(
                    "scheduled quiz %r: no such series in the quizzes folder", entry.series
                )
                return
            await start_series(channel, entry.series, "schedule")
            await services.scheduler.run_pending()

        return run_scheduled

    for index, entry in enumerate(settings.quizzes):
        _, tz = services.locale_for(CommunityRef.parse(entry.community))
        services.scheduler.add_recurring(
            f"quiz.weekly.{index}",
            weekly_trigger(entry.day, entry.at, tz),
            scheduled(entry),
            catch_up=timedelta(hours=1),
        )
    registry.command(QUIZRUN, on_quizrun)
    services.scheduler.on_deadline(SERIES, next_question)
    registry.command(POLL, on_poll)
    registry.command(QUIZ, on_quiz)
    registry.button(VOTE, on_button)
    registry.on(PollVoted, on_native_vote)
    registry.on(ReactionAdded, on_reaction)
    registry.on(ReactionRemoved, on_reaction)
    services.scheduler.on_deadline(CLOSE, close)


def _native_fits(port: PlatformPort, request: PollRequest, correct: int | None) -> bool:
    """Native polls where the platform has them and they fit (Telegram: quizzes too)."""
    capabilities = port.capabilities
    if Capability.NATIVE_POLLS not in capabilities or request.reactions:
        return False
    if correct is not None and Capability.NATIVE_QUIZZES not in capabilities:
        return False
    if port.platform is Platform.DISCORD and request.duration < timedelta(hours=1):
        return False  # Discord polls last at least an hour
    return request.duration >= NATIVE_MIN


def _buttons(poll: Poll) -> tuple[Button, ...]:
    return tuple(
        Button(option[:80], VOTE, f"{poll.id}/{index}", ButtonStyle.PRIMARY)
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
