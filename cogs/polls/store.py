"""SQL of polls: the poll rows and mirrored votes (one row per member and option)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    func,
    select,
)

from bot.core.ids import CommunityRef, Platform
from bot.storage.database import Database
from bot.storage.erasure import anonymise_votes
from bot.storage.schema import BigId, community_columns, metadata
from bot.storage.types import UtcDateTime

polls = Table(
    "polls",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    *community_columns(),
    Column("channel", String(64), nullable=False),
    Column("thread", String(64)),
    Column("message", String(64)),
    Column("native_id", String(100)),
    Column("kind", String(20), nullable=False),
    Column("question", Text, nullable=False),
    Column("options", JSON, nullable=False),
    Column("multiple", Boolean, nullable=False),
    Column("anonymous", Boolean, nullable=False),
    Column("correct", Integer),
    Column("explanation", Text),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("closes_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime),
    Column("results_message", String(64)),
    Index("ix_polls_native", "platform", "native_id"),
    Index("ix_polls_message", "platform", "community", "message"),
)

votes = Table(
    "poll_votes",
    metadata,
    Column("poll_id", BigId, ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("option", Integer, primary_key=True),
    Column("voted_at", UtcDateTime, nullable=False),
)


SENDING = ""
"""``results_message`` while the results are being posted."""


@dataclass(frozen=True, slots=True)
class Poll:
    id: int
    platform: str
    community: str
    channel: str
    thread: str | None
    message: str | None
    native_id: str | None
    kind: str
    question: str
    options: list[str]
    multiple: bool
    anonymous: bool
    correct: int | None
    explanation: str | None
    created_by: str
    closes_at: datetime
    closed_at: datetime | None
    results_message: str | None

    @property
    def community_ref(self) -> CommunityRef:
        return CommunityRef(Platform(self.platform), self.community)


def _poll(row: Any) -> Poll:
    return Poll(**{name: row[name] for name in Poll.__slots__})


class PollStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, **values: Any) -> int:
        async with self.db.transaction() as conn:
            result = await conn.execute(polls.insert().values(**values))
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    async def set_message(self, poll_id: int, message: str, native_id: str | None) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                polls.update()
                .where(polls.c.id == poll_id)
                .values(message=message, native_id=native_id)
            )

    async def get(self, poll_id: int) -> Poll | None:
        async with self.db.read() as conn:
            row = (
                (await conn.execute(select(polls).where(polls.c.id == poll_id))).mappings().first()
            )
        return None if row is None else _poll(row)

    async def by_native(self, platform: str, native_id: str) -> Poll | None:
        async with self.db.read() as conn:
            row = (
                (
                    await conn.execute(
                        select(polls).where(
                            polls.c.platform == platform, polls.c.native_id == native_id
                        )
                    )
                )
                .mappings()
                .first()
            )
        return None if row is None else _poll(row)

    async def by_message(self, community: CommunityRef, message: str) -> Poll | None:
        async with self.db.read() as conn:
            row = (
                (
                    await conn.execute(
                        select(polls).where(
                            polls.c.platform == community.platform.value,
                            polls.c.community == community.id,
                            polls.c.message == message,
                        )
                    )
                )
                .mappings()
                .first()
            )
        return None if row is None else _poll(row)

    async def created_since(self, community: CommunityRef, member: str, since: datetime) -> int:
        async with self.db.read() as conn:
            count = await conn.scalar(
                select(func.count()).where(
                    polls.c.platform == community.platform.value,
                    polls.c.community == community.id,
                    polls.c.created_by == member,
                    polls.c.created_at >= since,
                )
            )
        return int(count or 0)

    async def vote(
        self, poll: Poll, member: str, options: list[int], now: datetime, *, toggle: bool = False
    ) -> list[int]:
        """Set (or, with ``toggle``, flip) a member's choice; returns their options after it.

        Committed before the member is told. Refused (returns None-like []) once closed.
        """
        key = and_(votes.c.poll_id == poll.id, votes.c.member == member)
        async with self.db.transaction() as conn:
            closed = await conn.scalar(select(polls.c.closed_at).where(polls.c.id == poll.id))
            if closed is not None:
                raise PollClosed(poll.id)
            current = set((await conn.execute(select(votes.c.option).where(key))).scalars().all())
            chosen = current ^ set(options) if toggle else set(options)
            await conn.execute(votes.delete().where(key))
            for option in sorted(chosen):
                await conn.execute(
                    votes.insert().values(
                        poll_id=poll.id, member=member, option=option, voted_at=now
                    )
                )
        return sorted(chosen)

    async def counts(self, poll: Poll) -> tuple[list[int], int]:
        """Votes per option and the number of distinct voters."""
        async with self.db.read() as conn:
            rows = (
                await conn.execute(
                    select(votes.c.option, func.count())
                    .where(votes.c.poll_id == poll.id)
                    .group_by(votes.c.option)
                )
            ).all()
            voters = await conn.scalar(
                select(func.count(func.distinct(votes.c.member))).where(votes.c.poll_id == poll.id)
            )
        counts = [0] * len(poll.options)
        for option, count in rows:
            if 0 <= option < len(counts):
                counts[option] = int(count)
        return counts, int(voters or 0)

    async def member_options(self, poll: Poll, member: str) -> list[int]:
        async with self.db.read() as conn:
            return sorted(
                (
                    await conn.execute(
                        select(votes.c.option).where(
                            votes.c.poll_id == poll.id, votes.c.member == member
                        )
                    )
                )
                .scalars()
                .all()
            )

    async def voters_of(self, poll: Poll, option: int) -> list[str]:
        async with self.db.read() as conn:
            return [
                str(m)
                for m in (
                    await conn.execute(
                        select(votes.c.member).where(
                            votes.c.poll_id == poll.id, votes.c.option == option
                        )
                    )
                ).scalars()
            ]

    async def claim_close(self, poll_id: int, now: datetime) -> bool:
        """Mark a poll closed; False if it already was (so results go out once)."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                polls.update()
                .where(polls.c.id == poll_id, polls.c.closed_at.is_(None))
                .values(closed_at=now)
            )
        return bool(result.rowcount)

    async def claim_results(self, poll_id: int) -> bool:
        """Claim the one post of a poll's results (marked as being sent); False when it was
        claimed before. A post whose process died before recording it is never repeated."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                polls.update()
                .where(polls.c.id == poll_id, polls.c.results_message.is_(None))
                .values(results_message=SENDING)
            )
        return bool(result.rowcount)

    async def release_results(self, poll_id: int) -> None:
        """The post failed (the platform said so): it may be tried again."""
        async with self.db.transaction() as conn:
            await conn.execute(
                polls.update()
                .where(polls.c.id == poll_id, polls.c.results_message == SENDING)
                .values(results_message=None)
            )

    async def set_results_message(self, poll_id: int, message: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                polls.update().where(polls.c.id == poll_id).values(results_message=message)
            )

    async def forget(self, platform: str, member: str) -> int:
        """Erase a member: their votes still count (results stay true) under a fresh
        anonymous id per poll, and the polls they started no longer name them."""
        async with self.db.transaction() as conn:
            voted = await anonymise_votes(
                conn,
                votes.c.poll_id,
                votes.c.member,
                member,
                select(polls.c.id).where(polls.c.platform == platform),
            )
            started = await conn.execute(
                polls.update()
                .where(polls.c.platform == platform, polls.c.created_by == member)
                .values(created_by="")
            )
        return voted + int(started.rowcount or 0)


class PollClosed(Exception):
    """Votes arrive after the poll closed."""
