"""Texts of ideas: the idea's card, the roadmap, notices, and the "you asked — we did" post."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.core.ids import MemberRef
from bot.core.messages import Button, ButtonStyle
from bot.core.richtext import Mention, RichText, bold, join_lines, text
from bot.i18n import Translator
from cogs.ideas.payloads import Follow, Vote
from cogs.ideas.priority import priority
from cogs.ideas.tables import Idea

MAX_TITLE = 150
MAX_DETAILS = 2000
CARD_DETAILS = 600


def card(t: Translator, idea: Idea, voters: int, most_voters: int) -> RichText:
    """The idea as shown on its message: title, details, author, status (with the reason),
    votes, and the priority once moderators scored it."""
    lines: list[RichText | str] = [
        text(bold(t("ideas.card_title", idea=idea.id, title=idea.title)))
    ]
    if idea.details:
        details = idea.details
        lines.append(details if len(details) <= CARD_DETAILS else details[:CARD_DETAILS] + "…")
    status = t(f"ideas.status.{idea.status}")
    if idea.reason and idea.status != "duplicate":
        status = t("ideas.status_reason", status=status, reason=idea.reason)
    elif idea.status == "duplicate" and idea.merged_into:
        status = t("ideas.status_merged", idea=idea.merged_into)
    lines.append(t("ideas.card_by", author=idea.author_name, status=status))
    line = t("ideas.card_votes", count=voters)
    if idea.impact is not None and idea.cost is not None:
        found = priority(idea.impact, idea.cost, voters, most_voters)
        named = t(f"ideas.quadrant.{found.quadrant}")
        line += " · " + t("ideas.card_priority", impact=idea.impact, cost=idea.cost,
                          quadrant=named, score=found.score)  # fmt: skip
    lines.append(line)
    return join_lines(lines)


def card_buttons(t: Translator, idea: Idea, voters: int) -> tuple[Button, ...]:
    if not idea.is_open:
        return ()
    return (
        Vote(idea=idea.id).button(
            t("ideas.vote", idea=idea.id, count=voters), ButtonStyle.PRIMARY
        ),
        Follow(idea=idea.id).button(t("ideas.follow", idea=idea.id)),
    )


def roadmap(
    t: Translator, planned: Sequence[Idea], doing: Sequence[Idea], done: Sequence[Idea],
    counts: dict[int, int], now: datetime,
) -> RichText:  # fmt: skip
    """Planned, in progress and done in the last 30 days, with votes."""
    lines: list[RichText | str] = [text(bold(t("ideas.roadmap_title")))]
    recent = [i for i in done if i.done_at and now - i.done_at <= timedelta(days=30)]
    for key, group in (("planned", planned), ("in_progress", doing), ("done", recent)):
        lines.append(text("\n", bold(t(f"ideas.roadmap_{key}"))))
        if not group:
            lines.append(t("ideas.roadmap_none"))
        for idea in group[:15]:
            lines.append(t("ideas.roadmap_line", idea=idea.id, title=idea.title,
                           count=counts.get(idea.id, 0)))  # fmt: skip
    lines.append(text("\n", t("ideas.roadmap_next")))
    return join_lines(lines)


def notice(t: Translator, idea: Idea, reason: str) -> str:
    status = t(f"ideas.status.{idea.status}")
    if reason:
        status = t("ideas.status_reason", status=status, reason=reason)
    return t("ideas.notice_line", idea=idea.id, title=idea.title, status=status)


def loop_draft(t: Translator, shipped: Sequence[Idea]) -> str:
    """The editable middle of a "you asked — we did" post: what changed, idea by idea."""
    return "\n".join(
        t("ideas.loop_line", idea=i.id, title=i.title, change=i.reason or t("ideas.loop_done"))
        for i in shipped
    )


def loop_post(
    t: Translator, title: str, body: str, authors: Sequence[tuple[MemberRef, str, bool]]
) -> RichText:
    """The post as it goes out: the edited body, thanks to the authors (a mention for those
    still here, the name for those who left), and the next step."""
    thanks: list[RichText | str] = []
    seen: set[MemberRef] = set()
    for member, name, present in authors:
        if member in seen:
            continue
        seen.add(member)
        thanks.append(text(Mention(member, name)) if present else text(name))
    line = text(t("ideas.loop_thanks"), " ")
    for index, who in enumerate(thanks):
        line = line + (", " if index else "") + who
    return join_lines([
        text(bold(title)), body, line + "!", text("\n", t("ideas.loop_next")),
    ])  # fmt: skip
