"""SQL of moderation's channel and community modes: slow modes and raid mode (with the members
it holds). Mixed into :class:`~cogs.moderation.store.ModerationStore`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, Integer, String, Table, and_, select

from bot.core.ids import CommunityRef
from bot.storage.database import Database
from bot.storage.schema import community_columns, metadata, of_community
from bot.storage.types import UtcDateTime

slowmodes = Table(
    "mod_slowmodes",
    metadata,
    *community_columns(primary_key=True),
    Column("channel", String(64), primary_key=True),
    Column("interval_seconds", Integer, nullable=False),
    Column("native", Boolean, nullable=False),
    Column("until", UtcDateTime),
    Column("set_by", String(64)),
)

raids = Table(
    "mod_raids",
    metadata,
    *community_columns(primary_key=True),
    Column("started_at", UtcDateTime, nullable=False),
    Column("last_join_at", UtcDateTime, nullable=False),
    Column("lifted_at", UtcDateTime),
)

held = Table(
    "mod_held",
    metadata,
    *community_columns(primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("held_at", UtcDateTime, nullable=False),
)


class ModesStore:
    db: Database

    # -- slow mode ------------------------------------------------------------------------------

    async def set_slowmode(
        self,
        community: CommunityRef,
        channel: str,
        interval: int,
        native: bool,
        until: datetime | None,
        set_by: str | None,
    ) -> None:
        key = and_(*of_community(slowmodes, community), slowmodes.c.channel == channel)
        async with self.db.transaction() as conn:
            await conn.execute(slowmodes.delete().where(key))
            if interval > 0:
                await conn.execute(
                    slowmodes.insert().values(
                        platform=community.platform.value,
                        community=community.id,
                        channel=channel,
                        interval_seconds=interval,
                        native=native,
                        until=until,
                        set_by=set_by,
                    )
                )

    async def slowmodes(self) -> list[dict[str, Any]]:
        async with self.db.read() as conn:
            rows = (await conn.execute(select(slowmodes))).mappings().all()
        return [dict(row) for row in rows]

    # -- raids ------------------------------------------------------------------------------------

    async def start_raid(self, community: CommunityRef, now: datetime) -> None:
        key = and_(*of_community(raids, community))
        async with self.db.transaction() as conn:
            await conn.execute(raids.delete().where(key))
            await conn.execute(
                raids.insert().values(
                    platform=community.platform.value,
                    community=community.id,
                    started_at=now,
                    last_join_at=now,
                )
            )

    async def raid_active(self, community: CommunityRef) -> bool:
        async with self.db.read() as conn:
            row = (
                await conn.execute(
                    select(raids.c.started_at).where(
                        *of_community(raids, community), raids.c.lifted_at.is_(None)
                    )
                )
            ).first()
        return row is not None

    async def lift_raid(self, community: CommunityRef, now: datetime) -> list[str]:
        """End raid mode; returns the members who were held."""
        key_raid = and_(*of_community(raids, community))
        key_held = and_(*of_community(held, community))
        async with self.db.transaction() as conn:
            await conn.execute(
                raids.update().where(key_raid, raids.c.lifted_at.is_(None)).values(lifted_at=now)
            )
            members = (await conn.execute(select(held.c.member).where(key_held))).scalars().all()
            await conn.execute(held.delete().where(key_held))
        return [str(m) for m in members]

    async def hold(self, community: CommunityRef, member: str, now: datetime) -> None:
        key = and_(*of_community(held, community), held.c.member == member)
        async with self.db.transaction() as conn:
            await conn.execute(held.delete().where(key))
            await conn.execute(
                held.insert().values(
                    platform=community.platform.value,
                    community=community.id,
                    member=member,
                    held_at=now,
                )
            )

    async def is_held(self, community: CommunityRef, member: str) -> bool:
        """Held during a raid (until a moderator lifts it or admits them)."""
        async with self.db.read() as conn:
            row = (
                await conn.execute(
                    select(held.c.member).where(
                        *of_community(held, community), held.c.member == member
                    )
                )
            ).first()
        return row is not None

    async def release(self, community: CommunityRef, member: str) -> bool:
        """Admit one held member; False when they were not held."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                held.delete().where(*of_community(held, community), held.c.member == member)
            )
        return bool(result.rowcount)
