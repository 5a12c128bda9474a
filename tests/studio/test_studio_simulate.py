"""The studio rehearsed with `community-bot simulate`, stopped and started halfway: a draft from
a template, its checklist, the second-person approval rule, a post scheduled for a time that goes
out exactly once at that time (after a restart), feedback once, the calendar, and a help route."""

from __future__ import annotations

from tests.conftest import Simulate

MONDAY = "2026-12-07T10:00"


def test_a_post_from_draft_to_published_once_across_a_restart(simulate: Simulate) -> None:
    first = simulate(
        "mod: /post new question_of_the_week\n"
        "mod: /post fill 1 question What made you join us?\n"
        "mod: /post check 1\n"
        "mod: /post schedule 1 2026-12-09 12:00\n"
        "mod: /post approve 1\n"
        "admin: /post approve 1\n"
        "admin: /post schedule 1 2026-12-09 12:00\n"
        "mod: /calendar\n"
        "alice: /post list\n",
        MONDAY,
    )
    assert "Draft #1 from “Question of the week”" in first
    assert "✅ Every check passes." in first
    assert "needs a second person's approval first" in first
    assert "A second person approves a post" in first
    assert "✅ Post #1 approved by admin." in first
    assert "🗓 Post #1 goes out at Dec 9, 2026" in first
    calendar = first.split("mod: /calendar")[1]
    assert "The next two weeks:" in calendar and "· #general · #1" in calendar
    assert "/post is for the moderator team" in first
    second = simulate(  # another process on the same database, before and after the time
        "~ 2d1h59m\n"  # a minute before its time
        "~ 2m\n"
        "~ 1d\n"
        "bob [Useful]\n"
        "bob [Not useful]\n"
        "carol: is there any casino tonight? asking for a friend\n"
        "carol: what about the casino again?\n"
    )
    published = [
        line for line in second.splitlines() if "#general bot: Question of the week" in line
    ]
    assert len(published) == 1 and "2026-12-09 12:00:00" in published[0]
    assert "[👍 Useful] [👎 Not useful]" in second
    assert "Thank you for telling us!" in second
    assert "You told us about this post already" in second
    assert second.count("you are not alone") == 1
    assert "https://www.begambleaware.org/" in second
