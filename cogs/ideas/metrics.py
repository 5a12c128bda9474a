"""Ideas KPIs for a period (definitions in docs/metrics.md, "Ideas"):

- submitted: ideas posted in the period (drafts withdrawn at "is it one of these?" are not);
- actionable: ideas that first left "new" for under review, planned, in progress or done in
  the period (triage accepted them); merged duplicates never count;
- shipped: ideas marked done in the period; told within a week: the share of those whose
  author got the notice of it within 7 days (sent, not refused or silenced);
- time to decision: created → first status other than new, median;
- NPS: % 9-10 − % 0-6 of the survey answers given in the period, with their number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cogs.ideas.monthly import nps
from cogs.ideas.tables import Idea

TOLD_WITHIN = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class IdeasFigures:
    submitted: int
    actionable: int
    shipped: int
    told_within_week: float | None
    decision_median: timedelta | None
    nps: float | None
    nps_answers: int

    def as_row(self) -> dict[str, str]:
        return {
            "ideas_submitted": str(self.submitted),
            "ideas_actionable": str(self.actionable),
            "ideas_shipped": str(self.shipped),
            "ideas_told_within_week": _share(self.told_within_week),
            "ideas_decision_median_h": (
                ""
                if self.decision_median is None
                else f"{self.decision_median.total_seconds() / 3600:.1f}"
            ),
            "nps": "" if self.nps is None else f"{self.nps:.1f}",
            "nps_answers": str(self.nps_answers),
        }


def figures(
    ideas: Sequence[Idea], told: dict[int, datetime], scores: list[int], start: datetime,
    end: datetime,
) -> IdeasFigures:  # fmt: skip
    """``told``: per idea, when its author was first sent a notice after it was done."""
    real = [i for i in ideas if i.status not in ("draft", "withdrawn")]
    submitted = [i for i in real if start <= i.created_at < end]
    actionable = [
        i for i in real
        if i.actionable_at and start <= i.actionable_at < end and i.status != "duplicate"
    ]  # fmt: skip
    shipped = [i for i in real if i.done_at and start <= i.done_at < end]
    told_in_time = [
        i for i in shipped
        if i.done_at and i.id in told and told[i.id] - i.done_at <= TOLD_WITHIN
    ]  # fmt: skip
    waits = sorted(i.decided_at - i.created_at for i in submitted if i.decided_at)
    return IdeasFigures(
        submitted=len(submitted),
        actionable=len(actionable),
        shipped=len(shipped),
        told_within_week=len(told_in_time) / len(shipped) if shipped else None,
        decision_median=waits[(len(waits) - 1) // 2] if waits else None,
        nps=nps(scores),
        nps_answers=len(scores),
    )


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"
