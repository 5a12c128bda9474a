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
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.core.capabilities import Capability
from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context, Services
from bot.core.errors import UserFacingError
from bot.core.feature import Feature, Recurring, command, recurring
from bot.core.ids import CommunityRef, MemberRef
from bot.core.messages import OutgoingMessage
from bot.core.permissions import Level
from bot.core.richtext import join_lines, text
from bot.core.settings import EarnedLevel
from bot.scheduler import daily_trigger
from bot.storage.eventlog import communities
from cogs.roles.api import Unlock
from cogs.roles.settings import Requirements, RolesSettings
from cogs.roles.stats import Contribution, contributions
from cogs.roles.store import LevelStore

log = logging.getLogger(__name__)

LEVELS = ("newcomer", "activist", "expert")
FIELDS = ("days_active", "replies", "reactions_received", "ama_questions", "quiz_correct")
DEMOTION_SHARE = 0.9

PROFILE = CommandSpec(
    "profile", "roles.cmd.profile",
    (Param("member", ParamKind.MEMBER, "roles.param.member", required=False),),
    while_muted=True,
)  # fmt: skip
SETLEVEL = CommandSpec(
    "level", "roles.cmd.level",
    (
        Param("member", ParamKind.MEMBER, "roles.param.target"),
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
    current: str, since: datetime | None, item: Contribution, roles: RolesSettings, now: datetime
) -> str:
    """The level after a run: promotions at once; demotions after the grace period and only
    below 90% of a requirement of the current level."""
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


class Roles(Feature[RolesSettings]):
    """Earned levels recomputed daily; /profile and /level; the EarnedLevels read API."""

    name = "roles"
    requires = ("polls", "ama")

    def __init__(self, services: Services, settings: RolesSettings) -> None:
        super().__init__(services, settings)
        self.store = LevelStore(services.db)

    async def levels_by(
        self, community: CommunityRef, moments: Sequence[datetime]
    ) -> list[dict[str, int]]:
        reached = await self.store.reached(community)
        return [
            {level: sum(1 for held, since in reached if held == level and since <= moment)
             for level in LEVELS[1:]}
            for moment in moments
        ]  # fmt: skip

    async def earned_level(self, community: CommunityRef, member: str) -> EarnedLevel:
        level = await self.store.level(community, member)
        return level if level in ("activist", "expert") else "newcomer"  # type: ignore[return-value]

    async def missing_for(
        self, community: CommunityRef, member: str, unlock: Unlock
    ) -> EarnedLevel | None:
        needed = self.settings.links_from if unlock == "links" else self.settings.polls_from
        if needed == "newcomer":
            return None
        level = await self.earned_level(community, member)
        return None if LEVELS.index(level) >= LEVELS.index(needed) else needed

    async def forget_member(self, member: MemberRef) -> int:
        return await self.store.forget(member.platform.value, member.id)

    def _role_of(self, level: str) -> str:
        if level == "activist":
            return self.settings.activist.role
        if level == "expert":
            return self.settings.expert.role
        return ""

    def daily(self) -> Iterable[Recurring]:
        tz = self.config.community.timezone
        yield Recurring("roles.recompute", daily_trigger(self.settings.run_at, tz))

    @recurring("daily", catch_up=timedelta(hours=20))
    async def recompute(self, slot: datetime, _: None) -> None:
        if self.services.flush_events is not None:
            await self.services.flush_events()
        now = self.clock.now()
        since = now - timedelta(days=self.settings.window_days)
        for community in await communities(self.db, since):
            await self.recompute_community(community, since, now)

    async def recompute_community(
        self, community: CommunityRef, since: datetime, now: datetime
    ) -> None:
        t, tz = self.locale_for(community)
        stats = await contributions(self.db, community, since, tz)
        known = await self.store.all(community)
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
                self.settings,
                now,
            )
            if new != current or (row is None and new != "newcomer"):
                await self.store.set(community, member, new, now)
                await self.apply_roles(community, member, current, new)
                if LEVELS.index(new) > LEVELS.index(current):
                    promoted.append((member, new))
        port = self.services.ports.get(community.platform)
        if promoted and port is not None:
            lines = [t("roles.congrats_head")] + [
                t("roles.congrats_line", name=member, level=t(f"roles.level.{level}"))
                for member, level in sorted(promoted, key=lambda p: (LEVELS.index(p[1]), p[0]))
            ]
            await port.send(port.home_channel(community), OutgoingMessage(text("\n".join(lines))))

    async def apply_roles(self, community: CommunityRef, member: str, old: str, new: str) -> None:
        """Swap the platform role of the old level for the new one, where roles exist."""
        port = self.services.ports.get(community.platform)
        if port is None or Capability.ROLES not in port.capabilities or old == new:
            return
        ref = MemberRef(community.platform, member)
        for level, granted in ((old, False), (new, True)):
            role = self._role_of(level)
            if not role:
                continue
            try:
                await port.set_role(community, ref, role, granted=granted)
            except Exception:
                log.warning("could not change role %s of %s", role, member, exc_info=True)

    @command(PROFILE)
    async def profile(self, ctx: Context) -> None:
        actor = ctx.event.actor
        assert actor is not None
        member: MemberRef = ctx.args.get("member") or actor.ref
        community = ctx.event.community
        now = ctx.clock.now()
        if self.services.flush_events is not None:
            await self.services.flush_events()
        stats = await contributions(
            self.db, community, now - timedelta(days=self.settings.window_days), ctx.tz
        )
        item = stats.get(member.id, Contribution())
        row = (await self.store.all(community)).get(member.id)
        level = row["level"] if row else "newcomer"
        lines: list[Any] = [
            ctx.t(
                "roles.profile_head",
                name=member.id,
                level=ctx.t(f"roles.level.{level}"),
                count=self.settings.window_days,
            )
        ]
        lines += [ctx.t(f"roles.field.{name}", count=item.value(name)) for name in FIELDS]
        if level != "expert":
            following = "activist" if level == "newcomer" else "expert"
            needs = self.settings.activist if following == "activist" else self.settings.expert
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

    @command(SETLEVEL)
    async def set_level(self, ctx: Context) -> None:
        member: MemberRef = ctx.args["member"]
        level = str(ctx.args["level"])
        locked = ctx.args.get("lock") == "lock"
        actor = ctx.event.actor
        if level not in LEVELS:
            raise UserFacingError("roles.bad_level")
        before = (await self.store.all(ctx.event.community)).get(member.id)
        await self.store.set(
            ctx.event.community,
            member.id,
            level,
            ctx.clock.now(),
            locked=locked,
            set_by=actor.ref.id if actor else None,
        )
        await self.apply_roles(
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
