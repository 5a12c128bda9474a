"""``community-bot simulate``: run a script through the console platform on a simulated clock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from bot.adapters.console.platform import ConsolePlatform
from bot.adapters.console.script import (
    Edit,
    Join,
    Leave,
    Post,
    Press,
    React,
    Step,
    Wait,
)
from bot.app import BotApp
from bot.config import Config
from bot.core.clock import FakeClock

CLOCK_KEY = "simulate.clock"
"""Where a simulation leaves its clock, so the next run on the same database goes on from there."""


class StartTooEarly(ValueError):
    """``--start`` is before the end of the previous simulation on the same database."""


async def simulate(
    config: Config,
    steps: Sequence[Step],
    *,
    write: Callable[[str], None],
    start: datetime | None = None,
    database_url: str | None = None,
) -> ConsolePlatform:
    """Run ``steps``; every transcript line goes to ``write``. Returns the platform for tests.

    The clock starts at ``start``, or else at the later of now and the time where the last
    simulation on this database stopped (time never runs backwards for stored deadlines).
    """
    clock = FakeClock(start or datetime.now(UTC).replace(microsecond=0))
    app = BotApp(config, clock=clock, database_url=database_url)
    try:
        await app.db.migrate()
        saved = await app.db.get_meta(CLOCK_KEY)
        resumed = datetime.fromisoformat(saved) if saved is not None else None
        if start is not None and resumed is not None and start < resumed:
            raise StartTooEarly(
                f"--start {start.isoformat()} is before {resumed.isoformat()}, where the last"
                " simulation on this database stopped: time cannot run backwards for what it"
                " scheduled. Start later, leave --start out, or use another --database."
            )
        if start is None and resumed is not None and resumed > clock.now():
            clock.set(resumed)
        platform = app.console_platform(sink=write, stamp=True)
        await app.start()
        for step in steps:
            await run_step(app, platform, step)
            if isinstance(step, Wait):
                await app.db.set_meta(CLOCK_KEY, clock.now().isoformat())
            else:
                await app.scheduler.run_pending()  # deadlines a step set for "now"
        await app.db.set_meta(CLOCK_KEY, clock.now().isoformat())
    finally:
        await app.close()
    return platform


async def run_step(app: BotApp, platform: ConsolePlatform, step: Step) -> None:
    """Carry out one script step."""
    match step:
        case Join(name=name):
            await platform.join(name)
        case Leave(name=name):
            await platform.leave(name)
        case Post(name=name, channel=channel, text=text, reply_to=target):
            await platform.post(name, channel, text, reply_to_member=target)
        case Press(name=name, label=label):
            await platform.press(name, label)
        case React(name=name, emoji=emoji, target=target, taken_back=True):
            await platform.unreact(name, emoji, target)
        case React(name=name, emoji=emoji, target=target):
            await platform.react(name, emoji, target)
        case Edit(name=name, text=text):
            await platform.edit_latest(name, text)
        case Wait(duration=duration):
            await app.scheduler.advance_to(app.clock.now() + duration)
