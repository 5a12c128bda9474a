"""Derive, for events logged before they existed, what the event log now keeps alongside:
the member directory, the ``target`` column and the daily roll-up (``member_days``).

Idempotent and safe to run on a live database: it only fills what is missing (roll-up flags
are raised, never lowered; directory rows are inserted, never overwritten).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, bindparam, select

from bot.storage import schema
from bot.storage.database import Database
from bot.storage.eventlog import EventLog, day_flags, stored_data


@dataclass(slots=True)
class BackfillResult:
    events: int = 0
    targets: int = 0
    days: int = 0
    members: int = 0


async def backfill(
    db: Database, *, batch: int = 20_000, progress: Callable[[int], None] | None = None
) -> BackfillResult:
    result = BackfillResult()
    events = schema.events
    writer = EventLog(db)
    last_id = 0
    while True:
        async with db.read() as conn:
            rows = (
                await conn.execute(
                    select(
                        events.c.id, events.c.kind, events.c.platform, events.c.community,
                        events.c.member, events.c.occurred_at, events.c.data,
                        events.c.actor_class, events.c.target,
                    )
                    .where(events.c.id > last_id)
                    .order_by(events.c.id)
                    .limit(batch)
                )
            ).all()  # fmt: skip
        if not rows:
            return result
        last_id = int(rows[-1][0])
        days: dict[tuple[str, str, str, str], tuple[str, int, int]] = {}
        seen: dict[tuple[str, str, str], dict[str, Any]] = {}
        targets: list[dict[str, Any]] = []
        for number, kind, platform, community, member, at, raw, klass, target in rows:
            result.events += 1
            if member is None:
                continue
            data = stored_data(raw)
            if target is None:
                found = data.get("reply_to_member") or data.get("message_author")
                if found:
                    targets.append({"row": number, "found": str(found)})
            klass = klass or "member"
            key = (platform, community, member)
            entry = seen.setdefault(key, {"first_seen_at": at, "actor_class": klass})
            if kind == "member_joined":
                entry.setdefault("joined_at", at)
            elif kind == "member_left":
                entry["left_at"] = at
            posted, engaged = day_flags(kind, member, data)
            if engaged:
                day_key = (platform, community, at.astimezone(UTC).date().isoformat(), member)
                old = days.get(day_key, (klass, 0, 0))
                days[day_key] = (klass, max(old[1], posted), max(old[2], engaged))
        async with db.transaction() as conn:
            if targets:
                await conn.execute(
                    events.update()
                    .where(events.c.id == bindparam("row"))
                    .values(target=bindparam("found")),
                    targets,
                )
            await writer._write_days(conn, days)
            result.members += await _insert_missing_members(conn, seen)
        result.targets += len(targets)
        result.days += len(days)
        if progress is not None:
            progress(result.events)


async def _insert_missing_members(
    conn: Any, seen: dict[tuple[str, str, str], dict[str, Any]]
) -> int:
    table = schema.members
    added = 0
    for (platform, community, member), entry in seen.items():
        key = and_(table.c.platform == platform, table.c.community == community,
                   table.c.member == member)  # fmt: skip
        if (await conn.execute(select(table.c.member).where(key))).first() is not None:
            continue
        first: datetime = entry["first_seen_at"]
        await conn.execute(
            table.insert().values(
                platform=platform, community=community, member=member, name=member,
                actor_class=entry["actor_class"], first_seen_at=first,
                joined_at=entry.get("joined_at"), left_at=entry.get("left_at"),
            )
        )  # fmt: skip
        added += 1
    return added
