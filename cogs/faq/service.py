"""The FAQ in service: the library of entries, its search index, and how an answer looks."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.core.clock import Clock
from bot.core.georgian_latin import looks_georgian
from bot.core.messages import ButtonStyle, OutgoingMessage
from bot.core.richtext import RichText, bold, text
from bot.core.unicode import GEORGIAN
from bot.i18n import Translator
from cogs.faq import markdown
from cogs.faq.entries import FaqEntry, FaqLibrary
from cogs.faq.language import looks_like_question
from cogs.faq.matcher import (
    MAX_QUESTION_CHARS,
    Decision,
    FaqIndex,
    Match,
    Thresholds,
    in_georgian_letters,
)
from cogs.faq.payloads import Helped
from cogs.faq.settings import FaqSettings

log = logging.getLogger(__name__)

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


def language_of(message: str) -> str | None:
    """A guess good enough to pick an answer's language version: Georgian letters are
    Georgian (even among Latin words), and so is Georgian typed in Latin letters; Cyrillic is
    Russian."""
    if GEORGIAN.search(message) or looks_georgian(message):
        return "ka"
    if _CYRILLIC.search(message):
        return "ru"
    if _LATIN.search(message):
        return "en"
    return None


class FaqService:
    """Keeps the index in step with ``faq/``; searching never waits for a rebuild."""

    def __init__(self, library: FaqLibrary, settings: FaqSettings, clock: Clock) -> None:
        self.library = library
        self.settings = settings
        self.clock = clock
        self.thresholds = Thresholds(settings.answer_threshold, settings.suggest_threshold)
        self.index: FaqIndex | None = None
        self._built_version = -1
        self._checked_at: datetime | None = None
        self.on_loaded: Callable[[dict[str, str]], Awaitable[None]] | None = None
        """Called with {id: title} after each rebuild (the store notes new entries)."""

    async def load(self, *, force: bool = False) -> list[str]:
        """Re-read the folder (if changed or forced) and rebuild the index; returns problems."""
        result = await asyncio.to_thread(self.library.reload, force=force)
        for problem in result.problems if result.changed or force else ():
            log.warning("faq: %s", problem)
        if self.library.version != self._built_version:
            version = self.library.version
            entries = self.library.entries
            self.index = await asyncio.to_thread(FaqIndex, entries, self.settings.matcher)
            self._built_version = version
            if self.on_loaded is not None:
                await self.on_loaded({e.id: e.title for e in entries})
            log.info("faq: %d entries in service (%s matcher)", len(self.index), self.index.kind)
        return result.problems

    def mark_checked(self) -> None:
        """The folder was just read: the next check is ``reload_seconds`` from now."""
        self._checked_at = self.clock.now()

    async def refresh_if_due(self) -> None:
        """At most every ``reload_seconds``: re-read changed files and rebuild the index.

        Runs inline (the check is a few ``stat`` calls in a thread; a rebuild only happens when a
        file changed, and the semantic matcher only embeds texts it has not seen).
        """
        if self.settings.reload_seconds <= 0:
            return
        now = self.clock.now()
        interval = timedelta(seconds=self.settings.reload_seconds)
        if self._checked_at is not None and now - self._checked_at < interval:
            return
        self._checked_at = now
        try:
            await self.load()
        except Exception:
            log.exception("faq: reloading failed; the previous version stays in service")

    async def decide(self, message: str) -> Match | None:
        index = self.index
        if index is None:
            return None
        # Read once: Georgian typed in Latin letters in Georgian ones (decide's own reading
        # of the result is a no-op).
        message = in_georgian_letters(message[:MAX_QUESTION_CHARS])
        if not looks_like_question(message):
            # Most chat is not a question: no trip to the model's thread for it.
            return Match(None, 0.0, Decision.SILENT, (), False)
        if index.kind == "semantic":
            return await asyncio.to_thread(
                index.decide, message, self.thresholds, is_question=True
            )
        return index.decide(message, self.thresholds, is_question=True)

    async def search(self, query: str, limit: int = 3) -> list[tuple[str, float]]:
        index = self.index
        if index is None:
            return []
        return await asyncio.to_thread(index.search, query, limit)

    def entry(self, entry_id: str, lang: str | None, fallback: str) -> FaqEntry | None:
        return None if self.index is None else self.index.entry(entry_id, lang, fallback)

    def render_answer(self, entry: FaqEntry) -> RichText:
        """Title in bold, then the answer with the configured UTM parameters on its links."""
        params = {k: v.replace("{id}", entry.id) for k, v in self.settings.utm.items()}
        body = markdown.render(entry.answer, lambda url: markdown.with_utm(url, params))
        return text(bold(entry.title), "\n") + body

    def answer_message(
        self, entry: FaqEntry, answer_id: int, t: Translator, lead: RichText | None = None
    ) -> OutgoingMessage:
        """An answer with the feedback buttons under it (after ``lead``, e.g. whom it is for)."""
        body = self.render_answer(entry)
        if lead is not None:
            body = lead + "\n" + body
        buttons = (
            Helped(answer=answer_id, verdict="y").button(t("faq.helped"), ButtonStyle.SUCCESS),
            Helped(answer=answer_id, verdict="n").button(t("faq.not_helped")),
        )
        return OutgoingMessage(body, buttons)


def label(title: str) -> str:
    """A button label: the title, cut to what every platform shows."""
    return title if len(title) <= 60 else title[:59] + "…"
