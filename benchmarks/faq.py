"""FAQ matching: accuracy on a labelled set, false answers, latency, index build time, memory.

Usage: python benchmarks/faq.py [--matcher lexical|semantic|all] [--distractors N] [--queries N]

Data: the shipped ``faq/`` (28 entries, English and Russian phrasings) and
``benchmarks/data/faq_eval.jsonl`` (3 paraphrases per entry, 2 English + 1 Russian, written apart
from the FAQ's own phrasings; 36 chat messages and off-topic questions in both languages that must
not be answered). Latency at 500 entries adds synthetic distractor entries (seed 7) built from
templates, like the research set. The baseline is rapidfuzz ``token_set_ratio`` against the same
phrasings (best phrasing per entry), measured in the same run; its threshold is the lowest that
keeps off-topic answers at or under 5 % on this data (an optimistic choice for the baseline).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cogs.faq import semantic  # noqa: E402
from cogs.faq.entries import FaqEntry, FaqLibrary  # noqa: E402
from cogs.faq.language import looks_like_question  # noqa: E402
from cogs.faq.matcher import Decision, FaqIndex, Thresholds  # noqa: E402

SUBJECTS = """
invoice export dashboard widget calendar backup webhook theme avatar badge playlist
tournament leaderboard subscription coupon shipment warehouse printer scanner firmware
router plugin template sticker emoji banner schedule reminder newsletter archive
""".split()  # noqa: SIM905
VERBS = [
    "change",
    "cancel",
    "share",
    "rename",
    "export",
    "import",
    "download",
    "upload",
    "reset",
    "pin",
    "hide",
    "sync",
]
TEMPLATES = (
    "How do I {verb} my {subject}?",
    "Where can I {verb} the {subject}?",
    "Why can't I {verb} a {subject}?",
    "Как {verb_ru} {subject}?",
)
VERBS_RU = [
    "изменить",
    "отменить",
    "удалить",
    "скачать",
    "загрузить",
    "сбросить",
    "закрепить",
    "скрыть",
]


def distractors(count: int) -> list[FaqEntry]:
    """Plausible but unrelated entries, so the big index is not trivially easy."""
    rng = random.Random(7)
    entries = []
    for number in range(count):
        subject = rng.choice(SUBJECTS)
        questions = tuple(
            rng.choice(TEMPLATES).format(
                verb=rng.choice(VERBS), subject=subject, verb_ru=rng.choice(VERBS_RU)
            )
            for _ in range(3)
        )
        entries.append(
            FaqEntry(
                id=f"synthetic-{number}",
                questions=questions,
                answer=f"Open Settings → {subject.title()} and follow the steps (#{number}).",
            )
        )
    return entries


@dataclass
class Outcome:
    top1: float
    answered_right: float
    answered_wrong: float
    offtopic_answered: float
    offtopic_suggested: float
    responded_right: float


def evaluate(
    predict: Callable[[str], tuple[str | None, Decision, str | None]],
    rows: list[dict[str, str | None]],
) -> Outcome:
    """``predict`` returns (chosen id or None, decision, top-1 id regardless of threshold)."""
    inside = [r for r in rows if r["expect"]]
    outside = [r for r in rows if not r["expect"]]
    top1 = right = wrong = responded = 0
    for row in inside:
        chosen, decision, best = predict(str(row["text"]))
        top1 += best == row["expect"]
        if decision is Decision.ANSWER:
            right += chosen == row["expect"]
            wrong += chosen != row["expect"]
        if decision is not Decision.SILENT and chosen == row["expect"]:
            responded += 1
    answered = suggested = 0
    for row in outside:
        _, decision, _ = predict(str(row["text"]))
        answered += decision is Decision.ANSWER
        suggested += decision is Decision.SUGGEST
    n, m = len(inside), len(outside)
    return Outcome(
        top1 / n, right / n, wrong / n, answered / m, (answered + suggested) / m, responded / n
    )


def latency_ms(
    search: Callable[[str], object], queries: list[str], repeat: int
) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        for query in queries:
            # Every query is new to the matcher: the cache of recent questions would otherwise
            # time a dictionary lookup from the second pass on.
            semantic.forget_queries()
            started = time.perf_counter()
            search(query)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def rapidfuzz_predictor(
    entries: list[FaqEntry], threshold: float
) -> Callable[[str], tuple[str | None, Decision, str | None]]:
    from rapidfuzz import fuzz, process

    choices = [q for e in entries for q in e.questions]
    owners = [e.id for e in entries for _ in e.questions]

    def predict(text: str) -> tuple[str | None, Decision, str | None]:
        found = process.extractOne(text, choices, scorer=fuzz.token_set_ratio)
        best, score = owners[found[2]], float(found[1])
        if looks_like_question(text) and score >= threshold:
            return best, Decision.ANSWER, best
        return None, Decision.SILENT, best

    return predict


def baseline_threshold(entries: list[FaqEntry], rows: list[dict[str, str | None]]) -> float:
    """The lowest rapidfuzz score that keeps off-topic answers at or under 5 %."""
    for threshold in range(40, 101):
        predict = rapidfuzz_predictor(entries, threshold)
        if evaluate(predict, rows).offtopic_answered <= 0.05:
            return float(threshold)
    return 100.0


def index_predictor(
    index: FaqIndex, thresholds: Thresholds
) -> Callable[[str], tuple[str | None, Decision, str | None]]:
    def predict(text: str) -> tuple[str | None, Decision, str | None]:
        match = index.decide(text, thresholds)
        best = index.search(text, 1)
        return match.entry_id, match.decision, best[0][0] if best else None

    return predict


@dataclass
class Measured:
    outcome: Outcome
    large_outcome: Outcome
    small_ms: tuple[float, float]
    large_ms: tuple[float, float]
    build_small: float
    build_large: float
    rebuild_large: float
    memory: int


def measure(
    kind: str, entries: list[FaqEntry], big: list[FaqEntry], rows: list[dict[str, str | None]]
) -> Measured:
    thresholds = Thresholds()
    sample = [str(r["text"]) for r in rows][:60]
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    index = FaqIndex(entries, kind)  # type: ignore[arg-type]
    build_small = time.perf_counter() - started
    memory = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    started = time.perf_counter()
    large = FaqIndex(big, kind)  # type: ignore[arg-type]
    build_large = time.perf_counter() - started
    semantic._cache.clear()  # a restart: only the on-disk embedding cache is left
    started = time.perf_counter()
    FaqIndex(big, kind)  # type: ignore[arg-type]
    rebuild_large = time.perf_counter() - started
    return Measured(
        outcome=evaluate(index_predictor(index, thresholds), rows),
        large_outcome=evaluate(index_predictor(large, thresholds), rows),
        small_ms=latency_ms(lambda q: index.decide(q, thresholds), sample, 3),
        large_ms=latency_ms(lambda q: large.decide(q, thresholds), sample, 3),
        build_small=build_small,
        build_large=build_large,
        rebuild_large=rebuild_large,
        memory=memory,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--matcher", choices=("lexical", "semantic", "all"), default="all")
    parser.add_argument("--distractors", type=int, default=472, help="extra entries (500 total)")
    parser.add_argument("--queries", type=int, default=0, help="only the first N labelled rows")
    args = parser.parse_args()
    # A cold embedding cache: the build times below are a first start's.
    os.environ["COMMUNITY_BOT_CACHE"] = tempfile.mkdtemp(prefix="faq-bench-cache-")

    library = FaqLibrary(ROOT / "faq")
    entries = library.reload(force=True).entries
    if library.problems:
        raise SystemExit("\n".join(library.problems))
    data = ROOT / "benchmarks/data/faq_eval.jsonl"
    rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line]
    if args.queries:
        rows = rows[: args.queries] + [r for r in rows if not r["expect"]][:10]
    entry_count = len({e.id for e in entries})
    inside = sum(1 for r in rows if r["expect"])
    print(f"FAQ: {entry_count} entries; {inside} paraphrases (EN+RU),", end=" ")
    print(f"{len(rows) - inside} must-not-answer messages")
    big = entries + distractors(args.distractors)
    sample = [str(r["text"]) for r in rows][:60]

    threshold = baseline_threshold(entries, rows)
    base = evaluate(rapidfuzz_predictor(entries, threshold), rows)
    from rapidfuzz import fuzz, process

    choices = [q for e in big for q in e.questions]
    base_ms = latency_ms(
        lambda q: process.extractOne(q, choices, scorer=fuzz.token_set_ratio), sample, 3
    )
    print(
        f"{'matcher':<28}{'top-1':>7}{'answered right':>16}{'wrong':>7}"
        f"{'off-topic answered':>20}{'+suggested':>12}{'ms/query @500 (p50/p95)':>26}"
    )
    print(
        f"{'rapidfuzz token_set (base)':<28}{base.top1:>7.3f}{base.answered_right:>16.3f}"
        f"{base.answered_wrong:>7.3f}{base.offtopic_answered:>20.3f}{base.offtopic_answered:>12.3f}"
        f"{base_ms[0]:>17.2f} / {base_ms[1]:.2f}"
    )
    kinds = ["lexical", "semantic"] if args.matcher == "all" else [args.matcher]
    if "semantic" in kinds and not semantic.available():
        print("semantic: skipped (install the 'semantic' extra)")
        kinds.remove("semantic")
    results = {kind: measure(kind, entries, big, rows) for kind in kinds}
    for kind, m in results.items():
        o = m.outcome
        print(
            f"{kind:<28}{o.top1:>7.3f}{o.answered_right:>16.3f}{o.answered_wrong:>7.3f}"
            f"{o.offtopic_answered:>20.3f}{o.offtopic_suggested:>12.3f}"
            f"{m.large_ms[0]:>17.2f} / {m.large_ms[1]:.2f}"
        )
    print()
    total = len({e.id for e in big})
    for kind, m in results.items():
        o = m.outcome
        print(f"{kind}: right entry answered or suggested {o.responded_right:.3f};", end=" ")
        print(f"top-1 among {total} entries {m.large_outcome.top1:.3f}")
        print(f"{kind}: per query {m.small_ms[0]:.2f} ms at {entry_count} entries,", end=" ")
        print(f"{m.large_ms[0]:.2f} ms at {total} entries (median)")
        print(f"{kind}: index build {m.build_small * 1000:.0f} ms", end=" ")
        print(f"({entry_count} entries),", end=" ")
        print(f"{m.build_large * 1000:.0f} ms ({total} entries);", end=" ")
        print(f"after a restart {m.rebuild_large * 1000:.0f} ms (embeddings cached on disk)")
        print(f"{kind}: peak traced memory of the {entry_count}-entry build", end=" ")
        print(f"{m.memory / 2**20:.1f} MiB")
        accurate = o.top1 >= 0.90 and o.offtopic_answered <= 0.05
        fast = m.large_ms[0] <= 10
        print(f"{kind}: goal top-1 >= 0.90 with <= 5 % off-topic answered:", end=" ")
        print("met" if accurate else "not met", end="; ")
        print(f"<= 10 ms at 500: {'met' if fast else 'not met'}")
        print(f"{kind}: vs baseline: top-1 {o.top1 - base.top1:+.3f},", end=" ")
        print(f"answered right {o.answered_right - base.answered_right:+.3f}")
    print(f"baseline threshold (<= 5 % off-topic on this data): {threshold:.0f}")
    for kind in kinds:
        external(kind)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (all matchers loaded, model included): {peak:.0f} MiB")


FINTECH = ROOT / "benchmarks/data/faq_fintech"
"""An external-style set: 20 entries of a fintech community written apart from the shipped FAQ,
with confusable pairs (freeze-card / account-blocked, change-pin / forgot-pin, transfer-pending
/ transfer-failed, card-declined / card-delivery), and 120 member messages in English, Russian
and Spanish (requests without question words, problem reports) plus 40 chat and off-topic
lines in five languages, split in two: the margin and the request cues were fitted on
``faq_fintech_tune.jsonl`` only; ``faq_fintech_heldout.jsonl`` (English, as the split fell) was
never tuned on, nor ``faq_fintech_heldout_multilingual.jsonl`` (30 requests in Russian,
Spanish, German, French and Portuguese and 10 chat lines, written after the tuning)."""
GOALS = (  # issue #16, on the held-out set
    ("answered_wrong", "<=", 0.02), ("false_answer_rate", "<=", 0.01),
    ("answered_right", ">=", 0.60), ("answered_or_offered_right", ">=", 0.90),
    ("false_suggestion_rate", "<=", 0.08),
)  # fmt: skip


def external(kind: str) -> None:
    from cogs.faq.evaluation import run_rows, summary

    entries = FaqLibrary(FINTECH).reload(force=True).entries
    index = FaqIndex(entries, kind)  # type: ignore[arg-type]
    thresholds = Thresholds()
    print(f"\n{kind} on the fintech set (20 entries, EN/RU/ES):")
    columns = ("answered_right", "answered_wrong", "offered_right", "answered_or_offered_right",
               "silent_on_questions", "false_answer_rate", "false_suggestion_rate")  # fmt: skip
    print(f"  {'set':<22}" + "".join(f"{c.replace('_', ' ')[:18]:>20}" for c in columns))
    held: dict[str, float | None] = {}
    for name in ("tune", "heldout", "heldout_multilingual"):
        path = ROOT / f"benchmarks/data/faq_fintech_{name}.jsonl"
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        result = summary(run_rows(index, [(r["text"], r["expect"]) for r in rows], thresholds))
        print(f"  {name[:22]:<22}" + "".join(f"{result[c]:>20.3f}" for c in columns))
        if name == "heldout":
            held = result
    for key, sense, goal in GOALS:
        value = held[key]
        met = value is not None and (value <= goal if sense == "<=" else value >= goal)
        verdict = "met" if met else "NOT met"
        print(f"  goal {key} {sense} {goal:.2f} (held-out): {value:.3f} {verdict}")
    chat = [
        json.loads(line)["text"]
        for line in (ROOT / "benchmarks/data/faq_fintech_heldout.jsonl")
        .read_text("utf-8")
        .splitlines()
    ]
    start = time.perf_counter()
    for _ in range(50):
        for text in chat:
            looks_like_question(text)
    per = (time.perf_counter() - start) / (50 * len(chat)) * 1e6
    print(f"  question check: {per:.0f} µs a message (the cost every chat line pays)")


if __name__ == "__main__":
    main()
