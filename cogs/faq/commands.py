"""The FAQ's commands: /faq, /quick, /faqreload (a mixin of the feature)."""

from __future__ import annotations

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.events import ButtonPressed, CommandInvoked
from bot.core.feature import button, command
from bot.core.ids import MemberRef
from bot.core.permissions import Level
from bot.core.richtext import Mention, RichText, bold, join_lines, text
from bot.i18n import Translator
from cogs.faq.payloads import Show
from cogs.faq.review_chat import FaqReview
from cogs.faq.service import FaqService, label, language_of
from cogs.faq.store import FaqStore

FAQ = CommandSpec(
    "faq",
    "faq.cmd_faq",
    (Param("query", ParamKind.TEXT, "faq.param_query", required=False),),
    while_muted=True,
)
QUICK = CommandSpec(
    "quick",
    "faq.cmd_quick",
    (
        Param("entry", ParamKind.WORD, "faq.param_entry"),
        Param("member", ParamKind.MEMBER, "faq.param_member", required=False),
    ),
    level=Level.HELPER,
)
RELOAD = CommandSpec("faqreload", "faq.cmd_reload", level=Level.MODERATOR)


class FaqCommands(FaqReview):
    service: FaqService
    store: FaqStore

    @command(FAQ)
    async def on_faq(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        if self.service.index is None:
            raise UserFacingError("faq.not_ready")
        await self.service.refresh_if_due()
        query = str(ctx.args.get("query") or "").strip()
        actor = event.actor
        if query.casefold() == "misses" and actor is not None and actor.level >= Level.MODERATOR:
            await self.show_misses(ctx)
            return
        lang = language_of(query) if query else None
        # Entry ids are for staff (/quick ENTRY); members read titles in their language.
        staff = actor is not None and actor.level >= Level.HELPER
        if not query:
            await ctx.reply(self.topics(ctx.t, lang, staff=staff), ephemeral=True)
            return
        found = await self.service.search(query, 3)
        found = [(e, c) for e, c in found if c >= self.settings.suggest_threshold / 2]
        if not found:
            await ctx.reply(ctx.t("faq.no_match", query=query), ephemeral=True)
            return
        best, confidence = found[0]
        entry = self.service.entry(best, lang, ctx.t.locale)
        assert entry is not None
        channel = event.channel
        if confidence >= self.settings.answer_threshold:
            answer_id = await self.store.record(
                channel, decision="search", now=ctx.clock.now(), asker=event.author.ref.id,
                entry_id=best, confidence=confidence,
            )  # fmt: skip
            sent = await ctx.port.respond(
                event, self.service.answer_message(entry, answer_id, ctx.t)
            )
            if sent is not None:
                await self.store.set_message(answer_id, sent.id)
            return
        lines: list[RichText | str] = [text(bold(ctx.t("faq.results_title", query=query)))]
        buttons = []
        for entry_id, _ in found:
            version = self.service.entry(entry_id, lang, ctx.t.locale)
            if version is not None:
                lines.append(f"• {version.title}" + (f" ({entry_id})" if staff else ""))
                buttons.append(Show(entry=entry_id).button(label(version.title)))
        await ctx.reply(join_lines(lines), buttons=buttons, ephemeral=True)

    def topics(self, t: Translator, lang: str | None, *, staff: bool = False) -> RichText:
        index = self.service.index
        if index is None or not len(index):
            return text(t("faq.topics_empty"))
        by_tag: dict[str, list[str]] = {}
        for entry_id in sorted(index.versions):
            entry = index.entry(entry_id, lang, t.locale)
            assert entry is not None
            tag = entry.tags[0] if entry.tags else t("faq.untagged")
            by_tag.setdefault(tag, []).append(entry.title + (f" ({entry_id})" if staff else ""))
        lines: list[RichText | str] = [text(bold(t("faq.topics_title")))]
        for tag in sorted(by_tag):
            lines.append(text(bold(tag), ": ", "; ".join(by_tag[tag])))
        return join_lines(lines)

    @button(Show)
    async def on_show(self, ctx: Context, data: Show) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        entry = self.service.entry(data.entry, None, ctx.t.locale)
        if entry is None:
            raise UserFacingError("button.expired")
        answer_id = await self.store.record(
            event.channel, decision="search", now=ctx.clock.now(), asker=event.member.ref.id,
            entry_id=entry.id,
        )  # fmt: skip
        sent = await ctx.port.respond(event, self.service.answer_message(entry, answer_id, ctx.t))
        if sent is not None:
            await self.store.set_message(answer_id, sent.id)

    @command(QUICK)
    async def on_quick(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        entry_id = str(ctx.args["entry"]).strip().lower()
        member: MemberRef | None = ctx.args.get("member")
        if self.service.index is None:
            raise UserFacingError("faq.not_ready")
        entry = self.service.entry(entry_id, None, ctx.t.locale)
        if entry is None:
            raise UserFacingError("faq.unknown_entry", id=entry_id)
        if event.reply_to is None and member is None:
            raise UserFacingError("faq.quick_needs_target")
        asker = member or (
            MemberRef(event.community.platform, event.reply_to_author.id)
            if event.reply_to_author
            else None
        )
        answer_id = await self.store.record(
            event.channel, decision="quick", now=ctx.clock.now(),
            question_message=event.reply_to.id if event.reply_to else None,
            asker=asker.id if asker else None, entry_id=entry.id, confidence=1.0,
            answered_by=event.author.ref.id, lang=entry.lang,
        )  # fmt: skip
        lead = (
            text(Mention(member, member.id), ", ", ctx.t("faq.quick_for"))
            if event.reply_to is None and member is not None
            else None
        )
        message = self.service.answer_message(entry, answer_id, ctx.t, lead)
        sent = await ctx.port.send(event.channel, message, reply_to=event.reply_to)
        await self.store.set_message(answer_id, sent.id)

    @command(RELOAD)
    async def on_reload(self, ctx: Context) -> None:
        problems = await self.service.load(force=True)
        count = len(self.service.index) if self.service.index is not None else 0
        lines: list[RichText | str] = [ctx.t("faq.reloaded", count=count)]
        if problems:
            lines.append(ctx.t("faq.reload_problems"))
            lines.extend(f"• {problem}" for problem in problems[:10])
        await ctx.reply(join_lines(lines), ephemeral=True)
