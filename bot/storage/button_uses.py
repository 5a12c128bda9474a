"""Single-use buttons: the first press under a message claims it in the database (so two
moderators, even on two bot processes, cannot both act on one alert)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.core.events import ButtonPressed
from bot.storage import schema
from bot.storage.database import Database


class ButtonUses:
    def __init__(self, db: Database, event: ButtonPressed, group: str) -> None:
        self.db = db
        self.event = event
        self.key = {
            "platform": event.community.platform.value,
            "community": event.community.id,
            "message": event.message.id,
            "use_group": group,
        }

    async def claim(self, now: datetime) -> str | None:
        """None when this press is the first; else the name of who pressed first."""
        member = self.event.member
        if await self.db.insert_new(
            schema.button_uses, **self.key, pressed_by=member.ref.id,
            pressed_by_name=member.display_name[:schema.MAX_NAME], pressed_at=now,
        ):  # fmt: skip
            return None
        table = schema.button_uses
        async with self.db.read() as conn:
            name = await conn.scalar(
                select(table.c.pressed_by_name).where(
                    *(table.c[column] == value for column, value in self.key.items())
                )
            )
        return str(name or "?")

    @staticmethod
    async def forget(db: Database, platform: str, member: str) -> int:
        """Who decided stays a fact (the button stays used) without naming the member."""
        table = schema.button_uses
        async with db.transaction() as conn:
            result = await conn.execute(
                table.update()
                .where(table.c.platform == platform, table.c.pressed_by == member)
                .values(pressed_by="", pressed_by_name="")
            )
        return int(result.rowcount or 0)

    async def release(self) -> None:
        table = schema.button_uses
        async with self.db.transaction() as conn:
            await conn.execute(
                table.delete().where(
                    *(table.c[column] == value for column, value in self.key.items())
                )
            )
