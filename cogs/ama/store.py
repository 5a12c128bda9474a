"""SQL of AMA sessions, questions and upvotes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    func,
    select,
)

from bot.core.ids import CommunityRef, Platform
from bot.storage.database import Database
from bot.storage.erasure import anonymise_votes
from bot.storage.schema import BigId, community_columns, metadata
from bot.storage.types import UtcDateTime

sessions = Table(
    "ama_sessions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    *community_columns(),
    Column("channel", String(64), nullable=False),
    Column("topic", Text, nullable=False),
    Column("host", String(64), nullable=False),
    Column("host_name", Text, nullable=False),
    Column("opened_by", String(64), nullable=False),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("collect_until", UtcDateTime, nullable=False),
    Column("takes_place_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Index("ix_ama_open", "platform", "community", "closed_at"),
)

questions = Table(
    "ama_questions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("session_id", BigId, ForeignKey("ama_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("author", String(64), nullable=False),
    Column("author_name", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("message", String(64)),
    Column("answered_at", UtcDateTime),
    Column("answer_link", Text),
    Column("removed_at", UtcDateTime),
    Column("removed_reason", Text),
    UniqueConstraint("session_id", "number", name="uq_ama_question_number"),
)

upvotes = Table(
    "ama_votes",
    metadata,
    Column(
        "question_id", BigId, ForeignKey("ama_questions.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("member", String(64), primary_key=True),
    Column("voted_at", UtcDateTime, nullable=False),
)

pending = Table(
    "ama_pending",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("session_id", BigId, ForeignKey("ama_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("author", String(64), nullable=False),
    Column("author_name", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("twin_id", BigId, ForeignKey("ama_questions.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
"""Questions held while their author says whether they are the same as ``twin_id``."""


@dataclass(frozen=True, slots=True)
class Pending:
    id: int
    session_id: int
    author: str
    author_name: str
    text: str
    twin_id: int


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    platform: str
    community: str
    channel: str
    topic: str
    host: str
    host_name: str
    collect_until: datetime
    takes_place_at: datetime | None
    closed_at: datetime | None

    @property
    def community_ref(self) -> CommunityRef:
        return CommunityRef(Platform(self.platform), self.community)


@dataclass(frozen=True, slots=True)
class Question:
    id: int
    session_id: int
    number: int
    author: str
    author_name: str
    text: str
    answered_at: datetime | None
    answer_link: str | None
    removed_at: datetime | None
    votes: int = 0


def _session(row: Any) -> Session:
    return Session(**{name: row[name] for name in Session.__slots__})


class AmaStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def open(self, **values: Any) -> int:
        async with self.db.transaction() as conn:
            result = await conn.execute(sessions.insert().values(**values))
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    async def current(self, community: CommunityRef) -> Session | None:
        """The newest AMA of a community that still collects questions."""
        return await self.latest(community, collecting=True)

    async def latest(self, community: CommunityRef, *, collecting: bool = False) -> Session | None:
        """The newest AMA of a community (only one still collecting, with ``collecting``)."""
        query = (
            select(sessions)
            .where(
                sessions.c.platform == community.platform.value,
                sessions.c.community == community.id,
            )
            .order_by(sessions.c.id.desc())
            .limit(1)
        )
        if collecting:
            query = query.where(sessions.c.closed_at.is_(None))
        async with self.db.read() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _session(row)

    async def get(self, session_id: int) -> Session | None:
        async with self.db.read() as conn:
            row = (
                (await conn.execute(select(sessions).where(sessions.c.id == session_id)))
                .mappings()
                .first()
            )
        return None if row is None else _session(row)

    async def close(self, session_id: int, now: datetime) -> bool:
        """Stop collecting; False if it was already closed (the ranked list goes out once)."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                sessions.update()
                .where(sessions.c.id == session_id, sessions.c.closed_at.is_(None))
                .values(closed_at=now)
            )
        return bool(result.rowcount)

    async def reopen(self, session_id: int) -> None:
        """Undo ``close`` after the ranked list could not be posted."""
        async with self.db.transaction() as conn:
            await conn.execute(
                sessions.update().where(sessions.c.id == session_id).values(closed_at=None)
            )

    async def add_question(
        self, session: Session, author: str, author_name: str, text: str, now: datetime
    ) -> Question:
        async with self.db.transaction() as conn:
            number = (
                int(
                    await conn.scalar(
                        select(func.coalesce(func.max(questions.c.number), 0)).where(
                            questions.c.session_id == session.id
                        )
                    )
                    or 0
                )
                + 1
            )
            result = await conn.execute(
                questions.insert().values(
                    session_id=session.id,
                    number=number,
                    author=author,
                    author_name=author_name,
                    text=text,
                    created_at=now,
                )
            )
            question_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        return Question(
            question_id, session.id, number, author, author_name, text, None, None, None
        )

    async def set_message(self, question_id: int, message: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                questions.update().where(questions.c.id == question_id).values(message=message)
            )

    async def questions(self, session_id: int, *, include_removed: bool = False) -> list[Question]:
        """Questions with their upvote counts, most upvoted first (then oldest)."""
        count = func.count(upvotes.c.member)
        query = (
            select(questions, count.label("votes"))
            .select_from(questions.outerjoin(upvotes, upvotes.c.question_id == questions.c.id))
            .where(questions.c.session_id == session_id)
            .group_by(*questions.c)
            .order_by(count.desc(), questions.c.number)
        )
        if not include_removed:
            query = query.where(questions.c.removed_at.is_(None))
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [
            Question(row["id"], row["session_id"], row["number"], row["author"],
                     row["author_name"], row["text"], row["answered_at"], row["answer_link"],
                     row["removed_at"], int(row["votes"]))
            for row in rows
        ]  # fmt: skip

    async def question(self, session_id: int, number: int) -> Question | None:
        for item in await self.questions(session_id, include_removed=True):
            if item.number == number:
                return item
        return None

    async def question_by_id(self, question_id: int) -> Question | None:
        async with self.db.read() as conn:
            session_id = await conn.scalar(
                select(questions.c.session_id).where(questions.c.id == question_id)
            )
        if session_id is None:
            return None
        for item in await self.questions(int(session_id), include_removed=True):
            if item.id == question_id:
                return item
        return None

    async def hold(
        self, session: Session, author: str, author_name: str, text: str, twin: int,
        now: datetime,
    ) -> int:  # fmt: skip
        """Keep a question until its author says whether it is the same as ``twin``."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                pending.insert().values(
                    session_id=session.id, author=author, author_name=author_name, text=text,
                    twin_id=twin, created_at=now,
                )
            )  # fmt: skip
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    async def release(self, pending_id: int, author: str) -> Pending | None:
        """Take a held question out for its author (once: a second press finds nothing).
        Someone else's press leaves it held, under the same id, and gets ``None``."""
        async with self.db.transaction() as conn:
            row = (
                (await conn.execute(select(pending).where(pending.c.id == pending_id)))
                .mappings()
                .first()
            )
            if row is None:
                return None
            found = Pending(**{name: row[name] for name in Pending.__slots__})
            if found.author == author:
                await conn.execute(pending.delete().where(pending.c.id == pending_id))
        return found

    async def question_message(self, question_id: int) -> str | None:
        """The message a question was posted as."""
        async with self.db.read() as conn:
            found = await conn.scalar(
                select(questions.c.message).where(questions.c.id == question_id)
            )
        return None if found is None else str(found)

    async def question_for_message(self, session_id: int, message: str) -> int | None:
        """The question posted as ``message`` in a session, if any."""
        async with self.db.read() as conn:
            found = await conn.scalar(
                select(questions.c.id).where(
                    questions.c.session_id == session_id, questions.c.message == message
                )
            )
        return None if found is None else int(found)

    async def upvote(self, question_id: int, member: str, now: datetime) -> bool:
        """False when the member had already upvoted."""
        return await self.db.insert_new(
            upvotes, question_id=question_id, member=member, voted_at=now
        )

    async def answer(self, question_id: int, link: str, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                questions.update()
                .where(questions.c.id == question_id)
                .values(answered_at=now, answer_link=link)
            )

    async def remove(self, question_id: int, reason: str, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                questions.update()
                .where(questions.c.id == question_id)
                .values(removed_at=now, removed_reason=reason)
            )

    async def forget(self, platform: str, member: str, now: datetime) -> int:
        """Erase a member: their questions lose author and words (kept as removed rows, so
        numbers and others' upvotes stay), their upvotes still count under a fresh anonymous
        id, and sessions they hosted or opened no longer name them."""
        mine = sessions.c.platform == platform
        changed = 0
        async with self.db.transaction() as conn:
            in_platform = select(sessions.c.id).where(mine).scalar_subquery()
            theirs = and_(questions.c.session_id.in_(in_platform), questions.c.author == member)
            await conn.execute(
                questions.update()
                .where(theirs, questions.c.removed_at.is_(None))
                .values(removed_at=now)
            )
            await conn.execute(
                pending.delete().where(
                    pending.c.session_id.in_(in_platform), pending.c.author == member
                )
            )
            asked = await conn.execute(
                questions.update()
                .where(theirs)
                .values(author="", author_name="", text="", removed_reason="erased")
            )
            changed += int(asked.rowcount or 0)
            changed += await anonymise_votes(
                conn,
                upvotes.c.question_id,
                upvotes.c.member,
                member,
                select(questions.c.id).where(questions.c.session_id.in_(in_platform)),
            )
            for column, name in ((sessions.c.host, "host_name"), (sessions.c.opened_by, None)):
                values = {column.key: ""} | ({name: ""} if name else {})
                result = await conn.execute(
                    sessions.update().where(mine, column == member).values(**values)
                )
                changed += int(result.rowcount or 0)
        return changed
