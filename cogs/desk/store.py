"""SQL of support cases: the case, its SLA clocks, its transcript and its event log."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.ids import CommunityRef, MemberRef
from bot.storage.database import Database
from bot.storage.schema import of_community
from cogs.desk.tables import (
    DEFLECTED,
    MERGED,
    OPEN_STATUSES,
    Case,
    Clock,
    cases,
    clocks,
    events,
    messages,
)

__all__ = ["OPEN_STATUSES", "Case", "Clock", "DeskStore", "cases", "clocks"]


def _row(kind: type[Any], row: Any) -> Any:
    return kind(**{f.name: row[f.name] for f in fields(kind)})


class DeskStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- cases ---------------------------------------------------------------------------

    async def open(self, community: CommunityRef, **values: Any) -> int:
        async with self.db.transaction() as conn:
            result = await conn.execute(
                cases.insert().values(
                    platform=community.platform.value, community=community.id, **values
                )
            )
            case_id = int(result.inserted_primary_key[0])  # type: ignore[index]
            await _event(conn, case_id, values["opened_at"], "opened", None, values["origin"])
            return case_id

    async def get(self, case_id: int) -> Case | None:
        async with self.db.read() as conn:
            row = (
                (await conn.execute(select(cases).where(cases.c.id == case_id))).mappings().first()
            )
        return None if row is None else _row(Case, row)

    async def open_cases(self, community: CommunityRef | None = None) -> list[Case]:
        query = select(cases).where(cases.c.status.in_(OPEN_STATUSES)).order_by(cases.c.id)
        if community is not None:
            query = query.where(*of_community(cases, community))
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_row(Case, row) for row in rows]

    async def all_cases(self) -> list[Case]:
        async with self.db.read() as conn:
            rows = (await conn.execute(select(cases).order_by(cases.c.id))).mappings().all()
        return [_row(Case, row) for row in rows]

    async def open_case_of(
        self, community: CommunityRef, requester: str, channel: str | None = None
    ) -> Case | None:
        """The member's newest open case (in ``channel``, when given)."""
        query = (
            select(cases)
            .where(
                *of_community(cases, community),
                cases.c.requester == requester,
                cases.c.status.in_(OPEN_STATUSES),
            )
            .order_by(cases.c.id.desc())
            .limit(1)
        )
        if channel is not None:
            query = query.where(cases.c.channel == channel)
        async with self.db.read() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _row(Case, row)

    async def with_rooms(self) -> list[Case]:
        """Cases whose private room is still in use (open, or closed and reopenable)."""
        query = select(cases).where(cases.c.room_channel.is_not(None), cases.c.status != DEFLECTED)
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_row(Case, row) for row in rows]

    async def case_by_room(self, platform: str, channel: str, thread: str) -> int | None:
        """The case whose own room is this thread (not merged away)."""
        query = select(cases.c.id).where(
            cases.c.platform == platform,
            cases.c.room_channel == channel,
            cases.c.room_thread == thread,
            cases.c.merged_into.is_(None),
        )
        async with self.db.read() as conn:
            found = await conn.scalar(query.limit(1))
        return None if found is None else int(found)

    async def relayed_case_of(self, member: MemberRef) -> Case | None:
        """The member's newest case talked through a private chat (open ones first)."""
        query = (
            select(cases)
            .where(
                cases.c.platform == member.platform.value,
                cases.c.requester == member.id,
                cases.c.room_relay.is_(True),
                cases.c.merged_into.is_(None),
            )
            .order_by(cases.c.status.in_(OPEN_STATUSES).desc(), cases.c.id.desc())
            .limit(1)
        )
        async with self.db.read() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _row(Case, row)

    async def opened_since(self, community: CommunityRef, requester: str, since: datetime) -> int:
        query = select(func.count()).where(
            *of_community(cases, community),
            cases.c.requester == requester,
            cases.c.opened_at >= since,
        )
        async with self.db.read() as conn:
            return int(await conn.scalar(query) or 0)

    async def update(self, case_id: int, when: Any = None, **values: Any) -> bool:
        """Set ``values`` on the case (only if ``when``, a SQL condition, holds)."""
        query = update(cases).where(cases.c.id == case_id).values(**values)
        if when is not None:
            query = query.where(when)
        async with self.db.transaction() as conn:
            result = await conn.execute(query)
        return bool(result.rowcount)

    async def merge(self, case: Case, into: Case, at: datetime, actor: str) -> bool:
        """Fold ``case`` into ``into`` in one transaction: the case ends as merged (once: False
        when it was not open any more), its transcript moves, and its room moves too when
        ``into`` has none."""
        reason = f"merged into #{into.id}"
        async with self.db.transaction() as conn:
            result = await conn.execute(
                update(cases)
                .where(
                    cases.c.id == case.id,
                    cases.c.status.in_(OPEN_STATUSES),
                    cases.c.merged_into.is_(None),
                )
                .values(status=MERGED, merged_into=into.id, closed_at=at, close_reason=reason)
            )
            if not result.rowcount:
                return False
            await conn.execute(
                update(messages).where(messages.c.case_id == case.id).values(case_id=into.id)
            )
            if into.room_channel is None and case.room_channel is not None:
                await conn.execute(
                    update(cases).where(cases.c.id == into.id).values(
                        room_channel=case.room_channel, room_thread=case.room_thread,
                        room_relay=case.room_relay,
                    )
                )  # fmt: skip
            await _event(conn, case.id, at, "merged", actor, str(into.id))
            await _event(conn, into.id, at, "merged_in", actor, str(case.id))
        return True

    async def claim_step(self, case_id: int, step: int) -> bool:
        """Record escalation step ``step`` once: False when it (or a later one) was taken."""
        query = (
            update(cases)
            .where(cases.c.id == case_id, cases.c.escalation_step < step)
            .values(escalation_step=step, escalations=cases.c.escalations + 1)
        )
        async with self.db.transaction() as conn:
            result = await conn.execute(query)
        return bool(result.rowcount)

    async def case_of_message(self, channel: str, message: str) -> int | None:
        """The case a message in ``channel`` belongs to (one of its transcript's messages)."""
        return await self._case_id(
            select(messages.c.case_id).where(
                messages.c.channel == channel, messages.c.message == message
            )
        )

    async def case_of_card(self, channel: str, message: str) -> int | None:
        """The case whose staff card is ``message``."""
        return await self._case_id(
            select(cases.c.id).where(
                cases.c.card_channel == channel, cases.c.card_message == message
            )
        )

    async def _case_id(self, query: Any) -> int | None:
        async with self.db.read() as conn:
            found = await conn.scalar(query.limit(1))
        return None if found is None else int(found)

    # -- transcript and log --------------------------------------------------------------

    async def add_message(
        self,
        case_id: int,
        at: datetime,
        role: str,
        text: str,
        *,
        author: MemberRef | None = None,
        author_name: str | None = None,
        channel: str | None = None,
        message: str | None = None,
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                messages.insert().values(
                    case_id=case_id,
                    at=at,
                    role=role,
                    text=text,
                    author=None if author is None else author.id,
                    author_name=author_name,
                    channel=channel,
                    message=message,
                )
            )

    async def log(
        self, case_id: int, at: datetime, kind: str, actor: str | None, detail: str = ""
    ) -> None:
        async with self.db.transaction() as conn:
            await _event(conn, case_id, at, kind, actor, detail)

    async def transcript(self, case_id: int) -> list[Any]:
        query = select(messages).where(messages.c.case_id == case_id).order_by(messages.c.id)
        async with self.db.read() as conn:
            return list((await conn.execute(query)).mappings().all())

    async def history(self, case_id: int) -> list[Any]:
        query = select(events).where(events.c.case_id == case_id).order_by(events.c.id)
        async with self.db.read() as conn:
            return list((await conn.execute(query)).mappings().all())

    # -- clocks --------------------------------------------------------------------------

    async def start_clock(
        self, case_id: int, kind: str, round_: int, target: timedelta, business: bool, at: datetime
    ) -> Clock:
        values = {
            "case_id": case_id,
            "kind": kind,
            "round": round_,
            "target_seconds": int(target.total_seconds()),
            "business": business,
            "started_at": at,
            "running_since": at,
            "accrued_seconds": 0,
        }
        async with self.db.transaction() as conn:
            await conn.execute(clocks.insert().values(**values))
        return Clock(**values, stopped_at=None, breached_at=None, warned_at=None)  # type: ignore[arg-type]

    async def clocks_of(self, case_id: int) -> list[Clock]:
        query = (
            select(clocks)
            .where(clocks.c.case_id == case_id)
            .order_by(clocks.c.started_at, clocks.c.kind)
        )
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_row(Clock, row) for row in rows]

    async def clock(self, case_id: int, kind: str, round_: int) -> Clock | None:
        query = select(clocks).where(
            clocks.c.case_id == case_id, clocks.c.kind == kind, clocks.c.round == round_
        )
        async with self.db.read() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _row(Clock, row)

    async def set_clock(self, clock: Clock, when: Any = None, **values: Any) -> bool:
        query = (
            update(clocks)
            .where(
                clocks.c.case_id == clock.case_id,
                clocks.c.kind == clock.kind,
                clocks.c.round == clock.round,
            )
            .values(**values)
        )
        if when is not None:
            query = query.where(when)
        async with self.db.transaction() as conn:
            result = await conn.execute(query)
        return bool(result.rowcount)

    async def all_for_metrics(
        self, community: CommunityRef, start: datetime, end: datetime
    ) -> tuple[list[Case], list[Clock]]:
        """Cases opened or closed in ``[start, end)``, or open now, and all their clocks."""
        where = and_(
            *of_community(cases, community),
            cases.c.merged_into.is_(None),
            cases.c.status != DEFLECTED,
            (
                and_(cases.c.opened_at >= start, cases.c.opened_at < end)
                | and_(cases.c.closed_at >= start, cases.c.closed_at < end)
                | cases.c.status.in_(OPEN_STATUSES)
            ),
        )
        async with self.db.read() as conn:
            case_rows = (await conn.execute(select(cases).where(where))).mappings().all()
            ids = [row["id"] for row in case_rows]
            clock_rows = (
                (await conn.execute(select(clocks).where(clocks.c.case_id.in_(ids))))
                .mappings()
                .all()
                if ids
                else []
            )
        return [_row(Case, r) for r in case_rows], [_row(Clock, r) for r in clock_rows]

    # -- privacy -------------------------------------------------------------------------

    async def forget(self, member: MemberRef) -> int:
        """Erase a member's cases (with their transcripts) and their words in others' cases."""
        async with self.db.transaction() as conn:
            own = await conn.execute(
                delete(cases).where(
                    cases.c.platform == member.platform.value, cases.c.requester == member.id
                )
            )
            platform_cases = select(cases.c.id).where(cases.c.platform == member.platform.value)
            words = await conn.execute(
                delete(messages).where(
                    messages.c.author == member.id, messages.c.case_id.in_(platform_cases)
                )
            )
            await conn.execute(
                update(cases)
                .where(cases.c.platform == member.platform.value, cases.c.assignee == member.id)
                .values(assignee=None, assignee_name=None)
            )
            # A helper forgotten: their answers stay counted, no longer by name.
            await conn.execute(
                update(cases)
                .where(
                    cases.c.platform == member.platform.value,
                    cases.c.first_responder == member.id,
                )
                .values(first_responder=None, first_responder_name=None)
            )
        return int(own.rowcount or 0) + int(words.rowcount or 0)


async def _event(
    conn: AsyncConnection, case_id: int, at: datetime, kind: str, actor: str | None, detail: str
) -> None:
    await conn.execute(
        events.insert().values(case_id=case_id, at=at, kind=kind, actor=actor, detail=detail[:500])
    )
