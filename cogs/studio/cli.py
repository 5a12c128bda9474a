"""``community-bot post check FILE...``: the pre-publication checklist from a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.clitools import EXIT_OK, EXIT_USAGE, SubCommands, config_option
from bot.config import Config
from bot.i18n import translator
from cogs.studio.checklist import blocked, check
from cogs.studio.draft import DraftError, parse_post
from cogs.studio.posts import render_findings
from cogs.studio.settings import StudioSettings


def add(commands: SubCommands) -> None:
    post = commands.add_parser("post", help="posts: the checklist before publishing")
    actions = post.add_subparsers(dest="post_command", metavar="ACTION", required=True)
    checking = actions.add_parser(
        "check", help="run the checklist on post files (exit 2 when an item blocks)"
    )
    checking.add_argument("files", nargs="+", type=Path, metavar="FILE")
    config_option(checking)
    checking.set_defaults(handler=run)


def run(config: Config, args: argparse.Namespace) -> int:
    settings = config.section("studio", StudioSettings)
    t = translator(config.community.locale)
    worst = EXIT_OK
    for path in args.files:
        try:
            post = parse_post(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}: cannot read: {exc}", file=sys.stderr)
            worst = EXIT_USAGE
            continue
        except DraftError as exc:
            print(f"{path}:{exc}", file=sys.stderr)
            worst = EXIT_USAGE
            continue
        findings = check(post, settings)
        verdict = "blocked" if blocked(findings) else ("warnings" if findings else "ok")
        print(f"{path}: {verdict}")
        if findings:
            print("  " + render_findings(t, findings).replace("\n", "\n  "))
        if blocked(findings):
            worst = EXIT_USAGE
    return worst
