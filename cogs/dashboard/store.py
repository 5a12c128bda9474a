"""Login links, sessions and the audit log in the database (shared by every bot process).

Tokens and session ids are random 32-byte values; only their SHA-256 is stored, so a copy of
the database opens no session."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, select

from bot.core.ids import CommunityRef, Platform
from bot.core.permissions import Level
from bot.storage.database import Database
from cogs.dashboard.tables import audit, links, sessions

LINK_LIFETIME = timedelta(minutes=10)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    """Who is logged in, where, with which level (fixed at login)."""

    id_hash: str
    csrf: str
    community: CommunityRef
    member: str
    member_name: str
    level: Level


class DashboardStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def issue_link(
        self, community: CommunityRef, member: str, name: str, level: Level, now: datetime
    ) -> str:
        """A new single-use login token for the member (valid ``LINK_LIFETIME``)."""
        token = secrets.token_urlsafe(32)
        async with self.db.transaction() as conn:
            await conn.execute(links.insert().values(
                token_hash=_hash(token), platform=community.platform.value,
                community=community.id, member=member, member_name=name, level=int(level),
                expires_at=now + LINK_LIFETIME,
            ))  # fmt: skip
        return token

    async def use_link(self, token: str, now: datetime, hours: int) -> tuple[str, Session] | None:
        """Spend a login token (once, before it expires) for a new session: (id, session)."""
        key = _hash(token)
        async with self.db.transaction() as conn:
            spent = await conn.execute(
                links.update()
                .where(
                    links.c.token_hash == key, links.c.used_at.is_(None), links.c.expires_at > now
                )
                .values(used_at=now)
            )
            if spent.rowcount != 1:
                return None
            row = (await conn.execute(select(links).where(links.c.token_hash == key))).one()
            session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            await conn.execute(sessions.insert().values(
                id_hash=_hash(session_id), csrf=csrf, platform=row.platform,
                community=row.community, member=row.member, member_name=row.member_name,
                level=row.level, created_at=now, expires_at=now + timedelta(hours=hours),
            ))  # fmt: skip
        return session_id, Session(
            _hash(session_id), csrf, CommunityRef(Platform(row.platform), row.community),
            row.member, row.member_name, Level(row.level),
        )  # fmt: skip

    async def session(self, session_id: str, now: datetime, hours: int) -> Session | None:
        """The live session with this id (its lifetime renewed by use), or None."""
        key = _hash(session_id)
        async with self.db.transaction() as conn:
            row = (
                await conn.execute(
                    select(sessions).where(sessions.c.id_hash == key, sessions.c.expires_at > now)
                )
            ).first()
            if row is None:
                return None
            await conn.execute(
                sessions.update().where(sessions.c.id_hash == key)
                .values(expires_at=now + timedelta(hours=hours))
            )  # fmt: skip
        return Session(
            key, row.csrf, CommunityRef(Platform(row.platform), row.community), row.member,
            row.member_name, Level(row.level),
        )  # fmt: skip

    async def end(self, session: Session) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(delete(sessions).where(sessions.c.id_hash == session.id_hash))

    async def record(
        self, session: Session, action: str, target: str, detail: str, now: datetime
    ) -> None:
        """One line of the audit log (every change made through the dashboard)."""
        async with self.db.transaction() as conn:
            await conn.execute(audit.insert().values(
                platform=session.community.platform.value, community=session.community.id,
                member=session.member, member_name=session.member_name, action=action,
                target=target, detail=detail[:2000], at=now,
            ))  # fmt: skip

    async def audit_lines(
        self, community: CommunityRef, limit: int = 50
    ) -> list[dict[str, object]]:
        async with self.db.read() as conn:
            rows = (
                (
                    await conn.execute(
                        select(audit)
                        .where(
                            and_(
                                audit.c.platform == community.platform.value,
                                audit.c.community == community.id,
                            )
                        )
                        .order_by(audit.c.id.desc())
                        .limit(limit)
                    )
                )
                .mappings()
                .all()
            )
        return [dict(row) for row in rows]

    async def forget(self, platform: str, member: str) -> int:
        """A member's links and sessions go; the audit keeps the change without their name."""
        async with self.db.transaction() as conn:
            removed = 0
            for table in (links, sessions):
                result = await conn.execute(
                    delete(table).where(table.c.platform == platform, table.c.member == member)
                )
                removed += int(result.rowcount or 0)
            result = await conn.execute(
                audit.update().where(audit.c.platform == platform, audit.c.member == member)
                .values(member="", member_name="")
            )  # fmt: skip
        return removed + int(result.rowcount or 0)
