"""Posting a poll (native, buttons or reactions) and closing it once: the base of the feature."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.capabilities import Capability
from bot.core.context import Services
from bot.core.errors import NotSupported
from bot.core.feature import Feature, deadline
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef, Platform
from bot.core.messages import Button, ButtonStyle, OutgoingMessage, PollSpec
from bot.core.port import PlatformPort, SentPoll
from bot.core.richtext import RichText, bold, join_lines, text
from bot.i18n import Translator
from cogs.polls.logic import REACTION_EMOJI, PollRequest, bar_chart
from cogs.polls.payloads import PollClose, Vote
from cogs.polls.settings import PollsSettings
from cogs.polls.store import Poll, PollStore

log = logging.getLogger(__name__)

NATIVE_MIN = timedelta(seconds=15)


class PollPublisher(Feature[PollsSettings]):
    """Stores, posts and closes polls; the feature's commands and quiz series build on it."""

    def __init__(self, services: Services, settings: PollsSettings) -> None:
        super().__init__(services, settings)
        self.store = PollStore(services.db)
        self.names: dict[str, str] = {}
        """Member id -> display name, from votes seen by this process (for leaderboards)."""
        for platform in Platform:
            services.native_polls[platform] = self._locator(platform)

    async def publish(
        self,
        port: PlatformPort,
        channel: ChannelRef,
        created_by: str,
        request: PollRequest,
        correct: int | None,
        explanation: str | None,
    ) -> int:
        """Store a poll, schedule its closing, and post it; returns its id."""
        store = self.store
        community = channel.community
        now = self.clock.now()
        native = _native_fits(port, request, correct)
        reactions = request.reactions and Capability.REACTIONS in port.capabilities
        kind = "native" if native else "reactions" if reactions else "buttons"
        closes_at = now + request.duration
        poll_id = await store.create(
            platform=community.platform.value, community=community.id, channel=channel.id,
            thread=channel.thread, kind=kind, question=request.question,
            options=list(request.options), multiple=request.multiple and correct is None,
            anonymous=request.anonymous, correct=correct, explanation=explanation,
            created_by=created_by, created_at=now, closes_at=closes_at)  # fmt: skip
        await self.schedule(PollClose(poll=poll_id), str(poll_id), closes_at, community=community)
        poll = await store.get(poll_id)
        assert poll is not None
        if kind == "native":
            sent = await port.send_poll(channel, PollSpec(
                request.question, request.options, multiple_choice=poll.multiple,
                anonymous=request.anonymous, closes_at=closes_at, correct_option=correct,
                explanation=explanation))  # fmt: skip
            await store.set_message(poll_id, sent.message.id, sent.poll_id)
            return poll_id
        t, tz = self.locale_for(community)
        body = _poll_text(t, poll, closes_at, tz)
        ref = await port.send(
            channel, OutgoingMessage(body, _buttons(poll) if kind == "buttons" else ())
        )
        await store.set_message(poll_id, ref.id, None)
        if kind == "reactions":
            for emoji in REACTION_EMOJI[: len(poll.options)]:
                await port.add_reaction(ref, emoji)
        return poll_id

    # -- closing ------------------------------------------------------------------------------

    @deadline(PollClose)
    async def close(self, data: PollClose) -> None:
        store = self.store
        poll = await store.get(data.poll)
        if poll is None:
            return
        if poll.closed_at is None:
            if not await store.claim_close(poll.id, self.clock.now()):
                return
        elif poll.results_message is not None:
            return  # results already posted
        community = poll.community_ref
        port = self.port_for(community)
        channel = ChannelRef(community, poll.channel, poll.thread)
        if poll.kind == "native" and poll.message and poll.native_id:
            with contextlib.suppress(NotSupported):
                await port.close_poll(SentPoll(MessageRef(channel, poll.message), poll.native_id))
        t, _ = self.locale_for(community)
        counts, voters = await store.counts(poll)
        results = _results_text(t, poll, counts, voters)
        reply_to = MessageRef(channel, poll.message) if poll.message else None
        if not await store.claim_results(poll.id):
            log.warning("poll %s: its results were being posted when the bot stopped; not"
                        " posting them again", poll.id)  # fmt: skip
            return
        try:
            sent = await port.send(channel, OutgoingMessage(results), reply_to=reply_to)
        except Exception:
            await store.release_results(poll.id)  # the platform refused: try again later
            raise
        await store.set_results_message(poll.id, sent.id)

    # -- for adapters and erasure ---------------------------------------------------------------

    def _locator(self, platform: Platform) -> Callable[[str], Awaitable[ChannelRef | None]]:
        async def where(native_id: str) -> ChannelRef | None:
            poll = await self.store.by_native(platform.value, native_id)
            if poll is None:
                return None
            return ChannelRef(CommunityRef(platform, poll.community), poll.channel, poll.thread)

        return where

    async def forget_member(self, member: MemberRef) -> int:
        self.names.pop(member.id, None)
        return await self.store.forget(member.platform.value, member.id)


def _native_fits(port: PlatformPort, request: PollRequest, correct: int | None) -> bool:
    """Native polls where the platform has them and they fit (Telegram: quizzes too)."""
    capabilities = port.capabilities
    if Capability.NATIVE_POLLS not in capabilities or request.reactions:
        return False
    if correct is not None and Capability.NATIVE_QUIZZES not in capabilities:
        return False
    return request.duration >= max(NATIVE_MIN, port.native_poll_min)


def _buttons(poll: Poll) -> tuple[Button, ...]:
    return tuple(
        Vote(poll=poll.id, option=index).button(option[:80], ButtonStyle.PRIMARY)
        for index, option in enumerate(poll.options)
    )


def _poll_text(t: Translator, poll: Poll, closes_at: datetime, tz: ZoneInfo) -> RichText:
    when = t.datetime(closes_at, tz)
    head = "polls.quiz_head" if poll.correct is not None else "polls.head"
    lines: list[RichText | str] = [text(bold(t(head, question=poll.question)))]
    if poll.kind == "reactions":
        lines += [f"{REACTION_EMOJI[i]} {option}" for i, option in enumerate(poll.options)]
    if poll.correct is not None:
        hint = "polls.hint_quiz"  # one answer, final
    elif poll.kind == "reactions":
        hint = "polls.hint_reactions"
    else:
        hint = "polls.hint_multi" if poll.multiple else "polls.hint_single"
    lines.append(t(hint, when=when))
    if poll.anonymous:
        lines.append(t("polls.anonymous_note"))
    return join_lines(lines)


def _results_text(t: Translator, poll: Poll, counts: list[int], voters: int) -> RichText:
    head = "polls.quiz_results" if poll.correct is not None else "polls.results"
    lines: list[RichText | str] = [text(bold(t(head, question=poll.question)))]
    lines += bar_chart(poll.options, counts)
    lines.append(t("polls.turnout", count=voters))
    if poll.correct is not None:
        lines.append(t("polls.quiz_answer", answer=poll.options[poll.correct]))
        if poll.explanation:
            lines.append(poll.explanation)
    lines.append(t("polls.next_step"))
    return join_lines(lines)
