"""Shared step of member-data erasure: votes that must keep counting without naming anyone."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Column, select
from sqlalchemy.ext.asyncio import AsyncConnection


async def anonymise_votes(
    conn: AsyncConnection,
    group: Column[Any],
    voter: Column[Any],
    member: str,
    within: Any,
) -> int:
    """Give ``member``'s votes a fresh anonymous id per group (poll, question, answer...).

    Totals stay true and one group's anonymous voter cannot be linked to another's. ``group``
    and ``voter`` are columns of the votes table; ``within`` selects the group ids in scope
    (the community's platform). Returns how many groups were touched.
    """
    table = group.table
    groups = (
        (await conn.execute(select(group).where(voter == member, group.in_(within)).distinct()))
        .scalars()
        .all()
    )
    for value in groups:
        await conn.execute(
            table.update()
            .where(group == value, voter == member)
            .values({voter.key: f"erased-{uuid.uuid4().hex[:12]}"})
        )
    return len(groups)
