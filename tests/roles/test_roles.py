"""Earned levels through simulate and the neutral core."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from cogs.roles import decide, earned
from cogs.roles.settings import RolesSettings
from cogs.roles.stats import Contribution

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """\
bob: hi all
alice > bob: welcome bob
carol: question about the app
alice > carol: try the settings page
bob +👍 alice
carol +🎉 alice
dave +👍 alice
alice +👍 alice
zed: spam
zed: spam again
zed +👍 zed
~ 1d
dave: anyone here?
alice > dave: yes, me
zed: more
~ 1d
alice: good morning
zed: and more
~ 1d
alice: /profile
"""


def test_active_helpful_member_becomes_activist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "week.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    code = main(
        [
            "simulate",
            str(script),
            "--config",
            str(ROOT / "config.example.toml"),
            "--database",
            str(tmp_path / "r.sqlite3"),
            "--start",
            "2026-11-27T10:00",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    congrats = [line for line in out.splitlines() if re.search(r"• \w+: (Activist|Expert)", line)]
    assert congrats == ["[2026-11-30 04:00:00]     • alice: Activist"]  # not zed: volume alone
    profile = out[out.index("alice — Activist") :]
    assert "3 replies to others" in profile and "reactions from 3 members" in profile
    assert "Still needed for Expert: 7 days active, 17 replies to others" in profile


def test_grace_period_and_ninety_percent_rule() -> None:
    now = datetime(2026, 11, 27, tzinfo=UTC)
    active = Contribution(days={"1", "2", "3"}, replies=3, reactors={"a", "b", "c"})
    idle = Contribution()
    almost = Contribution(days={"1", "2", "3"}, replies=3, reactors={"a", "b", "c"})
    almost.replies = 2  # 2 of 3 is below 90%
    roles = RolesSettings()
    assert earned(active, roles.activist, roles.expert) == "activist"
    recently = now - timedelta(days=3)
    assert decide("activist", recently, idle, roles, now) == "activist"
    long_ago = now - timedelta(days=30)
    assert decide("activist", long_ago, idle, roles, now) == "newcomer"
    assert decide("activist", long_ago, almost, roles, now) == "newcomer"
    nearly = Contribution(days={"1", "2", "3"}, replies=3, reactors={"a", "b", "c"})
    assert decide("activist", long_ago, nearly, roles, now) == "activist"


async def test_benefits_and_platform_roles(example_config, clock, db_url) -> None:  # type: ignore[no-untyped-def]
    from bot.app import BotApp

    roles = RolesSettings().updated(links_from="activist", polls_from="activist")
    app = BotApp(example_config.with_section("roles", roles), clock=clock, database_url=db_url)
    await app.start()
    try:
        platform = app.console_platform()
        await platform.post("alice", "general", "see https://example.test/page")
        assert "links are a benefit from the Activist level on" in "\n".join(platform.transcript)
        await platform.post("alice", "general", "/poll 1h Q? | A | B")
        assert "Starting polls is a benefit from the Activist level on" in platform.transcript[-1]
        await platform.post("mod", "general", "/level alice activist lock")
        assert "alice is now Activist (locked)." in platform.transcript[-1]
        grants = [a.details for a in platform.actions if a.kind == "set_role"]
        assert grants == [{"member": "alice", "role": "Activist", "granted": True}]
        await platform.post("alice", "general", "see https://example.test/page")
        assert platform.transcript[-1] == "#general alice: see https://example.test/page"
        await platform.post("alice", "general", "/poll 1h Q? | A | B")
        assert "📊 Q?" in "\n".join(platform.transcript[-4:])
        await platform.post("alice", "general", "/profile")
        assert "locked" in "\n".join(platform.transcript[-10:])
    finally:
        await app.close()


def test_help_level_does_not_promise_a_default_member(simulate) -> None:  # type: ignore[no-untyped-def]
    out = simulate("mod: /help level\nmod: /help profile\n", "2026-11-27T10:00")
    level = out[out.index("/level <member>") : out.index("mod: /help profile")]
    assert "default" not in level and "whose level to set" in level
    assert "(default: you)" in out[out.index("mod: /help profile") :]
