"""Private rooms through the neutral core, on the console (which relays like Telegram: staff
in #room-N, the member in #dm): relay both ways, notes kept internal, edits and attachments
named, the room's own case for commands, satisfaction in the private chat, a deleted room
replaced, a member who cannot get private messages, forged presses and wrong members, a helper
who leaves, and death between opening the room and posting the card."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.config import Config
from bot.core.clock import FakeClock
from bot.core.events import ButtonPressed, DirectMessage, MemberLeft, MessagePosted
from bot.core.ids import ChannelRef, MessageRef, Platform
from bot.core.messages import OutgoingMessage
from cogs.desk.tables import cases, messages
from tests.desk.test_desk_feature import case_row, desk_of


def port(app: BotApp) -> object:
    return app.services.ports[Platform.CONSOLE]


async def transcript_rows(app: BotApp) -> list[tuple[str, str]]:
    async with app.db.read() as conn:
        rows = await conn.execute(select(messages.c.role, messages.c.text).order_by(messages.c.id))
    return [(str(role), str(words)) for role, words in rows]


def direct_lines(platform: ConsolePlatform, member: str) -> list[str]:
    return [line for line in platform.transcript if f"[direct] bot → {member}" in line]


async def test_a_ticket_talks_through_its_room(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("alice", "general", "/ticket my invoice is wrong")
    assert "I have written to you privately" in platform.transcript[-1]
    assert any("opened the private room #room-1" in line for line in platform.transcript)
    assert any("Your case #1 “my invoice is wrong” is open" in line
               for line in direct_lines(platform, "alice"))  # fmt: skip
    card = next(line for line in platform.transcript if line.startswith("#helpers bot: 📨"))
    assert "Case #1 from alice" in card
    row = await case_row(app)
    assert row["room_channel"] == "room-1" and row["room_relay"] is True

    await platform.post("alice", "dm", "it charges me twice since May")
    assert platform.transcript[-1] == "#room-1 bot: alice: it charges me twice since May"
    await platform.post("helper", "room-1", "! check the billing log first")  # a note
    assert not any("billing log" in line for line in direct_lines(platform, "alice"))
    assert (await case_row(app))["first_response_at"] is None
    await platform.post("helper", "room-1", "Refunded the second charge.")
    assert "helper (support): Refunded the second charge." in platform.transcript[-1]
    row = await case_row(app)
    assert row["first_response_at"] is not None and row["status"] == "waiting_member"
    roles = [role for role, _ in await transcript_rows(app)]
    assert roles == ["member", "member", "note", "staff"]

    # In its room a command needs no case number; the member is asked privately.
    await platform.post("helper", "room-1", "/desk close refunded")
    row = await case_row(app)
    assert row["status"] == "closed"
    assert "Rate it from 1" in direct_lines(platform, "alice")[-1]
    assert any(a.kind == "close_room" for a in platform.actions)
    await platform.press("alice", "4")
    assert (await case_row(app))["satisfaction"] == 4


async def test_a_message_after_closing_reopens_within_the_window(
    app: BotApp, platform: ConsolePlatform, clock: FakeClock
) -> None:
    await platform.post("alice", "general", "/ticket login fails")
    await platform.post("helper", "room-1", "/desk close fixed")
    await platform.post("alice", "dm", "it fails again")
    row = await case_row(app)
    assert row["status"] == "waiting_staff" and row["reopens"] == 1
    assert platform.transcript[-1] == "#room-1 bot: alice: it fails again"
    await platform.post("helper", "room-1", "/desk close fixed for real")
    clock.advance(timedelta(days=8))
    await platform.post("alice", "dm", "and again")
    assert "can no longer be reopened" in platform.transcript[-1]
    assert (await case_row(app))["status"] == "closed"


async def test_private_chats_without_a_case_and_of_other_members(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "/ticket my invoice is wrong")
    await platform.post("bob", "dm", "hello? let me into alice's case")
    assert "You have no open support case" in platform.transcript[-1]
    assert not any("let me into" in line for line in platform.transcript if "#room-1" in line)
    # bob presses alice's rating button in her private chat (a forged press)
    await platform.post("helper", "room-1", "/desk close done")
    rating = next(m for m in reversed(platform.messages.values()) if m.ref.channel.direct)
    assert [b.label for b in rating.buttons][:5] == ["1", "2", "3", "4", "5"]
    await app.dispatcher.dispatch(
        ButtonPressed(
            community=platform.community, occurred_at=app.clock.now(),
            channel=ChannelRef(platform.community, "@bob", direct=True), message=rating.ref,
            member=platform.actor("bob"), action="desk.rate", payload="1:1",
        ),
        app.services.ports[Platform.CONSOLE],
    )  # fmt: skip
    assert (await case_row(app))["satisfaction"] is None


async def test_edits_attachments_and_longest_texts_are_relayed_by_name(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "/ticket screenshot of the error")
    channel = ChannelRef(platform.community, "@alice", direct=True)
    event = DirectMessage(
        community=platform.community, occurred_at=app.clock.now(), channel=channel,
        message=MessageRef(channel, "m1"), author=platform.actor("alice"), content="",
        attachments=("error.png", "voice message"),
    )  # fmt: skip
    await app.dispatcher.dispatch(event, app.services.ports[Platform.CONSOLE])
    assert platform.transcript[-1].endswith("alice: 📎 error.png, voice message")
    edited = DirectMessage(
        community=platform.community, occurred_at=app.clock.now(), channel=channel,
        message=MessageRef(channel, "m1"), author=platform.actor("alice"), content="now: x",
        edited=True,
    )  # fmt: skip
    await app.dispatcher.dispatch(edited, app.services.ports[Platform.CONSOLE])
    assert "✏️ alice edited a message: now: x" in platform.transcript[-1]
    await platform.post("alice", "dm", "й" * 4096)
    relayed = platform.transcript[-1]
    assert relayed.endswith("…") and len(relayed) < 3600
    await platform.post("helper", "room-1", "Got it")
    await platform.edit_latest("helper", "Got it, looking now")
    assert "corrected a message: Got it, looking now" in direct_lines(platform, "alice")[-1]


async def test_a_deleted_room_is_replaced_and_a_closed_chat_keeps_the_channel(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "/ticket the export hangs")
    real_send = platform.send

    async def room_gone(channel: ChannelRef, message: OutgoingMessage, **kw: object) -> object:
        if channel.id == "room-1":
            raise LookupError("Unknown Channel")
        return await real_send(channel, message, **kw)  # type: ignore[arg-type]

    platform.send = room_gone  # type: ignore[method-assign,assignment]
    await platform.post("alice", "dm", "still hanging")
    assert any("opened the private room #room-2" in line for line in platform.transcript)
    assert platform.transcript[-1] == "#room-2 bot: alice: still hanging"
    assert (await case_row(app))["room_channel"] == "room-2"
    await platform.post("helper", "room-2", "On it")
    assert "On it" in direct_lines(platform, "alice")[-1]

    async def closed(*args: object, **kw: object) -> None:
        return None

    platform.send_direct = closed  # type: ignore[method-assign]
    await platform.post("bob", "general", "/ticket my avatar is gone")
    assert any("I cannot write to you privately" in line for line in platform.transcript)
    row = await case_row(app, 2)
    assert row["room_channel"] is None
    assert "I have written to you privately" not in platform.transcript[-1]
    await platform.post("helper", "room-2", "Are you there?")  # alice's DMs closed as well
    assert "Not delivered: alice" in platform.transcript[-1]


async def test_a_helper_who_leaves_hands_cases_back(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "/ticket billing")
    await platform.press("helper", "I take it")
    assert (await case_row(app))["assignee"] == "helper"
    await app.dispatcher.dispatch(
        MemberLeft(community=platform.community, occurred_at=app.clock.now(),
                   member=platform.actor("helper")),
        app.services.ports[Platform.CONSOLE],
    )  # fmt: skip
    assert (await case_row(app))["assignee"] is None
    assert "helper left the community: case #1 is back in the queue" in platform.transcript[-1]


async def test_a_room_opened_by_a_dying_process_is_not_opened_twice(
    example_config: Config, make_app: Callable[..., BotApp]
) -> None:
    first = make_app(example_config)
    await first.start()

    async def dies(case: object) -> None:
        raise RuntimeError("killed after the room, before the card")

    desk_of(first).post_card = dies  # type: ignore[method-assign]
    await first.console_platform().post("alice", "general", "/ticket nothing loads")
    await first.close()
    second = make_app(example_config)
    await second.start()
    try:
        platform = second.console_platform()
        await second.scheduler.advance_to(second.clock.now() + timedelta(minutes=5))
        assert sum("📨 Case #1 from alice" in line for line in platform.transcript) == 1
        assert not any(a.kind == "open_room" for a in platform.actions)
        await platform.post("alice", "dm", "any news?")
        assert platform.transcript[-1] == "#room-1 bot: alice: any news?"
        async with second.db.read() as conn:
            rooms = (await conn.execute(select(cases.c.room_channel))).scalars().all()
        assert rooms == ["room-1"]
    finally:
        await second.close()


async def test_a_merged_ticket_brings_its_room_along(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "help", "why does the csv export fail with error 42?")
    await platform.post("alice", "general", "/ticket csv export error 42")
    await platform.post("helper", "room-1", "/desk merge 1")  # the room's case into #1
    assert "Case #2 is merged into case #1" in platform.transcript[-1]
    question = await case_row(app, 1)
    assert (question["room_channel"], question["room_relay"]) == ("room-1", True)
    await platform.post("alice", "dm", "the export id is 7781")
    assert platform.transcript[-1] == "#room-1 bot: alice: the export id is 7781"
    await platform.post("helper", "room-1", "Fixed it")
    assert "Fixed it" in direct_lines(platform, "alice")[-1]
    assert (await case_row(app, 1))["first_response_at"] is not None


async def test_a_room_opened_by_another_process_is_found(
    app: BotApp, platform: ConsolePlatform
) -> None:
    """Deadlines run in any process: a thread room opened elsewhere after this process
    started is found in the database on its first message (and a plain thread is looked up
    once, not on every message)."""
    await platform.post("alice", "general", "/ticket billing question")
    async with app.db.transaction() as conn:  # as another process's card deadline would
        await conn.execute(
            cases.update().values(room_channel="general", room_thread="t42", room_relay=False)
        )
    desk = desk_of(app)
    assert desk.room_case(ChannelRef(platform.community, "general", "t42")) is None
    queries = 0
    real = desk.store.case_by_room

    async def counted(*key: str) -> int | None:
        nonlocal queries
        queries += 1
        return await real(*key)

    desk.store.case_by_room = counted  # type: ignore[method-assign,assignment]
    port = app.services.ports[Platform.CONSOLE]
    for thread, words in (("t42", "Fixed the invoice"), ("t7", "chat"), ("t7", "more chat")):
        channel = ChannelRef(platform.community, "general", thread)
        await app.dispatcher.dispatch(
            MessagePosted(
                community=platform.community, occurred_at=app.clock.now(), channel=channel,
                message=MessageRef(channel, f"m-{words}"), author=platform.actor("helper"),
                content=words,
            ),
            port,
        )  # fmt: skip
    row = await case_row(app)
    assert row["first_response_at"] is not None and row["first_responder"] == "helper"
    assert queries == 2  # t42 once, t7 once
