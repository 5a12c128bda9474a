"""Buttons bound to the message they were sent with.

Every action button the bot sends is written here with its chat and message when the message
goes out. A press is handled only if the message it came from, in the chat where it was
pressed, carries exactly that button data: a payload copied into another chat, or forged
under any message, never reaches a handler (the handler then checks what the data names —
a poll, a case — belongs where it was pressed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select

from bot.core.ids import ChannelRef, MessageRef
from bot.core.messages import Button
from bot.storage import schema
from bot.storage.database import Database


class ButtonBindings:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def bind(
        self, channel: ChannelRef, message: MessageRef, buttons: Sequence[Button], now: datetime
    ) -> None:
        """Record the action buttons of a message the bot just sent (or edited)."""
        datas = sorted({b.data for b in buttons if b.action and not b.url})
        if not datas:
            return
        table = schema.button_bindings
        platform = channel.community.platform.value
        async with self.db.transaction() as conn:
            await conn.execute(
                table.delete().where(
                    table.c.platform == platform,
                    table.c.chat == channel.id,
                    table.c.message == message.id,
                )
            )
            await conn.execute(
                table.insert(),
                [
                    {"platform": platform, "chat": channel.id, "message": message.id,
                     "data": data, "thread": channel.thread,
                     "community": channel.community.id, "created_at": now}
                    for data in datas
                ],
            )  # fmt: skip

    async def carries(self, message: MessageRef, data: str) -> bool:
        """Whether the bot sent ``message`` (in its chat, or its thread) with button ``data``."""
        table = schema.button_bindings
        channel = message.channel
        chats = {channel.id} | ({channel.thread} if channel.thread else set())
        async with self.db.read() as conn:
            found = await conn.scalar(
                select(table.c.message).where(
                    table.c.platform == channel.community.platform.value,
                    table.c.message == message.id,
                    table.c.data == data,
                    or_(table.c.chat.in_(chats), table.c.thread.in_(chats)),
                )
            )
        return found is not None

    async def forget(self, platform: str, member: str) -> int:
        """Drop bindings whose data names a member (hero buttons, ...)."""
        table = schema.button_bindings
        async with self.db.transaction() as conn:
            result = await conn.execute(
                table.delete().where(
                    table.c.platform == platform,
                    table.c.data.contains(member, autoescape=True),
                )
            )
        return int(result.rowcount or 0)
