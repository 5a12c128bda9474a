"""The ideas loop rehearsed with `community-bot simulate`, stopped and started again halfway:
ideas posted, a near-duplicate offered and posted anyway, one's own vote refused, a duplicate
merged without counting a voter twice, statuses with reasons, notices once per member, and
"you asked — we did" drafted, approved and posted once, thanking the right authors."""

from __future__ import annotations

import re

from tests.conftest import Simulate

MONDAY = "2026-12-07T10:00"


def test_an_ideas_month_across_a_restart(simulate: Simulate) -> None:
    first = simulate(
        "ana: /idea Dark theme for the app | easier on the eyes at night\n"
        "ana [Vote for #1]\n"
        "ben [Vote for #1]\n"
        "cleo: /idea A dark theme mode for the app\n"
        "cleo [Post mine anyway]\n"
        "ben [Vote for #2]\n"
        "dan [Vote for #2]\n"
        "eve [Follow #1]\n"
        "mod: /ideas merge 2 1\n"
        "mod: /ideas status 1 planned for the January release\n",
        MONDAY,
    )
    assert "cannot vote for your own idea" in first
    assert "Is it one of these?" in first
    assert "Idea #2 is merged into #1" in first
    # Planned: the author, both voters (ben once), the follower and cleo (whose idea was
    # merged) are told once each, right away; the moderator is not.
    for member in ("ana", "ben", "dan", "eve", "cleo"):
        assert first.count(f"[direct] bot → {member}: 💡 News about ideas") == 1, member
    assert "[direct] bot → mod" not in first
    assert "2 votes" in first.split("Idea #2 is merged into #1")[1]

    second = simulate(  # a new process on the same database
        "mod: /ideas status 1 done dark theme shipped in 2.3\n"
        "~ 1d1m\n"
        "mod: /ideas loop\n"
        "mod [Approve and post]\n"
        "mod [Approve and post]\n"
        "~ 2d\n"
    )
    for member in ("ana", "ben", "dan", "eve", "cleo"):
        told = re.findall(rf"\[direct\] bot → {member}: 💡 News about ideas", second)
        assert len(told) == 1, member
    assert "#1 Dark theme for the app: done — dark theme shipped in 2.3" in second
    posts = [line for line in second.splitlines() if "#ideas bot: ✅ You asked — we did" in line]
    assert len(posts) == 1
    assert "Thank you for the ideas, @ana!" in second
    assert "@cleo" not in second.split("#ideas bot: ✅ You asked — we did")[1].split("\n\n")[0]
