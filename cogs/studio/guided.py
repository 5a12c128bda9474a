"""Filling a draft by replying: after ``/post new TEMPLATE`` the bot asks for each field in
turn; the author answers by replying to the question (``/post fill`` still works). The open
questions are kept in memory by message, and rebuilt from the database at start."""

from __future__ import annotations

import json

from bot.core.context import Context
from bot.core.events import MessagePosted
from bot.core.feature import on
from bot.core.ids import ChannelRef, MessageRef
from bot.core.messages import OutgoingMessage
from bot.core.reread import Reread
from bot.core.richtext import text
from cogs.studio.columns import StudioColumns
from cogs.studio.posts import MAX_BODY
from cogs.studio.tables import StoredPost, posts


class StudioGuided(StudioColumns):
    """The guided fill flow."""

    prompts: dict[tuple[str, str], int]
    """(platform, message id of a question) -> its post."""
    prompt_copy: Reread
    """Re-reads the prompts (another process may have asked the question)."""

    async def load_prompts(self) -> None:
        self.prompts = {}
        open_ = ("draft", "approved", "scheduled")
        query = posts.select().where(
            posts.c.prompt_message.is_not(None), posts.c.status.in_(open_)
        )
        async with self.db.read() as conn:
            for row in (await conn.execute(query)).mappings():
                self.prompts[(str(row["platform"]), str(row["prompt_message"]))] = int(row["id"])

    async def ask_next(self, post: StoredPost, reply_to: MessageRef | None) -> bool:
        """Ask for the first empty field (False when every field is filled)."""
        template = self.templates.get(post.template or "")
        if template is None or post.body is not None:
            return False
        values = json.loads(post.fields)
        missing = template.missing(values)
        if not missing:
            return False
        field = missing[0]
        prompt = dict(template.fields)[field]
        t, _ = self.locale_for(post.ref)
        number = [name for name, _ in template.fields].index(field) + 1
        question = t("studio.ask_field", post=post.id, prompt=prompt, number=number,
                     total=len(template.fields))  # fmt: skip
        channel = reply_to.channel if reply_to is not None else ChannelRef(post.ref, post.channels)
        sent = await self.port_for(post.ref).send(
            channel, OutgoingMessage(text(question)), reply_to=reply_to
        )
        await self.store.set_prompt(post.id, sent.id, field)
        self.prompts[(post.platform, sent.id)] = post.id
        return True

    @on(MessagePosted)
    async def answer_prompt(self, ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, MessagePosted)
        if event.reply_to is None:
            return
        await self.prompt_copy.fresh()
        key = (event.community.platform.value, event.reply_to.id)
        post_id = self.prompts.get(key)
        if post_id is None:
            return
        post = await self.store.get(post_id)
        if (
            post is None or not post.belongs_to(event.community)
            or post.prompt_message != event.reply_to.id or not post.prompt_field
        ):  # fmt: skip
            self.prompts.pop(key, None)
            return
        if event.author.ref.id != post.author:
            return  # only the author fills their draft
        values = json.loads(post.fields)
        values[post.prompt_field] = event.content.strip()[:MAX_BODY]
        saved = await self.store.update(
            post, fields=json.dumps(values, ensure_ascii=False), approved_by=None
        )
        await self.store.set_prompt(post.id, None, None)
        self.prompts.pop(key, None)
        if not saved:
            await ctx.reply(ctx.t("studio.changed_meanwhile", post=post.id))
            return
        fresh = await self.store.get(post.id)
        assert fresh is not None
        if not await self.ask_next(fresh, event.message):
            await ctx.reply(ctx.t("studio.filled", post=post.id))
