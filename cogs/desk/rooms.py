"""Where a case's conversation lives: a private room per case where the platform has them
(Discord: a private thread the member is in; Telegram: a topic in the staff forum group, the
member talking through a private chat with the bot, relayed both ways), else the channel where
it was opened. A room that was deleted by hand is replaced; a member who cannot get private
messages keeps the case in the channel."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import replace

from bot.core.capabilities import Capability
from bot.core.ids import ChannelRef, MessageRef
from bot.core.messages import OutgoingMessage
from bot.core.richtext import text
from bot.i18n import Translator
from cogs.desk.sla import SlaClocks
from cogs.desk.store import Case
from cogs.desk.tables import RELAY

log = logging.getLogger(__name__)

ROOM_ORIGINS = ("ticket", "staff")
"""Public help-channel questions stay public; tickets and cases staff opened get a room."""
MAX_RELAY = 3500
MAX_NOT_ROOMS = 10_000
"""Threads remembered as no room (the oldest are forgotten first)."""


def room_key(channel: ChannelRef) -> tuple[str, str, str]:
    return (channel.platform.value, channel.id, channel.thread or "")


def with_attachments(t: Translator, words: str, attachments: tuple[str, ...]) -> str:
    """The message as relayed and kept: its text, and its attachments by name."""
    words = words if len(words) <= MAX_RELAY else words[:MAX_RELAY] + "…"
    if not attachments:
        return words
    named = t("desk.attached", names=", ".join(attachments[:10]))
    return f"{words}\n{named}" if words else named


class CaseRooms(SlaClocks):
    """Opening, finding, replacing and archiving rooms; delivering to the member."""

    rooms: dict[tuple[str, str, str], int]
    """(platform, channel, thread) of every room in use -> its case."""
    reply_rooms: set[tuple[str, str]]
    """(platform, chat) of staff chats where cases are answered by replying."""

    async def load_rooms(self) -> None:
        self.rooms, self.reply_rooms = {}, set()
        for case in await self.store.with_rooms():
            if case.merged_into is not None or case.room_channel is None:
                continue
            if case.room_key is not None:
                self.rooms[case.room_key] = case.id
            elif case.room_by_reply:
                self.reply_rooms.add((case.platform, case.room_channel))

    def room_case(self, channel: ChannelRef) -> int | None:
        return self.rooms.get(room_key(channel))

    async def find_room(self, channel: ChannelRef) -> int | None:
        """The case whose room this is. A room another process opened (a deadline can run in
        any process) is found in the database the first time; threads that are no room are
        remembered, so ordinary threads cost one lookup each, not one a message."""
        key = room_key(channel)
        found = self.rooms.get(key)
        if found is not None or channel.thread is None:
            return found
        known = self.__dict__.setdefault("_not_rooms", OrderedDict())
        if key in known:
            return None
        found = await self.store.case_by_room(*key)
        if found is None:
            known[key] = None
            if len(known) > MAX_NOT_ROOMS:
                known.popitem(last=False)
            return None
        self.rooms[key] = found
        return found

    def wants_room(self, case: Case) -> bool:
        port = self.port_for(case.ref)
        return (
            self.settings.private_rooms
            and case.origin in ROOM_ORIGINS
            and case.room_channel is None
            and Capability.PRIVATE_ROOMS in port.capabilities
        )

    async def open_room_for(self, case: Case, *, replacing: bool = False) -> Case:
        """Open the case's room and tell the member where to write. The case stays in its
        channel when the platform refuses a room or the member cannot get private messages."""
        community = case.ref
        port = self.port_for(community)
        t, _ = self.locale_for(community)
        subject = case.subject or t("desk.no_subject")
        title = t("desk.room_title", case=case.id, member=case.requester_name, subject=subject)
        try:
            room = await port.open_room(
                member=case.requester_ref, near=ChannelRef(community, case.channel, case.thread),
                staff=self.staff_channel(case), title=title,
            )  # fmt: skip
        except Exception:
            log.warning("desk: no private room for case %s", case.id, exc_info=True)
            return case
        relay = not room.member_inside
        if relay and not replacing:
            intro = t("desk.dm_intro", case=case.id, subject=subject)
            if await port.send_direct(community, case.requester_ref, plain(intro)) is None:
                await self._archive(room.channel)
                await self.tell_in_channel(
                    case, t("desk.dm_blocked", case=case.id, member=case.requester_name)
                )
                return case
        await self.store.update(
            case.id, room_channel=room.channel.id, room_thread=room.channel.thread,
            room_relay=relay, room_by_reply=room.by_reply,
        )  # fmt: skip
        if room.by_reply:
            self.reply_rooms.add((room.channel.platform.value, room.channel.id))
        else:
            self.rooms[room_key(room.channel)] = case.id
        await self.store.log(case.id, self.clock.now(), "room", None, room.channel.id)
        if room.by_reply:
            key = "desk.room_intro_reply"
        elif replacing:
            key = "desk.room_replaced"
        else:
            key = "desk.room_intro_relay" if relay else "desk.room_intro"
        body = t(key, case=case.id, member=case.requester_name, subject=subject,
                 prefix=self.settings.note_prefix)  # fmt: skip
        try:
            sent = await port.send(room.channel, plain(body))
        except Exception:
            log.warning("desk: the room of case %s took no message", case.id, exc_info=True)
        else:
            if room.by_reply:  # staff answer by replying to it: remember whose it is
                await self.store.add_message(
                    case.id, self.clock.now(), RELAY, "", channel=room.channel.id,
                    message=sent.id,
                )  # fmt: skip
        return await self._reload(case.id)

    async def say_in_room(self, case: Case, message: OutgoingMessage) -> MessageRef | None:
        """Post in the case's room; a room deleted by hand is replaced once, else the staff
        channel gets it."""
        port = self.port_for(case.ref)
        for attempt in range(2):
            room = case.room
            if room is None:
                break
            if case.room_by_reply:  # a chat all cases share: say which case it is
                message = replace(message, text=text(f"#{case.id} ") + message.text)
            try:
                sent = await port.send(room, message)
            except Exception:
                if case.room_by_reply:
                    break  # the shared staff chat itself: nothing to replace
                log.info("desk: the room of case %s is gone", case.id, exc_info=True)
                self.rooms.pop(room_key(room), None)
                await self.store.update(case.id, room_channel=None, room_thread=None)
                case = await self._reload(case.id)
                if attempt == 0:
                    case = await self.open_room_for(case, replacing=True)
                continue
            if case.room_by_reply:  # staff answer by replying to it: remember whose it is
                await self.store.add_message(
                    case.id, self.clock.now(), RELAY, "", channel=room.id, message=sent.id
                )
            return sent
        try:
            return await port.send(self.staff_channel(case), message)
        except Exception:
            log.warning("desk: case %s reached nobody", case.id, exc_info=True)
            return None

    async def to_member(self, case: Case, message: OutgoingMessage) -> MessageRef | None:
        """Where the member reads the case: their private chat (a relayed room), the room,
        or the channel the case came from. None when it could not be delivered."""
        port = self.port_for(case.ref)
        try:
            if case.room_relay and case.room is not None:
                return await port.send_direct(case.ref, case.requester_ref, message)
            if case.room is not None:
                return await self.say_in_room(case, message)
            return await port.send(ChannelRef(case.ref, case.channel, case.thread), message)
        except Exception:  # the case's channel is gone: the case goes on without it
            log.info("desk: could not write to the member of case %s", case.id, exc_info=True)
            return None

    async def tell_in_channel(self, case: Case, body: str) -> None:
        try:
            await self.port_for(case.ref).send(
                ChannelRef(case.ref, case.channel, case.thread), plain(body)
            )
        except Exception:
            log.info("desk: channel of case %s took no message", case.id, exc_info=True)

    async def archive_room(self, case: Case) -> None:
        """A relayed room (a staff topic) is closed with its case; a room the member is in
        stays, so they can rate and reopen (the platform archives it when idle)."""
        if case.room is not None and case.room_relay and not case.room_by_reply:
            await self._archive(case.room)

    async def _archive(self, room: ChannelRef) -> None:
        try:
            await self.port_for(room.community).close_room(room)
        except Exception:
            log.info("desk: room %s not archived", room, exc_info=True)

    async def _reload(self, case_id: int) -> Case:
        case = await self.store.get(case_id)
        assert case is not None
        return case


def plain(words: str) -> OutgoingMessage:
    """Plain translated text as a message."""
    return OutgoingMessage(text(words))
