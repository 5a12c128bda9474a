"""Telegram updates to neutral events. Pure translation: no network, no state of its own."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from telegram import (
    CallbackQuery,
    ChatMember,
    ChatMemberUpdated,
    Message,
    MessageReactionUpdated,
    PollAnswer,
    ReactionTypeCustomEmoji,
    ReactionTypeEmoji,
    Update,
    User,
)
from telegram.constants import ChatType, MessageEntityType

from bot.core.events import (
    Actor,
    ButtonPressed,
    CommandInvoked,
    DirectMessage,
    Event,
    MemberJoined,
    MemberLeft,
    MessageEdited,
    MessagePosted,
    PollVoted,
    ReactionAdded,
    ReactionRemoved,
)
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef, Platform
from bot.core.messages import Button
from bot.core.permissions import Level

LevelOf = Callable[[int, int], Awaitable[Level]]
"""(chat id, user id) -> the member's level in that chat."""

_BARE_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,64})?(?=\s|$)")
PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}


def community_of(chat_id: int) -> CommunityRef:
    return CommunityRef(Platform.TELEGRAM, str(chat_id))


def channel_of(message: Message) -> ChannelRef:
    thread = (
        str(message.message_thread_id)
        if message.is_topic_message and message.message_thread_id
        else None
    )
    direct = message.chat.type == ChatType.PRIVATE
    return ChannelRef(community_of(message.chat.id), str(message.chat.id), thread, direct)


def attachments_of(message: Message) -> tuple[str, ...]:
    """What a message carries besides text, by name (relayed as names, never as files)."""
    names: list[str] = []
    if message.photo:
        names.append("photo")
    media_kinds = (
        (message.document, "file"), (message.video, "video"), (message.audio, "audio"),
        (message.animation, "animation"),
    )  # fmt: skip
    for media, default in media_kinds:
        if media is not None:
            names.append(getattr(media, "file_name", None) or default)
    if message.voice is not None:
        names.append("voice message")
    if message.video_note is not None:
        names.append("video message")
    if message.sticker is not None:
        names.append(f"sticker {message.sticker.emoji or ''}".strip())
    return tuple(names)


def member_ref(user: User) -> MemberRef:
    return MemberRef(Platform.TELEGRAM, str(user.id))


def display_name(user: User) -> str:
    return user.full_name or (f"@{user.username}" if user.username else str(user.id))


def _when(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class UpdateTranslator:
    """Builds events from updates for one bot (its username decides which commands are ours)."""

    def __init__(self, bot_username: str, level_of: LevelOf) -> None:
        self.bot_username = bot_username.lower()
        self.level_of = level_of

    async def actor(self, chat_id: int, user: User) -> Actor:
        return Actor(
            member_ref(user),
            display_name(user),
            await self.level_of(chat_id, user.id),
            is_bot=user.is_bot,
        )

    async def translate(
        self, update: Update, poll_chat: Callable[[str], int | None]
    ) -> list[Event]:
        """Events for an update; an empty list for updates the bot does not act on."""
        if update.message is not None:
            if update.message.new_chat_members or update.message.left_chat_member:
                return await self._service_membership(update.message)
            event = await self._message(update.message)
            return [event] if event else []
        if update.edited_message is not None:
            return await self._edited(update.edited_message)
        if update.chat_member is not None:
            return await self._membership(update.chat_member)
        if update.callback_query is not None:
            return await self._button(update.callback_query)
        if update.poll_answer is not None:
            return await self._poll_answer(update.poll_answer, poll_chat)
        if update.message_reaction is not None:
            return await self._reaction(update.message_reaction)
        return []

    async def _message(self, message: Message) -> Event | None:
        user = message.from_user
        content = message.text or message.caption
        attachments = attachments_of(message)
        if user is None or (content is None and not attachments):
            return None  # service messages, anonymous admins: nothing to act on
        content = content or ""
        channel = channel_of(message)
        ref = MessageRef(channel, str(message.message_id))
        author = await self.actor(message.chat.id, user)
        reply = message.reply_to_message
        # In forum topics every message "replies" to the topic's first message: not a reply.
        if (
            reply is not None
            and message.is_topic_message
            and (reply.message_id == message.message_thread_id)
        ):
            reply = None
        reply_ref = MessageRef(channel, str(reply.message_id)) if reply else None
        reply_author = member_ref(reply.from_user) if reply and reply.from_user else None
        when = _when(message.date)
        command = self._command(message, content)
        if command is not None:
            name, raw_args = command
            if not name:
                return None  # addressed to another bot
            return CommandInvoked(
                community=channel.community, occurred_at=when, channel=channel, author=author,
                name=name, raw_args=raw_args, message=ref, reply_to=reply_ref,
                reply_to_author=reply_author)  # fmt: skip
        if channel.direct:
            return DirectMessage(
                community=channel.community, occurred_at=when, channel=channel, message=ref,
                author=author, content=content, attachments=attachments)  # fmt: skip
        return MessagePosted(
            community=channel.community, occurred_at=when, channel=channel, message=ref,
            author=author, content=content, reply_to=reply_ref,
            reply_to_author=reply_author, attachments=attachments)  # fmt: skip

    def _command(self, message: Message, content: str) -> tuple[str, str] | None:
        """(name, arguments) of a leading bot command; name '' if it is for another bot."""
        entities = message.entities if message.text else message.caption_entities
        first = next((e for e in entities if e.offset == 0), None)
        if first is not None and first.type == MessageEntityType.BOT_COMMAND:
            length = first.length
        elif not entities and (bare := _BARE_COMMAND.match(content)):
            length = bare.end()  # a client (or a test server) that sent no entities
        else:
            return None
        word = content[1:length]
        name, _, target = word.partition("@")
        if target and target.lower() != self.bot_username:
            return "", ""
        return name.lower(), content[length:].strip()

    async def _service_membership(self, message: Message) -> list[Event]:
        """Join/leave service messages (older clients and small groups still send them)."""
        community = community_of(message.chat.id)
        when = _when(message.date)
        events: list[Event] = []
        for member in message.new_chat_members or ():
            if member.is_bot and member.username and member.username.lower() == self.bot_username:
                continue
            actor = await self.actor(message.chat.id, member)
            events.append(MemberJoined(community=community, occurred_at=when, member=actor))
        if message.left_chat_member is not None:
            actor = await self.actor(message.chat.id, message.left_chat_member)
            events.append(MemberLeft(community=community, occurred_at=when, member=actor))
        return events

    async def _edited(self, message: Message) -> list[Event]:
        user = message.from_user
        content = message.text or message.caption
        if user is None or content is None:
            return []
        channel = channel_of(message)
        if channel.direct:
            return [DirectMessage(
                community=channel.community, occurred_at=_when(message.edit_date or message.date),
                channel=channel, message=MessageRef(channel, str(message.message_id)),
                author=await self.actor(message.chat.id, user), content=content,
                attachments=attachments_of(message), edited=True)]  # fmt: skip
        return [MessageEdited(
            community=channel.community, occurred_at=_when(message.edit_date or message.date),
            channel=channel, message=MessageRef(channel, str(message.message_id)),
            author=await self.actor(message.chat.id, user), content=content)]  # fmt: skip

    async def _membership(self, change: ChatMemberUpdated) -> list[Event]:
        before = change.old_chat_member.status in PRESENT
        after = change.new_chat_member.status in PRESENT
        if change.new_chat_member.status == ChatMember.RESTRICTED:
            after = bool(getattr(change.new_chat_member, "is_member", True))
        if change.old_chat_member.status == ChatMember.RESTRICTED:
            before = bool(getattr(change.old_chat_member, "is_member", True))
        user = change.new_chat_member.user
        community = community_of(change.chat.id)
        when = _when(change.date)
        if after and not before:
            actor = await self.actor(change.chat.id, user)
            return [MemberJoined(community=community, occurred_at=when, member=actor)]
        if before and not after:
            actor = await self.actor(change.chat.id, user)
            return [MemberLeft(community=community, occurred_at=when, member=actor)]
        return []

    async def _button(self, query: CallbackQuery) -> list[Event]:
        message = query.message
        if message is None or not query.data or not isinstance(message, Message):
            return []
        action, payload = Button.parse_data(query.data)
        channel = channel_of(message)
        return [ButtonPressed(
            community=channel.community, occurred_at=datetime.now(UTC), channel=channel,
            message=MessageRef(channel, str(message.message_id)),
            member=await self.actor(message.chat.id, query.from_user), action=action,
            payload=payload, interaction_id=query.id)]  # fmt: skip

    async def _poll_answer(
        self, answer: PollAnswer, poll_chat: Callable[[str], int | None]
    ) -> list[Event]:
        chat_id = poll_chat(answer.poll_id)
        if answer.user is None or chat_id is None:
            return []  # an anonymous voter, or a poll this process did not send
        return [PollVoted(
            community=community_of(chat_id), occurred_at=datetime.now(UTC),
            poll_id=answer.poll_id, member=await self.actor(chat_id, answer.user),
            options=tuple(answer.option_ids))]  # fmt: skip

    async def _reaction(self, change: MessageReactionUpdated) -> list[Event]:
        if change.user is None:
            return []  # anonymous (a channel or an anonymous admin)
        old = {_emoji(r) for r in change.old_reaction}
        new = {_emoji(r) for r in change.new_reaction}
        channel = ChannelRef(community_of(change.chat.id), str(change.chat.id))
        message = MessageRef(channel, str(change.message_id))
        actor = await self.actor(change.chat.id, change.user)
        when = _when(change.date)
        events: list[Event] = [
            ReactionAdded(community=channel.community, occurred_at=when, channel=channel,
                          message=message, member=actor, emoji=emoji)
            for emoji in sorted(new - old)
        ]  # fmt: skip
        events += [
            ReactionRemoved(community=channel.community, occurred_at=when, channel=channel,
                            message=message, member=actor, emoji=emoji)
            for emoji in sorted(old - new)
        ]  # fmt: skip
        return events


def _emoji(reaction: object) -> str:
    if isinstance(reaction, ReactionTypeEmoji):
        return reaction.emoji
    if isinstance(reaction, ReactionTypeCustomEmoji):
        return f"custom:{reaction.custom_emoji_id}"
    return "paid"
