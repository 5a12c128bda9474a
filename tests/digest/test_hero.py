"""Hero scoring on hand-built weeks: helpfulness wins, volume and self-promotion do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.ids import CommunityRef, Platform
from cogs.digest.activity import Activity, Reaction, Reply
from cogs.digest.hero import HeroRules, score_week

START = datetime(2026, 11, 23, tzinfo=UTC)
COMMUNITY = CommunityRef(Platform.CONSOLE, "c")


class Week:
    def __init__(self) -> None:
        self.activity = Activity(COMMUNITY, START, START + timedelta(days=7))
        self.ids = 0
        self.clock = START + timedelta(hours=1)

    def member(self, name: str, klass: str = "member", joined: datetime | None = None) -> None:
        if klass != "member":
            self.activity.staff.add(name)
        if klass == "bot":
            self.activity.bots.add(name)
        if joined is not None:
            self.activity.joined[name] = joined

    def post(self, member: str, reply_to: str | None = None) -> str:
        self.clock += timedelta(minutes=5)
        self.ids += 1
        if reply_to and reply_to != member:
            self.activity.replies[str(self.ids)] = Reply(member, reply_to, None)
        return str(self.ids)

    def react(self, member: str, message: str, author: str) -> None:
        self.clock += timedelta(minutes=5)
        self.activity.reactions.append(Reaction(member, message, author, self.clock))

    def unreact(self, member: str, message: str, author: str) -> None:
        self.activity.reactions = [
            r for r in self.activity.reactions if (r.reactor, r.message) != (member, message)
        ]


def test_the_helper_beats_the_talker_and_the_self_reactor() -> None:
    week = Week()
    for name in ("alice", "bob", "carol", "dave", "zed", "vain"):
        week.member(name)
    for asker in ("bob", "carol", "dave"):
        question = week.post(asker)
        answer = week.post("alice", reply_to=asker)
        week.react(asker, answer, "alice")  # the asker accepts
        week.react("zed", answer, "alice")
        assert question
    for _ in range(200):
        week.post("zed")
    for _ in range(20):
        message = week.post("vain")
        week.react("vain", message, "vain")
    ranking = score_week(week.activity)
    assert [s.member for s in ranking][:1] == ["alice"]
    alice = ranking[0]
    assert alice.accepted == 3 and alice.people_helped == {"bob", "carol", "dave"}
    assert all(s.member not in ("zed", "vain") for s in ranking)


def test_team_members_bots_and_violators_are_not_eligible() -> None:
    week = Week()
    week.member("mod", "moderator")
    week.member("botty", "bot")
    for name in ("bob", "carol", "dave", "erin"):
        week.member(name)
    for author in ("mod", "botty", "erin"):
        message = week.post(author, reply_to="bob")
        for reactor in ("bob", "carol", "dave"):
            week.react(reactor, message, author)
    week.activity.violations["erin"] = 1
    assert score_week(week.activity) == []


def test_reactions_from_fresh_accounts_and_bots_do_not_count() -> None:
    week = Week()
    week.member("alice")
    week.member("botty", "bot")
    for name in ("n1", "n2", "n3", "n4"):
        week.member(name, joined=START + timedelta(hours=1))  # join and react at once
    message = week.post("alice")
    for reactor in ("n1", "n2", "n3", "n4", "botty"):
        week.react(reactor, message, "alice")
    assert score_week(week.activity, HeroRules(new_member_hours=24, min_points=1)) == []
    assert score_week(week.activity, HeroRules(new_member_hours=0, min_points=1))
    # A newcomer who has taken part (asked, then thanks the answer) is not a farming account.
    for name in ("n1", "n2", "n3"):
        week.activity.first_post[name] = START + timedelta(minutes=30)
    [alice] = score_week(week.activity, HeroRules(new_member_hours=24, min_points=1))
    assert alice.reactors == {"n1", "n2", "n3"}


def test_caps_per_pair_and_removed_reactions() -> None:
    week = Week()
    for name in ("alice", "bob", "carol", "dave"):
        week.member(name)
    for _ in range(10):
        message = week.post("alice")
        week.react("bob", message, "alice")  # one fan: at most 3 points a week
    ranking = score_week(week.activity, HeroRules(min_points=0.5))
    assert ranking[0].reaction_points == 1.5  # 3 points, halved: only one distinct reactor
    week2 = Week()
    for name in ("alice", "bob", "carol", "dave"):
        week2.member(name)
    message = week2.post("alice")
    for reactor in ("bob", "carol", "dave"):
        week2.react(reactor, message, "alice")
    week2.unreact("dave", message, "alice")
    [alice] = score_week(week2.activity, HeroRules(min_points=0.5))
    assert alice.reactors == {"bob", "carol"}


def test_ties_are_broken_by_accepted_answers_then_people_then_time() -> None:
    week = Week()
    for name in ("amy", "ben", "q1", "q2", "r1", "r2", "r3"):
        week.member(name)
    # Same points (15 + 3 reactions) for both; amy got there first.
    for author, asker in (("amy", "q1"), ("ben", "q2")):
        reply = week.post(author, reply_to=asker)
        for reactor in (asker, "r1", "r2"):
            week.react(reactor, reply, author)
    ranking = score_week(week.activity)
    assert [(s.member, s.points) for s in ranking] == [("amy", 18.0), ("ben", 18.0)]
    # A second accepted answer puts ben ahead; the order is the same every time.
    extra = week.post("ben", reply_to="q1")
    week.react("q1", extra, "ben")
    amy_bonus = week.post("amy")
    for reactor in ("r1", "r2", "r3"):
        week.react(reactor, amy_bonus, "amy")
    ranking = score_week(week.activity)
    assert ranking[0].member == "ben" and ranking[0].accepted == 2
    assert [s.member for s in score_week(week.activity)] == [s.member for s in ranking]


def test_acceptance_does_not_depend_on_who_reacted_first() -> None:
    """Mirror-image threads: the asker reacting after a bystander, or before, or in the same
    second, earns the same."""
    points = []
    for order in ("asker last", "asker first", "same second, bystander first"):
        week = Week()
        for name in ("ann", "ben", "cid", "dee", "eve"):
            week.member(name)
        answer = week.post("ann", reply_to="ben")
        if order == "asker last":
            week.react("cid", answer, "ann")
            week.react("ben", answer, "ann")
        elif order == "asker first":
            week.react("ben", answer, "ann")
            week.react("cid", answer, "ann")
        else:  # the bystander's name sorts first and arrives first, in the same second
            at = week.clock + timedelta(minutes=5)
            week.activity.reactions += [
                Reaction("ben", answer, "ann", at, order=2),
                Reaction("aaron", answer, "ann", at, order=1),
            ]
        week.react("dee", answer, "ann")
        week.react("eve", answer, "ann")
        [ann] = score_week(week.activity)
        assert ann.accepted == 1 and ann.helpful == 0, order
        points.append(ann.points)
    assert len(set(points)) == 1
