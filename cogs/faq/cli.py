"""``community-bot faq ask``, ``faq eval`` and ``faq misses``: the FAQ from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clitools import (
    EXIT_OK,
    EXIT_USAGE,
    SubCommands,
    config_option,
    database_option,
    database_url,
)
from bot.config import Config
from bot.core.ids import CommunityRef
from bot.storage.database import Database, require_existing
from bot.storage.eventlog import communities
from cogs.faq import evaluation, review
from cogs.faq.entries import FaqLibrary
from cogs.faq.matcher import Decision, FaqIndex, MatcherKind, Thresholds
from cogs.faq.service import language_of
from cogs.faq.settings import FaqSettings


def build_index(folder: Path, matcher: MatcherKind) -> FaqIndex | None:
    """The index of a folder; problems go to stderr (broken files are left out)."""
    if not folder.is_dir():
        print(f"{folder}: the FAQ folder does not exist", file=sys.stderr)
        return None
    library = FaqLibrary(folder)
    result = library.reload(force=True)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if result.problems:
        print(f"{len(result.problems)} problem(s); those files are left out", file=sys.stderr)
    return FaqIndex(result.entries, matcher)


def ask(text: str, folder: Path, settings: FaqSettings, *, as_json: bool) -> int:
    index = build_index(folder, settings.matcher)
    if index is None:
        return EXIT_USAGE
    thresholds = Thresholds(settings.answer_threshold, settings.suggest_threshold)
    match = index.decide(text, thresholds)
    best = match.candidates[0] if match.candidates else (None, 0.0)
    entry = index.entry(match.entry_id, language_of(text)) if match.entry_id else None
    result: dict[str, Any] = {
        "id": match.entry_id,
        "score": match.confidence,
        "decision": match.decision.value,
        "title": entry.title if entry else None,
        "question": match.is_question,
        "best": best[0],
        "candidates": [{"id": c, "score": s} for c, s in match.candidates],
        "answered": match.entry_id if match.decision is Decision.ANSWER else None,
        "offered": list(match.offered(thresholds.suggest)),
        "close_call": match.close_call,
        "matcher": index.kind,
        "thresholds": {"answer": thresholds.answer, "suggest": thresholds.suggest},
    }
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return EXIT_OK
    print(f"decision:   {match.decision.value}")
    print(f"entry:      {match.entry_id or '-'}{f' ({entry.title})' if entry else ''}")
    print(f"confidence: {match.confidence:.3f}", end="")
    print(f"  (answer >= {thresholds.answer}, suggest >= {thresholds.suggest})")
    if not match.is_question:
        print("question:   no (not a question or a request for help: the bot stays silent)")
    if match.close_call:
        print("close call: the runner-up is nearly as close, so both are offered")
    offered = match.offered(thresholds.suggest)
    if offered:
        print(f"offered:    {', '.join(offered)}")
    for candidate, score in match.candidates:
        print(f"candidate:  {candidate} {score:.3f}")
    print(f"matcher:    {index.kind}")
    return EXIT_OK


@dataclass(frozen=True, slots=True)
class Labelled:
    text: str
    expect: str | None


def read_labelled(path: Path) -> tuple[list[Labelled], list[str]]:
    """Rows of a JSON-lines file; problems as ``file:line: problem``."""
    rows: list[Labelled] = []
    problems: list[str] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: cannot read: {exc}"]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{number}: not JSON: {exc.msg}")
            continue
        if not isinstance(value, dict) or not isinstance(value.get("text"), str):
            problems.append(f'{path}:{number}: expected {{"text": "...", "expect": id or null}}')
            continue
        expect = value.get("expect")
        if expect is not None and not isinstance(expect, str):
            problems.append(f"{path}:{number}: 'expect' must be an entry id or null")
            continue
        rows.append(Labelled(value["text"], expect))
    return rows, problems


def evaluate(path: Path, folder: Path, settings: FaqSettings, *, as_json: bool) -> int:
    rows, problems = read_labelled(path)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems or not rows:
        if not rows:
            print(f"{path}: no labelled rows", file=sys.stderr)
        return EXIT_USAGE
    index = build_index(folder, settings.matcher)
    if index is None:
        return EXIT_USAGE
    thresholds = Thresholds(settings.answer_threshold, settings.suggest_threshold)
    unknown = sorted({r.expect for r in rows if r.expect and r.expect not in index.versions})
    if unknown:
        print(f"warning: expected ids not in the FAQ: {', '.join(unknown)}", file=sys.stderr)
    outcomes = evaluation.run_rows(index, [(r.text, r.expect) for r in rows], thresholds)
    result = evaluation.summary(outcomes)
    mixed = evaluation.confusions(outcomes)
    if as_json:
        result |= {
            "matcher": index.kind,
            "thresholds": {"answer": thresholds.answer, "suggest": thresholds.suggest},
            "confusions": [{"expected": a, "got": b, "count": c} for a, b, c in mixed],
            "rows": [evaluation.row_json(row) for row in outcomes],
        }
        print(json.dumps(result, ensure_ascii=False))
        return EXIT_OK
    print(f"matcher:                  {index.kind} ({len(index)} entries)")
    labels = {
        "top1_accuracy": "top-1 accuracy", "top2_accuracy": "top-2 accuracy",
        "answered_right": "answered right", "answered_wrong": "answered wrong",
        "offered_right": "right entry offered",
        "answered_or_offered_right": "right answered or offered",
        "silent_on_questions": "silent on questions",
        "not_seen_as_question": "not seen as a question",
        "false_answer_rate": "off-topic answered", "false_suggestion_rate": "off-topic offered",
    }  # fmt: skip
    print(f"questions / off-topic:    {result['questions']} / {result['off_topic']}")
    for key, label in labels.items():
        if result[key] is not None:
            print(f"{label + ':':<26}{result[key]:.3f}")
    for expected, got, count in mixed:
        print(f"confused: {expected} -> {got} ({count})")
    for row in outcomes:
        if row.answered != row.expect and (row.expect or row.decision != "silent"):
            got = row.answered or ", ".join(row.offered) or "-"
            print(f"miss: {row.text!r}: expected {row.expect or 'silence'}, got {got}"
                  f" ({row.decision} {row.confidence:.2f})")  # fmt: skip
    return EXIT_OK


def list_misses(
    config: Config, args: argparse.Namespace, folder: Path, settings: FaqSettings
) -> int:
    if not 1 <= args.days <= 3650:
        print("--days must be between 1 and 3650", file=sys.stderr)
        return EXIT_USAGE
    url = database_url(config.database_url(), args.database)
    require_existing(url)
    index = build_index(folder, settings.matcher)

    async def collect() -> list[tuple[str, review.Miss]]:
        db = Database(url)
        try:
            await db.migrate()
            since = datetime.now(UTC) - timedelta(days=args.days)
            wanted = [CommunityRef.parse(args.community)] if args.community else None
            targets = wanted or await communities(db, since)
            found = []
            for target in targets:
                for miss in review.with_suggestions(await review.misses(db, target, since), index):
                    found.append((str(target), miss))
            return found
        finally:
            await db.close()

    try:
        found = asyncio.run(collect())
    except ValueError as exc:
        print(f"--community: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps([
            {"community": community, "id": m.answer_id, "kind": m.kind, "text": m.text,
             "asked_at": m.asked_at.isoformat(), "entry": m.entry, "suggested": m.suggested}
            for community, m in found
        ], ensure_ascii=False))  # fmt: skip
        return EXIT_OK
    if not found:
        print(f"no misses in the last {args.days} days")
    for community, miss in found:
        where = f" -> {miss.suggested}" if miss.suggested else ""
        print(f"{community} #{miss.answer_id} {miss.kind:<10} {miss.text!r}{where}")
    return EXIT_OK


def add_commands(commands: SubCommands) -> None:
    faq = commands.add_parser("faq", help="try the FAQ matcher")
    actions = faq.add_subparsers(dest="faq_command", metavar="ACTION", required=True)
    ask_parser = actions.add_parser(
        "ask",
        help="show which FAQ entry answers TEXT",
        description="Show the chosen entry, its confidence and the decision for TEXT.",
    )
    ask_parser.add_argument("text", help="the member's message")
    eval_parser = actions.add_parser(
        "eval",
        help="measure the matcher on a labelled file",
        description=(
            'Run FILE (JSON lines {"text": ..., "expect": entry id or null}) and print top-1'
            " accuracy and the false-answer rate."
        ),
    )
    eval_parser.add_argument("file", type=Path, help="the labelled JSON-lines file")
    misses_parser = actions.add_parser(
        "misses",
        help="the questions the FAQ missed, with the entry each would be added to",
        description=(
            "List questions the FAQ stayed silent on, answered with a 👎, or that a member"
            " answered by picking a suggestion, newest first, each with the entry its words"
            " would be added to (add them with /faq misses in the chat, or by hand)."
        ),
    )
    misses_parser.add_argument("--days", type=int, default=30, help="how far back (default 30)")
    misses_parser.add_argument("--community", help="platform:id (default: every community)")
    database_option(misses_parser)
    for parser in (ask_parser, eval_parser, misses_parser):
        parser.add_argument("--faq", type=Path, help="FAQ folder (default: [content] faq)")
        parser.add_argument(
            "--matcher", choices=("auto", "lexical", "semantic"), help="default: [faq] matcher"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        config_option(parser)
        parser.set_defaults(handler=run)


def run(config: Config, args: argparse.Namespace) -> int:
    settings = config.section("faq", FaqSettings)
    if args.matcher:
        settings = settings.model_copy(update={"matcher": args.matcher})
    folder = args.faq or config.faq_dir
    try:
        if args.faq_command == "ask":
            return ask(args.text, folder, settings, as_json=args.json)
        if args.faq_command == "misses":
            return list_misses(config, args, folder, settings)
        return evaluate(args.file, folder, settings, as_json=args.json)
    except RuntimeError as exc:
        print(f"faq: {exc}", file=sys.stderr)
        return EXIT_USAGE
