"""/healthz and /readyz: what a load balancer or orchestrator sees of a bot process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.config import HealthConfig
from bot.health import HealthServer
from bot.storage.database import Database


@pytest.fixture
async def server() -> AsyncIterator[HealthServer]:
    health = HealthServer("127.0.0.1:0", within=0.05)
    await health.start()
    yield health
    await health.stop()


async def get(health: HealthServer, path: str) -> tuple[int, dict[str, Any]]:
    url = f"http://127.0.0.1:{health.port}{path}"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.headers["Cache-Control"] == "no-store"
        return response.status, await response.json()


async def fine() -> str | None:
    return None


async def test_alive_while_starting_but_not_ready(server: HealthServer) -> None:
    server.checks["database"] = fine
    status, body = await get(server, "/healthz")
    assert status == 200 and body["alive"] and body["phase"] == "starting"
    status, body = await get(server, "/readyz")
    assert status == 503 and body == {"ready": False, "phase": "starting",
                                      "checks": {"database": "ok"}}  # fmt: skip


async def test_ready_only_when_every_check_passes(server: HealthServer) -> None:
    server.phase = "running"
    server.checks["database"] = fine
    server.checks["telegram"] = fine
    status, body = await get(server, "/readyz")
    assert status == 200 and body["ready"]

    async def not_polling() -> str | None:
        return "not polling"

    async def broken() -> str | None:
        raise RuntimeError("boom")

    never = asyncio.Event()

    async def hangs() -> str | None:
        await never.wait()
        return None

    server.checks.update(telegram=not_polling, discord=broken, scheduler=hangs)
    status, body = await get(server, "/readyz")
    assert status == 503
    assert body["checks"] == {
        "database": "ok", "telegram": "not polling", "discord": "RuntimeError: boom",
        "scheduler": "no answer within 0.05 s",
    }  # fmt: skip
    server.phase = "stopping"
    server.checks.update(telegram=fine, discord=fine, scheduler=fine)
    status, body = await get(server, "/readyz")
    assert status == 503 and body["phase"] == "stopping"


async def test_a_database_that_is_gone_is_named(db: Database) -> None:
    assert await db.problem() is None
    gone = Database("postgresql+asyncpg://bot@127.0.0.1:9/bot")
    try:
        problem = await gone.problem()
        assert problem is not None and problem != ""
    finally:
        await gone.close()


@pytest.mark.parametrize("listen", ["127.0.0.1:8080", "[::1]:8080", "bot-1.internal:9", ""])
def test_listen_forms_accepted(listen: str) -> None:
    assert HealthConfig(listen=listen).listen == listen


@pytest.mark.parametrize("listen", ["8080", "http://127.0.0.1:8080", "host:", "a b:1"])
def test_listen_forms_refused(listen: str) -> None:
    with pytest.raises(ValueError, match="listen"):
        HealthConfig(listen=listen)
