"""Routes inbound events through middleware to feature handlers, one failure at a time."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from bot.core.commands import parse_arguments
from bot.core.context import Context, Services
from bot.core.errors import ActionRefused, UserFacingError
from bot.core.events import ButtonPressed, CommandInvoked, Event
from bot.core.ids import CommunityRef, MemberRef
from bot.core.messages import OutgoingMessage
from bot.core.port import PlatformPort
from bot.core.registry import Handler, Registry
from bot.core.richtext import text
from bot.core.unicode import valid_text
from bot.i18n import Translator

log = logging.getLogger(__name__)

LocaleLookup = Callable[[CommunityRef], tuple[Translator, ZoneInfo]]


class Dispatcher:
    """Builds a :class:`Context` per event and runs middleware, then the handlers.

    A failing handler is logged and never stops the others or the adapter; a command's
    author is told something went wrong, in their community's language.
    """

    def __init__(self, registry: Registry, services: Services, locale_for: LocaleLookup) -> None:
        self.registry = registry
        self.services = services
        self._locale_for = locale_for

    async def dispatch(self, event: Event, port: PlatformPort) -> None:
        content = getattr(event, "content", None)
        if isinstance(content, str) and (clean := valid_text(content)) is not content:
            event = dataclasses.replace(event, content=clean)  # type: ignore[call-arg]
        translator, tz = self._locale_for(event.community)
        ctx = Context(event, port, self.services, translator, tz)
        chain = self.registry.chain

        async def call(index: int) -> None:
            if index < len(chain):
                await chain[index](ctx, lambda: call(index + 1))
            else:
                await self._route(ctx)

        try:
            await call(0)
        except Exception:
            log.exception("middleware failed on %s", event.kind)

    async def _route(self, ctx: Context) -> None:
        event = ctx.event
        if isinstance(event, CommandInvoked):
            await self._command(ctx, event)
        elif isinstance(event, ButtonPressed):
            entry = self.registry.buttons.get(event.action)
            if entry is None:
                log.info("no handler for button action %r", event.action)
                await self._guard(ctx, ctx.port.respond(event, _notice(ctx, "button.expired")))
                return
            await self._run(ctx, entry[0], entry[1])
        else:
            for feature, handler in self.registry.handlers.get(type(event), ()):
                await self._run(ctx, feature, handler)

    async def _command(self, ctx: Context, event: CommandInvoked) -> None:
        registered = self.registry.commands.get(event.name)
        if registered is None:
            await self._guard(
                ctx, ctx.reply(ctx.t("command.unknown", name=event.name), ephemeral=True)
            )
            return
        spec = registered.spec
        if event.author.level < spec.level:
            level = ctx.t(f"level.{spec.level.name.lower()}")
            await self._guard(
                ctx,
                ctx.reply(
                    ctx.t("command.not_allowed", name=spec.name, level=level), ephemeral=True
                ),
            )
            return
        if event.args is not None:
            ctx.args = dict(event.args)
        else:

            async def resolve(token: str) -> MemberRef | None:
                return await ctx.port.resolve_member(event.community, token)

            try:
                ctx.args = await parse_arguments(
                    spec, event.raw_args, resolve, reply_to_author=event.reply_to_author
                )
            except UserFacingError as exc:
                await self._guard(ctx, ctx.reply(ctx.t(exc.key, **exc.params), ephemeral=True))
                return
        await self._run(ctx, spec.feature, registered.handler, tell_author=True)

    async def _run(
        self, ctx: Context, feature: str, handler: Handler, *, tell_author: bool = False
    ) -> None:
        try:
            await handler(ctx)
        except ActionRefused as exc:
            log.warning("feature %s on %s: %s %s", feature or "?", ctx.event.kind, exc.key,
                        exc.params)  # fmt: skip
            if tell_author:
                await self._guard(ctx, ctx.reply(ctx.t(exc.key, **exc.params), ephemeral=True))
        except UserFacingError as exc:
            event = ctx.event
            if isinstance(event, ButtonPressed):
                log.info(
                    "button %s:%s pressed by %s in %s refused: %s",
                    *(event.action, event.payload[:80], event.member.ref.id, event.community),
                    exc.key,
                )
            await self._guard(ctx, ctx.reply(ctx.t(exc.key, **exc.params), ephemeral=True))
        except Exception:
            log.exception("feature %s failed on %s", feature or "?", ctx.event.kind)
            if tell_author:
                await self._guard(ctx, ctx.reply(ctx.t("command.failed"), ephemeral=True))

    @staticmethod
    async def _guard(ctx: Context, action: Awaitable[object]) -> None:
        try:
            await action
        except Exception:
            log.exception("could not answer %s", ctx.event.kind)


def _notice(ctx: Context, key: str) -> OutgoingMessage:
    return OutgoingMessage(text(ctx.t(key)), ephemeral=True)
