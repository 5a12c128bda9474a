"""SQL of earned levels."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, String, Table, and_, select

from bot.core.ids import CommunityRef
from bot.storage.database import Database
from bot.storage.schema import community_columns, metadata, of_community
from bot.storage.types import UtcDateTime

member_levels = Table(
    "member_levels",
    metadata,
    *community_columns(primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("level", String(20), nullable=False),
    Column("since", UtcDateTime, nullable=False),
    Column("locked", Boolean, nullable=False),
    Column("set_by", String(64)),
)
"""Earned levels (newcomer, activist, expert); other features ask through :mod:`.api`."""


class LevelStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def _key(community: CommunityRef, member: str) -> Any:
        return and_(*of_community(member_levels, community), member_levels.c.member == member)

    async def reached(self, community: CommunityRef) -> list[tuple[str, datetime]]:
        """(level, since) of every member with a stored level."""
        async with self.db.read() as conn:
            rows = await conn.execute(
                select(member_levels.c.level, member_levels.c.since).where(
                    *of_community(member_levels, community)
                )
            )
            return [(str(level), since) for level, since in rows]

    async def level(self, community: CommunityRef, member: str) -> str | None:
        async with self.db.read() as conn:
            value = await conn.scalar(
                select(member_levels.c.level).where(self._key(community, member))
            )
        return None if value is None else str(value)

    async def all(self, community: CommunityRef) -> dict[str, dict[str, Any]]:
        async with self.db.read() as conn:
            rows = (
                (
                    await conn.execute(
                        select(member_levels).where(*of_community(member_levels, community))
                    )
                )
                .mappings()
                .all()
            )
        return {row["member"]: dict(row) for row in rows}

    async def set(
        self,
        community: CommunityRef,
        member: str,
        level: str,
        now: datetime,
        *,
        locked: bool = False,
        set_by: str | None = None,
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(member_levels.delete().where(self._key(community, member)))
            await conn.execute(member_levels.insert().values(
                platform=community.platform.value, community=community.id, member=member,
                level=level, since=now, locked=locked, set_by=set_by))  # fmt: skip

    async def forget(self, platform: str, member: str) -> int:
        async with self.db.transaction() as conn:
            gone = await conn.execute(
                member_levels.delete().where(
                    member_levels.c.platform == platform, member_levels.c.member == member
                )
            )
            set_by = await conn.execute(
                member_levels.update()
                .where(member_levels.c.platform == platform, member_levels.c.set_by == member)
                .values(set_by=None)
            )
        return int(gone.rowcount or 0) + int(set_by.rowcount or 0)
