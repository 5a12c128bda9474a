from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.core.events import Actor, MemberJoined, MessagePosted, ReactionAdded
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef, Platform
from bot.storage import schema
from bot.storage.database import Database
from bot.storage.eventlog import EventLog

COMMUNITY = CommunityRef(Platform.TELEGRAM, "-1001234567890123")
CHANNEL = ChannelRef(COMMUNITY, "-1001234567890123", thread="77")
NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)


def alice() -> Actor:
    return Actor(MemberRef(Platform.TELEGRAM, "987654321987"), "alice")


def posted(n: int) -> MessagePosted:
    return MessagePosted(
        community=COMMUNITY,
        occurred_at=NOW,
        channel=CHANNEL,
        message=MessageRef(CHANNEL, str(n)),
        author=alice(),
        content=f"secret text {n}",
        reply_to_author=MemberRef(Platform.TELEGRAM, "42"),
    )


async def count(db: Database) -> int:
    async with db.read() as conn:
        return (await conn.execute(select(func.count()).select_from(schema.events))).scalar_one()


async def test_batches_flush_when_full_and_on_close(db: Database) -> None:
    log = EventLog(db, batch_size=3)
    for n in range(4):
        await log.record(posted(n))
    assert await count(db) == 3  # one full batch written, one event waiting
    await log.close()
    assert await count(db) == 4 and log.written == 4


async def test_row_content_respects_privacy(db: Database) -> None:
    private, public = EventLog(db), EventLog(db, store_text=True)
    await private.record(posted(1))
    await public.record(posted(2))
    await private.record(MemberJoined(community=COMMUNITY, occurred_at=NOW, member=alice()))
    await private.record(
        ReactionAdded(
            community=COMMUNITY,
            occurred_at=NOW,
            channel=CHANNEL,
            message=MessageRef(CHANNEL, "1"),
            member=alice(),
            emoji="👍",
            message_author=MemberRef(Platform.TELEGRAM, "42"),
        )
    )
    await private.close()
    await public.close()
    async with db.read() as conn:
        result = await conn.execute(select(schema.events).order_by(schema.events.c.id))
        rows = list(result.mappings())
    texts = {row["message"]: row["text"] for row in rows if row["kind"] == "message_posted"}
    assert texts == {"1": None, "2": "secret text 2"}
    first = rows[0]
    assert first["platform"] == "telegram" and first["community"] == "-1001234567890123"
    assert first["thread"] == "77" and first["member"] == "987654321987"
    assert first["occurred_at"] == NOW
    # The length and whether it had a link, never the words.
    assert first["data"] == {"reply_to_member": "42", "chars": 13, "link": False}
    assert first["actor_class"] == "member"
    kinds = [row["kind"] for row in rows]
    assert kinds.count("member_joined") == 1
    reaction = next(row for row in rows if row["kind"] == "reaction_added")
    assert reaction["data"] == {"emoji": "👍", "message_author": "42"}


async def test_periodic_flush_writes_without_a_full_batch(db: Database) -> None:
    import asyncio

    log = EventLog(db, batch_size=1000, flush_interval=0.01)
    log.start()
    await log.record(posted(1))
    for _ in range(200):
        if await count(db) == 1:
            break
        await asyncio.sleep(0.01)
    assert await count(db) == 1
    await log.close()
