"""Moderation a community can rely on, through ``simulate``: raid holds, ranks, muted members,
honest notices and logs, pardons, and removals announced before they happen."""

from __future__ import annotations

from tests.conftest import Simulate

START = "2026-11-27T10:00"


def lines_with(out: str, text: str) -> list[str]:
    return [line for line in out.splitlines() if text in line]


def test_raid_mode_holds_whoever_presses_the_rules_button(simulate: Simulate) -> None:
    out = simulate(
        "mod: /raid on\n+late\nlate [I accept the rules]\nlate: hi\n"
        "mod: /raid off\nlate: hi again\n",
        START,
    )
    assert "late is muted until further notice; the message was not sent" in out
    assert "a moderator will let you post shortly" in out
    assert "Raid mode lifted by mod; 1 held member can post again." in out
    assert "#general late: hi again" in out
    # Logged once each: on and off.
    assert len(lines_with(out, "#mod-log bot: Raid mode")) == 2


def test_admit_lets_one_held_member_in(simulate: Simulate) -> None:
    out = simulate(
        "mod: /raid on\n+ann\n+ben\nann [I accept the rules]\nmod: /admit ann\nann: hello\n"
        "ben: hello\n",
        START,
    )
    assert "#general ann: hello" in out
    assert "ben is muted" in out  # still at the gate and held


def test_nobody_acts_on_the_owner_the_bot_or_an_equal(simulate: Simulate) -> None:
    out = simulate(
        "mod: /ban admin\nmod: /warn admin\nmod: /mute bot 10m\nmod: /kick bot\n"
        "helper: hi\nmod: /warn mod\n",
        START,
    )
    assert len(lines_with(out, "they own this community")) == 2
    assert len(lines_with(out, "I won't do that to myself")) == 2
    assert "You can't do that to yourself" in out
    assert "* bot banned" not in out and "* bot muted" not in out and "Case #" not in out


def test_a_muted_member_cannot_report_or_post_with_commands(simulate: Simulate) -> None:
    out = simulate(
        "bob: hi\nalice: ok\nmod: /mute alice 1h noisy\nalice > bob: /report spam\n"
        "alice: /poll 1m Lunch? | A | B\nalice: /help\n",
        START,
    )
    assert len(lines_with(out, "while you are muted")) == 2
    assert "Commands you can use here" in out
    assert "report by a member" not in out and "📊" not in out


def test_notices_and_evidence_say_what_happened(simulate: Simulate) -> None:
    out = simulate(
        "alice: hello\nmod: /warn alice be kind\nbob: buy cheap followers here\n"
        "carol > bob: /report spam\n",
        START,
    )
    assert "bot → alice: You received a warning (case #1)." in out  # nothing was removed
    assert "Evidence: “buy cheap followers here”" in out  # the reported text itself
    assert "reported message" not in out


def test_mutes_bans_and_the_warnings_list(simulate: Simulate) -> None:
    out = simulate(
        "alice: hi\nbob: hi\nmod: /mute alice 2h\nmod: /mute alice 10m\nmod: /unban bob\n"
        "mod: /warn bob one\nmod: /warnings bob\n",
        START,
    )
    assert "alice is already muted until" in out and "case #1" in out
    assert out.count("* bot muted alice") == 1
    assert "bob is not banned (no ban on record)" in out
    listing = out[out.index("mod: /warnings bob") :]
    assert "bob has 1 active warning point" in listing and "#2 warning: one (+1)" in listing


def test_pardon_and_reset_stop_points_counting(simulate: Simulate) -> None:
    out = simulate(
        "bob: hi\nmod: /warn bob one\nmod: /warn bob two\nmod: /pardon 1 mistake\n"
        "mod: /warnings bob\nmod: /resetwarns bob fresh start\nmod: /warnings bob\n"
        "mod: /pardon 1 again\n",
        START,
    )
    first = out[out.index("mod: /warnings bob") :]
    assert "bob has 1 active warning point" in first and "(pardoned)" in first
    assert "Case #3 · pardon · bob" in out and "Case #4 · warnings reset · bob" in out
    last = out[out.rindex("mod: /warnings bob") :]
    assert "bob has 0 active warning points" in last
    assert "Case #1 is already pardoned" in out


def test_a_removal_is_announced_before_it_happens(simulate: Simulate) -> None:
    out = simulate("bob: hi\nmod: /ban bob spam\n", START).splitlines()
    notice = next(i for i, line in enumerate(out) if "You were banned" in line)
    banned = next(i for i, line in enumerate(out) if "* bot banned bob" in line)
    assert notice < banned


def test_the_flood_reason_states_what_happened(simulate: Simulate) -> None:
    seven = "".join(f"dan: message {n}\n" for n in range(7))
    out = simulate(seven, START)
    deleted = lines_with(out, "deleted dan's message")
    assert deleted == [line for line in deleted if "message 6" in line] and deleted  # the 7th
    assert "more than 6 messages within 10 seconds" in out
