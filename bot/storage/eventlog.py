"""The event log: every inbound event features see, written in batches.

Metrics are computed from this table. Writes are buffered and flushed when the batch is
full, at least every ``flush_interval`` seconds, and on close, so a clean stop loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.events import (
    Actor,
    BotPosted,
    Event,
    MemberJoined,
    MemberLeft,
    MessagePosted,
    PollVoted,
)
from bot.core.ids import CommunityRef, Platform
from bot.core.permissions import Level
from bot.storage import schema
from bot.storage.database import Database

log = logging.getLogger(__name__)


NOT_ENGAGEMENT = ("onboarding.",)
"""Button actions that only let a newcomer in: pressing them is not engagement."""


def day_flags(kind: str, member: str, data: dict[str, Any]) -> tuple[int, int]:
    """(posted, engaged) of an event row for the daily roll-up: posts, votes, reactions to
    someone else and button presses (onboarding excepted) are engagement; only posts are posting.

    Works on the stored form (kind, member, ``data``), so the live log and ``stats backfill``
    apply the same rules.
    """
    if kind == "message_posted":
        return 1, 1
    if kind == "poll_voted":
        return 0, 1
    if kind == "reaction_added":
        author = data.get("message_author")
        return 0, int(bool(author) and author != member)
    if kind == "button_pressed":
        return 0, int(not str(data.get("action", "")).startswith(NOT_ENGAGEMENT))
    return 0, 0


def stored_data(raw: Any) -> dict[str, Any]:
    """The ``data`` column as a dict, whether the driver gave it parsed or as JSON text."""
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


async def communities(db: Database, since: datetime) -> list[CommunityRef]:
    """Every community with an event logged since ``since``."""
    events = schema.events
    async with db.read() as conn:
        rows = await conn.execute(
            select(events.c.platform, events.c.community)
            .where(events.c.occurred_at >= since)
            .distinct()
        )
        return [CommunityRef(Platform(platform), community) for platform, community in rows]


def actor_class(actor: Actor) -> str:
    """``bot``, or the member's level name (``member``, ``helper``, ``moderator``, ``admin``)."""
    if actor.is_bot:
        return "bot"
    return Level(actor.level).name.lower()


MEMBERS_CACHE = 50_000
"""Member directory rows remembered to skip rewriting unchanged ones (then forgotten)."""
DAYS_CACHE = 100_000
"""(member, day) roll-up pairs remembered; past days are dropped first."""
MAX_TEXT_CHARS = 8192
"""With ``store_text``, what is kept of one message (above every platform's maximum)."""


class EventLog:
    """Buffers event rows and writes them in one transaction per batch."""

    def __init__(
        self,
        db: Database,
        *,
        store_text: bool = False,
        batch_size: int = 500,
        flush_interval: float = 1.0,
    ) -> None:
        self._db = db
        self._store_text = store_text
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._buffer: list[dict[str, Any]] = []
        self._members: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._days: dict[tuple[str, str, str, str], tuple[str, int, int]] = {}
        self._days_written: dict[tuple[str, str, str, str], tuple[int, int]] = {}
        self._known: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._lock = asyncio.Lock()
        self._timer: asyncio.Task[None] | None = None
        self.written = 0

    def start(self) -> None:
        """Start the periodic flush (call inside the running loop)."""
        if self._timer is None:
            self._timer = asyncio.create_task(self._flush_periodically(), name="eventlog-flush")

    async def record(self, event: Event) -> None:
        """Queue one event; flushes when the batch is full."""
        self._buffer.append(self.row(event))
        if len(self._buffer) >= self._batch_size:
            await self.flush()

    def row(self, event: Event) -> dict[str, Any]:
        channel = event.channel_ref
        actor = event.actor
        message = event.message_ref
        data: dict[str, Any] | None = None
        if isinstance(event, BotPosted):
            data = {"buttons": event.buttons}
        elif isinstance(event, PollVoted):
            data = {"poll": event.poll_id, "options": list(event.options)}
        elif isinstance(event, MessagePosted):
            # Length and links (never the text) let metrics tell substantial posts from chatter.
            data = {"chars": len(event.content), "link": "://" in event.content}
            if event.reply_to_author is not None:
                data["reply_to_member"] = event.reply_to_author.id
        elif (reply := getattr(event, "reply_to_author", None)) is not None:
            data = {"reply_to_member": reply.id}
        elif (emoji := getattr(event, "emoji", None)) is not None:
            author = getattr(event, "message_author", None)
            data = {"emoji": emoji, "message_author": author.id if author else None}
        elif (action := getattr(event, "action", None)) is not None:
            data = {"action": action}
        if actor is not None:
            self._note_member(event, actor)
            posted, engaged = day_flags(event.kind, actor.ref.id, data or {})
            if engaged:
                self._note_day(event, actor, posted, engaged)
        target = getattr(event, "reply_to_author", None) or getattr(event, "message_author", None)
        return {
            "kind": event.kind,
            "platform": event.community.platform.value,
            "community": event.community.id,
            "channel": channel.id if channel else None,
            "thread": channel.thread if channel else None,
            "member": actor.ref.id if actor else None,
            "message": message.id if message else None,
            "occurred_at": event.occurred_at,
            "text": event.text[:MAX_TEXT_CHARS] if self._store_text and event.text else None,
            "data": data,
            "actor_class": actor_class(actor) if actor else None,
            "target": target.id if target else None,
        }

    def _note_day(self, event: Event, actor: Actor, posted: int, engaged: int) -> None:
        day = event.occurred_at.astimezone(UTC).date().isoformat()
        key = (event.community.platform.value, event.community.id, day, actor.ref.id)
        klass = actor_class(actor)
        known = self._days_written.get(key)
        if known is not None and known[0] >= posted and known[1] >= engaged:
            return
        pending = self._days.get(key)
        if pending is None or pending[1] < posted or pending[2] < engaged:
            old = pending or (klass, 0, 0)
            self._days[key] = (klass, max(old[1], posted), max(old[2], engaged))

    async def _write_days(
        self, conn: AsyncConnection, days: dict[tuple[str, str, str, str], tuple[str, int, int]]
    ) -> None:
        """Upsert the daily roll-up for (day, member) pairs that are new or gained a flag.

        A few statements per flush, not per pair: one read of the pairs that exist, one bulk
        insert of the new ones, one bulk update of raised flags (a burst of newcomers on a busy
        day would otherwise cost three round trips each).
        """
        table = schema.member_days
        groups: dict[tuple[str, str, str], dict[str, tuple[str, int, int]]] = defaultdict(dict)
        for (platform, community, day, member), value in days.items():
            groups[(platform, community, day)][member] = value
        for (platform, community, day), pending in groups.items():
            where = [table.c.platform == platform, table.c.community == community,
                     table.c.day == day]  # fmt: skip
            existing: dict[str, tuple[int, int]] = {}
            names = list(pending)
            for start in range(0, len(names), 500):
                rows = await conn.execute(
                    select(table.c.member, table.c.posted, table.c.engaged).where(
                        *where, table.c.member.in_(names[start : start + 500])
                    )
                )
                existing.update({member: (posted, engaged) for member, posted, engaged in rows})
            fresh = [
                {"platform": platform, "community": community, "day": day, "member": member,
                 "actor_class": klass, "posted": posted, "engaged": engaged}
                for member, (klass, posted, engaged) in pending.items() if member not in existing
            ]  # fmt: skip
            raised = [
                {"who": member, "new_posted": max(posted, old[0]),
                 "new_engaged": max(engaged, old[1])}
                for member, (_, posted, engaged) in pending.items()
                if (old := existing.get(member)) is not None
                and (posted > old[0] or engaged > old[1])
            ]  # fmt: skip
            if fresh:
                try:
                    async with conn.begin_nested():
                        await conn.execute(table.insert(), fresh)
                except IntegrityError:  # another process wrote some of them first
                    for row in fresh:
                        await self._upsert_day(conn, row)
            if raised:
                await conn.execute(
                    table.update()
                    .where(*where, table.c.member == bindparam("who"))
                    .values(posted=bindparam("new_posted"), engaged=bindparam("new_engaged")),
                    raised,
                )
            for member, (_, posted, engaged) in pending.items():
                self._days_written[(platform, community, day, member)] = (posted, engaged)
        if len(self._days_written) > DAYS_CACHE:
            # Only today's pairs are worth remembering; older days are written already.
            latest = max(key[2] for key in self._days_written)
            self._days_written = {k: v for k, v in self._days_written.items() if k[2] == latest}
            if len(self._days_written) > DAYS_CACHE:
                self._days_written.clear()

    @staticmethod
    async def _upsert_day(conn: AsyncConnection, row: dict[str, Any]) -> None:
        """One pair, raced by another process: raise its flags, or insert it."""
        table = schema.member_days
        key = and_(
            table.c.platform == row["platform"], table.c.community == row["community"],
            table.c.day == row["day"], table.c.member == row["member"],
        )  # fmt: skip
        posted, engaged = row["posted"], row["engaged"]
        changed = await conn.execute(
            table.update()
            .where(key)
            .values(
                posted=case((table.c.posted < posted, posted), else_=table.c.posted),
                engaged=case((table.c.engaged < engaged, engaged), else_=table.c.engaged),
            )
        )
        if not changed.rowcount:
            await conn.execute(table.insert().values(**row))

    def _note_member(self, event: Event, actor: Actor) -> None:
        key = (event.community.platform.value, event.community.id, actor.ref.id)
        pending = self._members.get(key)
        klass = actor_class(actor)
        if pending is None:
            pending = self._members[key] = {"first_seen_at": event.occurred_at}
        pending["name"] = actor.display_name[: schema.MAX_NAME]
        pending["actor_class"] = klass
        if isinstance(event, MemberJoined):
            pending.setdefault("joined_at", event.occurred_at)
            pending["left_at"] = None
        elif isinstance(event, MemberLeft):
            pending["left_at"] = event.occurred_at

    async def flush(self) -> None:
        """Write everything buffered so far."""
        async with self._lock:
            if not self._buffer:
                return
            rows, self._buffer = self._buffer, []
            members, self._members = self._members, {}
            days, self._days = self._days, {}
            try:
                async with self._db.transaction() as conn:
                    await conn.execute(schema.events.insert(), rows)
                    await self._write_members(conn, members)
                    await self._write_days(conn, days)
            except Exception:
                # Keep the rows for the next attempt rather than losing analytics.
                self._buffer[:0] = rows
                for key, value in members.items():
                    self._members.setdefault(key, value)
                for day_key, flags in days.items():
                    self._days.setdefault(day_key, flags)
                raise
            self.written += len(rows)

    async def _write_members(
        self, conn: AsyncConnection, members: dict[tuple[str, str, str], dict[str, Any]]
    ) -> None:
        """Upsert the member directory for what changed (names and classes rarely do): one read
        of the members concerned and one bulk insert of the new ones per community and flush."""
        table = schema.members
        groups: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
        for (platform, community, member), seen in members.items():
            changes: dict[str, Any] = {k: seen[k] for k in ("name", "actor_class") if k in seen}
            if (
                "joined_at" in seen
                or "left_at" in seen
                or self._known.get((platform, community, member)) != changes
            ):
                groups[(platform, community)][member] = seen
            if len(self._known) > MEMBERS_CACHE:
                self._known.clear()
            self._known[(platform, community, member)] = changes
        for (platform, community), pending in groups.items():
            where = [table.c.platform == platform, table.c.community == community]
            names = list(pending)
            rows: dict[str, Any] = {}
            for start in range(0, len(names), 500):
                found = await conn.execute(
                    select(table).where(*where, table.c.member.in_(names[start : start + 500]))
                )
                rows.update({row["member"]: row for row in found.mappings()})
            fresh = [
                {"platform": platform, "community": community, "member": member,
                 "name": seen["name"], "actor_class": seen["actor_class"],
                 "first_seen_at": seen["first_seen_at"], "joined_at": seen.get("joined_at"),
                 "left_at": seen.get("left_at")}
                for member, seen in pending.items() if member not in rows
            ]  # fmt: skip
            if fresh:
                await conn.execute(table.insert(), fresh)
            for member, seen in pending.items():
                row = rows.get(member)
                if row is None:
                    continue
                update: dict[str, Any] = {k: seen[k] for k in ("name", "actor_class") if k in seen}
                if seen.get("joined_at") is not None and row["joined_at"] is None:
                    update["joined_at"] = seen["joined_at"]
                if "left_at" in seen:
                    update["left_at"] = seen["left_at"]
                if any(row[k] != v for k, v in update.items()):
                    await conn.execute(
                        table.update().where(*where, table.c.member == member).values(**update)
                    )

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(self._flush_interval)
            try:
                await self.flush()
            except Exception:
                log.exception("event log flush failed; will retry")

    async def close(self) -> None:
        """Stop the timer and write what is left."""
        if self._timer is not None:
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
            self._timer = None
        await self.flush()

    async def forget(self, platform: str, member: str) -> int:
        """Erase a member from the event log, the member directory and the daily roll-up:
        their own events go; where others replied or reacted to them, the target is cleared.
        Returns how many rows were deleted or changed."""
        await self.flush()
        for cache in (self._members, self._known):
            for key in [k for k in cache if k[0] == platform and k[2] == member]:
                del cache[key]
        for day in [k for k in self._days_written if k[0] == platform and k[3] == member]:
            del self._days_written[day]
        events = schema.events
        changed = 0
        async with self._db.transaction() as conn:
            for table in (schema.members, schema.member_days):
                result = await conn.execute(
                    table.delete().where(table.c.platform == platform, table.c.member == member)
                )
                changed += int(result.rowcount or 0)
            result = await conn.execute(
                events.delete().where(events.c.platform == platform, events.c.member == member)
            )
            changed += int(result.rowcount or 0)
            rows = (
                await conn.execute(
                    select(events.c.id, events.c.data).where(
                        events.c.platform == platform, events.c.target == member
                    )
                )
            ).all()
            for row_id, raw in rows:
                data = {
                    key: value
                    for key, value in stored_data(raw).items()
                    if not (key in ("reply_to_member", "message_author") and value == member)
                }
                await conn.execute(
                    events.update()
                    .where(events.c.id == row_id)
                    .values(target=None, data=data or None)
                )
            changed += len(rows)
        return changed
