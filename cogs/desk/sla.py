"""SLA clocks as durable deadlines: start, pause, resume and stop them; warn staff at a share
of the target; on a breach climb the escalation chain, each step once (the case row records
the step taken, so a replayed or duplicated deadline posts nothing twice)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.core.context import Services
from bot.core.feature import Feature, deadline
from bot.core.ids import ChannelRef, CommunityRef
from bot.core.messages import OutgoingMessage
from bot.core.richtext import text
from cogs.desk.clocks import FIRST, RESOLUTION, counted, reaches
from cogs.desk.hours import Schedule
from cogs.desk.payloads import Claim, ClockDue, EscalationDue
from cogs.desk.settings import DeskSettings, Policy, Target
from cogs.desk.store import Case, Clock, DeskStore, clocks

log = logging.getLogger(__name__)

# A deadline that fires this early (clock skew between processes) still counts as due.
_SLACK = timedelta(seconds=1)


class SlaClocks(Feature[DeskSettings]):
    """Clock bookkeeping and the warning, breach and escalation deadlines."""

    def __init__(self, services: Services, settings: DeskSettings) -> None:
        super().__init__(services, settings)
        self.store = DeskStore(services.db)

    def hours_of(self, community: CommunityRef) -> Schedule:
        _, zone = self.locale_for(community)
        return self.settings.hours.schedule(zone)

    def policy_of(self, case: Case) -> Policy | None:
        return next((p for p in self.settings.policies if p.name == case.policy), None)

    def staff_channel(self, case: Case) -> ChannelRef:
        community = case.ref
        name = self.settings.staff_channels.get(community)
        return ChannelRef(community, name) if name else ChannelRef(community, case.channel)

    # -- clock bookkeeping ---------------------------------------------------------------

    async def start_clock(
        self, case: Case, kind: str, round_: int, target: Target, at: datetime
    ) -> Clock:
        clock = await self.store.start_clock(
            case.id, kind, round_, target.within, target.clock == "business", at
        )
        await self.arm(case, clock)
        return clock

    async def arm(self, case: Case, clock: Clock) -> None:
        """Schedule the clock's warning (if not given yet) and breach (if not breached)."""
        community = case.ref
        hours = self.hours_of(community)
        phases: list[tuple[str, float]] = []
        if self.settings.warn_at and clock.warned_at is None and clock.breached_at is None:
            phases.append(("warn", self.settings.warn_at))
        if clock.breached_at is None:
            phases.append(("breach", 1.0))
        for phase, share in phases:
            due = reaches(clock, hours, share)
            if due is not None:
                data = ClockDue(
                    community=community, case=case.id, clock=clock.kind, round=clock.round,
                    phase=phase,  # type: ignore[arg-type]
                )  # fmt: skip
                await self.schedule(data, f"{clock.key}|{phase}", due)

    async def pause_clocks(self, case: Case, at: datetime, kinds: Iterable[str]) -> None:
        hours = self.hours_of(case.ref)
        for clock in await self.store.clocks_of(case.id):
            if clock.kind in kinds and clock.running_since is not None and not clock.stopped_at:
                spent = counted(clock, hours, at)
                await self.store.set_clock(
                    clock, accrued_seconds=int(spent.total_seconds()), running_since=None
                )

    async def resume_clocks(self, case: Case, at: datetime, kinds: Iterable[str]) -> None:
        for clock in await self.store.clocks_of(case.id):
            if clock.kind in kinds and clock.running_since is None and not clock.stopped_at:
                await self.store.set_clock(clock, running_since=at)
                moved = await self.store.clock(clock.case_id, clock.kind, clock.round)
                if moved is not None:
                    await self.arm(case, moved)

    async def stop_clocks(self, case: Case, at: datetime, kinds: Iterable[str]) -> None:
        hours = self.hours_of(case.ref)
        for clock in await self.store.clocks_of(case.id):
            if clock.kind in kinds and clock.stopped_at is None:
                spent = counted(clock, hours, at)
                await self.store.set_clock(
                    clock,
                    clocks.c.stopped_at.is_(None),
                    accrued_seconds=int(spent.total_seconds()),
                    running_since=None,
                    stopped_at=at,
                )

    async def retarget(self, case: Case, policy: Policy | None) -> None:
        """A new policy (a tag changed): open clocks keep their counted time and take the new
        target; a clock the new policy adds starts as if it had run since the case opened
        (the first response only while nobody answered); deadlines move."""
        existing = await self.store.clocks_of(case.id)
        for clock in existing:
            target = _target(policy, clock.kind)
            if clock.stopped_at is not None or target is None:
                continue
            await self.store.set_clock(
                clock,
                target_seconds=int(target.within.total_seconds()),
                business=target.clock == "business",
            )
            moved = await self.store.clock(clock.case_id, clock.kind, clock.round)
            if moved is not None:
                await self.arm(case, moved)
        kinds = {clock.kind for clock in existing}
        for kind in (FIRST, RESOLUTION):
            target = _target(policy, kind)
            unanswered = kind != FIRST or case.first_response_at is None
            if target is not None and kind not in kinds and unanswered and case.is_open:
                clock = await self.store.start_clock(
                    case.id, kind, 1, target.within, target.clock == "business", case.opened_at
                )
                if case.status == "waiting_member":
                    await self.pause_clocks(case, self.clock.now(), (kind,))
                else:
                    await self.arm(case, clock)

    # -- deadlines -----------------------------------------------------------------------

    @deadline(ClockDue)
    async def clock_due(self, data: ClockDue) -> None:
        case = await self.store.get(data.case)
        clock = await self.store.clock(data.case, data.clock, data.round)
        if (
            case is None
            or not case.is_open
            or clock is None
            or not case.belongs_to(data.community)
        ):
            return
        hours = self.hours_of(data.community)
        share = self.settings.warn_at if data.phase == "warn" else 1.0
        due = reaches(clock, hours, share)
        now = self.clock.now()
        if due is None:
            return  # paused or stopped since: resuming arms it again
        if due > now + _SLACK:
            await self.schedule(data, f"{clock.key}|{data.phase}", due)
            return
        if data.phase == "warn":
            if await self.store.set_clock(clock, clocks.c.warned_at.is_(None), warned_at=now):
                await self.tell_staff(case, "desk.warn", clock=clock, due=reaches(clock, hours, 1))
            return
        if not await self.store.set_clock(clock, clocks.c.breached_at.is_(None), breached_at=now):
            return
        await self.store.log(case.id, now, "breach", None, f"{clock.kind} #{clock.round}")
        for step, rung in enumerate(self.settings.escalation, start=1):
            if step > case.escalation_step:
                await self.schedule(
                    EscalationDue(community=data.community, case=case.id, step=step),
                    f"{case.id}|{step}",
                    now + rung.after,
                )
        if not self.settings.escalation:
            await self.tell_staff(case, "desk.breach", clock=clock, due=None)

    @deadline(EscalationDue)
    async def escalation_due(self, data: EscalationDue) -> None:
        case = await self.store.get(data.case)
        if case is None or case.status != "waiting_staff" or not case.belongs_to(data.community):
            return  # answered, waiting for the member, or closed since the breach
        if data.step > len(self.settings.escalation):
            return
        if not await self.store.claim_step(case.id, data.step):
            return  # this step (or a later one) was already taken: never twice
        rung = self.settings.escalation[data.step - 1]
        now = self.clock.now()
        await self.store.log(case.id, now, "escalated", None, f"step {data.step}: {rung.to}")
        t, _ = self.locale_for(data.community)
        body = t(
            "desk.escalated", case=case.id, to=rung.team(t), subject=case.subject,
            member=case.requester_name, age=t.duration(now - case.opened_at),
        )  # fmt: skip
        button = Claim(case=case.id).button(t("desk.claim"))
        await self.port_for(data.community).send(
            self.staff_channel(case), OutgoingMessage(text(body), (button,))
        )

    async def tell_staff(
        self, case: Case, key: str, *, clock: Clock, due: datetime | None
    ) -> None:
        community = case.ref
        t, zone = self.locale_for(community)
        body = t(
            key,
            case=case.id,
            clock=t(f"desk.clock.{clock.kind}"),
            subject=case.subject,
            due=t.datetime(due, zone) if due else "",
        )
        button = Claim(case=case.id).button(t("desk.claim"))
        await self.port_for(community).send(
            self.staff_channel(case), OutgoingMessage(text(body), (button,))
        )


def _target(policy: Policy | None, kind: str) -> Target | None:
    if policy is None:
        return None
    if kind == RESOLUTION:
        return policy.resolution
    return policy.first_response if kind == FIRST else policy.next_response
