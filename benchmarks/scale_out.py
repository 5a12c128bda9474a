"""PostgreSQL beside SQLite, and two processes sharing one PostgreSQL database.

Usage: python benchmarks/scale_out.py [--messages N] [--postgres URL]

Without ``--postgres`` a throw-away PostgreSQL is started with ``.ci/postgres`` (needs the
server binaries; as root it runs as the ``postgres`` user). Printed, from one run:

* the pipeline with every feature loaded (pipeline.py's chat traffic) on SQLite (one
  process), on PostgreSQL counted per process, and on PostgreSQL with per-member limits in
  the database (``[storage] processes = "several"``): messages/s each;
* two OS processes on one PostgreSQL database, each handling half of the same traffic while
  400 deadlines fall due and one member floods across both: messages/s together, and the
  checks that nothing was lost or doubled — every message in the event log once, every
  deadline run exactly once, the flood sanctioned once.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from benchmarks.pipeline import START, dispatch_all, make_events
from bot.app import BotApp
from bot.config import config_model
from bot.core.clock import FakeClock
from bot.core.events import Actor, MessagePosted
from bot.core.ids import MemberRef, MessageRef, Platform
from bot.scheduler import Deadline
from bot.storage import schema
from bot.storage.database import Database

ROOT = Path(__file__).resolve().parent.parent
DEADLINES = 400
FLOOD = 12  # messages one member sends within a second, alternating between the processes


def settings(processes: str) -> Any:
    from bot.features import catalog

    return config_model().model_validate({
        "features": {"enabled": sorted(catalog())},
        "content": {"rules": str(ROOT / "rules"), "faq": str(ROOT / "faq"),
                    "quizzes": str(ROOT / "quizzes")},
        "eventlog": {"batch_size": 500, "flush_interval_seconds": 60},
        "storage": {"processes": processes},
        "faq": {"matcher": "lexical"},
    })  # fmt: skip


def traffic(count: int) -> list[MessagePosted]:
    """pipeline.py's chat, with one member flooding in the middle."""
    from bot.adapters.console.platform import ConsolePlatform

    platform = ConsolePlatform(clock=FakeClock(START), community_id="console")
    events = make_events(platform, count)
    middle = events[count // 2]
    flooder = Actor(MemberRef(Platform.CONSOLE, "flooder"), "flooder")
    burst = [
        MessagePosted(
            community=middle.community, channel=middle.channel, author=flooder,
            occurred_at=middle.occurred_at + timedelta(microseconds=500 * (n + 1)),
            message=MessageRef(middle.channel, f"flood{n}"), content=f"buy now {n}",
        )
        for n in range(FLOOD)
    ]  # fmt: skip
    return events[: count // 2 + 1] + burst + events[count // 2 + 1 :]


async def pipeline(url: str, processes: str, events: list[MessagePosted]) -> float:
    app = BotApp(settings(processes), clock=FakeClock(START), database_url=url)
    await app.start()
    elapsed = await dispatch_all(app, app.console_platform(), events)
    await app.close()
    return len(events) / elapsed


@dataclass
class Share:
    seconds: float
    deadlines_run: int
    sanctions: int


def worker(url: str, index: int, count: int, barrier: Any, out: Any) -> None:
    out.put(asyncio.run(work(url, index, count, barrier)))


async def work(url: str, index: int, count: int, barrier: Any) -> Share:
    app = BotApp(settings("several"), clock=FakeClock(START), database_url=url)
    ran = 0

    async def tick(_: Deadline) -> None:
        nonlocal ran
        ran += 1

    app.scheduler.on_deadline("bench.tick", tick)
    await app.start()
    platform = app.console_platform()
    clock = app.clock
    assert isinstance(clock, FakeClock)
    mine = [event for n, event in enumerate(traffic(count)) if n % 2 == index]
    await asyncio.get_running_loop().run_in_executor(None, barrier.wait)
    started = time.perf_counter()
    for n, event in enumerate(mine):
        clock.set(event.occurred_at)
        await app.dispatcher.dispatch(event, platform)
        if n % 250 == 0:
            await app.scheduler.advance_to(event.occurred_at)
    await app.scheduler.advance_to(clock.now() + timedelta(minutes=5))
    await app.eventlog.flush()
    elapsed = time.perf_counter() - started
    sanctions = sum(action.kind == "mute" for action in platform.actions)
    await app.close()
    return Share(elapsed, ran, sanctions)


async def prepare(url: str, count: int) -> None:
    """Migrate, and put the deadlines in, before the processes start."""
    db = Database(url)
    await db.migrate()
    app = BotApp(settings("several"), clock=FakeClock(START), database_url=url)
    span = count * 10 // 2  # ms of simulated time the traffic covers
    for n in range(DEADLINES):
        await app.scheduler.schedule(
            "bench.tick", str(n), START + timedelta(milliseconds=span * n // DEADLINES),
            {"community": "console:console"},
        )  # fmt: skip
    await app.db.close()
    await db.close()


async def count_rows(url: str) -> tuple[int, int, int]:
    db = Database(url)
    table = schema.deadlines
    async with db.read() as conn:
        events = await conn.scalar(
            select(func.count()).select_from(schema.events)
            .where(schema.events.c.kind == "message_posted")
        )  # fmt: skip
        done = await conn.scalar(
            select(func.count()).select_from(table)
            .where(table.c.kind == "bench.tick", table.c.done_at.is_not(None))
        )  # fmt: skip
        retried = await conn.scalar(
            select(func.count()).select_from(table)
            .where(table.c.kind == "bench.tick", table.c.attempts > 1)
        )  # fmt: skip
    await db.close()
    return int(events or 0), int(done or 0), int(retried or 0)


def two_processes(url: str, count: int) -> None:
    asyncio.run(prepare(url, count))
    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(2), context.Queue()
    workers = [context.Process(target=worker, args=(url, i, count, barrier, out))
               for i in range(2)]  # fmt: skip
    for process in workers:
        process.start()
    shares = [out.get(timeout=600) for _ in workers]
    for process in workers:
        process.join()
    sent = count + FLOOD
    logged, done, retried = asyncio.run(count_rows(url))
    wall = max(share.seconds for share in shares)
    ran = sum(share.deadlines_run for share in shares)
    sanctions = sum(share.sanctions for share in shares)
    each = ", ".join(f"{share.seconds:.2f} s" for share in shares)
    print(
        f"two processes, one PostgreSQL: {sent / wall:8,.0f} messages/s together "
        f"({sent:,} messages in {wall:.2f} s; each {each})"
    )
    print(
        f"  messages in the event log:   {logged:,} of {sent:,}"
        f"  {'ok' if logged == sent else 'LOST OR DOUBLED'}"
    )
    print(
        f"  deadlines run:               {ran} of {DEADLINES} (split "
        f"{'/'.join(str(s.deadlines_run) for s in shares)}), {done} marked done, "
        f"{retried} retried  {'ok' if ran == done == DEADLINES and not retried else 'WRONG'}"
    )
    print(
        f"  the flood across both:       {sanctions} mute(s)  "
        f"{'ok' if sanctions == 1 else 'WRONG'}"
    )


def server(folder: Path) -> str:
    return subprocess.run([str(ROOT / ".ci" / "postgres"), "up", str(folder)], check=True,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip


def database(server_url: str) -> str:
    import asyncpg

    name = f"bench_{uuid.uuid4().hex[:12]}"

    async def create() -> None:
        connection = await asyncpg.connect(server_url)
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(create())
    base = server_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--postgres", help="postgresql://user@host:port/db of a server to use")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started_here = args.postgres is None
        server_url = server(folder / "pg") if started_here else args.postgres
        try:
            events = traffic(args.messages)
            rates = {
                "SQLite, one process": asyncio.run(pipeline(
                    f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}", "one", events)),
                "PostgreSQL, limits per process": asyncio.run(pipeline(
                    database(server_url), "one", events)),
                "PostgreSQL, limits in the database": asyncio.run(pipeline(
                    database(server_url), "several", events)),
            }  # fmt: skip
            base = rates["SQLite, one process"]
            print(f"pipeline, every feature, {len(events):,} messages:")
            for name, rate in rates.items():
                print(f"  {name:36} {rate:8,.0f} messages/s  ({rate / base:.2f}x SQLite)")
            two_processes(database(server_url), args.messages)
        finally:
            if started_here:
                subprocess.run([str(ROOT / ".ci" / "postgres"), "down", str(folder / "pg")],
                               check=False)  # fmt: skip


if __name__ == "__main__":
    main()
