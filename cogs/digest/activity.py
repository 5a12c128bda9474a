"""What happened in a community during a period, read once from the event log and the feature
tables; the hero, the digest and the metrics are computed from it in Python.

Plain rows and portable SQL only (no date or JSON functions), so SQLite and PostgreSQL agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select

from bot.core.ids import CommunityRef
from bot.storage import schema
from bot.storage.database import Database
from cogs.ama.store import questions as ama_questions
from cogs.ama.store import sessions as ama_sessions
from cogs.ama.store import upvotes as ama_upvotes
from cogs.moderation.store import cases
from cogs.polls.store import polls, votes

KINDS = (
    "message_posted",
    "reaction_added",
    "reaction_removed",
    "member_joined",
    "member_left",
    "button_pressed",
    "poll_voted",
    "command_invoked",
)


@dataclass(frozen=True, slots=True)
class Row:
    kind: str
    member: str
    channel: str | None
    message: str | None
    at: datetime
    data: dict[str, Any]
    actor_class: str
    text: str | None


@dataclass(frozen=True, slots=True)
class MemberInfo:
    name: str
    actor_class: str
    first_seen_at: datetime
    joined_at: datetime | None
    left_at: datetime | None


@dataclass(slots=True)
class Activity:
    """Rows of one community in ``[start, end)``, plus what the features stored about them."""

    community: CommunityRef
    start: datetime
    end: datetime
    rows: list[Row] = field(default_factory=list)
    members: dict[str, MemberInfo] = field(default_factory=dict)
    violations: dict[str, int] = field(default_factory=dict)
    """Member -> moderation cases in the period that were not revoked."""
    ama_upvotes: list[tuple[str, str, str]] = field(default_factory=list)
    """(question author, voter, question text) for upvotes in the period."""
    quiz_correct: list[str] = field(default_factory=list)
    """One member id per right quiz answer in the period."""

    def name(self, member: str) -> str:
        info = self.members.get(member)
        return info.name if info else member


async def load_activity(
    db: Database, community: CommunityRef, start: datetime, end: datetime
) -> Activity:
    activity = Activity(community, start, end)
    events = schema.events
    where = and_(
        events.c.platform == community.platform.value,
        events.c.community == community.id,
        events.c.occurred_at >= start,
        events.c.occurred_at < end,
        events.c.kind.in_(KINDS),
    )
    query = (
        select(
            events.c.kind,
            events.c.member,
            events.c.channel,
            events.c.message,
            events.c.occurred_at,
            events.c.data,
            events.c.actor_class,
            events.c.text,
        )
        .where(where)
        .order_by(events.c.occurred_at, events.c.id)
    )
    members = schema.members
    async with db.read() as conn:
        result = await conn.execute(query)
        activity.rows = [
            Row(kind, member, channel, message, at, data or {}, actor_class or "member", text)
            for kind, member, channel, message, at, data, actor_class, text in result
            if member is not None
        ]
        for row in (
            await conn.execute(
                select(members).where(
                    members.c.platform == community.platform.value,
                    members.c.community == community.id,
                )
            )
        ).mappings():
            activity.members[row["member"]] = MemberInfo(
                row["name"],
                row["actor_class"],
                row["first_seen_at"],
                row["joined_at"],
                row["left_at"],
            )
        found = await conn.execute(
            select(cases.c.member).where(
                cases.c.platform == community.platform.value,
                cases.c.community == community.id,
                cases.c.created_at >= start,
                cases.c.created_at < end,
                cases.c.revoked_at.is_(None),
                cases.c.action.in_(("warn", "mute", "kick", "ban")),
            )
        )
        for (member,) in found:
            activity.violations[member] = activity.violations.get(member, 0) + 1
        upvoted = await conn.execute(
            select(ama_questions.c.author, ama_upvotes.c.member, ama_questions.c.text)
            .select_from(
                ama_upvotes.join(
                    ama_questions, ama_questions.c.id == ama_upvotes.c.question_id
                ).join(ama_sessions, ama_sessions.c.id == ama_questions.c.session_id)
            )
            .where(
                ama_sessions.c.platform == community.platform.value,
                ama_sessions.c.community == community.id,
                ama_upvotes.c.voted_at >= start,
                ama_upvotes.c.voted_at < end,
                ama_questions.c.removed_at.is_(None),
            )
        )
        activity.ama_upvotes = [(a, v, t) for a, v, t in upvoted]
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
                votes.c.voted_at >= start,
                votes.c.voted_at < end,
            )
        )
        activity.quiz_correct = [member for (member,) in right]
    return activity
