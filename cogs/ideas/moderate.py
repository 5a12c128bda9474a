"""``/ideas``: the board for everyone (top, quick wins, one idea, one's notices) and the
moderators' work on it (status, Impact/Cost, merge, a member's message as an idea, roadmap,
"you asked — we did")."""

from __future__ import annotations

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.events import Actor, CommandInvoked
from bot.core.feature import button, command
from bot.core.ids import ChannelRef, MemberRef
from bot.core.messages import OutgoingMessage
from bot.core.permissions import Level
from bot.core.words import canonical
from bot.storage.directory import known_name, still_here
from cogs.ideas.intake import IdeaIntake, split_idea
from cogs.ideas.payloads import Approve
from cogs.ideas.priority import ranked
from cogs.ideas.render import loop_draft, loop_post
from cogs.ideas.tables import OPEN, STATUSES, Idea

ACTIONS = ("top", "quickwins", "show", "status", "score", "merge", "from", "roadmap", "loop",
           "notices")  # fmt: skip
FOR_MODERATORS = ("status", "score", "merge", "from", "roadmap", "loop")
IDEAS = CommandSpec(
    "ideas", "ideas.cmd.ideas",
    (
        Param("action", ParamKind.CHOICE, "ideas.param.action", choices=ACTIONS),
        Param("number", ParamKind.INTEGER, "ideas.param.number", required=False, min_value=1),
        Param("details", ParamKind.TEXT, "ideas.param.details", required=False),
    ),
)  # fmt: skip
SETTABLE = tuple(s for s in STATUSES if s != "duplicate")


OFF_WORDS = frozenset({"off", "no", "0"})
"""What turns notices off (and its translations: ``canonical``)."""


class IdeaModeration(IdeaIntake):
    """The ``/ideas`` command and the approval of "you asked — we did"."""

    @command(IDEAS)
    async def ideas_command(self, ctx: Context) -> None:
        action = str(ctx.args["action"])
        actor = ctx.event.actor
        assert actor is not None
        if action in FOR_MODERATORS and actor.level < Level.MODERATOR:
            raise UserFacingError("ideas.moderators_only", action=action)
        number = ctx.args.get("number")
        details = " ".join(str(ctx.args.get("details") or "").split())
        words = details.split()
        t = ctx.t
        if action in ("top", "quickwins"):
            await ctx.reply(await self.listing(ctx, quick=action == "quickwins"), ephemeral=True)
        elif action == "notices":
            on = canonical((words[:1] or ["on"])[0]) not in OFF_WORDS
            await self.surveys.set_quiet(actor.ref, "notices", not on)
            await ctx.reply(t("ideas.notices_on" if on else "ideas.notices_off"), ephemeral=True)
        elif action == "from":
            await self.from_message(ctx, details)
        elif action == "roadmap":
            await self.refresh_roadmap(ctx.event.community)
            await ctx.reply(t("ideas.roadmap_refreshed"), ephemeral=True)
        elif action == "loop":
            await self.show_loop(ctx, details)
        else:
            idea = await self.idea_here(ctx, _number(number))
            if action == "show":
                message = await self.card_message(idea)
                await ctx.reply(message.text, ephemeral=True)
            elif action == "status":
                await self.set_status(ctx, idea, words, actor)
            elif action == "score":
                await self.score(ctx, idea, words)
            elif action == "merge":
                target = await self.idea_here(
                    ctx, _number(words[0].lstrip("#") if words else None)
                )
                await self.merge(ctx, idea, target, actor)

    async def listing(self, ctx: Context, *, quick: bool) -> str:
        board = await self.store.board(ctx.event.community, OPEN)
        counts = await self.store.counts(i.id for i in board)
        by_id = {i.id: i for i in board}
        scored = ranked([(i.id, i.impact, i.cost, counts.get(i.id, 0)) for i in board])
        if quick:
            scored = [(n, p) for n, p in scored if p.quadrant == "quick_win"]
        lines = [ctx.t("ideas.quick_head" if quick else "ideas.top_head")]
        for number, found in scored[:10]:
            idea = by_id[number]
            lines.append(ctx.t("ideas.top_line", idea=number, title=idea.title,
                               score=found.score, count=counts.get(number, 0),
                               quadrant=ctx.t(f"ideas.quadrant.{found.quadrant}")))  # fmt: skip
        unscored = [i for i in board if i.impact is None or i.cost is None]
        if not quick and unscored:
            unscored.sort(key=lambda i: (-counts.get(i.id, 0), i.id))
            lines.append(ctx.t("ideas.unscored_head"))
            lines += [ctx.t("ideas.unscored_line", idea=i.id, title=i.title,
                            count=counts.get(i.id, 0)) for i in unscored[:10]]  # fmt: skip
        if len(lines) == 1:
            lines.append(ctx.t("ideas.none_yet"))
        return "\n".join(lines)

    async def set_status(self, ctx: Context, idea: Idea, words: list[str], actor: Actor) -> None:
        wanted = (words[:1] or [""])[0].lower().replace("-", "_")
        if wanted not in SETTABLE:
            raise UserFacingError("ideas.bad_status", statuses=", ".join(SETTABLE))
        if idea.status == "duplicate":
            raise UserFacingError("ideas.closed", idea=idea.id)
        reason = " ".join(words[1:])[:500]
        if wanted == "declined" and not reason:
            raise UserFacingError("ideas.reason_needed")
        if wanted == idea.status:
            raise UserFacingError("ideas.same_status", idea=idea.id)
        changed = await self.change_status(idea, wanted, actor.ref.id, reason, ctx.clock.now())
        if changed is None:
            raise UserFacingError("ideas.changed_meanwhile", idea=idea.id)
        await ctx.reply(ctx.t("ideas.status_set", idea=idea.id,
                              status=ctx.t(f"ideas.status.{wanted}")))  # fmt: skip

    async def score(self, ctx: Context, idea: Idea, words: list[str]) -> None:
        values = [w for w in words[:2] if w.isdigit() and 1 <= int(w) <= 5]
        if len(values) != 2:
            raise UserFacingError("ideas.score_usage")
        impact, cost = (int(v) for v in values)
        await self.store.update(idea.id, impact=impact, cost=cost)
        changed = await self.store.get(idea.id)
        assert changed is not None
        await self.refresh_card(changed)
        await ctx.reply(ctx.t("ideas.scored", idea=idea.id, impact=impact, cost=cost),
                        ephemeral=True)  # fmt: skip

    async def merge(self, ctx: Context, source: Idea, target: Idea, actor: Actor) -> None:
        if source.id == target.id:
            raise UserFacingError("ideas.merge_self", idea=source.id)
        if not target.is_open:
            raise UserFacingError("ideas.closed", idea=target.id)
        now = ctx.clock.now()
        if not await self.store.merge(source, target, actor.ref.id, now):
            raise UserFacingError("ideas.closed", idea=source.id)
        for idea_id in (source.id, target.id):
            fresh = await self.store.get(idea_id)
            assert fresh is not None
            await self.refresh_card(fresh)
        t, _ = self.locale_for(source.ref)
        line = t("ideas.merged_notice", idea=source.id, into=target.id, title=target.title)
        await self.tell(source, line, exclude={actor.ref.id}, at=now)
        await ctx.reply(ctx.t("ideas.merged", idea=source.id, into=target.id))

    async def from_message(self, ctx: Context, title: str) -> None:
        """A member's message (replied to) becomes an idea; the credit stays theirs."""
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        if event.reply_to is None or event.reply_to_author is None:
            raise UserFacingError("ideas.from_reply")
        member = event.reply_to_author
        name = await known_name(self.db, event.community, member.id) or member.id
        title, details = split_idea(title) if title else (ctx.t("ideas.from_title"), "")
        self.check_text(title, details)
        idea_id = await self.create(event.community, Actor(member, name), title, details,
                                    "staff", event.channel, ctx.clock.now())  # fmt: skip
        await self.publish(idea_id, event.reply_to)
        await ctx.reply(ctx.t("ideas.from_done", idea=idea_id, member=name))

    # -- "you asked — we did" ----------------------------------------------------------------

    async def show_loop(self, ctx: Context, body: str) -> None:
        """The current draft (made from the shipped ideas no post has thanked yet), or a new
        body for it; an Approve button posts it."""
        community, t = ctx.event.community, ctx.t
        shipped = await self.store.unlooped_done(community)
        if not shipped:
            raise UserFacingError("ideas.loop_nothing")
        ids = ",".join(str(i.id) for i in shipped)
        draft = await self.store.open_loop(community, "loop")
        if draft is None:
            loop_id = await self.store.draft_loop(
                community, "loop", f"{ctx.clock.now():%Y%m%d%H%M}", [i.id for i in shipped],
                loop_draft(t, shipped), ctx.clock.now(),
            )  # fmt: skip
        else:
            loop_id = int(draft["id"])
            if draft["ideas"] != ids:  # more ideas shipped since: drafted again
                await self.store.set_loop(loop_id, ideas=ids, text=loop_draft(t, shipped))
        if body:
            await self.store.set_loop(loop_id, text=body[:3000])
        found = await self.store.loop(loop_id)
        authors = await self.authors(found["ideas"])
        preview = loop_post(t, t("ideas.loop_title"), str(found["text"]), authors)
        await ctx.reply(
            t("ideas.loop_preview") + "\n\n" + preview.plain(),
            buttons=(Approve(loop=loop_id).button(t("ideas.loop_approve")),),
        )

    async def authors(self, idea_list: str) -> list[tuple[MemberRef, str, bool]]:
        out = []
        for raw in idea_list.split(","):
            idea = await self.store.get(int(raw)) if raw.isdigit() else None
            if idea is not None:
                present = await still_here(self.db, idea.ref, idea.author)
                out.append((idea.author_ref, idea.author_name, present))
        return out

    @button(Approve)
    async def approve(self, ctx: Context, data: Approve) -> None:
        found = await self.store.loop(data.loop)
        community = ctx.event.community
        if (
            found is None
            or found["platform"] != community.platform.value
            or (found["community"] != community.id)
        ):
            raise UserFacingError("ideas.no_loop")
        now = ctx.clock.now()
        if not await self.store.claim_loop(data.loop, now):
            raise UserFacingError("ideas.loop_posted")
        t = ctx.t
        authors = await self.authors(found["ideas"])
        post = loop_post(t, t("ideas.loop_title"), str(found["text"]), authors)
        name = self.settings.loop_channels.get(community) or self.settings.board_channels.get(
            community
        )
        channel = ChannelRef(community, name) if name else ctx.event.channel_ref
        assert channel is not None
        try:
            sent = await ctx.port.send(channel, OutgoingMessage(post))
        except Exception:
            await self.store.set_loop(data.loop, status="draft", posted_at=None)
            raise
        await self.store.set_loop(data.loop, message=sent.id)
        ids = [int(n) for n in str(found["ideas"]).split(",") if n.isdigit()]
        await self.store.mark_looped(ids, now)
        await ctx.reply(t("ideas.loop_sent"), ephemeral=True)


def _number(value: object) -> int:
    text = str(value or "")
    if not text.isdigit() or len(text) > 15:
        raise UserFacingError("ideas.which_idea")
    return int(text)
