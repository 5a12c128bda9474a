"""The service desk: cases from /ticket, help-channel questions and staff, each ticket in a
private room where the platform has one (relayed through the member's private chat where
members cannot be in the staff room), SLA clocks on
business hours with warnings and an escalation chain, staff tools (claim, notes, tags,
snippets, transcripts) and satisfaction, measured as first response time, share within SLA and
share closed without escalation."""

from __future__ import annotations

import argparse
from datetime import datetime

from bot.core.ids import CommunityRef, MemberRef
from bot.core.reread import Reread
from cogs.desk import cli
from cogs.desk.commands import DeskCommands
from cogs.desk.metrics import DeskFigures, figures


class Desk(DeskCommands):
    """Cases with SLA clocks in the chat."""

    name = "desk"
    optional = ("faq",)  # its question check decides which help-channel messages are questions

    async def start(self) -> None:
        self.copies = Reread(self.load_copies, self.clock, several=self.services.several_processes)
        await self.copies.now()

    async def forget_member(self, member: MemberRef) -> int:
        removed = await self.store.forget(member)
        await self.load_copies()
        return removed

    async def figures(
        self, community: CommunityRef, start: datetime, end: datetime
    ) -> DeskFigures:
        """The desk's KPIs for ``[start, end)`` (read by the digest's /stats and report)."""
        cases, clocks = await self.store.all_for_metrics(community, start, end)
        return figures(cases, clocks, self.hours_of(community), start, end, self.clock.now())

    @classmethod
    def add_cli(cls, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        cli.add(commands)
