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

from bot.core.context import Context, Services
from bot.core.durations import parse_duration
from bot.core.events import ButtonPressed, MemberJoined
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef, Platform
from bot.core.messages import Button, ButtonStyle, OutgoingMessage
from bot.core.registry import Registry
from bot.core.richtext import Mention, RichText, text
from bot.i18n import Translator
from bot.scheduler import Deadline
from cogs.welcome.store import GateStore

log = logging.getLogger(__name__)

BURST = 3
"""More joins than this within WINDOW are greeted together."""
WINDOW = timedelta(minutes=1)
BATCH = "welcome.batch"
TIMEOUT = "onboarding.timeout"
ACCEPT = "onboarding.accept"
ANSWER = "onboarding.answer"
RULES = "onboarding.rules"
MAX_NAMES = 20


def setup(registry: Registry, services: Services) -> None:
    settings = services.config.onboarding
    gate = settings.rules_gate
    accept_within = parse_duration(settings.accept_within)
    store = GateStore(services.db)
    recent: dict[CommunityRef, deque[float]] = {}
    greeted: dict[CommunityRef, deque[tuple[float, MessageRef, str, str]]] = {}
    """The last welcomes sent one by one, to fold into a batch if a burst follows."""

    def gate_buttons(t: Translator) -> tuple[Button, ...]:
        """Accept, and (when a feature offers /rules) a button that shows the rules: on
        Telegram a member held at the gate cannot send /rules."""
        buttons = [Button(t("welcome.accept"), ACCEPT, "", ButtonStyle.SUCCESS)]
        if "rules" in registry.commands:
            buttons.append(Button(t("welcome.read_rules"), RULES, ""))
        return tuple(buttons)

    async def on_rules(ctx: Context) -> None:
        registered = registry.commands.get("rules")
        if registered is not None:
            await registered.handler(ctx)

    async def on_join(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, MemberJoined)
        if event.member.is_bot:
            return
        community = event.community
        member = event.member
        now = ctx.clock.now()
        if gate:
            await store.joined(community, member.ref.id, member.display_name, now)
            try:
                await ctx.port.mute(community, member.ref, None, ctx.t("welcome.gate_reason"))
            except Exception:
                log.warning("could not hold %s at the rules gate", member.ref.id, exc_info=True)
            await services.scheduler.schedule(TIMEOUT, f"{community}|{member.ref.id}",
                                              now + accept_within, {
                "platform": community.platform.value, "community": community.id,
                "member": member.ref.id})  # fmt: skip
        joins = recent.setdefault(community, deque(maxlen=BURST + 1))
        joins.append(now.timestamp())
        pending = await _pending(services, community)
        burst = len(joins) > BURST and joins[-1] - joins[0] <= WINDOW.total_seconds()
        if pending is not None or burst:
            names = list(pending.payload.get("names", [])) if pending else []
            ids = list(pending.payload.get("ids", [])) if pending else []
            cleanup = list(pending.payload.get("cleanup", [])) if pending else []
            if pending is None:
                # The burst began with members greeted one by one: fold them into the batch
                # and clean their welcomes up, so the chat shows one welcome.
                earlier = [w for w in greeted.get(community, ()) if now.timestamp() - w[0]
                           <= WINDOW.total_seconds()]  # fmt: skip
                for _, message, member_id, name in earlier:
                    names.append(name)
                    ids.append(member_id)
                    cleanup.append([message.channel.id, message.id])
                greeted.pop(community, None)
            due = pending.due_at if pending else now + WINDOW
            await services.scheduler.schedule(BATCH, str(community), due, {
                "platform": community.platform.value, "community": community.id,
                "names": [*names, member.display_name], "ids": [*ids, member.ref.id],
                "cleanup": cleanup})  # fmt: skip
            return
        greeting = _greeting(
            ctx.t, services, community, member.ref, member.display_name, accept_within
        )
        channel = ctx.port.home_channel(community)
        buttons = gate_buttons(ctx.t) if gate else ()
        sent = await ctx.port.send(channel, OutgoingMessage(greeting, buttons))
        greeted.setdefault(community, deque(maxlen=BURST)).append(
            (now.timestamp(), sent, member.ref.id, member.display_name)
        )
        if gate:
            await store.set_welcome(community, [member.ref.id], channel.id, sent.id)

    async def post_batch(deadline: Deadline) -> None:
        payload = deadline.payload
        community = CommunityRef(Platform(payload["platform"]), payload["community"])
        port = services.port_for(community)
        t, _ = services.locale_for(community)
        names: list[str] = list(payload.get("names", []))
        shown = ", ".join(names[:MAX_NAMES])
        if len(names) > MAX_NAMES:
            shown += " " + t("welcome.and_more", count=len(names) - MAX_NAMES)
        key = "welcome.batch_gate" if gate else "welcome.batch"
        body = t(
            key,
            count=len(names),
            names=shown,
            community=services.config.community.name,
            within=t.duration(accept_within),
        )
        channel = port.home_channel(community)
        for channel_id, message_id in payload.get("cleanup", []):
            await port.delete(MessageRef(ChannelRef(community, channel_id), message_id))
        sent = await port.send(
            channel, OutgoingMessage(text(body), gate_buttons(t) if gate else ())
        )
        if gate:
            await store.set_welcome(community, list(payload.get("ids", [])), channel.id, sent.id)

    async def on_accept(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        member = event.member  # whoever presses accepts for themselves
        if await store.pending(event.community, member.ref.id) is None:
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
                Button(choices[i][:60], ANSWER, str((i + offset) % len(choices))) for i in order
            ]
            await ctx.reply(
                ctx.t("welcome.question", question=settings.question),
                buttons=buttons,
                ephemeral=True,
            )
            return
        await let_in(ctx, event.community, member.ref, member.display_name)

    async def on_answer(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        member = event.member
        if await store.pending(event.community, member.ref.id) is None:
            await ctx.reply(ctx.t("welcome.nothing_to_accept"), ephemeral=True)
            return
        total = len(settings.answers) + len(settings.decoys)
        offset = _offset(event.community, member.ref.id, total)
        index = (int(event.payload) - offset) % total if event.payload.isdigit() else -1
        if 0 <= index < len(settings.answers):
            await let_in(ctx, event.community, member.ref, member.display_name)
        else:
            await ctx.reply(ctx.t("welcome.wrong_answer"), ephemeral=True)

    async def let_in(ctx: Context, community: CommunityRef, member: MemberRef, name: str) -> None:
        if not await store.accept(community, member.id, ctx.clock.now()):
            return
        await services.scheduler.cancel(TIMEOUT, f"{community}|{member.id}")
        try:
            await ctx.port.unmute(community, member)
        except Exception:
            log.warning("could not let %s post after accepting", member.id, exc_info=True)
        await ctx.reply(ctx.t("welcome.accepted", name=name), ephemeral=True)

    async def on_timeout(deadline: Deadline) -> None:
        payload = deadline.payload
        community = CommunityRef(Platform(payload["platform"]), payload["community"])
        member = payload["member"]
        row = await store.pending(community, member)
        if row is None or not await store.remove(community, member, services.clock.now()):
            return
        port = services.port_for(community)
        t, _ = services.locale_for(community)
        await port.kick(
            community, MemberRef(community.platform, member), t("welcome.timeout_reason")
        )
        if row.get("welcome_message") and row.get("welcome_channel"):
            channel = ChannelRef(community, row["welcome_channel"])
            others = await _others_waiting(store, community, row)
            if not others:
                await port.delete(MessageRef(channel, row["welcome_message"]))

    registry.on(MemberJoined, on_join)
    registry.button(ACCEPT, on_accept)
    registry.button(ANSWER, on_answer)
    registry.button(RULES, on_rules)
    services.scheduler.on_deadline(BATCH, post_batch)
    services.scheduler.on_deadline(TIMEOUT, on_timeout)


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


def _greeting(
    t: Translator,
    services: Services,
    community: CommunityRef,
    member: MemberRef,
    name: str,
    within: timedelta,
) -> RichText:
    """The community's own welcome for this locale if configured, else the built-in one."""
    settings = services.config.onboarding
    values = {"community": services.config.community.name, "within": t.duration(within)}
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


def _offset(community: CommunityRef, member: str, total: int) -> int:
    return random.Random(f"offset|{community}|{member}").randrange(total) if total else 0


async def _pending(services: Services, community: CommunityRef) -> Deadline | None:
    for deadline in await services.scheduler.pending(BATCH):
        if deadline.key == str(community):
            return deadline
    return None
