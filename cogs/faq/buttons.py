"""The FAQ's buttons: did-you-mean picks and 👍/👎 under answers (a mixin of the feature)."""

from __future__ import annotations

import logging

from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.events import ButtonPressed
from bot.core.feature import Feature, button
from bot.core.ids import ChannelRef, MemberRef, MessageRef
from bot.core.messages import OutgoingMessage
from bot.core.permissions import Level
from bot.core.richtext import text
from cogs.desk.api import TicketOffer
from cogs.faq.payloads import Helped, Pick
from cogs.faq.service import FaqService
from cogs.faq.settings import FaqSettings
from cogs.faq.store import FaqStore

log = logging.getLogger(__name__)


class FaqButtons(Feature[FaqSettings]):
    service: FaqService
    store: FaqStore

    @button(Pick)
    async def on_pick(self, ctx: Context, data: Pick) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        row = await self.store.get(data.answer)
        if (
            row is None
            or data.number >= len(row.candidates)
            or row.channel.community != event.community
        ):
            raise UserFacingError("button.expired")
        entry_id = row.candidates[data.number]
        entry = self.service.entry(entry_id, None, ctx.t.locale)
        if entry is None:
            raise UserFacingError("button.expired")
        if not await self.store.set_outcome(row.id, f"picked:{entry_id}", only_if_unset=True):
            # Someone picked already: show this member the entry privately.
            await ctx.reply(self.service.render_answer(entry), ephemeral=True)
            return
        answer_id = await self.store.record(
            row.channel, decision="picked", now=ctx.clock.now(),
            question_message=row.question_message, asker=row.asker, entry_id=entry_id,
            confidence=row.confidence, answered_by=event.member.ref.id, lang=entry.lang,
            question_text=row.question_text,
        )  # fmt: skip
        question = MessageRef(row.channel, row.question_message) if row.question_message else None
        sent = await ctx.port.send(
            row.channel, self.service.answer_message(entry, answer_id, ctx.t), reply_to=question
        )
        await self.store.set_message(answer_id, sent.id)
        if row.answer_message:
            suggestion = MessageRef(row.channel, row.answer_message)
            try:
                await ctx.port.edit(
                    suggestion,
                    OutgoingMessage(
                        ctx.render("faq.picked", name=event.member.display_name, title=entry.title)
                    ),
                )
            except Exception:
                log.info("faq: could not edit the suggestion %s", row.answer_message)

    @button(Helped)
    async def on_vote(self, ctx: Context, data: Helped) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        row = await self.store.get(data.answer)
        if row is None or row.channel.community != event.community:
            raise UserFacingError("button.expired")
        asker = row.asker
        if (
            asker is not None
            and asker != event.member.ref.id
            and event.member.level < Level.HELPER
        ):
            # Only who asked rates the answer (helpers may too): a bystander's 👎 would alert
            # the helpers about an answer that may have helped.
            await ctx.reply(ctx.t("faq.not_your_answer"), ephemeral=True)
            return
        helped = data.verdict == "y"
        if not await self.store.vote(row.id, event.member.ref.id, helped, ctx.clock.now()):
            await ctx.reply(ctx.t("faq.already_voted"), ephemeral=True)
            return
        if helped:
            await ctx.reply(ctx.t("faq.thanks_helped"), ephemeral=True)
            return
        desk = self.peer("desk", TicketOffer)
        if desk is None or row.answer_message is None:
            await ctx.reply(ctx.t("faq.thanks_missed"), ephemeral=True)
        else:
            # A person can take it from here: the ticket starts from the member's question.
            offer = OutgoingMessage(
                text(ctx.t("faq.ticket_offer", member=event.member.display_name)),
                (desk.ticket_button(ctx.t, row.id),),
            )
            await ctx.port.send(
                row.channel, offer, reply_to=MessageRef(row.channel, row.answer_message)
            )
        if await self.store.claim_helpers(row.id, ctx.clock.now()):
            await self.tell_helpers(ctx, row.channel, row.entry_id or "?", event.member.ref,
                               event.member.display_name)  # fmt: skip

    async def tell_helpers(
        self, ctx: Context, channel: ChannelRef, entry_id: str, member: MemberRef, name: str
    ) -> None:
        entry = self.service.entry(entry_id, None, ctx.t.locale)
        title = entry.title if entry is not None else entry_id
        target = self.settings.helpers.get(channel.community)
        notice = text(
            ctx.t("faq.helpers_notice", title=title, id=entry_id, member=name, channel=channel.id)
        )
        if target is None:
            log.warning("faq: no helpers channel for %s: %s", channel.community, notice.plain())
            return
        await ctx.port.send(ChannelRef(channel.community, target), OutgoingMessage(notice))
