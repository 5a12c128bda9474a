"""The ``community-bot`` command line: run, simulate, check."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import __version__
from bot.config import Config, ConfigError, default_config_path, load_config
from bot.content import ContentError
from bot.storage.database import StorageError

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

    problems = check_content(rules, faq)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return EXIT_USAGE
    print(f"config {config.source}: ok; {rules}/: ok; {faq}/: ok")
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
    from bot.adapters.console.repl import run_console
    from bot.app import BotApp
    from bot.core.clock import SystemClock

    if not config.console.enabled:
        print("no platform is enabled: set [console] enabled = true", file=sys.stderr)
        return EXIT_USAGE

    async def run() -> None:
        app = BotApp(config, clock=SystemClock())
        try:
            await app.start()
            await run_console(app)
        finally:
            await app.close()

    asyncio.run(run())
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
