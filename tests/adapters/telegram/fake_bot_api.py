"""A fake Telegram Bot API server (aiohttp) for end-to-end tests of the real PTB client.

It answers the methods the bot uses with payloads shaped like Telegram's, records every call,
long-polls ``getUpdates`` honestly (no busy loop), and can be told to fail the next call of a
method (429 with retry_after, 400, 403). Updates are built with PTB's own classes so they carry
every field PTB 22.8 requires.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from telegram import (
    CallbackQuery,
    Chat,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    Message,
    MessageEntity,
    PollAnswer,
    Update,
    User,
)

# Fields PTB sends JSON-encoded inside form data; everything else is a plain string.
JSON_FIELDS = {
    "reply_markup", "reply_parameters", "permissions", "options", "allowed_updates",
    "commands", "scope", "reaction", "link_preview_options", "correct_option_ids", "entities",
}  # fmt: skip

BOT = {"id": 999, "is_bot": True, "first_name": "Community", "username": "community_test_bot",
       "can_join_groups": True, "can_read_all_group_messages": False,
       "supports_inline_queries": False}  # fmt: skip


class BadRequestError(Exception):
    """A method refused with 400 and this description."""


class FakeBotAPI:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._failures: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.admins: dict[int, list[tuple[int, str]]] = {}
        """chat id -> [(user id, "creator" | "administrator")]"""
        self.forums: set[int] = set()
        """Chats that are forums (topics can be created in them)."""
        self._topics = itertools.count(100)
        self.closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- server --------------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{self.port}/bot"

    async def stop(self) -> None:
        self.closing = True
        async with self._changed:
            self._changed.notify_all()  # release parked long polls at once
        if self._runner is not None:
            await self._runner.cleanup()

    def fail_next(self, method: str, status: int, **body: Any) -> None:
        """The next call of ``method`` gets this error (e.g. 429 with retry_after=1)."""
        payload = {"ok": False, "error_code": status, **body}
        self._failures.setdefault(method, []).append((status, payload))

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        async with self._changed:
            self._changed.notify_all()
        failures = self._failures.get(method)
        if failures:
            status, payload = failures.pop(0)
            return web.json_response(payload, status=status)
        handler = getattr(self, f"m_{method}", None)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        try:
            result = await handler(params)
        except BadRequestError as exc:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": str(exc)}, status=400
            )
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data = await request.json()
            return dict(data) if isinstance(data, Mapping) else {}
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):  # an upload (sendPhoto)
                data = value.file.read()
                params[key] = {"filename": value.filename, "size": len(data), "head": data[:8]}
                continue
            value = str(value)
            params[key] = json.loads(value) if key in JSON_FIELDS else value
        return params

    # -- test helpers --------------------------------------------------------------------------

    def methods(self) -> list[str]:
        return [method for method, _ in self.calls]

    def called(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    async def wait_for(
        self, method: str, count: int = 1, within: float = 10.0
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + within
        async with self._changed:
            while len(self.called(method)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"{method} called {len(self.called(method))} times, "
                        f"wanted {count}; calls: {self.methods()}"
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)
        return self.called(method)

    async def push(self, update: dict[str, Any]) -> int:
        """Queue an update (its update_id is assigned here) for getUpdates."""
        update = {**update, "update_id": next(self._update_ids)}
        self.updates.append(update)
        async with self._changed:
            self._changed.notify_all()
        return int(update["update_id"])

    # -- methods -------------------------------------------------------------------------------

    async def m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT

    async def m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    async def m_setWebhook(self, params: dict[str, Any]) -> bool:
        return True

    async def m_setMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    async def m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        timeout = min(float(params.get("timeout") or 0), 2.0)
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not self.updates and not self.closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    break
        limit = int(params.get("limit") or 100)
        return self.updates[:limit]

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private",
                     "title": "Test group"},
            "from": BOT,
            **extra,
        }  # fmt: skip

    async def m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, text=params.get("text", ""))

    async def m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        photo = {"file_id": "photo1", "file_unique_id": "u1", "width": 800, "height": 400}
        return self._message(params, photo=[photo], caption=params.get("caption"))

    async def m_createForumTopic(self, params: dict[str, Any]) -> dict[str, Any]:
        if int(params["chat_id"]) not in self.forums:
            raise BadRequestError("Bad Request: the chat is not a forum")
        return {"message_thread_id": next(self._topics), "name": params.get("name", ""),
                "icon_color": 7322096}  # fmt: skip

    async def m_closeForumTopic(self, params: dict[str, Any]) -> bool:
        return True

    async def m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, text=params.get("text", ""))

    async def m_deleteMessage(self, params: dict[str, Any]) -> bool:
        return True

    async def m_restrictChatMember(self, params: dict[str, Any]) -> bool:
        return True

    async def m_banChatMember(self, params: dict[str, Any]) -> bool:
        return True

    async def m_unbanChatMember(self, params: dict[str, Any]) -> bool:
        return True

    async def m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    async def m_setMessageReaction(self, params: dict[str, Any]) -> bool:
        return True

    async def m_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": int(params["chat_id"]), "type": "supergroup", "title": "Test group",
            "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": {
                "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                "premium_subscription": False, "gifts_from_channels": False},
            "permissions": {"can_send_messages": True, "can_send_polls": True},
        }  # fmt: skip

    async def m_getChatAdministrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat_id = int(params["chat_id"])
        result = []
        for user_id, status in self.admins.get(chat_id, []):
            user = {"id": user_id, "is_bot": False, "first_name": f"Admin{user_id}"}
            if status == "creator":
                result.append({"status": "creator", "user": user, "is_anonymous": False})
            else:
                result.append(_administrator(user))
        return result

    async def m_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = int(params["user_id"])
        if user_id == BOT["id"]:
            return _administrator(BOT)
        person = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        for admin_id, status in self.admins.get(int(params["chat_id"]), []):
            if admin_id == user_id:
                if status == "creator":
                    return {"status": "creator", "user": person, "is_anonymous": False}
                return _administrator(person)
        return {"status": "member", "user": person}

    async def m_sendPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        options = params.get("options") or []
        poll = {
            "id": f"poll{next(self._message_ids)}", "question": params.get("question", ""),
            "options": [
                {"text": o if isinstance(o, str) else o.get("text", ""), "voter_count": 0,
                 "persistent_id": str(i)}
                for i, o in enumerate(options)
            ],
            "total_voter_count": 0, "is_closed": False,
            "is_anonymous": params.get("is_anonymous") in ("true", True),
            "type": params.get("type", "regular"), "allows_multiple_answers": False,
            "allows_revoting": True, "members_only": False,
        }  # fmt: skip
        return self._message(params, poll=poll)


def _administrator(user: Mapping[str, Any]) -> dict[str, Any]:
    rights = {
        "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
        "can_delete_messages": True, "can_manage_video_chats": True,
        "can_restrict_members": True, "can_promote_members": False, "can_change_info": True,
        "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
        "can_delete_stories": False,
    }  # fmt: skip
    return {"status": "administrator", "user": dict(user), **rights}


# -- update builders (PTB's own classes, so every required field is there) --------------------

GROUP = Chat(id=-1001234567890, type=Chat.SUPERGROUP, title="Test group")


def user(user_id: int, name: str, username: str | None = None) -> User:
    return User(id=user_id, first_name=name, is_bot=False, username=username)


def text_message(
    sender: User,
    text: str,
    *,
    message_id: int,
    chat: Chat = GROUP,
    reply_to: Message | None = None,
    topic: int | None = None,
) -> dict[str, Any]:
    """A text message (in forum topic ``topic`` when given)."""
    entities = []
    if text.startswith("/"):
        length = len(text.split()[0])
        entities.append(MessageEntity(MessageEntity.BOT_COMMAND, 0, length))
    message = Message(
        message_id=message_id, date=datetime.now(UTC), chat=chat, from_user=sender, text=text,
        entities=entities, reply_to_message=reply_to, message_thread_id=topic,
        is_topic_message=True if topic else None,
    )  # fmt: skip
    return Update(update_id=0, message=message).to_dict()


def message_object(sender: User, text: str, message_id: int, chat: Chat = GROUP) -> Message:
    return Message(
        message_id=message_id, date=datetime.now(UTC), chat=chat, from_user=sender, text=text
    )


def joined_service_message(member: User, message_id: int, chat: Chat = GROUP) -> dict[str, Any]:
    message = Message(
        message_id=message_id,
        date=datetime.now(UTC),
        chat=chat,
        from_user=member,
        new_chat_members=[member],
    )
    return Update(update_id=0, message=message).to_dict()


def joined(member: User, chat: Chat = GROUP) -> dict[str, Any]:
    change = ChatMemberUpdated(
        chat=chat, from_user=member, date=datetime.now(UTC),
        old_chat_member=ChatMemberLeft(user=member),
        new_chat_member=ChatMemberMember(user=member),
    )  # fmt: skip
    return Update(update_id=0, chat_member=change).to_dict()


def button_press(sender: User, data: str, message: Message) -> dict[str, Any]:
    """A press of a button under ``message``; Telegram gives every press its own id."""
    query = CallbackQuery(
        id=f"cb{message.message_id}-{sender.id}",
        from_user=sender,
        chat_instance="ci",
        data=data,
        message=message,
    )
    return Update(update_id=0, callback_query=query).to_dict()


def poll_answer(sender: User, poll_id: str, options: list[int]) -> dict[str, Any]:
    answer = PollAnswer(
        poll_id=poll_id,
        option_ids=options,
        user=sender,
        option_persistent_ids=[str(o) for o in options],
    )
    return Update(update_id=0, poll_answer=answer).to_dict()
