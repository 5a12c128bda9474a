"""AMA question collection: members ask, others upvote (one vote each, never their own),
near-duplicates are merged, the host gets a ranked list when collection closes, and answered
questions become FAQ drafts for a human to review."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

from bot.config import WeeklyAma
from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context, Services
from bot.core.durations import parse_duration
from bot.core.errors import UserFacingError
from bot.core.events import ButtonPressed, CommandInvoked
from bot.core.ids import ChannelRef, CommunityRef, Platform
from bot.core.messages import Button, ButtonStyle, OutgoingMessage
from bot.core.permissions import Level
from bot.core.registry import Registry
from bot.core.richtext import RichText, bold, join_lines, text
from bot.i18n import Translator
from bot.scheduler import Deadline, weekly_trigger
from cogs.ama.store import AmaStore, Question, Session

log = logging.getLogger(__name__)

CLOSE = "ama.close"
UPVOTE = "ama.up"
_WORD = re.compile(r"\w+")

AMA = CommandSpec(
    "ama",
    "ama.cmd.ama",
    (
        Param("action", ParamKind.CHOICE, "ama.param.action", required=False,
              choices=("open", "close", "top", "answer", "remove")),
        Param("details", ParamKind.TEXT, "ama.param.details", required=False),
    ),
)  # fmt: skip
ASK = CommandSpec("ask", "ama.cmd.ask", (Param("question", ParamKind.TEXT, "ama.param.question"),))


def similarity(a: str, b: str) -> float:
    """Word overlap (Jaccard) of two questions, ignoring case and one- or two-letter words."""
    first = {w for w in _WORD.findall(a.casefold()) if len(w) > 2}
    second = {w for w in _WORD.findall(b.casefold()) if len(w) > 2}
    if not first or not second:
        return 1.0 if a.casefold().strip() == b.casefold().strip() else 0.0
    return len(first & second) / len(first | second)


def setup(registry: Registry, services: Services) -> None:
    store = AmaStore(services.db)
    settings = services.config.ama

    def require(ctx: Context, level: Level) -> None:
        actor = ctx.event.actor
        if actor is None or actor.level < level:
            raise UserFacingError(
                "command.not_allowed", name="ama", level=ctx.t(f"level.{level.name.lower()}")
            )

    async def current(ctx: Context) -> Session:
        session = await store.current(ctx.event.community)
        if session is None:
            raise UserFacingError("ama.none_open")
        return session

    async def on_ama(ctx: Context) -> None:
        action = ctx.args.get("action")
        details = str(ctx.args.get("details") or "")
        if action == "open":
            require(ctx, Level.MODERATOR)
            await open_session(ctx, details)
        elif action == "close":
            require(ctx, Level.MODERATOR)
            session = await current(ctx)
            await services.scheduler.schedule(
                CLOSE, str(session.id), ctx.clock.now(), {"session": session.id}
            )
            await services.scheduler.run_pending()
        elif action == "top":
            shown = await store.current(ctx.event.community) or await store.latest(
                ctx.event.community
            )
            if shown is None:
                raise UserFacingError("ama.none_open")
            await ctx.reply(ranked(ctx.t, shown, await store.questions(shown.id), limit=10))
        elif action == "answer":
            await answer(ctx, details)
        elif action == "remove":
            require(ctx, Level.MODERATOR)
            await remove(ctx, details)
        else:
            session = await current(ctx)
            when = ctx.t.datetime(session.collect_until, ctx.tz)
            await ctx.reply(
                ctx.t("ama.status", topic=session.topic, host=session.host_name, when=when)
            )

    async def open_session(ctx: Context, details: str) -> None:
        words = details.split()
        try:
            collect = parse_duration(words[0]) if words else None
        except ValueError:
            collect = None
        if collect is None or collect < timedelta(minutes=1):
            raise UserFacingError("ama.open_syntax")
        words = words[1:]
        actor = ctx.event.actor
        assert actor is not None
        host_ref, host_name = actor.ref, actor.display_name
        if words and words[0].startswith("@"):
            found = await ctx.port.resolve_member(ctx.event.community, words[0])
            if found is None:
                raise UserFacingError("ama.unknown_host", host=words[0])
            host_ref, host_name = found, words[0].removeprefix("@")
            words = words[1:]
        topic = " ".join(words).strip()
        if not topic:
            raise UserFacingError("ama.open_syntax")
        channel = ctx.event.channel_ref
        assert channel is not None
        closed = await open_ama(channel, topic, host_ref.id, host_name, collect, actor.ref.id)
        if closed is not None:
            await ctx.reply(ctx.t("ama.previous_closed", topic=closed), ephemeral=True)
        when = ctx.t.datetime(ctx.clock.now() + collect, ctx.tz)
        await ctx.reply(ctx.t("ama.opened", topic=topic, host=host_name, when=when))

    async def open_ama(
        channel: ChannelRef,
        topic: str,
        host: str,
        host_name: str,
        collect: timedelta,
        opened_by: str,
    ) -> str | None:
        """Open an AMA (closing one still collecting); returns the closed one's topic."""
        community = channel.community
        previous = await store.current(community)
        if previous is not None:
            # One AMA collects at a time: the previous one closes now, with its ranked list.
            await services.scheduler.schedule(
                CLOSE, str(previous.id), services.clock.now(), {"session": previous.id}
            )
            await services.scheduler.run_pending()
        now = services.clock.now()
        session_id = await store.open(
            platform=community.platform.value, community=community.id, channel=channel.id,
            topic=topic, host=host, host_name=host_name, opened_by=opened_by, opened_at=now,
            collect_until=now + collect)  # fmt: skip
        await services.scheduler.schedule(
            CLOSE, str(session_id), now + collect, {"session": session_id}
        )
        return previous.topic if previous is not None else None

    def weekly(entry: WeeklyAma) -> Callable[[datetime], Awaitable[None]]:
        async def open_weekly(slot: datetime) -> None:
            channel = ChannelRef(CommunityRef.parse(entry.community), entry.channel)
            port = services.ports.get(channel.platform)
            if port is None:
                log.warning("weekly AMA for %s: platform not connected", entry.community)
                return
            collect = timedelta(hours=entry.collect_hours)
            await open_ama(
                channel,
                entry.topic,
                entry.host,
                entry.host_name or entry.host,
                collect,
                "schedule",
            )
            t, tz = services.locale_for(channel.community)
            when = t.datetime(services.clock.now() + collect, tz)
            await port.send(channel, OutgoingMessage(text(t(
                "ama.opened", topic=entry.topic, host=entry.host_name or entry.host,
                when=when))))  # fmt: skip

        return open_weekly

    for index, entry in enumerate(settings.weekly):
        _, tz = services.locale_for(CommunityRef.parse(entry.community))
        services.scheduler.add_recurring(
            f"ama.weekly.{index}",
            weekly_trigger(entry.day, entry.opens_at, tz),
            weekly(entry),
            catch_up=timedelta(hours=1),
        )

    async def on_ask(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        session = await current(ctx)
        question = str(ctx.args["question"]).strip()
        if len(question) < 5:
            raise UserFacingError("ama.too_short")
        existing = await store.questions(session.id)
        mine = [q for q in existing if q.author == event.author.ref.id]
        if len(mine) >= settings.max_questions and event.author.level < Level.MODERATOR:
            raise UserFacingError("ama.too_many", count=settings.max_questions)
        twin = max(existing, key=lambda q: similarity(q.text, question), default=None)
        if twin is not None and similarity(twin.text, question) >= settings.duplicate_similarity:
            if twin.author != event.author.ref.id:
                await store.upvote(twin.id, event.author.ref.id, ctx.clock.now())
            await ctx.reply(
                ctx.t("ama.merged", number=twin.number, question=twin.text), ephemeral=True
            )
            return
        created = await store.add_question(
            session, event.author.ref.id, event.author.display_name, question, ctx.clock.now()
        )
        body = text(
            bold(ctx.t("ama.question_head", number=created.number, author=created.author_name)),
            "\n",
            question,
        )
        channel = ChannelRef(event.community, session.channel)
        ref = await ctx.port.send(
            channel,
            OutgoingMessage(
                body,
                (
                    Button(
                        ctx.t("ama.upvote", number=created.number),
                        UPVOTE,
                        str(created.id),
                        ButtonStyle.PRIMARY,
                    ),
                ),
            ),
        )
        await store.set_message(created.id, ref.id)

    async def on_upvote(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        question = (
            await store.question_by_id(int(event.payload)) if event.payload.isdigit() else None
        )
        if question is None or question.removed_at is not None:
            raise UserFacingError("button.expired")
        session = await store.get(question.session_id)
        if session is None or session.closed_at is not None:
            await ctx.reply(ctx.t("ama.closed"), ephemeral=True)
            return
        if question.author == event.member.ref.id:
            await ctx.reply(ctx.t("ama.no_self_vote"), ephemeral=True)
            return
        if not await store.upvote(question.id, event.member.ref.id, ctx.clock.now()):
            await ctx.reply(ctx.t("ama.already_voted"), ephemeral=True)
            return
        await ctx.reply(
            ctx.t("ama.upvoted", number=question.number, count=question.votes + 1), ephemeral=True
        )

    async def answer(ctx: Context, details: str) -> None:
        number, _, link = details.strip().partition(" ")
        link = link.strip()
        session = await store.latest(ctx.event.community)
        actor = ctx.event.actor
        if session is None:
            raise UserFacingError("ama.none_open")
        if actor is None or (actor.ref.id != session.host and actor.level < Level.MODERATOR):
            raise UserFacingError("ama.host_only")
        question = await store.question(session.id, int(number)) if number.isdigit() else None
        if question is None or not link:
            raise UserFacingError("ama.answer_syntax")
        await store.answer(question.id, link, ctx.clock.now())
        draft = write_draft(session, question, link, ctx.t.locale)
        await ctx.reply(
            ctx.t(
                "ama.answered",
                number=question.number,
                link=link,
                draft=draft.name if draft else "-",
            )
        )

    async def remove(ctx: Context, details: str) -> None:
        number, _, reason = details.strip().partition(" ")
        session = await current(ctx)
        question = await store.question(session.id, int(number)) if number.isdigit() else None
        if question is None:
            raise UserFacingError("ama.no_question", number=number or "?")
        reason = reason.strip() or ctx.t("moderation.no_reason")
        await store.remove(question.id, reason, ctx.clock.now())
        await ctx.reply(ctx.t("ama.removed", number=question.number, reason=reason))

    def write_draft(session: Session, question: Question, link: str, locale: str) -> Path | None:
        folder = services.config.resolve(settings.drafts)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"ama-{session.id}-{question.number}.md"
            body = (
                "+++\n"
                f'id = "ama-{session.id}-{question.number}"\n'
                f"questions = [{_toml_string(question.text)}]\n"
                f'lang = "{locale}"\n'
                'tags = ["ama", "draft"]\n'
                f"links = [{_toml_string(link)}]\n"
                "+++\n"
                f"<!-- Draft from the AMA {_toml_string(session.topic)} with "
                f"{session.host_name}; review, write the answer, and move it into faq/. -->\n"
                f"Answered at the AMA: {link}\n"
            )
            temporary = path.with_suffix(".tmp")
            temporary.write_text(body, encoding="utf-8")
            temporary.replace(path)
        except OSError:
            log.exception("could not write the FAQ draft for AMA question %s", question.id)
            return None
        return path

    async def close(deadline: Deadline) -> None:
        session = await store.get(int(deadline.payload["session"]))
        if session is None or not await store.close(session.id, services.clock.now()):
            return
        community = CommunityRef(Platform(session.platform), session.community)
        port = services.port_for(community)
        t, _ = services.locale_for(community)
        listing = ranked(t, session, await store.questions(session.id))
        await port.send(ChannelRef(community, session.channel), OutgoingMessage(listing))
        log.info("AMA %s closed; ranked list sent for %s", session.id, session.host_name)

    registry.command(AMA, on_ama)
    registry.command(ASK, on_ask)
    registry.button(UPVOTE, on_upvote)
    services.scheduler.on_deadline(CLOSE, close)


def ranked(t: Translator, session: Session, items: list[Question], limit: int = 50) -> RichText:
    """The questions, most upvoted first, as the host will read them."""
    head = t("ama.ranked_head", topic=session.topic, host=session.host_name)
    lines: list[RichText | str] = [text(bold(head))]
    if not items:
        lines.append(t("ama.no_questions"))
    for place, item in enumerate(items[:limit], start=1):
        done = " ✅" if item.answered_at else ""
        lines.append(
            t(
                "ama.ranked_line",
                place=place,
                votes=item.votes,
                number=item.number,
                question=item.text,
                author=item.author_name,
            )
            + done
        )
    lines.append(t("ama.next_step"))
    return join_lines(lines)


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'
