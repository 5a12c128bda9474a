"""Earned levels as a permission input for every feature (links, polls ...)."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.ids import CommunityRef
from bot.storage import schema
from bot.storage.database import Database

EARNED = ("newcomer", "activist", "expert")


async def earned_level(db: Database, community: CommunityRef, member: str) -> str:
    """A member's earned level; ``newcomer`` until the roles feature says otherwise."""
    table = schema.member_levels
    async with db.read() as conn:
        level = await conn.scalar(
            select(table.c.level).where(
                table.c.platform == community.platform.value,
                table.c.community == community.id,
                table.c.member == member,
            )
        )
    return str(level) if level in EARNED else "newcomer"


def at_least(level: str, wanted: str) -> bool:
    return EARNED.index(level) >= EARNED.index(wanted)
