"""Welcome: greet each newcomer by name with a first next step; batch greetings in join bursts.

During a burst (more than ``BURST`` joins a minute) the names are collected in a durable
deadline and greeted together once the minute is over, so the bot never floods the chat.
Onboarding (rules acceptance, earned roles) builds on this.
"""

from __future__ import annotations

from collections import deque
from datetime import timedelta

from bot.core.context import Context, Services
from bot.core.events import MemberJoined
from bot.core.ids import CommunityRef, Platform
from bot.core.messages import OutgoingMessage
from bot.core.registry import Registry
from bot.core.richtext import Mention, text
from bot.scheduler import Deadline

BURST = 3
"""More joins than this within WINDOW are greeted together."""
WINDOW = timedelta(minutes=1)
BATCH = "welcome.batch"
MAX_NAMES = 20


def setup(registry: Registry, services: Services) -> None:
    recent: dict[CommunityRef, deque[float]] = {}

    async def on_join(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, MemberJoined)
        if event.member.is_bot:
            return
        community = event.community
        now = ctx.clock.now()
        joins = recent.setdefault(community, deque(maxlen=BURST + 1))
        joins.append(now.timestamp())
        pending = await _pending(services, community)
        burst = len(joins) > BURST and joins[-1] - joins[0] <= WINDOW.total_seconds()
        if pending is not None or burst:
            names = (pending.payload.get("names", []) if pending else []) + [
                event.member.display_name
            ]
            due = pending.due_at if pending else now + WINDOW
            await services.scheduler.schedule(
                BATCH,
                str(community),
                due,
                {"platform": community.platform.value, "community": community.id, "names": names},
            )
            return
        greeting = text(
            ctx.t("welcome.hello_before"),
            Mention(event.member.ref, event.member.display_name),
            ctx.t("welcome.hello_after", community=ctx.config.community.name),
        )
        await ctx.port.send(ctx.port.home_channel(community), OutgoingMessage(greeting))

    async def post_batch(deadline: Deadline) -> None:
        payload = deadline.payload
        community = CommunityRef(Platform(payload["platform"]), payload["community"])
        port = services.ports.get(community.platform)
        if port is None:
            raise RuntimeError(f"no {community.platform} platform to welcome members on")
        t, _ = services.locale_for(community)
        names: list[str] = list(payload.get("names", []))
        shown = ", ".join(names[:MAX_NAMES])
        if len(names) > MAX_NAMES:
            shown += " " + t("welcome.and_more", count=len(names) - MAX_NAMES)
        body = t(
            "welcome.batch",
            count=len(names),
            names=shown,
            community=services.config.community.name,
        )
        await port.send(port.home_channel(community), OutgoingMessage(text(body)))

    registry.on(MemberJoined, on_join)
    services.scheduler.on_deadline(BATCH, post_batch)


async def _pending(services: Services, community: CommunityRef) -> Deadline | None:
    for deadline in await services.scheduler.pending(BATCH):
        if deadline.key == str(community):
            return deadline
    return None
