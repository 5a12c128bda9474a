"""What other features may read of the FAQ (the digest's deflection metric and new entries).

``answers`` is a published read contract: other features may select from it and must never
write. ``new_entries`` lists entries that went into service in a period.
"""

from __future__ import annotations

from datetime import datetime

from bot.storage.database import Database
from cogs.faq.store import FaqStore, answers

__all__ = ["answers", "new_entries"]


async def new_entries(db: Database, start: datetime, end: datetime) -> list[tuple[str, str]]:
    """(entry id, title) of the entries first seen in ``[start, end)``."""
    return await FaqStore(db).new_entries(start, end)
