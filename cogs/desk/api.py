"""What other features may read of the desk: its KPIs for a period (``/stats``, the weekly
report and ``stats export`` show them), and the "Open a ticket" button (the FAQ offers it
under an answer that did not help and under its suggestions)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.config import Config
from bot.core.ids import CommunityRef
from bot.core.messages import Button
from bot.i18n import Translator
from bot.storage.database import Database
from cogs.desk.metrics import DeskFigures, HelperFigures, figures
from cogs.desk.settings import DeskSettings
from cogs.desk.store import DeskStore

__all__ = [
    "DeskFigures", "DeskFiguresSource", "HelperFigures", "TicketOffer", "desk_figures",
    "figure_lines",
]  # fmt: skip


@runtime_checkable
class TicketOffer(Protocol):
    """The enabled desk: a button that opens a ticket for whoever presses it."""

    def ticket_button(self, t: Translator, answer: int | None = None) -> Button:
        """ "Open a ticket"; ``answer``, an FAQ answer row, gives the ticket its question."""
        ...


@runtime_checkable
class DeskFiguresSource(Protocol):
    """The enabled desk feature."""

    async def figures(
        self, community: CommunityRef, start: datetime, end: datetime
    ) -> DeskFigures:
        """The desk's KPIs for ``[start, end)``."""
        ...


async def desk_figures(
    db: Database, config: Config, community: CommunityRef, start: datetime, end: datetime,
    now: datetime,
) -> DeskFigures:  # fmt: skip
    """The KPIs read straight from the database (for the CLI, which has no running bot)."""
    settings = config.section("desk", DeskSettings)
    hours = settings.hours.schedule(config.community.timezone_for(community))
    cases, clocks = await DeskStore(db).all_for_metrics(community, start, end)
    return figures(cases, clocks, hours, start, end, now)


def figure_lines(t: Translator, found: DeskFigures) -> list[str]:
    """The desk's lines under the ``/stats`` headline (none when no case was seen)."""
    if not found.opened and not found.closed and not found.backlog:
        return []
    lines = [
        t(
            "desk.stats_cases",
            opened=found.opened,
            closed=found.closed,
            backlog=found.backlog,
        )
    ]
    if found.frt_staff_median is not None and found.frt_staff_p90 is not None:
        lines.append(
            t(
                "desk.stats_frt",
                median=t.duration(found.frt_staff_median),
                p90=t.duration(found.frt_staff_p90),
            )
        )
    if found.within_sla is not None:
        lines.append(
            t(
                "desk.stats_sla",
                share=f"{found.within_sla:.0%}",
                count=found.sla_decided,
                pending=found.sla_pending,
            )
        )
    if found.without_escalation is not None:
        lines.append(t("desk.stats_no_escalation", share=f"{found.without_escalation:.0%}"))
    if found.satisfaction is not None:
        lines.append(t("desk.stats_satisfaction", score=f"{found.satisfaction:.1f}"))
    if found.helpers:
        each = [
            t("desk.stats_helper", name=h.name, count=h.answered, median=t.duration(h.frt_median))
            for h in found.helpers[:5]
        ]
        lines.append(t("desk.stats_helpers", helpers="; ".join(each)))
    return lines
