"""What other features may read of the FAQ (the digest's deflection metric and new entries,
AMA's duplicate questions, the desk's questions in help channels).

``answers`` is a published read contract: other features may select from it and must never
write. ``new_entries`` lists entries that went into service in a period. ``likeness`` compares
a question with others the way the FAQ's matchers do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple, Protocol, runtime_checkable

from bot.core.ids import ChannelRef
from bot.storage.database import Database
from cogs.faq import markdown, review, semantic
from cogs.faq.language import content_stems, looks_like_question
from cogs.faq.review import Miss
from cogs.faq.store import FaqStore, answers

__all__ = [
    "FaqAnswers", "Likeness", "Miss", "answers", "faq_misses", "likeness",
    "looks_like_question", "markdown_problems", "new_entries", "render_markdown",
]  # fmt: skip

faq_misses = review.misses
"""The review queue (``/faq review``): questions the FAQ missed or answered unhelpfully, not
reviewed yet, newest first."""

markdown_problems = markdown.problems
"""``(line, problem)`` for Markdown that would not render on every platform (posts share the
FAQ's Markdown subset)."""
render_markdown = markdown.render
"""The FAQ's Markdown subset as the core's rich text (links rewritten by a function)."""


@runtime_checkable
class FaqAnswers(Protocol):
    """The enabled FAQ feature: whether it answered a question."""

    async def answered(self, channel: ChannelRef, message: str) -> bool:
        """Whether the bot answered the question ``message`` in ``channel`` with an entry."""
        ...


class Likeness(NamedTuple):
    """How alike two questions are: ``words`` is the overlap (Jaccard) of their content-word
    stems, English and Russian inflections folded; ``meaning`` the cosine of their semantic
    embeddings (multilingual), or None without the ``semantic`` extra."""

    words: float
    meaning: float | None


def likeness(question: str, others: Sequence[str]) -> list[Likeness]:
    """``question`` against each of ``others`` (blocking: the model may run; call it in a
    thread). Vectors of texts seen before come from the embedding cache."""
    mine = set(content_stems(question))
    words = []
    for other in others:
        theirs = set(content_stems(other))
        union = mine | theirs
        words.append(len(mine & theirs) / len(union) if union else 0.0)
    if not others or not semantic.available():
        return [Likeness(w, None) for w in words]
    # Member questions: vectors kept in memory for a while, never written to disk.
    mine_vector = semantic.embed_query(question)
    scores = [float((semantic.embed_query(other) * mine_vector).sum()) for other in others]
    return [Likeness(w, m) for w, m in zip(words, scores, strict=True)]


async def new_entries(db: Database, start: datetime, end: datetime) -> list[tuple[str, str]]:
    """(entry id, title) of the entries first seen in ``[start, end)``."""
    return await FaqStore(db).new_entries(start, end)
