"""A case's life: open → waiting for staff ⇄ waiting for the member → closed (by staff, or
for inactivity) → reopened; with its transcript, log and staff card."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.core.capabilities import Capability
from bot.core.events import Actor
from bot.core.feature import deadline
from bot.core.ids import ChannelRef, CommunityRef, MessageRef
from bot.core.messages import OutgoingMessage
from bot.core.reread import Reread
from bot.core.richtext import text
from cogs.desk.clocks import FIRST, NEXT, RESOLUTION, RESPONSE_KINDS, reaches
from cogs.desk.payloads import AutoClose, CardDue, Claim, Rate, Reopen
from cogs.desk.render import card
from cogs.desk.rooms import CaseRooms
from cogs.desk.settings import Target
from cogs.desk.store import OPEN_STATUSES, Case, cases
from cogs.desk.tables import DEFLECTED
from cogs.faq.api import FaqAnswers

log = logging.getLogger(__name__)

MAX_SUBJECT = 200
MAX_TEXT = 4096
ALL_CLOCKS = (FIRST, NEXT, RESOLUTION)
CARD_SAFETY_NET = timedelta(minutes=1)


def place(channel: ChannelRef) -> str:
    """Where a message is: its thread, else its channel."""
    return channel.thread or channel.id


class CaseFlow(CaseRooms):
    """Opening, replies, notes, waiting, closing, reopening, claiming and tagging."""

    active: dict[CommunityRef, set[str]]
    """Per community, the places (channel or thread) with open cases: other messages skip
    the database."""

    copies: Reread
    """Re-reads the places with open cases and the rooms (another process opens cases too)."""

    async def load_copies(self) -> None:
        await self.load_active()
        await self.load_rooms()

    async def load_active(self) -> None:
        self.active = {}
        for case in await self.store.open_cases():
            self.active.setdefault(case.ref, set()).add(case.thread or case.channel)

    async def open_case(
        self,
        community: CommunityRef,
        *,
        requester: Actor,
        subject: str,
        origin: str,
        channel: ChannelRef,
        at: datetime,
        words: str,
        message: MessageRef | None = None,
        tags: frozenset[str] = frozenset(),
        card_after: timedelta = timedelta(0),
    ) -> Case:
        policy = self.settings.policy_for(tags, channel.id)
        case_id = await self.store.open(
            community,
            requester=requester.ref.id,
            requester_name=requester.display_name,
            subject=" ".join(subject.split())[:MAX_SUBJECT],
            tags=",".join(sorted(tags)),
            origin=origin,
            channel=channel.id,
            thread=channel.thread,
            status="waiting_staff",
            policy=None if policy is None else policy.name,
            opened_at=at,
            last_member_at=at,
            escalation_step=0,
            escalations=0,
            reopens=0,
        )
        await self.store.add_message(
            case_id, at, "member", words[:MAX_TEXT], author=requester.ref,
            author_name=requester.display_name, channel=place(channel),
            message=None if message is None else message.id,
        )  # fmt: skip
        case = await self.reload(case_id)
        if policy is not None:
            if policy.first_response is not None:
                await self.start_clock(case, FIRST, 1, policy.first_response, at)
            if policy.resolution is not None:
                await self.start_clock(case, RESOLUTION, 1, policy.resolution, at)
        self.active.setdefault(community, set()).add(place(channel))
        asked = message.id if origin == "question" and message is not None else None
        due = CardDue(community=community, case=case_id, message=asked)
        if card_after:
            await self.schedule(due, str(case_id), at + card_after)
        else:
            # Posted now; the deadline is only the safety net for a process that dies first
            # (due a little later, so the scheduler never races this call).
            await self.schedule(due, str(case_id), at + CARD_SAFETY_NET)
            await self.card_due(due)
            await self.cancel(CardDue, str(case_id))
        return case

    async def reload(self, case_id: int) -> Case:
        return await self._reload(case_id)

    async def post_card(self, case: Case) -> None:
        community = case.ref
        t, zone = self.locale_for(community)
        port = self.port_for(community)
        body = card(t, zone, case, await self.first_due(case))
        target = self.staff_channel(case)
        sent = await port.send(
            target, OutgoingMessage(text(body), (Claim(case=case.id).button(t("desk.claim")),))
        )
        await self.store.update(case.id, card_channel=place(target), card_message=sent.id)

    async def first_due(self, case: Case) -> datetime | None:
        """When the first response is due (None once answered, or without a target)."""
        hours = self.hours_of(case.ref)
        for clock in await self.store.clocks_of(case.id):
            if clock.kind == FIRST:
                return reaches(clock, hours, 1.0)
        return None

    async def refresh_card(self, case: Case) -> None:
        """Edit the staff card in place with the case's current state."""
        if not case.card_message or not case.card_channel:
            return
        community = case.ref
        port = self.port_for(community)
        if Capability.EDIT_MESSAGES not in port.capabilities:
            return
        t, zone = self.locale_for(community)
        channel = self.staff_channel(case)
        ref = MessageRef(channel, case.card_message)
        buttons = () if not case.is_open else (Claim(case=case.id).button(t("desk.claim")),)
        try:
            body = card(t, zone, case, await self.first_due(case))
            await port.edit(ref, OutgoingMessage(text(body), buttons))
        except Exception:  # a card deleted by hand: the case goes on without it
            log.info("desk: the card of case %s could not be edited", case.id, exc_info=True)

    # -- what happens in a case ----------------------------------------------------------

    async def member_wrote(
        self, case: Case, at: datetime, words: str, channel: ChannelRef, message: MessageRef | None
    ) -> None:
        await self.store.add_message(
            case.id, at, "member", words[:MAX_TEXT], author=case.requester_ref,
            author_name=case.requester_name, channel=place(channel),
            message=None if message is None else message.id,
        )  # fmt: skip
        await self.store.update(case.id, last_member_at=at)
        turned = await self.store.update(
            case.id, cases.c.status == "waiting_member", status="waiting_staff"
        )
        if not turned:
            return  # a follow-up while staff still owe the answer (or closed): same clocks
        await self.cancel(AutoClose, str(case.id))
        case = await self.reload(case.id)
        await self.resume_clocks(case, at, (FIRST, NEXT, RESOLUTION))
        policy = self.policy_of(case)
        clocks = await self.store.clocks_of(case.id)
        owed = any(c.kind in RESPONSE_KINDS and c.stopped_at is None for c in clocks)
        if not owed and policy is not None and policy.next_response is not None:
            # Staff answered everything before: this message starts the next-response clock.
            await self.next_round(case, policy.next_response, at)

    async def next_round(self, case: Case, target: Target, at: datetime) -> None:
        """Start the next-response clock for the member's newest message."""
        rounds = [c.round for c in await self.store.clocks_of(case.id) if c.kind == NEXT]
        await self.start_clock(case, NEXT, max(rounds, default=0) + 1, target, at)

    async def responded(
        self,
        case: Case,
        at: datetime,
        actor: Actor,
        *,
        staff: bool,
        words: str,
        channel: ChannelRef,
        message: MessageRef | None,
    ) -> None:
        """A reply to the member by someone else: staff (helpers and up) or a peer."""
        await self.store.add_message(
            case.id, at, "staff" if staff else "peer", words[:MAX_TEXT], author=actor.ref,
            author_name=actor.display_name, channel=place(channel),
            message=None if message is None else message.id,
        )  # fmt: skip
        if case.first_any_response_at is None:
            await self.store.update(case.id, first_any_response_at=at)
        # An answer written before a concurrent close (events arrive in parallel) still counts.
        before_close = case.closed_at is not None and at <= case.closed_at
        if staff and case.first_response_at is None and (case.is_open or before_close):
            await self.store.update(
                case.id, cases.c.first_response_at.is_(None), first_response_at=at,
                first_responder=actor.ref.id, first_responder_name=actor.display_name,
            )  # fmt: skip
        policy = self.policy_of(case)
        counts = staff or (policy is not None and policy.answered_by == "anyone")
        if not counts or not case.is_open:
            return
        await self.store.log(case.id, at, "response", actor.ref.id)
        await self.stop_clocks(case, at, RESPONSE_KINDS)
        await self.set_waiting(case, at)

    async def set_waiting(self, case: Case, at: datetime) -> None:
        """Waiting for the member: response clocks pause (or stopped), resolution pauses,
        and the case closes itself if the member stays silent."""
        # Guarded: a close that won a race with this reply stays closed.
        if not await self.store.update(
            case.id, cases.c.status.in_(OPEN_STATUSES), status="waiting_member"
        ):
            return
        await self.pause_clocks(case, at, ALL_CLOCKS)
        if self.settings.auto_close:
            await self.schedule(
                AutoClose(community=case.ref, case=case.id), str(case.id),
                at + self.settings.auto_close,
            )  # fmt: skip

    async def note(self, case: Case, at: datetime, actor: Actor, words: str) -> None:
        """An internal note: in the transcript, never a response, never relayed."""
        await self.store.add_message(
            case.id, at, "note", words[:MAX_TEXT], author=actor.ref, author_name=actor.display_name
        )

    async def close(self, case: Case, at: datetime, actor: str | None, reason: str) -> bool:
        """Close once (False when it was closed already); stop every clock; ask the member."""
        closed = await self.store.update(
            case.id, cases.c.status.in_(("waiting_staff", "waiting_member")),
            status="closed", closed_at=at, close_reason=reason[:500],
        )  # fmt: skip
        if not closed:
            return False
        await self.stop_clocks(case, at, ALL_CLOCKS)
        await self.cancel(AutoClose, str(case.id))
        await self.store.log(case.id, at, "closed", actor, reason[:500])
        self.active.get(case.ref, set()).discard(case.thread or case.channel)
        case = await self.reload(case.id)
        await self.refresh_card(case)
        await self.ask_satisfaction(case, reason)
        await self.archive_room(case)
        return True

    async def ask_satisfaction(self, case: Case, reason: str) -> None:
        community = case.ref
        t, _ = self.locale_for(community)
        buttons = []
        if self.settings.satisfaction:
            buttons = [Rate(case=case.id, score=score).button(f"{score}") for score in range(1, 6)]
        if self.settings.reopen_within:
            buttons.append(Reopen(case=case.id).button(t("desk.reopen")))
        key = "desk.closed_ask" if self.settings.satisfaction else "desk.closed"
        body = t(key, case=case.id, member=case.requester_name, reason=reason or "—")
        sent = await self.to_member(case, OutgoingMessage(text(body), tuple(buttons)))
        if sent is None:
            return  # no way to reach the member: the case is closed anyway
        await self.store.add_message(
            case.id, self.clock.now(), "bot", body, channel=place(sent.channel), message=sent.id
        )

    async def reopen(self, case: Case, at: datetime, actor: str) -> bool:
        reopened = await self.store.update(
            case.id, cases.c.status == "closed",
            status="waiting_staff", closed_at=None, close_reason=None,
            reopens=case.reopens + 1,
        )  # fmt: skip
        if not reopened:
            return False
        await self.store.log(case.id, at, "reopened", actor)
        case = await self.reload(case.id)
        self.active.setdefault(case.ref, set()).add(case.thread or case.channel)
        for clock in await self.store.clocks_of(case.id):
            if clock.kind == RESOLUTION and clock.stopped_at is not None:
                await self.store.set_clock(clock, stopped_at=None, running_since=at)
                moved = await self.store.clock(clock.case_id, clock.kind, clock.round)
                if moved is not None:
                    await self.arm(case, moved)
        policy = self.policy_of(case)
        if policy is not None and policy.next_response is not None:
            rounds = [c.round for c in await self.store.clocks_of(case.id) if c.kind == NEXT]
            await self.start_clock(
                case, NEXT, max(rounds, default=0) + 1, policy.next_response, at
            )
        await self.refresh_card(case)
        return True

    async def claim(self, case: Case, at: datetime, actor: Actor) -> None:
        await self.store.update(case.id, assignee=actor.ref.id, assignee_name=actor.display_name)
        await self.store.log(case.id, at, "assigned", actor.ref.id, actor.display_name)
        await self.refresh_card(await self.reload(case.id))

    async def set_tags(self, case: Case, at: datetime, actor: str, tags: frozenset[str]) -> None:
        policy = self.settings.policy_for(tags, case.channel)
        name = None if policy is None else policy.name
        await self.store.update(case.id, tags=",".join(sorted(tags)), policy=name)
        await self.store.log(case.id, at, "tagged", actor, ",".join(sorted(tags)))
        changed = name != case.policy
        case = await self.reload(case.id)
        if changed:
            await self.retarget(case, policy)
        await self.refresh_card(case)

    @deadline(CardDue)
    async def card_due(self, data: CardDue) -> None:
        case = await self.store.get(data.case)
        if case is None or not case.is_open or not case.belongs_to(data.community):
            return
        if case.card_message is not None:
            return  # the card went out already (a replayed deadline)
        faq = self.peer("faq", FaqAnswers)
        asked_in = ChannelRef(data.community, case.channel, case.thread)
        if data.message and faq is not None and await faq.answered(asked_in, data.message):
            now = self.clock.now()
            deflected = await self.store.update(
                case.id, cases.c.status.in_(OPEN_STATUSES), status=DEFLECTED, closed_at=None
            )
            if deflected:
                await self.stop_clocks(case, now, ALL_CLOCKS)
                await self.store.log(case.id, now, "deflected", None, "faq")
                self.active.get(case.ref, set()).discard(case.thread or case.channel)
            return
        case = await self.reload(case.id)
        if self.wants_room(case):
            case = await self.open_room_for(case)
        await self.post_card(case)

    @deadline(AutoClose)
    async def auto_close(self, data: AutoClose) -> None:
        case = await self.store.get(data.case)
        if case is None or case.status != "waiting_member" or not case.belongs_to(data.community):
            return
        t, _ = self.locale_for(data.community)
        await self.close(case, self.clock.now(), None, t("desk.reason.inactive"))
