"""How AMA questions read: the ranked list and the FAQ draft an answered question becomes."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.core.richtext import RichText, bold, join_lines, text
from bot.i18n import Translator
from cogs.ama.store import Question, Session

log = logging.getLogger(__name__)


def ranked(
    t: Translator,
    session: Session,
    items: list[Question],
    limit: int = 50,
    *,
    collecting: bool = False,
) -> RichText:
    """The questions, most upvoted first, as the host will read them; while the AMA is still
    collecting, the invitation is to ask and upvote now, not "next time"."""
    head = t("ama.ranked_head", topic=session.topic, host=session.host_name)
    lines: list[RichText | str] = [text(bold(head))]
    if not items:
        lines.append(t("ama.no_questions"))
    for place, item in enumerate(items[:limit], start=1):
        done = " ✅" if item.answered_at else ""
        lines.append(
            t(
                "ama.ranked_line",
                place=place,
                votes=item.votes,
                number=item.number,
                question=item.text,
                author=item.author_name,
            )
            + done
        )
    lines.append(t("ama.ask_now" if collecting else "ama.next_step"))
    return join_lines(lines)


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def write_draft(
    folder: Path, session: Session, question: Question, link: str, locale: str
) -> Path | None:
    """An FAQ draft for an answered question, for a human to review (``None`` if it could
    not be written: logged)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"ama-{session.id}-{question.number}.md"
        body = (
            "+++\n"
            f'id = "ama-{session.id}-{question.number}"\n'
            f"questions = [{_toml_string(question.text)}]\n"
            f'lang = "{locale}"\n'
            'tags = ["ama", "draft"]\n'
            f"links = [{_toml_string(link)}]\n"
            "+++\n"
            f"<!-- Draft from the AMA {_toml_string(session.topic)} with "
            f"{session.host_name}; review, write the answer, and move it into faq/. -->\n"
            f"Answered at the AMA: {link}\n"
        )
        temporary = path.with_suffix(".tmp")
        temporary.write_text(body, encoding="utf-8")
        temporary.replace(path)
    except OSError:
        log.exception("could not write the FAQ draft for AMA question %s", question.id)
        return None
    return path
