"""Runs the Telegram platform: long polling or a webhook, commands, rights, levels.

Updates are fetched as raw JSON and parsed one by one, so a malformed update is logged and
skipped instead of wedging the batch (PTB's own Updater retries a batch that fails to parse
forever). Updates of one chat are handled in order; chats run concurrently.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeDefault,
    ChatMember,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ExtBot

from bot.adapters.telegram.inbound import UpdateTranslator, community_of
from bot.adapters.telegram.port import TelegramPort
from bot.config import TelegramConfig
from bot.core.context import Services
from bot.core.events import Event, MemberJoined, MemberLeft
from bot.core.ids import ChannelRef, Platform
from bot.core.messages import OutgoingMessage
from bot.core.permissions import Level
from bot.core.port import PlatformPort
from bot.core.richtext import text
from bot.i18n import available_locales, translator
from bot.storage.update_ledger import LEASE, Claim, UpdateLedger

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [
    "message", "edited_message", "callback_query", "chat_member", "my_chat_member",
    "poll_answer", "poll", "message_reaction",
]  # fmt: skip
ALLOWED_JSON = json.dumps(ALLOWED_UPDATES)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
JOIN_DEDUPE_SECONDS = 120.0

Dispatch = Callable[[Event, PlatformPort], Awaitable[None]]


MAX_USERNAMES = 100_000
"""Usernames remembered for @mentions in commands (the least recently seen go first)."""


def _update_id(raw: Any) -> int | None:
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    return update_id if isinstance(update_id, int) else None


def outbound_limiter(workers: int) -> AIORateLimiter:
    """Telegram's sending budget (30 messages a second, 20 a minute per group), split evenly
    between the processes that share the token so that together they keep within it."""
    return AIORateLimiter(
        overall_max_rate=30 / workers, group_max_rate=20 / workers, max_retries=3
    )


class TokenRejected(Exception):
    """The Bot API refused the token."""


class TelegramRunner:
    """One bot token: connects, keeps commands and levels, and feeds events to the dispatcher."""

    def __init__(
        self,
        config: TelegramConfig,
        token: str,
        services: Services,
        dispatch: Dispatch,
        *,
        webhook_secret: str = "",
    ) -> None:
        if not token:
            raise ValueError("TELEGRAM_BOT_TOKEN is empty")
        self.config = config
        self.token = token
        self.services = services
        self.dispatch = dispatch
        self.webhook_secret = webhook_secret
        self.bot: ExtBot[None] = ExtBot(
            token,
            base_url=config.api_base_url,
            rate_limiter=outbound_limiter(config.workers),  # type: ignore[arg-type]
        )
        self.port = TelegramPort(self.bot, services.clock)
        self.port.level_of = self.level_of
        self.dispatch_port: PlatformPort = self.port
        self.translator: UpdateTranslator | None = None
        self.ledger: UpdateLedger | None = None
        """Updates taken (set at start): a resend, or one reaching another worker, runs once."""
        self._admins: dict[int, tuple[float, dict[int, Level]]] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._memberships: dict[tuple[str, str, str], float] = {}
        self._tasks: set[asyncio.Task[Claim]] = set()
        self._poller: asyncio.Task[None] | None = None
        self._site: web.AppRunner | None = None
        self._stopping = False
        self.webhook_port: int | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        """Log in (getMe), publish commands, check rights, then start receiving updates."""
        try:
            await self.bot.initialize()
        except TelegramError as exc:
            raise TokenRejected(f"Telegram refused to start: {exc}") from exc
        self.translator = UpdateTranslator(self.bot.username, self.level_of)
        self.ledger = UpdateLedger(self.services.db, "telegram", str(self.bot.id))
        self.dispatch_port = self.services.connect_port(self.port)
        try:
            await self.sync_commands()
        except TelegramError as exc:
            log.warning("telegram: could not publish the command list: %s", exc)
        for chat_id in self.config.chats:
            await self.check_rights(chat_id, tell_chat=False)
        if self.config.mode == "webhook":
            await self._start_webhook()
        else:
            try:
                await self.bot.delete_webhook()
            except TelegramError as exc:
                log.warning("telegram: could not remove a webhook before polling: %s", exc)
            self._poller = asyncio.create_task(self._poll(), name="telegram-poll")
        log.info(
            "telegram: @%s is %s",
            self.bot.username,
            "listening for webhooks" if self.config.mode == "webhook" else "polling",
        )

    async def problem(self) -> str | None:
        """None while updates can arrive (the poller runs, or the webhook listens)."""
        if self._stopping:
            return "stopping"
        if self.config.mode == "webhook":
            return None if self._site is not None else "the webhook is not listening"
        if self._poller is None or self._poller.done():
            return "not polling"
        return None

    async def stop(self) -> None:
        self._stopping = True
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        if self._site is not None:
            await self._site.cleanup()
            self._site = None
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.bot.shutdown()

    # -- receiving ----------------------------------------------------------------------------

    def _url(self, method: str) -> str:
        base = self.config.api_base_url
        return (
            base.format(token=self.token) + method
            if "{token}" in base
            else (f"{base}{self.token}/{method}")
        )

    async def _poll(self) -> None:
        offset: int | None = None
        backoff = 1.0
        timeout = self.config.poll_timeout
        async with httpx.AsyncClient(timeout=timeout + 15) as client:
            try:
                while not self._stopping:
                    # Form-encoded like PTB's own requests (objects as JSON text).
                    body = {"timeout": str(timeout), "allowed_updates": ALLOWED_JSON}
                    if offset is not None:
                        body["offset"] = str(offset)
                    try:
                        response = await client.post(self._url("getUpdates"), data=body)
                        data = response.json()
                    except (httpx.HTTPError, ValueError) as exc:
                        log.warning(
                            "telegram: getUpdates failed (%s); retrying in %.0f s", exc, backoff
                        )
                        await asyncio.sleep(backoff)
                        backoff = min(backoff * 2, 60)
                        continue
                    if not isinstance(data, dict) or not data.get("ok"):
                        backoff = await self._poll_error(data, backoff)
                        continue
                    backoff = 1.0
                    batch = data.get("result") or ()
                    # One claim for the batch (not two writes an update): those handled before
                    # a kill -9 that Telegram sends again are skipped.
                    ids = [_update_id(raw) for raw in batch]
                    known = [update_id for update_id in ids if update_id is not None]
                    try:
                        todo = (
                            await self.ledger.claim_batch(known, self.services.clock.now())
                            if self.ledger is not None else set(known)
                        )  # fmt: skip
                    except (SQLAlchemyError, OSError) as exc:
                        # Nothing confirmed: the same batch comes again once the database does.
                        log.warning("telegram: cannot claim updates (%s); retrying", exc)
                        await asyncio.sleep(backoff)
                        backoff = min(backoff * 2, 60)
                        continue
                    handling = []
                    for raw, update_id in zip(batch, ids, strict=True):
                        if update_id is not None and update_id not in todo:
                            continue  # handled before a restart
                        task = self.receive(raw, claimed=self.ledger is not None)
                        if task is not None:
                            handling.append(task)
                    # The offset confirms updates to Telegram: only past those handled, so a
                    # crash (even kill -9) leaves the rest to be fetched again.
                    await asyncio.gather(*handling, return_exceptions=True)
                    if self.ledger is not None:
                        await self.ledger.finish_batch(todo)
                    for raw in batch:
                        update_id = raw.get("update_id") if isinstance(raw, dict) else None
                        if isinstance(update_id, int):
                            offset = max(offset or 0, update_id + 1)
            finally:
                if offset is not None:
                    # Confirm what was handled, so a restart does not see it again.
                    with contextlib.suppress(httpx.HTTPError, asyncio.CancelledError):
                        await client.post(
                            self._url("getUpdates"),
                            data={"offset": str(offset), "timeout": "0", "limit": "1"},
                        )

    async def _poll_error(self, data: Any, backoff: float) -> float:
        code = data.get("error_code") if isinstance(data, dict) else None
        description = data.get("description") if isinstance(data, dict) else data
        if code == 429:
            retry = (data.get("parameters") or {}).get("retry_after", 5)
            log.warning("telegram: rate limited on getUpdates; waiting %s s", retry)
            await asyncio.sleep(float(retry))
            return backoff
        if code in (401, 404):
            log.critical("telegram: the token was rejected (%s); stopping", description)
            self._stopping = True
            return backoff
        if code == 409:
            log.error(
                "telegram: another process is receiving updates for this bot (%s)", description
            )
        else:
            log.warning("telegram: getUpdates answered %s: %s", code, description)
        await asyncio.sleep(backoff)
        return min(backoff * 2, 60)

    def receive(self, raw: Any, *, claimed: bool = False) -> asyncio.Task[Claim] | None:
        """Parse one raw update and handle it in its chat's order (the task that does); bad
        data is one warning line and is skipped. ``claimed``: the poller claimed its batch."""
        try:
            update = Update.de_json(raw, self.bot)
        except Exception as exc:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            log.warning("telegram: skipping update %s that cannot be parsed: %s: %.200s",
                        update_id, type(exc).__name__, exc)  # fmt: skip
            return None
        chat = update.effective_chat
        key = chat.id if chat is not None else 0
        task = asyncio.create_task(self._in_order(key, update, claimed))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(lambda _: self._drop_idle_lock(key))
        return task

    def _drop_idle_lock(self, key: int) -> None:
        """Per-chat locks live only while the chat has updates being handled."""
        lock = self._locks.get(key)
        if lock is not None and not lock.locked() and not getattr(lock, "_waiters", None):
            del self._locks[key]

    async def _in_order(self, key: int, update: Update, claimed: bool = False) -> Claim:
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            ledger = None if claimed else self.ledger
            claim = Claim.NEW
            if ledger is not None:
                # A poller is the only consumer: an unfinished claim is a dead process's.
                lease = LEASE if self.config.mode == "webhook" else timedelta(0)
                claim = await ledger.claim(
                    update.update_id, self.services.clock.now(), lease=lease
                )
                if claim is not Claim.NEW:
                    log.info("telegram: update %s is %s elsewhere; skipped",
                             update.update_id, claim.value)  # fmt: skip
                    return claim
            try:
                await self.handle(update)
            except Exception:
                log.exception("telegram: update %s failed", update.update_id)
            if ledger is not None:
                await ledger.finish(update.update_id)
            return claim

    async def handle(self, update: Update) -> None:
        """Translate an update and dispatch its events."""
        assert self.translator is not None
        user = update.effective_user
        if user is not None and user.username:
            names = self.port.usernames
            names.pop(user.username.lower(), None)  # most recently seen last
            names[user.username.lower()] = user.id
            if len(names) > MAX_USERNAMES:
                del names[next(iter(names))]  # the one seen longest ago
        if update.chat_member is not None:
            statuses = {
                update.chat_member.old_chat_member.status,
                update.chat_member.new_chat_member.status,
            }
            if statuses & {ChatMember.ADMINISTRATOR, ChatMember.OWNER}:
                self._admins.pop(update.chat_member.chat.id, None)
        if update.my_chat_member is not None:
            await self._my_membership(update)
            return
        answer = update.poll_answer
        if answer is not None and answer.poll_id not in self.port.poll_chats:
            # A poll sent before a restart: ask the polls feature where it was posted.
            lookup = self.services.native_polls.get(Platform.TELEGRAM)
            channel = await lookup(answer.poll_id) if lookup else None
            if channel is not None:
                self.port.poll_chats[answer.poll_id] = int(channel.id)
        for event in await self.translator.translate(update, self.port.poll_chats.get):
            if isinstance(event, MemberJoined | MemberLeft) and self._seen_membership(event):
                continue  # the same join as a service message and a chat_member update
            await self.dispatch(event, self.dispatch_port)
        if update.callback_query is not None:
            await self.port.answer(update.callback_query.id)

    def _seen_membership(self, event: MemberJoined | MemberLeft) -> bool:
        now = time.monotonic()
        key = (event.kind, event.community.id, event.member.ref.id)
        if len(self._memberships) > 10_000:
            self._memberships = {k: t for k, t in self._memberships.items() if now - t < 600}
        seen = self._memberships.get(key)
        self._memberships[key] = now
        return seen is not None and now - seen < JOIN_DEDUPE_SECONDS

    async def _my_membership(self, update: Update) -> None:
        change = update.my_chat_member
        assert change is not None
        self._admins.pop(change.chat.id, None)
        status = change.new_chat_member.status
        if (
            status in (ChatMember.ADMINISTRATOR, ChatMember.MEMBER)
            and change.chat.type != "private"
        ):
            await self.check_rights(change.chat.id, tell_chat=True)

    async def _start_webhook(self) -> None:
        app = web.Application()
        app.router.add_post(self.config.webhook_path, self._webhook)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.config.webhook_listen, self.config.webhook_port)
        await site.start()
        self._site = runner
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or ()
        self.webhook_port = sockets[0].getsockname()[1] if sockets else self.config.webhook_port
        await self.bot.set_webhook(
            url=self.config.webhook_url,
            secret_token=self.webhook_secret or None,
            allowed_updates=ALLOWED_UPDATES,
        )

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not self.webhook_secret or not hmac.compare_digest(
            given.encode(), self.webhook_secret.encode()
        ):
            log.warning("telegram: webhook call with a wrong secret from %s", request.remote)
            return web.Response(status=403)
        try:
            raw = await request.json()
        except ValueError:
            log.warning("telegram: webhook body is not JSON; skipped")
            return web.Response(status=200)  # a non-200 would make Telegram resend it forever
        task = self.receive(raw)
        if task is not None:
            # 200 tells Telegram the update is delivered: only once it has been handled.
            [claim] = await asyncio.gather(task, return_exceptions=True)
            if claim is Claim.BUSY or isinstance(claim, BaseException):
                # Another worker is on it (or the database failed): Telegram tries again.
                return web.Response(status=503)
        return web.Response(status=200)

    # -- levels, commands, rights -------------------------------------------------------------

    async def level_of(self, chat_id: int, user_id: int) -> Level:
        """Config lists and chat administrator status (cached, refreshed on changes)."""
        level = Level.MEMBER
        for ids, configured in (
            (self.config.helpers, Level.HELPER),
            (self.config.moderators, Level.MODERATOR),
            (self.config.admins, Level.ADMIN),
        ):
            if user_id in ids:
                level = configured
        if chat_id == user_id or chat_id > 0:
            return level
        cached = self._admins.get(chat_id)
        if cached is None or cached[0] < time.monotonic():
            admins: dict[int, Level] = {}
            try:
                for member in await self.bot.get_chat_administrators(chat_id):
                    admins[member.user.id] = _status_level(member.status)
            except TelegramError as exc:
                log.info("telegram: cannot list administrators of %s: %s", chat_id, exc)
                # Ask about this one member instead (and do not cache a failed listing).
                try:
                    single = await self.bot.get_chat_member(chat_id, user_id)
                except TelegramError as inner:
                    log.info("telegram: cannot look up %s in %s: %s", user_id, chat_id, inner)
                    return level
                return max(level, _status_level(single.status))
            cached = (time.monotonic() + self.config.admin_cache_seconds, admins)
            self._admins[chat_id] = cached
        return max(level, cached[1].get(user_id, Level.MEMBER))

    async def sync_commands(self) -> None:
        """Members see member commands; chat administrators also see moderator commands."""
        specs = self.services.registry.visible_commands()
        default = self.services.config.community.locale
        # The list without a language code is in the community's language; every other
        # catalog is offered to the clients set to that language.
        for language in (None, *(loc for loc in available_locales() if loc != default)):
            t = translator(language or default)

            def listing(max_level: Level) -> list[BotCommand]:
                return [
                    BotCommand(s.name, t(s.description)[:256])  # noqa: B023
                    for s in specs
                    if s.level <= max_level
                ]

            members = listing(Level.MEMBER)
            await self.bot.set_my_commands(
                members, scope=BotCommandScopeDefault(), language_code=language
            )
            await self.bot.set_my_commands(
                members, scope=BotCommandScopeAllGroupChats(), language_code=language
            )
            await self.bot.set_my_commands(
                listing(Level.ADMIN),
                scope=BotCommandScopeAllChatAdministrators(),
                language_code=language,
            )

    async def check_rights(self, chat_id: int, *, tell_chat: bool) -> list[str]:
        """Say which features are limited in a chat and why; returns the catalog keys."""
        t, _ = self.services.locale_for(community_of(chat_id))
        problems: list[str] = []
        try:
            me = await self.bot.get_chat_member(chat_id, self.bot.id)
        except TelegramError as exc:
            log.warning("telegram: cannot check my rights in %s: %s", chat_id, exc)
            return ["telegram.unreachable"]
        if me.status != ChatMember.ADMINISTRATOR:
            problems.append("telegram.need_admin")
            if not self.bot.can_read_all_group_messages:
                problems.append("telegram.privacy")
        else:
            if not getattr(me, "can_delete_messages", False):
                problems.append("telegram.need_delete")
            if not getattr(me, "can_restrict_members", False):
                problems.append("telegram.need_restrict")
        if not problems:
            log.info("telegram: all rights present in %s", chat_id)
            return problems
        lines = [t("telegram.limited")] + [f"• {t(key)}" for key in problems]
        log.warning("telegram: chat %s: %s", chat_id, " ".join(lines))
        if tell_chat:
            try:
                channel = ChannelRef(community_of(chat_id), str(chat_id))
                await self.port.send(channel, OutgoingMessage(text("\n".join(lines))))
            except TelegramError as exc:
                log.info("telegram: could not tell %s about missing rights: %s", chat_id, exc)
        return problems


def _status_level(status: str) -> Level:
    if status == ChatMember.OWNER:
        return Level.ADMIN
    if status == ChatMember.ADMINISTRATOR:
        return Level.MODERATOR
    return Level.MEMBER
