"""Moderation decisions and their consequences: sanctions, cases, the warnings ladder, notices."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import deque
from collections.abc import Awaitable, Callable
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
from bot.storage.shared_state import SharedState
from cogs.moderation.counters import Counters, LocalCounters, SharedCounters
from cogs.moderation.matcher import Scan
from cogs.moderation.payloads import AlertDelete, AlertDismiss, AlertWarn
from cogs.moderation.rules import RuleSet
from cogs.moderation.slowmodes import EmulatedSlowModes
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
    detail: str = ""
    """For the mod log only (a stop word's entry and the text that matched it)."""


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


EVIDENCE_CHARS = 500
"""Text kept of a recent message, as evidence for /report."""
DM_BEFORE_REMOVAL_SECONDS = 5.0
"""How long a kick or ban waits for its notice to the member."""

Waiting = Callable[[CommunityRef, str], Awaitable[bool]]
"""Whether the rules gate still holds a member (then raid mode does not unmute them)."""


class ModerationService:
    """State and actions of the moderation feature for one bot process."""

    def __init__(
        self,
        rules: RuleSet,
        store: ModerationStore,
        clock: Clock,
        shared: SharedState | None = None,
        *,
        several: bool = False,
    ) -> None:
        self.rules = rules
        self.store = store
        self.clock = clock
        frequency = rules.policy.frequency
        idle = max(frequency.per_seconds, frequency.duplicate_seconds, 3600.0)
        self.counters: Counters = (
            LocalCounters(idle_seconds=idle)
            if shared is None
            else SharedCounters(shared, idle_seconds=idle)
        )
        self.slowmodes = EmulatedSlowModes(store, clock, several=several)
        self.recent: dict[ChannelRef, deque[tuple[MessageRef, str, str]]] = {}
        """Recent messages per channel (ref, author, text up to EVIDENCE_CHARS), for /purge and
        the evidence of /report (platforms have no history API for bots)."""

    async def restore(self) -> None:
        """Reload emulated slow modes that are still in force (they outlive restarts)."""
        await self.slowmodes.restore()

    async def slowmode_in(self, community: CommunityRef, channel: str) -> int | None:
        return await self.slowmodes.interval(community, channel)

    def remember(self, message: MessageRef, author: str, words: str) -> None:
        recent = self.recent.setdefault(message.channel, deque(maxlen=500))
        recent.append((message, author, words[:EVIDENCE_CHARS]))

    def modlog_channel(self, community: CommunityRef) -> ChannelRef | None:
        channel = self.rules.policy.modlog.channels.get(str(community))
        return None if channel is None else ChannelRef(community, channel)

    def rule_label(self, t: Translator, number: int | None) -> str:
        if number is None:
            return t("moderation.no_rule")
        rule = self.rules.rule_text(number, t.locale) or ""
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
        public_reason: str | None = None,
    ) -> Case:
        """Carry out a sanction: platform action, numbered case, notice, mod log, ladder.

        ``reason`` goes to the mod log; the member is told the rule, or ``public_reason`` (for
        stop words: the list, never the entry). A kick or ban is announced to the member first:
        once they share no server with the bot it can no longer write to them.
        """
        now = self.clock.now()
        ref = member.ref if isinstance(member, Actor) else member
        name = member.display_name if isinstance(member, Actor) else member.id
        until = now + duration if duration else None
        removal = action in ("kick", "ban")
        if action == "mute":
            try:
                until = await port.mute(community, ref, until, reason)
            except NotSupported:
                log.warning("%s cannot mute; recording a warning instead", port.platform)
                action = "warn"
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
            notice = self.notify_member(
                port, t, community, ref, case, total, channel, public_reason or reason
            )
            if removal:
                try:  # do not wait long for the DM: the removal must happen
                    await asyncio.wait_for(notice, DM_BEFORE_REMOVAL_SECONDS)
                except TimeoutError:
                    log.info("the notice to %s took too long; removing anyway", ref.id)
            else:
                await notice
        if removal:
            try:
                if action == "kick":
                    await port.kick(community, ref, reason)
                else:
                    await port.ban(community, ref, reason)
            except Exception:
                await self.store.revoke_case(community, case.number, self.clock.now())
                raise
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
            reason=t("moderation.reason.ladder", count=after, case=cause.number),
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
        reason: str,
    ) -> None:
        """Tell the member what happened, which rule, and how to appeal - calmly."""
        key = case.action
        if key == "warn" and case.message is None:
            key = "warn_only"  # a warning without a removed message says so
        lines = [
            t(
                f"moderation.notice.{key}",
                case=case.number,
                duration=t.duration(timedelta(seconds=case.duration_seconds or 0)),
            )
        ]
        lines.append(
            self.rule_label(t, case.rule)
            if case.rule
            else t("moderation.reason_label", reason=reason)
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

    async def lift_raid(
        self,
        port: PlatformPort,
        t: Translator,
        community: CommunityRef,
        waiting: Waiting,
        *,
        by: str | None = None,
    ) -> tuple[int, ChannelRef | None]:
        """End raid mode: release held members (those still at the rules gate stay there) and
        log it once. Returns how many were held and where it was logged."""
        members = await self.store.lift_raid(community, self.clock.now())
        await self.counters.clear_joins(str(community))
        for member in members:
            await self.let_go(port, community, member, waiting)
        line = t("moderation.raid_lifted", count=len(members))
        if by is not None:
            line = t("moderation.raid_lifted_by", moderator=by, count=len(members))
        return len(members), await self.log_line(port, community, line)

    async def let_go(
        self, port: PlatformPort, community: CommunityRef, member: str, waiting: Waiting
    ) -> None:
        """Unmute a member raid mode held, unless the rules gate still holds them."""
        if await waiting(community, member):
            return
        try:
            await port.unmute(community, MemberRef(community.platform, member))
        except Exception:
            log.warning("could not release %s after a raid", member, exc_info=True)

    async def log_line(
        self, port: PlatformPort, community: CommunityRef, line: str
    ) -> ChannelRef | None:
        """One line in the moderators' log; returns the channel, None when there is none."""
        channel = self.modlog_channel(community)
        if channel is None:
            log.info("%s (no mod-log channel configured)", line)
            return None
        await port.send(channel, OutgoingMessage(text(line)))
        return channel

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
