"""Native polls (votes arrive as PollVoted) and reaction polls, through the neutral core."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.core.capabilities import Capability
from bot.core.events import PollVoted
from bot.core.port import SentPoll


def platform_with(app: BotApp, capabilities: Capability) -> ConsolePlatform:
    platform = ConsolePlatform(clock=app.clock, channels=["general"], capabilities=capabilities)
    platform.connect(lambda event: app.dispatcher.dispatch(event, platform))
    app.services.ports[platform.platform] = platform
    return platform


async def test_native_poll_mirrors_votes_and_closes(
    app: BotApp, platform: ConsolePlatform
) -> None:
    native = platform_with(app, platform.capabilities | Capability.NATIVE_POLLS)
    await native.post("alice", "general", "/poll 1m Tea or coffee? | Tea | Coffee")
    [sent] = [a for a in native.actions if a.kind == "send_poll"]
    spec = sent.details["poll"]
    assert spec.options == ("Tea", "Coffee") and not spec.anonymous
    poll_id = f"poll-{sent.details['message'].id}"
    for voter, option in (("bob", 1), ("carol", 0), ("bob", 0)):  # bob changes his mind
        await app.dispatcher.dispatch(PollVoted(
            community=native.community, occurred_at=app.clock.now(), poll_id=poll_id,
            member=native.actor(voter), options=(option,)), native)  # fmt: skip
    await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=2))
    [closed] = [a for a in native.actions if a.kind == "close_poll"]
    assert isinstance(closed.details["poll"], SentPoll)
    results = "\n".join(native.transcript[-6:])
    assert "Tea     ████████████  2 (100%)" in results and "Turnout: 2 voters" in results


async def test_reaction_poll(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("alice", "general", "/poll 1m Best day? | Friday | Saturday --reactions")
    reactions = [a.details["emoji"] for a in platform.actions if a.kind == "add_reaction"]
    assert reactions == ["1️⃣", "2️⃣"]
    await platform.react("bob", "2️⃣")
    await platform.react("carol", "1️⃣")
    await platform.react("carol", "2️⃣")  # single choice: carol's vote moves to Saturday
    await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=2))
    results = "\n".join(platform.transcript[-6:])
    assert "Saturday  ████████████  2 (100%)" in results
