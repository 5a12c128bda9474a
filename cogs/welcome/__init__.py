"""Welcome and the rules gate.

Each newcomer is greeted by name with a first next step. With ``[onboarding] rules_gate`` they
can read but not post until they press "I accept the rules" (optionally answering a question,
with buttons, that stops bots); whoever has not accepted within ``accept_within`` is removed
(kicked, not banned) and their welcome is deleted. During a join burst (more than ``BURST``
joins a minute) greetings are collected in a durable deadline and posted together once the
minute is over, with one accept button for all of them, so the bot never floods the chat.
"""

from __future__ import annotations

import logging
import random
from collections import deque
from datetime import timedelta
from typing import Any

from bot.core.context import Context, Services
from bot.core.events import ButtonPressed, MemberJoined, MemberLeft
from bot.core.feature import Feature, button, deadline, on
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef
from bot.core.messages import Button, ButtonStyle, OutgoingMessage
from bot.core.port import PlatformPort
from bot.core.richtext import Mention, RichText, text
from bot.i18n import Translator
from bot.scheduler import Deadline
from cogs.moderation.api import CommunityRules, RaidHolds
from cogs.welcome.payloads import Accept, Answer, GateTimeout, ShowRules, WelcomeBatch
from cogs.welcome.settings import OnboardingSettings
from cogs.welcome.store import GateStore

log = logging.getLogger(__name__)

BURST = 3
"""More joins than this within WINDOW are greeted together."""
WINDOW = timedelta(minutes=1)
MAX_NAMES = 20


class Welcome(Feature[OnboardingSettings]):
    """Greets newcomers and, with the rules gate, holds them until they accept the rules."""

    name = "welcome"
    section = "onboarding"
    optional = ("moderation",)

    def __init__(self, services: Services, settings: OnboardingSettings) -> None:
        super().__init__(services, settings)
        self.store = GateStore(services.db)
        self.recent: dict[CommunityRef, deque[float]] = {}
        self.greeted: dict[CommunityRef, deque[tuple[float, MessageRef, str, str]]] = {}
        """The last welcomes sent one by one, to fold into a batch if a burst follows."""

    def gates_newcomers(self) -> bool:
        """New members wait (muted) until they accept the rules (the Onboarding API)."""
        return self.settings.rules_gate

    async def waiting(self, community: CommunityRef, member: str) -> bool:
        """The member joined and has not accepted the rules yet (the Onboarding API)."""
        return self.settings.rules_gate and await self.store.pending(community, member) is not None

    def gate_buttons(self, t: Translator) -> tuple[Button, ...]:
        """Accept, and (when moderation has rules) a button that shows them: on Telegram a
        member held at the gate cannot send /rules."""
        buttons = [Accept().button(t("welcome.accept"), ButtonStyle.SUCCESS)]
        if self.peer("moderation", CommunityRules) is not None:
            buttons.append(ShowRules().button(t("welcome.read_rules")))
        return tuple(buttons)

    @button(ShowRules)
    async def on_rules(self, ctx: Context, data: ShowRules) -> None:
        rules = self.peer("moderation", CommunityRules)
        if rules is not None:  # only the presser sees them: the chat is not flooded
            await ctx.reply("\n".join(rules.rules_lines(ctx.t)), ephemeral=True)

    @on(MemberJoined)
    async def on_join(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, MemberJoined)
        if event.member.is_bot:
            return
        settings = self.settings
        gate = settings.rules_gate
        community = event.community
        member = event.member
        now = ctx.clock.now()
        if gate:
            previous = await self.store.pending(community, member.ref.id)
            if previous is not None:  # rejoined before accepting: the old welcome goes
                await self.drop_welcome(ctx.port, community, previous)
            await self.store.joined(community, member.ref.id, member.display_name, now)
            try:
                await ctx.port.mute(community, member.ref, None, ctx.t("welcome.gate_reason"))
            except Exception:
                log.warning("could not hold %s at the rules gate", member.ref.id, exc_info=True)
            await self.schedule(
                GateTimeout(community=community, member=member.ref.id),
                f"{community}|{member.ref.id}",
                now + settings.accept_within,
            )
        joins = self.recent.setdefault(community, deque(maxlen=BURST + 1))
        joins.append(now.timestamp())
        pending = await self._pending(community)
        burst = len(joins) > BURST and joins[-1] - joins[0] <= WINDOW.total_seconds()
        if pending is not None or burst:
            batch = (
                WelcomeBatch.unpack(pending.payload)
                if pending
                else WelcomeBatch(community=community)
            )
            names, ids, cleanup = list(batch.names), list(batch.ids), list(batch.cleanup)
            if pending is None:
                # The burst began with members greeted one by one: fold them into the batch
                # and clean their welcomes up, so the chat shows one welcome.
                earlier = [w for w in self.greeted.get(community, ()) if now.timestamp() - w[0]
                           <= WINDOW.total_seconds()]  # fmt: skip
                for _, message, member_id, name in earlier:
                    names.append(name)
                    ids.append(member_id)
                    cleanup.append((message.channel.id, message.id))
                self.greeted.pop(community, None)
            due = pending.due_at if pending else now + WINDOW
            batch = WelcomeBatch(
                community=community, names=[*names, member.display_name],
                ids=[*ids, member.ref.id], cleanup=cleanup,
            )  # fmt: skip
            await self.schedule(batch, str(community), due)
            return
        greeting = self.greeting(ctx.t, community, member.ref, member.display_name)
        channel = ctx.port.home_channel(community)
        buttons = self.gate_buttons(ctx.t) if gate else ()
        sent = await ctx.port.send(channel, OutgoingMessage(greeting, buttons))
        self.greeted.setdefault(community, deque(maxlen=BURST)).append(
            (now.timestamp(), sent, member.ref.id, member.display_name)
        )
        if gate:
            await self.store.set_welcome(community, [member.ref.id], channel.id, sent.id)

    @deadline(WelcomeBatch)
    async def post_batch(self, data: WelcomeBatch) -> None:
        community = data.community
        gate = self.settings.rules_gate
        port = self.port_for(community)
        t, _ = self.locale_for(community)
        for channel_id, message_id in data.cleanup:
            await port.delete(MessageRef(ChannelRef(community, channel_id), message_id))
        if gate:  # only those still waiting: not who accepted or left in the meantime
            still = [await self.store.pending(community, i) is not None for i in data.ids]
            data = data.model_copy(update={
                "ids": [i for i, keep in zip(data.ids, still, strict=False) if keep],
                "names": [n for n, keep in zip(data.names, still, strict=False) if keep],
            })  # fmt: skip
            if not data.ids:
                return
        names = data.names
        shown = ", ".join(names[:MAX_NAMES])
        if len(names) > MAX_NAMES:
            shown += " " + t("welcome.and_more", count=len(names) - MAX_NAMES)
        key = "welcome.batch_gate" if gate else "welcome.batch"
        if len(names) == 1:
            key = key.replace("batch", "single")  # one newcomer: no count to agree with
        body = t(
            key,
            count=len(names),
            names=shown,
            community=self.config.community.name,
            within=t.duration(self.settings.accept_within),
        )
        channel = port.home_channel(community)
        sent = await port.send(
            channel, OutgoingMessage(text(body), self.gate_buttons(t) if gate else ())
        )
        if gate:
            await self.store.set_welcome(community, list(data.ids), channel.id, sent.id)

    @button(Accept)
    async def on_accept(self, ctx: Context, data: Accept) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        settings = self.settings
        member = event.member  # whoever presses accepts for themselves
        if await self.store.pending(event.community, member.ref.id) is None:
            await ctx.reply(ctx.t("welcome.nothing_to_accept"), ephemeral=True)
            return
        if settings.question:
            choices = [*settings.answers, *settings.decoys]
            # The payload is the choice's position turned by a per-member offset, so the
            # first button is not always a right answer for a bot that reads payloads.
            offset = _offset(event.community, member.ref.id, len(choices))
            order = list(range(len(choices)))
            random.Random(f"{event.community}|{member.ref.id}").shuffle(order)
            buttons = [
                Answer(choice=(i + offset) % len(choices)).button(choices[i][:60]) for i in order
            ]
            await ctx.reply(
                ctx.t("welcome.question", question=settings.question),
                buttons=buttons,
                ephemeral=True,
            )
            return
        await self.let_in(ctx, event.community, member.ref, member.display_name)

    @button(Answer)
    async def on_answer(self, ctx: Context, data: Answer) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        member = event.member
        if await self.store.pending(event.community, member.ref.id) is None:
            await ctx.reply(ctx.t("welcome.nothing_to_accept"), ephemeral=True)
            return
        total = len(self.settings.answers) + len(self.settings.decoys)
        offset = _offset(event.community, member.ref.id, total)
        index = (data.choice - offset) % total if total else -1
        if 0 <= index < len(self.settings.answers):
            await self.let_in(ctx, event.community, member.ref, member.display_name)
        else:
            await ctx.reply(ctx.t("welcome.wrong_answer"), ephemeral=True)

    async def let_in(
        self, ctx: Context, community: CommunityRef, member: MemberRef, name: str
    ) -> None:
        if not await self.store.accept(community, member.id, ctx.clock.now()):
            return
        await self.cancel(GateTimeout, f"{community}|{member.id}")
        raid = self.peer("moderation", RaidHolds)
        if raid is not None and await raid.holds(community, member.id):
            # Raid mode: the rules are accepted, but only a moderator lets them post.
            await ctx.reply(ctx.t("welcome.accepted_held", name=name), ephemeral=True)
            return
        try:
            await ctx.port.unmute(community, member)
        except Exception:
            log.warning("could not let %s post after accepting", member.id, exc_info=True)
        await ctx.reply(ctx.t("welcome.accepted", name=name), ephemeral=True)

    @deadline(GateTimeout)
    async def on_timeout(self, data: GateTimeout) -> None:
        community, member = data.community, data.member
        row = await self.store.pending(community, member)
        if row is None or not await self.store.remove(community, member, self.clock.now()):
            return
        port = self.port_for(community)
        t, _ = self.locale_for(community)
        await port.kick(
            community, MemberRef(community.platform, member), t("welcome.timeout_reason")
        )
        await self.drop_welcome(port, community, row)

    @on(MemberLeft)
    async def on_leave(self, ctx: Context) -> None:
        """A member who leaves before accepting is not "removed for not accepting" later, and
        their welcome goes when nobody else waits on it."""
        event = ctx.event
        assert isinstance(event, MemberLeft)
        community, member = event.community, event.member.ref.id
        row = await self.store.pending(community, member)
        if row is None or not await self.store.remove(community, member, ctx.clock.now()):
            return
        await self.cancel(GateTimeout, f"{community}|{member}")
        await self.drop_welcome(ctx.port, community, row)

    async def drop_welcome(
        self, port: PlatformPort, community: CommunityRef, row: dict[str, Any]
    ) -> None:
        """Delete a member's welcome unless someone else still waits on it (a batch)."""
        if not (row.get("welcome_message") and row.get("welcome_channel")):
            return
        if await _others_waiting(self.store, community, row):
            return
        channel = ChannelRef(community, row["welcome_channel"])
        try:
            await port.delete(MessageRef(channel, row["welcome_message"]))
        except Exception:
            log.info("could not delete the welcome %s", row["welcome_message"])

    async def forget_member(self, member: MemberRef) -> int:
        communities = await self.store.forget(member.platform.value, member.id)
        for community_id in communities:
            community = CommunityRef(member.platform, community_id)
            await self.scheduler.drop(GateTimeout.kind, f"{community}|{member.id}")
        for pending in await self.scheduler.pending(WelcomeBatch.kind):
            batch = WelcomeBatch.unpack(pending.payload)
            if member.id in batch.ids and batch.community.platform is member.platform:
                keep = [i for i, who in enumerate(batch.ids) if who != member.id]
                await self.schedule(batch.model_copy(update={
                    "ids": [batch.ids[i] for i in keep],
                    "names": [batch.names[i] for i in keep if i < len(batch.names)],
                }), pending.key, pending.due_at)  # fmt: skip
        return len(communities)

    def greeting(
        self, t: Translator, community: CommunityRef, member: MemberRef, name: str
    ) -> RichText:
        """The community's own welcome for this locale if configured, else the built-in one."""
        settings = self.settings
        values = {
            "community": self.config.community.name,
            "within": t.duration(settings.accept_within),
        }
        template = settings.welcome.get(str(community), settings.welcome.get(t.locale))
        if template is None:
            after = "welcome.hello_gate" if settings.rules_gate else "welcome.hello_after"
            return text(t("welcome.hello_before"), Mention(member, name), t(after, **values))
        before, marker, rest = template.partition("{name}")
        if not marker:
            return text(template.format(**values))
        return text(
            before.format(**values),
            Mention(member, name),
            rest.replace("{name}", name).format(**values),
        )

    async def _pending(self, community: CommunityRef) -> Deadline | None:
        for pending in await self.scheduler.pending(WelcomeBatch.kind):
            if pending.key == str(community):
                return pending
        return None


async def _others_waiting(
    store: GateStore, community: CommunityRef, row: dict[str, object]
) -> bool:
    """A batched welcome is kept while someone else may still press its button."""
    from sqlalchemy import select

    from cogs.welcome.store import onboarding

    async with store.db.read() as conn:
        count = (
            await conn.execute(
                select(onboarding.c.member).where(
                    onboarding.c.platform == community.platform.value,
                    onboarding.c.community == community.id,
                    onboarding.c.welcome_message == row["welcome_message"],
                    onboarding.c.member != row["member"],
                    onboarding.c.accepted_at.is_(None),
                    onboarding.c.removed_at.is_(None),
                )
            )
        ).first()
    return count is not None


def _offset(community: CommunityRef, member: str, total: int) -> int:
    return random.Random(f"offset|{community}|{member}").randrange(total) if total else 0
