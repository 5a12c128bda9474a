"""Contribution numbers per member, computed from the event log and the feature tables.

Done in Python over plain rows (no date or JSON functions in SQL), so the same code runs on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select

from bot.core.ids import CommunityRef
from bot.storage import schema
from bot.storage.database import Database
from cogs.ama.api import questions as ama_questions
from cogs.ama.api import sessions as ama_sessions
from cogs.polls.api import polls, votes


@dataclass(slots=True)
class Contribution:
    days: set[str] = field(default_factory=set)
    replies: int = 0
    reactors: set[str] = field(default_factory=set)
    ama_questions: int = 0
    quiz_correct: int = 0

    def value(self, name: str) -> int:
        if name == "days_active":
            return len(self.days)
        if name == "reactions_received":
            return len(self.reactors)
        return int(getattr(self, name))


async def contributions(
    db: Database, community: CommunityRef, since: datetime, tz: ZoneInfo
) -> dict[str, Contribution]:
    """Member id -> what they contributed since ``since``."""
    result: dict[str, Contribution] = defaultdict(Contribution)
    events = schema.events
    async with db.read() as conn:
        rows = await conn.execute(
            select(events.c.kind, events.c.member, events.c.occurred_at, events.c.data).where(
                events.c.platform == community.platform.value,
                events.c.community == community.id,
                events.c.occurred_at >= since,
                events.c.kind.in_(("message_posted", "reaction_added")),
            )
        )
        for kind, member, occurred_at, data in rows:
            if member is None:
                continue
            data = data or {}
            if kind == "message_posted":
                item = result[member]
                item.days.add(occurred_at.astimezone(tz).date().isoformat())
                target = data.get("reply_to_member")
                if target and target != member:
                    item.replies += 1
            else:
                author = data.get("message_author")
                if author and author != member:
                    result[author].reactors.add(member)
        asked = await conn.execute(
            select(ama_questions.c.author)
            .select_from(
                ama_questions.join(ama_sessions, ama_sessions.c.id == ama_questions.c.session_id)
            )
            .where(
                ama_sessions.c.platform == community.platform.value,
                ama_sessions.c.community == community.id,
                ama_questions.c.created_at >= since,
                ama_questions.c.removed_at.is_(None),
            )
        )
        for (author,) in asked:
            result[author].ama_questions += 1
        right = await conn.execute(
            select(votes.c.member)
            .select_from(
                votes.join(
                    polls, and_(polls.c.id == votes.c.poll_id, polls.c.correct == votes.c.option)
                )
            )
            .where(
                polls.c.platform == community.platform.value,
                polls.c.community == community.id,
                votes.c.voted_at >= since,
            )
        )
        for (member,) in right:
            result[member].quiz_correct += 1
    return dict(result)
