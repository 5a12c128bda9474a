"""Dialogue metrics from the event log (``../shared/reference/interaction-metrics.md``).

- **Active share** (B1): distinct members (not bots, not the team) who *communicated* (posted a
  message) or *engaged* (posted, reacted to someone else, voted, pressed a bot button other than
  onboarding) in the 7 and 28 days before ``end``, over the members known in that window (seen in
  the event log and not gone before it started). Departure: the denominator is the members the bot
  has seen, not the platform's member count (which counts bots and lurkers the bot never saw).
- **UGC** (B2/B3): messages by members that are replies to others, 200+ characters, or carry a
  link; *useful* when 3+ distinct other members reacted or the asker reacted to the reply.
- **Retention** (B4): members whose first join falls in a cohort; *D7* = engaged again 7–14 days
  after joining (W1 bracket), *D30* = 30–60 days (M1). Only cohorts whose window has elapsed count.
- **FAQ**: deflection = questions the bot answered (answer, picked suggestion) and nobody marked
  "didn't help" ÷ questions it saw; usefulness = 👍 ÷ (👍 + 👎).
- **Next step** (C5): share of the bot's public posts with a button; conversion = distinct
  members pressing a button on them ÷ those posts.
- **Turnout**: distinct voters per poll (and quiz) closed in the period ÷ members engaged in the
  7 days before it closed.

Plain rows and Python, like ``cogs.roles.stats``: the same code on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.core.ids import CommunityRef
from bot.storage import schema
from bot.storage.database import Database
from cogs.faq.store import answers as faq_answers
from cogs.polls.store import polls, votes

STAFF = frozenset({"helper", "moderator", "admin", "bot"})
ENGAGED = ("message_posted", "reaction_added", "poll_voted", "button_pressed")
ONBOARDING_ACTIONS = ("welcome.", "gate.", "rules.")
UGC_CHARS = 200


@dataclass(slots=True)
class Metrics:
    start: datetime
    end: datetime
    members: int = 0
    communicators_7d: int = 0
    engaged_7d: int = 0
    communicators_28d: int = 0
    engaged_28d: int = 0
    members_28d: int = 0
    ugc_items: int = 0
    ugc_useful: int = 0
    new_members: int = 0
    d7_cohort: int = 0
    d7_retained: int = 0
    d30_cohort: int = 0
    d30_retained: int = 0
    faq_questions: int = 0
    faq_answered: int = 0
    faq_deflected: int = 0
    faq_helped: int = 0
    faq_not_helped: int = 0
    bot_posts: int = 0
    bot_posts_with_step: int = 0
    step_takers: int = 0
    polls_closed: int = 0
    poll_turnout: float = 0.0
    quizzes_closed: int = 0
    quiz_turnout: float = 0.0

    @staticmethod
    def share(part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    @property
    def active_share_7d(self) -> float:
        return self.share(self.communicators_7d, self.members)

    @property
    def engaged_share_7d(self) -> float:
        return self.share(self.engaged_7d, self.members)

    @property
    def active_share_28d(self) -> float:
        return self.share(self.communicators_28d, self.members_28d)

    @property
    def engaged_share_28d(self) -> float:
        return self.share(self.engaged_28d, self.members_28d)

    @property
    def ugc_useful_rate(self) -> float:
        return self.share(self.ugc_useful, self.ugc_items)

    @property
    def d7(self) -> float:
        return self.share(self.d7_retained, self.d7_cohort)

    @property
    def d30(self) -> float:
        return self.share(self.d30_retained, self.d30_cohort)

    @property
    def faq_deflection(self) -> float:
        return self.share(self.faq_deflected, self.faq_questions)

    @property
    def faq_usefulness(self) -> float:
        return self.share(self.faq_helped, self.faq_helped + self.faq_not_helped)

    @property
    def next_step_share(self) -> float:
        return self.share(self.bot_posts_with_step, self.bot_posts)

    @property
    def next_step_conversion(self) -> float:
        return self.share(self.step_takers, self.bot_posts_with_step)

    def as_row(self) -> dict[str, Any]:
        """Every count and rate, for CSV export."""
        row = asdict(self)
        row["start"], row["end"] = self.start.isoformat(), self.end.isoformat()
        for name in (
            "active_share_7d",
            "engaged_share_7d",
            "active_share_28d",
            "engaged_share_28d",
            "ugc_useful_rate",
            "d7",
            "d30",
            "faq_deflection",
            "faq_usefulness",
            "next_step_share",
            "next_step_conversion",
        ):
            row[name] = round(getattr(self, name), 4)
        return row


def _community(table: Any, community: CommunityRef) -> Sequence[Any]:
    return [table.c.platform == community.platform.value, table.c.community == community.id]


async def compute(
    db: Database, community: CommunityRef, end: datetime, days: float = 7
) -> Metrics:
    """Metrics for the ``days`` before ``end`` (active share also over 7 and 28 days)."""
    start = end - timedelta(days=days)
    metrics = Metrics(start, end)
    events = schema.events
    since = min(start, end - timedelta(days=28))
    async with db.read() as conn:
        directory = (
            await conn.execute(
                select(
                    schema.members.c.member,
                    schema.members.c.actor_class,
                    schema.members.c.first_seen_at,
                    schema.members.c.joined_at,
                    schema.members.c.left_at,
                ).where(*_community(schema.members, community))
            )
        ).all()
        rows = (
            await conn.execute(
                select(
                    events.c.kind,
                    events.c.member,
                    events.c.message,
                    events.c.occurred_at,
                    events.c.data,
                    events.c.actor_class,
                ).where(
                    *_community(events, community),
                    events.c.occurred_at >= since,
                    events.c.occurred_at < end,
                    events.c.kind.in_((*ENGAGED, "reaction_removed", "bot_posted")),
                )
            )
        ).all()
        faq = (
            await conn.execute(
                select(
                    faq_answers.c.decision,
                    faq_answers.c.outcome,
                    faq_answers.c.helped,
                    faq_answers.c.not_helped,
                    faq_answers.c.question_message,
                ).where(
                    *_community(faq_answers, community),
                    faq_answers.c.created_at >= start,
                    faq_answers.c.created_at < end,
                )
            )
        ).all()
        closed = (
            await conn.execute(
                select(polls.c.id, polls.c.correct, polls.c.closed_at).where(
                    *_community(polls, community),
                    polls.c.closed_at >= start,
                    polls.c.closed_at < end,
                )
            )
        ).all()
        voters: dict[int, set[str]] = defaultdict(set)
        if closed:
            found = await conn.execute(
                select(votes.c.poll_id, votes.c.member).where(
                    votes.c.poll_id.in_([poll_id for poll_id, _, _ in closed])
                )
            )
            for poll_id, member in found:
                voters[int(poll_id)].add(member)
    staff = {m for m, klass, *_ in directory if klass in STAFF}
    staff |= {r.member for r in rows if r.member and (r.actor_class or "member") in STAFF}
    _activity(metrics, rows, staff, directory, end)
    await _retention(db, community, metrics, directory, staff, end)
    _faq(metrics, faq)
    _turnout(metrics, rows, staff, closed, voters)
    return metrics


def _engaging(kind: str, member: str, data: dict[str, Any]) -> bool:
    if kind == "reaction_added":
        return bool(data.get("message_author")) and data.get("message_author") != member
    if kind == "button_pressed":
        return not str(data.get("action", "")).startswith(ONBOARDING_ACTIONS)
    return kind in ENGAGED


def _activity(
    metrics: Metrics, rows: Sequence[Any], staff: set[str], directory: Sequence[Any], end: datetime
) -> None:
    week_start = end - timedelta(days=7)
    month_start = end - timedelta(days=28)
    communicators_7: set[str] = set()
    engaged_7: set[str] = set()
    communicators_28: set[str] = set()
    engaged_28: set[str] = set()
    reactors: dict[str, set[str]] = defaultdict(set)
    posts: dict[str, tuple[str, str | None, bool]] = {}  # message -> (author, asker, is UGC)
    steps: set[str] = set()
    takers: set[tuple[str, str]] = set()
    for kind, member, message, at, data, actor_class in rows:
        data = data or {}
        if kind == "bot_posted":
            if at >= metrics.start:
                metrics.bot_posts += 1
                if int(data.get("buttons", 0)) > 0 and message:
                    metrics.bot_posts_with_step += 1
                    steps.add(message)
            continue
        if member is None or member in staff or (actor_class or "member") in STAFF:
            continue
        if kind == "button_pressed" and message in steps and at >= metrics.start:
            takers.add((member, message))
        if not _engaging(kind, member, data):
            continue
        engaged_28.add(member)
        if at >= week_start:
            engaged_7.add(member)
        if kind == "message_posted":
            communicators_28.add(member)
            if at >= week_start:
                communicators_7.add(member)
            if at >= metrics.start and message:
                asker = data.get("reply_to_member")
                ugc = (bool(asker) and asker != member) or int(data.get("chars", 0)) >= UGC_CHARS
                ugc = ugc or bool(data.get("link"))
                posts[message] = (member, asker if asker != member else None, ugc)
        elif kind == "reaction_added" and message:
            reactors[message].add(member)
    metrics.step_takers = len(takers)
    for message, (author, asker, ugc) in posts.items():
        if not ugc:
            continue
        metrics.ugc_items += 1
        others = reactors.get(message, set()) - {author}
        if len(others) >= 3 or (asker is not None and asker in others):
            metrics.ugc_useful += 1
    metrics.communicators_7d, metrics.engaged_7d = len(communicators_7), len(engaged_7)
    metrics.communicators_28d, metrics.engaged_28d = len(communicators_28), len(engaged_28)

    def known(window_start: datetime) -> int:
        return sum(
            1
            for member, klass, first_seen, _, left in directory
            if member not in staff
            and klass not in STAFF
            and first_seen < end
            and (left is None or left >= window_start)
        )

    metrics.members = known(week_start)
    metrics.members_28d = known(month_start)
    metrics.new_members = sum(
        1
        for member, klass, _, joined, _ in directory
        if joined is not None and metrics.start <= joined < end and member not in staff
    )


async def _retention(
    db: Database,
    community: CommunityRef,
    metrics: Metrics,
    directory: Sequence[Any],
    staff: set[str],
    end: datetime,
) -> None:
    brackets = {"d7": (7, 14, 28), "d30": (30, 60, 28)}
    cohorts: dict[str, dict[str, datetime]] = {}
    for name, (_, close, span) in brackets.items():
        newest = end - timedelta(days=close)  # the window must have elapsed
        cohorts[name] = {
            member: joined
            for member, klass, _, joined, _ in directory
            if joined is not None
            and member not in staff
            and klass not in STAFF
            and newest - timedelta(days=span) <= joined < newest
        }
    everyone = sorted({m for cohort in cohorts.values() for m in cohort})
    if not everyone:
        return
    earliest = min(j for cohort in cohorts.values() for j in cohort.values())
    events = schema.events
    seen: dict[str, list[tuple[datetime, str, dict[str, Any]]]] = defaultdict(list)
    async with db.read() as conn:
        for chunk in range(0, len(everyone), 500):
            found = await conn.execute(
                select(events.c.member, events.c.occurred_at, events.c.kind, events.c.data).where(
                    *_community(events, community),
                    events.c.kind.in_(ENGAGED),
                    events.c.member.in_(everyone[chunk : chunk + 500]),
                    events.c.occurred_at >= earliest + timedelta(days=7),
                    events.c.occurred_at < end,
                )
            )
            for member, at, kind, data in found:
                seen[member].append((at, kind, data or {}))
    for name, (opens, close, _) in brackets.items():
        cohort = cohorts[name]
        retained = sum(
            1
            for member, joined in cohort.items()
            if any(
                joined + timedelta(days=opens) <= at < joined + timedelta(days=close)
                and _engaging(kind, member, data)
                for at, kind, data in seen.get(member, ())
            )
        )
        setattr(metrics, f"{name}_cohort", len(cohort))
        setattr(metrics, f"{name}_retained", retained)


def _faq(metrics: Metrics, rows: Sequence[Any]) -> None:
    questions: set[str] = set()
    answered: dict[str, bool] = {}
    for decision, _, helped, not_helped, question in rows:
        metrics.faq_helped += int(helped)
        metrics.faq_not_helped += int(not_helped)
        if decision in ("answer", "suggest", "silent", "pointer") and question:
            questions.add(question)
        if decision in ("answer", "picked", "pointer") and question:
            answered[question] = answered.get(question, True) and not int(not_helped)
    metrics.faq_questions = len(questions)
    metrics.faq_answered = len(answered)
    metrics.faq_deflected = sum(1 for q, ok in answered.items() if ok and q in questions)


def _turnout(
    metrics: Metrics,
    rows: Sequence[Any],
    staff: set[str],
    closed: Sequence[Any],
    voters: dict[int, set[str]],
) -> None:
    poll_rates: list[float] = []
    quiz_rates: list[float] = []
    for poll_id, correct, closed_at in closed:
        window = closed_at - timedelta(days=7)
        engaged = {
            member
            for kind, member, _, at, data, actor_class in rows
            if member
            and member not in staff
            and window <= at < closed_at
            and _engaging(kind, member, data or {})
        }
        counted = voters.get(int(poll_id), set()) - staff
        rate = len(counted) / len(engaged | counted) if (engaged | counted) else 0.0
        (quiz_rates if correct is not None else poll_rates).append(rate)
    metrics.polls_closed, metrics.quizzes_closed = len(poll_rates), len(quiz_rates)
    metrics.poll_turnout = sum(poll_rates) / len(poll_rates) if poll_rates else 0.0
    metrics.quiz_turnout = sum(quiz_rates) / len(quiz_rates) if quiz_rates else 0.0
