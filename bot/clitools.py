"""What feature CLI subcommands share with ``bot.cli``: exit codes and the ``--config`` flag."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TypeAlias

from bot.core.clock import SystemClock
from bot.storage.database import Database

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

CONFIG_HELP = "config file (default: config.toml if it exists, else config.example.toml)"

SubCommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What ``add_subparsers`` returns; features add their commands to it."""


SET_HELP = (
    "change one config key for this run, e.g. --set discord.shard_ids=[2,3] (the value is"
    " TOML; repeatable): one config file for several processes that differ in a key or two"
)


def config_option(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Accept ``--config FILE`` and ``--set KEY=VALUE`` after the command name too."""
    parser.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=CONFIG_HELP)
    parser.add_argument("--set", action="append", metavar="SECTION.KEY=VALUE",
                        default=argparse.SUPPRESS, help=SET_HELP)  # fmt: skip
    return parser


def database_option(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--database", help="database file or URL (default: from the config)")
    return parser


async def database_now(db: Database, otherwise: datetime | None = None) -> datetime:
    """Now for a reader of a database: where the simulation that wrote it stopped (its
    clock is the truth), else ``otherwise`` (default: the wall clock)."""
    from bot.adapters.console.simulate import CLOCK_KEY  # the console's own bookkeeping

    simulated = await db.get_meta(CLOCK_KEY)
    if simulated:
        return datetime.fromisoformat(simulated)
    return otherwise if otherwise is not None else SystemClock().now()


def database_url(configured: str, given: str | None) -> str:
    """``--database`` as a SQLAlchemy URL (a bare path is a SQLite file), else the config's."""
    if given is None:
        return configured
    return given if "://" in given else f"sqlite+aiosqlite:///{given}"
