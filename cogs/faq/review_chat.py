"""``/faq misses`` for moderators: the review queue in the chat, one click per decision."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.feature import Feature, button
from bot.core.messages import ButtonStyle
from bot.core.permissions import Level
from bot.core.richtext import bold, text
from cogs.faq import review
from cogs.faq.payloads import ReviewMiss
from cogs.faq.service import FaqService, label
from cogs.faq.settings import FaqSettings
from cogs.faq.store import FaqStore

log = logging.getLogger(__name__)

SHOWN = 5
"""Misses shown per /faq misses (the newest first)."""
LOOK_BACK = timedelta(days=30)
KEPT = timedelta(days=365)
"""How old a miss may be and still be decided from a button shown earlier."""


class FaqReview(Feature[FaqSettings]):
    service: FaqService
    store: FaqStore

    async def show_misses(self, ctx: Context) -> None:
        actor = ctx.event.actor
        if actor is None or actor.level < Level.MODERATOR:
            raise UserFacingError(
                "command.not_allowed", name="faq misses", level=ctx.t("level.moderator")
            )
        found = await review.misses(
            self.db, ctx.event.community, ctx.clock.now() - LOOK_BACK, SHOWN
        )
        found = review.with_suggestions(found, self.service.index)
        if not found:
            await ctx.reply(ctx.t("faq.misses_none"), ephemeral=True)
            return
        await ctx.reply(text(bold(ctx.t("faq.misses_title", count=len(found)))), ephemeral=True)
        for miss in found:
            suggested = miss.suggested
            entry = self.service.entry(suggested, None, ctx.t.locale) if suggested else None
            dismiss = ReviewMiss(answer=miss.answer_id, verdict="d")
            buttons = [dismiss.button(ctx.t("faq.miss_dismiss"))]
            if entry is not None:
                add = ReviewMiss(answer=miss.answer_id, verdict="a")
                title = label(entry.title)
                buttons.insert(
                    0, add.button(ctx.t("faq.miss_add", title=title), ButtonStyle.PRIMARY)
                )
            line = ctx.t(f"faq.miss_{miss.kind}", text=miss.text)
            await ctx.reply(line, buttons=buttons, ephemeral=True)

    @button(ReviewMiss)
    async def on_review(self, ctx: Context, data: ReviewMiss) -> None:
        community = ctx.event.community
        found = await review.misses(self.db, community, ctx.clock.now() - KEPT, 1,
                                    answer_id=data.answer)  # fmt: skip
        if not found:
            raise UserFacingError("button.expired")  # reviewed already, or not this community's
        [miss] = review.with_suggestions(found, self.service.index)
        if data.verdict == "d":
            await review.mark(self.db, community, miss.answer_id, "dismissed")
            await ctx.reply(ctx.t("faq.miss_dismissed"), ephemeral=True)
            return
        entry = self.service.entry(miss.suggested, None, ctx.t.locale) if miss.suggested else None
        if entry is None:
            raise UserFacingError("button.expired")
        try:
            await asyncio.to_thread(review.add_phrasing, entry.path, miss.text)
        except (OSError, review.PhrasingError) as exc:
            log.warning("faq: could not add a phrasing to %s: %s", entry.path, exc)
            raise UserFacingError("faq.miss_not_added", entry=entry.id) from None
        await review.mark(self.db, community, miss.answer_id, f"added:{entry.id}")
        await self.service.load(force=True)
        await ctx.reply(ctx.t("faq.miss_added", entry=entry.id, text=miss.text), ephemeral=True)
