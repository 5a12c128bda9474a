"""A fake Discord (REST + gateway) in aiohttp that the real discord.py talks to over loopback.

Patch points (see ``docs/testing.md``): ``discord.http.Route.BASE``
for REST (interaction callbacks and followups included) and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` for the gateway. Every REST call is recorded;
an unknown route answers 404 so a test fails loudly. ``rate_limit_next`` makes the next matching
call answer 429 once, the way Discord does.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = "1000"
GUILD_ID = "2000"
CHANNEL_ID = "3000"
MOD_CHANNEL_ID = "3001"
THREAD_ID = "3100"
BOT = {"id": "999", "username": "communitybot", "discriminator": "0", "avatar": None, "bot": True}
ALL_PERMISSIONS = str((1 << 41) - 1)
MEMBER_PERMISSIONS = str(
    (1 << 10) | (1 << 11) | (1 << 16) | (1 << 6)
)  # view, send, history, react


def user(user_id: str, name: str) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "discriminator": "0",
        "avatar": None,
        "global_name": name.title(),
    }


def member_of(person: dict[str, Any], roles: list[str] | None = None) -> dict[str, Any]:
    return {
        "user": person,
        "roles": roles or [],
        "flags": 0,
        "joined_at": "2024-01-01T00:00:00+00:00",
    }


ALICE = user("4000", "alice")
BOB = user("4001", "bob")
MOD = user("4002", "mod")
MOD_ROLE = "5001"


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py wants exactly "application/json" (json_response adds a charset).
    return web.Response(
        status=status, body=json.dumps(data).encode(), content_type="application/json"
    )


@dataclass
class Call:
    method: str
    path: str
    json: Any
    query: dict[str, str]


@dataclass
class FakeDiscord:
    calls: list[Call] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    gateway_received: list[dict[str, Any]] = field(default_factory=list)
    limited: list[tuple[str, str]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    reject_privileged: bool = False
    """Close with 4014 when the bot asks for intents the application was not granted."""

    def __post_init__(self) -> None:
        self.threads: dict[str, dict[str, Any]] = {}
        """Threads created through the API (their THREAD_CREATE is sent on the gateway)."""
        self.thread_members: dict[str, list[str]] = {}
        self._ids = itertools.count(10_000)
        self._seq = 0
        self._ws: web.WebSocketResponse | None = None
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Condition()
        self.port = 0
        self.members = [
            member_of(BOT, [MOD_ROLE]),
            member_of(ALICE),
            member_of(BOB),
            member_of(MOD, [MOD_ROLE]),
        ]

    # -- server -----------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> str:
        return str(next(self._ids))

    # -- gateway ----------------------------------------------------------------------------------

    def ready(self) -> dict[str, Any]:
        return {
            "v": 10,
            "user": BOT,
            "guilds": [{"id": GUILD_ID, "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": APP_ID, "flags": 0},
        }

    def guild_create(self) -> dict[str, Any]:
        return {
            "id": GUILD_ID,
            "name": "Test Guild",
            "owner_id": "1",
            "member_count": len(self.members),
            "roles": [
                {
                    "id": GUILD_ID,
                    "name": "@everyone",
                    "permissions": MEMBER_PERMISSIONS,
                    "position": 0,
                },
                {
                    "id": MOD_ROLE,
                    "name": "moderators",
                    "permissions": ALL_PERMISSIONS,
                    "position": 2,
                },
            ],
            "channels": [
                {"id": CHANNEL_ID, "type": 0, "name": "general", "position": 0},
                {"id": MOD_CHANNEL_ID, "type": 0, "name": "mod-log", "position": 1},
            ],
            "members": self.members,
            "system_channel_id": CHANNEL_ID,
            "threads": [
                {
                    "id": THREAD_ID,
                    "type": 11,
                    "name": "help-thread",
                    "parent_id": CHANNEL_ID,
                    "guild_id": GUILD_ID,
                    "owner_id": ALICE["id"],
                    "message_count": 0,
                    "member_count": 1,
                    "rate_limit_per_user": 0,
                    "thread_metadata": {
                        "archived": False,
                        "auto_archive_duration": 1440,
                        "archive_timestamp": "2026-11-27T10:00:00+00:00",
                        "locked": False,
                    },
                }
            ],
        }

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        assert self._ws is not None, "the bot is not connected"
        self._seq += 1
        await self._ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"op": 10, "s": None, "t": None, "d": {"heartbeat_interval": 45000}})
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            self.gateway_received.append(payload)
            if payload["op"] == 1:
                await ws.send_json({"op": 11, "s": None, "t": None, "d": None})
            elif payload["op"] == 2:
                privileged = (1 << 1) | (1 << 15)  # members, message content
                if self.reject_privileged and payload["d"]["intents"] & privileged:
                    await ws.close(code=4014, message=b"Disallowed intent(s).")
                    break
                ready = self.ready()
                if payload["d"].get("shard"):  # AutoShardedClient identifies with [id, count]
                    ready["shard"] = payload["d"]["shard"]
                await self.dispatch("READY", ready)
                await self.dispatch("GUILD_CREATE", self.guild_create())
        return ws

    # -- REST -------------------------------------------------------------------------------------

    def rate_limit_next(self, method: str, pattern: str) -> None:
        self.limited.append((method, pattern))

    def _bot_message(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "id": self.next_id(),
            "channel_id": channel_id,
            "guild_id": GUILD_ID,
            "author": BOT,
            "content": body.get("content") or "",
            "type": 0,
            "components": body.get("components") or [],
            **({"poll": self._poll(body["poll"])} if body.get("poll") else {}),
            "embeds": [],
            "attachments": [],
            "mentions": [],
            "timestamp": "2026-11-27T10:00:00+00:00",
        }
        self.messages[message["id"]] = message
        return message

    @staticmethod
    def _poll(request: dict[str, Any]) -> dict[str, Any]:
        answers = [
            {"answer_id": n + 1, "poll_media": a["poll_media"]}
            for n, a in enumerate(request["answers"])
        ]
        return {
            "question": request["question"],
            "answers": answers,
            "expiry": "2026-12-01T00:00:00+00:00",
            "allow_multiselect": request["allow_multiselect"],
            "layout_type": 1,
            "results": {"is_finalized": False, "answer_counts": []},
        }

    async def _rest(self, request: web.Request) -> web.Response:
        method, path = request.method, "/" + request.match_info["tail"]
        body: Any = None
        if request.content_type == "application/json":
            body = await request.json()
        elif request.content_type.startswith("multipart/"):
            form = await request.post()
            body = json.loads(str(form.get("payload_json") or "{}"))
            body["files"] = [k for k in form if k.startswith("files")]
        call = Call(method, path, body, dict(request.query))
        for index, (limited_method, pattern) in enumerate(self.limited):
            if limited_method == method and re.fullmatch(pattern, path):
                del self.limited[index]
                self.calls.append(Call(method, path + " [429]", body, dict(request.query)))
                return web.Response(
                    status=429,
                    body=json.dumps(
                        {
                            "message": "You are being rate limited.",
                            "retry_after": 0.05,
                            "global": False,
                        }
                    ).encode(),
                    content_type="application/json",
                    # discord.py treats a 429 without "Via" as a Cloudflare ban and gives up.
                    headers={
                        "Retry-After": "0.05",
                        "X-RateLimit-Scope": "user",
                        "Via": "1.1 google",
                    },
                )
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
        if method == "POST" and (g := re.fullmatch(r"/channels/(\d+)/threads", path)):
            thread = self._thread(g[1], body or {})
            await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
            return _json(thread, 201)
        return self._answer(method, path, body or {})

    def _thread(self, parent: str, body: dict[str, Any]) -> dict[str, Any]:
        thread = {
            "id": self.next_id(), "type": body.get("type", 11), "name": body.get("name", ""),
            "parent_id": parent, "guild_id": GUILD_ID, "owner_id": BOT["id"],
            "message_count": 0, "member_count": 1, "rate_limit_per_user": 0,
            "thread_metadata": {
                "archived": False, "locked": False, "invitable": body.get("invitable", True),
                "auto_archive_duration": body.get("auto_archive_duration", 1440),
                "archive_timestamp": "2026-11-27T10:00:00+00:00",
            },
        }  # fmt: skip
        self.threads[thread["id"]] = thread
        return thread

    def _answer(self, method: str, path: str, body: Any) -> web.Response:
        if method == "GET" and path == "/gateway/bot":
            return _json(
                {
                    "url": f"ws://127.0.0.1:{self.port}/gateway",
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 1000,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if method == "GET" and path == "/users/@me":
            return _json(BOT)
        if method == "GET" and path == "/oauth2/applications/@me":
            return _json(
                {
                    "id": APP_ID,
                    "name": "bot",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": user("1", "owner"),
                    "verify_key": "k",
                    "flags": 0,
                }
            )
        if method == "PUT" and (
            g := re.fullmatch(r"/applications/(\d+)(?:/guilds/(\d+))?/commands", path)
        ):
            return _json(
                [{**c, "id": self.next_id(), "application_id": g[1], "version": "1"} for c in body]
            )
        if method == "GET" and (g := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path)):
            return _json(self.messages.get(g[2]) or self._bot_message(g[1], {}))
        if method == "POST" and (g := re.fullmatch(r"/channels/(\d+)/polls/(\d+)/expire", path)):
            return _json(self.messages.get(g[2]) or self._bot_message(g[1], {}))
        if method == "POST" and (g := re.fullmatch(r"/channels/(\d+)/messages", path)):
            return _json(self._bot_message(g[1], body))
        if method == "PATCH" and (g := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path)):
            return _json(self._bot_message(g[1], body))
        if method == "POST" and (g := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)):
            answer: dict[str, Any] = {"interaction": {"id": g[1], "type": 2}}
            if body.get("type") == 4:
                answer["resource"] = {
                    "type": 4,
                    "message": self._bot_message(CHANNEL_ID, body["data"]),
                }
            return _json(answer)
        if method == "POST" and re.fullmatch(r"/webhooks/\d+/[^/]+", path):
            return _json(self._bot_message(CHANNEL_ID, body))
        if method == "PATCH" and (g := re.fullmatch(r"/guilds/\d+/members/(\d+)", path)):
            person = next(
                (m for m in self.members if m["user"]["id"] == g[1]), member_of(user(g[1], "x"))
            )
            return _json({**person, **{k: v for k, v in body.items() if k != "reason"}})
        if method == "PUT" and (g := re.fullmatch(r"/channels/(\d+)/thread-members/(\d+)", path)):
            self.thread_members.setdefault(g[1], []).append(g[2])
            return web.Response(status=204)
        if (
            method == "PATCH"
            and (g := re.fullmatch(r"/channels/(\d+)", path))
            and (g[1] in self.threads)
        ):
            thread = self.threads[g[1]]
            if "archived" in body:
                thread["thread_metadata"]["archived"] = body["archived"]
            return _json(thread)
        if method == "PATCH" and (g := re.fullmatch(r"/channels/(\d+)", path)):
            return _json(
                {
                    "id": g[1],
                    "type": 0,
                    "name": "general",
                    "position": 0,
                    "guild_id": GUILD_ID,
                    **body,
                }
            )
        if method in ("DELETE", "PUT") and re.fullmatch(
            r"/channels/\d+/messages/\d+(/reactions/.+)?|/guilds/\d+/(members|bans)/\d+(/roles/\d+)?",
            path,
        ):
            return web.Response(status=204)
        if method == "POST" and path == "/users/@me/channels":
            person = next(
                (m["user"] for m in self.members if m["user"]["id"] == str(body["recipient_id"])),
                user(str(body["recipient_id"]), "someone"),
            )
            return _json({"id": self.next_id(), "type": 1, "recipients": [person]})
        return _json({"message": f"fake discord: unhandled {method} {path}", "code": 0}, 404)

    # -- test helpers -----------------------------------------------------------------------------

    def called(self, method: str, pattern: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and re.fullmatch(pattern, c.path)]

    async def wait_for(
        self, method: str, pattern: str, count: int = 1, within: float = 10.0
    ) -> list[Call]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        async with self._changed:
            while len(self.called(method, pattern)) < count:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    seen = [f"{c.method} {c.path}" for c in self.calls]
                    raise AssertionError(
                        f"no {count}x {method} {pattern} within {within}s: {seen}"
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)
        return self.called(method, pattern)

    def message(self, author: dict[str, Any], content: str, **extra: Any) -> dict[str, Any]:
        payload = {
            "id": self.next_id(),
            "channel_id": CHANNEL_ID,
            "guild_id": GUILD_ID,
            "author": author,
            "member": {"roles": [], "flags": 0, "joined_at": "2024-01-01T00:00:00+00:00"},
            "content": content,
            "type": 0,
            "mentions": [],
            "embeds": [],
            "attachments": [],
            "timestamp": "2026-11-27T10:00:00+00:00",
            **extra,
        }
        return payload

    def interaction(
        self, person: dict[str, Any], kind: int, data: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        roles: list[str] = next(
            (m["roles"] for m in self.members if m["user"]["id"] == person["id"]), []
        )
        permissions = ALL_PERMISSIONS if MOD_ROLE in roles else MEMBER_PERMISSIONS
        number = self.next_id()
        return {
            "id": number,
            "application_id": APP_ID,
            "type": kind,
            "token": f"tok{number}",
            "version": 1,
            "guild_id": GUILD_ID,
            "channel_id": CHANNEL_ID,
            "channel": {"id": CHANNEL_ID, "type": 0},
            "attachment_size_limit": 8388608,
            "member": {**member_of(person, roles), "permissions": permissions},
            "app_permissions": ALL_PERMISSIONS,
            "locale": "en-US",
            "data": data,
            **extra,
        }

    def slash(self, person: dict[str, Any], name: str, **options: Any) -> dict[str, Any]:
        typed = [
            {
                "name": k,
                "type": 6 if isinstance(v, dict) else 3,
                "value": v["id"] if isinstance(v, dict) else v,
            }
            for k, v in options.items()
        ]
        return self.interaction(
            person, 2, {"id": self.next_id(), "name": name, "type": 1, "options": typed}
        )

    def click(
        self, person: dict[str, Any], custom_id: str, message: dict[str, Any]
    ) -> dict[str, Any]:
        return self.interaction(
            person, 3, {"custom_id": custom_id, "component_type": 2}, message=message
        )
