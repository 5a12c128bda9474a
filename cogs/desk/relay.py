"""Conversation in rooms: the member's private messages go to their case's room, staff
messages in a room go to the member (except notes), edits are noted, and a helper who leaves
hands their cases back to the queue."""

from __future__ import annotations

import re

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.events import Actor, DirectMessage, Event, MemberLeft, MessageEdited, MessagePosted
from bot.core.feature import command, on
from bot.core.permissions import Level
from cogs.desk.cases import MAX_TEXT, place
from cogs.desk.clocks import RESOLUTION, reaches
from cogs.desk.merging import CaseMerging
from cogs.desk.rooms import plain, room_key, with_attachments
from cogs.desk.store import Case

SNIPPET = CommandSpec(
    "snippet", "desk.cmd.snippet",
    (
        Param("id", ParamKind.WORD, "desk.param.snippet_id"),
        Param("number", ParamKind.INTEGER, "desk.param.number", required=False, min_value=1),
    ),
    level=Level.HELPER,
)  # fmt: skip


class DeskRelay(CaseMerging):
    """The room side of a case."""

    @on(DirectMessage)
    async def on_direct(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, DirectMessage)
        if event.author.is_bot or not self.settings.private_rooms:
            return
        case = await self.store.relayed_case_of(event.author.ref)
        now = event.occurred_at
        if case is None:
            await ctx.reply(ctx.t("desk.dm_no_case"))
            return
        t, _ = self.locale_for(case.ref)
        if not case.is_open and not event.edited:
            window = self.settings.reopen_within
            recent = case.closed_at is not None and window and now - case.closed_at <= window
            if case.status != "closed" or not recent:
                await ctx.reply(t("desk.dm_closed", case=case.id))
                return
            await self.reopen(case, now, case.requester)
            case = await self.reload(case.id)
            await self.say_in_room(case, plain(t("desk.reopened", case=case.id)))
        words = with_attachments(t, event.content, event.attachments)
        key = "desk.relay_member_edit" if event.edited else "desk.relay_member"
        await self.say_in_room(case, plain(t(key, member=case.requester_name, text=words)))
        if event.edited:
            await self.store.add_message(
                case.id, now, "member", t("desk.edited_mark") + words[:MAX_TEXT],
                author=case.requester_ref, author_name=case.requester_name,
            )  # fmt: skip
        else:
            await self.member_wrote(case, now, words, event.channel, event.message)

    async def room_message(self, event: MessagePosted) -> bool:
        """A message in a case's room, or a reply to a case's message in a staff chat shared
        by replies (True: it was one, nothing else should handle it)."""
        case_id = await self.find_room(event.channel)
        if case_id is None:
            case_id = await self.replied_case(event)
            if case_id is None:
                return False
        case = await self.store.get(case_id)
        if case is None or case.merged_into is not None or case.room is None:
            return True
        now, author = event.occurred_at, event.author
        t, _ = self.locale_for(case.ref)
        words = with_attachments(t, event.content, event.attachments)
        if author.ref.id == case.requester:
            await self.member_wrote(case, now, words, event.channel, event.message)
        elif case.room_relay and event.content.startswith(self.settings.note_prefix):
            await self.note(case, now, author, words)
        else:
            # Only staff are in a room besides the member: a private thread nobody else may
            # join, or a topic of the staff group.
            await self.responded(
                case, now, author, staff=True, words=words, channel=event.channel,
                message=event.message,
            )  # fmt: skip
            if case.room_relay:
                relayed = t("desk.relay_staff", name=author.display_name, text=words)
                await self.relay_to_member(case, relayed)
        return True

    async def replied_case(self, event: MessagePosted) -> int | None:
        channel = event.channel
        if event.reply_to is None or (channel.platform.value, channel.id) not in self.reply_rooms:
            return None
        case_id = await self.store.case_of_message(place(channel), event.reply_to.id)
        if case_id is None:
            case_id = await self.store.case_of_card(place(channel), event.reply_to.id)
        case = None if case_id is None else await self.store.get(case_id)
        if case is None or not case.room_by_reply or case.room_channel != channel.id:
            return None  # a reply to something else in the staff chat, or a forged mapping
        return case.id

    async def relay_to_member(self, case: Case, body: str) -> None:
        t, _ = self.locale_for(case.ref)
        port = self.port_for(case.ref)
        if await port.send_direct(case.ref, case.requester_ref, plain(body)) is None:
            await self.say_in_room(
                case, plain(t("desk.relay_failed", case=case.id, member=case.requester_name))
            )

    @on(MessageEdited)
    async def on_room_edit(self, ctx: Context) -> None:
        """Staff corrected a relayed message: the member gets the new text, marked edited."""
        event = ctx.event
        assert isinstance(event, MessageEdited)
        case_id = await self.find_room(event.channel)
        if case_id is None or event.author.is_bot:
            return
        case = await self.store.get(case_id)
        if case is None or not case.room_relay or event.author.ref.id == case.requester:
            return
        if event.content.startswith(self.settings.note_prefix):
            return
        t, _ = self.locale_for(case.ref)
        body = t("desk.relay_staff_edit", name=event.author.display_name, text=event.content)
        await self.relay_to_member(case, body)
        await self.store.add_message(
            case.id, event.occurred_at, "staff", t("desk.edited_mark") + event.content[:MAX_TEXT],
            author=event.author.ref, author_name=event.author.display_name,
        )  # fmt: skip

    @on(MemberLeft)
    async def on_member_left(self, ctx: Context) -> None:
        """A helper who leaves gives their open cases back to the queue, with a word to staff."""
        event = ctx.event
        assert isinstance(event, MemberLeft)
        member = event.member.ref.id
        for case in await self.store.open_cases(event.community):
            if case.assignee != member:
                continue
            await self.store.update(case.id, assignee=None, assignee_name=None)
            await self.store.log(case.id, event.occurred_at, "unassigned", member, "left")
            case = await self.reload(case.id)
            await self.refresh_card(case)
            await self.port_for(case.ref).send(
                self.staff_channel(case),
                plain(ctx.t("desk.helper_left", case=case.id, name=event.member.display_name)),
            )

    @command(SNIPPET)
    async def snippet(self, ctx: Context) -> None:
        key = str(ctx.args["id"]).lower()
        body = self.settings.snippets.get(key)
        if body is None:
            known = ", ".join(sorted(self.settings.snippets)) or "—"
            raise UserFacingError("desk.no_snippet", id=key, known=known)
        case = await self.case_for(ctx, ctx.args.get("number"))
        actor = ctx.event.actor
        assert actor is not None
        words = self.fill(body, case, actor, await self.eta(ctx, case))
        sent = await self.to_member(case, plain(words))
        if sent is None:
            raise UserFacingError("desk.undelivered", case=case.id)
        if case.room_relay:
            await self.say_in_room(case, plain(ctx.t("desk.relay_staff", name=actor.display_name,
                                                     text=words)))  # fmt: skip
        await self.responded(
            case, ctx.clock.now(), actor, staff=True, words=words, channel=sent.channel,
            message=sent,
        )  # fmt: skip
        if sent.channel != ctx.event.channel_ref:
            await ctx.reply(ctx.t("desk.sent", case=case.id), ephemeral=True)

    @staticmethod
    def fill(body: str, case: Case, actor: Actor, eta: str) -> str:
        """A snippet with its variables filled in (unknown braces stay as written)."""
        values = {"member": case.requester_name, "helper": actor.display_name,
                  "case": str(case.id), "eta": eta}  # fmt: skip
        return str(re.sub(r"\{(member|helper|case|eta)\}", lambda m: values[m[1]], body))

    async def eta(self, ctx: Context, case: Case) -> str:
        """When the case's resolution target falls, for {eta} (a dash without one)."""
        hours = self.hours_of(case.ref)
        for clock in await self.store.clocks_of(case.id):
            due = reaches(clock, hours, 1.0) if clock.kind == RESOLUTION else None
            if due is not None:
                return ctx.t.datetime(due, ctx.tz)
        return "—"

    # -- which case ---------------------------------------------------------------------

    async def case_here(self, ctx: Context, number: int) -> Case:
        """A case by number, if it can be worked from where the event happened: its
        community, its staff channel (on Telegram a chat of its own) or its room."""
        case = await self.store.get(number)
        if case is None or case.merged_into or not self.reachable(case, ctx.event):
            raise UserFacingError("desk.no_case", case=number)
        return case

    def reachable(self, case: Case, event: Event) -> bool:
        if case.belongs_to(event.community):
            return True
        channel = event.channel_ref
        if channel is None or channel.platform.value != case.platform:
            return False
        return channel.id == self.settings.staff_channels.get(case.ref) or (
            case.room_key is not None and room_key(channel) == case.room_key
        )

    async def members_case(self, ctx: Context, number: int) -> Case:
        """A case by its button: in its community, or in its member's private chat."""
        channel, actor = ctx.event.channel_ref, ctx.event.actor
        if channel is not None and channel.direct and actor is not None:
            case = await self.store.get(number)
            if case is None or case.requester_ref != actor.ref or case.merged_into:
                raise UserFacingError("desk.no_case", case=number)
            return case
        return await self.case_here(ctx, number)

    async def case_for(self, ctx: Context, number: object) -> Case:
        """The case numbered, or in a case's room the room's case."""
        if number is None:
            channel = ctx.event.channel_ref
            number = None if channel is None else await self.find_room(channel)
            if number is None:
                raise UserFacingError("desk.which_case")
            case = await self.store.get(number)
            if case is None or case.merged_into:
                raise UserFacingError("desk.which_case")
            return case
        return await self.case_here(ctx, int(str(number)))
