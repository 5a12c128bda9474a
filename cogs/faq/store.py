"""SQL of the FAQ: every answer, suggestion, search hit and quick reply, and the votes on them.

One row per bot response (``decision``: answer, suggest, search, quick, silent); ``outcome`` is
set when a member picks a suggestion (``picked``), or when a human replied before a delayed answer
(``human``). These rows are what the FAQ metrics (deflection, usefulness) are computed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    select,
)
from sqlalchemy.exc import IntegrityError

from bot.core.ids import ChannelRef, CommunityRef
from bot.storage.database import Database
from bot.storage.erasure import anonymise_votes
from bot.storage.schema import community_columns, community_of, metadata
from bot.storage.types import UtcDateTime

QUESTION_TEXT_CHARS = 500
"""What is kept of a question's words (the FAQ reads no more of a message)."""

answers = Table(
    "faq_answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    *community_columns(),
    Column("channel", String(64), nullable=False),
    Column("thread", String(64)),
    Column("question_message", String(64)),
    Column("asker", String(64)),
    Column("decision", String(16), nullable=False),
    Column("entry_id", String(40)),
    Column("confidence", Float, nullable=False, server_default="0"),
    Column("candidates", String(200), nullable=False, server_default=""),
    Column("answer_message", String(64)),
    Column("answered_by", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("outcome", String(64)),
    Column("helped", Integer, nullable=False, server_default="0"),
    Column("not_helped", Integer, nullable=False, server_default="0"),
    Column("helpers_told_at", UtcDateTime),
    Column("lang", String(16)),
    Column("question_text", Text),
    Column("reviewed", String(60)),
    Index(
        "ix_faq_answers_channel_entry",
        "platform",
        "community",
        "channel",
        "entry_id",
        "created_at",
    ),
    Index("ix_faq_answers_question", "platform", "community", "question_message"),
)
votes = Table(
    "faq_votes",
    metadata,
    Column(
        "answer_id", Integer, ForeignKey("faq_answers.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("member", String(64), primary_key=True),
    Column("helped", Boolean, nullable=False),
    Column("voted_at", UtcDateTime, nullable=False),
)

seen = Table(
    "faq_seen",
    metadata,
    Column("entry_id", String(40), primary_key=True),
    Column("title", Text, nullable=False),
    Column("first_seen_at", UtcDateTime, nullable=False),
)
"""When each entry id first went into service (the digest lists new entries)."""
FIRST_LOAD = datetime(2000, 1, 1, tzinfo=UTC)
"""Entries present at the very first load are not "new": they predate the bot."""


@dataclass(frozen=True, slots=True)
class AnswerRow:
    id: int
    channel: ChannelRef
    question_message: str | None
    asker: str | None
    decision: str
    entry_id: str | None
    confidence: float
    candidates: tuple[str, ...]
    answer_message: str | None
    created_at: datetime
    outcome: str | None
    helped: int
    not_helped: int
    helpers_told_at: datetime | None
    question_text: str | None = None
    reviewed: str | None = None

    @classmethod
    def of(cls, row: Any) -> AnswerRow:
        community = community_of(row)
        return cls(
            id=int(row["id"]),
            channel=ChannelRef(community, row["channel"], row["thread"]),
            question_message=row["question_message"],
            asker=row["asker"],
            decision=row["decision"],
            entry_id=row["entry_id"],
            confidence=float(row["confidence"]),
            candidates=tuple(c for c in row["candidates"].split(",") if c),
            answer_message=row["answer_message"],
            created_at=row["created_at"],
            outcome=row["outcome"],
            helped=int(row["helped"]),
            not_helped=int(row["not_helped"]),
            helpers_told_at=row["helpers_told_at"],
            question_text=row.get("question_text"),
            reviewed=row.get("reviewed"),
        )


class FaqStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def answered(self, channel: ChannelRef, message: str) -> bool:
        """Whether an entry was given (not only offered) for the question ``message``, or
        pointed to, and nobody said it did not help."""
        query = select(answers.c.id).where(
            answers.c.platform == channel.community.platform.value,
            answers.c.community == channel.community.id,
            answers.c.channel == channel.id,
            answers.c.question_message == message,
            answers.c.decision.in_(("answer", "quick", "pointer")),
            answers.c.not_helped == 0,
        )
        async with self.db.read() as conn:
            return (await conn.scalar(query.limit(1))) is not None

    async def record(
        self,
        channel: ChannelRef,
        *,
        decision: str,
        now: datetime,
        question_message: str | None = None,
        asker: str | None = None,
        entry_id: str | None = None,
        confidence: float = 0.0,
        candidates: tuple[str, ...] = (),
        answer_message: str | None = None,
        answered_by: str | None = None,
        outcome: str | None = None,
        lang: str | None = None,
        question_text: str | None = None,
    ) -> int:
        """Store one response (or a silent decision); returns its id. ``lang`` is the language
        version of the entry shown."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                answers.insert().values(
                    platform=channel.platform.value, community=channel.community.id,
                    channel=channel.id, thread=channel.thread, question_message=question_message,
                    asker=asker, decision=decision, entry_id=entry_id, confidence=confidence,
                    candidates=",".join(candidates), answer_message=answer_message,
                    answered_by=answered_by, created_at=now, outcome=outcome, lang=lang,
                    question_text=question_text[:QUESTION_TEXT_CHARS] if question_text else None,
                )
            )  # fmt: skip
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    async def set_message(self, answer_id: int, message: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                answers.update().where(answers.c.id == answer_id).values(answer_message=message)
            )

    async def get(self, answer_id: int) -> AnswerRow | None:
        async with self.db.read() as conn:
            row = (
                (await conn.execute(select(answers).where(answers.c.id == answer_id)))
                .mappings()
                .first()
            )
        return None if row is None else AnswerRow.of(row)

    async def recent_answer(
        self, channel: ChannelRef, entry_id: str, since: datetime, lang: str | None
    ) -> AnswerRow | None:
        """The latest answer of ``entry_id`` in its ``lang`` version posted in the channel
        since ``since``."""
        query = (
            select(answers)
            .where(
                answers.c.platform == channel.platform.value,
                answers.c.community == channel.community.id,
                answers.c.channel == channel.id,
                answers.c.entry_id == entry_id,
                answers.c.lang.is_(None) if lang is None else answers.c.lang == lang,
                answers.c.created_at >= since,
                answers.c.answer_message.is_not(None),
                answers.c.decision.in_(("answer", "quick", "picked")),
            )
            .order_by(answers.c.created_at.desc(), answers.c.id.desc())
            .limit(1)
        )
        async with self.db.read() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else AnswerRow.of(row)

    async def answered_question(self, community: CommunityRef, message: str) -> bool:
        """Whether a question message already got an answer (any decision but silent)."""
        query = select(answers.c.id).where(
            answers.c.platform == community.platform.value,
            answers.c.community == community.id,
            answers.c.question_message == message,
            answers.c.decision != "silent",
            answers.c.answer_message.is_not(None),
        )
        async with self.db.read() as conn:
            return (await conn.execute(query.limit(1))).first() is not None

    async def set_outcome(self, answer_id: int, outcome: str, *, only_if_unset: bool) -> bool:
        """Set the outcome; with ``only_if_unset`` it is claimed once (False if already set)."""
        conditions: list[Any] = [answers.c.id == answer_id]
        if only_if_unset:
            conditions.append(answers.c.outcome.is_(None))
        async with self.db.transaction() as conn:
            result = await conn.execute(
                answers.update().where(and_(*conditions)).values(outcome=outcome)
            )
        return bool(result.rowcount)

    async def vote(self, answer_id: int, member: str, helped: bool, now: datetime) -> bool:
        """One vote per member and answer; False if the member had voted already."""
        column = answers.c.helped if helped else answers.c.not_helped
        try:
            async with self.db.transaction() as conn:
                await conn.execute(
                    votes.insert().values(
                        answer_id=answer_id, member=member, helped=helped, voted_at=now
                    )
                )
                await conn.execute(
                    answers.update()
                    .where(answers.c.id == answer_id)
                    .values({column.name: column + 1})
                )
        except IntegrityError:
            return False
        return True

    async def claim_helpers(self, answer_id: int, now: datetime) -> bool:
        """True the first time helpers are told about this answer."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                answers.update()
                .where(answers.c.id == answer_id, answers.c.helpers_told_at.is_(None))
                .values(helpers_told_at=now)
            )
        return bool(result.rowcount)

    async def summary(self, community: CommunityRef, since: datetime) -> dict[str, int]:
        """Counts per decision and votes since ``since`` (for /faq stats and the metrics)."""
        query = select(answers).where(
            answers.c.platform == community.platform.value,
            answers.c.community == community.id,
            answers.c.created_at >= since,
        )
        counts: dict[str, int] = {"helped": 0, "not_helped": 0}
        async with self.db.read() as conn:
            for row in (await conn.execute(query)).mappings():
                counts[row["decision"]] = counts.get(row["decision"], 0) + 1
                counts["helped"] += int(row["helped"])
                counts["not_helped"] += int(row["not_helped"])
        return counts

    async def note_entries(self, titles: dict[str, str], now: datetime) -> None:
        """Remember when each entry id first went into service."""
        async with self.db.transaction() as conn:
            known = {row[0] for row in await conn.execute(select(seen.c.entry_id))}
            first_load = not known
            fresh = [
                {"entry_id": entry_id, "title": title[:500],
                 "first_seen_at": FIRST_LOAD if first_load else now}
                for entry_id, title in titles.items() if entry_id not in known
            ]  # fmt: skip
            if fresh:
                await conn.execute(seen.insert(), fresh)

    async def new_entries(self, start: datetime, end: datetime) -> list[tuple[str, str]]:
        """(id, title) of entries that went into service in ``[start, end)``."""
        query = (
            select(seen.c.entry_id, seen.c.title)
            .where(seen.c.first_seen_at >= start, seen.c.first_seen_at < end)
            .order_by(seen.c.first_seen_at, seen.c.entry_id)
        )
        async with self.db.read() as conn:
            return [(entry_id, title) for entry_id, title in await conn.execute(query)]

    async def forget(self, platform: str, member: str) -> int:
        """Erase a member: answers keep their numbers (the FAQ metrics stay true) without
        naming who asked or who answered; 👍/👎 votes count on under a fresh anonymous id."""
        changed = 0
        async with self.db.transaction() as conn:
            await conn.execute(  # their words leave the review queue with them
                answers.update()
                .where(answers.c.platform == platform, answers.c.asker == member)
                .values(question_text=None)
            )
            for column in (answers.c.asker, answers.c.answered_by):
                result = await conn.execute(
                    answers.update()
                    .where(answers.c.platform == platform, column == member)
                    .values({column.key: None})
                )
                changed += int(result.rowcount or 0)
            changed += await anonymise_votes(
                conn,
                votes.c.answer_id,
                votes.c.member,
                member,
                select(answers.c.id).where(answers.c.platform == platform),
            )
        return changed
