"""Hero of the week: points for helping others, never for volume.

Rules (``docs/metrics.md``, "Hero of the week"; adapted to what a chat bot sees):

- **Accepted answer** +15: your reply to someone else's message that the asker reacted to.
- **Helpful reply** +5 (at most 10 a week): your reply to someone else that got a reaction from
  a member other than the asker.
- **Reactions received** +1 per distinct eligible member per message (+2 from helpers and the
  team), at most 10 per message, 3 per reactor and week, 60 a week in all. Not eligible: your own
  reactions, bots, and members who joined less than ``new_member_hours`` before reacting and have
  not posted anything yet (fresh silent accounts are how reactions get farmed; a newcomer who
  asked a question and reacts to its answer counts). With fewer than 3 distinct reactors the
  reaction points are halved (Discourse's diversity rule).
- **AMA questions with traction** +1 per upvote from another member (at most 10).
- **Quiz answers right** +2 each (at most 10).

Only members count: helpers, moderators and admins (in the directory, or at the time of any of
their events this week) and bots are not eligible. A moderation case in the week that was not
revoked voids the week. Message count earns nothing. Ties: more accepted answers, then more
people helped, then who reached the final score first, then the member id.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cogs.digest.activity import Activity, Reaction

ACCEPTED = 15
HELPFUL = 5
HELPFUL_MAX = 10
PER_MESSAGE_MAX = 10
PER_PAIR_MAX = 3
REACTIONS_MAX = 60
DISTINCT_REACTORS = 3
AMA_MAX = 10
QUIZ_POINTS = 2
QUIZ_MAX = 10


@dataclass(slots=True)
class Score:
    """One member's points for the week, with what earned them (the digest's reason)."""

    member: str
    points: float = 0.0
    accepted: int = 0
    helpful: int = 0
    people_helped: set[str] = field(default_factory=set)
    reaction_points: float = 0.0
    reactors: set[str] = field(default_factory=set)
    ama_upvotes: int = 0
    quiz_right: int = 0
    reached_at: datetime | None = None

    def sort_key(self) -> tuple[float, int, int, datetime, str]:
        reached = (self.reached_at or datetime.max).replace(tzinfo=None)
        return (-self.points, -self.accepted, -len(self.people_helped), reached, self.member)


@dataclass(frozen=True, slots=True)
class HeroRules:
    new_member_hours: float = 24
    min_points: float = 5


def score_week(activity: Activity, rules: HeroRules | None = None) -> list[Score]:
    """Every eligible member with points, best first."""
    rules = rules or HeroRules()
    staff = activity.staff
    fresh = timedelta(hours=rules.new_member_hours)
    scores: dict[str, Score] = {}

    def score(member: str) -> Score:
        if member not in scores:
            scores[member] = Score(member)
        return scores[member]

    def earn(item: Score, points: float, at: datetime) -> None:
        item.points += points
        if item.reached_at is None or at > item.reached_at:
            item.reached_at = at

    pair_points: dict[tuple[str, str], float] = defaultdict(float)
    message_points: dict[str, float] = defaultdict(float)
    rewarded: set[str] = set()

    def counts(reaction: Reaction) -> bool:
        reactor, author, at = reaction.reactor, reaction.author, reaction.at
        if author == reactor or author in staff or reactor in activity.bots:
            return False
        joined = activity.joined.get(reactor)
        spoke = activity.first_post.get(reactor)
        # A fresh account that has not taken part yet does not count.
        return not (joined is not None and at - joined < fresh and (spoke is None or spoke > at))

    reactions = sorted(
        (r for r in activity.reactions if counts(r)), key=lambda r: (r.at, r.order, r.reactor)
    )
    # An answer the asker reacted to is accepted whoever reacted first: a bystander's earlier
    # reaction must not turn it into a mere "helpful reply".
    accepted = {
        r.message
        for r in reactions
        if (reply := activity.replies.get(r.message)) is not None
        and reply.author == r.author
        and reply.asker == r.reactor
    }
    for reaction in reactions:
        reactor, message, author, at = (
            reaction.reactor,
            reaction.message,
            reaction.author,
            reaction.at,
        )
        item = score(author)
        reply = activity.replies.get(message)
        if reply is not None and reply.author == author and message not in rewarded:
            if reply.asker == reactor:
                rewarded.add(message)
                item.accepted += 1
                item.people_helped.add(reply.asker)
                earn(item, ACCEPTED, at)
            elif message not in accepted and item.helpful < HELPFUL_MAX:
                rewarded.add(message)
                item.helpful += 1
                item.people_helped.add(reply.asker)
                earn(item, HELPFUL, at)
        weight = 2.0 if reactor in staff else 1.0
        room = min(
            PER_MESSAGE_MAX - message_points[message],
            PER_PAIR_MAX - pair_points[(reactor, author)],
            REACTIONS_MAX - item.reaction_points,
        )
        gained = max(0.0, min(weight, room))
        if gained:
            message_points[message] += gained
            pair_points[(reactor, author)] += gained
            item.reaction_points += gained
            item.reactors.add(reactor)
            earn(item, gained, at)
    for item in scores.values():
        if item.reactors and len(item.reactors) < DISTINCT_REACTORS:
            item.points -= item.reaction_points / 2
            item.reaction_points /= 2
    upvotes: dict[str, int] = defaultdict(int)
    for author, voter, _ in activity.ama_upvotes:
        if voter != author and author not in staff:
            upvotes[author] += 1
    for author, count in upvotes.items():
        item = score(author)
        item.ama_upvotes = count
        earn(item, min(count, AMA_MAX), activity.end)
    right: dict[str, int] = defaultdict(int)
    for member in activity.quiz_correct:
        if member not in staff:
            right[member] += 1
    for member, count in right.items():
        item = score(member)
        item.quiz_right = count
        earn(item, min(count * QUIZ_POINTS, QUIZ_MAX), activity.end)
    eligible = [
        s for m, s in scores.items()
        if m not in staff and m not in activity.violations and s.points >= rules.min_points
    ]  # fmt: skip
    for item in eligible:
        item.points = math.floor(item.points * 2 + 0.5) / 2  # halves survive, float noise not
    return sorted(eligible, key=Score.sort_key)
