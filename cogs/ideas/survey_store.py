"""SQL of what reaches members privately: who turned notices or the survey off, and the survey's
answers (one per member and period)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, func, select, update

from bot.core.ids import CommunityRef, MemberRef
from bot.storage.database import Database
from bot.storage.schema import of_community
from cogs.ideas.tables import quiet, surveys


class SurveyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- quiet -----------------------------------------------------------------------------

    async def set_quiet(self, member: MemberRef, what: str, on: bool) -> None:
        key = and_(quiet.c.platform == member.platform.value, quiet.c.member == member.id,
                   quiet.c.what == what)  # fmt: skip
        async with self.db.transaction() as conn:
            await conn.execute(delete(quiet).where(key))
            if on:
                await conn.execute(quiet.insert().values(
                    platform=member.platform.value, member=member.id, what=what))  # fmt: skip

    async def quiet_members(self, platform: str, what: str) -> set[str]:
        query = select(quiet.c.member).where(quiet.c.platform == platform, quiet.c.what == what)
        async with self.db.read() as conn:
            return {str(m) for m in (await conn.execute(query)).scalars()}

    # -- survey ----------------------------------------------------------------------------

    async def ask(self, community: CommunityRef, period: str, member: str, at: datetime) -> bool:
        """Record that ``member`` is asked in ``period``; False when they were already."""
        key = (*of_community(surveys, community), surveys.c.period == period,
               surveys.c.member == member)  # fmt: skip
        async with self.db.transaction() as conn:
            if await conn.scalar(select(func.count()).where(*key)):
                return False
            await conn.execute(surveys.insert().values(
                platform=community.platform.value, community=community.id, period=period,
                member=member, asked_at=at))  # fmt: skip
            return True

    async def answer(
        self, community: CommunityRef, period: str, member: str, score: int, at: datetime,
        *, open_to_all: bool,
    ) -> bool:  # fmt: skip
        """The member's score, once per period (in a channel survey anyone active may answer,
        so a row is made for them)."""
        if open_to_all:
            await self.ask(community, period, member, at)
        async with self.db.transaction() as conn:
            result = await conn.execute(
                update(surveys)
                .where(
                    *of_community(surveys, community),
                    surveys.c.period == period,
                    surveys.c.member == member,
                    surveys.c.score.is_(None),
                )
                .values(score=score, answered_at=at)
            )
        return bool(result.rowcount)

    async def comment(self, member: MemberRef, text: str) -> bool:
        """The member's newest answered survey takes ``text`` as its comment."""
        query = (
            select(surveys.c.community, surveys.c.period)
            .where(
                surveys.c.platform == member.platform.value,
                surveys.c.member == member.id,
                surveys.c.score.is_not(None),
            )
            .order_by(surveys.c.answered_at.desc())
            .limit(1)
        )
        async with self.db.transaction() as conn:
            found = (await conn.execute(query)).first()
            if found is None:
                return False
            await conn.execute(
                update(surveys)
                .where(
                    surveys.c.platform == member.platform.value,
                    surveys.c.member == member.id,
                    surveys.c.community == found[0],
                    surveys.c.period == found[1],
                )
                .values(comment=text)
            )
        return True

    async def asked(self, community: CommunityRef, period: str) -> set[str]:
        query = select(surveys.c.member).where(
            *of_community(surveys, community), surveys.c.period == period
        )
        async with self.db.read() as conn:
            return {str(m) for m in (await conn.execute(query)).scalars()}

    async def scores(self, community: CommunityRef, start: datetime, end: datetime) -> list[int]:
        query = select(surveys.c.score).where(
            *of_community(surveys, community), surveys.c.score.is_not(None),
            surveys.c.answered_at >= start, surveys.c.answered_at < end,
        )  # fmt: skip
        async with self.db.read() as conn:
            return [int(s) for s in (await conn.execute(query)).scalars()]
