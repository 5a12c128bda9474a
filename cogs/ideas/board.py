"""The board side of ideas: cards posted and edited in place, the roadmap message, status
changes with their notices (batched: one private message per member per ``notice_every``)."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.core.context import Services
from bot.core.feature import Feature, deadline
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef
from bot.core.messages import OutgoingMessage
from bot.core.richtext import text
from cogs.ideas.payloads import NoticesDue, Quiet
from cogs.ideas.render import card, card_buttons, notice, roadmap
from cogs.ideas.settings import IdeasSettings
from cogs.ideas.store import IdeaStore
from cogs.ideas.survey_store import SurveyStore
from cogs.ideas.tables import Idea

log = logging.getLogger(__name__)

ROADMAP_KEY = "ideas.roadmap.{community}"
MAX_NOTICE_LINES = 20


class IdeaBoard(Feature[IdeasSettings]):
    """Cards, roadmap, status changes and notices."""

    def __init__(self, services: Services, settings: IdeasSettings) -> None:
        super().__init__(services, settings)
        self.store = IdeaStore(services.db)
        self.surveys = SurveyStore(services.db)

    def board_channel(self, idea: Idea) -> ChannelRef:
        community = idea.ref
        name = self.settings.board_channels.get(community)
        if name:
            return ChannelRef(community, name)
        return ChannelRef(community, idea.channel or "", idea.thread)

    async def most_voters(self, community: CommunityRef) -> int:
        return await self.store.most_votes(community)

    async def card_message(self, idea: Idea, voters: int | None = None) -> OutgoingMessage:
        t, _ = self.locale_for(idea.ref)
        if voters is None:
            voters = len(await self.store.voters(idea.id))
        scored = idea.impact is not None and idea.cost is not None
        most = max(voters, await self.most_voters(idea.ref)) if scored else voters
        return OutgoingMessage(card(t, idea, voters, most), card_buttons(t, idea, voters))

    async def post_card(self, idea: Idea, reply_to: MessageRef | None = None) -> None:
        """Post the idea's card on the board (as a reply to the member's post when the board
        is where they posted)."""
        channel = self.board_channel(idea)
        if reply_to is not None and reply_to.channel != channel:
            reply_to = None
        sent = await self.port_for(idea.ref).send(
            channel, await self.card_message(idea), reply_to=reply_to
        )
        await self.store.update(
            idea.id, channel=channel.id, thread=channel.thread, message=sent.id
        )

    async def refresh_card(self, idea: Idea, voters: int | None = None) -> None:
        """Edit the card in place; a card deleted by hand is posted again."""
        if idea.message is None or idea.channel is None:
            return
        ref = MessageRef(ChannelRef(idea.ref, idea.channel, idea.thread), idea.message)
        try:
            await self.port_for(idea.ref).edit(ref, await self.card_message(idea, voters))
        except Exception:
            log.info("ideas: card of #%s gone; posting it again", idea.id, exc_info=True)
            await self.post_card(idea)

    async def refresh_roadmap(self, community: CommunityRef) -> None:
        """The roadmap message, edited in place (posted again if it was deleted)."""
        name = self.settings.roadmap_channels.get(community)
        if not name:
            return
        t, _ = self.locale_for(community)
        planned = await self.store.board(community, ("planned",))
        doing = await self.store.board(community, ("in_progress",))
        done = await self.store.board(community, ("done",))
        counts = await self.store.counts(i.id for i in (*planned, *doing, *done))
        body = OutgoingMessage(roadmap(t, planned, doing, done, counts, self.clock.now()))
        channel = ChannelRef(community, name)
        key = ROADMAP_KEY.format(community=community)
        port = self.port_for(community)
        known = await self.db.get_meta(key)
        if known:
            try:
                await port.edit(MessageRef(channel, known), body)
                return
            except Exception:
                log.info("ideas: roadmap of %s gone; posting it again", community)
        sent = await port.send(channel, body)
        await self.db.set_meta(key, sent.id)

    # -- status changes and notices --------------------------------------------------------

    async def change_status(
        self, idea: Idea, after: str, actor: str, reason: str, at: datetime
    ) -> Idea | None:
        """Move the idea (None when someone changed it meanwhile): its card, the roadmap,
        and a notice for its author, voters and followers (not the one who changed it)."""
        if not await self.store.set_status(idea, after, actor, reason, at):
            return None
        changed = await self.store.get(idea.id)
        assert changed is not None
        await self.refresh_card(changed)
        await self.refresh_roadmap(changed.ref)
        t, _ = self.locale_for(changed.ref)
        await self.tell(changed, notice(t, changed, reason), exclude={actor}, at=at)
        return changed

    async def tell(self, idea: Idea, line: str, *, exclude: set[str], at: datetime) -> None:
        """Queue ``line`` for the idea's author and audience; each member's batch is due at
        once, or ``notice_every`` after their last message."""
        members = ({idea.author} | await self.store.audience(idea.id)) - exclude
        members -= await self.surveys.quiet_members(idea.platform, "notices")
        await self.store.add_notices(idea.ref, idea.id, sorted(members), line, at)
        every = self.settings.notice_every
        for member in sorted(members):
            last = await self.store.last_notice(idea.ref, member)
            due = at if last is None or not every else max(at, last + every)
            await self.schedule(
                NoticesDue(community=idea.ref, member=member), f"{idea.ref}|{member}", due
            )

    @deadline(NoticesDue)
    async def notices_due(self, data: NoticesDue) -> None:
        community, now = data.community, self.clock.now()
        pending = await self.store.pending(community, data.member)
        if not pending:
            return
        ids = [row.id for row in pending]
        member = MemberRef(community.platform, data.member)
        if data.member in await self.surveys.quiet_members(community.platform.value, "notices"):
            await self.store.claim_notices(ids, now, "quiet")
            return
        # Claimed before sending: a second process (or a replay) sends nothing twice.
        if not await self.store.claim_notices(ids, now, "sent"):
            return
        t, _ = self.locale_for(community)
        lines = [t("ideas.notice_head")] + [row.text for row in pending[-MAX_NOTICE_LINES:]]
        message = OutgoingMessage(
            text("\n".join(lines)), (Quiet(what="notices").button(t("ideas.quiet_notices")),)
        )
        try:
            sent = await self.port_for(community).send_direct(community, member, message)
        except Exception:
            log.warning("ideas: notices to %s failed", data.member, exc_info=True)
            sent = None
        if sent is None:  # private messages closed, or the member left: not retried
            await self.store.set_outcome(ids, "refused")
