"""What happened in a community during a period, as the hero and the digest need it.

The heavy lifting is SQL grouping (reactions are netted per reactor and message in the
database), so a week of a 20,000-member community reads tens of thousands of rows, not the raw
log. Portable SQL only (no date or JSON functions): SQLite and PostgreSQL agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select

from bot.core.ids import CommunityRef
from bot.storage import schema
from bot.storage.database import Database
from bot.storage.schema import of_community
from cogs.ama.api import questions as ama_questions
from cogs.ama.api import sessions as ama_sessions
from cogs.ama.api import upvotes as ama_upvotes
from cogs.moderation.api import cases
from cogs.polls.api import polls, votes

STAFF = ("helper", "moderator", "admin", "bot")


@dataclass(frozen=True, slots=True)
class Reaction:
    """A member's standing reaction(s) on a message (added minus removed is positive)."""

    reactor: str
    message: str
    author: str
    at: datetime
    order: int = 0
    """Arrival order (the event log's id): events in the same second keep it."""


@dataclass(frozen=True, slots=True)
class Reply:
    author: str
    asker: str
    text: str | None


@dataclass(slots=True)
class Activity:
    community: CommunityRef
    start: datetime
    end: datetime
    replies: dict[str, Reply] = field(default_factory=dict)
    """Message id -> a reply to another member's message."""
    reactions: list[Reaction] = field(default_factory=list)
    staff: set[str] = field(default_factory=set)
    """Bots and the team: in the directory now, or acting as such during the period."""
    bots: set[str] = field(default_factory=set)
    joined: dict[str, datetime] = field(default_factory=dict)
    """Members who joined shortly before or during the period, and when."""
    first_post: dict[str, datetime] = field(default_factory=dict)
    """When those members first posted a message."""
    violations: dict[str, int] = field(default_factory=dict)
    ama_upvotes: list[tuple[str, str, str]] = field(default_factory=list)
    """(question author, voter, question text) for upvotes in the period."""
    quiz_correct: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    def name(self, member: str) -> str:
        return self.names.get(member, member)


async def load_activity(
    db: Database,
    community: CommunityRef,
    start: datetime,
    end: datetime,
    *,
    joined_since: timedelta = timedelta(hours=24),
) -> Activity:
    """What the hero scoring reads for ``[start, end)``. ``joined_since``: how long before
    ``start`` a join still makes an account "fresh" (the hero's ``new_member_hours``); only
    those accounts' first posts are looked up."""
    activity = Activity(community, start, end)
    events = schema.events
    window = [
        *of_community(events, community),
        events.c.occurred_at >= start,
        events.c.occurred_at < end,
    ]
    members = schema.members
    net = func.sum(case((events.c.kind == "reaction_added", 1), else_=-1))
    async with db.read() as conn:
        replies = await conn.execute(
            select(events.c.message, events.c.member, events.c.target, events.c.text).where(
                *window,
                events.c.kind == "message_posted",
                events.c.target.is_not(None),
                events.c.target != events.c.member,
                events.c.message.is_not(None),
            )
        )
        activity.replies = {m: Reply(a, t, x) for m, a, t, x in replies}
        reactions = await conn.execute(
            select(
                events.c.member,
                events.c.message,
                events.c.target,
                func.min(events.c.occurred_at),
                func.min(events.c.id),
            )
            .where(
                *window,
                events.c.kind.in_(("reaction_added", "reaction_removed")),
                events.c.target.is_not(None),
                events.c.message.is_not(None),
            )
            .group_by(events.c.member, events.c.message, events.c.target)
            .having(net > 0)
        )
        activity.reactions = [Reaction(r, m, a, at, int(n)) for r, m, a, at, n in reactions]
        staff = await conn.execute(
            select(members.c.member, members.c.actor_class).where(
                *of_community(members, community), members.c.actor_class.in_(STAFF)
            )
        )
        acting = await conn.execute(
            select(events.c.member, events.c.actor_class)
            .where(*window, events.c.actor_class.in_(STAFF))
            .distinct()
        )
        for member, klass in [*staff, *acting]:
            if member:
                activity.staff.add(member)
                if klass == "bot":
                    activity.bots.add(member)
        joined = (
            await conn.execute(
                select(members.c.member, members.c.joined_at, members.c.first_seen_at).where(
                    *of_community(members, community),
                    members.c.joined_at >= start - joined_since,
                )
            )
        ).all()
        activity.joined = {member: at for member, at, _ in joined}
        if activity.joined:
            newcomers = sorted(activity.joined)
            # Nobody posted before the bot first saw them: the first posts are looked for from
            # there on (an index range), not in the whole log.
            seen_from = min(seen or at for _, at, seen in joined)
            for chunk in range(0, len(newcomers), 500):
                posted = await conn.execute(
                    select(events.c.member, func.min(events.c.occurred_at))
                    .where(
                        *of_community(events, community), events.c.kind == "message_posted",
                        events.c.member.in_(newcomers[chunk : chunk + 500]),
                        events.c.occurred_at >= seen_from, events.c.occurred_at < end,
                    )
                    .group_by(events.c.member)
                )  # fmt: skip
                activity.first_post.update({member: at for member, at in posted})
        found = await conn.execute(
            select(cases.c.member).where(
                *of_community(cases, community),
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
                *of_community(ama_sessions, community),
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
                *of_community(polls, community), votes.c.voted_at >= start, votes.c.voted_at < end
            )
        )
        activity.quiz_correct = [member for (member,) in right]
    return activity


async def load_names(db: Database, community: CommunityRef, ids: set[str]) -> dict[str, str]:
    """Display names of a few members (the hero, the best answers)."""
    if not ids:
        return {}
    members = schema.members
    async with db.read() as conn:
        rows = await conn.execute(
            select(members.c.member, members.c.name).where(
                *of_community(members, community), members.c.member.in_(sorted(ids))
            )
        )
        return {member: name for member, name in rows}
