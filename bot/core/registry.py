"""Where features declare what they handle: commands, events, buttons, middleware."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.events import Event

if TYPE_CHECKING:
    from bot.core.feature import Feature

E = TypeVar("E", bound=Event)

Handler = Callable[[Context], Awaitable[None]]
Next = Callable[[], Awaitable[None]]
Middleware = Callable[[Context, Next], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RegisteredCommand:
    spec: CommandSpec
    handler: Handler


@dataclass(order=True, frozen=True, slots=True)
class RegisteredMiddleware:
    order: int
    name: str
    func: Middleware = field(compare=False)


class Registry:
    """Collects each feature's declarations. Built once at start-up, then read-only."""

    def __init__(self) -> None:
        self.commands: dict[str, RegisteredCommand] = {}
        self.handlers: dict[type[Event], list[tuple[str, Handler]]] = {}
        self.buttons: dict[str, tuple[str, Handler]] = {}
        self.middleware: list[RegisteredMiddleware] = []
        self.chain: tuple[Middleware, ...] = ()
        """The middleware functions in order (kept ready for the per-event hot path)."""
        self.features: dict[str, Feature[Any]] = {}
        """The enabled features by name, in load order."""
        self._feature = ""

    def begin_feature(self, name: str) -> None:
        """Declarations that follow belong to the feature ``name``."""
        self._feature = name

    def command(self, spec: CommandSpec, handler: Handler) -> None:
        """Declare a command; each platform renders it natively."""
        if spec.name in self.commands:
            other = self.commands[spec.name].spec.feature
            raise ValueError(f"/{spec.name} declared by both {other!r} and {self._feature!r}")
        spec = replace(spec, feature=self._feature)
        self.commands[spec.name] = RegisteredCommand(spec, handler)

    def on(self, event_type: type[Event], handler: Handler) -> None:
        """Handle every event of a type (after middleware)."""
        self.handlers.setdefault(event_type, []).append((self._feature, handler))

    def button(self, action: str, handler: Handler) -> None:
        """Handle presses of buttons whose ``action`` is this."""
        if action in self.buttons:
            raise ValueError(f"button action {action!r} declared twice")
        self.buttons[action] = (self._feature, handler)

    def add_middleware(self, order: int, func: Middleware, name: str = "") -> None:
        """Run ``func`` around every event; lower ``order`` runs first (moderation uses 100)."""
        self.middleware.append(RegisteredMiddleware(order, name or self._feature, func))
        self.middleware.sort()
        self.chain = tuple(m.func for m in self.middleware)

    def visible_commands(self) -> list[CommandSpec]:
        return sorted((c.spec for c in self.commands.values()), key=lambda s: s.name)
