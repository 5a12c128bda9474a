"""SQL of the studio: drafts, their status changes (each guarded), and feedback."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from bot.core.ids import CommunityRef, MemberRef
from bot.storage.database import Database
from bot.storage.schema import of_community
from cogs.studio.tables import StoredPost, feedback, posts


def _post(row: Any) -> StoredPost:
    return StoredPost(**{f.name: row[f.name] for f in fields(StoredPost)})


class StudioStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, community: CommunityRef, **values: Any) -> int:
        async with self.db.transaction() as conn:
            result = await conn.execute(posts.insert().values(
                platform=community.platform.value, community=community.id, **values))  # fmt: skip
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    async def get(self, post_id: int) -> StoredPost | None:
        async with self.db.read() as conn:
            row = (await conn.execute(select(posts).where(posts.c.id == post_id))).mappings()
            found = row.first()
        return None if found is None else _post(found)

    async def update(self, post: StoredPost, when: Any = None, **values: Any) -> bool:
        """Change the post if nobody else did since it was read (its version) — and ``when``."""
        query = (
            update(posts)
            .where(posts.c.id == post.id, posts.c.version == post.version)
            .values(version=post.version + 1, **values)
        )
        if when is not None:
            query = query.where(when)
        async with self.db.transaction() as conn:
            result = await conn.execute(query)
        return bool(result.rowcount)

    async def set_prompt(self, post_id: int, message: str | None, field: str | None) -> None:
        """Which question the bot asked last (bookkeeping: not an edit, no version change)."""
        async with self.db.transaction() as conn:
            await conn.execute(update(posts).where(posts.c.id == post_id).values(
                prompt_message=message, prompt_field=field))  # fmt: skip

    async def claim(self, post_id: int, before: str, after: str, **values: Any) -> bool:
        """Move a post from status ``before`` to ``after`` once (the publishing claim)."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                update(posts)
                .where(posts.c.id == post_id, posts.c.status == before)
                .values(status=after, version=posts.c.version + 1, **values)
            )
        return bool(result.rowcount)

    async def listing(
        self, community: CommunityRef, statuses: tuple[str, ...]
    ) -> list[StoredPost]:
        query = (
            select(posts)
            .where(*of_community(posts, community), posts.c.status.in_(statuses))
            .order_by(posts.c.publish_at, posts.c.id)
        )
        async with self.db.read() as conn:
            return [_post(r) for r in (await conn.execute(query)).mappings().all()]

    async def rate(self, post_id: int, member: str, useful: bool, at: datetime) -> bool:
        """One verdict per member and post (False: they gave one already)."""
        async with self.db.transaction() as conn:
            given = await conn.scalar(
                select(func.count()).where(feedback.c.post_id == post_id,
                                           feedback.c.member == member))  # fmt: skip
            if given:
                return False
            await conn.execute(feedback.insert().values(
                post_id=post_id, member=member, useful=useful, at=at))  # fmt: skip
            return True

    async def forget(self, member: MemberRef) -> int:
        mine = select(posts.c.id).where(posts.c.platform == member.platform.value)
        async with self.db.transaction() as conn:
            gone = await conn.execute(
                delete(feedback).where(
                    feedback.c.member == member.id, feedback.c.post_id.in_(mine)
                )
            )
            drafts = await conn.execute(
                delete(posts).where(
                    posts.c.platform == member.platform.value,
                    posts.c.author == member.id,
                    posts.c.status != "published",
                )
            )
        return int(gone.rowcount or 0) + int(drafts.rowcount or 0)
