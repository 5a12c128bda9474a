"""Service-desk KPIs for a period (definitions in docs/metrics.md, "Service desk"):

- first response time, staff (helpers and up) and anyone but the member, in business time
  on the desk's hours, median and 90th percentile over cases opened in the period;
- share within SLA: first-response clocks of cases opened in the period that are decided
  (answered, or past the target unanswered), met ÷ decided; undecided ones are "pending";
- share closed without escalation: cases closed in the period that never climbed a step;
- backlog: cases open now, by age; satisfaction: the mean rating of cases closed in the period;
- per helper: first staff answers they gave to cases opened in the period, and the median
  first response time of those.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cogs.desk.clocks import FIRST, met
from cogs.desk.hours import Schedule
from cogs.desk.store import Case, Clock


@dataclass(frozen=True, slots=True)
class HelperFigures:
    """One helper's first answers in a period."""

    member: str
    name: str
    answered: int
    frt_median: timedelta


@dataclass(frozen=True, slots=True)
class DeskFigures:
    opened: int
    frt_staff_median: timedelta | None
    frt_staff_p90: timedelta | None
    frt_any_median: timedelta | None
    unanswered: int
    """Cases opened in the period that nobody on staff has answered yet."""
    within_sla: float | None
    sla_decided: int
    sla_pending: int
    closed: int
    without_escalation: float | None
    satisfaction: float | None
    rated: int
    backlog: int
    backlog_over_day: int
    helpers: tuple[HelperFigures, ...] = ()
    """By first answers given, most first (ties: the faster median first)."""

    def fastest(self, at_least: int) -> HelperFigures | None:
        """The helper with the shortest median first response among those who gave at least
        ``at_least`` first answers (ties: more answers, then name)."""
        eligible = [h for h in self.helpers if h.answered >= max(at_least, 1)]
        if not eligible:
            return None
        return min(eligible, key=lambda h: (h.frt_median, -h.answered, h.name))

    def as_row(self) -> dict[str, str]:
        """CSV columns (minutes and shares as plain numbers; empty when undefined)."""
        return {
            "desk_cases_opened": str(self.opened),
            "desk_frt_median_min": _minutes(self.frt_staff_median),
            "desk_frt_p90_min": _minutes(self.frt_staff_p90),
            "desk_frt_any_median_min": _minutes(self.frt_any_median),
            "desk_within_sla": _share(self.within_sla),
            "desk_sla_decided": str(self.sla_decided),
            "desk_sla_pending": str(self.sla_pending),
            "desk_cases_closed": str(self.closed),
            "desk_closed_without_escalation": _share(self.without_escalation),
            "desk_satisfaction": "" if self.satisfaction is None else f"{self.satisfaction:.2f}",
            "desk_backlog": str(self.backlog),
            "desk_helpers_answering": str(len(self.helpers)),
        }


def figures(
    cases: Sequence[Case], clocks: Sequence[Clock], hours: Schedule, start: datetime,
    end: datetime, now: datetime,
) -> DeskFigures:  # fmt: skip
    """The KPIs of ``[start, end)`` from the cases and clocks the store returned."""
    opened = [c for c in cases if start <= c.opened_at < end]
    answered = {
        c.id: hours.elapsed(c.opened_at, c.first_response_at)
        for c in opened
        if c.first_response_at
    }
    staff = list(answered.values())
    anyone = [
        hours.elapsed(c.opened_at, c.first_any_response_at)
        for c in opened
        if c.first_any_response_at
    ]
    ids = {c.id for c in opened}
    firsts = [k for k in clocks if k.kind == FIRST and k.case_id in ids]
    verdicts = [met(k, hours, now) for k in firsts]
    decided = [v for v in verdicts if v is not None]
    closed = [c for c in cases if c.closed_at is not None and start <= c.closed_at < end]
    rated = [c.satisfaction for c in closed if c.satisfaction is not None]
    backlog = [c for c in cases if c.is_open]
    per_helper: dict[str, list[timedelta]] = {}
    names: dict[str, str] = {}
    for case in opened:
        if case.first_responder and case.id in answered:
            per_helper.setdefault(case.first_responder, []).append(answered[case.id])
            names[case.first_responder] = case.first_responder_name or case.first_responder
    helpers = sorted(
        (HelperFigures(member, names[member], len(spent), _median(spent))
         for member, spent in per_helper.items()),
        key=lambda h: (-h.answered, h.frt_median, h.name),
    )  # fmt: skip
    return DeskFigures(
        opened=len(opened),
        frt_staff_median=_quantile(staff, 0.5),
        frt_staff_p90=_quantile(staff, 0.9),
        frt_any_median=_quantile(anyone, 0.5),
        unanswered=sum(1 for c in opened if c.first_response_at is None),
        within_sla=sum(decided) / len(decided) if decided else None,
        sla_decided=len(decided),
        sla_pending=len(verdicts) - len(decided),
        closed=len(closed),
        without_escalation=(
            sum(1 for c in closed if not c.escalations) / len(closed) if closed else None
        ),
        satisfaction=sum(rated) / len(rated) if rated else None,
        rated=len(rated),
        backlog=len(backlog),
        backlog_over_day=sum(1 for c in backlog if now - c.opened_at > timedelta(days=1)),
        helpers=tuple(helpers),
    )


def _quantile(values: list[timedelta], q: float) -> timedelta | None:
    """The nearest-rank quantile (the value at rank ⌈q·n⌉): a duration that happened."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(q * len(ordered)), 1) - 1]


def _median(values: list[timedelta]) -> timedelta:
    found = _quantile(values, 0.5)
    assert found is not None
    return found


def _minutes(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 60:.1f}"


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"
