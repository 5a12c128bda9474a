"""The ``community-bot`` command line: run, simulate, check."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import __version__
from bot.config import Config, ConfigError, default_config_path, load_config
from bot.content import ContentError
from bot.storage.database import StorageError

if TYPE_CHECKING:
    from bot.adapters.discord.runner import DiscordRunner
    from bot.adapters.telegram.runner import TelegramRunner

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="community-bot",
        description="A community bot for Discord and Telegram: moderation, FAQ, polls, digests.",
    )
    parser.add_argument("--version", action="version", version=f"community-bot {__version__}")
    config_help = "config file (default: config.toml if it exists, else config.example.toml)"
    parser.add_argument("--config", type=Path, help=config_help)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def sub(name: str, help_text: str) -> argparse.ArgumentParser:
        sub_parser = commands.add_parser(name, help=help_text, description=help_text)
        sub_parser.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=config_help)
        return sub_parser

    sub("run", "start the bot on the enabled platforms (the console by default)")
    simulate = sub("simulate", "run a script on the console platform with a simulated clock")
    simulate.add_argument("script", type=Path, help="the script file ('-' for standard input)")
    simulate.add_argument("--database", help="database file or URL (default: from the config)")
    simulate.add_argument(
        "--start",
        help="simulated start time, ISO 8601 (without an offset: the community's time zone);"
        " default: now, or where the last simulation on this database stopped",
    )
    rules = commands.add_parser("rules", help="try the moderation rules")
    rules_commands = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    rules_test = rules_commands.add_parser(
        "test",
        help="show what moderation decides for a message",
        description=(
            "Show the verdict for TEXT: matched list, entry, action and the normalized form."
        ),
    )
    rules_test.add_argument("text", help="the message to test")
    rules_test.add_argument(
        "--rules",
        type=Path,
        help="rules folder, list folder or list file (default: [content] rules of the config)",
    )
    rules_test.add_argument("--json", action="store_true", help="print one JSON object")
    rules_test.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=config_help)
    faq = commands.add_parser("faq", help="try the FAQ matcher")
    faq_commands = faq.add_subparsers(dest="faq_command", metavar="ACTION", required=True)
    faq_ask = faq_commands.add_parser(
        "ask",
        help="show which FAQ entry answers TEXT",
        description="Show the chosen entry, its confidence and the decision for TEXT.",
    )
    faq_ask.add_argument("text", help="the member's message")
    faq_eval = faq_commands.add_parser(
        "eval",
        help="measure the matcher on a labelled file",
        description=(
            'Run FILE (JSON lines {"text": ..., "expect": entry id or null}) and print top-1'
            " accuracy and the false-answer rate."
        ),
    )
    faq_eval.add_argument("file", type=Path, help="the labelled JSON-lines file")
    for faq_parser in (faq_ask, faq_eval):
        faq_parser.add_argument("--faq", type=Path, help="FAQ folder (default: [content] faq)")
        faq_parser.add_argument(
            "--matcher", choices=("auto", "lexical", "semantic"), help="default: [faq] matcher"
        )
        faq_parser.add_argument("--json", action="store_true", help="print one JSON object")
        faq_parser.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=config_help)
    digest = commands.add_parser("digest", help="the weekly digest")
    digest_commands = digest.add_subparsers(dest="digest_command", metavar="ACTION", required=True)
    preview = digest_commands.add_parser(
        "preview",
        help="print the digest for the current week from the database",
        description="Print the digest of the last 7 days (what would be posted now).",
    )
    stats = commands.add_parser("stats", help="community metrics")
    stats_commands = stats.add_subparsers(dest="stats_command", metavar="ACTION", required=True)
    export = stats_commands.add_parser(
        "export",
        help="write weekly metrics as CSV",
        description="Write one CSV row per community and week (the 7 days up to each week's end).",
    )
    backfill = stats_commands.add_parser(
        "backfill",
        help="derive the member directory and daily roll-up for events logged before them",
        description=(
            "Fill what metrics read (member directory, reply/reaction targets, daily roll-up) for"
            " events logged by an older version. Safe to run again."
        ),
    )
    backfill.add_argument("--database", help="database file or URL (default: from the config)")
    backfill.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=config_help)
    export.add_argument("--weeks", type=int, default=12, help="how many weeks back (default 12)")
    export.add_argument("--out", type=Path, help="the CSV file (default: standard output)")
    for parser_ in (preview, export):
        parser_.add_argument("--community", help="platform:id (default: every community seen)")
        parser_.add_argument("--database", help="database file or URL (default: from the config)")
        parser_.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=config_help)
    check = sub("check", "validate the config, rules/ and faq/; list every problem")
    check.add_argument("--rules", type=Path, help="rules folder (default: [content] rules)")
    check.add_argument("--faq", type=Path, help="FAQ folder (default: [content] faq)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config_path: Path = args.config or default_config_path()
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"config error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(
        level=config.logging.level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        if args.command == "check":
            return _check(config, args.rules or config.rules_dir, args.faq or config.faq_dir)
        if args.command == "rules":
            return _rules_test(args.text, args.rules or config.rules_dir, as_json=args.json)
        if args.command == "faq":
            return _faq(config, args)
        if args.command in ("digest", "stats"):
            return _digest_or_stats(config, args)
        if args.command == "simulate":
            return _simulate(config, args.script, args.database, args.start)
        return _run(config)
    except StorageError as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in the content; nothing started", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_OK


def _check(config: Config, rules: Path, faq: Path) -> int:
    import importlib

    from bot.content import check_content

    for feature in config.features.enabled:
        importlib.import_module(f"cogs.{feature}")  # registers its content validators

    problems = check_content(rules, faq, config.quizzes_dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return EXIT_USAGE
    print(f"config {config.source}: ok; {rules}/: ok; {faq}/: ok")
    return EXIT_OK


def _rules_test(message: str, folder: Path, *, as_json: bool) -> int:
    import json

    from cogs.moderation.rules import RulesError, load_rules
    from cogs.moderation.service import verdict_of

    try:
        rules = load_rules(folder, strict=False)
    except RulesError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    scan = rules.matcher.scan(message)
    action, hit = verdict_of(rules, scan)
    result = {
        "flagged": scan.flagged,
        "list": hit.entry.list if hit else None,
        "entry": hit.entry.text if hit else None,
        "action": action,
        "matched": hit.matched if hit else None,
        "file": hit.entry.file if hit else None,
        "line": hit.entry.line if hit else None,
        "normalized": scan.normalized,
        "hits": [
            {"list": h.entry.list, "entry": h.entry.text, "matched": h.matched,
             "where": h.entry.where}
            for h in scan.hits
        ],
    }  # fmt: skip
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return EXIT_OK
    print(f"flagged:    {'yes' if scan.flagged else 'no'}")
    if hit is not None:
        print(f"list:       {hit.entry.list} ({hit.entry.where}: {hit.entry.text})")
        print(f"action:     {action}")
        print(f"matched:    {hit.matched}")
        for other in scan.hits:
            if other is not hit:
                print(f"also:       {other.entry.list} ({other.entry.where}: {other.entry.text})")
    print(f"normalized: {scan.normalized}")
    return EXIT_OK


def _faq(config: Config, args: argparse.Namespace) -> int:
    from cogs.faq import cli

    settings = config.faq
    if args.matcher:
        settings = settings.model_copy(update={"matcher": args.matcher})
    folder = args.faq or config.faq_dir
    try:
        if args.faq_command == "ask":
            return cli.ask(args.text, folder, settings, as_json=args.json)
        return cli.evaluate(args.file, folder, settings, as_json=args.json)
    except RuntimeError as exc:
        print(f"faq: {exc}", file=sys.stderr)
        return EXIT_USAGE


async def _backfill(url: str) -> int:
    from bot.storage.backfill import backfill
    from bot.storage.database import Database

    db = Database(url)
    try:
        await db.migrate()
        result = await backfill(db)
    finally:
        await db.close()
    print(
        f"{result.events} events read; {result.targets} targets, {result.days} member-days,"
        f" {result.members} members filled in"
    )
    return EXIT_OK


def _digest_or_stats(config: Config, args: argparse.Namespace) -> int:
    from cogs.digest.cli import database_url, digest_preview, stats_export

    try:
        url = database_url(config, args.database)
        community = getattr(args, "community", None)
        if community:
            from bot.core.ids import CommunityRef

            CommunityRef.parse(community)
    except ValueError as exc:
        print(f"--community: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "digest":
        return asyncio.run(digest_preview(config, url, community))
    if args.stats_command == "backfill":
        return asyncio.run(_backfill(url))
    if not 1 <= args.weeks <= 520:
        print("--weeks must be between 1 and 520", file=sys.stderr)
        return EXIT_USAGE
    table = asyncio.run(stats_export(config, url, community, args.weeks, args.out))
    if args.out is None:
        sys.stdout.write(table or "")
    else:
        args.out.write_text(table or "", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return EXIT_OK


def _simulate(config: Config, script: Path, database: str | None, start: str | None) -> int:
    from bot.adapters.console.script import ScriptError, parse_script
    from bot.adapters.console.simulate import simulate

    try:
        source = sys.stdin.read() if str(script) == "-" else script.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{script}: cannot read the script: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        steps = parse_script(source, config.console.channels)
    except ScriptError as exc:
        print(f"{script}:{exc}", file=sys.stderr)
        return EXIT_USAGE
    start_at: datetime | None = None
    if start is not None:
        try:
            start_at = datetime.fromisoformat(start)
        except ValueError:
            print(f"--start {start!r}: expected ISO 8601, e.g. 2026-11-27T10:00", file=sys.stderr)
            return EXIT_USAGE
        if start_at.tzinfo is None:
            start_at = start_at.replace(tzinfo=ZoneInfo(config.community.timezone))
    database_url = None
    if database is not None:
        database_url = database if "://" in database else f"sqlite+aiosqlite:///{database}"

    def write(line: str) -> None:
        print(line, flush=True)

    asyncio.run(simulate(config, steps, write=write, start=start_at, database_url=database_url))
    return EXIT_OK


def _run(config: Config) -> int:
    import os
    import signal

    from bot.adapters.console.repl import run_console
    from bot.app import BotApp
    from bot.core.clock import SystemClock

    if not (config.console.enabled or config.telegram.enabled or config.discord.enabled):
        print(
            "no platform is enabled: set [console], [telegram] or [discord] enabled = true",
            file=sys.stderr,
        )
        return EXIT_USAGE
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if config.telegram.enabled and not token:
        print(
            "[telegram] is enabled but TELEGRAM_BOT_TOKEN is not set (get one from @BotFather)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    discord_token = os.environ.get("DISCORD_BOT_TOKEN", "").strip()
    if config.discord.enabled and not discord_token:
        print(
            "[discord] is enabled but DISCORD_BOT_TOKEN is not set"
            " (Developer Portal → your application → Bot → Token)",
            file=sys.stderr,
        )
        return EXIT_USAGE

    # With another platform on and no terminal (a service), the console would end at once on
    # end of input and take the bot down with it: run as a service instead.
    other_platform = config.telegram.enabled or config.discord.enabled
    use_console = config.console.enabled and (not other_platform or sys.stdin.isatty())

    async def run() -> int:
        stop = asyncio.Event()
        if not use_console:
            # Installed first, so a stop during start-up is a clean stop too.
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
        app = BotApp(config, clock=SystemClock())
        runners: list[TelegramRunner | DiscordRunner] = []
        try:
            await app.db.migrate()
            if config.telegram.enabled:
                from bot.adapters.telegram.runner import TelegramRunner, TokenRejected

                runner = TelegramRunner(
                    config.telegram,
                    token,
                    app.services,
                    app.dispatcher.dispatch,
                    webhook_secret=os.environ.get("TELEGRAM_WEBHOOK_SECRET", ""),
                )
                try:
                    await runner.start()
                except TokenRejected as exc:
                    print(str(exc), file=sys.stderr)
                    return EXIT_USAGE
                runners.append(runner)
            if config.discord.enabled:
                from bot.adapters.discord.runner import DiscordRunner
                from bot.adapters.discord.runner import TokenRejected as DiscordTokenRejected

                discord_runner = DiscordRunner(
                    config.discord, discord_token, app.services, app.dispatcher.dispatch
                )
                try:
                    await discord_runner.start()
                except DiscordTokenRejected as exc:
                    print(str(exc), file=sys.stderr)
                    return EXIT_USAGE
                runners.append(discord_runner)
            await app.start()
            if use_console:
                await run_console(app)
            else:
                await stop.wait()
            return EXIT_OK
        finally:
            for started in runners:
                await started.stop()
            await app.close()

    return asyncio.run(run())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
