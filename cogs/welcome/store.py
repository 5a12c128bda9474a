"""SQL of the rules gate: who is waiting, who accepted, who was removed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, String, Table, Text, and_, select

from bot.core.ids import CommunityRef
from bot.storage.database import Database
from bot.storage.schema import community_columns, metadata
from bot.storage.types import UtcDateTime

onboarding = Table(
    "onboarding",
    metadata,
    *community_columns(primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("member_name", Text, nullable=False),
    Column("joined_at", UtcDateTime, nullable=False),
    Column("welcome_channel", String(64)),
    Column("welcome_message", String(64)),
    Column("accepted_at", UtcDateTime),
    Column("removed_at", UtcDateTime),
)


def _key(community: CommunityRef, member: str) -> Any:
    return and_(
        onboarding.c.platform == community.platform.value,
        onboarding.c.community == community.id,
        onboarding.c.member == member,
    )


class GateStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def joined(self, community: CommunityRef, member: str, name: str, now: datetime) -> None:
        """A (re)joining member starts waiting at the gate."""
        async with self.db.transaction() as conn:
            await conn.execute(onboarding.delete().where(_key(community, member)))
            await conn.execute(
                onboarding.insert().values(
                    platform=community.platform.value, community=community.id, member=member,
                    member_name=name, joined_at=now,
                )
            )  # fmt: skip

    async def set_welcome(
        self, community: CommunityRef, members: list[str], channel: str, message: str
    ) -> None:
        async with self.db.transaction() as conn:
            for member in members:
                await conn.execute(
                    onboarding.update()
                    .where(_key(community, member))
                    .values(welcome_channel=channel, welcome_message=message)
                )

    async def pending(self, community: CommunityRef, member: str) -> dict[str, Any] | None:
        async with self.db.read() as conn:
            row = (
                (
                    await conn.execute(
                        select(onboarding).where(
                            _key(community, member),
                            onboarding.c.accepted_at.is_(None),
                            onboarding.c.removed_at.is_(None),
                        )
                    )
                )
                .mappings()
                .first()
            )
        return None if row is None else dict(row)

    async def accept(self, community: CommunityRef, member: str, now: datetime) -> bool:
        """Committed before the member is let in; False if they were not waiting."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                onboarding.update()
                .where(
                    _key(community, member),
                    onboarding.c.accepted_at.is_(None),
                    onboarding.c.removed_at.is_(None),
                )
                .values(accepted_at=now)
            )
        return bool(result.rowcount)

    async def remove(self, community: CommunityRef, member: str, now: datetime) -> bool:
        async with self.db.transaction() as conn:
            result = await conn.execute(
                onboarding.update()
                .where(
                    _key(community, member),
                    onboarding.c.accepted_at.is_(None),
                    onboarding.c.removed_at.is_(None),
                )
                .values(removed_at=now)
            )
        return bool(result.rowcount)

    async def forget(self, platform: str, member: str) -> list[str]:
        """Delete a member's gate rows; returns the communities (ids) they were in."""
        where = and_(onboarding.c.platform == platform, onboarding.c.member == member)
        async with self.db.transaction() as conn:
            communities = [
                str(row[0])
                for row in (await conn.execute(select(onboarding.c.community).where(where))).all()
            ]
            await conn.execute(onboarding.delete().where(where))
        return communities
