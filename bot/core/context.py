"""What a handler gets: the event, the platform port and the bot's services. No globals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.core.clock import Clock
from bot.core.events import ButtonPressed, CommandInvoked, Event, MessagePosted
from bot.core.ids import ChannelRef, CommunityRef, MemberRef, MessageRef, Platform
from bot.core.lanes import Lanes
from bot.core.messages import Button, OutgoingMessage
from bot.core.port import PlatformPort
from bot.core.richtext import RichText, text
from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.config import Config
    from bot.core.registry import Registry
    from bot.scheduler import Scheduler
    from bot.storage.database import Database
    from bot.storage.shared_state import SharedState


@dataclass(slots=True)
class Services:
    """Long-lived handles shared by every handler and job."""

    config: Config
    db: Database
    clock: Clock
    scheduler: Scheduler
    registry: Registry
    locale_for: Callable[[CommunityRef], tuple[Translator, ZoneInfo]]
    """The translator and time zone of a community."""
    ports: dict[Platform, PlatformPort] = field(default_factory=dict)
    """The connected platforms, for work that starts outside an event (scheduled jobs)."""
    flush_events: Callable[[], Awaitable[None]] | None = None
    """Write buffered event-log rows now (before a job reads the log)."""
    native_polls: dict[Platform, Callable[[str], Awaitable[ChannelRef | None]]] = field(
        default_factory=dict
    )
    """Where a native poll (by the platform's poll id) was posted, for adapters whose vote
    updates carry no chat (Telegram poll answers); filled by the feature that sends polls."""
    forget_member: Callable[[MemberRef], Awaitable[dict[str, int]]] | None = None
    lanes: Lanes = field(default_factory=lambda: Lanes(inline=True))
    """Where features hand off slow work (FAQ answers) so moderation never waits for it."""
    carries: Callable[[MessageRef, str], Awaitable[bool]] | None = None
    """Set by the app: whether the bot sent a message with this button data (bindings);
    without it no button press is handled."""
    """Set by the app: erase a member everywhere (the event log and every feature)."""
    several_processes: bool = False
    """Several processes serve the same communities ([storage] processes): what a feature
    keeps in memory must be re-read (see :class:`bot.core.reread.Reread`)."""
    shared_limits: SharedState | None = None
    """Set by the app with several processes: per-member limits are counted in the database;
    None: each process counts its own."""
    wrap_port: Callable[[PlatformPort], PlatformPort] | None = None
    """Set by the app: wraps a platform's port so the bot's own posts are recorded."""

    def connect_port(self, port: PlatformPort) -> PlatformPort:
        """Register a connected platform; returns the port to dispatch events with."""
        wrapped = self.wrap_port(port) if self.wrap_port is not None else port
        self.ports[port.platform] = wrapped
        return wrapped

    def port_for(self, community: CommunityRef) -> PlatformPort:
        """The connected platform of a community, for scheduled work. A job that runs while its
        platform is not connected fails and is retried by the scheduler."""
        port = self.ports.get(community.platform)
        if port is None:
            raise RuntimeError(f"the {community.platform} platform is not connected ({community})")
        return port


@dataclass(slots=True)
class Context:
    """Per-event handler context."""

    event: Event
    port: PlatformPort
    services: Services
    t: Translator
    tz: ZoneInfo
    args: dict[str, Any] = field(default_factory=dict)
    """Parsed command arguments (for ``CommandInvoked``)."""

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def config(self) -> Config:
        return self.services.config

    def render(self, key: str, /, **params: Any) -> RichText:
        """A catalog string as plain rich text."""
        return text(self.t(key, **params))

    async def reply(
        self,
        content: RichText | str,
        *,
        buttons: Sequence[Button] = (),
        ephemeral: bool = False,
    ) -> MessageRef | None:
        """Answer the event where it happened (an interaction reply for commands and buttons).

        ``content`` as ``str`` is taken as already translated text.
        """
        body = text(content) if isinstance(content, str) else content
        message = OutgoingMessage(body, tuple(buttons), ephemeral)
        event = self.event
        if isinstance(event, CommandInvoked | ButtonPressed):
            return await self.port.respond(event, message)
        if isinstance(event, MessagePosted):
            return await self.port.send(event.channel, message, reply_to=event.message)
        channel = event.channel_ref
        if channel is None:
            raise ValueError(f"cannot reply to {type(event).__name__}: it has no channel")
        return await self.port.send(channel, message)

    async def send(
        self, channel: ChannelRef, content: RichText | str, *, buttons: Sequence[Button] = ()
    ) -> MessageRef:
        body = text(content) if isinstance(content, str) else content
        return await self.port.send(channel, OutgoingMessage(body, tuple(buttons)))
