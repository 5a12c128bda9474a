"""Health and readiness over HTTP, for container orchestrators, systemd watchdogs and load
balancers: ``/healthz`` answers while the process and its event loop run; ``/readyz`` answers
200 only when the process can do its work (the database answers, every platform is
connected, the timers run) and 503 with the reasons otherwise, also while starting and
stopping, so a balancer sends no updates to a worker that cannot handle them."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

Check = Callable[[], Awaitable[str | None]]
"""One readiness check: None when fine, else what is wrong (a short sentence)."""

CHECK_WITHIN = 2.0
"""Seconds a check may take before it counts as failed."""


class HealthServer:
    """The two endpoints on ``host:port``; checks are added as parts come up."""

    def __init__(self, listen: str, *, within: float = CHECK_WITHIN) -> None:
        host, _, port = listen.rpartition(":")
        self.host = host.strip("[]") or "127.0.0.1"
        self.port = int(port)
        self.within = within
        self.checks: dict[str, Check] = {}
        self.phase = "starting"
        """starting → running → stopping: only a running process can be ready."""
        self._started = time.monotonic()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._health)
        app.router.add_get("/readyz", self._ready)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or ()
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        log.info("health: http://%s:%s/healthz and /readyz", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def problems(self) -> dict[str, str]:
        """Every check's answer ("ok" or what is wrong), run side by side."""
        names = list(self.checks)
        answers = await asyncio.gather(
            *(self._run(self.checks[name]) for name in names), return_exceptions=True
        )
        report: dict[str, str] = {}
        for name, answer in zip(names, answers, strict=True):
            if isinstance(answer, BaseException):
                answer = f"{type(answer).__name__}: {answer}"[:300]
            report[name] = answer or "ok"
        return report

    async def _run(self, check: Check) -> str | None:
        try:
            return await asyncio.wait_for(check(), self.within)
        except TimeoutError:
            return f"no answer within {self.within:g} s"

    async def _health(self, _request: web.Request) -> web.Response:
        body = {"alive": True, "phase": self.phase,
                "uptime_seconds": round(time.monotonic() - self._started)}  # fmt: skip
        return _json(200, body)

    async def _ready(self, _request: web.Request) -> web.Response:
        report = await self.problems()
        ready = self.phase == "running" and all(v == "ok" for v in report.values())
        return _json(
            200 if ready else 503, {"ready": ready, "phase": self.phase, "checks": report}
        )


def _json(status: int, body: dict[str, object]) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(body), content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )  # fmt: skip
