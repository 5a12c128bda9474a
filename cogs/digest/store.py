"""SQL of the digest: the next topic, hero decisions, and one row per posted digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String, Table, Text, and_, select

from bot.core.ids import CommunityRef
from bot.storage.database import Database
from bot.storage.schema import community_columns, metadata, of_community
from bot.storage.types import UtcDateTime

topics = Table(
    "digest_topics",
    metadata,
    *community_columns(primary_key=True),
    Column("topic", Text, nullable=False),
    Column("set_by", String(64), nullable=False),
    Column("set_at", UtcDateTime, nullable=False),
)
heroes = Table(
    "digest_heroes",
    metadata,
    *community_columns(primary_key=True),
    Column("week", String(20), primary_key=True),
    Column("member", String(64)),
    Column("decision", String(12), nullable=False),
    Column("decided_by", String(64)),
    Column("decided_at", UtcDateTime, nullable=False),
)
posts = Table(
    "digest_posts",
    metadata,
    *community_columns(primary_key=True),
    Column("week", String(20), primary_key=True),
    Column("channel", String(64), nullable=False),
    Column("message", String(64)),
    Column("hero", String(64)),
    Column("posted_at", UtcDateTime, nullable=False),
)


class DigestStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def set_topic(self, community: CommunityRef, topic: str, by: str, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(topics.delete().where(and_(*of_community(topics, community))))
            await conn.execute(
                topics.insert().values(
                    platform=community.platform.value,
                    community=community.id,
                    topic=topic,
                    set_by=by,
                    set_at=now,
                )
            )

    async def topic(self, community: CommunityRef) -> str | None:
        async with self.db.read() as conn:
            row = (
                await conn.execute(select(topics.c.topic).where(*of_community(topics, community)))
            ).first()
        return None if row is None else str(row[0])

    async def clear_topic(self, community: CommunityRef) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(topics.delete().where(and_(*of_community(topics, community))))

    async def hero_decision(
        self, community: CommunityRef, week: str
    ) -> tuple[str, str | None] | None:
        """(decision, member) a moderator took for the week: ``confirmed`` or ``skipped``."""
        query = select(heroes.c.decision, heroes.c.member).where(
            *of_community(heroes, community), heroes.c.week == week
        )
        async with self.db.read() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else (str(row[0]), row[1])

    async def decide_hero(
        self,
        community: CommunityRef,
        week: str,
        decision: str,
        member: str | None,
        by: str,
        now: datetime,
    ) -> bool:
        """Record a moderator's decision; False when one was already taken for the week."""
        return await self.db.insert_new(
            heroes,
            platform=community.platform.value,
            community=community.id,
            week=week,
            member=member,
            decision=decision,
            decided_by=by,
            decided_at=now,
        )

    async def claim_post(
        self, community: CommunityRef, week: str, channel: str, hero: str | None, now: datetime
    ) -> bool:
        """Claim the week's digest; False when it was already posted (or is being posted)."""
        return await self.db.insert_new(
            posts,
            platform=community.platform.value,
            community=community.id,
            week=week,
            channel=channel,
            hero=hero,
            posted_at=now,
        )

    async def posted(self, community: CommunityRef, week: str) -> bool:
        """Whether the week's digest was posted (or claimed for posting)."""
        query = select(posts.c.week).where(*of_community(posts, community), posts.c.week == week)
        async with self.db.read() as conn:
            return (await conn.execute(query)).first() is not None

    async def release_post(self, community: CommunityRef, week: str) -> None:
        """Undo a claim whose message could not be sent, so the retry can post it."""
        async with self.db.transaction() as conn:
            await conn.execute(
                posts.delete().where(and_(*of_community(posts, community), posts.c.week == week))
            )

    async def set_post_message(self, community: CommunityRef, week: str, message: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                posts.update()
                .where(and_(*of_community(posts, community), posts.c.week == week))
                .values(message=message)
            )

    async def recent_heroes(self, community: CommunityRef, since: datetime) -> set[str]:
        query = select(posts.c.hero).where(
            *of_community(posts, community), posts.c.posted_at >= since, posts.c.hero.is_not(None)
        )
        async with self.db.read() as conn:
            return {str(hero) for (hero,) in await conn.execute(query)}

    async def forget(self, platform: str, member: str) -> int:
        """Erase a member: past heroes and decisions no longer name them (the week stays)."""
        changed = 0
        async with self.db.transaction() as conn:
            for table, column, value in (
                (heroes, heroes.c.member, None),
                (heroes, heroes.c.decided_by, None),
                (posts, posts.c.hero, None),
                (topics, topics.c.set_by, ""),
            ):
                result = await conn.execute(
                    table.update()
                    .where(table.c.platform == platform, column == member)
                    .values({column.key: value})
                )
                changed += int(result.rowcount or 0)
        return changed
