"""Hero, digest and every metric over a large community: time and peak memory.

Usage: python benchmarks/digest.py [--events N] [--members N] [--days N]

Data (seed 11, made here): one community with ``--members`` members (a few are moderators) and
``--events`` events over ``--days`` days in a SQLite file: messages (a third are replies to
others), reactions to others' recent messages, poll votes, button presses, commands and joins,
with a skewed activity (a few members do most of the talking), plus polls and FAQ answers. What is
timed: the hero of the last week, the digest (which scores the hero again and reads polls, AMA and
FAQ), and all metrics (active share 7/28 days, UGC, D7/D30 retention, FAQ, next steps, turnout),
each as the bot computes them. The baseline is the naive design: read the whole 90-day log into
Python rows and count from there (what the windowed queries avoid), measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.ids import CommunityRef, Platform  # noqa: E402
from bot.i18n import translator  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from cogs.digest.activity import load_activity  # noqa: E402
from cogs.digest.compose import build_digest  # noqa: E402
from cogs.digest.hero import HeroRules, score_week  # noqa: E402
from cogs.digest.metrics import compute  # noqa: E402

COMMUNITY = CommunityRef(Platform.TELEGRAM, "-1001")
END = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Tbilisi")


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def generate(path: Path, events: int, members: int, days: int) -> None:
    rng = random.Random(11)
    start = END - timedelta(days=days)
    people = [str(10_000_000 + n) for n in range(members)]
    weights = [1 / (rank + 10) for rank in range(members)]  # a skewed activity
    moderators = set(people[:20])
    joined = {p: start - timedelta(days=rng.randint(1, 400)) for p in people}
    newcomers = rng.sample(people[20:], members // 5)
    for person in newcomers:  # a fifth joined during the period
        joined[person] = start + timedelta(seconds=rng.randint(0, days * 86400))
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.executemany(
        "INSERT INTO members (platform, community, member, name, actor_class, first_seen_at,"
        " joined_at, left_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
        [("telegram", COMMUNITY.id, p, f"member{p[-5:]}",
          "moderator" if p in moderators else "member", stamp(joined[p]),
          stamp(joined[p]) if p in newcomers else None) for p in people],
    )  # fmt: skip
    span = days * 86400
    times = sorted(rng.randrange(span) for _ in range(events))
    recent: list[tuple[str, str]] = []
    rows = []
    rollup: dict[tuple[str, str], list[int]] = {}  # the event log's daily roll-up, built alongside
    actors = rng.choices(people, weights=weights, k=events)
    for number, (offset, actor) in enumerate(zip(times, actors, strict=True)):
        at = start + timedelta(seconds=offset)
        draw = rng.random()
        message: str | None = None
        data: dict[str, object] = {}
        if draw < 0.6:
            kind, message = "message_posted", str(number)
            data = {"chars": rng.choice((12, 40, 80, 250)), "link": rng.random() < 0.05}
            if recent and rng.random() < 0.33:
                data["reply_to_member"] = rng.choice(recent)[1]
            recent.append((message, actor))
            if len(recent) > 200:
                recent.pop(0)
        elif draw < 0.9 and recent:
            kind = "reaction_added"
            message, author = rng.choice(recent)
            data = {"emoji": "👍", "message_author": author}
        elif draw < 0.93:
            kind, data = "poll_voted", {"poll": "1", "options": [0]}
        elif draw < 0.97:
            kind, data = "button_pressed", {"action": "faq.vote"}
        elif draw < 0.99:
            kind = "command_invoked"
        else:
            kind = "member_joined"
        klass = "moderator" if actor in moderators else "member"
        target = data.get("reply_to_member") or data.get("message_author")
        engaged = kind in ("message_posted", "poll_voted", "button_pressed") or (
            kind == "reaction_added" and target != actor
        )
        if engaged:
            flags = rollup.setdefault((at.date().isoformat(), actor), [0, 0])
            flags[0] |= kind == "message_posted"
            flags[1] = 1
        rows.append((kind, "telegram", COMMUNITY.id, "general", None, actor, message, stamp(at),
                     None, json.dumps(data), klass, target))  # fmt: skip
        if len(rows) == 100_000:
            _insert(con, rows)
            rows = []
    _insert(con, rows)
    con.executemany(
        "INSERT INTO member_days (platform, community, day, member, actor_class, posted, engaged)"
        " VALUES ('telegram', ?, ?, ?, ?, ?, ?)",
        [(COMMUNITY.id, day, member, "moderator" if member in moderators else "member", p, e)
         for (day, member), (p, e) in rollup.items()],
    )  # fmt: skip
    for week in range(days // 7):
        closed = END - timedelta(days=7 * week + 1)
        con.execute(
            "INSERT INTO polls (platform, community, channel, kind, question, options, multiple,"
            " anonymous, created_by, created_at, closes_at, closed_at) VALUES"
            " ('telegram', ?, 'general', 'buttons', ?, ?, 0, 0, ?, ?, ?, ?)",
            (COMMUNITY.id, f"Poll {week}?", '["A", "B"]', people[0],
             stamp(closed - timedelta(hours=1)), stamp(closed), stamp(closed)),
        )  # fmt: skip
        poll_id = con.execute("SELECT max(id) FROM polls").fetchone()[0]
        con.executemany(
            "INSERT INTO poll_votes (poll_id, member, option, voted_at) VALUES (?, ?, ?, ?)",
            [(poll_id, p, rng.randint(0, 1), stamp(closed - timedelta(minutes=5)))
             for p in rng.sample(people, min(300, len(people)))],
        )  # fmt: skip
    con.executemany(
        "INSERT INTO faq_answers (platform, community, channel, question_message, asker,"
        " decision, entry_id, confidence, candidates, created_at, helped, not_helped)"
        " VALUES ('telegram', ?, 'general', ?, ?, ?, 'password', 0.9, '', ?, ?, 0)",
        [(COMMUNITY.id, f"q{n}", rng.choice(people), rng.choice(("answer", "silent")),
          stamp(END - timedelta(seconds=rng.randrange(7 * 86400))), rng.randint(0, 1))
         for n in range(2000)],
    )  # fmt: skip
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # as a running bot's database would be
    con.close()


def _insert(con: sqlite3.Connection, rows: Sequence[tuple[object, ...]]) -> None:
    con.executemany(
        "INSERT INTO events (kind, platform, community, channel, thread, member, message,"
        " occurred_at, text, data, actor_class, target)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    con.commit()


async def measure(url: str) -> dict[str, float]:
    db = Database(url)
    t = translator("en")
    results: dict[str, float] = {}
    try:
        started = time.perf_counter()
        rules = HeroRules()
        activity = await load_activity(
            db,
            COMMUNITY,
            END - timedelta(days=7),
            END,
            joined_since=timedelta(hours=rules.new_member_hours),
        )
        ranking = score_week(activity, rules)
        results["hero"] = time.perf_counter() - started
        results["hero_points"] = ranking[0].points if ranking else 0.0
        started = time.perf_counter()
        digest = await build_digest(
            db, COMMUNITY, END, t, TZ, community_name="Bench", rules=HeroRules(), topic="Next"
        )
        results["digest"] = time.perf_counter() - started
        results["sections"] = len(digest.sections)
        started = time.perf_counter()
        metrics = await compute(db, COMMUNITY, END, 7)
        results["metrics"] = time.perf_counter() - started
        results["engaged_share"] = metrics.engaged_share_7d
        results["engaged_28d"] = metrics.engaged_28d
        results["d7_cohort"] = metrics.d7_cohort
    finally:
        await db.close()
    return results


async def raw_active_share(url: str) -> tuple[float, int]:
    """The 28-day engaged members counted from the raw event log (what the roll-up replaces)."""
    from sqlalchemy import and_, func, or_, select

    from bot.storage import schema

    events = schema.events
    db = Database(url)
    try:
        started = time.perf_counter()
        async with db.read() as conn:
            count = await conn.scalar(
                select(func.count(func.distinct(events.c.member))).where(
                    events.c.platform == COMMUNITY.platform.value,
                    events.c.community == COMMUNITY.id,
                    events.c.occurred_at >= END - timedelta(days=28),
                    events.c.occurred_at < END,
                    events.c.actor_class == "member",
                    or_(events.c.kind.in_(("message_posted", "poll_voted", "button_pressed")),
                        and_(events.c.kind == "reaction_added",
                             events.c.target != events.c.member)),
                )
            )  # fmt: skip
        return time.perf_counter() - started, int(count or 0)
    finally:
        await db.close()


async def baseline(url: str, days: int) -> float:
    """Read the whole log into Python rows (what windowed queries avoid)."""
    db = Database(url)
    try:
        started = time.perf_counter()
        activity = await load_activity(db, COMMUNITY, END - timedelta(days=days), END)
        score_week(activity, HeroRules())
        return time.perf_counter() - started
    finally:
        await db.close()


def measure_in_child(path: Path) -> dict[str, float]:
    """Time and memory of the computation alone, in a fresh process (its peak RSS is ours)."""
    url = f"sqlite+aiosqlite:///{path}"
    cold = asyncio.run(measure(url))  # timed without tracing (it slows Python down)
    results = asyncio.run(measure(url))  # again, with the database in the page cache
    tracemalloc.start()
    asyncio.run(measure(url))
    results["traced"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    results["cold_total"] = cold["digest"] + cold["metrics"]
    results["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_in_child(args.measure)))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"

        async def migrate() -> None:
            db = Database(url)
            await db.migrate()
            await db.close()

        asyncio.run(migrate())
        started = time.perf_counter()
        generate(path, args.events, args.members, args.days)
        print(f"data: {args.events:,} events, {args.members:,} members, {args.days} days"
              f" (generated in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        child = subprocess.run(
            [sys.executable, __file__, "--measure", str(path)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        results = json.loads(child.stdout.strip().splitlines()[-1])
        total = results["digest"] + results["metrics"]  # the digest computes the hero
        print(f"hero of the week:       {results['hero']:.2f} s"
              f" (top score {results['hero_points']:g})")  # fmt: skip
        print(f"digest (with the hero): {results['digest']:.2f} s"
              f" ({results['sections']:g} sections)")  # fmt: skip
        print(f"all metrics:            {results['metrics']:.2f} s (engaged share"
              f" {results['engaged_share']:.2f}, D7 cohort {results['d7_cohort']:g})")  # fmt: skip
        print(f"total (digest + metrics): {total:.2f} s;"
              f" first run, cold cache: {results['cold_total']:.2f} s")  # fmt: skip
        print(f"peak traced memory:     {results['traced'] / 2**20:.0f} MiB")
        rss = results["rss"] / 2**20
        print(f"peak RSS of the computing process: {rss:.0f} MiB")
        print(f"goal < 2 s and < 300 MB: {'met' if total < 2 and rss < 300 else 'not met'}")
        raw_seconds, raw_count = asyncio.run(raw_active_share(url))
        print(f"baseline: 28-day engaged members from the raw log: {raw_seconds:.2f} s"
              f" ({raw_count:,}; the roll-up says {results['engaged_28d']:,.0f})")  # fmt: skip
        if not args.no_baseline:
            naive = asyncio.run(baseline(url, args.days))
            print(f"baseline: whole {args.days}-day log into Python, hero only: {naive:.2f} s;"
                  f" the windowed hero is {naive / results['hero']:.1f}x faster")  # fmt: skip


if __name__ == "__main__":
    main()
