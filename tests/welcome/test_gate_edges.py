"""The rules gate's edges: who a batched welcome names, members who leave or rejoin before
accepting, and rules shown only to who asked."""

from __future__ import annotations

from tests.conftest import Simulate

START = "2026-11-27T10:00"


def test_the_rules_button_answers_only_the_presser(simulate: Simulate) -> None:
    out = simulate("+nina\nnina [Rules]\n", START)
    assert "bot → nina (only nina sees this): Our community rules:" in out
    assert "#general bot: Our community rules:" not in out


def test_a_member_who_leaves_is_not_removed_later(simulate: Simulate) -> None:
    out = simulate("+nina\n-nina\n~ 40m\n", START)
    assert "* bot removed nina" not in out and "kicked" not in out
    assert "bot deleted" in out  # her lone welcome went with her


def test_a_rejoin_drops_the_first_welcome(simulate: Simulate) -> None:
    # A leave the bot did not see (a missed update), then a second join.
    out = simulate("+nina\n+nina\n", START)
    welcomes = [x for x in out.splitlines() if "#general bot: Welcome, @nina" in x]
    assert len(welcomes) == 2
    assert "* bot deleted bot's message in #general: “Welcome, @nina" in out


def test_a_batch_names_only_who_still_waits(simulate: Simulate) -> None:
    joins = "".join(f"+m{n}\n" for n in range(6))
    out = simulate(joins + "m4 [I accept the rules]\nm5 [I accept the rules]\n~ 2m\n", START)
    batch = next(x for x in out.splitlines() if "new members" in x)
    assert "m3" in batch and "m4" not in batch and "m5" not in batch
