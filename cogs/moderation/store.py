"""SQL of the moderation feature: cases (with warning points), slow modes, raids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError

from bot.core.ids import CommunityRef
from bot.storage.database import Database
from bot.storage.schema import BigId, community_columns, metadata
from bot.storage.types import UtcDateTime
from cogs.moderation.store_modes import ModesStore, held

cases = Table(
    "mod_cases",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    *community_columns(),
    Column("number", Integer, nullable=False),
    Column("action", String(20), nullable=False),
    Column("member", String(64), nullable=False),
    Column("member_name", Text, nullable=False),
    Column("moderator", String(64)),
    Column("moderator_name", Text),
    Column("rule", Integer),
    Column("reason", Text, nullable=False),
    Column("evidence", Text),
    Column("channel", String(64)),
    Column("message", String(64)),
    Column("points", Integer, nullable=False),
    Column("duration_seconds", Integer),
    Column("expires_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime),
    UniqueConstraint("platform", "community", "number", name="uq_mod_cases_number"),
    Index("ix_mod_cases_member", "platform", "community", "member"),
)


@dataclass(frozen=True, slots=True)
class Case:
    """One numbered entry of the moderators' log."""

    number: int
    action: str
    member: str
    member_name: str
    moderator: str | None
    moderator_name: str | None
    rule: int | None
    reason: str
    evidence: str | None
    channel: str | None
    message: str | None
    points: int
    duration_seconds: int | None
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime

    @property
    def automatic(self) -> bool:
        return self.moderator is None


def _where(community: CommunityRef) -> Any:
    return and_(cases.c.platform == community.platform.value, cases.c.community == community.id)


def _case(row: Any) -> Case:
    return Case(**{name: row[name] for name in Case.__slots__})


class ModerationStore(ModesStore):
    """Reads and writes of the moderation tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_case(self, community: CommunityRef, now: datetime, **values: Any) -> Case:
        """Write a case with the next number of its community (committed before anyone is told)."""
        for _ in range(5):
            try:
                async with self.db.transaction() as conn:
                    current = await conn.scalar(
                        select(func.coalesce(func.max(cases.c.number), 0)).where(_where(community))
                    )
                    number = int(current or 0) + 1
                    row = {
                        "platform": community.platform.value,
                        "community": community.id,
                        "number": number,
                        "created_at": now,
                        "points": 0,
                        **values,
                    }
                    await conn.execute(cases.insert().values(**row))
                return await self.get_case(community, number)  # type: ignore[return-value]
            except IntegrityError:
                continue  # another process took the number; take the next one
        raise RuntimeError("could not allocate a case number")

    async def get_case(self, community: CommunityRef, number: int) -> Case | None:
        async with self.db.read() as conn:
            row = (
                (
                    await conn.execute(
                        select(cases).where(_where(community), cases.c.number == number)
                    )
                )
                .mappings()
                .first()
            )
        return None if row is None else _case(row)

    async def set_reason(
        self, community: CommunityRef, number: int, reason: str, now: datetime
    ) -> bool:
        async with self.db.transaction() as conn:
            result = await conn.execute(
                cases.update()
                .where(_where(community), cases.c.number == number)
                .values(reason=reason, updated_at=now)
            )
        return bool(result.rowcount)

    async def member_cases(
        self, community: CommunityRef, member: str, limit: int = 10
    ) -> list[Case]:
        async with self.db.read() as conn:
            rows = (
                (
                    await conn.execute(
                        select(cases)
                        .where(_where(community), cases.c.member == member)
                        .order_by(cases.c.number.desc())
                        .limit(limit)
                    )
                )
                .mappings()
                .all()
            )
        return [_case(row) for row in rows]

    async def active_points(self, community: CommunityRef, member: str, now: datetime) -> int:
        """Warning points that have not expired nor been revoked."""
        async with self.db.read() as conn:
            total = await conn.scalar(
                select(func.coalesce(func.sum(cases.c.points), 0)).where(
                    _where(community),
                    cases.c.member == member,
                    cases.c.points > 0,
                    cases.c.revoked_at.is_(None),
                    or_(cases.c.expires_at.is_(None), cases.c.expires_at > now),
                )
            )
        return int(total or 0)

    async def revoke_points(self, community: CommunityRef, member: str, now: datetime) -> int:
        async with self.db.transaction() as conn:
            result = await conn.execute(
                cases.update()
                .where(
                    _where(community),
                    cases.c.member == member,
                    cases.c.points > 0,
                    cases.c.revoked_at.is_(None),
                )
                .values(revoked_at=now)
            )
        return int(result.rowcount)

    # -- state a case leaves -------------------------------------------------------------------

    async def latest_of(
        self, community: CommunityRef, member: str, actions: tuple[str, ...]
    ) -> Case | None:
        """The member's newest case among ``actions`` that was not revoked."""
        async with self.db.read() as conn:
            row = (
                (
                    await conn.execute(
                        select(cases)
                        .where(
                            _where(community),
                            cases.c.member == member,
                            cases.c.action.in_(actions),
                            cases.c.revoked_at.is_(None),
                        )
                        .order_by(cases.c.number.desc())
                        .limit(1)
                    )
                )
                .mappings()
                .first()
            )
        return None if row is None else _case(row)

    async def muted(self, community: CommunityRef, member: str, now: datetime) -> Muted | None:
        """The mute in force on the member, if any (by the cases the bot recorded)."""
        last = await self.latest_of(community, member, ("mute", "unmute", "ban", "unban"))
        if last is None or last.action != "mute":
            return None
        if last.duration_seconds is None:
            return Muted(last.number, None)
        until = last.created_at + timedelta(seconds=last.duration_seconds)
        return Muted(last.number, until) if until > now else None

    async def banned(self, community: CommunityRef, member: str) -> bool:
        last = await self.latest_of(community, member, ("ban", "unban"))
        return last is not None and last.action == "ban"

    async def revoke_case(self, community: CommunityRef, number: int, now: datetime) -> bool:
        """Pardon a case: its points stop counting, metrics and the hero ignore it."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                cases.update()
                .where(_where(community), cases.c.number == number, cases.c.revoked_at.is_(None))
                .values(revoked_at=now, updated_at=now)
            )
        return bool(result.rowcount)


@dataclass(frozen=True, slots=True)
class Muted:
    case: int
    until: datetime | None
    """None: until a moderator unmutes."""


async def forget_member(db: Database, platform: str, member: str) -> int:
    """Erase a member from the moderation tables. The mod log keeps its cases about them
    (number, action, rule, reason, member id: what a later decision or an appeal needs) but
    loses their name and the evidence (their words); cases they reported or decided no
    longer name them; a hold during a raid goes."""
    async with db.transaction() as conn:
        erased = await conn.execute(
            cases.update()
            .where(cases.c.platform == platform, cases.c.member == member)
            .values(member_name="", evidence=None)
        )
        staff = await conn.execute(
            cases.update()
            .where(cases.c.platform == platform, cases.c.moderator == member)
            .values(moderator="", moderator_name="")
        )
        holds = await conn.execute(
            held.delete().where(held.c.platform == platform, held.c.member == member)
        )
    return int(erased.rowcount or 0) + int(staff.rowcount or 0) + int(holds.rowcount or 0)
