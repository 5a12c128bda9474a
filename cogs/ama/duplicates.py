"""Is a new AMA question one that was already asked? Decided with the FAQ's matchers.

Three outcomes: the **same** question (identical content words, or almost the same meaning
with most words shared) is merged at once; a **similar** one is shown to its author, who says
whether it is the same ("price of the team plan" against "price of the pro plan": a word
apart, different questions); anything else is **new**. Measured on paraphrase pairs with the
multilingual model (cosines of 0.96–0.98 for rewordings, 0.92–0.94 for questions a word
apart), so the model alone never merges: wording decides that, meaning only asks.
"""

from __future__ import annotations

from enum import Enum

from cogs.faq.api import Likeness

SAME_MEANING = 0.97
"""Cosine from which a question with most words shared is merged without asking."""
SIMILAR_MEANING = 0.90
"""Cosine from which the author is asked (a paraphrase in other words or another language)."""


class Verdict(Enum):
    NEW = "new"
    SIMILAR = "similar"
    SAME = "same"


def verdict(likeness: Likeness, similar_words: float) -> Verdict:
    """``similar_words``: the configured word overlap from which the author is asked."""
    words, meaning = likeness
    if words >= 1.0 or (meaning is not None and meaning >= SAME_MEANING and words >= 0.5):
        return Verdict.SAME
    if words >= similar_words or (meaning is not None and meaning >= SIMILAR_MEANING):
        return Verdict.SIMILAR
    return Verdict.NEW
