"""Single-member reads of the member directory the event log keeps (``schema.members``)."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.ids import CommunityRef
from bot.storage.database import Database
from bot.storage.schema import members, of_community


async def known_name(db: Database, community: CommunityRef, member: str) -> str | None:
    """The member's latest display name in the community, if the bot has seen them."""
    query = select(members.c.name).where(*of_community(members, community),
                                         members.c.member == member)  # fmt: skip
    async with db.read() as conn:
        found = await conn.scalar(query)
    return None if found is None else str(found)


async def still_here(db: Database, community: CommunityRef, member: str) -> bool:
    """False only when the directory records that the member left (unknown counts as here)."""
    query = select(members.c.left_at).where(*of_community(members, community),
                                            members.c.member == member)  # fmt: skip
    async with db.read() as conn:
        row = (await conn.execute(query)).first()
    return row is None or row[0] is None
