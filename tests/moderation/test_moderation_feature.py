"""Moderation through the neutral core and the in-memory platform (and simulate scripts)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.cli import main
from bot.config import Config
from bot.core.capabilities import Capability
from bot.core.clock import FakeClock

ROOT = Path(__file__).resolve().parents[2]


def lines_with(platform: ConsolePlatform, needle: str) -> list[str]:
    return [line for line in platform.transcript if needle in line]


def kinds(platform: ConsolePlatform) -> list[str]:
    return [action.kind for action in platform.actions]


async def test_flood_ends_in_a_mute_and_a_case(app: BotApp, platform: ConsolePlatform) -> None:
    for n in range(7):  # 6 messages in 10 s are allowed, the 7th is a flood
        await platform.post("bob", "general", f"message {n}")
    assert kinds(platform)[:2] == ["delete", "mute"]
    mute = platform.actions[1]
    assert mute.details["member"] == "bob"
    assert mute.details["until"] == app.clock.now() + timedelta(minutes=10)
    [case] = lines_with(platform, "#mod-log bot: Case #1")
    assert "mute · bob · by auto" in case
    assert any("more than 6 messages within 10 seconds" in line for line in platform.transcript)
    assert lines_with(platform, "[direct] bot → bob: You are muted for 10 minutes (case #1)")
    # The muted member cannot post until the mute ends.
    await platform.post("bob", "general", "let me talk")
    assert platform.transcript[-1].startswith("! bob is muted until")
    app.clock.advance(timedelta(minutes=11))  # type: ignore[attr-defined]
    await platform.post("bob", "general", "sorry, calmer now")
    assert platform.transcript[-1] == "#general bob: sorry, calmer now"


async def test_duplicates_mentions_and_links(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("carol", "general", "@a @b @c @d @e @f hello")
    assert "more than 5 mentions in one message" in "\n".join(platform.transcript)
    await platform.post(
        "dave", "general", "see https://a.test https://b.test http://c.test x.io/d"
    )
    assert "more than 3 links in one message" in "\n".join(platform.transcript)
    # Links are fine in #help (an override allows 10).
    await platform.post("erin", "help", "https://a.test https://b.test http://c.test x.io/d")
    assert platform.transcript[-1].startswith("#help erin:")


async def test_stop_word_warns_and_the_ladder_climbs(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "you are an 1d10t")
    assert kinds(platform)[0] == "delete"
    notice = "\n".join(lines_with(platform, "[direct] bot → alice") + platform.transcript)
    assert "Rule 1: Be respectful" in notice and "mention case #1" in notice
    await platform.post("alice", "general", "f u c k")
    await platform.post("alice", "general", "sh1t")
    # The third point reaches the ladder's first step: a one-hour mute, its own case.
    mute = [a for a in platform.actions if a.kind == "mute"]
    assert len(mute) == 1 and mute[0].details["until"] == app.clock.now() + timedelta(hours=1)
    assert lines_with(platform, "Case #4 · mute · alice · by auto")
    assert any("3 warning points reached (after case #3)" in line for line in platform.transcript)


async def test_warnings_expire(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("alice", "general", "idiot")
    await platform.post("mod", "general", "/warnings alice")
    assert "alice has 1 active warning point" in platform.transcript[-2]
    app.clock.advance(timedelta(days=31))  # type: ignore[attr-defined]
    await platform.post("mod", "general", "/warnings alice")
    assert "alice has 0 active warning points" in platform.transcript[-2]
    assert "(expired)" in platform.transcript[-1]


async def test_exempt_levels_and_commands_need_moderators(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("helper", "general", "idiot")  # helpers are exempt
    assert "delete" not in kinds(platform)
    await platform.post("alice", "general", "/mute bob 10m")
    assert "/mute is for the moderator team" in platform.transcript[-1]


async def test_moderator_commands(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("bob", "general", "hi")
    await platform.post("mod", "general", "/mute @bob 2h spamming")
    assert [a.details["until"] for a in platform.actions if a.kind == "mute"] == [
        app.clock.now() + timedelta(hours=2)
    ]
    assert "Done: case #1, mute for bob." in platform.transcript[-1]
    await platform.post("mod", "general", "/unmute bob")
    await platform.post("mod", "general", "/warn bob be nice")
    await platform.post("mod", "general", "/case 3 rude to newcomers")
    assert "Reason: rude to newcomers" in "\n".join(platform.transcript[-5:])
    await platform.post("mod", "general", "/case 99")
    assert "There is no case #99." in platform.transcript[-1]
    await platform.post("mod", "general", "/kick bob")
    await platform.post("bob", "general", "am I here?")
    assert "! bob is not in the community" in platform.transcript[-1]
    await platform.post("mod", "general", "/ban bob flooding")
    await platform.join("bob")
    assert platform.transcript[-1] == "! bob is banned and cannot join"
    await platform.post("mod", "general", "/unban bob")
    await platform.post("mod", "general", "/mute mod 1m")
    assert "You can't do that to yourself." in platform.transcript[-1]
    assert [k for k in kinds(platform) if k in ("mute", "unmute", "kick", "ban", "unban")] == [
        "mute", "unmute", "kick", "ban", "unban",
    ]  # fmt: skip


async def test_purge_and_report(app: BotApp, platform: ConsolePlatform) -> None:
    for n in range(3):
        await platform.post("bob", "general", f"buy my stuff {n}")
        await platform.post("alice", "general", f"no thanks {n}")
    await platform.post("alice", "general", "/report", reply_to_member="bob")
    assert "Thank you — the moderators have been told" in platform.transcript[-1]
    report = lines_with(platform, "#mod-log bot: Case #1 · report by a member · bob · by alice")
    assert report and "[Delete] [Warn] [Dismiss]" in "\n".join(platform.transcript)
    await platform.post("alice", "general", "/report")
    assert "Reply to the message you want to report" in platform.transcript[-1]
    await platform.post("mod", "general", "/purge bob 2")
    assert "Removed 2 messages by bob." in platform.transcript[-1]
    deleted = [a.details["message"].id for a in platform.actions if a.kind == "delete"]
    assert len(deleted) == 2


async def test_escalate_alert_buttons(
    example_config: Config, clock: FakeClock, db_url: str, tmp_path: Path
) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    policy = rules / "moderation.toml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace('action = "warn"', 'action = "escalate"')
    )
    content = example_config.content.model_copy(update={"rules": str(rules)})
    app = BotApp(
        example_config.model_copy(update={"content": content}), clock=clock, database_url=db_url
    )
    await app.start()
    try:
        platform = app.console_platform()
        await platform.post("alice", "general", "what an idiot")
        assert "delete" not in kinds(platform)  # the message stays until a moderator decides
        assert lines_with(platform, "Case #1 · alert for moderators · alice")
        await platform.press("alice", "Warn")
        assert "This button is for moderators." in platform.transcript[-1]
        await platform.press("mod", "Warn")
        assert kinds(platform).count("delete") == 1
        assert lines_with(platform, "Case #2 · warning · alice · by mod")
    finally:
        await app.close()


async def test_emulated_slow_mode_survives_a_restart(
    app: BotApp, platform: ConsolePlatform, make_app: object
) -> None:
    await platform.post("mod", "general", "/slowmode 30s 1h")
    assert "Slow mode is on for 1 hour: one message every 30 seconds" in platform.transcript[-1]
    await platform.post("bob", "general", "first")
    await platform.post("bob", "general", "second")
    await platform.post("bob", "general", "third")
    waits = lines_with(platform, "this channel is in slow mode")
    assert len(waits) == 1  # told once, not at every message
    assert "can post again in 30 seconds" in waits[0]
    assert kinds(platform).count("delete") == 2
    # After a restart the slow mode still holds; an hour later it ends by itself.
    await app.close()
    assert callable(make_app)
    again: BotApp = make_app()
    await again.start()
    try:
        platform2 = again.console_platform()
        await platform2.post("bob", "general", "hello again")
        await platform2.post("bob", "general", "and again")
        # Counted in the database (several processes), bob's last post and the notice he
        # was given outlive the restart too: both posts go, unannounced a second time.
        shared = again.services.several_processes
        assert kinds(platform2) == (["delete", "delete"] if shared else ["delete", "send"])
        await again.scheduler.advance_to(again.clock.now() + timedelta(hours=1))
        assert "Slow mode has ended" in platform2.transcript[-1]
        await platform2.post("bob", "general", "free")
        await platform2.post("bob", "general", "at last")
        assert platform2.transcript[-1] == "#general bob: at last"
    finally:
        await again.close()


async def test_native_slow_mode_is_used_when_the_platform_has_it(
    app: BotApp, platform: ConsolePlatform
) -> None:
    native = ConsolePlatform(
        clock=app.clock, channels=["general", "mod-log"],
        capabilities=platform.capabilities | Capability.NATIVE_SLOW_MODE,
        levels=platform.levels,
    )  # fmt: skip
    native.connect(lambda event: app.dispatcher.dispatch(event, native))
    await native.post("mod", "general", "/slowmode 10m")
    assert native.actions[0].kind == "set_slow_mode"
    assert native.actions[0].details == {"channel": "general", "seconds": 600}
    for too_long in ("8h", "99d", "7ч"):  # over what any platform allows: refused
        await native.post("mod", "general", f"/slowmode {too_long}")
        assert "at most 6 hours between messages" in native.transcript[-1]
    assert [a.details.get("seconds") for a in native.actions if a.kind == "set_slow_mode"] == [600]
    await native.post("mod", "general", "/slowmode 6h")
    slow = [a.details.get("seconds") for a in native.actions if a.kind == "set_slow_mode"]
    assert slow == [600, 21600]
    await native.post("mod", "general", "/slowmode nonsense")
    assert "is not an interval" in native.transcript[-1]


async def test_raid_mode_holds_new_members_until_quiet(
    app: BotApp, platform: ConsolePlatform
) -> None:
    for n in range(12):
        await platform.join(f"newbie{n}")
    joined = "\n".join(platform.transcript)
    assert "Raid mode is on: 10 members joined within 1 minute" in joined
    # The rules gate holds every newcomer; raid mode also holds those who joined during it.
    held = [a.details["member"] for a in platform.actions if a.kind == "mute"]
    assert sorted(set(held)) == sorted(f"newbie{n}" for n in range(12))
    assert joined.count("#general bot: Welcome") == 3  # then one batched welcome
    await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=11))
    assert "Welcome to our 12 new members" in "\n".join(platform.transcript)
    assert "Raid mode is lifted" in platform.transcript[-1]
    assert not [a for a in platform.actions if a.kind == "unmute"]  # still at the gate


async def test_raid_mode_without_the_rules_gate(
    core_config: Config, clock: FakeClock, db_url: str
) -> None:
    features = core_config.features.model_copy(update={"enabled": ["help", "moderation"]})
    app = BotApp(
        core_config.model_copy(update={"features": features}), clock=clock, database_url=db_url
    )
    await app.start()
    try:
        platform = app.console_platform()
        for n in range(12):
            await platform.join(f"newbie{n}")
        held = [a.details["member"] for a in platform.actions if a.kind == "mute"]
        assert held == ["newbie9", "newbie10", "newbie11"]
        await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=11))
        assert "Raid mode is lifted; 3 held members can post again." in platform.transcript[-1]
        unmuted = sorted(a.details["member"] for a in platform.actions if a.kind == "unmute")
        assert unmuted == sorted(held)
    finally:
        await app.close()


async def test_nickname_is_checked_on_join(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.join("b1tch")
    assert lines_with(platform, "Case #1 · alert for moderators · b1tch")


@pytest.fixture
def script_runner(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> object:
    def run(script: str) -> str:
        path = tmp_path / "script.txt"
        path.write_text(script, encoding="utf-8")
        code = main(
            [
                "simulate",
                str(path),
                "--config",
                str(ROOT / "config.example.toml"),
                "--database",
                str(tmp_path / "sim.sqlite3"),
                "--start",
                "2026-11-27T10:00",
            ]
        )
        out = capsys.readouterr().out
        assert code == 0
        return out

    return run


def test_simulate_flood_and_expiry(script_runner: object) -> None:
    assert callable(script_runner)
    flood = "\n".join(f"bob: spam {n}" for n in range(8))
    out: str = script_runner(
        f"{flood}\nalice: idiot\n~ 31d\nmod: /warnings alice\nmod: /warnings bob\n"
    )
    assert "* bot muted bob until 2026-11-27 10:10:00" in out
    assert "#mod-log bot: Case #1 · mute · bob · by auto" in out
    assert "alice has 0 active warning points" in out
    assert "bob has 0 active warning points" in out


async def test_command_text_obeys_stop_words(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("mod", "general", "/ama open 1h Roadmap")
    await platform.post("alice", "general", "/ask why is the admin such an idiot?")
    assert "Question #1" not in "\n".join(platform.transcript)
    assert kinds(platform).count("delete") == 1
    assert lines_with(platform, "Case #1 · warning · alice · by auto")
    await platform.post("alice", "general", "/ask when is the next release?")
    assert "Question #1 from alice" in "\n".join(platform.transcript)
