"""Impact/Cost priority: a score and a quadrant from the moderators' 1-5 scores, with votes as
one input (Canny's normalise-and-divide: impact factors to 0-100, cost to 1-100, times 1000)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

QUADRANTS = ("quick_win", "big_bet", "fill_in", "money_pit")


@dataclass(frozen=True, slots=True)
class Priority:
    score: int
    quadrant: str


def quadrant(impact: int, cost: int) -> str:
    """High impact is 3 and up; low cost is 2 and down (the middle cost counts as high: a
    quick win must be clearly cheap)."""
    high = impact >= 3
    cheap = cost <= 2
    if high:
        return "quick_win" if cheap else "big_bet"
    return "fill_in" if cheap else "money_pit"


def priority(impact: int, cost: int, voters: int, most_voters: int) -> Priority:
    """``1000 × mean(impact², votes share) / cost``, each normalised: impact 1-5 → 4-100
    (squared share of 5), votes → share of the board's most-voted idea (0-100), cost 1-5 →
    20-100."""
    impact_norm = (impact / 5) ** 2 * 100
    votes_norm = voters / most_voters * 100 if most_voters else 0.0
    cost_norm = cost / 5 * 100
    score = 1000 * ((impact_norm + votes_norm) / 2) / cost_norm
    return Priority(round(score), quadrant(impact, cost))


def ranked(rows: Sequence[tuple[int, int | None, int | None, int]]) -> list[tuple[int, Priority]]:
    """(idea, impact, cost, voters) → scored ideas, best first; unscored ideas are left out."""
    most = max((voters for *_, voters in rows), default=0)
    scored = [
        (idea, priority(impact, cost, voters, most))
        for idea, impact, cost, voters in rows
        if impact is not None and cost is not None
    ]
    return sorted(scored, key=lambda item: (-item[1].score, item[0]))
