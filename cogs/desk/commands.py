"""/ticket for members; /desk, /queue and /snippet for staff; the buttons; and the messages that
open, continue or answer a case."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.events import Actor, CommandInvoked, MessagePosted
from bot.core.feature import button, command, on
from bot.core.ids import ChannelRef, CommunityRef
from bot.core.messages import Button
from bot.core.permissions import Level
from bot.i18n import Translator
from bot.storage import schema
from bot.storage.directory import known_name
from cogs.desk.cases import place
from cogs.desk.payloads import Claim, EscalationDue, OpenTicket, Rate, Reopen
from cogs.desk.relay import DeskRelay
from cogs.desk.render import explain, queue_line, transcript
from cogs.desk.store import OPEN_STATUSES, Case, cases
from cogs.faq.api import answers as faq_answers
from cogs.faq.api import looks_like_question

ACTIONS = ("open", "claim", "assign", "note", "wait", "close", "reopen", "tag", "escalate",
           "sla", "transcript", "merge")  # fmt: skip
TICKET = CommandSpec(
    "ticket", "desk.cmd.ticket",
    (Param("subject", ParamKind.TEXT, "desk.param.subject", required=False),),
)  # fmt: skip
CASE = CommandSpec(
    "desk", "desk.cmd.case",
    (
        Param("action", ParamKind.CHOICE, "desk.param.action", choices=ACTIONS),
        Param("number", ParamKind.INTEGER, "desk.param.number", required=False, min_value=1),
        Param("details", ParamKind.TEXT, "desk.param.details", required=False),
    ),
    level=Level.HELPER,
)  # fmt: skip
QUEUE = CommandSpec("queue", "desk.cmd.queue", level=Level.HELPER)
_TAG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
MAX_TAGS = 10


class DeskCommands(DeskRelay):
    """The chat surface of the desk."""

    # -- members -------------------------------------------------------------------------

    @command(TICKET)
    async def ticket(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        await self.open_ticket(
            ctx, event.author, event.channel, str(ctx.args.get("subject") or "")
        )

    def ticket_button(self, t: Translator, answer: int | None = None) -> Button:
        """ "Open a ticket" (the FAQ puts it under answers that did not help)."""
        return OpenTicket(answer=answer).button(t("desk.open_ticket"))

    @button(OpenTicket)
    async def open_button(self, ctx: Context, data: OpenTicket) -> None:
        actor, channel = ctx.event.actor, ctx.event.channel_ref
        assert actor is not None and channel is not None
        subject = ""
        if data.answer is not None:
            subject = await self.asked(ctx.event.community, data.answer, actor.ref.id)
        await self.open_ticket(ctx, actor, channel, subject)

    async def asked(self, community: CommunityRef, answer: int, member: str) -> str:
        """The question the member asked the FAQ (the answer row must be theirs, here)."""
        table = faq_answers
        query = select(table.c.question_text).where(
            table.c.id == answer, *schema.of_community(table, community), table.c.asker == member
        )
        async with self.db.read() as conn:
            found = await conn.scalar(query)
        return "" if found is None else " ".join(str(found).split())[:200]

    async def open_ticket(
        self, ctx: Context, actor: Actor, channel: ChannelRef, subject: str
    ) -> None:
        community, now = ctx.event.community, ctx.clock.now()
        subject = " ".join(subject.split())
        mine = await self.store.open_case_of(community, actor.ref.id)
        if mine is not None and mine.subject.casefold() == subject[:200].casefold():
            raise UserFacingError("desk.already_open", case=mine.id)
        recent = await self.store.opened_since(community, actor.ref.id, now - timedelta(hours=1))
        if recent >= self.settings.tickets_per_hour:
            raise UserFacingError("desk.too_many", count=self.settings.tickets_per_hour)
        message = ctx.event.message_ref
        case = await self.open_case(
            community, requester=actor, subject=subject, origin="ticket", channel=channel,
            at=now, words=subject or ctx.t("desk.no_subject"), message=message,
        )  # fmt: skip
        case = await self.reload(case.id)
        where = ""
        if case.room_channel is not None:
            where = " " + ctx.t("desk.opened_dm" if case.room_relay else "desk.opened_room")
        await ctx.reply(self.opened_text(ctx, case) + where)

    def opened_text(self, ctx: Context, case: Case) -> str:
        policy = self.policy_of(case)
        target = None if policy is None else policy.first_response
        if target is None:
            return ctx.t("desk.opened_plain", case=case.id)
        hours = self.hours_of(ctx.event.community)
        within = ctx.t.duration(target.within)
        if target.clock == "calendar" or hours.is_open(case.opened_at):
            key = "desk.opened" if target.clock == "calendar" else "desk.opened_business"
            return ctx.t(key, case=case.id, within=within)
        opens = hours.add(case.opened_at, timedelta(seconds=1)) - timedelta(seconds=1)
        return ctx.t(
            "desk.opened_off_hours", case=case.id, within=within,
            opens=ctx.t.datetime(opens, ctx.tz),
        )  # fmt: skip

    @button(Rate)
    async def rate(self, ctx: Context, data: Rate) -> None:
        case = await self.members_case(ctx, data.case)
        actor = ctx.event.actor
        assert actor is not None
        if actor.ref.id != case.requester:
            raise UserFacingError("desk.not_yours")
        rated = await self.store.update(
            case.id, cases.c.satisfaction.is_(None), satisfaction=data.score
        )
        if not rated:
            raise UserFacingError("desk.rated_already")
        await self.store.log(case.id, ctx.clock.now(), "rated", actor.ref.id, str(data.score))
        await ctx.reply(ctx.t("desk.thanks_rating", score=data.score), ephemeral=True)

    @button(Reopen)
    async def reopen_button(self, ctx: Context, data: Reopen) -> None:
        case = await self.members_case(ctx, data.case)
        actor = ctx.event.actor
        assert actor is not None
        if actor.ref.id != case.requester and actor.level < Level.HELPER:
            raise UserFacingError("desk.not_yours")
        now = ctx.clock.now()
        window = self.settings.reopen_within
        if case.closed_at is None or not window or now - case.closed_at > window:
            raise UserFacingError("desk.reopen_late", case=case.id)
        if not await self.reopen(case, now, actor.ref.id):
            raise UserFacingError("desk.reopen_late", case=case.id)
        await ctx.reply(ctx.t("desk.reopened", case=case.id))

    # -- staff ---------------------------------------------------------------------------

    @button(Claim)
    async def claim_button(self, ctx: Context, data: Claim) -> None:
        case = await self.case_here(ctx, data.case)
        actor = ctx.event.actor
        assert actor is not None
        if not case.is_open:
            raise UserFacingError("desk.not_open", case=case.id)
        await self.claim(case, ctx.clock.now(), actor)
        await ctx.reply(ctx.t("desk.claimed", case=case.id, name=actor.display_name))

    @command(QUEUE)
    async def queue(self, ctx: Context) -> None:
        actor = ctx.event.actor
        assert actor is not None
        now = ctx.clock.now()
        open_cases = await self.store.open_cases(ctx.event.community)
        if not open_cases:
            await ctx.reply(ctx.t("desk.queue_empty"), ephemeral=True)
            return
        mine = [c for c in open_cases if c.assignee == actor.ref.id]
        free = [c for c in open_cases if c.assignee is None]
        others = [c for c in open_cases if c.assignee not in (None, actor.ref.id)]
        lines = [ctx.t("desk.queue_head", count=len(open_cases))]
        for key, group in (("desk.queue_mine", mine), ("desk.queue_free", free),
                           ("desk.queue_others", others)):  # fmt: skip
            if group:
                lines.append(ctx.t(key))
                lines.extend(queue_line(ctx.t, case, now) for case in group[:15])
        await ctx.reply("\n".join(lines), ephemeral=True)

    @command(CASE)
    async def case_command(self, ctx: Context) -> None:
        action = str(ctx.args["action"])
        details = " ".join(str(ctx.args.get("details") or "").split())
        actor = ctx.event.actor
        assert actor is not None
        now = ctx.clock.now()
        if action == "open":
            await self.case_from_message(ctx, details)
            return
        case = await self.case_for(ctx, ctx.args.get("number"))
        t = ctx.t
        if action == "claim":
            await self.claim(case, now, actor)
            await ctx.reply(t("desk.claimed", case=case.id, name=actor.display_name))
        elif action == "assign":
            member = (
                await ctx.port.resolve_member(ctx.event.community, details.split()[0])
                if details
                else None
            )
            if member is None:
                raise UserFacingError("desk.assign_who")
            name = await known_name(self.db, ctx.event.community, member.id) or details.split()[0]
            await self.claim(case, now, Actor(member, name))
            await ctx.reply(t("desk.claimed", case=case.id, name=name))
        elif action == "note":
            if not details:
                raise UserFacingError("desk.note_empty")
            await self.note(case, now, actor, details)
            await ctx.reply(t("desk.noted", case=case.id), ephemeral=True)
        elif action == "wait":
            self.must_be_open(case)
            await self.set_waiting(case, now)
            await self.store.log(case.id, now, "waiting", actor.ref.id)
            await ctx.reply(t("desk.waiting", case=case.id))
        elif action == "close":
            if not await self.close(case, now, actor.ref.id, details):
                raise UserFacingError("desk.not_open", case=case.id)
            await ctx.reply(t("desk.closed_by", case=case.id), ephemeral=True)
        elif action == "reopen":
            if not await self.reopen(case, now, actor.ref.id):
                raise UserFacingError("desk.not_closed", case=case.id)
            await ctx.reply(t("desk.reopened", case=case.id))
        elif action == "tag":
            tags = frozenset(details.lower().replace(",", " ").split())
            bad = sorted(tag for tag in tags if not _TAG.match(tag))
            if bad or len(tags) > MAX_TAGS:
                raise UserFacingError("desk.bad_tags", tags=", ".join(bad) or details)
            await self.set_tags(case, now, actor.ref.id, tags)
            case = await self.reload(case.id)
            await ctx.reply(t("desk.tagged", case=case.id, tags=", ".join(sorted(tags)) or "—",
                              policy=case.policy or "—"))  # fmt: skip
        elif action == "escalate":
            self.must_be_open(case)
            await self.escalate_now(ctx, case)
        elif action == "sla":
            clocks = await self.store.clocks_of(case.id)
            hours = self.hours_of(ctx.event.community)
            await ctx.reply(explain(t, ctx.tz, case, clocks, hours, now), ephemeral=True)
        elif action == "merge":
            target = details.split()[0].lstrip("#") if details else ""
            channel = ctx.event.channel_ref
            here = None if channel is None else await self.find_room(channel)
            if not target and here is not None and here != case.id:
                # "/desk merge 12" in a case's room: this case into #12.
                case, target = await self.case_here(ctx, here), str(case.id)
            if not target.isdigit() or len(target) > 15:
                raise UserFacingError("desk.merge_into")
            into = await self.merge(
                case, await self.case_here(ctx, int(target)), now, actor.ref.id
            )
            await ctx.reply(t("desk.merged", case=case.id, into=into.id))
        elif action == "transcript":
            rows = await self.store.transcript(case.id)
            await ctx.reply(transcript(t, ctx.tz, case, rows, notes=True)[:3900], ephemeral=True)

    async def escalate_now(self, ctx: Context, case: Case) -> None:
        step = case.escalation_step + 1
        if step > len(self.settings.escalation):
            raise UserFacingError("desk.top_of_chain", case=case.id)
        await self.store.update(case.id, cases.c.status.in_(OPEN_STATUSES), status="waiting_staff")
        await self.escalation_due(EscalationDue(community=case.ref, case=case.id, step=step))
        await ctx.reply(ctx.t("desk.escalated_by", case=case.id,
                              to=self.settings.escalation[step - 1].team(ctx.t)))  # fmt: skip

    async def case_from_message(self, ctx: Context, subject: str) -> None:
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        if event.reply_to is None or event.reply_to_author is None:
            raise UserFacingError("desk.open_reply")
        member = event.reply_to_author
        name = await known_name(self.db, event.community, member.id) or member.id
        case = await self.open_case(
            event.community, requester=Actor(member, name), subject=subject, origin="staff",
            channel=event.channel, at=ctx.clock.now(),
            words=subject or ctx.t("desk.from_message"), message=event.reply_to,
        )  # fmt: skip
        await ctx.reply(ctx.t("desk.opened_for", case=case.id, member=name))

    # -- messages ------------------------------------------------------------------------

    @on(MessagePosted)
    async def on_message(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, MessagePosted)
        await self.copies.fresh()
        if event.author.is_bot or await self.room_message(event):
            return
        community, here = event.community, place(event.channel)
        help_here = event.channel.id in self.settings.help_channels.get(community, ())
        if not help_here and here not in self.active.get(community, ()):
            return
        now = event.occurred_at
        author = event.author
        case = None
        if event.reply_to is not None:
            found = await self.store.case_of_message(here, event.reply_to.id)
            case = None if found is None else await self.store.get(found)
        if case is not None and case.belongs_to(community) and case.merged_into is None:
            if author.ref.id == case.requester:
                await self.member_wrote(case, now, event.content, event.channel, event.message)
            else:
                await self.responded(
                    case, now, author, staff=author.level >= Level.HELPER,
                    words=event.content, channel=event.channel, message=event.message,
                )  # fmt: skip
            return
        # Asked only now, for a message that answers no case: the author's own open case here.
        mine = await self.store.open_case_of(community, author.ref.id, event.channel.id)
        if mine is not None and (
            mine.status == "waiting_member"
            or (
                mine.last_member_at and now - mine.last_member_at <= self.settings.same_case_within
            )
        ):
            await self.member_wrote(mine, now, event.content, event.channel, event.message)
            return
        if (
            help_here
            and self.settings.questions_open_cases
            and author.level < Level.HELPER
            and looks_like_question(event.content)
        ):
            await self.open_case(
                community, requester=author, subject=event.content[:200], origin="question",
                channel=event.channel, at=now, words=event.content, message=event.message,
                card_after=self.settings.question_grace,
            )  # fmt: skip

    @on(CommandInvoked)
    async def on_faq_quick(self, ctx: Context) -> None:
        """The FAQ's ``/quick ENTRY`` as a reply to a case's message answers the case."""
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        if event.name != "quick" or event.reply_to is None:
            return
        await self.copies.fresh()
        if place(event.channel) not in self.active.get(event.community, ()):
            return
        found = await self.store.case_of_message(place(event.channel), event.reply_to.id)
        case = None if found is None else await self.store.get(found)
        if case is None or not case.belongs_to(event.community) or not case.is_open:
            return
        await self.responded(
            case, event.occurred_at, event.author, staff=event.author.level >= Level.HELPER,
            words=event.text, channel=event.channel, message=None,
        )  # fmt: skip

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def must_be_open(case: Case) -> None:
        if not case.is_open:
            raise UserFacingError("desk.not_open", case=case.id)
