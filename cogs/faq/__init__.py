"""FAQ auto-answers and the quick-reply library, with feedback on every answer.

Member questions in chat are matched against ``faq/``: above the answer threshold the bot replies
with the entry, between the thresholds it offers "did you mean" buttons, below it stays silent.
Every answer carries "helped" / "didn't help" buttons; "didn't help" tells the helpers. Helpers
answer with an entry by id (``/quick``); ``/faq`` searches; ``/faqreload`` re-reads the folder.
Buttons are in :mod:`.buttons`, commands in :mod:`.commands`, the CLI in :mod:`.cli`.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import ClassVar

from bot.content import ContentError
from bot.core.context import Context, Services
from bot.core.events import MessagePosted
from bot.core.feature import ContentValidator, deadline, on
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef
from bot.core.messages import OutgoingMessage
from bot.core.port import PlatformPort
from bot.core.richtext import text
from bot.i18n import Translator
from cogs.desk.api import TicketOffer
from cogs.faq import cli
from cogs.faq.buttons import FaqButtons
from cogs.faq.commands import FaqCommands
from cogs.faq.confusable import advise_folder
from cogs.faq.entries import FaqLibrary, check_folder
from cogs.faq.matcher import Decision
from cogs.faq.payloads import Delayed, Pick
from cogs.faq.service import FaqService, label, language_of
from cogs.faq.settings import FaqSettings
from cogs.faq.store import QUESTION_TEXT_CHARS, FaqStore

log = logging.getLogger(__name__)


class Faq(FaqButtons, FaqCommands):
    """Answers questions in chat from ``faq/``; see the module docstring."""

    name = "faq"
    optional = ("desk",)  # its "Open a ticket" button under answers that did not help
    content: ClassVar[Mapping[str, ContentValidator]] = {"faq": check_folder}
    content_advice: ClassVar[Mapping[str, ContentValidator]] = {"faq": advise_folder}

    def __init__(self, services: Services, settings: FaqSettings) -> None:
        super().__init__(services, settings)
        self.service = FaqService(FaqLibrary(services.config.faq_dir), settings, services.clock)
        self.store = FaqStore(services.db)
        self.service.on_loaded = self.note_entries

    async def note_entries(self, titles: dict[str, str]) -> None:
        await self.store.note_entries(titles, self.clock.now())

    async def start(self) -> None:
        self.service.mark_checked()
        problems = await self.service.load(force=True)
        if problems and not self.service.library.entries:
            raise ContentError(problems)

    async def forget_member(self, member: MemberRef) -> int:
        return await self.store.forget(member.platform.value, member.id)

    async def answered(self, channel: ChannelRef, message: str) -> bool:
        """Whether the bot answered the question ``message`` in ``channel`` with an entry."""
        return await self.store.answered(channel, message)

    @classmethod
    def add_cli(cls, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        cli.add_commands(commands)

    def enabled_in(self, channel: ChannelRef) -> bool:
        listed = self.settings.channels.get(channel.community)
        return listed is None or channel.id in listed

    def delayed_key(self, community: CommunityRef, message: str) -> str:
        return f"{community}:{message}"

    @on(MessagePosted)
    async def on_message(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, MessagePosted)
        if event.author.is_bot or not event.content.strip():
            return
        await self.service.refresh_if_due()
        if event.reply_to is not None:
            # A reply is a human answering: a delayed bot answer to that question is dropped.
            key = self.delayed_key(event.community, event.reply_to.id)
            if event.reply_to_author != event.author.ref and await self.cancel(Delayed, key):
                log.info("faq: a member answered %s first; the bot stays silent", key)
            if event.reply_to_author is not None and event.reply_to_author != event.author.ref:
                return  # part of a conversation between members
        if not self.enabled_in(event.channel):
            return
        # Matching and answering go to the FAQ's own lane: the next message (and moderation)
        # never waits for the model or for the platform's send budget.
        await self.services.lanes.run("faq", lambda: self.answer(ctx, event))

    async def answer(self, ctx: Context, event: MessagePosted) -> None:
        """Match one question and answer, suggest, hold or stay silent."""
        match = await self.service.decide(event.content)
        if match is None or not match.is_question:
            return
        if match.decision is Decision.SILENT:
            await self.store.record(
                event.channel, decision="silent", now=ctx.clock.now(),
                question_message=event.message.id, asker=event.author.ref.id,
                confidence=match.confidence, question_text=event.content,
            )  # fmt: skip
            return
        candidates = match.offered(self.settings.suggest_threshold)
        delay = self.settings.answer_delay
        if delay > timedelta(0):
            held = Delayed.of(
                event.channel, message=event.message.id, asker=event.author.ref.id,
                asker_name=event.author.display_name, decision=match.decision.value,
                entry=match.entry_id, confidence=match.confidence, candidates=list(candidates),
                lang=language_of(event.content), text=event.content[:QUESTION_TEXT_CHARS],
            )  # fmt: skip
            key = self.delayed_key(event.community, event.message.id)
            await self.schedule(held, key, ctx.clock.now() + delay)
            return
        await self.respond(
            ctx.port, ctx.t, event.channel, event.message, event.author.ref,
            event.author.display_name, match.decision, match.entry_id or "", match.confidence,
            candidates, language_of(event.content), event.content,
        )  # fmt: skip

    @deadline(Delayed)
    async def on_delayed(self, data: Delayed) -> None:
        community, channel = data.community, data.channel_ref
        if await self.store.answered_question(community, data.message):
            return
        t, _ = self.locale_for(community)
        await self.respond(
            self.port_for(community), t, channel, MessageRef(channel, data.message),
            MemberRef(community.platform, data.asker), data.asker_name,
            Decision(data.decision), data.entry or "", data.confidence,
            tuple(data.candidates), data.lang, data.text,
        )  # fmt: skip

    async def respond(
        self,
        port: PlatformPort,
        t: Translator,
        channel: ChannelRef,
        question: MessageRef,
        asker: MemberRef,
        asker_name: str,
        decision: Decision,
        entry_id: str,
        confidence: float,
        candidates: tuple[str, ...],
        lang: str | None,
        question_text: str = "",
    ) -> None:
        now = self.clock.now()
        if decision is Decision.ANSWER:
            entry = self.service.entry(entry_id, lang, t.locale)
            if entry is None:
                return
            earlier = await self.store.recent_answer(
                channel, entry_id, now - self.settings.cooldown, entry.lang
            )
            if earlier is not None and earlier.answer_message is not None:
                await self.store.record(
                    channel, decision="pointer", now=now, question_message=question.id,
                    asker=asker.id, entry_id=entry_id, confidence=confidence,
                    answer_message=earlier.answer_message, lang=entry.lang,
                    question_text=question_text,
                )  # fmt: skip
                await port.send(
                    channel,
                    OutgoingMessage(text(t("faq.seen_above", name=asker_name))),
                    reply_to=MessageRef(channel, earlier.answer_message),
                )
                return
            answer_id = await self.store.record(
                channel, decision="answer", now=now, question_message=question.id,
                asker=asker.id, entry_id=entry_id, confidence=confidence, candidates=candidates,
                lang=entry.lang, question_text=question_text,
            )  # fmt: skip
            sent = await port.send(
                channel, self.service.answer_message(entry, answer_id, t), reply_to=question
            )
            await self.store.set_message(answer_id, sent.id)
            return
        offered = [(c, self.service.entry(c, lang, t.locale)) for c in candidates]
        shown = [(c, e) for c, e in offered if e is not None]
        if not shown:
            return
        answer_id = await self.store.record(
            channel, decision="suggest", now=now, question_message=question.id, asker=asker.id,
            entry_id=entry_id, confidence=confidence, candidates=tuple(c for c, _ in shown),
            question_text=question_text,
        )  # fmt: skip
        buttons = tuple(
            Pick(answer=answer_id, number=number).button(label(entry.title))
            for number, (_, entry) in enumerate(shown)
        )
        desk = self.peer("desk", TicketOffer)
        if desk is not None:  # none of these: a person takes it
            buttons += (desk.ticket_button(t, answer_id),)
        sent = await port.send(
            channel, OutgoingMessage(text(t("faq.did_you_mean")), buttons), reply_to=question
        )
        await self.store.set_message(answer_id, sent.id)
