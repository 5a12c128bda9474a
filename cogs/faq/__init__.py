"""FAQ auto-answers and the quick-reply library, with feedback on every answer.

Member questions in chat are matched against ``faq/``: above the answer threshold the bot replies
with the entry, between the thresholds it offers "did you mean" buttons, below it stays silent.
Every answer carries "helped" / "didn't help" buttons; "didn't help" tells the helpers. Helpers
answer with an entry by id (``/quick``); ``/faq`` searches; ``/faqreload`` re-reads the folder.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from bot.config import optional_duration
from bot.content import ContentError, content_validator
from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context, Services
from bot.core.durations import parse_duration
from bot.core.errors import UserFacingError
from bot.core.events import ButtonPressed, CommandInvoked, MessagePosted
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef, Platform
from bot.core.messages import Button, OutgoingMessage
from bot.core.permissions import Level
from bot.core.port import PlatformPort
from bot.core.registry import Registry
from bot.core.richtext import Mention, RichText, bold, join_lines, text
from bot.i18n import Translator
from bot.scheduler import Deadline
from cogs.faq.entries import FaqLibrary, check_folder
from cogs.faq.matcher import Decision
from cogs.faq.service import PICK, SHOW, VOTE, FaqService, language_of
from cogs.faq.store import FaqStore

log = logging.getLogger(__name__)

DELAYED = "faq.delayed"

FAQ = CommandSpec(
    "faq", "faq.cmd_faq", (Param("query", ParamKind.TEXT, "faq.param_query", required=False),)
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


@content_validator("faq")
def _validate(folder: Path) -> list[str]:
    return check_folder(folder)


def setup(registry: Registry, services: Services) -> None:
    settings = services.config.faq
    service = FaqService(FaqLibrary(services.config.faq_dir), settings, services.clock)
    store = FaqStore(services.db)

    async def note_entries(titles: dict[str, str]) -> None:
        await store.note_entries(titles, services.clock.now())

    service.on_loaded = note_entries
    cooldown = parse_duration(settings.cooldown)
    delay = optional_duration(settings.answer_delay)

    async def start() -> None:
        service.mark_checked()
        problems = await service.load(force=True)
        if problems and not service.library.entries:
            raise ContentError(problems)

    registry.on_start(start)

    def enabled_in(channel: ChannelRef) -> bool:
        listed = settings.channels.get(str(channel.community))
        return listed is None or channel.id in listed

    def delayed_key(community: CommunityRef, message: str) -> str:
        return f"{community}:{message}"

    async def on_message(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, MessagePosted)
        if event.author.is_bot or not event.content.strip():
            return
        await service.refresh_if_due()
        if event.reply_to is not None:
            # A reply is a human answering: a delayed bot answer to that question is dropped.
            key = delayed_key(event.community, event.reply_to.id)
            if event.reply_to_author != event.author.ref and await services.scheduler.cancel(
                DELAYED, key
            ):
                log.info("faq: a member answered %s first; the bot stays silent", key)
            if event.reply_to_author is not None and event.reply_to_author != event.author.ref:
                return  # part of a conversation between members
        if not enabled_in(event.channel):
            return
        match = await service.decide(event.content)
        if match is None or not match.is_question:
            return
        if match.decision is Decision.SILENT:
            await store.record(
                event.channel, decision="silent", now=ctx.clock.now(),
                question_message=event.message.id, asker=event.author.ref.id,
                confidence=match.confidence,
            )  # fmt: skip
            return
        candidates = _offered(match.candidates, settings.suggest_threshold)
        if delay > timedelta(0):
            await services.scheduler.schedule(
                DELAYED,
                delayed_key(event.community, event.message.id),
                ctx.clock.now() + delay,
                {
                    "platform": event.community.platform.value,
                    "community": event.community.id,
                    "channel": event.channel.id,
                    "thread": event.channel.thread,
                    "message": event.message.id,
                    "asker": event.author.ref.id,
                    "asker_name": event.author.display_name,
                    "decision": match.decision.value,
                    "entry": match.entry_id,
                    "confidence": match.confidence,
                    "candidates": list(candidates),
                    "lang": language_of(event.content),
                },
            )
            return
        await respond(
            ctx.port, ctx.t, event.channel, event.message, event.author.ref,
            event.author.display_name, match.decision, match.entry_id or "", match.confidence,
            candidates, language_of(event.content),
        )  # fmt: skip

    async def on_delayed(deadline: Deadline) -> None:
        data = deadline.payload
        community = CommunityRef(Platform(data["platform"]), data["community"])
        channel = ChannelRef(community, data["channel"], data.get("thread"))
        if await store.answered_question(community, data["message"]):
            return
        t, _ = services.locale_for(community)
        await respond(
            services.port_for(community), t, channel, MessageRef(channel, data["message"]),
            MemberRef(community.platform, data["asker"]), data["asker_name"],
            Decision(data["decision"]), data["entry"] or "", float(data["confidence"]),
            tuple(data["candidates"]), data.get("lang"),
        )  # fmt: skip

    services.scheduler.on_deadline(DELAYED, on_delayed)

    async def respond(
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
    ) -> None:
        now = services.clock.now()
        if decision is Decision.ANSWER:
            entry = service.entry(entry_id, lang, t.locale)
            if entry is None:
                return
            earlier = await store.recent_answer(channel, entry_id, now - cooldown)
            if earlier is not None and earlier.answer_message is not None:
                await store.record(
                    channel, decision="pointer", now=now, question_message=question.id,
                    asker=asker.id, entry_id=entry_id, confidence=confidence,
                    answer_message=earlier.answer_message,
                )  # fmt: skip
                await port.send(
                    channel,
                    OutgoingMessage(text(t("faq.seen_above", name=asker_name))),
                    reply_to=MessageRef(channel, earlier.answer_message),
                )
                return
            answer_id = await store.record(
                channel, decision="answer", now=now, question_message=question.id,
                asker=asker.id, entry_id=entry_id, confidence=confidence, candidates=candidates,
            )  # fmt: skip
            sent = await port.send(
                channel, service.answer_message(entry, answer_id, t), reply_to=question
            )
            await store.set_message(answer_id, sent.id)
            return
        offered = [(c, service.entry(c, lang, t.locale)) for c in candidates]
        shown = [(c, e) for c, e in offered if e is not None]
        if not shown:
            return
        answer_id = await store.record(
            channel, decision="suggest", now=now, question_message=question.id, asker=asker.id,
            entry_id=entry_id, confidence=confidence, candidates=tuple(c for c, _ in shown),
        )  # fmt: skip
        buttons = tuple(
            Button(_label(entry.title), PICK, f"{answer_id}:{number}")
            for number, (_, entry) in enumerate(shown)
        )
        sent = await port.send(
            channel, OutgoingMessage(text(t("faq.did_you_mean")), buttons), reply_to=question
        )
        await store.set_message(answer_id, sent.id)

    async def on_pick(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        row_id, _, number = event.payload.partition(":")
        row = await store.get(int(row_id)) if row_id.isdigit() else None
        if row is None or not number.isdigit() or int(number) >= len(row.candidates):
            raise UserFacingError("button.expired")
        entry_id = row.candidates[int(number)]
        entry = service.entry(entry_id, None, ctx.t.locale)
        if entry is None:
            raise UserFacingError("button.expired")
        if not await store.set_outcome(row.id, f"picked:{entry_id}", only_if_unset=True):
            # Someone picked already: show this member the entry privately.
            await ctx.reply(service.render_answer(entry), ephemeral=True)
            return
        answer_id = await store.record(
            row.channel, decision="picked", now=ctx.clock.now(),
            question_message=row.question_message, asker=row.asker, entry_id=entry_id,
            confidence=row.confidence, answered_by=event.member.ref.id,
        )  # fmt: skip
        question = MessageRef(row.channel, row.question_message) if row.question_message else None
        sent = await ctx.port.send(
            row.channel, service.answer_message(entry, answer_id, ctx.t), reply_to=question
        )
        await store.set_message(answer_id, sent.id)
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

    async def on_vote(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        row_id, _, verdict = event.payload.partition(":")
        row = await store.get(int(row_id)) if row_id.isdigit() else None
        if row is None or verdict not in ("y", "n"):
            raise UserFacingError("button.expired")
        helped = verdict == "y"
        if not await store.vote(row.id, event.member.ref.id, helped, ctx.clock.now()):
            await ctx.reply(ctx.t("faq.already_voted"), ephemeral=True)
            return
        if helped:
            await ctx.reply(ctx.t("faq.thanks_helped"), ephemeral=True)
            return
        await ctx.reply(ctx.t("faq.thanks_missed"), ephemeral=True)
        if await store.claim_helpers(row.id, ctx.clock.now()):
            await tell_helpers(ctx, row.channel, row.entry_id or "?", event.member.ref,
                               event.member.display_name)  # fmt: skip

    async def tell_helpers(
        ctx: Context, channel: ChannelRef, entry_id: str, member: MemberRef, name: str
    ) -> None:
        entry = service.entry(entry_id, None, ctx.t.locale)
        title = entry.title if entry is not None else entry_id
        target = settings.helpers.get(str(channel.community))
        notice = text(
            ctx.t("faq.helpers_notice", title=title, id=entry_id, member=name, channel=channel.id)
        )
        if target is None:
            log.warning("faq: no helpers channel for %s: %s", channel.community, notice.plain())
            return
        await ctx.port.send(ChannelRef(channel.community, target), OutgoingMessage(notice))

    async def on_faq(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        if service.index is None:
            raise UserFacingError("faq.not_ready")
        await service.refresh_if_due()
        query = str(ctx.args.get("query") or "").strip()
        lang = language_of(query) if query else None
        if not query:
            await ctx.reply(topics(ctx.t, lang), ephemeral=True)
            return
        found = await service.search(query, 3)
        found = [(e, c) for e, c in found if c >= settings.suggest_threshold / 2]
        if not found:
            await ctx.reply(ctx.t("faq.no_match", query=query), ephemeral=True)
            return
        best, confidence = found[0]
        entry = service.entry(best, lang, ctx.t.locale)
        assert entry is not None
        channel = event.channel
        if confidence >= settings.answer_threshold:
            answer_id = await store.record(
                channel, decision="search", now=ctx.clock.now(), asker=event.author.ref.id,
                entry_id=best, confidence=confidence,
            )  # fmt: skip
            sent = await ctx.port.respond(event, service.answer_message(entry, answer_id, ctx.t))
            if sent is not None:
                await store.set_message(answer_id, sent.id)
            return
        lines: list[RichText | str] = [text(bold(ctx.t("faq.results_title", query=query)))]
        buttons = []
        for entry_id, _ in found:
            version = service.entry(entry_id, lang, ctx.t.locale)
            if version is not None:
                lines.append(f"• {version.title} ({entry_id})")
                buttons.append(Button(_label(version.title), SHOW, entry_id))
        await ctx.reply(join_lines(lines), buttons=buttons, ephemeral=True)

    def topics(t: Translator, lang: str | None) -> RichText:
        index = service.index
        if index is None or not len(index):
            return text(t("faq.topics_empty"))
        by_tag: dict[str, list[str]] = {}
        for entry_id in sorted(index.versions):
            entry = index.entry(entry_id, lang, t.locale)
            assert entry is not None
            tag = entry.tags[0] if entry.tags else t("faq.untagged")
            by_tag.setdefault(tag, []).append(f"{entry.title} ({entry_id})")
        lines: list[RichText | str] = [text(bold(t("faq.topics_title")))]
        for tag in sorted(by_tag):
            lines.append(text(bold(tag), ": ", "; ".join(by_tag[tag])))
        return join_lines(lines)

    async def on_show(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        entry = service.entry(event.payload, None, ctx.t.locale)
        if entry is None:
            raise UserFacingError("button.expired")
        answer_id = await store.record(
            event.channel, decision="search", now=ctx.clock.now(), asker=event.member.ref.id,
            entry_id=entry.id,
        )  # fmt: skip
        sent = await ctx.port.respond(event, service.answer_message(entry, answer_id, ctx.t))
        if sent is not None:
            await store.set_message(answer_id, sent.id)

    async def on_quick(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        entry_id = str(ctx.args["entry"]).strip().lower()
        member: MemberRef | None = ctx.args.get("member")
        if service.index is None:
            raise UserFacingError("faq.not_ready")
        entry = service.entry(entry_id, None, ctx.t.locale)
        if entry is None:
            raise UserFacingError("faq.unknown_entry", id=entry_id)
        if event.reply_to is None and member is None:
            raise UserFacingError("faq.quick_needs_target")
        asker = member or (
            MemberRef(event.community.platform, event.reply_to_author.id)
            if event.reply_to_author
            else None
        )
        answer_id = await store.record(
            event.channel, decision="quick", now=ctx.clock.now(),
            question_message=event.reply_to.id if event.reply_to else None,
            asker=asker.id if asker else None, entry_id=entry.id, confidence=1.0,
            answered_by=event.author.ref.id,
        )  # fmt: skip
        lead = (
            text(Mention(member, member.id), ", ", ctx.t("faq.quick_for"))
            if event.reply_to is None and member is not None
            else None
        )
        message = service.answer_message(entry, answer_id, ctx.t, lead)
        sent = await ctx.port.send(event.channel, message, reply_to=event.reply_to)
        await store.set_message(answer_id, sent.id)

    async def on_reload(ctx: Context) -> None:
        problems = await service.load(force=True)
        count = len(service.index) if service.index is not None else 0
        lines: list[RichText | str] = [ctx.t("faq.reloaded", count=count)]
        if problems:
            lines.append(ctx.t("faq.reload_problems"))
            lines.extend(f"• {problem}" for problem in problems[:10])
        await ctx.reply(join_lines(lines), ephemeral=True)

    registry.on(MessagePosted, on_message)
    registry.command(FAQ, on_faq)
    registry.command(QUICK, on_quick)
    registry.command(RELOAD, on_reload)
    registry.button(VOTE, on_vote)
    registry.button(PICK, on_pick)
    registry.button(SHOW, on_show)


def _offered(candidates: tuple[tuple[str, float], ...], suggest: float) -> tuple[str, ...]:
    """The suggestions worth a button: the best one, and others not far below the threshold."""
    return tuple(
        entry_id for n, (entry_id, c) in enumerate(candidates) if n == 0 or c >= suggest * 0.6
    )


def _label(title: str) -> str:
    return title if len(title) <= 60 else title[:59] + "…"
