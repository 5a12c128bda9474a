"""``community-bot post check FILE...`` (the pre-publication checklist from a terminal) and
``community-bot setup`` (the 60-day rollout per community)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.clitools import EXIT_OK, EXIT_USAGE, SubCommands, config_option
from bot.config import Config
from bot.core.ids import CommunityRef
from bot.i18n import translator
from cogs.studio.checklist import blocked, check
from cogs.studio.draft import DraftError, parse_post
from cogs.studio.posts import render_findings
from cogs.studio.rhythm import setup_text
from cogs.studio.rollout import rollout
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
    setup = commands.add_parser("setup", help="the 60-day rollout: what each community has")
    setup.add_argument("--community", help="platform:id (default: every one the config names)")
    config_option(setup)
    setup.set_defaults(handler=run_setup)


def run_setup(config: Config, args: argparse.Namespace) -> int:
    t = translator(config.community.locale)
    try:
        targets = [CommunityRef.parse(args.community)] if args.community else communities(config)
    except ValueError as exc:
        print(f"setup: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not targets:
        print("setup: the config names no community yet; give --community platform:id",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    for community in targets:
        print(f"{community}:")
        print("  " + setup_text(t, rollout(config, community)).replace("\n", "\n  "))
    return EXIT_OK


def communities(config: Config) -> list[CommunityRef]:
    """Every community a feature section names (as keys of its per-community settings)."""
    found: dict[str, CommunityRef] = {}
    for name in config.features.enabled:
        section = getattr(config, name, None)
        for value in vars(section).values() if section is not None else ():
            if isinstance(value, dict):
                for key in value:
                    if isinstance(key, CommunityRef):
                        found[str(key)] = key
    return sorted(found.values(), key=str)


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
