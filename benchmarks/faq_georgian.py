"""The FAQ on Georgian questions: answered right, suggested, wrong, and off-topic Georgian chat
answered or offered suggestions — under the shipped rules for scripts the calibration has no
examples of (a wider runner-up margin and a least lead over the median entry), without the
lead, and under the English/Russian rules, in the same run.

Usage: python -m benchmarks.faq_georgian

``benchmarks/data/faq_ka_tune.jsonl`` (28 paraphrases, 20 off-topic) is what the lead was
fitted on; ``benchmarks/data/faq_ka_heldout.jsonl`` (25 questions for 25 entries, 15 off-topic)
was written before and never tuned on; ``faq_ka_latin_heldout.jsonl`` (15 questions, 10
off-topic lines, Georgian typed in Latin letters) was written after the Latin reading was built
and never tuned on. The semantic matcher, the shipped FAQ, the example
config's thresholds.
"""

from __future__ import annotations

import json
from pathlib import Path
from unittest.mock import patch

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


RULES = {
    "shipped (wider margin, lead)": (faq_matcher.UNCALIBRATED_FACTOR, None),
    "without the lead": (faq_matcher.UNCALIBRATED_FACTOR, 0.0),
    "baseline (en/ru rules)": (1.0, 0.0),
}


def main() -> None:
    library = FaqLibrary(ROOT / "faq")
    entries = library.reload(force=True).entries
    settings = FaqSettings()
    thresholds = Thresholds(settings.answer_threshold, settings.suggest_threshold)
    index = FaqIndex(entries, "semantic")
    factor, lead = faq_matcher.UNCALIBRATED_FACTOR, dict(faq_matcher.UNCALIBRATED_LEAD)
    for name in ("tune", "heldout"):
        path = ROOT / f"benchmarks/data/faq_ka_{name}.jsonl"
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
        print(f"{path.name}:")
        for rule, (wider, least_lead) in RULES.items():
            faq_matcher.UNCALIBRATED_FACTOR = wider
            if least_lead is not None:
                faq_matcher.UNCALIBRATED_LEAD["semantic"] = least_lead
            try:
                print(f"  {rule:29s} {run(index, rows, thresholds)}")
            finally:
                faq_matcher.UNCALIBRATED_FACTOR = factor
                faq_matcher.UNCALIBRATED_LEAD.update(lead)

    latin(index, thresholds)


def latin(index: FaqIndex, thresholds: Thresholds) -> None:
    """Georgian typed in Latin letters, read in Georgian letters (shipped) or as it is."""
    path = ROOT / "benchmarks/data/faq_ka_latin_heldout.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    print(f"{path.name}:")
    print(f"  {'read in Georgian letters':29s} {run(index, rows, thresholds)}")
    with patch.object(faq_matcher, "looks_georgian", lambda text: False):
        print(f"  {'read as Latin (baseline)':29s} {run(index, rows, thresholds)}")


if __name__ == "__main__":
    main()
