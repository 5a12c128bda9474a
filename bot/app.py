"""Wiring: storage, scheduler, features and platforms for one bot process."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import cast
from zoneinfo import ZoneInfo

from bot.adapters.console.platform import ConsolePlatform
from bot.config import Config
from bot.core.clock import Clock, FakeClock
from bot.core.context import Context, Services
from bot.core.dispatcher import Dispatcher
from bot.core.ids import CommunityRef, MemberRef
from bot.core.lanes import Lanes
from bot.core.permissions import Level
from bot.core.port import PlatformPort
from bot.core.recording import RecordingPort
from bot.core.registry import Next, Registry
from bot.features import install
from bot.i18n import Translator, translator
from bot.scheduler import Scheduler
from bot.storage.button_bindings import ButtonBindings
from bot.storage.button_uses import ButtonUses
from bot.storage.database import Database
from bot.storage.eventlog import EventLog
from bot.storage.shared_state import SharedState

log = logging.getLogger(__name__)

EVENTLOG_ORDER = -1000
"""The event log sees every event first, before moderation (100) and the features."""


class BotApp:
    """One process: a database, a scheduler, the features and the platforms they serve."""

    def __init__(self, config: Config, *, clock: Clock, database_url: str | None = None) -> None:
        self.config = config
        self.clock = clock
        self.db = Database(database_url or config.database_url())
        self.scheduler = Scheduler(self.db, clock)
        self.scheduler.serves = self._serves
        self.eventlog = EventLog(
            self.db,
            store_text=config.eventlog.store_text,
            batch_size=config.eventlog.batch_size,
            flush_interval=config.eventlog.flush_interval_seconds,
        )
        self.registry = Registry()
        self.bindings = ButtonBindings(self.db)
        self._locales: dict[CommunityRef, tuple[Translator, ZoneInfo]] = {}
        self.services = Services(
            config, self.db, clock, self.scheduler, self.registry, self.locale_for
        )
        self.services.flush_events = self.eventlog.flush
        self.services.wrap_port = self._recording
        self.services.forget_member = self.forget_member
        self.services.lanes = Lanes(inline=isinstance(clock, FakeClock))
        self.services.carries = self.bindings.carries
        if config.storage.several(self.db.dialect):
            self.services.several_processes = True
            self.services.shared_limits = SharedState(self.db)
        self.registry.add_middleware(EVENTLOG_ORDER, self._log_event, name="eventlog")
        self.features = install(self.services, config)
        self.dispatcher = Dispatcher(self.registry, self.services, self.locale_for)

    def _serves(self, platform: str) -> bool:
        """Whether this process is connected to a platform (scheduled work needs its port)."""
        return any(connected.value == platform for connected in self.services.ports)

    def locale_for(self, community: CommunityRef) -> tuple[Translator, ZoneInfo]:
        cached = self._locales.get(community)
        if cached is None:
            cfg = self.config.community
            cached = (translator(cfg.locale_for(community)), cfg.timezone_for(community))
            self._locales[community] = cached
        return cached

    async def forget_member(self, member: MemberRef) -> dict[str, int]:
        """Erase ``member`` from the event log and every enabled feature; rows per part."""
        erased = {"event log": await self.eventlog.forget(member.platform.value, member.id)}
        for feature in self.features:
            erased[feature.name] = await feature.forget_member(member)
        erased["finished deadlines"] = await self.scheduler.forget_done(member.id)
        erased["buttons"] = await self.bindings.forget(member.platform.value, member.id)
        erased["shared counters"] = await SharedState(self.db).forget_member(member.id)
        erased["button presses"] = await ButtonUses.forget(
            self.db, member.platform.value, member.id
        )
        return erased

    async def _log_event(self, ctx: Context, call_next: Next) -> None:
        await self.eventlog.record(ctx.event)
        await call_next()

    async def start(self) -> None:
        """Migrate the database, start the event log and run what is due."""
        await self.db.migrate()
        for feature in self.features:
            await feature.start()
        self.eventlog.start()
        await self.scheduler.start()

    async def close(self) -> None:
        """Stop timers and write everything buffered. Safe to call twice."""
        await self.scheduler.stop()
        await self.services.lanes.drain()
        for feature in reversed(self.features):
            try:
                await feature.stop()
            except Exception:
                log.exception("feature %s failed to stop", feature.name)
        try:
            await self.eventlog.close()
            if self.services.shared_limits is not None:
                await self.services.shared_limits.close()
        finally:
            await self.db.close()

    def console_platform(
        self, *, sink: Callable[[str], None] | None = None, stamp: bool = False
    ) -> ConsolePlatform:
        """The console platform from ``[console]``, connected to the dispatcher."""
        console = self.config.console
        levels: dict[str, Level] = {}
        for names, level in (
            (console.helpers, Level.HELPER),
            (console.moderators, Level.MODERATOR),
            (console.admins, Level.ADMIN),
        ):
            levels.update(dict.fromkeys(names, level))
        community = CommunityRef(ConsolePlatform.PLATFORM, console.community)
        platform = ConsolePlatform(
            clock=self.clock,
            community_id=console.community,
            bot_name=console.bot_name,
            channels=console.channels,
            levels=levels,
            sink=sink,
            timezone=self.config.community.timezone_for(community),
            stamp=stamp,
            owner=console.admins[0] if console.admins else None,
            t=translator(self.config.community.locale_for(community)),
        )
        port = self.services.connect_port(platform)
        platform.connect(lambda event: self.dispatcher.dispatch(event, port))
        return platform

    def _recording(self, port: PlatformPort) -> PlatformPort:
        recording = RecordingPort(port, self.eventlog.record, self.clock.now, self.bindings.bind)
        return cast(PlatformPort, recording)
