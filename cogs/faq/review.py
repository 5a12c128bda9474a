"""The moderators' review queue: questions the FAQ missed, and the phrasing each would add.

A miss is a question the FAQ saw and did not serve well, most recent first:

- ``silent``: no entry was close enough (the best entry today is suggested);
- ``not_helped``: the asker (or a helper) pressed 👎 under the answer (the best *other* entry
  is suggested);
- ``picked``: a member picked an entry from "did you mean" — the pick is evidence that this
  wording asks for that entry.

A moderator adds the member's words to the suggested entry's phrasings in one click (the entry
file is edited in place and checked before it is saved) or dismisses the miss. Question words
are kept only for this queue and erased with the member.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import and_, or_, select

from bot.core.ids import CommunityRef
from bot.storage.database import Database
from bot.storage.schema import of_community
from cogs.faq.entries import FaqFileError, parse_entry
from cogs.faq.matcher import FaqIndex
from cogs.faq.store import answers

KINDS = ("silent", "not_helped", "picked")


@dataclass(frozen=True, slots=True)
class Miss:
    answer_id: int
    kind: str
    text: str
    asked_at: datetime
    entry: str | None
    """The entry the bot answered (not_helped) or the member picked (picked)."""
    suggested: str | None = None
    """Where the words would go: the picked entry, or the matcher's best other entry."""


async def misses(
    db: Database,
    community: CommunityRef,
    since: datetime,
    limit: int = 50,
    *,
    answer_id: int | None = None,
) -> list[Miss]:
    """Misses not reviewed yet, newest first (``answer_id``: that one only)."""
    query = (
        select(answers.c.id, answers.c.decision, answers.c.question_text, answers.c.created_at,
               answers.c.entry_id, answers.c.helped, answers.c.not_helped)
        .where(
            *of_community(answers, community), answers.c.created_at >= since,
            answers.c.question_text.is_not(None), answers.c.reviewed.is_(None),
            or_(
                answers.c.decision.in_(("silent", "picked")),
                and_(answers.c.decision.in_(("answer", "quick")), answers.c.not_helped > 0,
                     answers.c.helped == 0),
            ),
        )
        .order_by(answers.c.created_at.desc(), answers.c.id.desc())
        .limit(limit)
    )  # fmt: skip
    if answer_id is not None:
        query = query.where(answers.c.id == answer_id)
    async with db.read() as conn:
        rows = (await conn.execute(query)).all()
    found = []
    for answer_id, decision, text, at, entry_id, _, _ in rows:
        kind = {"silent": "silent", "picked": "picked"}.get(decision, "not_helped")
        found.append(Miss(int(answer_id), kind, str(text), at, entry_id))
    return found


def with_suggestions(items: Sequence[Miss], index: FaqIndex | None) -> list[Miss]:
    """Each miss with the entry its words would be added to."""
    out = []
    for miss in items:
        suggested: str | None = miss.entry if miss.kind == "picked" else None
        if suggested is None and index is not None:
            ranked = [entry for entry, _ in index.search(miss.text, 3) if entry != miss.entry]
            suggested = ranked[0] if ranked else None
        out.append(Miss(miss.answer_id, miss.kind, miss.text, miss.asked_at, miss.entry,
                        suggested))  # fmt: skip
    return out


async def mark(db: Database, community: CommunityRef, answer_id: int, verdict: str) -> bool:
    """Record a moderator's decision once; False when already reviewed or not this community's."""
    async with db.transaction() as conn:
        result = await conn.execute(
            answers.update()
            .where(answers.c.id == answer_id, answers.c.reviewed.is_(None),
                   *of_community(answers, community))
            .values(reviewed=verdict[:60])
        )  # fmt: skip
        return bool(result.rowcount)


class PhrasingError(Exception):
    """The entry file could not take the phrasing (the message says why; nothing written)."""


def add_phrasing(path: Path, phrasing: str) -> None:
    """Append ``phrasing`` to the entry file's ``questions`` list, keeping the file's layout;
    the result is parsed as the bot would before it replaces the file (atomically)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    if not lines or lines[0].strip() != "+++":
        raise PhrasingError(f"{path}: no front matter")
    closing = next((n for n in range(1, len(lines)) if lines[n].strip() == "+++"), None)
    if closing is None:
        raise PhrasingError(f"{path}: the front matter is not closed")
    meta = tomllib.loads("".join(lines[1:closing]))
    existing = [q.casefold() for q in meta.get("questions", [])]
    if phrasing.casefold() in existing:
        return  # already there
    start = next((n for n in range(1, closing) if lines[n].lstrip().startswith("questions")), None)
    if start is None:
        raise PhrasingError(f"{path}: no questions list")
    end = next((n for n in range(start, closing) if lines[n].rstrip().endswith("]")), None)
    if end is None:
        raise PhrasingError(f"{path}: the questions list is not closed")
    quoted = _toml_string(phrasing)
    if start == end:  # questions = ["a", "b"] on one line
        head, _, _ = lines[start].rpartition("]")
        separator = "" if head.rstrip().endswith("[") else ", "
        lines[start] = f"{head.rstrip()}{separator}{quoted}]\n"
    else:
        head, _, tail = lines[end].rpartition("]")
        if head.strip():  # '  "b"]' : the last item shares the line with the bracket
            lines[end] = f"{head.rstrip().rstrip(',')}, {quoted}]{tail}"
        else:
            previous = max(n for n in range(start, end) if lines[n].strip())
            text = lines[previous].rstrip("\n")
            if not text.rstrip().endswith((",", "[")):
                lines[previous] = text.rstrip() + ",\n"
            lines.insert(end, f"  {quoted},\n")
    updated = "".join(lines)
    try:
        parse_entry(path, updated)
    except FaqFileError as exc:
        raise PhrasingError("; ".join(exc.problems)) from None
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(updated, encoding="utf-8")
    os.replace(temporary, path)


def _toml_string(value: str) -> str:
    text = " ".join(value.split())
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
