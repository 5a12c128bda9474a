"""Moderation: stop words that resist evasion, frequency limits, slow mode, raid mode, a
decaying warnings ladder and a numbered moderators' log. Rules live in ``rules/``."""

from __future__ import annotations

from bot.content import ContentError, content_validator
from bot.core.context import Services
from bot.core.events import MemberJoined
from bot.core.ids import ChannelRef, CommunityRef, Platform
from bot.core.messages import OutgoingMessage
from bot.core.registry import Registry
from bot.core.richtext import text
from bot.scheduler import Deadline
from cogs.moderation.commands import register as register_commands
from cogs.moderation.handlers import RAID_QUIET, SLOWMODE_END, Handlers
from cogs.moderation.rules import RulesError, load_rules, validate_rules
from cogs.moderation.service import Moderation
from cogs.moderation.store import ModerationStore

MIDDLEWARE_ORDER = 100
"""Moderation sees every message before the other features."""

content_validator("rules")(validate_rules)


def setup(registry: Registry, services: Services) -> None:
    try:
        rules = load_rules(services.config.rules_dir)
    except RulesError as exc:
        raise ContentError(exc.problems) from None
    mod = Moderation(rules, ModerationStore(services.db), services.clock)
    handlers = Handlers(mod)
    registry.add_middleware(MIDDLEWARE_ORDER, handlers.middleware)
    registry.on(MemberJoined, handlers.on_join)
    for action in ("mod.delete", "mod.warn", "mod.dismiss"):
        registry.button(action, handlers.on_alert_button)
    register_commands(registry, mod, handlers)

    async def raid_quiet(deadline: Deadline) -> None:
        await handlers.on_raid_quiet(services, deadline)

    async def slowmode_end(deadline: Deadline) -> None:
        payload = deadline.payload
        community = CommunityRef(Platform(payload["platform"]), payload["community"])
        channel = ChannelRef(community, payload["channel"])
        port = services.port_for(community)
        native = mod.slowmodes.pop((community, channel.id), None) is None
        if native:
            await port.set_slow_mode(channel, 0)
        await mod.store.set_slowmode(community, channel.id, 0, native, None, None)
        t, _ = services.locale_for(community)
        await port.send(channel, OutgoingMessage(text(t("moderation.slowmode_ended"))))

    services.scheduler.on_deadline(RAID_QUIET, raid_quiet)
    services.scheduler.on_deadline(SLOWMODE_END, slowmode_end)
    registry.on_start(mod.restore)
