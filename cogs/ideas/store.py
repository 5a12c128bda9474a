"""SQL of ideas: the idea, its votes and followers, status history, notices, loop posts and
survey answers. Every change that can race (a vote and a merge, two status changes) is one
guarded statement or one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from bot.core.ids import CommunityRef, MemberRef
from bot.storage.database import Database
from bot.storage.schema import of_community
from cogs.ideas.tables import (
    ACTIONABLE,
    DRAFT,
    OPEN,
    Idea,
    followers,
    history,
    ideas,
    loops,
    notices,
    quiet,
    surveys,
    votes,
)


def _idea(row: Any) -> Idea:
    return Idea(**{f.name: row[f.name] for f in fields(Idea)})


class IdeaStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- ideas ---------------------------------------------------------------------------

    async def create(self, community: CommunityRef, **values: Any) -> int:
        async with self.db.transaction() as conn:
            result = await conn.execute(
                ideas.insert().values(
                    platform=community.platform.value, community=community.id, **values
                )
            )
            idea_id = int(result.inserted_primary_key[0])  # type: ignore[index]
            if values["status"] != DRAFT:
                await conn.execute(history.insert().values(
                    idea_id=idea_id, at=values["created_at"], before=None, after="new",
                    actor=values["author"], reason=""))  # fmt: skip
        return idea_id

    async def get(self, idea_id: int) -> Idea | None:
        async with self.db.read() as conn:
            row = (await conn.execute(select(ideas).where(ideas.c.id == idea_id))).mappings()
            found = row.first()
        return None if found is None else _idea(found)

    async def board(self, community: CommunityRef, statuses: Sequence[str] = OPEN) -> list[Idea]:
        query = (
            select(ideas)
            .where(*of_community(ideas, community), ideas.c.status.in_(statuses))
            .order_by(ideas.c.id)
        )
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_idea(row) for row in rows]

    async def posted_today(self, community: CommunityRef, author: str, since: datetime) -> int:
        query = select(func.count()).where(
            *of_community(ideas, community), ideas.c.author == author,
            ideas.c.created_at >= since,
        )  # fmt: skip
        async with self.db.read() as conn:
            return int(await conn.scalar(query) or 0)

    async def update(self, idea_id: int, when: Any = None, **values: Any) -> bool:
        query = update(ideas).where(ideas.c.id == idea_id).values(**values)
        if when is not None:
            query = query.where(when)
        async with self.db.transaction() as conn:
            result = await conn.execute(query)
        return bool(result.rowcount)

    async def set_status(
        self, idea: Idea, after: str, actor: str, reason: str, at: datetime
    ) -> bool:
        """Move ``idea`` from the status it was read with to ``after`` (False when someone
        changed it meanwhile), with its history row."""
        values: dict[str, Any] = {"status": after, "reason": reason or None}
        if idea.actionable_at is None and idea.status == "new" and after in ACTIONABLE:
            values["actionable_at"] = at
        if idea.decided_at is None and after != "new":
            values["decided_at"] = at
        if after == "done":
            values["done_at"] = at
        async with self.db.transaction() as conn:
            result = await conn.execute(
                update(ideas)
                .where(ideas.c.id == idea.id, ideas.c.status == idea.status)
                .values(**values)
            )
            if not result.rowcount:
                return False
            await conn.execute(history.insert().values(
                idea_id=idea.id, at=at, before=idea.status, after=after, actor=actor,
                reason=reason))  # fmt: skip
        return True

    # -- votes and followers ---------------------------------------------------------------

    async def toggle_vote(self, idea_id: int, member: str, at: datetime) -> bool:
        """Vote, or take the vote back; True when the member votes now."""
        async with self.db.transaction() as conn:
            gone = await conn.execute(
                delete(votes).where(votes.c.idea_id == idea_id, votes.c.member == member)
            )
            if gone.rowcount:
                return False
            await conn.execute(votes.insert().values(idea_id=idea_id, member=member, at=at))
            return True

    async def toggle_follow(self, idea_id: int, member: str) -> bool:
        async with self.db.transaction() as conn:
            gone = await conn.execute(
                delete(followers).where(
                    followers.c.idea_id == idea_id, followers.c.member == member
                )
            )
            if gone.rowcount:
                return False
            await conn.execute(followers.insert().values(idea_id=idea_id, member=member))
            return True

    async def voters(self, idea_id: int) -> list[str]:
        async with self.db.read() as conn:
            rows = await conn.execute(select(votes.c.member).where(votes.c.idea_id == idea_id))
            return sorted(str(m) for m in rows.scalars())

    async def audience(self, idea_id: int) -> set[str]:
        """Voters and followers."""
        async with self.db.read() as conn:
            voted = await conn.execute(select(votes.c.member).where(votes.c.idea_id == idea_id))
            follow = await conn.execute(
                select(followers.c.member).where(followers.c.idea_id == idea_id)
            )
            return {str(m) for m in voted.scalars()} | {str(m) for m in follow.scalars()}

    async def counts(self, idea_ids: Iterable[int]) -> dict[int, int]:
        ids = list(idea_ids)
        if not ids:
            return {}
        query = (
            select(votes.c.idea_id, func.count())
            .where(votes.c.idea_id.in_(ids))
            .group_by(votes.c.idea_id)
        )
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).all()
        return {int(idea): int(count) for idea, count in rows}

    async def most_votes(self, community: CommunityRef) -> int:
        """The votes of the community's most-voted open idea (one query, any board size)."""
        per_idea = (
            select(func.count().label("n"))
            .select_from(votes.join(ideas, ideas.c.id == votes.c.idea_id))
            .where(*of_community(ideas, community), ideas.c.status.in_(OPEN))
            .group_by(votes.c.idea_id)
            .subquery()
        )
        async with self.db.read() as conn:
            return int(await conn.scalar(select(func.max(per_idea.c.n))) or 0)

    async def active_votes(self, community: CommunityRef, member: str) -> int:
        """Votes the member holds on ideas still open (what a vote budget counts)."""
        query = (
            select(func.count())
            .select_from(votes.join(ideas, ideas.c.id == votes.c.idea_id))
            .where(
                *of_community(ideas, community), votes.c.member == member, ideas.c.status.in_(OPEN)
            )
        )
        async with self.db.read() as conn:
            return int(await conn.scalar(query) or 0)

    async def merge(self, source: Idea, target: Idea, actor: str, at: datetime) -> bool:
        """Fold ``source`` into ``target`` once: votes and followers move (a member counted
        once, the target's author never voting for their own idea), the source becomes a
        duplicate pointing at the target."""
        async with self.db.transaction() as conn:
            marked = await conn.execute(
                update(ideas)
                .where(ideas.c.id == source.id, ideas.c.status.in_(OPEN))
                .values(
                    status="duplicate",
                    merged_into=target.id,
                    decided_at=at,
                    reason=f"#{target.id}",
                )
            )
            if not marked.rowcount:
                return False
            for table in (votes, followers):
                already = select(table.c.member).where(table.c.idea_id == target.id)
                moving = select(table.c.member).where(
                    table.c.idea_id == source.id,
                    table.c.member.not_in(already),
                    table.c.member != target.author,
                )
                rows = [str(m) for m in (await conn.execute(moving)).scalars()]
                extra = {"at": at} if table is votes else {}
                if rows:
                    await conn.execute(
                        insert(table), [{"idea_id": target.id, "member": m, **extra} for m in rows]
                    )
                await conn.execute(delete(table).where(table.c.idea_id == source.id))
            if source.author != target.author:  # the duplicate's author follows the survivor
                known = await conn.scalar(
                    select(func.count()).where(
                        followers.c.idea_id == target.id, followers.c.member == source.author
                    )
                )
                if not known:
                    await conn.execute(followers.insert().values(
                        idea_id=target.id, member=source.author))  # fmt: skip
            await conn.execute(history.insert().values(
                idea_id=source.id, at=at, before=source.status, after="duplicate", actor=actor,
                reason=f"#{target.id}"))  # fmt: skip
        return True

    # -- notices -------------------------------------------------------------------------

    async def add_notices(
        self, community: CommunityRef, idea_id: int, members: Iterable[str], text: str,
        at: datetime,
    ) -> None:  # fmt: skip
        rows = [
            {"platform": community.platform.value, "community": community.id, "member": m,
             "idea_id": idea_id, "text": text, "created_at": at}
            for m in members
        ]  # fmt: skip
        if rows:
            async with self.db.transaction() as conn:
                await conn.execute(insert(notices), rows)

    async def pending(self, community: CommunityRef, member: str) -> list[Any]:
        query = (
            select(notices.c.id, notices.c.text)
            .where(
                *of_community(notices, community),
                notices.c.member == member,
                notices.c.sent_at.is_(None),
            )
            .order_by(notices.c.id)
        )
        async with self.db.read() as conn:
            return list((await conn.execute(query)).all())

    async def claim_notices(self, ids: Sequence[int], at: datetime, outcome: str) -> int:
        """Mark notices handled once (a second process finds them claimed)."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                update(notices)
                .where(notices.c.id.in_(list(ids)), notices.c.sent_at.is_(None))
                .values(sent_at=at, outcome=outcome)
            )
        return int(result.rowcount or 0)

    async def set_outcome(self, ids: Sequence[int], outcome: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                update(notices).where(notices.c.id.in_(list(ids))).values(outcome=outcome)
            )

    async def last_notice(self, community: CommunityRef, member: str) -> datetime | None:
        query = select(func.max(notices.c.sent_at)).where(
            *of_community(notices, community), notices.c.member == member,
            notices.c.outcome == "sent",
        )  # fmt: skip
        async with self.db.read() as conn:
            found = await conn.scalar(query)
        return found if isinstance(found, datetime) else None

    # -- loops -----------------------------------------------------------------------------

    async def unlooped_done(self, community: CommunityRef) -> list[Idea]:
        return [i for i in await self.board(community, ("done",)) if i.looped_at is None]

    async def draft_loop(
        self, community: CommunityRef, kind: str, period: str, idea_ids: Sequence[int],
        text: str, at: datetime,
    ) -> int:  # fmt: skip
        async with self.db.transaction() as conn:
            result = await conn.execute(loops.insert().values(
                platform=community.platform.value, community=community.id, kind=kind,
                period=period, ideas=",".join(map(str, idea_ids)), text=text, status="draft",
                drafted_at=at))  # fmt: skip
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    async def loop(self, loop_id: int) -> Any:
        async with self.db.read() as conn:
            return (
                (await conn.execute(select(loops).where(loops.c.id == loop_id))).mappings().first()
            )

    async def open_loop(self, community: CommunityRef, kind: str) -> Any:
        """The community's draft of this kind not posted yet, if any."""
        query = select(loops).where(
            *of_community(loops, community), loops.c.kind == kind, loops.c.status == "draft"
        )
        async with self.db.read() as conn:
            return (await conn.execute(query.order_by(loops.c.id.desc()))).mappings().first()

    async def loop_of(self, community: CommunityRef, kind: str, period: str) -> Any:
        query = select(loops).where(
            *of_community(loops, community), loops.c.kind == kind, loops.c.period == period
        )
        async with self.db.read() as conn:
            return (await conn.execute(query)).mappings().first()

    async def claim_loop(self, loop_id: int, at: datetime) -> bool:
        """Draft → posting, once."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                update(loops)
                .where(loops.c.id == loop_id, loops.c.status == "draft")
                .values(status="posted", posted_at=at)
            )
        return bool(result.rowcount)

    async def set_loop(self, loop_id: int, **values: Any) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(update(loops).where(loops.c.id == loop_id).values(**values))

    async def mark_looped(self, idea_ids: Sequence[int], at: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                update(ideas)
                .where(ideas.c.id.in_(list(idea_ids)), ideas.c.looped_at.is_(None))
                .values(looped_at=at)
            )

    # -- figures ---------------------------------------------------------------------------

    async def for_metrics(self, community: CommunityRef) -> tuple[list[Idea], dict[int, datetime]]:
        """Every idea of the community, and per shipped idea when its author was first sent a
        notice after it was done."""
        told_query = (
            select(ideas.c.id, func.min(notices.c.sent_at))
            .select_from(notices.join(ideas, ideas.c.id == notices.c.idea_id))
            .where(
                *of_community(ideas, community),
                ideas.c.done_at.is_not(None),
                notices.c.member == ideas.c.author,
                notices.c.outcome == "sent",
                notices.c.sent_at >= ideas.c.done_at,
            )
            .group_by(ideas.c.id)
        )
        async with self.db.read() as conn:
            rows = await conn.execute(select(ideas).where(*of_community(ideas, community)))
            found = [_idea(row) for row in rows.mappings().all()]
            told = {int(i): at for i, at in (await conn.execute(told_query)).all()}
        return found, told

    # -- privacy ---------------------------------------------------------------------------

    async def forget(self, member: MemberRef) -> int:
        """A member's ideas (with their votes), votes, follows, notices, survey answers."""
        platform = member.platform.value
        mine = select(ideas.c.id).where(ideas.c.platform == platform)
        async with self.db.transaction() as conn:
            removed = 0
            for statement in (
                delete(ideas).where(ideas.c.platform == platform, ideas.c.author == member.id),
                delete(votes).where(votes.c.member == member.id, votes.c.idea_id.in_(mine)),
                delete(followers).where(
                    followers.c.member == member.id, followers.c.idea_id.in_(mine)
                ),
                delete(notices).where(
                    notices.c.platform == platform, notices.c.member == member.id
                ),
                delete(quiet).where(quiet.c.platform == platform, quiet.c.member == member.id),
                delete(surveys).where(
                    surveys.c.platform == platform, surveys.c.member == member.id
                ),
            ):
                removed += int((await conn.execute(statement)).rowcount or 0)
        return removed
