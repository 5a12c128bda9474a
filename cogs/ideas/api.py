"""What other features may read of ideas: the KPIs of a period (``/stats``, the weekly report
and ``stats export`` show them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.core.ids import CommunityRef
from bot.i18n import Translator
from bot.storage.database import Database
from cogs.ideas.metrics import IdeasFigures, figures
from cogs.ideas.priority import quadrant
from cogs.ideas.store import IdeaStore
from cogs.ideas.survey_store import SurveyStore
from cogs.ideas.tables import STATUSES

__all__ = [
    "STATUSES", "BoardIdea", "IdeasBoard", "IdeasFigures", "IdeasFiguresSource", "board_of",
    "figure_lines", "ideas_figures", "ideas_figures_by_period",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class BoardIdea:
    """One idea as the board shows it (merged and withdrawn ones are not on it)."""

    number: int
    title: str
    status: str
    votes: int
    impact: int | None
    cost: int | None
    quadrant: str | None
    """quick_win, big_bet, fill_in or money_pit once impact and cost are set."""
    looped: bool
    """Its author and voters were told "you asked — we did"."""


@runtime_checkable
class IdeasBoard(Protocol):
    """The enabled ideas feature."""

    async def board_of(self, community: CommunityRef) -> list[BoardIdea]:
        """Every idea of the community on the board, in every status, oldest first."""
        ...


async def board_of(db: Database, community: CommunityRef) -> list[BoardIdea]:
    store = IdeaStore(db)
    found = await store.board(community, STATUSES)
    votes = await store.counts([idea.id for idea in found])
    return [
        BoardIdea(
            idea.id, idea.title, idea.status, votes.get(idea.id, 0), idea.impact, idea.cost,
            quadrant(idea.impact, idea.cost)
            if idea.impact is not None and idea.cost is not None else None,
            idea.looped_at is not None,
        )
        for idea in found
        if idea.merged_into is None
    ]  # fmt: skip


@runtime_checkable
class IdeasFiguresSource(Protocol):
    """The enabled ideas feature."""

    async def figures(
        self, community: CommunityRef, start: datetime, end: datetime
    ) -> IdeasFigures:
        """The ideas' KPIs for ``[start, end)``."""
        ...


async def ideas_figures(
    db: Database, community: CommunityRef, start: datetime, end: datetime
) -> IdeasFigures:
    """The KPIs read straight from the database (for the CLI, which has no running bot)."""
    [found] = await ideas_figures_by_period(db, community, [(start, end)])
    return found


async def ideas_figures_by_period(
    db: Database, community: CommunityRef, periods: Sequence[tuple[datetime, datetime]]
) -> list[IdeasFigures]:
    """The KPIs of several periods, the ideas read once."""
    found, told = await IdeaStore(db).for_metrics(community)
    surveys = SurveyStore(db)
    return [
        figures(found, told, await surveys.scores(community, start, end), start, end)
        for start, end in periods
    ]


def figure_lines(t: Translator, found: IdeasFigures) -> list[str]:
    """The ideas' lines under the ``/stats`` headline (none when nothing happened)."""
    lines = []
    if found.submitted or found.actionable or found.shipped:
        lines.append(t("ideas.stats_ideas", submitted=found.submitted,
                       actionable=found.actionable, shipped=found.shipped))  # fmt: skip
    if found.told_within_week is not None:
        lines.append(t("ideas.stats_told", share=f"{found.told_within_week:.0%}"))
    if found.decision_median is not None:
        lines.append(t("ideas.stats_decision", median=t.duration(found.decision_median)))
    if found.nps is not None:
        lines.append(t("ideas.stats_nps", nps=f"{found.nps:+.0f}", count=found.nps_answers))
    return lines
