"""``community-bot rules test``: what moderation decides for a message."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.clitools import EXIT_OK, EXIT_USAGE, SubCommands, config_option
from bot.config import Config
from cogs.moderation.rules import RulesError, load_rules
from cogs.moderation.service import verdict_of


def add_commands(commands: SubCommands) -> None:
    rules = commands.add_parser("rules", help="try the moderation rules")
    actions = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    test = actions.add_parser(
        "test",
        help="show what moderation decides for a message",
        description=(
            "Show the verdict for TEXT: matched list, entry, action and the normalized form."
        ),
    )
    test.add_argument("text", help="the message to test")
    test.add_argument(
        "--rules",
        type=Path,
        help="rules folder, list folder or list file (default: [content] rules of the config)",
    )
    test.add_argument("--json", action="store_true", help="print one JSON object")
    config_option(test)
    test.set_defaults(handler=rules_test)


def rules_test(config: Config, args: argparse.Namespace) -> int:
    folder: Path = args.rules or config.rules_dir
    try:
        rules = load_rules(folder, strict=False)
    except RulesError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    scan = rules.matcher.scan(args.text)
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
    if args.json:
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
