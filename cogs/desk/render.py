"""Texts of the desk: the staff card, /queue lines, an SLA explanation and transcripts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from cogs.desk.clocks import counted, met, reaches
from cogs.desk.hours import Schedule
from cogs.desk.store import Case, Clock
from cogs.desk.tables import RELAY


def card(t: Translator, zone: ZoneInfo, case: Case, due: datetime | None) -> str:
    """The staff card: who, what, where, state, who has it, and when the first answer is due."""
    lines = [
        t(
            "desk.card",
            case=case.id,
            member=case.requester_name,
            channel=case.channel,
            subject=case.subject or "—",
        ),
        t("desk.card_status", status=t(f"desk.status.{case.status}")),
    ]
    if case.assignee_name:
        lines.append(t("desk.card_assignee", name=case.assignee_name))
    if case.tags:
        lines.append(t("desk.card_tags", tags=case.tags.replace(",", ", ")))
    if due is not None and case.is_open:
        lines.append(t("desk.card_due", when=t.datetime(due, zone)))
    if case.escalation_step:
        lines.append(t("desk.card_escalated", step=case.escalation_step))
    if case.room_channel is not None:
        key = "desk.card_room_relay" if case.room_relay else "desk.card_room"
        lines.append(t("desk.card_room_reply" if case.room_by_reply else key))
    return "\n".join(lines)


def queue_line(t: Translator, case: Case, now: datetime) -> str:
    return t(
        "desk.queue_line",
        case=case.id,
        member=case.requester_name,
        subject=case.subject or "—",
        status=t(f"desk.status.{case.status}"),
        age=t.duration(now - case.opened_at),
        assignee=case.assignee_name or "—",
    )


def explain(
    t: Translator, zone: ZoneInfo, case: Case, clocks: Sequence[Clock], hours: Schedule,
    now: datetime,
) -> str:  # fmt: skip
    """Each clock: target, time counted (business minutes), state and why."""
    lines = [
        t("desk.explain_head", case=case.id, status=t(f"desk.status.{case.status}"),
          policy=case.policy or "—", opened=t.datetime(case.opened_at, zone)),
    ]  # fmt: skip
    if not clocks:
        lines.append(t("desk.explain_none"))
    for clock in clocks:
        spent = counted(clock, hours, now)
        verdict = met(clock, hours, now)
        if verdict is None:
            state = (
                t("desk.explain_paused")
                if clock.running_since is None
                else t(
                    "desk.explain_running", due=t.datetime(reaches(clock, hours, 1.0) or now, zone)
                )
            )
        else:
            state = t("desk.explain_met") if verdict else t("desk.explain_missed")
        lines.append(
            t(
                "desk.explain_clock",
                clock=t(f"desk.clock.{clock.kind}"),
                round=clock.round,
                minutes=int(spent.total_seconds() // 60),
                target=int(clock.target.total_seconds() // 60),
                kind=t(f"desk.hours.{'business' if clock.business else 'calendar'}"),
                state=state,
            )
        )
    return "\n".join(lines)


def transcript(
    t: Translator, zone: ZoneInfo, case: Case, rows: Sequence[Any], *, notes: bool
) -> str:
    """The case as plain text from the database (notes only for staff)."""
    out = [t("desk.transcript_head", case=case.id, member=case.requester_name,
             subject=case.subject or "—")]  # fmt: skip
    for row in rows:
        if (row["role"] == "note" and not notes) or row["role"] == RELAY:
            continue
        when = row["at"].astimezone(zone).strftime("%Y-%m-%d %H:%M")
        who = row["author_name"] or t("desk.bot")
        mark = t("desk.note_mark") if row["role"] == "note" else ""
        out.append(f"[{when}] {mark}{who}: {row['text']}")
    return "\n".join(out)


_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; }}
.message {{ margin: 0 0 1rem; padding: .5rem .75rem; border-left: 4px solid #888; }}
.member {{ border-color: #1f6feb; }} .staff {{ border-color: #1a7f37; }}
.note {{ border-color: #9a6700; background: #fff8c5; }} .bot, .peer {{ border-color: #888; }}
.who {{ font-weight: 600; }} time {{ color: #555; font-size: .875rem; }}
p.text {{ margin: .25rem 0 0; white-space: pre-wrap; }}
</style>
</head>
<body>
<h1>{title}</h1>
{items}
</body>
</html>"""


def transcript_html(
    t: Translator, zone: ZoneInfo, case: Case, rows: Sequence[Any], *, notes: bool
) -> str:
    """The transcript as one self-contained page (no scripts, every text escaped); the role of
    each message is written out, not only coloured."""
    title = t("desk.transcript_head", case=case.id, member=case.requester_name,
              subject=case.subject or "—")  # fmt: skip
    items = []
    for row in rows:
        if (row["role"] == "note" and not notes) or row["role"] == RELAY:
            continue
        when = row["at"].astimezone(zone)
        who = row["author_name"] or t("desk.bot")
        mark = t("desk.note_mark") if row["role"] == "note" else ""
        items.append(
            f'<article class="message {escape(row["role"])}">'
            f'<time datetime="{when.isoformat()}">{when:%Y-%m-%d %H:%M}</time> '
            f'<span class="who">{escape(mark + who)}</span>'
            f'<p class="text">{escape(row["text"])}</p></article>'
        )
    return _PAGE.format(lang=escape(t.locale), title=escape(title), items="\n".join(items))
