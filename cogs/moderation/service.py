"""Moderation decisions and their consequences: sanctions, cases, the warnings ladder, notices."""

from __future__ import annotations

import logging
import re
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.capabilities import Capability
from bot.core.clock import Clock
from bot.core.errors import NotSupported
from bot.core.events import Actor
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef
from bot.core.messages import Button, ButtonStyle, OutgoingMessage
from bot.core.port import PlatformPort
from bot.core.richtext import text
from bot.i18n import Translator
from bot.storage.schema import community_of
from cogs.moderation.limiter import FloodTracker, JoinBurst
from cogs.moderation.matcher import Scan
from cogs.moderation.payloads import AlertDelete, AlertDismiss, AlertWarn
from cogs.moderation.rules import RuleSet
from cogs.moderation.store import Case, ModerationStore

log = logging.getLogger(__name__)

SEVERITY = {"escalate": 0, "delete": 1, "warn": 2, "mute": 3}
URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|gg|io|ru|me|ly)/\S*")
MENTION = re.compile(r"<@!?\d+>|(?<!\w)@\w+")


@dataclass(frozen=True, slots=True)
class Violation:
    """What a message broke and what the rules say to do about it."""

    action: str
    rule: int | None
    reason: str
    """Catalog key of the reason shown to the member and in the log."""
    reason_params: dict[str, Any]
    points: int
    duration: timedelta | None
    evidence: str


def strongest(violations: list[Violation]) -> Violation | None:
    return max(violations, key=lambda v: SEVERITY[v.action], default=None)


def verdict_of(rules: RuleSet, scan: Scan) -> tuple[str | None, Any]:
    """The action the rules give for a scan, and the hit that decides it (for ``rules test``)."""
    best = None
    for hit in scan.hits:
        policy = rules.policy.lists.get(hit.entry.list)
        action = policy.action if policy else "delete"
        if best is None or SEVERITY[action] > SEVERITY[best[0]]:
            best = (action, hit)
    return (best[0], best[1]) if best else (None, None)


class ModerationService:
    """State and actions of the moderation feature for one bot process."""

    def __init__(self, rules: RuleSet, store: ModerationStore, clock: Clock) -> None:
        self.rules = rules
        self.store = store
        self.clock = clock
        frequency = rules.policy.frequency
        idle = max(frequency.per_seconds, frequency.duplicate_seconds, 3600.0)
        self.flood = FloodTracker(idle_seconds=idle)
        self.joins = JoinBurst()
        self.slowmodes: dict[tuple[CommunityRef, str], int] = {}
        """Emulated slow modes: (community, channel) -> interval in seconds."""
        self.recent: dict[ChannelRef, deque[tuple[MessageRef, str]]] = {}
        """Recent messages per channel, for /purge (platforms have no history API for bots)."""

    async def restore(self) -> None:
        """Reload emulated slow modes that are still in force (they outlive restarts)."""
        now = self.clock.now()
        for row in await self.store.slowmodes():
            if row["native"] or (row["until"] is not None and row["until"] <= now):
                continue
            community = community_of(row)
            self.slowmodes[(community, row["channel"])] = int(row["interval_seconds"])

    def remember(self, message: MessageRef, author: str) -> None:
        self.recent.setdefault(message.channel, deque(maxlen=500)).append((message, author))

    def modlog_channel(self, community: CommunityRef) -> ChannelRef | None:
        channel = self.rules.policy.modlog.channels.get(str(community))
        return None if channel is None else ChannelRef(community, channel)

    def rule_label(self, t: Translator, number: int | None) -> str:
        if number is None:
            return t("moderation.no_rule")
        rule = self.rules.rule_text(number) or ""
        return t("moderation.rule_label", number=number, rule=rule)

    async def sanction(
        self,
        port: PlatformPort,
        t: Translator,
        community: CommunityRef,
        member: Actor | MemberRef,
        *,
        action: str,
        reason: str,
        rule: int | None = None,
        points: int = 0,
        duration: timedelta | None = None,
        evidence: str | None = None,
        moderator: Actor | None = None,
        channel: ChannelRef | None = None,
        message: MessageRef | None = None,
        notify: bool = True,
    ) -> Case:
        """Carry out a sanction: platform action, numbered case, notice, mod log, ladder."""
        now = self.clock.now()
        ref = member.ref if isinstance(member, Actor) else member
        name = member.display_name if isinstance(member, Actor) else member.id
        until = now + duration if duration else None
        if action == "mute":
            try:
                until = await port.mute(community, ref, until, reason)
            except NotSupported:
                log.warning("%s cannot mute; recording a warning instead", port.platform)
                action = "warn"
        elif action == "kick":
            await port.kick(community, ref, reason)
        elif action == "ban":
            await port.ban(community, ref, reason)
        expires = now + self.rules.policy.warnings.expire_after if points else None
        case = await self.store.add_case(
            community,
            now,
            action=action,
            member=ref.id,
            member_name=name,
            moderator=moderator.ref.id if moderator else None,
            moderator_name=moderator.display_name if moderator else None,
            rule=rule,
            reason=reason,
            evidence=evidence,
            channel=channel.id if channel else None,
            message=message.id if message else None,
            points=points,
            duration_seconds=int((until - now).total_seconds()) if until else None,
            expires_at=expires,
        )
        total = await self.store.active_points(community, ref.id, now) if points else 0
        if notify:
            await self.notify_member(port, t, community, ref, case, total, channel)
        await self.post_case(port, t, community, case, total)
        if points:
            await self._climb_ladder(port, t, community, member, total - points, total, case)
        return case

    async def _climb_ladder(
        self,
        port: PlatformPort,
        t: Translator,
        community: CommunityRef,
        member: Actor | MemberRef,
        before: int,
        after: int,
        cause: Case,
    ) -> None:
        crossed = [s for s in self.rules.policy.warnings.ladder if before < s.points <= after]
        if not crossed:
            return
        step = crossed[-1]
        await self.sanction(
            port, t, community, member,
            action=step.action,
            reason=t("moderation.reason.ladder", points=after, case=cause.number),
            rule=cause.rule,
            duration=step.duration,
            evidence=cause.evidence,
        )  # fmt: skip

    async def notify_member(
        self,
        port: PlatformPort,
        t: Translator,
        community: CommunityRef,
        member: MemberRef,
        case: Case,
        points: int,
        channel: ChannelRef | None,
    ) -> None:
        """Tell the member what happened, which rule, and how to appeal - calmly."""
        lines = [
            t(
                f"moderation.notice.{case.action}",
                case=case.number,
                duration=t.duration(timedelta(seconds=case.duration_seconds or 0)),
            )
        ]
        lines.append(
            self.rule_label(t, case.rule)
            if case.rule
            else t("moderation.reason_label", reason=case.reason)
        )
        if points:
            lines.append(
                t(
                    "moderation.notice.points",
                    count=points,
                    expire=t.duration(self.rules.policy.warnings.expire_after),
                )
            )
        lines.append(t("moderation.notice.appeal", case=case.number))
        message = OutgoingMessage(text("\n".join(lines)))
        sent = None
        if Capability.DIRECT_MESSAGES in port.capabilities:
            try:
                sent = await port.send_direct(community, member, message)
            except Exception:
                log.info("could not write to %s privately", member.id, exc_info=True)
        if sent is None and channel is not None and case.action not in ("kick", "ban"):
            await port.send(channel, message)

    async def post_case(
        self,
        port: PlatformPort,
        t: Translator,
        community: CommunityRef,
        case: Case,
        points: int = 0,
        buttons: tuple[Button, ...] = (),
    ) -> None:
        channel = self.modlog_channel(community)
        if channel is None:
            log.info(
                "case #%d %s %s (no mod-log channel configured)",
                case.number,
                case.action,
                case.member_name,
            )
            return
        await port.send(channel, OutgoingMessage(text(self.describe(t, case, points)), buttons))

    def describe(self, t: Translator, case: Case, points: int = 0) -> str:
        """The mod-log rendering of a case."""
        who = case.moderator_name or t("moderation.auto")
        head = t(
            "moderation.case_line",
            number=case.number,
            action=t(f"moderation.action.{case.action}"),
            member=case.member_name,
            by=who,
        )
        parts = [head]
        if case.duration_seconds:
            parts.append(
                t(
                    "moderation.case_duration",
                    duration=t.duration(timedelta(seconds=case.duration_seconds)),
                )
            )
        if case.rule:
            parts.append(self.rule_label(t, case.rule))
        parts.append(t("moderation.reason_label", reason=case.reason))
        if case.points:
            parts.append(t("moderation.case_points", added=case.points, total=points))
        if case.evidence:
            parts.append(t("moderation.evidence", evidence=_short(case.evidence)))
        return "\n".join(parts)

    def alert_buttons(
        self, t: Translator, community: CommunityRef, case: Case
    ) -> tuple[Button, ...]:
        # The mod log may be another chat (a private moderators' group): name the community.
        number = case.number
        return (
            AlertDelete(community=community.id, number=number).button(
                t("moderation.button.delete"), ButtonStyle.DANGER
            ),
            AlertWarn(community=community.id, number=number).button(
                t("moderation.button.warn"), ButtonStyle.PRIMARY
            ),
            AlertDismiss(community=community.id, number=number).button(
                t("moderation.button.dismiss")
            ),
        )

    async def lift_raid(self, port: PlatformPort, t: Translator, community: CommunityRef) -> int:
        """End raid mode: release held members and tell the moderators. Returns how many."""
        members = await self.store.lift_raid(community, self.clock.now())
        self.joins.clear(str(community))
        for member in members:
            try:
                await port.unmute(community, MemberRef(community.platform, member))
            except Exception:
                log.warning("could not release %s after a raid", member, exc_info=True)
        channel = self.modlog_channel(community)
        if channel is not None:
            await port.send(
                channel, OutgoingMessage(text(t("moderation.raid_lifted", count=len(members))))
            )
        return len(members)

    def now_seconds(self) -> float:
        return self.clock.now().timestamp()

    def expire_at(self, duration: timedelta) -> datetime:
        return self.clock.now() + duration


def count_links(content: str) -> int:
    return len(URL.findall(content))


def count_mentions(content: str) -> int:
    return len(MENTION.findall(content))


def _short(value: str, limit: int = 300) -> str:
    value = value.replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"
