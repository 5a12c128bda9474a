"""Which FAQ entry a message asks for, with a calibrated confidence and a decision.

Raw similarity scores differ by matcher (E5 cosines sit between 0.75 and 0.95, TF-IDF cosines
between 0 and 1), so each matcher has a logistic calibration on the project's labelled set
(``benchmarks/data/faq_eval.jsonl``). The semantic one is fitted: its confidence approximates the
chance that the top entry is right. The lexical one is shifted to be as cautious at the same
thresholds (its fitted curve would suggest an entry for 44 % of off-topic messages at 0.2; this
one for 11 %). Thresholds in the config are confidences, the same for every matcher.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol

from bot.core.georgian_latin import looks_georgian, to_mkhedruli
from cogs.faq import semantic
from cogs.faq.entries import FaqEntry
from cogs.faq.language import looks_like_question
from cogs.faq.lexical import LexicalIndex

MatcherKind = Literal["auto", "lexical", "semantic"]


class Decision(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    SILENT = "silent"


@dataclass(frozen=True, slots=True)
class Calibration:
    """``confidence = 1 / (1 + exp(-slope * (raw - midpoint)))``."""

    slope: float
    midpoint: float

    def __call__(self, raw: float) -> float:
        return 1.0 / (1.0 + math.exp(-self.slope * (raw - self.midpoint)))


CALIBRATIONS = {
    "lexical": Calibration(slope=6.85, midpoint=0.53),
    "semantic": Calibration(slope=105.0, midpoint=0.855),
}


MARGINS = {"lexical": 0.06, "semantic": 0.012}
"""Raw-score gap the best entry needs over the runner-up to be answered: closer than this, the
two are offered side by side ("did you mean A or B?"). Fitted on the tune half of the fintech
set (``benchmarks/data/faq_fintech_tune.jsonl``) and the project's set, reported on the held-out
half: with E5 cosines, confusable entries sit within 0.005-0.015 of each other."""
UNCALIBRATED_FACTOR = 2.5
"""For a question in a script the calibration has no labelled examples of (anything but Latin
and Cyrillic: Georgian, Armenian, Arabic ...), the margin is this many times wider. Measured on
Georgian (a dozen hand-written questions, not a held-out set): the shipped model scores
unrelated Georgian questions 0.84-0.88 against the FAQ (English ones 0.77), so the calibrated
confidence is too sure there; the runner-up gap still separated them (off-topic 0.001-0.014,
paraphrases 0.038-0.065), so such questions are answered only with a clear lead and otherwise
offered as suggestions. A labelled set per language should replace this."""
UNCALIBRATED_LEAD = {"semantic": 0.035, "lexical": 0.0}
"""For such a question, the least lead of the best entry's raw score over the median entry's
before anything is answered or suggested. The shipped model scores every Georgian pair high
(unrelated ones 0.83-0.90), so the calibrated confidence offers "did you mean" for almost any
Georgian question (14 of 15 off-topic ones in the held-out set); an entry that really matches
stands out from the rest instead. Fitted on ``benchmarks/data/faq_ka_tune.jsonl`` (28
paraphrases, 20 off-topic; off-topic leads 0.011-0.050, paraphrases 0.023-0.086), reported on
the held-out set by ``benchmarks/faq_georgian.py``. The lexical matcher's scores for unrelated
text are low already."""
_CALIBRATED_LETTERS = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f\u0400-\u04ff]")
MAX_OFFERED = 2
"""Suggestions shown at most: the best and the runner-up."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    answer: float = 0.9
    suggest: float = 0.2


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome for one message: the chosen entry (None when silent) and the runners-up."""

    entry_id: str | None
    confidence: float
    decision: Decision
    candidates: tuple[tuple[str, float], ...]
    is_question: bool
    close_call: bool = False
    """The best entry was confident but the runner-up too close behind: both are offered."""

    def offered(self, suggest: float) -> tuple[str, ...]:
        """The entries worth a button: the best, and the runner-up when not far below the
        threshold (always, on a close call)."""
        if self.decision is not Decision.SUGGEST:
            return ()
        kept = [
            entry_id
            for n, (entry_id, confidence) in enumerate(self.candidates[:MAX_OFFERED])
            if n == 0 or self.close_call or confidence >= suggest * 0.6
        ]
        return tuple(kept)


class _Index(Protocol):
    name: str

    def scores(self, query: str) -> dict[str, float]: ...


MAX_QUESTION_CHARS = 500
"""What the FAQ reads of a message: a question is short, and a platform-maximum message
(4,096 characters on Telegram) must not cost the semantic model seconds."""


def resolve_kind(kind: MatcherKind) -> Literal["lexical", "semantic"]:
    """``auto`` is the semantic matcher when its extra is installed, else the lexical one."""
    if kind == "auto":
        return "semantic" if semantic.available() else "lexical"
    if kind == "semantic" and not semantic.available():
        raise RuntimeError(
            "the semantic FAQ matcher needs its extra: pip install 'community-bot[semantic]'"
        )
    return kind


def in_georgian_letters(text: str) -> str:
    """Georgian typed in Latin letters ("rogor aghvadgino paroli?") read in Georgian ones, so
    it meets the Georgian phrasings and the rules for Georgian; any other text unchanged."""
    return to_mkhedruli(text) if looks_georgian(text) else text


class FaqIndex:
    """An immutable search index over one version of the FAQ."""

    def __init__(self, entries: Sequence[FaqEntry], kind: MatcherKind = "auto") -> None:
        self.kind = resolve_kind(kind)
        self.versions: dict[str, list[FaqEntry]] = {}
        for entry in entries:
            self.versions.setdefault(entry.id, []).append(entry)
        phrasings = [(e.id, q) for e in entries for q in e.questions]
        answers = [(e.id, e.answer) for e in entries]
        index: _Index = (
            semantic.SemanticIndex(phrasings, answers)
            if self.kind == "semantic"
            else LexicalIndex(phrasings, answers)
        )
        self._index = index
        self._calibrate = CALIBRATIONS[self.kind]

    def __len__(self) -> int:
        return len(self.versions)

    def search(self, text: str, limit: int = 3) -> list[tuple[str, float]]:
        """The best entries for ``text`` with their confidence, best first (stable on ties)."""
        return [(entry_id, confidence) for entry_id, confidence, _ in self._ranked(text, limit)]

    def _ranked(self, text: str, limit: int) -> list[tuple[str, float, float]]:
        """(entry, confidence, raw score), best first."""
        text = in_georgian_letters(text[:MAX_QUESTION_CHARS])
        if not text.strip() or not self.versions:
            return []
        return self._rank(self._index.scores(text), limit)

    def _rank(self, raw: dict[str, float], limit: int) -> list[tuple[str, float, float]]:
        ranked = sorted(raw.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(entry_id, round(self._calibrate(score), 4), score) for entry_id, score in ranked]

    def decide(
        self,
        text: str,
        thresholds: Thresholds,
        *,
        require_question: bool = True,
        is_question: bool | None = None,
    ) -> Match:
        """Answer, suggest or stay silent for a member's message (its first
        ``MAX_QUESTION_CHARS`` characters: the cost of a message stays bounded).
        ``is_question`` passes on a caller's own question check instead of repeating it."""
        text = in_georgian_letters(text[:MAX_QUESTION_CHARS])
        if is_question is None:
            is_question = looks_like_question(text)
        asked = (is_question or not require_question) and text.strip() and self.versions
        raw = self._index.scores(text) if asked else {}
        ranked = self._rank(raw, 3)
        candidates = tuple((entry_id, confidence) for entry_id, confidence, _ in ranked)
        if not candidates:
            return Match(None, 0.0, Decision.SILENT, (), is_question)
        best, confidence = candidates[0]
        uncalibrated = _CALIBRATED_LETTERS.search(text) is not None
        if (
            uncalibrated
            and ranked[0][2] - statistics.median(raw.values()) < (UNCALIBRATED_LEAD[self.kind])
        ):
            return Match(None, confidence, Decision.SILENT, candidates, is_question)
        if confidence >= thresholds.answer:
            gap = ranked[0][2] - ranked[1][2] if len(ranked) > 1 else 1.0
            margin = MARGINS[self.kind]
            if uncalibrated:
                margin *= UNCALIBRATED_FACTOR
            if gap < margin:
                return Match(best, confidence, Decision.SUGGEST, candidates, is_question, True)
            return Match(best, confidence, Decision.ANSWER, candidates, is_question)
        if confidence >= thresholds.suggest:
            return Match(best, confidence, Decision.SUGGEST, candidates, is_question)
        return Match(None, confidence, Decision.SILENT, candidates, is_question)

    def entry(
        self, entry_id: str, lang: str | None = None, fallback: str | None = None
    ) -> FaqEntry | None:
        """The version of an entry in ``lang``, else ``fallback``, else one without a language."""
        versions = self.versions.get(entry_id)
        if not versions:
            return None
        for wanted in (lang, fallback, None):
            for version in versions:
                if version.lang == wanted or (
                    wanted and version.lang and version.lang.split("-")[0] == wanted
                ):
                    return version
        return versions[0]
