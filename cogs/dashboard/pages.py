"""What each page shows, for one community and its last weeks: the rows ``stats export``
writes (the digest's weeks, the same numbers), the columns that belong to the page, a chart
of one of them, and for some pages a list (helpers, the moderators' log, the audit)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from bot.core.ids import CommunityRef
from bot.storage.database import Database
from cogs.faq.api import Miss
from cogs.ideas.api import STATUSES, BoardIdea
from cogs.moderation.api import cases

PERIODS = (1, 4, 12)
"""The period picker: the last 1, 4 or 12 digest weeks."""
CASES_SHOWN = 200

COLUMNS: dict[str, tuple[str, ...]] = {
    "responses": (
        "desk_cases_opened", "desk_frt_median_min", "desk_frt_p90_min", "desk_within_sla",
        "desk_sla_decided", "desk_sla_pending", "desk_cases_closed",
        "desk_closed_without_escalation", "desk_satisfaction", "desk_backlog",
        "desk_helpers_answering",
    ),
    "health": (
        "members", "communicators_7d", "active_share_7d", "engaged_share_7d",
        "communicators_28d", "active_share_28d", "new_members", "d7_cohort", "d7_retained",
        "d7", "d30_cohort", "d30_retained", "d30", "ugc_items", "ugc_useful", "ugc_useful_rate",
    ),
    "content": (
        "faq_questions", "faq_answered", "faq_deflected", "faq_deflection", "faq_helped",
        "faq_not_helped", "faq_usefulness", "bot_posts", "bot_posts_with_step",
        "next_step_share", "step_takers", "next_step_conversion", "polls_closed",
        "poll_turnout",
    ),
    "ideas": (
        "ideas_submitted", "ideas_actionable", "ideas_shipped", "ideas_told_within_week",
        "ideas_decision_median_h", "nps", "nps_answers",
    ),
}  # fmt: skip
"""Each figures page's columns of the weekly rows (``stats export``'s names)."""
CHARTED = {"responses": "desk_frt_median_min", "health": "active_share_7d",
           "content": "faq_deflection", "ideas": "ideas_submitted"}  # fmt: skip


@dataclass
class Table:
    """A titled table (also what the page's CSV export holds). ``columns`` are the CSV's
    names (``stats export``'s); the page shows them translated."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    shades: list[list[str]] = field(default_factory=list)
    """Per cell, a CSS class that shades it (a heat map); the cell's text says the same."""


@dataclass
class Page:
    tables: list[Table] = field(default_factory=list)
    chart: tuple[str, list[str], list[float | None]] | None = None
    """(column, week labels, values): drawn as SVG, described by the weekly table."""
    text: str = ""


def weekly(name: str, rows: Sequence[dict[str, str]]) -> Page:
    """The page's columns of the weekly rows, one line per week (oldest first)."""
    columns = [c for c in COLUMNS[name] if rows and c in rows[0]]
    table = Table("weeks", ["week_start", "week_end", "complete", *columns])
    for row in rows:
        cells = [row.get(c, "") for c in columns]
        table.rows.append([row.get("start", "")[:10], row.get("end", "")[:10],
                           row.get("complete", ""), *cells])  # fmt: skip
    tables = [table, retention_table(rows)] if name == "health" else [table]
    column = CHARTED[name]
    labels = [row.get("end", "")[5:10] for row in rows]
    values = [_float(row.get(column, "")) for row in rows]
    return Page(tables, (column, labels, values) if column in columns else None)


def board_tables(board: Sequence[BoardIdea]) -> list[Table]:
    """The ideas board by status (with how many shipped ideas closed the loop), the
    Impact/Cost matrix (high impact: 3 and up; low cost: 2 and down) and every idea."""
    by_status = Table("by_status", ["status", "ideas", "loop_closed"])
    for status in STATUSES:
        here = [idea for idea in board if idea.status == status]
        looped = str(sum(idea.looped for idea in here)) if status == "done" else ""
        by_status.rows.append([status, str(len(here)), looped])
    matrix = Table("matrix", ["impact", "low_cost", "high_cost"])
    for label, cheap_name, dear_name in (
        ("high_impact", "quick_win", "big_bet"), ("low_impact", "fill_in", "money_pit"),
    ):  # fmt: skip
        cells = []
        for name in (cheap_name, dear_name):
            numbers = [f"#{idea.number}" for idea in board if idea.quadrant == name]
            cells.append(f"{name}: {len(numbers)} {' '.join(numbers)}".strip())
        matrix.rows.append([label, *cells])
    listing = Table("board", ["idea", "title", "status", "votes", "impact", "cost", "quadrant"])
    for idea in board:
        listing.rows.append([
            str(idea.number), idea.title, idea.status, str(idea.votes),
            "" if idea.impact is None else str(idea.impact),
            "" if idea.cost is None else str(idea.cost), idea.quadrant or "",
        ])  # fmt: skip
    return [by_status, matrix, listing]


def misses_table(found: Sequence[Miss]) -> Table:
    """The FAQ's review queue: what members asked that no entry answered well."""
    table = Table("misses", ["asked_at", "kind", "question", "entry"])
    table.rows = [[f"{miss.asked_at:%Y-%m-%d %H:%M}", miss.kind, miss.text, miss.entry or ""]
                  for miss in found]  # fmt: skip
    return table


def retention_table(rows: Sequence[dict[str, str]]) -> Table:
    """D7 and D30 per joining week as a heat map: each cell "retained of cohort (share)",
    shaded by the share in five steps (the text carries the number, not the colour)."""
    table = Table("retention", ["week_end", "d7", "d30"])
    for row in rows:
        cells, shades = [row.get("end", "")[:10]], [""]
        for days in ("d7", "d30"):
            cohort = int(_float(row.get(f"{days}_cohort", "")) or 0)
            retained = int(_float(row.get(f"{days}_retained", "")) or 0)
            if cohort:
                share = retained / cohort
                cells.append(f"{retained}/{cohort} ({share:.0%})")
                shades.append(f"heat-{min(int(share * 5), 4)}")
            else:
                cells.append("")
                shades.append("")
        table.rows.append(cells)
        table.shades.append(shades)
    return table


def levels_table(ends: Sequence[datetime], counts: Sequence[dict[str, int]]) -> Table:
    """Members at each earned level by the end of each week (counted from when they reached
    the level they hold now)."""
    table = Table("levels", ["week_end", "activist", "expert"])
    for end, count in zip(ends, counts, strict=True):
        table.rows.append([f"{end:%Y-%m-%d}", str(count.get("activist", 0)),
                           str(count.get("expert", 0))])  # fmt: skip
    return table


def helpers_table(found: Sequence[tuple[str, int, float]]) -> Table:
    table = Table("helpers", ["helper", "first_answers", "frt_median_min"])
    table.rows = [[name, str(count), f"{minutes:.1f}"] for name, count, minutes in found]
    return table


async def moderation(
    db: Database, community: CommunityRef, start: datetime, end: datetime, action: str | None
) -> Page:
    """The moderators' log of the period (newest first), optionally one action only."""
    query = (
        select(cases)
        .where(
            cases.c.platform == community.platform.value,
            cases.c.community == community.id,
            cases.c.created_at >= start,
            cases.c.created_at <= end,
        )
        .order_by(cases.c.number.desc())
        .limit(CASES_SHOWN)
    )
    if action:
        query = query.where(cases.c.action == action)
    async with db.read() as conn:
        rows = [dict(row) for row in (await conn.execute(query)).mappings().all()]
    table = Table("cases", ["case", "action", "member", "moderator", "reason", "at", "revoked"])
    for row in rows:
        table.rows.append([
            str(row["number"]), str(row["action"]), str(row["member_name"] or row["member"]),
            str(row["moderator_name"] or "auto"), str(row["reason"]),
            f"{row['created_at']:%Y-%m-%d %H:%M}", "yes" if row["revoked_at"] else "",
        ])  # fmt: skip
    return Page([table])


def as_csv(tables: Sequence[Table]) -> str:
    """Every table of a page, one after the other, each under its title. A cell a member
    wrote that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) is quoted."""
    out = io.StringIO()
    writer = csv.writer(out)
    for table in tables:
        writer.writerow([f"# {table.title}"])
        writer.writerow(table.columns)
        writer.writerows([[_inert(cell) for cell in row] for row in table.rows])
    return out.getvalue()


def _inert(cell: str) -> str:
    if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and _float(cell) is None):
        return "'" + cell
    return cell


def _float(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None
