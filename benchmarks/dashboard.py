"""How long the dashboard's biggest pages take on a large community, against a small one.

Usage: python -m benchmarks.dashboard [--ideas N] [--cases N]

The example config with every feature and the dashboard, SQLite on disk, a fake clock. The
large community has ``--ideas`` ideas with votes and ``--cases`` moderation cases; the small
one 20 of each. Each page is fetched over HTTP by a signed-in moderator (the server in the
same process, as live), five times: the first load (settled weeks computed) and the median of
the next four (settled weeks kept) are printed, with the ratio to the small community.

Goal: every page answers within a second on the large community (a moderator waits for it).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from sqlalchemy import insert

from bot.app import BotApp
from bot.config import load_config
from bot.core.clock import FakeClock
from cogs.dashboard import Dashboard
from cogs.ideas.tables import ideas, votes
from cogs.moderation.store import cases

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 11, 27, 10, tzinfo=UTC)
PAGES = ("responses", "health", "content", "ideas", "moderation", "digest", "audit")


def config_for(folder: Path) -> object:
    config = load_config(ROOT / "config.example.toml")
    enabled = [*config.features.enabled, "dashboard"]
    settings = Dashboard.settings_from(config).updated(listen="127.0.0.1:0")
    return config.with_section("dashboard", settings).model_copy(
        update={"features": config.features.model_copy(update={"enabled": enabled})}
    )


async def fill(app: BotApp, count_ideas: int, count_cases: int) -> None:
    now = app.clock.now()
    async with app.db.transaction() as conn:
        await conn.execute(insert(ideas), [
            {"platform": "console", "community": "console", "author": f"m{n}",
             "author_name": f"member {n}", "title": f"Idea number {n}", "details": "",
             "status": ("new", "planned", "done", "declined")[n % 4], "origin": "command",
             "created_at": now - timedelta(hours=n), "impact": n % 5 + 1, "cost": n % 3 + 1}
            for n in range(count_ideas)
        ])  # fmt: skip
        await conn.execute(insert(votes), [
            {"idea_id": n % count_ideas + 1, "member": f"v{n}", "at": now}
            for n in range(count_ideas * 3)
        ])  # fmt: skip
        await conn.execute(insert(cases), [
            {"platform": "console", "community": "console", "number": n + 1,
             "action": ("warn", "mute", "delete")[n % 3], "member": f"m{n}",
             "member_name": f"member {n}", "reason": "spam", "points": 1,
             "created_at": now - timedelta(minutes=n), "updated_at": now}
            for n in range(count_cases)
        ])  # fmt: skip


async def measure(
    count_ideas: int, count_cases: int, folder: Path
) -> dict[str, tuple[float, float]]:
    """Per page: (the first load, the median of the next four)."""
    clock = FakeClock(START)
    url = f"sqlite+aiosqlite:///{folder / f'dash-{count_ideas}.sqlite3'}"
    app = BotApp(config_for(folder), clock=clock, database_url=url)  # type: ignore[arg-type]
    await app.start()
    try:
        await fill(app, count_ideas, count_cases)
        platform = app.console_platform()
        await platform.post("mod", "general", "/dashboard")
        token = re.findall(r"/login/(\S+)", "\n".join(platform.transcript))[-1]
        feature = app.services.registry.features["dashboard"]
        assert isinstance(feature, Dashboard)
        base = feature.web.base_url()
        timings: dict[str, tuple[float, float]] = {}
        async with aiohttp.ClientSession() as http:
            async with http.post(
                f"{base}/login",
                data={"token": token},
                headers={"Origin": base},
                allow_redirects=False,
            ) as answer:
                cookie = answer.headers["Set-Cookie"].split(";")[0]  # fmt: skip
            for page in PAGES:
                runs = []
                for _ in range(5):
                    started = time.perf_counter()
                    async with http.get(f"{base}/{page}?weeks=12",
                                        headers={"Cookie": cookie}) as response:  # fmt: skip
                        await response.read()
                        assert response.status == 200, (page, response.status)
                    runs.append(time.perf_counter() - started)
                timings[page] = (runs[0], statistics.median(runs[1:]))
        return timings
    finally:
        await app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ideas", type=int, default=2000)
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = asyncio.run(measure(20, 20, Path(tmp)))
        large = asyncio.run(measure(args.ideas, args.cases, Path(tmp)))
    print(f"page (12 weeks): first load, then again   small (20/20)   "
          f"large ({args.ideas:,} ideas / {args.cases:,} cases)")  # fmt: skip
    for page in PAGES:
        (s_cold, s_warm), (l_cold, l_warm) = small[page], large[page]
        print(
            f"{page:12} {s_cold * 1000:7.0f} / {s_warm * 1000:5.0f} ms   "
            f"{l_cold * 1000:7.0f} / {l_warm * 1000:5.0f} ms  ({l_warm / s_warm:.1f}x again)"
        )
    slowest = max(cold for cold, _ in large.values())
    print(
        f"goal: every page within 1 s on the large community: "
        f"{'met' if slowest < 1 else 'NOT met'} (slowest {slowest * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
