"""Columns (rituals): recurring posts from a template, prepared as drafts ``ahead`` of their
time for their owner to fill, with a private reminder; the post goes out at its time like any
scheduled one, or is skipped with a note to the owner when it is still empty."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from bot.core.feature import Recurring, recurring
from bot.core.ids import CommunityRef, MemberRef
from bot.core.messages import OutgoingMessage
from bot.core.richtext import text
from bot.storage.directory import known_name
from cogs.studio.payloads import PublishDue
from cogs.studio.rhythm import StudioRhythm
from cogs.studio.settings import Column
from cogs.studio.tables import posts
from cogs.studio.templates import version


def column_trigger(column: Column, zone: object) -> CronTrigger:
    week = f"*/{column.weeks}" if column.weeks > 1 else "*"
    return CronTrigger(day_of_week=column.day, hour=column.at.hour, minute=column.at.minute,
                       week=week, timezone=zone)  # fmt: skip


class StudioColumns(StudioRhythm):
    """Preparing columns ahead of time."""

    def columns_due(self) -> Iterable[Recurring]:
        for community in dict.fromkeys(c.community for c in self.settings.columns):
            _, tz = self.locale_for(community)
            every = CronTrigger(hour="*/3", minute=0, timezone=tz)  # drafts are due days ahead
            yield Recurring(f"studio.columns.{community}", every,
                            community, catch_up=timedelta(hours=6))  # fmt: skip

    @recurring("columns_due")
    async def columns_job(self, slot: datetime, community: CommunityRef) -> None:
        await self.prepare_columns(community, self.clock.now())

    async def prepare_columns(self, community: CommunityRef, now: datetime) -> list[int]:
        """Draft every column of the community whose next time is within its ``ahead``
        (once per column and time); returns the new drafts."""
        _, tz = self.locale_for(community)
        made = []
        for column in (c for c in self.settings.columns if c.community == community):
            slot = column_trigger(column, tz).get_next_fire_time(None, now)
            if slot is None or slot - now > column.ahead:
                continue
            if await self.prepared(community, column.name, slot):
                continue
            made.append(await self.prepare(community, column, slot))
        return made

    async def prepared(self, community: CommunityRef, name: str, slot: datetime) -> bool:
        query = select(posts.c.id).where(
            posts.c.platform == community.platform.value, posts.c.community == community.id,
            posts.c.column_name == name, posts.c.publish_at == slot,
        )  # fmt: skip
        async with self.db.read() as conn:
            return (await conn.scalar(query)) is not None

    async def prepare(self, community: CommunityRef, column: Column, slot: datetime) -> int:
        template = version(self.templates, column.template, self.locale_for(community)[0].locale)
        owner = MemberRef(community.platform, column.owner)
        name = await known_name(self.db, community, column.owner) or column.owner
        post_id = await self.store.create(
            community, author=column.owner, author_name=name,
            template=template.name if template else column.template,
            column_name=column.name, fields="{}", heavy=bool(template and template.heavy),
            channels=column.channel, status="scheduled", publish_at=slot,
            created_at=self.clock.now(), messages="", version=1,
        )  # fmt: skip
        await self.schedule(PublishDue(community=community, post=post_id), str(post_id), slot)
        t, tz = self.locale_for(community)
        asks = "\n".join(f"• {n}: {p}" for n, p in template.fields) if template else ""
        note = t("studio.column_prepared", column=column.name, post=post_id,
                 when=t.datetime(slot, tz), fields=asks)  # fmt: skip
        await self.port_for(community).send_direct(community, owner, OutgoingMessage(text(note)))
        return post_id
