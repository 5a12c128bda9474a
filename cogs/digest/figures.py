"""The numbers of one period, as computed by :mod:`.metrics` and read by the report, ``/stats``
and ``stats export``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Metrics:
    start: datetime
    end: datetime
    members: int = 0
    """Members known in the 7 days before ``end`` (the 7-day shares' denominator)."""
    members_in_period: int = 0
    communicators: int = 0
    """Members who posted in ``[start, end)``."""
    engaged: int = 0
    communicators_7d: int = 0
    engaged_7d: int = 0
    communicators_28d: int = 0
    engaged_28d: int = 0
    members_28d: int = 0
    ugc_items: int = 0
    ugc_useful: int = 0
    new_members: int = 0
    d7_cohort: int = 0
    d7_retained: int = 0
    d30_cohort: int = 0
    d30_retained: int = 0
    faq_questions: int = 0
    faq_answered: int = 0
    faq_deflected: int = 0
    faq_helped: int = 0
    faq_not_helped: int = 0
    bot_posts: int = 0
    bot_posts_with_step: int = 0
    step_takers: int = 0
    """Distinct (member, post) pairs: a member pressing a button on a post with a next step."""
    bot_posts_taken: int = 0
    """Posts with a next step that at least one member took."""
    polls_closed: int = 0
    poll_turnout: float = 0.0
    quizzes_closed: int = 0
    quiz_turnout: float = 0.0

    @staticmethod
    def share(part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    @property
    def active_share(self) -> float:
        return self.share(self.communicators, self.members_in_period)

    @property
    def engaged_share(self) -> float:
        return self.share(self.engaged, self.members_in_period)

    @property
    def active_share_7d(self) -> float:
        return self.share(self.communicators_7d, self.members)

    @property
    def engaged_share_7d(self) -> float:
        return self.share(self.engaged_7d, self.members)

    @property
    def active_share_28d(self) -> float:
        return self.share(self.communicators_28d, self.members_28d)

    @property
    def engaged_share_28d(self) -> float:
        return self.share(self.engaged_28d, self.members_28d)

    @property
    def ugc_useful_rate(self) -> float:
        return self.share(self.ugc_useful, self.ugc_items)

    @property
    def d7(self) -> float:
        return self.share(self.d7_retained, self.d7_cohort)

    @property
    def d30(self) -> float:
        return self.share(self.d30_retained, self.d30_cohort)

    @property
    def faq_deflection(self) -> float:
        return self.share(self.faq_deflected, self.faq_questions)

    @property
    def faq_usefulness(self) -> float:
        return self.share(self.faq_helped, self.faq_helped + self.faq_not_helped)

    @property
    def next_step_share(self) -> float:
        return self.share(self.bot_posts_with_step, self.bot_posts)

    @property
    def next_step_conversion(self) -> float:
        """Share of the posts with a next step that someone took (at most 100 %)."""
        return self.share(self.bot_posts_taken, self.bot_posts_with_step)

    def as_row(self) -> dict[str, Any]:
        """Every count and rate, for CSV export."""
        row = asdict(self)
        row["start"], row["end"] = self.start.isoformat(), self.end.isoformat()
        for name in (
            "active_share",
            "engaged_share",
            "active_share_7d",
            "engaged_share_7d",
            "active_share_28d",
            "engaged_share_28d",
            "ugc_useful_rate",
            "d7",
            "d30",
            "faq_deflection",
            "faq_usefulness",
            "next_step_share",
            "next_step_conversion",
        ):
            row[name] = round(getattr(self, name), 4)
        return row
