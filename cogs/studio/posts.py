"""``/post``: drafts from templates, edits, the checklist, preview, approval by a second person,
scheduling in the community's time zone (a durable deadline, published exactly once), and the
feedback buttons under every published post."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context, Services
from bot.core.durations import parse_duration
from bot.core.errors import UserFacingError
from bot.core.feature import Feature, button, command, deadline
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef
from bot.core.messages import Button, ButtonStyle, OutgoingMessage
from bot.core.permissions import Level
from bot.core.richtext import text
from bot.core.words import canonical
from bot.i18n import Translator
from cogs.faq.api import render_markdown
from cogs.studio.checklist import LIMITS, Finding, blocked, check
from cogs.studio.draft import Post
from cogs.studio.payloads import PublishDue, Useful
from cogs.studio.settings import StudioSettings
from cogs.studio.store import StudioStore
from cogs.studio.tables import StoredPost
from cogs.studio.templates import Template, load_templates, template_names, version

log = logging.getLogger(__name__)

ACTIONS = ("new", "fill", "edit", "channels", "check", "preview", "approve", "schedule",
           "cancel", "list")  # fmt: skip
POST = CommandSpec(
    "post", "studio.cmd.post",
    (
        Param("action", ParamKind.CHOICE, "studio.param.action", choices=ACTIONS),
        Param("number", ParamKind.INTEGER, "studio.param.number", required=False, min_value=1),
        Param("details", ParamKind.TEXT, "studio.param.details", required=False),
    ),
    level=Level.MODERATOR,
)  # fmt: skip
MAX_BODY = 8000


def render_findings(t: Translator, findings: list[Finding]) -> str:
    if not findings:
        return t("studio.check_pass")
    marks = {"block": "⛔", "warn": "⚠️"}
    return "\n".join(
        f"{marks.get(f.verdict, '•')} {t(f'studio.check.{f.key}', **f.params)}" for f in findings
    )


def local_time(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """ "now" (сейчас, ახლა), a duration from now ("2h"), or "YYYY-MM-DD HH:MM" in the
    community's zone — refused when it is past or falls in a daylight-saving gap."""
    text = text.strip()
    if canonical(text) == "now":
        return now
    try:
        return now + parse_duration(text)
    except ValueError:
        pass
    try:
        naive = datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        raise UserFacingError("studio.bad_time", text=text) from None
    moment = naive.replace(tzinfo=tz)
    if moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise UserFacingError("studio.time_gap", text=text)
    if moment < now - timedelta(minutes=1):
        raise UserFacingError("studio.time_past", text=text)
    return moment.astimezone(UTC)


class StudioPosts(Feature[StudioSettings]):
    """Drafts, approval, scheduling and publishing."""

    def __init__(self, services: Services, settings: StudioSettings) -> None:
        super().__init__(services, settings)
        self.store = StudioStore(services.db)
        self.templates: dict[str, Template] = {}

    def load(self) -> list[str]:
        self.templates, problems = load_templates(self.config.resolve(self.settings.templates))
        return problems

    def body_of(self, post: StoredPost) -> str:
        if post.body is not None:
            return post.body
        template = self.templates.get(post.template or "")
        return "" if template is None else template.fill(json.loads(post.fields))

    def as_post(self, stored: StoredPost) -> Post:
        template = self.templates.get(stored.template or "")
        return Post(
            body=self.body_of(stored), heavy=stored.heavy,
            next_step=template.next_step if template else "",
            owner=stored.author_name, answer_within=self.settings.answer_within,
        )  # fmt: skip

    @command(POST)
    async def post_command(self, ctx: Context) -> None:
        action = str(ctx.args["action"])
        details = str(ctx.args.get("details") or "").strip()
        if action == "new":
            await self.new(ctx, details)
            return
        if action == "list":
            await self.list_posts(ctx)
            return
        post = await self.post_here(ctx, ctx.args.get("number"))
        handler = {"fill": self.fill, "edit": self.edit, "channels": self.set_channels,
                   "check": self.run_check, "preview": self.preview, "approve": self.approve,
                   "schedule": self.schedule_post, "cancel": self.cancel_post}[action]  # fmt: skip
        await handler(ctx, post, details)

    async def post_here(self, ctx: Context, number: object) -> StoredPost:
        text = str(number or "")
        if not text.isdigit():
            raise UserFacingError("studio.which_post")
        post = await self.store.get(int(text))
        if post is None or not post.belongs_to(ctx.event.community):
            raise UserFacingError("studio.no_post", post=text)
        return post

    async def new(self, ctx: Context, name: str) -> None:
        template = version(self.templates, name.lower(), ctx.t.locale)
        if not name:  # a blank draft, written with /post edit
            template = Template(name="", title="—", body="", fields=())
        if template is None:
            known = ", ".join(template_names(self.templates)) or "—"
            raise UserFacingError("studio.no_template", name=name or "—", known=known)
        actor, channel = ctx.event.actor, ctx.event.channel_ref
        assert actor is not None and channel is not None
        post_id = await self.store.create(
            ctx.event.community, author=actor.ref.id, author_name=actor.display_name,
            template=template.name or None, body=None if template.name else "",
            fields="{}", heavy=template.heavy, channels=channel.id,
            status="draft", created_at=ctx.clock.now(), messages="", version=1,
        )  # fmt: skip
        await ctx.reply(ctx.t("studio.created", post=post_id, template=template.title),
                        ephemeral=True)  # fmt: skip
        post = await self.store.get(post_id)
        assert post is not None
        await self.ask_next(post, ctx.event.message_ref)

    async def ask_next(self, post: StoredPost, reply_to: MessageRef | None) -> bool:
        """Ask the author for the next empty field (the guided flow; see guided.py)."""
        return False

    async def fill(self, ctx: Context, post: StoredPost, details: str) -> None:
        self.must_be_draft(post)
        name, _, value = details.partition(" ")
        template = self.templates.get(post.template or "")
        known = {n for n, _ in template.fields} if template else set()
        if name not in known or not value.strip():
            raise UserFacingError("studio.fill_usage", fields=", ".join(sorted(known)) or "—")
        values = json.loads(post.fields)
        values[name] = value.strip()[:MAX_BODY]
        await self.save(post, fields=json.dumps(values, ensure_ascii=False), approved_by=None)
        missing = template.missing(values) if template else []
        key = "studio.filled_missing" if missing else "studio.filled"
        await ctx.reply(ctx.t(key, post=post.id, missing=", ".join(missing)), ephemeral=True)

    async def edit(self, ctx: Context, post: StoredPost, details: str) -> None:
        self.must_be_draft(post)
        if not details:
            raise UserFacingError("studio.edit_usage")
        if len(details) > MAX_BODY:
            raise UserFacingError("studio.too_long", limit=MAX_BODY, length=len(details))
        await self.save(post, body=details, approved_by=None)
        await ctx.reply(ctx.t("studio.edited", post=post.id), ephemeral=True)

    async def set_channels(self, ctx: Context, post: StoredPost, details: str) -> None:
        self.must_be_draft(post)
        names = [n.lstrip("#") for n in details.replace(",", " ").split()]
        if not names or len(names) > 10:
            raise UserFacingError("studio.channels_usage")
        for name in names:
            self.target(post, name)  # a community elsewhere must be linked with this one
        await self.save(post, channels=",".join(dict.fromkeys(names)))
        await ctx.reply(ctx.t("studio.channels_set", post=post.id, channels=", ".join(names)),
                        ephemeral=True)  # fmt: skip

    def target(self, post: StoredPost, entry: str) -> ChannelRef:
        """A channel of the post's community (``news``), or of a linked community on any
        platform (``discord:123456/news``)."""
        key, slash, name = entry.rpartition("/")
        if not slash:
            return ChannelRef(post.ref, entry)
        try:
            community = CommunityRef.parse(key)
        except ValueError:
            raise UserFacingError("studio.bad_channel", channel=entry) from None
        if not name or not self.linked(post.ref, community):
            raise UserFacingError("studio.not_linked", channel=entry)
        return ChannelRef(community, name)

    def linked(self, mine: CommunityRef, other: CommunityRef) -> bool:
        return mine == other or any(
            mine in group and other in group for group in self.settings.linked
        )

    async def save(self, post: StoredPost, **values: object) -> None:
        if not await self.store.update(post, **values):
            raise UserFacingError("studio.changed_meanwhile", post=post.id)

    @staticmethod
    def must_be_draft(post: StoredPost) -> None:
        """Drafts can change; so can a column's post until it goes out (its owner fills it)."""
        editable = (
            ("draft", "approved", "scheduled") if post.column_name else ("draft", "approved")
        )
        if post.status not in editable:
            raise UserFacingError("studio.not_draft", post=post.id)

    async def run_check(self, ctx: Context, post: StoredPost, details: str) -> None:
        findings = check(self.as_post(post), self.settings)
        await ctx.reply(render_findings(ctx.t, findings), ephemeral=True)

    async def preview(self, ctx: Context, post: StoredPost, details: str) -> None:
        """The post as it will go out, and how each platform will carry it."""
        body = render_markdown(self.body_of(post))
        length = len(body.plain())
        notes = [ctx.t("studio.preview_parts", platform=platform.title(), limit=limit,
                       count=-(-length // limit) or 1)
                 for platform, limit in LIMITS.items()]  # fmt: skip
        await ctx.reply(body, buttons=self.feedback_buttons(ctx.t, post.id), ephemeral=True)
        await ctx.reply("\n".join(notes), ephemeral=True)

    async def approve(self, ctx: Context, post: StoredPost, details: str) -> None:
        actor = ctx.event.actor
        assert actor is not None
        self.must_be_draft(post)
        if self.settings.approval == "second_person" and actor.ref.id == post.author:
            raise UserFacingError("studio.own_approval")
        await self.ready(ctx.t, post)
        await self.save(post, status="approved", approved_by=actor.ref.id)
        await ctx.reply(ctx.t("studio.approved", post=post.id, name=actor.display_name))

    async def unready(self, t: Translator, post: StoredPost) -> bool:
        try:
            await self.ready(t, post)
        except UserFacingError:
            return True
        return False

    async def ready(self, t: Translator, post: StoredPost) -> None:
        template = self.templates.get(post.template or "")
        if post.body is None and template is not None:
            missing = template.missing(json.loads(post.fields))
            if missing:
                raise UserFacingError("studio.unfilled", post=post.id, missing=", ".join(missing))
        findings = check(self.as_post(post), self.settings)
        if blocked(findings):
            reasons = render_findings(t, [f for f in findings if f.verdict == "block"])
            raise UserFacingError("studio.blocked", post=post.id, reasons=reasons)

    async def schedule_post(self, ctx: Context, post: StoredPost, details: str) -> None:
        if self.settings.approval == "second_person" and post.status != "approved":
            raise UserFacingError("studio.needs_approval", post=post.id)
        self.must_be_draft(post)
        await self.ready(ctx.t, post)
        when = local_time(details or "now", ctx.clock.now(), ctx.tz)
        await self.save(post, status="scheduled", publish_at=when)
        await self.schedule(PublishDue(community=post.ref, post=post.id), str(post.id), when)
        await ctx.reply(ctx.t("studio.scheduled", post=post.id,
                              when=ctx.t.datetime(when, ctx.tz)))  # fmt: skip

    async def cancel_post(self, ctx: Context, post: StoredPost, details: str) -> None:
        if post.status not in ("draft", "approved", "scheduled"):
            raise UserFacingError("studio.not_draft", post=post.id)
        if not await self.store.claim(post.id, post.status, "cancelled"):
            raise UserFacingError("studio.changed_meanwhile", post=post.id)
        await self.cancel(PublishDue, str(post.id))
        await ctx.reply(ctx.t("studio.cancelled", post=post.id), ephemeral=True)

    async def list_posts(self, ctx: Context) -> None:
        found = await self.store.listing(ctx.event.community, ("draft", "approved", "scheduled"))
        if not found:
            await ctx.reply(ctx.t("studio.none"), ephemeral=True)
            return
        lines = [ctx.t("studio.list_line", post=p.id, status=ctx.t(f"studio.status.{p.status}"),
                       title=self.body_of(p).split("\n")[0][:60],
                       when=ctx.t.datetime(p.publish_at, ctx.tz) if p.publish_at else "—")
                 for p in found[:25]]  # fmt: skip
        await ctx.reply("\n".join(lines), ephemeral=True)

    # -- publishing ------------------------------------------------------------------------

    @staticmethod
    def feedback_buttons(t: Translator, post_id: int) -> tuple[Button, ...]:
        return (
            Useful(post=post_id, verdict="y").button(t("studio.useful"), ButtonStyle.SUCCESS),
            Useful(post=post_id, verdict="n").button(t("studio.not_useful")),
        )

    @deadline(PublishDue)
    async def publish_due(self, data: PublishDue) -> None:
        post = await self.store.get(data.post)
        if post is None or not post.belongs_to(data.community):
            return
        t, _ = self.locale_for(post.ref)
        if post.column_name and post.status == "scheduled" and await self.unready(t, post):
            # A column nobody filled (or that fails the checklist) is skipped, never sent empty.
            if await self.store.claim(post.id, "scheduled", "skipped"):
                note = t("studio.column_skipped", column=post.column_name, post=post.id)
                await self.port_for(post.ref).send_direct(
                    post.ref,
                    MemberRef(post.ref.platform, post.author),
                    OutgoingMessage(text(note)),
                )
            return
        # Claimed before anything is sent: a replayed deadline or a second process sends nothing.
        if not await self.store.claim(post.id, "scheduled", "publishing"):
            return
        message = OutgoingMessage(render_markdown(self.body_of(post)),
                                  self.feedback_buttons(t, post.id))  # fmt: skip
        port = self.port_for(post.ref)
        sent: list[str] = []
        for name in post.channel_list:
            try:
                channel = self.target(post, name)
                ref = await self.port_for(channel.community).send(channel, message)
            except Exception:
                log.warning("studio: post %s could not go to %s", post.id, name, exc_info=True)
                continue
            sent.append(f"{name}|{ref.id}")
        await self.store.claim(post.id, "publishing", "published",
                               published_at=self.clock.now(), messages=",".join(sent))  # fmt: skip
        reached = {item.partition("|")[0] for item in sent}
        missing = [name for name in post.channel_list if name not in reached]
        if missing:  # a channel deleted since: the author hears which
            note = t("studio.channel_gone", post=post.id, channels=", ".join(missing))
            author = MemberRef(post.ref.platform, post.author)
            await port.send_direct(post.ref, author, OutgoingMessage(text(note)))

    @button(Useful)
    async def useful(self, ctx: Context, data: Useful) -> None:
        actor = ctx.event.actor
        assert actor is not None
        post = await self.store.get(data.post)
        if post is None or not self.linked(post.ref, ctx.event.community):
            raise UserFacingError("studio.no_post", post=data.post)
        if not await self.store.rate(post.id, actor.ref.id, data.verdict == "y", ctx.clock.now()):
            raise UserFacingError("studio.rated_already")
        await ctx.reply(ctx.t("studio.thanks"), ephemeral=True)
