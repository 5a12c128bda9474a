"""What each page shows, computed from the features' published read APIs (the same figures
as ``stats export``), for one community and a period."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.core.ids import CommunityRef
from bot.storage.database import Database
from cogs.desk.api import DeskFiguresSource
from cogs.ideas.api import IdeasFiguresSource
from cogs.moderation.api import cases

PERIODS = (7, 28, 90)
"""The period picker: the last 7, 28 or 90 days."""
WEEKS_CHARTED = 8
CASES_SHOWN = 200


@dataclass
class Table:
    """A titled table (also what the page's CSV export holds)."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Page:
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    """Inline SVG, each described by a table of the same numbers."""


def figures_table(title: str, row: dict[str, str]) -> Table:
    """A figures row (``as_row``) turned on its side: one line per figure."""
    return Table(title, ["figure", "value"], [[key, value] for key, value in row.items()])


def weeks(end: datetime, count: int) -> list[tuple[datetime, datetime]]:
    """The last ``count`` 7-day windows ending at ``end``, oldest first."""
    return [(end - timedelta(days=7 * (n + 1)), end - timedelta(days=7 * n))
            for n in reversed(range(count))]  # fmt: skip


async def responses(
    desk: DeskFiguresSource, community: CommunityRef, start: datetime, end: datetime
) -> tuple[Page, list[tuple[str, float | None]]]:
    """The desk's figures, per helper, and the median first response per week (minutes)."""
    found = await desk.figures(community, start, end)
    page = Page([figures_table("figures", found.as_row())])
    helpers = Table("helpers", ["helper", "first_answers", "frt_median_min"])
    for helper in found.helpers:
        helpers.rows.append([helper.name, str(helper.answered),
                             f"{helper.frt_median.total_seconds() / 60:.1f}"])  # fmt: skip
    page.tables.append(helpers)
    series: list[tuple[str, float | None]] = []
    for week_start, week_end in weeks(end, WEEKS_CHARTED):
        weekly = await desk.figures(community, week_start, week_end)
        median = weekly.frt_staff_median
        minutes = None if median is None else round(median.total_seconds() / 60, 1)
        series.append((week_start.strftime("%m-%d"), minutes))
    page.tables.append(Table("frt_by_week", ["week", "frt_median_min"],
                             [[w, "" if v is None else f"{v:g}"] for w, v in series]))  # fmt: skip
    return page, series


async def ideas(
    source: IdeasFiguresSource, community: CommunityRef, start: datetime, end: datetime
) -> Page:
    found = await source.figures(community, start, end)
    return Page([figures_table("figures", found.as_row())])


async def moderation(
    db: Database, community: CommunityRef, start: datetime, end: datetime, action: str | None
) -> tuple[Page, list[dict[str, object]]]:
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
    return Page([table]), rows


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
    if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not _number(cell)):
        return "'" + cell
    return cell


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
