"""The ``community-bot`` command line: run, simulate, check."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from bot import __version__
from bot.clitools import (
    CONFIG_HELP,
    EXIT_OK,
    EXIT_USAGE,
    SET_HELP,
    config_option,
    database_option,
    database_url,
)
from bot.config import Config, ConfigError, builtin_config, default_config_path, load_config
from bot.content import ContentError
from bot.core import redact
from bot.core.feature import CliHandler, Feature
from bot.core.unicode import valid_text
from bot.features import enabled_features
from bot.storage.database import StorageError, require_existing, storage_problem

if TYPE_CHECKING:
    from bot.adapters.discord.runner import DiscordRunner
    from bot.adapters.telegram.runner import TelegramRunner

AnyFeature = Feature[Any]


def build_parser(features: Sequence[type[AnyFeature]] = ()) -> argparse.ArgumentParser:
    """The core's commands plus those the given (enabled) features add."""
    parser = argparse.ArgumentParser(
        prog="community-bot",
        description="A community bot for Discord and Telegram: moderation, FAQ, polls, digests.",
    )
    parser.add_argument("--version", action="version", version=f"community-bot {__version__}")
    parser.add_argument("--config", type=Path, help=CONFIG_HELP)
    parser.add_argument("--set", action="append", metavar="SECTION.KEY=VALUE", help=SET_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def sub(name: str, help_text: str) -> argparse.ArgumentParser:
        return config_option(commands.add_parser(name, help=help_text, description=help_text))

    sub("run", "start the bot on the enabled platforms (the console by default)")
    from bot.adapters.console import script as script_language

    simulate = config_option(commands.add_parser(
        "simulate", help="run a script on the console platform with a simulated clock",
        description="Run a script on the console platform with a simulated clock.",
        epilog=script_language.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    ))  # fmt: skip
    simulate.add_argument("script", type=Path, help="the script file ('-' for standard input)")
    database_option(simulate)
    simulate.add_argument(
        "--start",
        help="simulated start time, ISO 8601 (without an offset: the community's time zone);"
        " default: now, or where the last simulation on this database stopped",
    )
    check = sub("check", "validate the config, rules/ and faq/; list every problem")
    check.add_argument("--rules", type=Path, help="rules folder (default: [content] rules)")
    check.add_argument("--faq", type=Path, help="FAQ folder (default: [content] faq)")
    check.add_argument(
        "--connect", action="store_true", help="also reach the database server [storage] names"
    )
    member = commands.add_parser("member", help="a member's data")
    member_commands = member.add_subparsers(dest="member_command", metavar="ACTION", required=True)
    forget = member_commands.add_parser(
        "forget",
        help="erase what every feature keeps about a member",
        description=(
            "Erase a member (PLATFORM:ID, e.g. telegram:123456789) from every community of that"
            " platform: the event log, the member directory and every feature's tables. The"
            " moderators' log keeps its cases about them without their name or words."
        ),
    )
    forget.add_argument("member", help="PLATFORM:ID")
    database_option(forget)
    config_option(forget)
    for feature in features:
        feature.add_cli(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Bytes that are not UTF-8 reach argv as lone surrogates, which no output can print.
    arguments = [valid_text(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--config", type=Path)
    early.add_argument("--set", action="append", default=[])
    known = early.parse_known_args(arguments)[0]
    given: Path | None = known.config
    config_path = given or default_config_path()
    try:
        if given is None and not config_path.exists():
            # Outside a checkout (an installed bot, `rules test --rules FILE` anywhere).
            print(f"note: no {config_path} here: built-in defaults, every feature on",
                  file=sys.stderr)  # fmt: skip
            config = builtin_config(known.set)
        else:
            config = load_config(config_path, known.set)
    except ConfigError as exc:
        build_parser().parse_known_args(arguments)  # --help and --version still work
        for problem in exc.problems:
            print(f"config error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    args = build_parser(enabled_features(config)).parse_args(arguments)
    logging.basicConfig(
        level=config.logging.level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    redact.install(
        os.environ.get(name, "").strip()
        for name in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET")
    )
    try:
        code = _dispatch(config, args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except StorageError as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SQLAlchemyError as exc:
        print(f"database error: {storage_problem(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`... | head -1`): stop quietly, and keep Python from
        # complaining again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in the content; nothing started", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_OK


def _dispatch(config: Config, args: argparse.Namespace) -> int:
    handler: CliHandler | None = getattr(args, "handler", None)
    if handler is not None:
        return handler(config, args)
    if args.command == "check":
        return _check(
            config, args.rules or config.rules_dir, args.faq or config.faq_dir, args.connect
        )
    if args.command == "member":
        return _forget(config, args.member, args.database)
    if args.command == "simulate":
        return _simulate(config, args.script, args.database, args.start)
    return _run(config)


def _check(config: Config, rules: Path, faq: Path, connect: bool = False) -> int:
    from bot.content import advise_content, check_content
    from bot.storage.database import check_storage

    quizzes: Path | None = config.quizzes_dir
    if "quizzes" not in config.content.model_fields_set and not config.quizzes_dir.is_dir():
        quizzes = None  # optional unless the config names it
    problems = check_content(enabled_features(config), rules, faq, quizzes)
    for feature in enabled_features(config):
        problems += feature.content_problems(config)
    storage = asyncio.run(check_storage(config.database_url(), connect=connect))
    problems += [f"[storage] database: {problem}" for problem in storage]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return EXIT_USAGE
    for advice in advise_content(enabled_features(config), [("rules", rules), ("faq", faq)]):
        print(f"warning: {advice}", file=sys.stderr)
    print(f"config {config.source}: ok; {rules}/: ok; {faq}/: ok")
    return EXIT_OK


def _forget(config: Config, key: str, database: str | None) -> int:
    from bot.app import BotApp
    from bot.core.clock import SystemClock
    from bot.core.ids import MemberRef, Platform

    platform, _, native = key.partition(":")
    if platform not in {p.value for p in Platform} or not native.strip():
        print(f"{key!r}: expected PLATFORM:ID, e.g. telegram:123456789", file=sys.stderr)
        return EXIT_USAGE
    member = MemberRef(Platform(platform), native.strip())
    url = database_url(config.database_url(), database)
    require_existing(url)

    async def run() -> dict[str, int]:
        app = BotApp(config, clock=SystemClock(), database_url=url)
        try:
            await app.db.migrate()
            return await app.forget_member(member)
        finally:
            await app.close()

    erased = asyncio.run(run())
    for part, rows in erased.items():
        print(f"{part}: {rows} row(s)")
    print(f"{key}: forgotten ({sum(erased.values())} rows erased or anonymised)")
    return EXIT_OK


def _simulate(config: Config, script: Path, database: str | None, start: str | None) -> int:
    from bot.adapters.console.script import ScriptErrors, parse_script
    from bot.adapters.console.simulate import StartTooEarly, simulate

    try:
        source = sys.stdin.read() if str(script) == "-" else script.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{script}: cannot read the script: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        steps = parse_script(source, config.console.channels)
    except ScriptErrors as exc:
        for error in exc.errors:
            print(f"{script}:{error}", file=sys.stderr)
        print(f"{len(exc.errors)} line(s) to fix; nothing ran", file=sys.stderr)
        return EXIT_USAGE
    if not steps:
        print(f"{script}: the script has no steps (one per line: 'alice: hello', '+bob',"
              " '~ 1h'; see `community-bot simulate --help`)", file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    start_at: datetime | None = None
    if start is not None:
        try:
            start_at = datetime.fromisoformat(start)
        except ValueError:
            print(f"--start {start!r}: expected ISO 8601, e.g. 2026-11-27T10:00", file=sys.stderr)
            return EXIT_USAGE
        if start_at.tzinfo is None:
            start_at = start_at.replace(tzinfo=config.community.timezone)
    url = database_url(config.database_url(), database) if database is not None else None

    def write(line: str) -> None:
        print(line, flush=True)

    try:
        asyncio.run(simulate(config, steps, write=write, start=start_at, database_url=url))
    except StartTooEarly as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _run(config: Config) -> int:
    import signal

    from bot.adapters.console.repl import connect_console, run_console
    from bot.app import BotApp
    from bot.core.clock import SystemClock
    from bot.health import HealthServer

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
    webhook_secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "").strip()
    if config.telegram.enabled and config.telegram.mode == "webhook":
        import re

        if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", webhook_secret):
            print(
                "[telegram] mode = 'webhook' needs TELEGRAM_WEBHOOK_SECRET: 16 to 256 letters,"
                " digits, '_' or '-' (Telegram sends it with every update; without it anyone"
                " who finds the URL could post fake updates)",
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
        health = HealthServer(config.health.listen) if config.health.listen else None
        try:
            if health is not None:
                health.checks["database"] = app.db.problem
                await health.start()
            await app.db.migrate()
            if config.telegram.enabled:
                from bot.adapters.telegram.runner import TelegramRunner, TokenRejected

                runner = TelegramRunner(
                    config.telegram,
                    token,
                    app.services,
                    app.dispatcher.dispatch,
                    webhook_secret=webhook_secret,
                )
                try:
                    await runner.start()
                except TokenRejected as exc:
                    print(redact.redact(str(exc)), file=sys.stderr)
                    return EXIT_USAGE
                runners.append(runner)
                if health is not None:
                    health.checks["telegram"] = runner.problem
            if config.discord.enabled:
                from bot.adapters.discord.runner import DiscordRunner
                from bot.adapters.discord.runner import TokenRejected as DiscordTokenRejected

                discord_runner = DiscordRunner(
                    config.discord, discord_token, app.services, app.dispatcher.dispatch
                )
                try:
                    await discord_runner.start()
                except DiscordTokenRejected as exc:
                    print(redact.redact(str(exc)), file=sys.stderr)
                    return EXIT_USAGE
                runners.append(discord_runner)
                if health is not None:
                    health.checks["discord"] = discord_runner.problem
            # Every platform is connected before overdue work runs, so it can post.
            console_platform = connect_console(app) if use_console else None
            await app.start()
            # What start-up built (modules, config, indexes) lives as long as the process:
            # moved out of the cyclic collector's sight, it is not traversed again on every
            # full collection (about a tenth of the per-message cost on chat traffic).
            gc.collect()
            gc.freeze()
            if health is not None:
                health.checks["scheduler"] = app.scheduler.problem
                health.phase = "running"
            if use_console:
                await run_console(app, console_platform)
            else:
                await stop.wait()
            return EXIT_OK
        finally:
            if health is not None:
                health.phase = "stopping"  # a balancer stops sending before we go
            for started in runners:
                await started.stop()
            await app.close()
            if health is not None:
                await health.stop()

    return asyncio.run(run())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
