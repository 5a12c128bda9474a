"""Finding the features under ``cogs/`` and wiring the enabled ones into a process.

The core never names a feature: it imports every package of :data:`FEATURE_PACKAGE` and takes
the :class:`~bot.core.feature.Feature` subclass whose ``name`` is the package's name. Adding a
feature is adding a folder.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
import pkgutil
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.events import ButtonPressed
from bot.core.feature import Declaration, Feature
from bot.core.ids import CommunityRef
from bot.core.payloads import ButtonData, DeadlineData, PayloadError
from bot.core.registry import Handler
from bot.storage.button_uses import ButtonUses

if TYPE_CHECKING:
    from bot.config import Config
    from bot.core.context import Services
    from bot.scheduler import Deadline, DeadlineHandler, RecurringHandler

log = logging.getLogger(__name__)

FEATURE_PACKAGE = "cogs"
"""Where features live; each subpackage holds one."""

AnyFeature = Feature[Any]


@functools.cache
def catalog() -> dict[str, type[AnyFeature]]:
    """Every feature that ships, by name, in alphabetical order."""
    package = importlib.import_module(FEATURE_PACKAGE)
    found: dict[str, type[AnyFeature]] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not info.ispkg or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{FEATURE_PACKAGE}.{info.name}")
        classes = [
            value
            for value in vars(module).values()
            if inspect.isclass(value) and issubclass(value, Feature) and value.name == info.name
        ]
        if len(classes) != 1:
            raise RuntimeError(
                f"{FEATURE_PACKAGE}/{info.name}/__init__.py must define one Feature subclass"
                f" with name = {info.name!r} (found {len(classes)})"
            )
        found[info.name] = classes[0]
    return found


def requirement_problems(enabled: Iterable[str]) -> list[str]:
    """A line per enabled feature whose required features are not enabled."""
    names = list(enabled)
    known = catalog()
    problems = []
    for name in names:
        feature = known.get(name)
        if feature is None:
            continue
        missing = [r for r in feature.requires if r not in names]
        if missing:
            problems.append(
                f"feature {name!r} needs {', '.join(map(repr, missing))} (it reads their data):"
                f" enable {' and '.join(map(repr, missing))} too, or disable {name!r}"
            )
    return problems


def enabled_features(config: Config) -> list[type[AnyFeature]]:
    known = catalog()
    return [known[name] for name in config.features.enabled]


def install(services: Services, config: Config) -> list[AnyFeature]:
    """Build the enabled features, in the configured order, and bind their handlers."""
    registry = services.registry
    built: list[AnyFeature] = []
    for kind in enabled_features(config):
        feature = kind(services, kind.settings_from(config))
        registry.begin_feature(kind.name)
        registry.features[kind.name] = feature
        built.append(feature)
    # Bound after every feature exists, so a feature's hooks may look up its peers.
    for feature in built:
        bind(feature, services)
    return built


def bind(feature: AnyFeature, services: Services) -> None:
    """Register one built feature's marked methods with the registry and the scheduler."""
    services.registry.begin_feature(feature.name)
    services.registry.features[feature.name] = feature
    for declared in feature.declarations:
        _bind(feature, declared, services)


def _bind(feature: AnyFeature, declared: Declaration, services: Services) -> None:
    registry = services.registry
    method = getattr(feature, declared.method)
    match declared.kind:
        case "command":
            registry.command(declared.target, method)
        case "on":
            for event_type in declared.target:
                registry.on(event_type, method)
        case "button":
            registry.button(declared.target.action, _button_handler(declared.target, method))
        case "deadline":
            services.scheduler.on_deadline(
                declared.target.kind, _deadline_handler(declared.target, method)
            )
        case "middleware":
            registry.add_middleware(declared.target, method, name=feature.name)
        case "recurring":
            for series in feature.schedules_of(declared):
                catch_up = series.catch_up or declared.catch_up or timedelta(0)
                services.scheduler.add_recurring(
                    series.name, series.trigger, _slot_handler(method, series.target),
                    catch_up=catch_up, platform=_platform_of(series.target),
                )  # fmt: skip


def _button_handler(data: type[ButtonData], method: Any) -> Handler:
    """Who may press and whether it is single-use are checked here, for every button, from
    what its ``ButtonData`` declares; then the typed payload goes to the handler."""

    async def handle(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, ButtonPressed)
        wire = f"{data.action}:{event.payload}"
        carries = ctx.services.carries
        if carries is None or not await carries(event.message, wire):
            log.warning(
                "button %s pressed by %s in %s on message %s that never carried it: refused",
                wire[:80], event.member.ref.id, event.community, event.message.id,
            )  # fmt: skip
            raise UserFacingError("button.expired")
        try:
            payload = data.unpack(event.payload)
        except PayloadError as exc:
            log.warning(
                "button %s pressed by %s in %s with a payload that does not fit: %s",
                data.action, event.member.ref.id, event.community, exc,
            )  # fmt: skip
            raise UserFacingError("button.expired") from None
        if event.member.level < data.pressed_by:
            log.info(
                "button %s pressed by %s (%s): for %s and up",
                *(data.action, event.member.ref.id, event.member.level.name),
                data.pressed_by.name,
            )
            level = ctx.t(f"level.{data.pressed_by.name.lower()}")
            raise UserFacingError("button.not_for_you", level=level)
        if not data.single_use:
            await method(ctx, payload)
            return
        uses = ButtonUses(ctx.services.db, event, data.single_use)
        first = await uses.claim(ctx.clock.now())
        if first is not None:
            raise UserFacingError("button.used", name=first)
        try:
            await method(ctx, payload)
        except BaseException:
            await uses.release()  # refused or failed: the decision is still open
            raise

    return handle


def _deadline_handler(data: type[DeadlineData], method: Any) -> DeadlineHandler:
    wants_row = len(inspect.signature(method).parameters) >= 2

    async def handle(row: Deadline) -> None:
        try:
            payload = data.unpack(row.payload)
        except PayloadError as exc:
            # Retrying cannot fix a payload; leave a clear line and let the row be done.
            log.error("deadline %s/%s dropped: %s", row.kind, row.key, exc)
            return
        if wants_row:
            await method(payload, row)
        else:
            await method(payload)

    return handle


def _platform_of(target: Any) -> str | None:
    """The platform a recurring series' target (a community, or a tuple starting with one)
    is on; None when it names none (the job runs in any process)."""
    first = target[0] if isinstance(target, tuple) and target else target
    return first.platform.value if isinstance(first, CommunityRef) else None


def _slot_handler(method: Any, target: Any) -> RecurringHandler:
    async def run(slot: datetime) -> None:
        await method(slot, target)

    return run
