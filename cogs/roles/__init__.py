"""Earned levels: newcomer -> activist -> expert, Discourse style.

Recomputed once a day from what members did in the last ``window_days``: days active, replies to
others, reactions from distinct other members, AMA questions, quiz answers. A promotion is kept
for ``grace_days``; after that a member drops a level only when below 90% of one of its
requirements. Moderators can set a level and lock it. Promotions are congratulated in one
message per community and run, never one each. ``/profile`` shows a member's level and what they
still need for the next one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import and_, select

from bot.config import Requirements
from bot.core.capabilities import Capability
from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context, Services
from bot.core.errors import UserFacingError
from bot.core.ids import CommunityRef, MemberRef
from bot.core.messages import OutgoingMessage
from bot.core.permissions import Level
from bot.core.registry import Registry
from bot.core.richtext import join_lines, text
from bot.storage.database import Database
from bot.storage.schema import member_levels
from cogs.roles.stats import Contribution, communities, contributions

log = logging.getLogger(__name__)

LEVELS = ("newcomer", "activist", "expert")
FIELDS = ("days_active", "replies", "reactions_received", "ama_questions", "quiz_correct")
DEMOTION_SHARE = 0.9

PROFILE = CommandSpec(
    "profile", "roles.cmd.profile",
    (Param("member", ParamKind.MEMBER, "roles.param.member", required=False),),
)  # fmt: skip
SETLEVEL = CommandSpec(
    "level", "roles.cmd.level",
    (
        Param("member", ParamKind.MEMBER, "roles.param.member"),
        Param("level", ParamKind.CHOICE, "roles.param.level", choices=LEVELS),
        Param("lock", ParamKind.CHOICE, "roles.param.lock", required=False,
              choices=("lock", "unlock")),
    ),
    Level.MODERATOR,
)  # fmt: skip


def meets(item: Contribution, needs: Requirements, share: float = 1.0) -> bool:
    return all(item.value(name) >= getattr(needs, name) * share for name in FIELDS)


def earned(item: Contribution, activist: Requirements, expert: Requirements) -> str:
    if meets(item, expert):
        return "expert"
    if meets(item, activist):
        return "activist"
    return "newcomer"


def decide(
    current: str, since: datetime | None, item: Contribution, services: Services, now: datetime
) -> str:
    """The level after a run: promotions at once; demotions after the grace period and only
    below 90% of a requirement of the current level."""
    roles = services.config.roles
    target = earned(item, roles.activist, roles.expert)
    if LEVELS.index(target) >= LEVELS.index(current):
        return target
    if since is not None and now - since < timedelta(days=roles.grace_days):
        return current
    while current != "newcomer":
        needs = roles.activist if current == "activist" else roles.expert
        if meets(item, needs, DEMOTION_SHARE):
            return current
        current = LEVELS[LEVELS.index(current) - 1]
    return current


class LevelStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def _key(community: CommunityRef, member: str) -> Any:
        return and_(
            member_levels.c.platform == community.platform.value,
            member_levels.c.community == community.id,
            member_levels.c.member == member,
        )

    async def all(self, community: CommunityRef) -> dict[str, dict[str, Any]]:
        async with self.db.read() as conn:
            rows = (
                (
                    await conn.execute(
                        select(member_levels).where(
                            member_levels.c.platform == community.platform.value,
                            member_levels.c.community == community.id,
                        )
                    )
                )
                .mappings()
                .all()
            )
        return {row["member"]: dict(row) for row in rows}

    async def set(
        self,
        community: CommunityRef,
        member: str,
        level: str,
        now: datetime,
        *,
        locked: bool = False,
        set_by: str | None = None,
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(member_levels.delete().where(self._key(community, member)))
            await conn.execute(member_levels.insert().values(
                platform=community.platform.value, community=community.id, member=member,
                level=level, since=now, locked=locked, set_by=set_by))  # fmt: skip


def setup(registry: Registry, services: Services) -> None:
    store = LevelStore(services.db)
    roles = services.config.roles
    hour, minute = (int(part) for part in roles.run_at.split(":"))

    async def recompute(slot: datetime) -> None:
        if services.flush_events is not None:
            await services.flush_events()
        now = services.clock.now()
        since = now - timedelta(days=roles.window_days)
        for community in await communities(services.db, since):
            await recompute_community(community, since, now)

    async def recompute_community(community: CommunityRef, since: datetime, now: datetime) -> None:
        t, tz = services.locale_for(community)
        stats = await contributions(services.db, community, since, tz)
        known = await store.all(community)
        promoted: list[tuple[str, str]] = []
        for member in set(stats) | set(known):
            row = known.get(member)
            if row is not None and row["locked"]:
                continue
            current = row["level"] if row else "newcomer"
            new = decide(
                current,
                row["since"] if row else None,
                stats.get(member, Contribution()),
                services,
                now,
            )
            if new != current or (row is None and new != "newcomer"):
                await store.set(community, member, new, now)
                await apply_roles(community, member, current, new)
                if LEVELS.index(new) > LEVELS.index(current):
                    promoted.append((member, new))
        port = services.ports.get(community.platform)
        if promoted and port is not None:
            lines = [t("roles.congrats_head")] + [
                t("roles.congrats_line", name=member, level=t(f"roles.level.{level}"))
                for member, level in sorted(promoted, key=lambda p: (LEVELS.index(p[1]), p[0]))
            ]
            await port.send(port.home_channel(community), OutgoingMessage(text("\n".join(lines))))

    async def apply_roles(community: CommunityRef, member: str, old: str, new: str) -> None:
        """Swap the platform role of the old level for the new one, where roles exist."""
        port = services.ports.get(community.platform)
        if port is None or Capability.ROLES not in port.capabilities or old == new:
            return
        ref = MemberRef(community.platform, member)
        for level, granted in ((old, False), (new, True)):
            role = _role_of(services, level)
            if not role:
                continue
            try:
                await port.set_role(community, ref, role, granted=granted)
            except Exception:
                log.warning("could not change role %s of %s", role, member, exc_info=True)

    async def profile(ctx: Context) -> None:
        actor = ctx.event.actor
        assert actor is not None
        member: MemberRef = ctx.args.get("member") or actor.ref
        community = ctx.event.community
        now = ctx.clock.now()
        if services.flush_events is not None:
            await services.flush_events()
        stats = await contributions(
            services.db, community, now - timedelta(days=roles.window_days), ctx.tz
        )
        item = stats.get(member.id, Contribution())
        row = (await store.all(community)).get(member.id)
        level = row["level"] if row else "newcomer"
        lines: list[Any] = [
            ctx.t(
                "roles.profile_head",
                name=member.id,
                level=ctx.t(f"roles.level.{level}"),
                days=roles.window_days,
            )
        ]
        lines += [ctx.t(f"roles.field.{name}", count=item.value(name)) for name in FIELDS]
        if level != "expert":
            following = "activist" if level == "newcomer" else "expert"
            needs = roles.activist if following == "activist" else roles.expert
            missing = [
                ctx.t(f"roles.need.{name}", count=getattr(needs, name) - item.value(name))
                for name in FIELDS if item.value(name) < getattr(needs, name)
            ]  # fmt: skip
            if missing:
                lines.append(
                    ctx.t(
                        "roles.missing",
                        level=ctx.t(f"roles.level.{following}"),
                        what=", ".join(missing),
                    )
                )
            else:
                lines.append(ctx.t("roles.next_run", level=ctx.t(f"roles.level.{following}")))
        else:
            lines.append(ctx.t("roles.top"))
        if row is not None and row["locked"]:
            lines.append(ctx.t("roles.locked"))
        await ctx.reply(join_lines(lines), ephemeral=True)

    async def set_level(ctx: Context) -> None:
        member: MemberRef = ctx.args["member"]
        level = str(ctx.args["level"])
        locked = ctx.args.get("lock") == "lock"
        actor = ctx.event.actor
        if level not in LEVELS:
            raise UserFacingError("roles.bad_level")
        before = (await store.all(ctx.event.community)).get(member.id)
        await store.set(
            ctx.event.community,
            member.id,
            level,
            ctx.clock.now(),
            locked=locked,
            set_by=actor.ref.id if actor else None,
        )
        await apply_roles(
            ctx.event.community, member.id, before["level"] if before else "newcomer", level
        )
        await ctx.reply(
            ctx.t(
                "roles.set",
                name=member.id,
                level=ctx.t(f"roles.level.{level}"),
                locked=ctx.t("roles.locked_short") if locked else "",
            )
        )

    registry.command(PROFILE, profile)
    registry.command(SETLEVEL, set_level)
    services.scheduler.add_recurring(
        "roles.recompute",
        CronTrigger(hour=hour, minute=minute, timezone=services.config.community.timezone),
        recompute,
        catch_up=timedelta(hours=20),
    )


def _role_of(services: Services, level: str) -> str:
    roles = services.config.roles
    if level == "activist":
        return roles.activist.role
    if level == "expert":
        return roles.expert.role
    return ""
