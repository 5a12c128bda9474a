"""Measuring an FAQ on labelled messages: every row's outcome and the rates built from them.

A row is a message and the entry it should get (``None``: chat or off-topic, the bot must stay
silent). Each row is run through the bot's own decision (question check, confidence, the
runner-up margin, what is offered). The rates keep apart what members experience differently:
an entry answered right, an entry answered wrong, the right entry offered as a button,
silence, and for off-topic messages an answer or a suggestion they did not ask for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from cogs.faq.matcher import Decision, FaqIndex, Thresholds


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled message and what the bot did with it."""

    text: str
    expect: str | None
    decision: str
    answered: str | None
    offered: tuple[str, ...]
    confidence: float
    is_question: bool
    close_call: bool
    top: tuple[str, ...]
    """The three best entries whatever the decision (for top-1 / top-2 accuracy)."""


def run_rows(
    index: FaqIndex, rows: Sequence[tuple[str, str | None]], thresholds: Thresholds
) -> list[Row]:
    out = []
    for text, expect in rows:
        match = index.decide(text, thresholds)
        answered = match.entry_id if match.decision is Decision.ANSWER else None
        top = tuple(entry_id for entry_id, _ in index.search(text, 3))
        out.append(Row(text, expect, match.decision.value, answered,
                       match.offered(thresholds.suggest), match.confidence, match.is_question,
                       match.close_call, top))  # fmt: skip
    return out


def summary(rows: Sequence[Row]) -> dict[str, Any]:
    """The rates, each over the rows it is about (questions, or chat and off-topic)."""
    questions = [r for r in rows if r.expect]
    others = [r for r in rows if not r.expect]

    def share(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    n, m = len(questions), len(others)
    right = sum(r.answered == r.expect for r in questions)
    wrong = sum(r.answered is not None and r.answered != r.expect for r in questions)
    offered = sum(r.answered is None and r.expect in r.offered for r in questions)
    silent = sum(r.decision == Decision.SILENT.value for r in questions)
    return {
        "questions": n,
        "off_topic": m,
        "top1_accuracy": share(sum(bool(r.top) and r.top[0] == r.expect for r in questions), n),
        "top2_accuracy": share(sum(r.expect in r.top[:2] for r in questions), n),
        "answered_right": share(right, n),
        "answered_wrong": share(wrong, n),
        "offered_right": share(offered, n),
        "answered_or_offered_right": share(right + offered, n),
        "silent_on_questions": share(silent, n),
        "not_seen_as_question": share(sum(not r.is_question for r in questions), n),
        "false_answer_rate": share(sum(r.decision == Decision.ANSWER.value for r in others), m),
        "false_suggestion_rate": share(
            sum(r.decision == Decision.SUGGEST.value for r in others), m
        ),
        "close_calls": sum(r.close_call for r in rows),
    }


def confusions(rows: Sequence[Row]) -> list[tuple[str, str, int]]:
    """Entry pairs the bot mixed up (expected, answered or offered first, count), most first."""
    pairs: dict[tuple[str, str], int] = {}
    for row in rows:
        got = row.answered or (row.offered[0] if row.offered else None)
        if row.expect and got and got != row.expect:
            pairs[(row.expect, got)] = pairs.get((row.expect, got), 0) + 1
    return sorted(((a, b, c) for (a, b), c in pairs.items()), key=lambda p: (-p[2], p[0], p[1]))


def row_json(row: Row) -> dict[str, Any]:
    data = asdict(row)
    data["offered"] = list(row.offered)
    data["top"] = list(row.top)
    return data
