"""The shape of a feature: one class whose body is its manifest.

A feature lives in ``cogs/<name>/`` and is a subclass of :class:`Feature`. Its handlers are
methods marked with decorators, collected when the class is defined (mixins included)::

    class Polls(Feature[PollsSettings]):
        name = "polls"
        requires = ("roles",)

        @command(POLL)
        async def poll(self, ctx: Context) -> None: ...

        @button(Vote)
        async def vote(self, ctx: Context, data: Vote) -> None: ...

        @deadline(Close)
        async def close(self, data: Close) -> None: ...

The core builds one instance per process with the feature's parsed settings and the shared
services, binds the marked methods, then calls :meth:`Feature.start` after migrations.
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Generic,
    Literal,
    TypeVar,
    cast,
    get_args,
    get_origin,
)
from zoneinfo import ZoneInfo

from bot.core.commands import CommandSpec
from bot.core.events import Event
from bot.core.ids import CommunityRef, MemberRef
from bot.core.payloads import ButtonData, DeadlineData
from bot.core.settings import FeatureSettings

if TYPE_CHECKING:
    from bot.config import Config
    from bot.core.clock import Clock
    from bot.core.context import Services
    from bot.core.port import PlatformPort
    from bot.i18n import Translator
    from bot.scheduler import Scheduler
    from bot.storage.database import Database

S = TypeVar("S", bound=FeatureSettings)
F = TypeVar("F", bound=Callable[..., Any])
A = TypeVar("A")

ContentValidator = Callable[[Path], list[str]]
"""Takes a content folder, returns problems as ``file:line: message`` strings."""

CliHandler = Callable[["Config", argparse.Namespace], int]
"""Runs a CLI subcommand a feature contributes; returns the exit status."""

Kind = Literal["command", "on", "button", "deadline", "recurring", "middleware"]


@dataclass(frozen=True, slots=True)
class Declaration:
    """One marked method: what it handles and how the core binds it."""

    kind: Kind
    method: str
    target: Any
    """The command spec, event types, payload model, schedules method name or order."""
    catch_up: Any = None


@dataclass(frozen=True, slots=True)
class Recurring:
    """One recurring slot series a feature asks for: a unique job name, an APScheduler
    trigger (time-zone aware) and the value its handler receives with each slot."""

    name: str
    trigger: Any
    target: Any = None
    catch_up: timedelta | None = None
    """How late a missed slot may still run (default: the decorator's ``catch_up``)."""


class NoSettings(FeatureSettings):
    """For features without a config section."""


def _mark(kind: Kind, target: Any, catch_up: Any = None) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        if not inspect.iscoroutinefunction(func):
            raise TypeError(f"@{kind} handler {func.__qualname__} must be async")
        marks: list[Declaration] = list(getattr(func, "__feature_marks__", ()))
        marks.append(Declaration(kind, func.__name__, target, catch_up))
        func.__feature_marks__ = tuple(marks)  # type: ignore[attr-defined]
        return func

    return decorate


def command(spec: CommandSpec) -> Callable[[F], F]:
    """Handle the command ``spec`` (``async def h(self, ctx)``); each platform renders it."""
    return _mark("command", spec)


def on(*event_types: type[Event]) -> Callable[[F], F]:
    """Handle every event of these types after middleware (``async def h(self, ctx)``)."""
    if not event_types:
        raise TypeError("@on needs at least one event type")
    return _mark("on", event_types)


def button(data: type[ButtonData]) -> Callable[[F], F]:
    """Handle presses of buttons carrying ``data`` (``async def h(self, ctx, data)``)."""
    if not data.action:
        raise TypeError(f"{data.__name__} has no action")
    return _mark("button", data)


def deadline(data: type[DeadlineData]) -> Callable[[F], F]:
    """Handle due deadlines of ``data.kind`` (``async def h(self, data)``, optionally
    ``(self, data, deadline)`` for the stored row)."""
    if not data.kind:
        raise TypeError(f"{data.__name__} has no kind")
    return _mark("deadline", data)


def recurring(schedules: str, *, catch_up: Any = None) -> Callable[[F], F]:
    """Run on every slot of the :class:`Recurring` series the method named ``schedules``
    returns (``async def h(self, slot, target)``). ``catch_up`` (a timedelta) is how late a
    slot missed while the bot was down may still run."""
    return _mark("recurring", schedules, catch_up)


def middleware(order: int) -> Callable[[F], F]:
    """Run around every event (``async def h(self, ctx, call_next)``); lower orders first
    (the event log is at -1000, moderation at 100)."""
    return _mark("middleware", order)


class Feature(Generic[S]):
    """Base class of every feature. Subclasses set ``name`` and mark handlers."""

    name: ClassVar[str] = ""
    """The package name under ``cogs/`` and the name in ``[features] enabled``."""
    section: ClassVar[str] = ""
    """The config section (default: ``name``)."""
    Settings: ClassVar[type[FeatureSettings]] = NoSettings
    """Taken from ``Feature[XSettings]``."""
    requires: ClassVar[tuple[str, ...]] = ()
    """Features that must be enabled too: their data or read API is used."""
    optional: ClassVar[tuple[str, ...]] = ()
    """Features used when they are enabled (through their read API), skipped otherwise."""
    content: ClassVar[Mapping[str, ContentValidator]] = {}
    """Content folders (``rules``, ``faq``, ``quizzes``) and their validators."""
    content_advice: ClassVar[Mapping[str, ContentValidator]] = {}
    """Checks whose findings ``check`` prints as warnings: the content works, but could be
    better (FAQ entries too alike to tell apart)."""
    declarations: ClassVar[tuple[Declaration, ...]] = ()
    """Every marked method, collected when the class is defined."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is Feature:
                (settings,) = get_args(base)
                if isinstance(settings, type) and issubclass(settings, FeatureSettings):
                    cls.Settings = settings
        if cls.name and not cls.section:
            cls.section = cls.name
        found: dict[str, tuple[Declaration, ...]] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                marks = getattr(value, "__feature_marks__", None)
                if marks is not None:
                    found[attr] = marks
        cls.declarations = tuple(d for marks in found.values() for d in marks)
        for declared in cls.declarations:
            if declared.kind == "recurring" and not callable(getattr(cls, declared.target, None)):
                raise TypeError(
                    f"{cls.__name__}.{declared.method}: no method {declared.target!r}"
                    " returning its Recurring series"
                )

    def __init__(self, services: Services, settings: S) -> None:
        self.services = services
        self.settings = settings

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """After migrations, before platforms deliver events: reload durable state."""

    async def stop(self) -> None:
        """At shutdown, before the database closes."""

    async def forget_member(self, member: MemberRef) -> int:
        """Erase what this feature keeps about ``member`` (in every community of its
        platform); returns how many rows went. Documented exceptions stay."""
        return 0

    # -- declarations read by the core ---------------------------------------------------------

    @classmethod
    def settings_from(cls: type[Feature[S]], config: Config) -> S:
        """This feature's parsed section of ``config``."""
        return config.section(cls.section, cls.Settings)  # type: ignore[return-value]

    @classmethod
    def content_problems(cls, config: Config) -> list[str]:
        """Problems (``file:line: problem``) of content the feature finds through its own
        settings (a folder it names), for ``community-bot check``."""
        return []

    @classmethod
    def add_cli(cls, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        """Add this feature's ``community-bot`` subcommands; set ``handler`` (a
        :data:`CliHandler`) with ``parser.set_defaults(handler=...)``."""

    # -- services ------------------------------------------------------------------------------

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def scheduler(self) -> Scheduler:
        return self.services.scheduler

    @property
    def config(self) -> Config:
        return self.services.config

    def locale_for(self, community: CommunityRef) -> tuple[Translator, ZoneInfo]:
        """The translator and time zone of a community."""
        return self.services.locale_for(community)

    def port_for(self, community: CommunityRef) -> PlatformPort:
        """The connected platform of a community, for work outside an event."""
        return self.services.port_for(community)

    def peer(self, name: str, api: type[A]) -> A | None:
        """The read API (a ``runtime_checkable`` Protocol from ``cogs/<name>/api.py``) of
        another feature declared in ``requires`` or ``optional``; None when it is not enabled."""
        cache: dict[str, Any] = self.__dict__.setdefault("_peers", {})
        if name in cache:  # the enabled features never change: look up (and check) once
            return cast(A | None, cache[name])
        if name not in self.requires and name not in self.optional:
            raise LookupError(f"{self.name} uses {name} without declaring it")
        found = self.services.registry.features.get(name)
        if found is not None and not isinstance(found, api):
            raise TypeError(f"feature {name!r} does not provide {api.__name__}")
        cache[name] = found
        return found

    async def schedule(
        self,
        data: DeadlineData,
        key: str,
        due_at: datetime,
        *,
        community: CommunityRef | None = None,
    ) -> None:
        """Create or move the durable deadline ``(data.kind, key)``. A payload without its
        community names it here, so only a process on that platform runs it."""
        await self.services.scheduler.schedule(
            data.kind, key, due_at, data.stored(),
            platform=community.platform.value if community is not None else None,
        )  # fmt: skip

    async def cancel(self, kind: type[DeadlineData], key: str) -> bool:
        """Cancel a pending deadline; returns whether one was pending."""
        return await self.services.scheduler.cancel(kind.kind, key)

    def schedules_of(self, declared: Declaration) -> Iterable[Recurring]:
        method: Callable[[], Iterable[Recurring]] = getattr(self, declared.target)
        return method()


HandlerMethod = Callable[..., Awaitable[None]]
