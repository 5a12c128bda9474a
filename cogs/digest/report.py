"""What moderators read: ``/stats`` headline numbers and the weekly report with a trend chart."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo

from bot.core.ids import CommunityRef
from bot.core.messages import Attachment, OutgoingMessage
from bot.core.richtext import RichText, bold, join_lines, text
from bot.i18n import Translator
from bot.storage.database import Database
from cogs.digest.metrics import Metrics, compute, window_start

TREND_WEEKS = 8


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def headline(t: Translator, m: Metrics, period: timedelta) -> RichText:
    """The numbers a moderator looks at first, for the period before now.

    The 7- and 28-day active shares are rolling windows whatever the period; a period of
    another length gets its own active line. Before the bot has seen anyone, it says so
    instead of a page of 0 %.
    """
    lines: list[RichText | str] = [text(bold(t("stats.title", period=t.duration(period))))]
    if not m.members_28d and not m.members_in_period:
        lines.append(t("stats.not_enough_data"))
        return join_lines(lines)
    if period not in (timedelta(days=7), timedelta(days=28)):
        lines.append(t("stats.active_period", share=percent(m.active_share),
                       count=m.communicators, members=m.members_in_period,
                       engaged=percent(m.engaged_share)))  # fmt: skip
    lines.append(t("stats.active", share=percent(m.active_share_7d), count=m.communicators_7d,
                   members=m.members, engaged=percent(m.engaged_share_7d)))  # fmt: skip
    lines.append(t("stats.active_28", share=percent(m.active_share_28d),
                   count=m.communicators_28d, members=m.members_28d,
                   engaged=percent(m.engaged_share_28d)))  # fmt: skip
    if m.ugc_items:
        lines.append(t("stats.ugc", count=m.ugc_items, useful=percent(m.ugc_useful_rate)))
    else:
        lines.append(t("stats.ugc_none"))
    lines.append(t("stats.new_members", count=m.new_members))
    retention = []
    if m.d7_cohort:
        retention.append(t("stats.d7", share=percent(m.d7), cohort=m.d7_cohort))
    if m.d30_cohort:
        retention.append(t("stats.d30", share=percent(m.d30), cohort=m.d30_cohort))
    lines.append(", ".join(retention) if retention else t("stats.retention_none"))
    if m.faq_questions or m.faq_helped or m.faq_not_helped:
        lines.append(t("stats.faq", deflection=percent(m.faq_deflection),
                       questions=m.faq_questions, useful=percent(m.faq_usefulness),
                       helped=m.faq_helped, missed=m.faq_not_helped))  # fmt: skip
    if m.bot_posts:
        lines.append(t("stats.next_step", share=percent(m.next_step_share), posts=m.bot_posts,
                       conversion=percent(m.next_step_conversion)))  # fmt: skip
    if m.polls_closed:
        lines.append(t("stats.polls", count=m.polls_closed, turnout=percent(m.poll_turnout)))
    if m.quizzes_closed:
        lines.append(t("stats.quizzes", count=m.quizzes_closed, turnout=percent(m.quiz_turnout)))
    return join_lines(lines)


def week_ends(end: datetime, count: int, tz: tzinfo = UTC) -> list[datetime]:
    """``end`` and the ``count - 1`` week ends before it, oldest first, a week apart on the
    community's wall clock (the digest's weeks)."""
    ends = [end]
    while len(ends) < count:
        ends.append(window_start(ends[-1], 7, tz))
    return ends[::-1]


async def trend(
    db: Database, community: CommunityRef, end: datetime, tz: tzinfo = UTC
) -> list[Metrics]:
    """Weekly metrics for the last ``TREND_WEEKS`` weeks, oldest first."""
    return [
        await compute(db, community, week_end, 7, tz)
        for week_end in week_ends(end, TREND_WEEKS, tz)
    ]


async def weekly_report(
    db: Database, community: CommunityRef, end: datetime, t: Translator, tz: tzinfo = UTC,
    extra: Sequence[str] = (),
) -> OutgoingMessage:  # fmt: skip
    """This week's numbers (and ``extra`` lines from other features, such as the service
    desk's) and a chart of the last weeks' trends."""
    weeks = await trend(db, community, end, tz)
    body = text(bold(t("report.title")), "\n") + headline(t, weeks[-1], timedelta(days=7))
    if extra:
        body = join_lines([body, *extra])
    png = await asyncio.to_thread(chart, weeks, t, tz)
    return OutgoingMessage(body, attachment=Attachment("weekly-report.png", png))


def chart(weeks: list[Metrics], t: Translator, tz: tzinfo = UTC) -> bytes:
    """A PNG: active and engaged share (left axis, %) and member posts (bars, right axis)."""
    import matplotlib

    matplotlib.use("Agg")  # no display; safe in threads when only this module draws
    from matplotlib.figure import Figure

    labels = [t.short_date(m.end - timedelta(seconds=1), tz) for m in weeks]
    figure = Figure(figsize=(8, 3.6), dpi=100)
    axes = figure.add_subplot()
    posts = axes.twinx()
    positions = list(range(len(weeks)))
    posts.bar(
        positions, [m.ugc_items for m in weeks], color="#d0d7e2", label=t("report.chart_ugc")
    )
    axes.set_zorder(posts.get_zorder() + 1)
    axes.patch.set_visible(False)
    axes.plot(positions, [m.engaged_share_7d * 100 for m in weeks], marker="o",
              color="#2f6fdb", label=t("report.chart_engaged"))  # fmt: skip
    axes.plot(positions, [m.active_share_7d * 100 for m in weeks], marker="o",
              color="#e07b20", label=t("report.chart_active"))  # fmt: skip
    axes.set_ylim(0, 100)
    axes.set_ylabel("%")
    axes.set_xticks(positions, labels)
    axes.set_title(t("report.chart_title"))
    handles = axes.get_legend_handles_labels()
    bars = posts.get_legend_handles_labels()
    axes.legend(handles[0] + bars[0], handles[1] + bars[1], loc="upper left", fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
