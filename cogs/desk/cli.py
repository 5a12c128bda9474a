"""``community-bot sla elapsed|explain`` and ``community-bot desk cases|transcript``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clitools import (
    EXIT_OK,
    EXIT_USAGE,
    SubCommands,
    config_option,
    database_now,
    database_option,
    database_url,
)
from bot.config import Config
from bot.core.ids import CommunityRef
from bot.i18n import translator
from bot.storage.database import Database, require_existing
from cogs.desk.clocks import counted, met
from cogs.desk.hours import Schedule
from cogs.desk.render import explain, transcript, transcript_html
from cogs.desk.settings import DeskSettings
from cogs.desk.store import Case, DeskStore


def add(commands: SubCommands) -> None:
    sla = commands.add_parser("sla", help="service-desk SLA clocks")
    sla_actions = sla.add_subparsers(dest="sla_command", metavar="ACTION", required=True)
    elapsed = sla_actions.add_parser(
        "elapsed",
        help="business time between two moments on the configured hours",
        description=(
            "Print the business minutes between FROM and TO on [desk.hours] (ISO times such as"
            " 2027-01-08T17:30; without an offset they are read in the schedule's time zone)."
        ),
    )
    elapsed.add_argument("start", metavar="FROM")
    elapsed.add_argument("end", metavar="TO")
    elapsed.add_argument("--community", help="platform:id whose time zone applies")
    elapsed.add_argument("--json", action="store_true", help="print one JSON object")
    config_option(elapsed)
    elapsed.set_defaults(handler=sla_elapsed)
    why = sla_actions.add_parser(
        "explain", help="each clock of a case: target, business minutes counted, met or not"
    )
    why.add_argument("case", type=int, metavar="CASE")
    why.add_argument("--json", action="store_true", help="print one JSON object")
    desk = commands.add_parser("desk", help="service-desk cases")
    desk_actions = desk.add_subparsers(dest="desk_command", metavar="ACTION", required=True)
    listing = desk_actions.add_parser("cases", help="list cases (open ones by default)")
    listing.add_argument("--all", action="store_true", help="closed cases too")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    record = desk_actions.add_parser(
        "transcript", help="a case's messages and notes, from the database"
    )
    record.add_argument("case", type=int, metavar="CASE")
    record.add_argument("--html", action="store_true", help="a self-contained HTML page")
    record.add_argument(
        "--member", action="store_true", help="what the member saw: without internal notes"
    )
    for parser in (why, listing, record):
        database_option(parser)
        config_option(parser)
        parser.set_defaults(handler=run)


def sla_elapsed(config: Config, args: argparse.Namespace) -> int:
    settings = config.section("desk", DeskSettings)
    try:
        zone = (
            config.community.timezone_for(_community(args.community)) if args.community else None
        )
        hours = settings.hours.schedule(zone or config.community.timezone)
        start, end = (_moment(value, hours.zone) for value in (args.start, args.end))
    except ValueError as exc:
        print(f"sla elapsed: {exc}", file=sys.stderr)
        return EXIT_USAGE
    business = hours.elapsed(start, end)
    calendar = max(end - start, timedelta(0))
    result = {
        "business_minutes": business.total_seconds() / 60,
        "calendar_minutes": calendar.total_seconds() / 60,
        "timezone": str(hours.zone),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['business_minutes']:g} business minutes"
            f" ({result['calendar_minutes']:g} calendar) in {hours.zone}"
        )
    return EXIT_OK


def run(config: Config, args: argparse.Namespace) -> int:
    return asyncio.run(_run(config, database_url(config.database_url(), args.database), args))


async def _run(config: Config, url: str, args: argparse.Namespace) -> int:
    require_existing(url)
    db = Database(url)
    try:
        await db.migrate()
        now = await database_now(db)
        store = DeskStore(db)
        if getattr(args, "desk_command", None) == "cases":
            return await _cases(store, args)
        case = await store.get(args.case)
        if case is None:
            print(f"there is no case #{args.case}", file=sys.stderr)
            return EXIT_USAGE
        t = translator(config.community.locale_for(case.ref))
        zone = config.community.timezone_for(case.ref)
        if getattr(args, "desk_command", None) == "transcript":
            rows = await store.transcript(case.id)
            shape = transcript_html if args.html else transcript
            print(shape(t, zone, case, rows, notes=not args.member))
            return EXIT_OK
        hours = config.section("desk", DeskSettings).hours.schedule(zone)
        clocks = await store.clocks_of(case.id)
        if args.json:
            print(json.dumps(_explained(case, clocks, hours, now)))
        else:
            print(explain(t, zone, case, clocks, hours, now))
        return EXIT_OK
    finally:
        await db.close()


async def _cases(store: DeskStore, args: argparse.Namespace) -> int:
    found = await (store.all_cases() if args.all else store.open_cases())
    for case in found:
        row = {
            "case": case.id, "community": str(case.ref), "status": case.status,
            "member": case.requester_name, "subject": case.subject, "tags": case.tags,
            "assignee": case.assignee_name, "opened_at": case.opened_at.isoformat(),
            "escalations": case.escalations, "satisfaction": case.satisfaction,
        }  # fmt: skip
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"#{case.id} [{case.status}] {case.requester_name}: {case.subject or '—'}")
    return EXIT_OK


def _explained(case: Case, clocks: list[Any], hours: Schedule, now: datetime) -> dict[str, Any]:
    return {
        "case": case.id,
        "status": case.status,
        "policy": case.policy,
        "clocks": [
            {
                "clock": clock.kind,
                "round": clock.round,
                "clock_kind": "business" if clock.business else "calendar",
                "target_minutes": clock.target.total_seconds() / 60,
                "counted_minutes": counted(clock, hours, now).total_seconds() / 60,
                "running": clock.running_since is not None,
                "met": met(clock, hours, now),
                "breached_at": clock.breached_at.isoformat() if clock.breached_at else None,
            }
            for clock in clocks
        ],
    }


def _community(value: str) -> CommunityRef:
    try:
        return CommunityRef.parse(value)
    except ValueError as exc:
        raise ValueError(f"--community: {exc}") from None


def _moment(value: str, zone: ZoneInfo) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a time such as 2027-01-08T17:30") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)
