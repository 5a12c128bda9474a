"""The real discord.py against the project's fake Discord (REST + gateway) over loopback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl
from sqlalchemy import select

from bot.adapters.discord.runner import DiscordRunner
from bot.app import BotApp
from bot.config import Config, DiscordConfig
from bot.core.clock import SystemClock
from bot.storage import schema
from tests.adapters.discord.fake_discord import (
    ALICE,
    BOB,
    BOT,
    CHANNEL_ID,
    GUILD_ID,
    MEMBER_PERMISSIONS,
    MOD,
    MOD_CHANNEL_ID,
    MOD_ROLE,
    FakeDiscord,
    member_of,
    user,
)

TOKEN = "fake-token"


@dataclass
class Bot:
    fake: FakeDiscord
    app: BotApp
    runner: DiscordRunner


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url)
    )
    yield server
    await server.stop()


def discord_config(example_config: Config, **changes: object) -> Config:
    settings = DiscordConfig(enabled=True, guild_ready_timeout=0.05, **changes)  # type: ignore[arg-type]
    return example_config.model_copy(update={"discord": settings})


async def start(config: Config, fake: FakeDiscord, database: Path) -> Bot:
    app = BotApp(config, clock=SystemClock(), database_url=f"sqlite+aiosqlite:///{database}")
    await app.db.migrate()
    runner = DiscordRunner(config.discord, TOKEN, app.services, app.dispatcher.dispatch)
    await runner.start(ready_within=10)
    await app.start()
    return Bot(fake, app, runner)


async def stop(bot: Bot) -> None:
    await bot.runner.stop()
    await bot.app.close()


async def bound(bot: Bot, message: dict[str, Any], data: str) -> None:
    """Wait (bounded) until the bot has bound a button to the message it sent: it binds once
    the API has answered, and a test can press faster than any member could."""
    table = schema.button_bindings
    query = select(table.c.data).where(
        table.c.platform == "discord", table.c.message == str(message["id"]),
        table.c.data == data,
    )  # fmt: skip
    for _ in range(500):
        async with bot.app.db.read() as conn:
            if (await conn.execute(query)).first() is not None:
                return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{data} was never bound to message {message['id']}")


@pytest.fixture
async def bot(fake: FakeDiscord, example_config: Config, tmp_path: Path) -> AsyncIterator[Bot]:
    started = await start(discord_config(example_config), fake, tmp_path / "d.sqlite3")
    yield started
    await stop(started)


async def test_start_up_syncs_commands_once(
    fake: FakeDiscord, example_config: Config, tmp_path: Path
) -> None:
    config = discord_config(example_config)
    first = await start(config, fake, tmp_path / "d.sqlite3")
    [sync] = fake.called("PUT", r"/applications/1000/commands")
    names = {command["name"] for command in sync.json}
    assert {"help", "faq", "ban", "poll", "stats"} <= names
    ban = next(c for c in sync.json if c["name"] == "ban")
    assert ban["default_member_permissions"] == str(1 << 13)
    assert ban["options"][0]["type"] == 6  # a member option
    help_command = next(c for c in sync.json if c["name"] == "help")
    assert help_command["default_member_permissions"] is None
    identify = next(p for p in fake.gateway_received if p["op"] == 2)
    assert identify["d"]["token"] == TOKEN
    intents = identify["d"]["intents"]
    assert intents & (1 << 1) and intents & (1 << 15)  # members, message content
    await stop(first)
    second = await start(config, fake, tmp_path / "d.sqlite3")  # a restart, nothing changed
    assert len(fake.called("PUT", r"/applications/1000/commands")) == 1
    await stop(second)
    third = await start(
        discord_config(example_config, guilds=[int(GUILD_ID)]), fake, tmp_path / "d.sqlite3"
    )
    assert fake.called("PUT", rf"/applications/1000/guilds/{GUILD_ID}/commands")
    await stop(third)


async def test_a_message_gets_an_faq_answer_with_buttons(bot: Bot) -> None:
    fake = bot.fake
    await fake.dispatch("MESSAGE_CREATE", fake.message(ALICE, "how do I reset my password?"))
    [sent] = await fake.wait_for("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert "How do I reset my password?" in sent.json["content"]
    assert sent.json["message_reference"]["fail_if_not_exists"] is False
    custom_ids = [c["custom_id"] for row in sent.json["components"] for c in row["components"]]
    assert custom_ids[0].startswith("faq.vote:")


SPAM_WORDS = (Path(__file__).resolve().parents[3] / "rules/stopwords/spam.txt").read_text()


async def test_stop_word_is_deleted(bot: Bot) -> None:
    fake = bot.fake
    words = SPAM_WORDS
    word = next(w.strip() for w in words.splitlines() if w.strip() and not w.startswith("#"))
    message = fake.message(BOB, f"get your {word} here")
    await fake.dispatch("MESSAGE_CREATE", message)
    await fake.wait_for("DELETE", rf"/channels/{CHANNEL_ID}/messages/{message['id']}")


async def test_slash_command_with_options_and_level_check(bot: Bot) -> None:
    fake = bot.fake
    refused = fake.slash(BOB, "ban", member=ALICE, reason="spam")
    await fake.dispatch("INTERACTION_CREATE", refused)
    [callback] = await fake.wait_for("POST", rf"/interactions/{refused['id']}/[^/]+/callback")
    assert callback.json["data"]["flags"] == 64  # ephemeral
    assert "moderator team" in callback.json["data"]["content"]
    assert not fake.called("PUT", r"/guilds/\d+/bans/\d+")
    mute = fake.slash(MOD, "mute", member=ALICE, duration="10m", reason="flood")
    await fake.dispatch("INTERACTION_CREATE", mute)
    [timeout] = await fake.wait_for("PATCH", rf"/guilds/{GUILD_ID}/members/{ALICE['id']}")
    assert timeout.json["communication_disabled_until"]
    await fake.wait_for("POST", rf"/interactions/{mute['id']}/[^/]+/callback")
    ban = fake.slash(MOD, "ban", member=ALICE, reason="spam")
    await fake.dispatch("INTERACTION_CREATE", ban)
    await fake.wait_for("PUT", rf"/guilds/{GUILD_ID}/bans/{ALICE['id']}")


async def test_a_slow_command_is_deferred(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.adapters.discord.runner as runner_module

    monkeypatch.setattr(runner_module, "DEFER_AFTER", 0.05)
    original = bot.runner.dispatch

    async def slow(event, port):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.3)
        await original(event, port)

    bot.runner.dispatch = slow
    fake = bot.fake
    command = fake.slash(ALICE, "help")
    await fake.dispatch("INTERACTION_CREATE", command)
    [deferred] = await fake.wait_for("POST", rf"/interactions/{command['id']}/[^/]+/callback")
    assert deferred.json["type"] == 5
    [followup] = await fake.wait_for("POST", r"/webhooks/1000/[^/]+")
    assert "/help" in followup.json["content"]


async def test_a_button_still_works_after_a_restart(
    fake: FakeDiscord, example_config: Config, tmp_path: Path
) -> None:
    config = discord_config(example_config)
    first = await start(config, fake, tmp_path / "d.sqlite3")
    await fake.dispatch("MESSAGE_CREATE", fake.message(ALICE, "how do I reset my password?"))
    [sent] = await fake.wait_for("POST", rf"/channels/{CHANNEL_ID}/messages")
    await stop(first)
    second = await start(config, fake, tmp_path / "d.sqlite3")
    message = fake.messages[max(fake.messages, key=int)]
    custom_id = sent.json["components"][0]["components"][0]["custom_id"]
    bystander = fake.click(BOB, custom_id, message)  # only who asked rates the answer
    await fake.dispatch("INTERACTION_CREATE", bystander)
    [refused] = await fake.wait_for("POST", rf"/interactions/{bystander['id']}/[^/]+/callback")
    assert "Only the member who asked" in refused.json["data"]["content"]
    press = fake.click(ALICE, custom_id, message)
    await fake.dispatch("INTERACTION_CREATE", press)
    [answer] = await fake.wait_for("POST", rf"/interactions/{press['id']}/[^/]+/callback")
    assert "Glad it helped" in answer.json["data"]["content"]
    await stop(second)


async def test_member_join_reaction_and_unknown_payload(bot: Bot) -> None:
    fake = bot.fake
    await fake.dispatch("SOMETHING_NEW_FROM_DISCORD", {"whatever": True})  # skipped
    newcomer = user("4100", "nina")
    fake.members.append(member_of(newcomer))
    await fake.dispatch("GUILD_MEMBER_ADD", {**member_of(newcomer), "guild_id": GUILD_ID})
    welcome = await fake.wait_for("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert any(
        "nina" in (c.json.get("content") or "") or "4100" in (c.json.get("content") or "")
        for c in welcome
    )
    message = fake.message(ALICE, "hello")
    await fake.dispatch("MESSAGE_CREATE", message)
    await fake.dispatch(
        "MESSAGE_REACTION_ADD",
        {
            "user_id": BOB["id"],
            "channel_id": CHANNEL_ID,
            "message_id": message["id"],
            "guild_id": GUILD_ID,
            "emoji": {"id": None, "name": "👍"},
            "type": 0,
            "member": member_of(BOB),
            "message_author_id": ALICE["id"],
            "burst": False,
        },
    )
    await asyncio.sleep(0.2)
    await bot.app.eventlog.flush()
    from sqlalchemy import select

    from bot.storage import schema

    async with bot.app.db.read() as conn:
        rows = (await conn.execute(select(schema.events.c.kind, schema.events.c.target))).all()
    assert ("reaction_added", ALICE["id"]) in rows
    assert any(kind == "member_joined" for kind, _ in rows)
    await fake.dispatch("MESSAGE_DELETE", {"id": message["id"], "channel_id": CHANNEL_ID,
                                           "guild_id": GUILD_ID})  # fmt: skip
    for _ in range(50):
        await bot.app.eventlog.flush()
        async with bot.app.db.read() as conn:
            kinds = (await conn.execute(select(schema.events.c.kind))).scalars().all()
        if "message_deleted" in kinds:
            break
        await asyncio.sleep(0.05)
    assert "message_deleted" in kinds


async def test_a_rate_limited_call_is_retried(bot: Bot) -> None:
    fake = bot.fake
    fake.rate_limit_next("POST", rf"/channels/{CHANNEL_ID}/messages")
    await fake.dispatch("MESSAGE_CREATE", fake.message(ALICE, "how do I reset my password?"))
    sent = await fake.wait_for("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert len(sent) == 1
    assert any(c.path.endswith("[429]") for c in fake.calls)


async def test_native_poll_vote_and_close(bot: Bot) -> None:
    fake = bot.fake
    command = fake.slash(ALICE, "poll", poll="2h Pizza or sushi? | Pizza | Sushi")
    await fake.dispatch("INTERACTION_CREATE", command)
    posts = await fake.wait_for("POST", rf"/channels/{CHANNEL_ID}/messages")
    [native] = [c for c in posts if c.json.get("poll")]
    assert native.json["poll"]["duration"] == 2
    assert [a["poll_media"]["text"] for a in native.json["poll"]["answers"]] == ["Pizza", "Sushi"]
    [message_id] = [m for m, body in fake.messages.items() if body.get("poll")]
    from cogs.polls.store import PollStore

    store = PollStore(bot.app.db)
    poll = None
    for _ in range(100):  # stored once the REST call returns
        poll = await store.by_native("discord", message_id)
        if poll is not None:
            break
        await asyncio.sleep(0.05)
    assert poll is not None
    await fake.dispatch("MESSAGE_POLL_VOTE_ADD", {
        "user_id": BOB["id"], "channel_id": CHANNEL_ID, "message_id": message_id,
        "guild_id": GUILD_ID, "answer_id": 2,
    })  # fmt: skip
    for _ in range(100):  # the vote travels gateway → client → dispatcher → database
        counts, voters = await store.counts(poll)
        if voters:
            break
        await asyncio.sleep(0.05)
    assert counts == [0, 1] and voters == 1
    from bot.core.ids import ChannelRef, CommunityRef, MessageRef, Platform
    from bot.core.port import SentPoll

    channel = ChannelRef(CommunityRef(Platform.DISCORD, GUILD_ID), CHANNEL_ID)
    await bot.runner.port.close_poll(SentPoll(MessageRef(channel, message_id), message_id))
    await fake.wait_for("POST", rf"/channels/{CHANNEL_ID}/polls/{message_id}/expire")


async def test_sharded_start(fake: FakeDiscord, example_config: Config, tmp_path: Path) -> None:
    sharded = await start(discord_config(example_config, sharded=True), fake, tmp_path / "s.db")
    try:
        assert isinstance(sharded.runner.client, discord.AutoShardedClient)
        assert fake.called("GET", r"/gateway/bot")
        identify = next(p for p in fake.gateway_received if p["op"] == 2)
        assert identify["d"]["shard"] == [0, 1]
    finally:
        await stop(sharded)


async def test_a_process_runs_its_own_shard_range(
    fake: FakeDiscord, example_config: Config, tmp_path: Path
) -> None:
    """Shard 1 of 2 in a process that leaves the slash commands to the process with shard 0."""
    config = discord_config(example_config, shard_count=2, shard_ids=[1], sync_commands=False)
    second = await start(config, fake, tmp_path / "s1.db")
    try:
        assert isinstance(second.runner.client, discord.AutoShardedClient)
        identify = next(p for p in fake.gateway_received if p["op"] == 2)
        assert identify["d"]["shard"] == [1, 2]
        assert not fake.called("GET", r"/gateway/bot")  # the count is ours, not Discord's
        assert not fake.called("PUT", r"/applications/1000/commands")
    finally:
        await stop(second)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"shard_ids": [0]}, "shard_ids needs shard_count"),
        ({"shard_ids": [2], "shard_count": 2}, "not below shard_count"),
        ({"shard_ids": [1, 1], "shard_count": 2}, "a shard twice"),
        ({"shard_count": -1}, "greater than or equal to 0"),
    ],
)
def test_shard_settings_are_checked(changes: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        DiscordConfig(**changes)  # type: ignore[arg-type]


async def test_no_request_without_the_permission(bot: Bot) -> None:
    fake = bot.fake
    guild = bot.runner.client.get_guild(int(GUILD_ID))
    assert guild is not None and guild.me is not None
    guild.me._roles = discord.utils.SnowflakeList([])  # the bot lost its moderator role
    ban = fake.slash(MOD, "ban", member=ALICE, reason="spam")
    await fake.dispatch("INTERACTION_CREATE", ban)
    [answer] = await fake.wait_for("POST", rf"/interactions/{ban['id']}/[^/]+/callback")
    assert not fake.called("PUT", r"/guilds/\d+/bans/\d+")  # no 403 piled up
    assert answer.json["data"]["flags"] == 64
    assert "I need the Ban Members permission" in answer.json["data"]["content"]


async def test_a_mute_longer_than_28_days_is_renewed(bot: Bot) -> None:
    from datetime import timedelta

    from bot.adapters.discord.runner import RENEW
    from bot.core.ids import CommunityRef, MemberRef, Platform

    community = CommunityRef(Platform.DISCORD, GUILD_ID)
    now = bot.app.clock.now()
    until = now + timedelta(days=60)
    applied = await bot.runner.port.mute(
        community, MemberRef(Platform.DISCORD, ALICE["id"]), until, "raid"
    )
    assert applied == until
    [call] = await fake_calls(bot, "PATCH", rf"/guilds/{GUILD_ID}/members/{ALICE['id']}")
    from datetime import datetime

    end = datetime.fromisoformat(call.json["communication_disabled_until"])
    cap = now + timedelta(days=28) - timedelta(minutes=1)
    assert abs((end - cap).total_seconds()) < 60  # Discord's 28-day cap, renewed later
    [pending] = await bot.app.scheduler.pending(RENEW)
    assert pending.payload["until"] == until.isoformat()


async def fake_calls(bot: Bot, method: str, pattern: str):  # type: ignore[no-untyped-def]
    return await bot.fake.wait_for(method, pattern)


def test_run_without_a_token_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    root = Path(__file__).resolve().parents[3]
    config = tmp_path / "config.toml"
    source = (root / "config.example.toml").read_text(encoding="utf-8")
    config.write_text(
        source.replace("[discord]\n", "[discord]\n", 1)
        .replace("enabled = false\n# Server ids", "enabled = true\n# Server ids")
        .replace('rules = "rules"', f'rules = "{root / "rules"}"')
        .replace('faq = "faq"', f'faq = "{root / "faq"}"'),
        encoding="utf-8",
    )
    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    assert main(["run", "--config", str(config)]) == 2
    assert "DISCORD_BOT_TOKEN is not set" in capsys.readouterr().err


async def test_missing_privileged_intents_degrade_with_a_clear_log_line(
    fake: FakeDiscord, example_config: Config, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake.reject_privileged = True
    with caplog.at_level(logging.ERROR, logger="bot.adapters.discord.runner"):
        degraded = await start(discord_config(example_config), fake, tmp_path / "i.db")
    try:
        assert "message content intents are not enabled" in caplog.text
        identifies = [p["d"]["intents"] for p in fake.gateway_received if p["op"] == 2]
        assert len(identifies) == 2 and not identifies[-1] & (1 << 15)
        command = fake.slash(ALICE, "help")  # commands still work
        await fake.dispatch("INTERACTION_CREATE", command)
        await fake.wait_for("POST", rf"/interactions/{command['id']}/[^/]+/callback")
    finally:
        await stop(degraded)


async def test_a_stop_word_edited_in_is_deleted(bot: Bot) -> None:
    fake = bot.fake
    word = next(w.strip() for w in SPAM_WORDS.splitlines() if w.strip() and not w.startswith("#"))
    message = fake.message(BOB, "innocent text")
    await fake.dispatch("MESSAGE_CREATE", message)
    edited = {**message, "content": f"now with {word}", "edited_timestamp": "2026-11-27T10:01Z"}
    await fake.dispatch("MESSAGE_UPDATE", edited)
    await fake.wait_for("DELETE", rf"/channels/{CHANNEL_ID}/messages/{message['id']}")


async def test_moderator_commands_hit_their_routes(bot: Bot) -> None:
    fake = bot.fake
    first = fake.message(ALICE, "one")
    second = fake.message(ALICE, "two")
    for message in (first, second):
        await fake.dispatch("MESSAGE_CREATE", message)
    steps = [
        (fake.slash(MOD, "warn", member=ALICE, reason="be nice"), None),
        (fake.slash(MOD, "slowmode", interval="30s"), ("PATCH", rf"/channels/{CHANNEL_ID}")),
        (fake.slash(MOD, "purge", member=ALICE),
         ("DELETE", rf"/channels/{CHANNEL_ID}/messages/{second['id']}")),
        (fake.slash(MOD, "kick", member=ALICE, reason="rude"),
         ("DELETE", rf"/guilds/{GUILD_ID}/members/{ALICE['id']}")),
        (fake.slash(MOD, "ban", member=BOB, reason="spam"),
         ("PUT", rf"/guilds/{GUILD_ID}/bans/{BOB['id']}")),
        (fake.slash(MOD, "unban", member=BOB),
         ("DELETE", rf"/guilds/{GUILD_ID}/bans/{BOB['id']}")),
    ]  # fmt: skip
    for command, route in steps:
        await fake.dispatch("INTERACTION_CREATE", command)
        [answer] = await fake.wait_for("POST", rf"/interactions/{command['id']}/[^/]+/callback")
        assert "went wrong" not in (answer.json.get("data") or {}).get("content", "")
        if route is not None:
            await fake.wait_for(*route)
    [slowmode] = fake.called("PATCH", rf"/channels/{CHANNEL_ID}")
    assert slowmode.json["rate_limit_per_user"] == 30


async def test_a_question_in_a_thread_is_answered_in_the_thread(bot: Bot) -> None:
    from tests.adapters.discord.fake_discord import THREAD_ID

    fake = bot.fake
    question = fake.message(ALICE, "how do I reset my password?", channel_id=THREAD_ID)
    await fake.dispatch("MESSAGE_CREATE", question)
    [answer] = await fake.wait_for("POST", rf"/channels/{THREAD_ID}/messages")
    assert "How do I reset my password?" in answer.json["content"]
    assert not fake.called("POST", rf"/channels/{CHANNEL_ID}/messages")


async def test_rank_checks_follow_discord_roles(
    fake: FakeDiscord, example_config: Config, tmp_path: Path
) -> None:
    """Nobody acts on the owner, the bot, a member of equal level, or a member whose highest
    role is not below the moderator's — and no request reaches Discord when refused."""
    owner, peer, vip = user("1", "owner"), user("4003", "peer"), user("4004", "vip")
    vip_role = "5002"
    fake.members += [member_of(owner), member_of(peer, [MOD_ROLE]), member_of(vip, [vip_role])]
    plain = fake.guild_create

    def with_a_high_role() -> dict[str, object]:
        guild = plain()
        guild["roles"].append(
            {"id": vip_role, "name": "vip", "permissions": MEMBER_PERMISSIONS, "position": 3}
        )
        return guild

    fake.guild_create = with_a_high_role  # type: ignore[method-assign]
    started = await start(discord_config(example_config), fake, tmp_path / "d.sqlite3")
    try:
        cases = [
            (owner, "own this community"),
            (peer, "same as yours or higher"),
            (vip, "highest role is not below yours"),
            (BOT, "won't do that to myself"),
        ]
        for target, said in cases:  # fmt: skip
            command = fake.slash(MOD, "ban", member=target, reason="spam")
            await fake.dispatch("INTERACTION_CREATE", command)
            [answer] = await fake.wait_for(
                "POST", rf"/interactions/{command['id']}/[^/]+/callback"
            )
            assert said in answer.json["data"]["content"], target
        assert not fake.called("PUT", rf"/guilds/{GUILD_ID}/bans/\d+")
        assert not fake.called("PATCH", rf"/guilds/{GUILD_ID}/members/\d+")
    finally:
        await stop(started)


async def test_a_member_cannot_press_a_moderators_button(bot: Bot) -> None:
    fake = bot.fake
    spam = fake.message(BOB, "buy followers now")
    await fake.dispatch("MESSAGE_CREATE", spam)
    custom_id = f"mod.warn:{GUILD_ID}/1"
    message = {**fake.message(BOT, "alert"), "channel_id": MOD_CHANNEL_ID}
    press = fake.click(ALICE, custom_id, message)  # a forged press from a member
    await fake.dispatch("INTERACTION_CREATE", press)
    [answer] = await fake.wait_for("POST", rf"/interactions/{press['id']}/[^/]+/callback")
    assert "This button no longer works" in answer.json["data"]["content"]  # never sent
    assert not fake.called("DELETE", rf"/channels/{CHANNEL_ID}/messages/{spam['id']}")


async def test_no_message_can_ping_everyone(bot: Bot) -> None:
    """@everyone in a member's text that the bot repeats (a poll question) pings nobody; only
    members the feature mentions may be pinged."""
    fake = bot.fake
    command = fake.slash(ALICE, "poll", poll="2h @everyone lunch? | yes | no")
    await fake.dispatch("INTERACTION_CREATE", command)
    posted = await fake.wait_for("POST", rf"/channels/{CHANNEL_ID}/messages")
    for request in posted:
        allowed = request.json["allowed_mentions"]
        assert allowed["parse"] == [] and not allowed.get("roles")
