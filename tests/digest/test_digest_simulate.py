"""The scripted week through ``community-bot simulate``: the hero, the digest once at its time
(and once after a restart across its due time), and ``/stats``."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Friday 2026-11-27 10:00 Tbilisi; the digest is due Monday 2026-11-30 10:00.
WEEK = """\
alice: hi all
bob: how do I export my data?
alice > bob: Settings → Export, it takes a minute
bob +👍 alice
carol +👍 alice
dave +🎉 alice
carol: anyone know how to change the theme?
alice > carol: Appearance tab, top right
carol +❤️ alice
erin +👍 alice
zed: first
zed: second
zed: third
zed: fourth
zed: fifth
zed: sixth
zed +🔥 zed
~ 1d
zed: still here
zed +🔥 zed
vain: look at me
vain +👍 vain
~ 1d
"""


def digests(out: str) -> list[str]:
    return [line for line in out.splitlines() if "📰 Weekly digest" in line]


def test_the_helper_is_hero_and_the_digest_comes_once(simulate) -> None:  # type: ignore[no-untyped-def]
    out = simulate(WEEK + "~ 1d\n~ 1d\n~ 1d\n", "2026-11-27T10:00")
    [digest] = digests(out)
    assert digest.startswith("[2026-11-30 10:00:00]")
    hero = next(line for line in out.splitlines() if "Hero of the week" in line)
    assert "alice" in hero and "zed" not in hero and "vain" not in hero
    assert "[👏 Thank alice]" in out
    assert re.search(r"alice answered bob — 3 members reacted", out)


def test_a_restart_across_the_due_time_posts_it_once(simulate) -> None:  # type: ignore[no-untyped-def]
    first = simulate(WEEK, "2026-11-27T10:00")  # stops Sunday 10:00, before the digest
    assert not digests(first)
    # Down over Monday 10:00; back at 12:00 (less than max_late = 6h late): posted at start-up.
    second = simulate("~ 1h\n", "2026-11-30T12:00")
    [digest] = digests(second)
    assert digest.startswith("[2026-11-30 12:00:00]")
    third = simulate("~ 2d\n")
    assert not digests(third)


def test_a_digest_too_late_is_skipped(simulate) -> None:  # type: ignore[no-untyped-def]
    simulate(WEEK, "2026-11-27T10:00")
    late = simulate("~ 1h\n", "2026-11-30T18:00")  # 8 hours late
    assert not digests(late)


def test_stats_report_the_active_share_of_the_script(simulate) -> None:  # type: ignore[no-untyped-def]
    out = simulate(WEEK + "mod: /stats\nbob: /stats\n", "2026-11-27T10:00")
    # alice, bob, carol, zed and vain posted; dave and erin only reacted: 5 of 7 members.
    assert "Active (posted) in the last 7 days: 71% (5 of 7); engaged: 100%" in out
    assert "/stats is for the moderator team" in out


def test_newcomers_who_asked_count_and_silent_ones_do_not(simulate) -> None:  # type: ignore[no-untyped-def]
    joins = "".join(f"+{name}\n{name} [I accept the rules]\n" for name in
                    ("alice", "bob", "carol", "dave", "erin", "zed"))  # fmt: skip
    out = simulate(
        joins + "bob: how do I export my data?\nalice > bob: Settings → Export\n"
        "bob +👍 alice\ncarol +👍 alice\ndave +👍 alice\n"
        "zed: look at me\nerin +👍 zed\nzed +🔥 zed\n~ 4d\n",
        "2026-11-27T10:00",
    )
    hero = next(line for line in out.splitlines() if "Hero of the week" in line)
    assert "alice" in hero and "1 answer accepted" in hero
    assert "reactions from 1 member" in hero  # bob asked; carol and dave only clicked, fresh
