"""Lightweight FAQ matcher: TF-IDF over word stems and character n-grams, cosine similarity.

Stems catch inflections ("banned"/"ban", "пароль"/"пароля"), character n-grams catch typos and
compounds. Every phrasing of an entry is its own vector; an entry scores as its best phrasing,
with its answer text as a weaker extra phrasing. Pure Python with an inverted index: a query only
touches the phrasings that share a feature with it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from cogs.faq.language import content_stems

WORD_WEIGHT = 1.0
NGRAM_WEIGHT = 0.35
ANSWER_WEIGHT = 0.8
"""An answer matching the query counts a little less than a phrasing written as a question."""


def features(text: str) -> Counter[str]:
    """Stem features (``w:``) and 3-5 character n-grams of each stem with boundaries (``c:``)."""
    counts: Counter[str] = Counter()
    for stem in content_stems(text):
        counts["w:" + stem] += 1
        padded = f"<{stem}>"
        for size in (3, 4, 5):
            for start in range(len(padded) - size + 1):
                counts["c:" + padded[start : start + size]] += 1
    return counts


def _weight(feature: str) -> float:
    return WORD_WEIGHT if feature.startswith("w:") else NGRAM_WEIGHT


class LexicalIndex:
    """Scores entries for a query; build once per FAQ version (it is immutable)."""

    name = "lexical"

    def __init__(self, phrasings: Sequence[tuple[str, str]], answers: Sequence[tuple[str, str]]):
        """``phrasings`` and ``answers`` are ``(entry_id, text)`` pairs."""
        docs: list[tuple[str, Counter[str], float]] = [
            (entry_id, features(text), 1.0) for entry_id, text in phrasings
        ]
        docs += [(entry_id, features(text), ANSWER_WEIGHT) for entry_id, text in answers]
        frequency: Counter[str] = Counter()
        for _, counts, _ in docs:
            frequency.update(counts.keys())
        total = len(docs) or 1
        self._idf = {f: math.log((1 + total) / (1 + n)) + 1.0 for f, n in frequency.items()}
        self._default_idf = math.log(1 + total) + 1.0
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._owners: list[tuple[str, float]] = []
        for number, (entry_id, counts, doc_weight) in enumerate(docs):
            vector = self._vector(counts)
            self._owners.append((entry_id, doc_weight))
            for feature, value in vector.items():
                self._postings[feature].append((number, value))
        self.entry_ids = sorted({entry_id for entry_id, _ in phrasings} | {e for e, _ in answers})

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        vector = {
            f: (1.0 + math.log(n)) * self._idf.get(f, self._default_idf) * _weight(f)
            for f, n in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {f: v / norm for f, v in vector.items()}

    def scores(self, query: str) -> dict[str, float]:
        """Cosine similarity in [0, 1] of the query with each entry that shares a feature."""
        vector = self._vector(features(query))
        sums: dict[int, float] = defaultdict(float)
        for feature, value in vector.items():
            for number, weight in self._postings.get(feature, ()):
                sums[number] += value * weight
        best: dict[str, float] = {}
        for number, total in sums.items():
            entry_id, doc_weight = self._owners[number]
            score = min(1.0, total) * doc_weight
            if score > best.get(entry_id, 0.0):
                best[entry_id] = score
        return best


def top(scores: dict[str, float], limit: int) -> list[tuple[str, float]]:
    """The best ``limit`` entries, ties broken by id so results are stable."""
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]


def phrasings_of(entries: Iterable[tuple[str, Sequence[str]]]) -> list[tuple[str, str]]:
    return [(entry_id, text) for entry_id, texts in entries for text in texts]
