"""The FAQ on Georgian questions it was not tuned on: answered right, suggested, wrong, and
off-topic Georgian chat answered — with the wider margin for scripts the calibration has no
examples of, and without it (the baseline), in the same run.

Usage: python -m benchmarks.faq_georgian

``benchmarks/data/faq_ka_heldout.jsonl`` was written after the margin rule was set (from a dozen
other questions): 25 questions for 25 entries (three of which have Georgian versions; the rest
are matched across languages) and 15 off-topic lines. The semantic matcher, the shipped FAQ,
the example config's thresholds.
"""

from __future__ import annotations

import json
from pathlib import Path

from cogs.faq import matcher as faq_matcher
from cogs.faq.entries import FaqLibrary
from cogs.faq.matcher import Decision, FaqIndex, Thresholds
from cogs.faq.settings import FaqSettings

ROOT = Path(__file__).resolve().parent.parent


def run(index: FaqIndex, rows: list[dict[str, str | None]], thresholds: Thresholds) -> str:
    right = suggested = wrong = missed = silent = off_answered = off_suggested = 0
    for row in rows:
        match = index.decide(str(row["text"]), thresholds, require_question=False)
        expect = row["expect"]
        if expect is None:
            off_answered += match.decision is Decision.ANSWER
            off_suggested += match.decision is Decision.SUGGEST
        elif match.decision is Decision.ANSWER:
            right += match.entry_id == expect
            wrong += match.entry_id != expect
        elif match.decision is Decision.SUGGEST:
            offered = [entry for entry, _ in match.candidates[: faq_matcher.MAX_OFFERED]]
            suggested += expect in offered
            missed += expect not in offered
        else:
            silent += 1
    inside = sum(1 for r in rows if r["expect"])
    outside = len(rows) - inside
    return (f"answered right {right}/{inside}, ANSWERED WRONG {wrong}, right one suggested"
            f" {suggested}, others suggested {missed}, silent {silent}; off-topic answered"
            f" {off_answered}/{outside}, suggested {off_suggested}")  # fmt: skip


def main() -> None:
    library = FaqLibrary(ROOT / "faq")
    entries = library.reload(force=True).entries
    rows = [json.loads(line) for line in
            (ROOT / "benchmarks/data/faq_ka_heldout.jsonl").read_text("utf-8").splitlines()
            if line]  # fmt: skip
    settings = FaqSettings()
    thresholds = Thresholds(settings.answer_threshold, settings.suggest_threshold)
    index = FaqIndex(entries, "semantic")
    print(f"with the wider margin (x{faq_matcher.UNCALIBRATED_FACTOR:g}): "
          f"{run(index, rows, thresholds)}")  # fmt: skip
    factor = faq_matcher.UNCALIBRATED_FACTOR
    faq_matcher.UNCALIBRATED_FACTOR = 1.0
    try:
        print(f"baseline (the en/ru margin):   {run(index, rows, thresholds)}")
    finally:
        faq_matcher.UNCALIBRATED_FACTOR = factor


if __name__ == "__main__":
    main()
