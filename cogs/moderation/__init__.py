"""Moderation: stop words that resist evasion, frequency limits, slow mode, raid mode, a
decaying warnings ladder and a numbered moderators' log. Rules live in ``rules/``.

The feature is assembled from mixins by concern: :mod:`.handlers` (every message, joins,
alert buttons) and :mod:`.commands` (moderators' commands); the CLI's ``rules test`` is in
:mod:`.cli`.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import ClassVar

from bot.content import ContentError
from bot.core.context import Services
from bot.core.events import Actor
from bot.core.feature import ContentValidator, NoSettings, deadline
from bot.core.ids import CommunityRef, MemberRef
from bot.core.messages import OutgoingMessage
from bot.core.richtext import text
from bot.storage.schema import community_of
from cogs.moderation import cli
from cogs.moderation.commands import Commands
from cogs.moderation.pardon import pardon
from cogs.moderation.payloads import SlowmodeEnd
from cogs.moderation.rules import RulesError, load_rules, validate_rules
from cogs.moderation.service import ModerationService
from cogs.moderation.store import ModerationStore, forget_member


class Moderation(Commands):
    """Checks every message first (middleware 100), then moderators act through commands."""

    name = "moderation"
    content: ClassVar[Mapping[str, ContentValidator]] = {"rules": validate_rules}

    def __init__(self, services: Services, settings: NoSettings) -> None:
        super().__init__(services, settings)
        try:
            rules = load_rules(services.config.rules_dir)
        except RulesError as exc:
            raise ContentError(exc.problems) from None
        self.mod = ModerationService(
            rules, ModerationStore(services.db), services.clock, services.shared_limits,
            several=services.several_processes,
        )  # fmt: skip

    async def start(self) -> None:
        await self.mod.restore()

    async def pardon_case(
        self, community: CommunityRef, number: int, moderator: Actor, reason: str
    ) -> int:
        t, _ = self.locale_for(community)
        port = self.port_for(community)
        case = await pardon(self.mod, port, t, community, number, moderator, reason)
        return case.number

    async def forget_member(self, member: MemberRef) -> int:
        return await forget_member(self.db, member.platform.value, member.id)

    @classmethod
    def add_cli(cls, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        cli.add_commands(commands)

    @deadline(SlowmodeEnd)
    async def slowmode_end(self, data: SlowmodeEnd) -> None:
        community, channel = data.community, data.channel_ref
        port = self.port_for(community)
        # The table says how it was set (another process may have set it).
        rows = await self.mod.store.slowmodes()
        here = [r for r in rows if community_of(r) == community and r["channel"] == channel.id]
        row = here[0] if here else None
        self.mod.slowmodes.pop((community, channel.id), None)
        native = row is None or bool(row["native"])
        if native:
            await port.set_slow_mode(channel, 0)
        await self.mod.store.set_slowmode(community, channel.id, 0, native, None, None)
        t, _ = self.locale_for(community)
        await port.send(channel, OutgoingMessage(text(t("moderation.slowmode_ended"))))
