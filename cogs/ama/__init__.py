"""AMA question collection: members ask, others upvote (one vote each, never their own),
near-duplicates are merged, the host gets a ranked list when collection closes, and answered
questions become FAQ drafts for a human to review."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context, Services
from bot.core.durations import parse_duration
from bot.core.errors import UserFacingError
from bot.core.events import ButtonPressed, CommandInvoked, ReactionAdded
from bot.core.feature import Feature, Recurring, button, command, deadline, on, recurring
from bot.core.ids import ChannelRef, MemberRef, MessageRef
from bot.core.messages import ButtonStyle, OutgoingMessage
from bot.core.permissions import Level
from bot.core.richtext import Mention, bold, text
from bot.scheduler import weekly_trigger
from cogs.ama.duplicates import Verdict, verdict
from cogs.ama.payloads import AmaClose, SameQuestion, Upvote
from cogs.ama.render import ranked, write_draft
from cogs.ama.settings import AmaSettings, WeeklyAma
from cogs.ama.store import AmaStore, Question, Session
from cogs.faq.api import likeness

log = logging.getLogger(__name__)

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


UPVOTE_EMOJI = frozenset({"👍", "👍🏻", "👍🏼", "👍🏽", "👍🏾", "👍🏿", "⬆️", "🔼"})
_LINK = re.compile(r"(?:https?://|t\.me/)[^\s<>]+")
"""An answer's link: a web address (a message link on every platform is one)."""


class Ama(Feature[AmaSettings]):
    """/ama and /ask: collection, upvotes, duplicates merged, a ranked list, FAQ drafts."""

    name = "ama"
    optional = ("faq",)  # its matchers tell duplicate questions apart

    def __init__(self, services: Services, settings: AmaSettings) -> None:
        super().__init__(services, settings)
        self.store = AmaStore(services.db)

    @staticmethod
    def require(ctx: Context, level: Level) -> None:
        actor = ctx.event.actor
        if actor is None or actor.level < level:
            raise UserFacingError(
                "command.not_allowed", name="ama", level=ctx.t(f"level.{level.name.lower()}")
            )

    async def current(self, ctx: Context) -> Session:
        session = await self.store.current(ctx.event.community)
        if session is None:
            raise UserFacingError("ama.none_open")
        return session

    @command(AMA)
    async def on_ama(self, ctx: Context) -> None:
        action = ctx.args.get("action")
        details = str(ctx.args.get("details") or "")
        if action == "open":
            self.require(ctx, Level.MODERATOR)
            await self.open_session(ctx, details)
        elif action == "close":
            self.require(ctx, Level.MODERATOR)
            session = await self.current(ctx)
            await self.schedule(AmaClose(session=session.id), str(session.id), ctx.clock.now(),
                                community=ctx.event.community)  # fmt: skip
            await self.scheduler.run_pending()
        elif action == "top":
            shown = await self.store.current(ctx.event.community) or await self.store.latest(
                ctx.event.community
            )
            if shown is None:
                raise UserFacingError("ama.none_open")
            items = await self.store.questions(shown.id)
            await ctx.reply(ranked(ctx.t, shown, items, limit=10, collecting=not shown.closed_at))
        elif action == "answer":
            await self.answer(ctx, details)
        elif action == "remove":
            self.require(ctx, Level.MODERATOR)
            await self.remove(ctx, details)
        else:
            session = await self.current(ctx)
            when = ctx.t.datetime(session.collect_until, ctx.tz)
            await ctx.reply(
                ctx.t("ama.status", topic=session.topic, host=session.host_name, when=when)
            )

    async def open_session(self, ctx: Context, details: str) -> None:
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
        unseen_host = None
        if words and words[0].startswith("@") and len(words[0]) > 1:
            found = await ctx.port.resolve_member(ctx.event.community, words[0])
            # A host the bot has not seen yet (no message here) is named all the same;
            # until then, moderators mark the answers.
            host_ref = found or MemberRef(ctx.event.community.platform, "")
            host_name = words[0].removeprefix("@")
            unseen_host = None if found else words[0]
            words = words[1:]
        topic = " ".join(words).strip()
        if not topic:
            raise UserFacingError("ama.open_syntax")
        channel = ctx.event.channel_ref
        assert channel is not None
        closed = await self.open_ama(channel, topic, host_ref.id, host_name, collect, actor.ref.id)
        if closed is not None:
            await ctx.reply(ctx.t("ama.previous_closed", topic=closed), ephemeral=True)
        when = ctx.t.datetime(ctx.clock.now() + collect, ctx.tz)
        await ctx.reply(ctx.t("ama.opened", topic=topic, host=host_name, when=when))
        if unseen_host is not None:
            await ctx.reply(ctx.t("ama.host_unseen", host=unseen_host), ephemeral=True)

    async def open_ama(
        self,
        channel: ChannelRef,
        topic: str,
        host: str,
        host_name: str,
        collect: timedelta,
        opened_by: str,
    ) -> str | None:
        """Open an AMA (closing one still collecting); returns the closed one's topic."""
        community = channel.community
        previous = await self.store.current(community)
        if previous is not None:
            # One AMA collects at a time: the previous one closes now, with its ranked list.
            await self.schedule(AmaClose(session=previous.id), str(previous.id), self.clock.now(),
                                community=community)  # fmt: skip
            await self.scheduler.run_pending()
        now = self.clock.now()
        session_id = await self.store.open(
            platform=community.platform.value, community=community.id, channel=channel.id,
            topic=topic, host=host, host_name=host_name, opened_by=opened_by, opened_at=now,
            collect_until=now + collect)  # fmt: skip
        await self.schedule(AmaClose(session=session_id), str(session_id), now + collect,
                            community=community)  # fmt: skip
        return previous.topic if previous is not None else None

    @command(ASK)
    async def on_ask(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        session = await self.current(ctx)
        question = str(ctx.args["question"]).strip()
        if len(question) < 5:
            raise UserFacingError("ama.too_short")
        existing = await self.store.questions(session.id)
        mine = [q for q in existing if q.author == event.author.ref.id]
        if len(mine) >= self.settings.max_questions and event.author.level < Level.MODERATOR:
            raise UserFacingError("ama.too_many", count=self.settings.max_questions)
        twin, judged = await self.closest(question, existing)
        author = event.author
        if twin is not None and twin.author == author.ref.id and judged is Verdict.SAME:
            # Never merged into one's own question (that would count an upvote for it).
            await ctx.reply(
                ctx.t("ama.already_asked", number=twin.number, question=twin.text),
                ephemeral=True,
            )
            return
        if twin is not None and twin.author != author.ref.id and judged is Verdict.SAME:
            counted = await self.store.upvote(twin.id, author.ref.id, ctx.clock.now())
            key = "ama.merged" if counted else "ama.merged_voted"
            await ctx.reply(ctx.t(key, number=twin.number, question=twin.text), ephemeral=True)
            return
        if twin is not None and twin.author != author.ref.id and judged is Verdict.SIMILAR:
            held = await self.store.hold(
                session, author.ref.id, author.display_name, question, twin.id, ctx.clock.now()
            )
            await ctx.reply(
                ctx.t("ama.similar", number=twin.number, question=twin.text),
                buttons=[
                    SameQuestion(pending=held, same="y").button(
                        ctx.t("ama.same_yes", number=twin.number), ButtonStyle.PRIMARY
                    ),
                    SameQuestion(pending=held, same="n").button(ctx.t("ama.same_no")),
                ],
                ephemeral=True,
            )
            return
        await self.post_question(ctx, session, author.ref.id, author.display_name, question)

    async def closest(
        self, question: str, existing: list[Question]
    ) -> tuple[Question | None, Verdict]:
        """The earlier question most like this one, and how alike (the FAQ's matchers)."""
        if not existing:
            return None, Verdict.NEW
        scores = await asyncio.to_thread(likeness, question, [q.text for q in existing])
        best = max(range(len(existing)), key=lambda n: (scores[n].meaning or 0, scores[n].words))
        return existing[best], verdict(scores[best], self.settings.duplicate_similarity)

    async def post_question(
        self, ctx: Context, session: Session, author: str, author_name: str, question: str
    ) -> None:
        created = await self.store.add_question(
            session, author, author_name, question, ctx.clock.now()
        )
        body = text(
            bold(ctx.t("ama.question_head", number=created.number, author=created.author_name)),
            "\n",
            question,
        )
        channel = ChannelRef(ctx.event.community, session.channel)
        ref = await ctx.port.send(
            channel,
            OutgoingMessage(
                body,
                (
                    Upvote(question=created.id).button(
                        ctx.t("ama.upvote", number=created.number), ButtonStyle.PRIMARY
                    ),
                ),
            ),
        )
        await self.store.set_message(created.id, ref.id)

    @button(SameQuestion)
    async def on_same(self, ctx: Context, data: SameQuestion) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        session = await self.store.current(event.community)
        presser = event.member.ref.id
        held = await self.store.release(data.pending, presser) if session is not None else None
        if held is None or session is None or held.session_id != session.id:
            raise UserFacingError("button.expired")
        if held.author != presser:
            raise UserFacingError("ama.not_your_question")  # still held for its author
        twin = await self.store.question_by_id(held.twin_id)
        if data.same == "y" and twin is not None and twin.removed_at is None:
            counted = await self.store.upvote(twin.id, held.author, ctx.clock.now())
            key = "ama.merged" if counted else "ama.merged_voted"
            await ctx.reply(ctx.t(key, number=twin.number, question=twin.text), ephemeral=True)
            return
        await self.post_question(ctx, session, held.author, held.author_name, held.text)

    @on(ReactionAdded)
    async def on_reaction(self, ctx: Context) -> None:
        """👍 on a question's message is an upvote, like the button (never one's own)."""
        event = ctx.event
        assert isinstance(event, ReactionAdded)
        if event.emoji not in UPVOTE_EMOJI or event.member.is_bot:
            return
        session = await self.store.current(event.community)
        if session is None or event.channel.id != session.channel:
            return
        question_id = await self.store.question_for_message(session.id, event.message.id)
        question = await self.store.question_by_id(question_id) if question_id else None
        if question is None or question.removed_at is not None:
            return
        if question.author != event.member.ref.id:
            await self.store.upvote(question.id, event.member.ref.id, ctx.clock.now())

    @button(Upvote)
    async def on_upvote(self, ctx: Context, data: Upvote) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        question = await self.store.question_by_id(data.question)
        if question is None or question.removed_at is not None:
            raise UserFacingError("button.expired")
        session = await self.store.get(question.session_id)
        if session is None or session.closed_at is not None:
            await ctx.reply(ctx.t("ama.closed"), ephemeral=True)
            return
        if question.author == event.member.ref.id:
            await ctx.reply(ctx.t("ama.no_self_vote"), ephemeral=True)
            return
        if not await self.store.upvote(question.id, event.member.ref.id, ctx.clock.now()):
            await ctx.reply(ctx.t("ama.already_voted"), ephemeral=True)
            return
        await ctx.reply(
            ctx.t("ama.upvoted", number=question.number, count=question.votes + 1), ephemeral=True
        )

    async def answer(self, ctx: Context, details: str) -> None:
        number, _, link = details.strip().partition(" ")
        link = link.strip()
        session = await self.store.latest(ctx.event.community)
        actor = ctx.event.actor
        if session is None:
            raise UserFacingError("ama.none_open")
        if actor is None or (actor.ref.id != session.host and actor.level < Level.MODERATOR):
            raise UserFacingError("ama.host_only")
        if not number.isdigit() or not link:
            raise UserFacingError("ama.answer_syntax")
        question = await self.store.question(session.id, int(number))
        if question is None or question.removed_at is not None:
            raise UserFacingError("ama.no_question", number=number)
        if not _LINK.fullmatch(link):
            raise UserFacingError("ama.answer_needs_link", link=link[:100])
        await self.store.answer(question.id, link, ctx.clock.now())
        folder = self.config.resolve(self.settings.drafts)
        draft = write_draft(folder, session, question, link, ctx.t.locale)
        await ctx.reply(
            ctx.t(
                "ama.answered",
                number=question.number,
                link=link,
                draft=draft.name if draft else "-",
            )
        )
        await self.tell_asker(ctx, session, question, link)

    async def tell_asker(
        self, ctx: Context, session: Session, question: Question, link: str
    ) -> None:
        """The asker hears that their question was answered, under the question itself."""
        if not question.author:
            return  # erased
        channel = ChannelRef(ctx.event.community, session.channel)
        posted = await self.store.question_message(question.id)
        asker = MemberRef(ctx.event.community.platform, question.author)
        told = ctx.t("ama.your_question_answered", number=question.number, link=link)
        body = text(Mention(asker, question.author_name), " ", told)
        await ctx.port.send(
            channel,
            OutgoingMessage(body),
            reply_to=MessageRef(channel, posted) if posted else None,
        )

    async def remove(self, ctx: Context, details: str) -> None:
        number, _, reason = details.strip().partition(" ")
        session = await self.current(ctx)
        question = await self.store.question(session.id, int(number)) if number.isdigit() else None
        if question is None:
            raise UserFacingError("ama.no_question", number=number or "?")
        reason = reason.strip() or ctx.t("moderation.no_reason")
        await self.store.remove(question.id, reason, ctx.clock.now())
        await ctx.reply(ctx.t("ama.removed", number=question.number, reason=reason))

    @deadline(AmaClose)
    async def close(self, data: AmaClose) -> None:
        session = await self.store.get(data.session)
        if session is None or not await self.store.close(session.id, self.clock.now()):
            return
        community = session.community_ref
        port = self.port_for(community)
        t, _ = self.locale_for(community)
        listing = ranked(t, session, await self.store.questions(session.id))
        try:
            await port.send(ChannelRef(community, session.channel), OutgoingMessage(listing))
        except Exception:
            await self.store.reopen(session.id)  # the platform refused: the retry posts it
            raise
        log.info("AMA %s closed; ranked list sent for %s", session.id, session.host_name)

    def weekly_amas(self) -> Iterable[Recurring]:
        for index, entry in enumerate(self.settings.weekly):
            _, tz = self.locale_for(entry.community)
            trigger = weekly_trigger(entry.day, entry.opens_at, tz)
            yield Recurring(f"ama.weekly.{index}", trigger, entry)

    @recurring("weekly_amas", catch_up=timedelta(hours=1))
    async def open_weekly(self, slot: datetime, entry: WeeklyAma) -> None:
        channel = ChannelRef(entry.community, entry.channel)
        port = self.services.ports.get(channel.platform)
        if port is None:
            log.warning("weekly AMA for %s: platform not connected", entry.community)
            return
        collect = timedelta(hours=entry.collect_hours)
        host_name = entry.host_name or entry.host
        await self.open_ama(channel, entry.topic, entry.host, host_name, collect, "schedule")
        t, tz = self.locale_for(channel.community)
        when = t.datetime(self.clock.now() + collect, tz)
        await port.send(channel, OutgoingMessage(text(t(
            "ama.opened", topic=entry.topic, host=host_name, when=when))))  # fmt: skip

    async def forget_member(self, member: MemberRef) -> int:
        return await self.store.forget(member.platform.value, member.id, self.clock.now())
