"""The weekly digest's content: hero, best answers, polls and quizzes, AMA, new FAQ entries and
the next topic — each section only when it has something, each with a next step (a button)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.core.ids import CommunityRef
from bot.core.messages import Button, ButtonStyle
from bot.core.payloads import clip
from bot.core.richtext import RichText, bold, italic, join_lines, text
from bot.i18n import Translator
from bot.storage.database import Database
from cogs.ama.api import questions as ama_questions
from cogs.ama.api import sessions as ama_sessions
from cogs.ama.api import upvotes as ama_upvotes
from cogs.digest.activity import Activity, load_activity, load_names
from cogs.digest.hero import HeroRules, Score, score_week
from cogs.digest.payloads import Step
from cogs.faq.api import new_entries
from cogs.polls.api import polls, votes

EXCERPT = 140


@dataclass(slots=True)
class Digest:
    community: CommunityRef
    week: str
    start: datetime
    end: datetime
    hero: Score | None
    ranking: list[Score]
    lines: list[RichText | str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    hero_name: str = ""

    def add_section(
        self, name: str, title: str, lines: list[RichText | str], button: Button | None
    ) -> None:
        """A titled section with its next step; nothing when it has no lines."""
        if not lines:
            return
        self.lines.append(text("\n", bold(title)))
        self.lines.extend(lines)
        if button is not None:
            self.buttons.append(button)
        self.sections.append(name)

    @property
    def empty(self) -> bool:
        return not self.sections

    def body(self) -> RichText:
        return join_lines(self.lines)


def week_key(slot: datetime, tz: ZoneInfo) -> str:
    """The ISO week of the digest's slot in the community's time zone: ``2026-W48``."""
    year, week, _ = slot.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def reason(t: Translator, score: Score) -> str:
    parts = []
    if score.accepted:
        parts.append(t("digest.reason.accepted", count=score.accepted))
    if score.people_helped:
        parts.append(t("digest.reason.helped", count=len(score.people_helped)))
    if score.reactors:
        parts.append(t("digest.reason.reactions", count=len(score.reactors)))
    if score.ama_upvotes:
        parts.append(t("digest.reason.ama", count=score.ama_upvotes))
    if score.quiz_right:
        parts.append(t("digest.reason.quiz", count=score.quiz_right))
    return "; ".join(parts)


async def build_digest(
    db: Database,
    community: CommunityRef,
    end: datetime,
    t: Translator,
    tz: ZoneInfo,
    *,
    community_name: str,
    rules: HeroRules,
    hero_override: tuple[str, str | None] | None = None,
    excluded_heroes: set[str] | None = None,
    topic: str | None = None,
) -> Digest:
    """The digest for the 7 days before ``end``."""
    start = end - timedelta(days=7)
    # Only accounts that joined within new_member_hours of a reaction can be "fresh".
    joined_since = timedelta(hours=rules.new_member_hours)
    activity = await load_activity(db, community, start, end, joined_since=joined_since)
    ranking = [
        s for s in score_week(activity, rules) if s.member not in (excluded_heroes or set())
    ]
    best = _best_answers(activity)
    wanted = {s.member for s in ranking[:1]} | {m for a, q, _, _ in best for m in (a, q)}
    if hero_override is not None and hero_override[1]:
        wanted.add(hero_override[1])
    activity.names = await load_names(db, community, wanted)
    hero = ranking[0] if ranking else None
    if hero_override is not None:
        decision, member = hero_override
        hero = (
            next((s for s in ranking if s.member == member), None)
            if decision == "confirmed"
            else None
        )
    digest = Digest(community, week_key(end, tz), start, end, hero, ranking)
    days = t.date_range(start, end - timedelta(seconds=1), tz)
    digest.lines.append(text(bold(t("digest.title", community=community_name, days=days))))
    if hero is not None:
        name = digest.hero_name = activity.name(hero.member)
        digest.lines.append(
            text(
                "\n",
                bold(t("digest.hero_head")),
                " ",
                t("digest.hero", name=name, reason=reason(t, hero)),
            )
        )
        digest.buttons.append(
            Step(step="thanks", detail=clip(hero.member, 40)).button(
                _cut(t("digest.btn.thanks", name=name)), ButtonStyle.SUCCESS
            )
        )
        digest.sections.append("hero")
    if best:
        digest.lines.append(text("\n", bold(t("digest.best_title"))))
        for answerer, asker, count, excerpt in best:
            line = text(
                "• ",
                t(
                    "digest.best_line",
                    answerer=activity.name(answerer),
                    asker=activity.name(asker),
                    count=count,
                ),
            )
            if excerpt:
                line = line + text(": ", italic(excerpt))
            digest.lines.append(line)
        digest.buttons.append(Step(step="ask").button(t("digest.btn.ask")))
        digest.sections.append("best")
    digest.add_section(
        "polls",
        t("digest.polls_title"),
        await _poll_lines(db, community, start, end, t),
        Step(step="poll").button(t("digest.btn.poll")),
    )
    digest.add_section(
        "ama",
        t("digest.ama_title"),
        await _ama_lines(db, community, start, end, t),
        Step(step="ama").button(t("digest.btn.ama")),
    )
    entries = await new_entries(db, start, end)
    digest.add_section(
        "faq",
        t("digest.faq_title"),
        [f"• {title} — /faq {entry_id}" for entry_id, title in entries[:8]],
        Step(step="faq").button(t("digest.btn.faq")),
    )
    if topic:
        digest.lines.append(text("\n", bold(t("digest.topic_title")), " ", topic))
        digest.buttons.append(
            Step(step="topic", detail=digest.week).button(
                t("digest.btn.topic"), ButtonStyle.PRIMARY
            )
        )
        digest.sections.append("topic")
    if hero is not None:
        digest.lines.append(text("\n", italic(t("digest.footer"))))
    return digest


def _cut(label: str) -> str:
    return label if len(label) <= 60 else label[:59] + "…"


def _best_answers(activity: Activity) -> list[tuple[str, str, int, str]]:
    """Replies to others with the most distinct reactors: (answerer, asker, reactors, excerpt)."""
    reactors: dict[str, set[str]] = defaultdict(set)
    for reaction in activity.reactions:
        reply = activity.replies.get(reaction.message)
        if reply is None or reaction.reactor == reply.author:
            continue
        if reply.author not in activity.bots and reaction.reactor not in activity.bots:
            reactors[reaction.message].add(reaction.reactor)
    ranked = sorted(((len(r), m) for m, r in reactors.items()), key=lambda x: (-x[0], x[1]))[:3]
    result = []
    for count, message in ranked:
        reply = activity.replies[message]
        excerpt = reply.text or ""
        if len(excerpt) > EXCERPT:
            excerpt = excerpt[: EXCERPT - 1] + "…"
        result.append((reply.author, reply.asker, count, excerpt))
    return result


async def _poll_lines(
    db: Database, community: CommunityRef, start: datetime, end: datetime, t: Translator
) -> list[RichText | str]:
    query = (
        select(polls.c.id, polls.c.question, polls.c.options, polls.c.correct)
        .where(
            polls.c.platform == community.platform.value,
            polls.c.community == community.id,
            polls.c.closed_at >= start,
            polls.c.closed_at < end,
        )
        .order_by(polls.c.closed_at)
    )
    lines: list[RichText | str] = []
    async with db.read() as conn:
        closed = (await conn.execute(query)).all()
        for poll_id, question, options, correct in closed[:6]:
            found = (
                await conn.execute(
                    select(votes.c.member, votes.c.option).where(votes.c.poll_id == poll_id)
                )
            ).all()
            voters = len({member for member, _ in found})
            counts = Counter(option for _, option in found)
            if correct is not None:
                right = len({m for m, option in found if option == correct})
                lines.append(
                    "• " + t("digest.quiz_line", question=question, right=right, count=voters)
                )
            elif counts:
                top = max(counts.values())
                winners = " / ".join(str(options[i]) for i in sorted(counts) if counts[i] == top)
                lines.append(
                    "• "
                    + t(
                        "digest.poll_line",
                        question=question,
                        winner=winners,
                        votes=top,
                        count=voters,
                    )
                )
            else:
                lines.append("• " + t("digest.poll_no_votes", question=question))
    return lines


async def _ama_lines(
    db: Database, community: CommunityRef, start: datetime, end: datetime, t: Translator
) -> list[RichText | str]:
    query = select(ama_sessions.c.id, ama_sessions.c.topic, ama_sessions.c.host_name).where(
        ama_sessions.c.platform == community.platform.value,
        ama_sessions.c.community == community.id,
        ama_sessions.c.closed_at >= start,
        ama_sessions.c.closed_at < end,
    )
    lines: list[RichText | str] = []
    async with db.read() as conn:
        for session_id, topic, host in (await conn.execute(query)).all():
            asked = (
                await conn.execute(
                    select(ama_questions.c.text, func.count(ama_upvotes.c.member))
                    .select_from(
                        ama_questions.outerjoin(
                            ama_upvotes, ama_upvotes.c.question_id == ama_questions.c.id
                        )
                    )
                    .where(
                        ama_questions.c.session_id == session_id,
                        ama_questions.c.removed_at.is_(None),
                    )
                    .group_by(ama_questions.c.id, ama_questions.c.text)
                    .order_by(func.count(ama_upvotes.c.member).desc(), ama_questions.c.id)
                )
            ).all()
            if not asked:
                continue
            top, top_votes = asked[0]
            lines.append(
                "• "
                + t(
                    "digest.ama_line",
                    topic=topic,
                    host=host,
                    count=len(asked),
                    top=top,
                    votes=int(top_votes),
                )
            )
    return lines
