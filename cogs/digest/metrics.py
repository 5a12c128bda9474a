"""Dialogue metrics from the event log (defined for readers in ``docs/metrics.md``).

- **Active share** (B1): distinct members (not bots, not the team) who *communicated* (posted a
  message) or *engaged* (posted, reacted to someone else, voted, pressed a bot button other than
  onboarding) in the 7 and 28 days before ``end``, over the members known in that window (seen in
  the event log and not gone before it started). Departure: the denominator is the members the bot
  has seen, not the platform's member count (which counts bots and lurkers the bot never saw).
- **UGC** (B2/B3): messages by members that are replies to others, 200+ characters, or carry a
  link; *useful* when 3+ distinct other members reacted or the asker reacted to the reply.
- **Retention** (B4): members whose first join falls in a cohort; *D7* = engaged again 7–14 days
  after joining (W1 bracket), *D30* = 30–60 days (M1), counted in UTC calendar days (Amplitude's
  calendar mode). Only cohorts whose whole window has elapsed count.
- **FAQ**: deflection = questions the bot answered (answer, picked suggestion) and nobody marked
  "didn't help" ÷ questions it saw; usefulness = 👍 ÷ (👍 + 👎).
- **Next step** (C5): share of the bot's public posts with a button; conversion = share of
  those posts on which at least one member pressed a button (at most 100 %); ``step_takers``
  counts the (member, post) pairs.
- **Turnout**: distinct voters per poll (and quiz) closed in the period ÷ members engaged in the
  period (voters included).

**Windows**, one definition everywhere (``/stats``, the weekly report, ``stats export``, the
digest): ``[start, end)`` to the second, ``start`` counted back from ``end`` on the community's
wall clock (``window_start``), so the digest's week is Monday 10:00 to Monday 10:00 local time
even across a daylight-saving change. Active share and engagement read the daily roll-up the
event log keeps (``member_days``, one row per member and UTC day) for the whole days inside a
window and the events themselves for the partial days at its edges, so they count exactly what
the other metrics count. Retention alone is in UTC calendar days (see above). The rest is
grouped by the database with portable SQL (no date or JSON functions).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import String, case, func, or_, select, type_coerce

from bot.core.ids import CommunityRef
from bot.storage import schema
from bot.storage.database import Database
from bot.storage.eventlog import day_flags, stored_data
from bot.storage.schema import of_community
from cogs.digest.figures import Metrics
from cogs.faq.api import answers as faq_answers
from cogs.polls.api import polls, votes

__all__ = ["Metrics", "compute"]

STAFF = frozenset({"helper", "moderator", "admin", "bot"})
UGC_CHARS = 200


async def compute(
    db: Database, community: CommunityRef, end: datetime, days: float = 7, tz: tzinfo = UTC
) -> Metrics:
    """Metrics for the ``days`` before ``end`` (active share also over 7 and 28 days).

    Every window is ``[start, end)`` to the second, its start counted back in the community's
    wall-clock time (``tz``), so a week is always Monday 10:00 to Monday 10:00 there, also
    across a daylight-saving change.
    """
    start = window_start(end, days, tz)
    metrics = Metrics(start, end)
    async with db.read() as conn:
        counter = _Counter(conn, community, await _staff(conn, community))
        week, month = window_start(end, 7, tz), window_start(end, 28, tz)
        monthly = await counter.active(month, end)
        weekly = await counter.active(week, end)
        period = weekly if start == week else monthly if start == month else None
        if period is None:
            period = await counter.active(start, end)
        counter.engaged_in_period = period.engaged
        metrics.communicators_28d, metrics.engaged_28d = len(monthly.posted), len(monthly.engaged)
        metrics.communicators_7d, metrics.engaged_7d = len(weekly.posted), len(weekly.engaged)
        metrics.communicators, metrics.engaged = len(period.posted), len(period.engaged)
        metrics.members = await counter.known(week, end)
        metrics.members_28d = await counter.known(month, end)
        metrics.members_in_period = await counter.known(start, end)
        metrics.new_members = await counter.joined(start, end)
        await counter.ugc(metrics)
        await counter.retention(metrics)
        await counter.faq(metrics)
        await counter.next_steps(metrics)
        await counter.turnout(metrics)
    return metrics


def window_start(end: datetime, days: float, tz: tzinfo = UTC) -> datetime:
    """``days`` before ``end`` on the community's wall clock (a week across a clock change is
    167 or 169 hours), in UTC."""
    local = end.astimezone(tz)
    return (local - timedelta(days=days)).astimezone(UTC)


async def _staff(conn: Any, community: CommunityRef) -> set[str]:
    members = schema.members
    rows = await conn.execute(
        select(members.c.member).where(
            *of_community(members, community), members.c.actor_class.in_(STAFF)
        )
    )
    return {member for (member,) in rows}


@dataclass(slots=True)
class Active:
    posted: set[str] = field(default_factory=set)
    engaged: set[str] = field(default_factory=set)


class _Counter:
    """The queries behind the metrics, for one community and its team."""

    def __init__(self, conn: Any, community: CommunityRef, staff: set[str]) -> None:
        self.conn = conn
        self.community = community
        self.staff = staff
        self.events = schema.events
        # The JSON column read as text: parsed only for the few rows that need it.
        self.raw_data = type_coerce(self.events.c.data, String)
        self.engaged_in_period: set[str] = set()

    def window(self, since: datetime, end: datetime) -> list[Any]:
        events = self.events
        return [*of_community(events, self.community), events.c.occurred_at >= since,
                events.c.occurred_at < end]  # fmt: skip

    def by_members(self) -> list[Any]:
        events = self.events
        conditions = [events.c.member.is_not(None), events.c.actor_class == "member"]
        if self.staff:
            conditions.append(events.c.member.not_in(sorted(self.staff)))
        return conditions

    async def active(self, since: datetime, end: datetime) -> Active:
        """Who posted and who engaged in ``[since, end)``, to the second.

        Whole UTC days inside the window come from the daily roll-up the event log keeps
        (``member_days``: one row per member and day instead of every event); the partial days
        at its edges from the events themselves, with the roll-up's own rules (``day_flags``).
        """
        first_full, last_full = _next_midnight(since), _day(end)
        active = Active()
        if first_full < last_full:
            table = schema.member_days
            conditions = [
                *of_community(table, self.community), table.c.day >= _day_key(first_full),
                table.c.day < _day_key(last_full), table.c.actor_class == "member",
                table.c.engaged > 0,
            ]  # fmt: skip
            if self.staff:
                conditions.append(table.c.member.not_in(sorted(self.staff)))
            rows = await self.conn.execute(
                select(table.c.member, func.max(table.c.posted))
                .where(*conditions)
                .group_by(table.c.member)
            )
            for member, posted in rows:
                active.engaged.add(member)
                if posted:
                    active.posted.add(member)
            edges = [(since, first_full), (last_full, end)]
        else:
            edges = [(since, end)]
        for edge_start, edge_end in edges:
            if edge_start < edge_end:
                await self._active_events(edge_start, edge_end, active)
        return active

    async def _active_events(self, since: datetime, end: datetime, into: Active) -> None:
        events = self.events
        button = events.c.kind == "button_pressed"
        rows = await self.conn.execute(
            select(
                events.c.kind, events.c.member, events.c.target,
                case((button, self.raw_data), else_=None),
            ).where(
                *self.window(since, end), *self.by_members(),
                events.c.kind.in_(("message_posted", "poll_voted", "reaction_added",
                                   "button_pressed")),
            )
        )  # fmt: skip
        for kind, member, target, raw in rows:
            data = stored_data(raw) if raw is not None else {"message_author": target}
            posted, engaged = day_flags(kind, member, data)
            if engaged:
                into.engaged.add(member)
            if posted:
                into.posted.add(member)

    async def known(self, since: datetime, end: datetime) -> int:
        """Members seen before ``end`` and not gone before ``since`` (the team excluded)."""
        members = schema.members
        count = await self.conn.scalar(
            select(func.count()).select_from(members).where(
                *of_community(members, self.community), members.c.actor_class == "member",
                members.c.first_seen_at < end,
                or_(members.c.left_at.is_(None), members.c.left_at >= since),
            )
        )  # fmt: skip
        return int(count or 0)

    async def joined(self, since: datetime, end: datetime) -> int:
        members = schema.members
        count = await self.conn.scalar(
            select(func.count()).select_from(members).where(
                *of_community(members, self.community), members.c.actor_class == "member",
                members.c.joined_at >= since, members.c.joined_at < end,
            )
        )  # fmt: skip
        return int(count or 0)

    async def ugc(self, metrics: Metrics) -> None:
        events = self.events
        window = self.window(metrics.start, metrics.end)
        posts = await self.conn.execute(
            select(events.c.message, events.c.member, events.c.target, self.raw_data).where(
                *window, *self.by_members(), events.c.kind == "message_posted",
                events.c.message.is_not(None),
            )
        )  # fmt: skip
        items: dict[str, tuple[str, str | None]] = {}
        for message, member, target, raw in posts:
            if target is not None and target != member:
                items[message] = (member, target)
                continue
            data = stored_data(raw)
            if int(data.get("chars", 0)) >= UGC_CHARS or data.get("link"):
                items[message] = (member, None)
        reactions = await self.conn.execute(
            select(events.c.message, events.c.member)
            .where(*window, events.c.kind == "reaction_added", events.c.message.is_not(None))
            .distinct()
        )
        reactors: dict[str, set[str]] = defaultdict(set)
        for message, member in reactions:
            if message in items and member != items[message][0]:
                reactors[message].add(member)
        metrics.ugc_items = len(items)
        for message, (_, asker) in items.items():
            others = reactors.get(message, set())
            if len(others) >= 3 or (asker is not None and asker in others):
                metrics.ugc_useful += 1

    async def retention(self, metrics: Metrics) -> None:
        members = schema.members
        table = schema.member_days
        end_day = _day(metrics.end - timedelta(microseconds=1))
        for name, (opens, closes, span) in {"d7": (7, 14, 28), "d30": (30, 60, 28)}.items():
            newest = end_day - timedelta(days=closes - 1)  # the whole window has elapsed
            joined = await self.conn.execute(
                select(members.c.member, members.c.joined_at).where(
                    *of_community(members, self.community), members.c.actor_class == "member",
                    members.c.joined_at >= newest - timedelta(days=span),
                    members.c.joined_at < newest,
                )
            )  # fmt: skip
            cohort = {member: _day(at) for member, at in joined if member not in self.staff}
            retained: set[str] = set()
            names = sorted(cohort)
            first_day = _day_key(newest - timedelta(days=span))
            for chunk in range(0, len(names), 500):
                rows = await self.conn.execute(
                    select(table.c.member, table.c.day).where(
                        *of_community(table, self.community), table.c.engaged > 0,
                        table.c.member.in_(names[chunk : chunk + 500]), table.c.day >= first_day,
                    )
                )  # fmt: skip
                for member, day in rows:
                    when = datetime.fromisoformat(day).replace(tzinfo=UTC)
                    if opens <= (when - cohort[member]).days < closes:
                        retained.add(member)
            setattr(metrics, f"{name}_cohort", len(cohort))
            setattr(metrics, f"{name}_retained", len(retained))

    async def faq(self, metrics: Metrics) -> None:
        rows = await self.conn.execute(
            select(
                faq_answers.c.decision, faq_answers.c.helped, faq_answers.c.not_helped,
                faq_answers.c.question_message,
            ).where(
                *of_community(faq_answers, self.community),
                faq_answers.c.created_at >= metrics.start, faq_answers.c.created_at < metrics.end,
            )
        )  # fmt: skip
        questions: set[str] = set()
        answered: dict[str, bool] = {}
        for decision, helped, not_helped, question in rows:
            metrics.faq_helped += int(helped)
            metrics.faq_not_helped += int(not_helped)
            if decision in ("answer", "suggest", "silent", "pointer") and question:
                questions.add(question)
            if decision in ("answer", "picked", "pointer") and question:
                answered[question] = answered.get(question, True) and not int(not_helped)
        metrics.faq_questions = len(questions)
        metrics.faq_answered = len(answered)
        metrics.faq_deflected = sum(1 for q, ok in answered.items() if ok and q in questions)

    async def next_steps(self, metrics: Metrics) -> None:
        events = self.events
        window = self.window(metrics.start, metrics.end)
        posts = await self.conn.execute(
            select(events.c.message, self.raw_data).where(*window, events.c.kind == "bot_posted")
        )
        steps: set[str] = set()
        for message, raw in posts:
            metrics.bot_posts += 1
            if int(stored_data(raw).get("buttons", 0)) > 0 and message:
                steps.add(message)
        metrics.bot_posts_with_step = len(steps)
        if not steps:
            return
        pressed = await self.conn.execute(
            select(events.c.member, events.c.message)
            .where(*window, *self.by_members(), events.c.kind == "button_pressed")
            .distinct()
        )
        taken = [message for _, message in pressed if message in steps]
        metrics.step_takers = len(taken)
        metrics.bot_posts_taken = len(set(taken))

    async def turnout(self, metrics: Metrics) -> None:
        """Distinct voters per poll (and quiz) closed in the period ÷ members engaged in it."""
        closed = await self.conn.execute(
            select(polls.c.id, polls.c.correct).where(
                *of_community(polls, self.community), polls.c.closed_at >= metrics.start,
                polls.c.closed_at < metrics.end,
            )
        )  # fmt: skip
        poll_rates: list[float] = []
        quiz_rates: list[float] = []
        engaged = self.engaged_in_period
        for poll_id, correct in closed.all():
            voters = await self.conn.execute(
                select(votes.c.member).where(votes.c.poll_id == poll_id).distinct()
            )
            counted = {member for (member,) in voters} - self.staff
            base = engaged | counted
            rate = len(counted) / len(base) if base else 0.0
            (quiz_rates if correct is not None else poll_rates).append(rate)
        metrics.polls_closed, metrics.quizzes_closed = len(poll_rates), len(quiz_rates)
        metrics.poll_turnout = sum(poll_rates) / len(poll_rates) if poll_rates else 0.0
        metrics.quiz_turnout = sum(quiz_rates) / len(quiz_rates) if quiz_rates else 0.0


def _next_midnight(moment: datetime) -> datetime:
    """The UTC midnight at or after ``moment``."""
    day = _day(moment)
    return day if day == moment else day + timedelta(days=1)


def _day(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _day_key(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()
