"""``community-bot digest preview`` and ``community-bot stats export``."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import sys
from datetime import datetime, timedelta
from pathlib import Path

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
from bot.storage.eventlog import communities
from cogs.digest import upcoming
from cogs.digest.export import weekly_rows
from cogs.digest.settings import DigestSettings
from cogs.digest.store import DigestStore


def add_commands(commands: SubCommands) -> None:
    digest = commands.add_parser("digest", help="the weekly digest")
    digest_actions = digest.add_subparsers(dest="digest_command", metavar="ACTION", required=True)
    preview = digest_actions.add_parser(
        "preview",
        help="print the digest for the current week from the database",
        description=(
            "Print the digest each community gets next: the week ending at its next slot (or"
            " the slot just passed, while it may still go out), composed as it will be posted."
        ),
    )
    stats = commands.add_parser("stats", help="community metrics")
    stats_actions = stats.add_subparsers(dest="stats_command", metavar="ACTION", required=True)
    export = stats_actions.add_parser(
        "export",
        help="write weekly metrics as CSV",
        description=(
            "Write one CSV row per community and week: the digest's weeks (ending at its slot"
            " in the community's time zone), the last one the week in progress (complete=no)."
        ),
    )
    backfill = stats_actions.add_parser(
        "backfill",
        help="derive the member directory and daily roll-up for events logged before them",
        description=(
            "Fill what metrics read (member directory, reply/reaction targets, daily roll-up) for"
            " events logged by an older version. Safe to run again."
        ),
    )
    database_option(backfill)
    config_option(backfill)
    export.add_argument("--weeks", type=int, default=12, help="how many weeks back (default 12)")
    export.add_argument("--out", type=Path, help="the CSV file (default: standard output)")
    for parser in (preview, export):
        parser.add_argument("--community", help="platform:id (default: every community seen)")
        database_option(parser)
        config_option(parser)
    for parser in (preview, export, backfill):
        parser.set_defaults(handler=run)


def run(config: Config, args: argparse.Namespace) -> int:
    url = database_url(config.database_url(), _absolute(args.database))
    community = getattr(args, "community", None)
    if community:
        try:
            CommunityRef.parse(community)
        except ValueError as exc:
            print(f"--community: {exc}", file=sys.stderr)
            return EXIT_USAGE
    try:
        if args.command == "digest":
            return asyncio.run(digest_preview(config, url, community))
        if args.stats_command == "backfill":
            return asyncio.run(_backfill(url))
        if not 1 <= args.weeks <= 520:
            print("--weeks must be between 1 and 520", file=sys.stderr)
            return EXIT_USAGE
        out: Path | None = args.out
        if out is not None and (out.is_dir() or not out.parent.is_dir()):
            problem = "is a folder" if out.is_dir() else "its folder does not exist"
            print(f"--out {out}: {problem}; give a file name such as stats.csv", file=sys.stderr)
            return EXIT_USAGE
        table = asyncio.run(stats_export(config, url, community, args.weeks, out))
    except UnknownCommunity as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    if out is None:
        sys.stdout.write(table or "")
        return EXIT_OK
    try:
        out.write_text(table or "", encoding="utf-8")
    except OSError as exc:
        print(f"--out {out}: cannot write: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK


def _absolute(database: str | None) -> str | None:
    if database is None or "://" in database:
        return database
    return str(Path(database).resolve())


async def _backfill(url: str) -> int:
    from bot.storage.backfill import backfill

    db = await _open(url)
    try:
        result = await backfill(db)
    finally:
        await db.close()
    print(
        f"{result.events} events read; {result.targets} targets, {result.days} member-days,"
        f" {result.members} members filled in"
    )
    return EXIT_OK


async def _open(url: str) -> Database:
    require_existing(url)
    db = Database(url)
    try:
        await db.migrate()
    except BaseException:
        await db.close()
        raise
    return db


async def _now(db: Database) -> datetime:
    """Now, or where the simulation that wrote this database stopped (its clock is the truth)."""
    return await database_now(db) + timedelta(
        seconds=1
    )  # what happened at this very instant counts


async def _communities(db: Database, config: Config, community: str | None) -> list[CommunityRef]:
    found = await communities(db, (await _now(db)) - timedelta(days=365 * 5))
    configured = list(config.section("digest", DigestSettings).channels)
    known = sorted(set(found) | set(configured), key=str)
    if community:
        wanted = CommunityRef.parse(community)
        if wanted not in known:
            raise UnknownCommunity(
                f"--community {community}: no such community in this database or the config"
                f" (known: {', '.join(map(str, known)) or 'none yet'})"
            )
        return [wanted]
    return known


class UnknownCommunity(Exception):
    """``--community`` names a community nobody has seen."""


async def digest_preview(config: Config, url: str, community: str | None) -> int:
    """Print the digest each community gets next: the window ending at its next slot, composed
    as the scheduled post will be (rotation, moderators' hero decision, topic)."""
    db = await _open(url)
    try:
        now = await _now(db)
        targets = await _communities(db, config, community)
        if not targets:
            print("no community in the database yet", file=sys.stderr)
            return EXIT_OK
        settings = config.section("digest", DigestSettings)
        store = DigestStore(db)
        for target in targets:
            t = translator(config.community.locale_for(target))
            tz = config.community.timezone_for(target)
            slot = await upcoming.next_slot(store, settings, target, tz, now)
            digest = await upcoming.compose(
                db, store, settings, target, slot, t, tz,
                community_name=config.community.name, final=False,
            )  # fmt: skip
            window = " – ".join(
                moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") for moment in (digest.start, slot)
            )
            print(f"== {target} · {digest.week} · {window} ({tz.key})")
            if digest.empty:
                print(t("digest.preview_empty"))
                continue
            print(digest.body().plain())
            print(" ".join(f"[{b.label}]" for b in digest.buttons))
            if digest.ranking:
                print("-- hero ranking (points):")
                for score in digest.ranking[:5]:
                    print(f"   {score.member}: {score.points:g}")
        return EXIT_OK
    finally:
        await db.close()


async def stats_export(
    config: Config, url: str, community: str | None, weeks: int, out: Path | None
) -> str | None:
    """One CSV row per community and week: every count and rate of ``Metrics``."""
    db = await _open(url)
    try:
        now = await _now(db)
        buffer = io.StringIO()
        writer: csv.DictWriter[str] | None = None
        for target in await _communities(db, config, community):
            for row in await weekly_rows(db, config, target, weeks, now):
                if writer is None:
                    writer = csv.DictWriter(buffer, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow(row)
        return buffer.getvalue()
    finally:
        await db.close()
