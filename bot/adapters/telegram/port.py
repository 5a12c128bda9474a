"""The core's actions as Bot API calls."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import (
    ChatMember,
    ChatPermissions,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    ReactionTypeEmoji,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.adapters.telegram.render import render_html, units
from bot.core.capabilities import Capability
from bot.core.clock import Clock
from bot.core.errors import NotSupported
from bot.core.events import ButtonPressed, CommandInvoked
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef, Platform
from bot.core.messages import Button, OutgoingMessage, PollSpec
from bot.core.permissions import Level
from bot.core.port import Room, SentPoll, Standing

log = logging.getLogger(__name__)

CAPABILITIES = (
    Capability.BUTTONS
    | Capability.REACTIONS
    | Capability.EDIT_MESSAGES
    | Capability.DIRECT_MESSAGES
    | Capability.TIMEOUTS
    | Capability.NATIVE_POLLS
    | Capability.NATIVE_QUIZZES
    | Capability.THREADS
    | Capability.PRIVATE_ROOMS
)
"""No NATIVE_SLOW_MODE: the Bot API cannot set it, so moderation enforces it itself."""

MIN_RESTRICTION = timedelta(seconds=30)
MAX_RESTRICTION = timedelta(days=366)
POLL_MIN_OPEN = timedelta(seconds=5)
POLL_MAX_OPEN = timedelta(seconds=2_628_000)
ALERT_LIMIT = 200


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """One row per three buttons, link buttons open their URL."""
    if not buttons:
        return None
    row: list[InlineKeyboardButton] = []
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons:
        if button.url:
            row.append(InlineKeyboardButton(button.label, url=button.url))
        else:
            row.append(InlineKeyboardButton(button.label, callback_data=button.data))
        if len(row) == 3:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    return InlineKeyboardMarkup(rows)


def _reply(reply_to: MessageRef | None) -> ReplyParameters | None:
    if reply_to is None:
        return None
    return ReplyParameters(int(reply_to.id), allow_sending_without_reply=True)


CAPTION_LIMIT = 1024


class TelegramPort:
    """``PlatformPort`` over a PTB ``ExtBot`` (its rate limiter retries ``RetryAfter``)."""

    def __init__(self, bot: ExtBot[None], clock: Clock) -> None:
        self.bot = bot
        self.clock = clock
        self.usernames: dict[str, int] = {}
        """Usernames seen in updates (lower case) -> user id: the Bot API cannot look them up."""
        self.poll_chats: dict[str, int] = {}
        """Poll id -> chat id, for polls this process sent (poll answers carry no chat)."""
        self.answered: set[str] = set()
        self.level_of: Callable[[int, int], Awaitable[Level]] | None = None
        """Set by the runner: a member's level from the config lists and admin status."""

    @property
    def platform(self) -> Platform:
        return Platform.TELEGRAM

    @property
    def capabilities(self) -> Capability:
        return CAPABILITIES

    @property
    def native_poll_min(self) -> timedelta:
        return timedelta(0)

    async def standing(self, community: CommunityRef, member: MemberRef) -> Standing:
        chat, user = int(community.id), int(member.id)
        level = await self.level_of(chat, user) if self.level_of else Level.MEMBER
        try:
            found = await self.bot.get_chat_member(chat, user)
        except TelegramError as exc:
            log.info("telegram: cannot look up %s in %s: %s", user, chat, exc)
            return Standing(level, is_self=user == self.bot.id)
        return Standing(
            level,
            is_bot=found.user.is_bot,
            is_self=user == self.bot.id,
            is_owner=found.status == ChatMember.OWNER,
        )

    def home_channel(self, community: CommunityRef) -> ChannelRef:
        return ChannelRef(community, community.id)

    async def send(
        self, channel: ChannelRef, message: OutgoingMessage, *, reply_to: MessageRef | None = None
    ) -> MessageRef:
        chunks = render_html(message.text)
        sent_id = 0
        if message.attachment is not None:
            # A photo's caption holds 1,024 characters: a longer text follows as messages.
            caption = chunks[0] if len(chunks) == 1 and len(chunks[0]) <= CAPTION_LIMIT else None
            photo = await self.bot.send_photo(
                chat_id=int(channel.id),
                photo=InputFile(message.attachment.data, filename=message.attachment.filename),
                caption=caption,
                parse_mode=ParseMode.HTML if caption else None,
                message_thread_id=int(channel.thread) if channel.thread else None,
                reply_parameters=_reply(reply_to),
                reply_markup=keyboard(message.buttons) if caption else None,
            )  # fmt: skip
            if caption is not None:
                return MessageRef(channel, str(photo.message_id))
            reply_to = None
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            sent = await self.bot.send_message(
                chat_id=int(channel.id),
                text=chunk,
                parse_mode=ParseMode.HTML,
                message_thread_id=int(channel.thread) if channel.thread else None,
                reply_parameters=_reply(reply_to) if index == 0 else None,
                reply_markup=keyboard(message.buttons) if last else None,
                link_preview_options=None,
            )  # fmt: skip
            sent_id = sent.message_id
        return MessageRef(channel, str(sent_id))

    async def respond(
        self, event: CommandInvoked | ButtonPressed, message: OutgoingMessage
    ) -> MessageRef | None:
        if isinstance(event, ButtonPressed) and event.interaction_id:
            plain = message.text.plain()
            if message.ephemeral and units(plain) <= ALERT_LIMIT and not message.buttons:
                await self.answer(event.interaction_id, plain)
                return None
            await self.answer(event.interaction_id)
            return await self.send(event.channel, message)
        reply_to = event.message if isinstance(event, CommandInvoked) else None
        return await self.send(event.channel, message, reply_to=reply_to)

    async def answer(self, callback_id: str, text: str | None = None) -> None:
        """Answer a button press once (a toast when there is text); stops the spinner."""
        if callback_id in self.answered:
            return
        self.answered.add(callback_id)
        if len(self.answered) > 10_000:
            self.answered.clear()
        try:
            await self.bot.answer_callback_query(callback_id, text=text, show_alert=bool(text))
        except TelegramError as exc:
            log.info("could not answer button press %s: %s", callback_id, exc)

    async def edit(self, message: MessageRef, new: OutgoingMessage) -> None:
        await self.bot.edit_message_text(
            chat_id=int(message.channel.id),
            message_id=int(message.id),
            text=render_html(new.text)[0],
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(new.buttons),
        )

    async def delete(self, message: MessageRef) -> None:
        try:
            await self.bot.delete_message(int(message.channel.id), int(message.id))
        except BadRequest as exc:
            # Already gone, older than 48 hours, or a service message: nothing to wait for.
            log.info("could not delete message %s in %s: %s", message.id, message.channel.id, exc)
        except Forbidden as exc:
            log.warning("no right to delete in %s: %s", message.channel.id, exc)

    async def send_direct(
        self, community: CommunityRef, member: MemberRef, message: OutgoingMessage
    ) -> MessageRef | None:
        try:
            return await self.send(ChannelRef(community, member.id, direct=True), message)
        except (Forbidden, BadRequest) as exc:
            # The member never started a chat with the bot, or blocked it.
            log.info("cannot write to %s privately: %s", member.id, exc)
            return None

    async def add_reaction(self, message: MessageRef, emoji: str) -> None:
        await self.bot.set_message_reaction(
            int(message.channel.id), int(message.id), [ReactionTypeEmoji(emoji)]
        )

    async def mute(
        self, community: CommunityRef, member: MemberRef, until: datetime | None, reason: str
    ) -> datetime | None:
        now = self.clock.now()
        if until is not None and until - now < MIN_RESTRICTION:
            log.info(
                "mute of %s raised to 30 s: Telegram treats shorter ones as forever", member.id
            )
            until = now + MIN_RESTRICTION
        if until is not None and until - now > MAX_RESTRICTION:
            log.info("mute of %s is over 366 days: Telegram makes it permanent", member.id)
            until = None
        await self.bot.restrict_chat_member(
            int(community.id),
            int(member.id),
            ChatPermissions.no_permissions(),
            until_date=until,
            use_independent_chat_permissions=True,
        )
        return until

    async def unmute(self, community: CommunityRef, member: MemberRef) -> None:
        chat = await self.bot.get_chat(int(community.id))
        permissions = chat.permissions or ChatPermissions.all_permissions()
        await self.bot.restrict_chat_member(
            int(community.id), int(member.id), permissions, use_independent_chat_permissions=True
        )

    async def kick(self, community: CommunityRef, member: MemberRef, reason: str) -> None:
        # The Bot API has no kick: ban, then lift the ban so the member can come back.
        await self.bot.ban_chat_member(int(community.id), int(member.id))
        await self.bot.unban_chat_member(int(community.id), int(member.id), only_if_banned=True)

    async def ban(self, community: CommunityRef, member: MemberRef, reason: str) -> None:
        await self.bot.ban_chat_member(int(community.id), int(member.id))

    async def unban(self, community: CommunityRef, member: MemberRef) -> None:
        await self.bot.unban_chat_member(int(community.id), int(member.id), only_if_banned=True)

    async def set_role(
        self, community: CommunityRef, member: MemberRef, role: str, *, granted: bool
    ) -> None:
        raise NotSupported("Telegram groups have no member roles")

    async def set_slow_mode(self, channel: ChannelRef, seconds: int) -> None:
        raise NotSupported("the Bot API cannot set slow mode")

    async def send_poll(self, channel: ChannelRef, poll: PollSpec) -> SentPoll:
        close_date = None
        if poll.closes_at is not None:
            open_for = poll.closes_at - self.clock.now()
            if POLL_MIN_OPEN <= open_for <= POLL_MAX_OPEN:
                close_date = poll.closes_at
        quiz = poll.correct_option is not None
        correct: Any = [poll.correct_option] if quiz else None
        sent = await self.bot.send_poll(
            chat_id=int(channel.id),
            question=poll.question,
            options=list(poll.options),
            is_anonymous=poll.anonymous,
            type="quiz" if quiz else "regular",
            allows_multiple_answers=poll.multiple_choice and not quiz,
            correct_option_ids=correct,
            explanation=poll.explanation,
            close_date=close_date,
            message_thread_id=int(channel.thread) if channel.thread else None,
        )
        assert sent.poll is not None
        self.poll_chats[sent.poll.id] = int(channel.id)
        return SentPoll(MessageRef(channel, str(sent.message_id)), sent.poll.id)

    async def close_poll(self, poll: SentPoll) -> None:
        try:
            await self.bot.stop_poll(int(poll.message.channel.id), int(poll.message.id))
        except BadRequest as exc:
            log.info("poll %s was already closed: %s", poll.poll_id, exc)

    async def open_room(
        self, *, member: MemberRef, near: ChannelRef, staff: ChannelRef, title: str
    ) -> Room:
        """A topic in the staff group: members never see the staff group, so the member talks
        to the bot privately and the desk relays. A staff group that is no forum is shared by
        every case, answered by replying."""
        try:
            topic = await self.bot.create_forum_topic(chat_id=int(staff.id), name=title[:128])
        except BadRequest as exc:
            if "forum" not in str(exc).lower():
                raise
            # A plain staff group: staff answer by replying to the case's messages there.
            return Room(ChannelRef(staff.community, staff.id), member_inside=False, by_reply=True)
        room = ChannelRef(staff.community, staff.id, str(topic.message_thread_id))
        return Room(room, member_inside=False)

    async def close_room(self, room: ChannelRef) -> None:
        if room.thread:
            try:
                await self.bot.close_forum_topic(int(room.id), int(room.thread))
            except BadRequest as exc:  # closed already, or deleted by hand
                log.info("topic %s in %s not closed: %s", room.thread, room.id, exc)

    async def resolve_member(self, community: CommunityRef, token: str) -> MemberRef | None:
        value = token.strip()
        if value.lstrip("-").isdigit():
            return MemberRef(Platform.TELEGRAM, value)
        user_id = self.usernames.get(value.removeprefix("@").lower())
        return None if user_id is None else MemberRef(Platform.TELEGRAM, str(user_id))
