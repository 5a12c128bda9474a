"""The translation layer: every user-facing string is a catalog key.

The core's catalogs are TOML files in ``bot/i18n/catalogs/<locale>.toml``; each feature adds
its own in ``cogs/<feature>/i18n/<locale>.toml``. Nested tables give dotted keys (``[help]
title = ...`` is ``help.title``); two files may not define the same key. A value may be a
table of CLDR plural forms (``one``, ``few``, ``many``, ``other``) chosen by the ``count``
parameter. A key missing in a locale falls back to English.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from babel import Locale
from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    format_time,
    get_timezone_gmt,
)
from babel.lists import format_list
from babel.units import format_unit

DEFAULT_LOCALE = "en"
PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})

Entry = str | dict[str, str]


class CatalogError(ValueError):
    """A catalog file is malformed."""


FEATURE_PACKAGE = "cogs"
"""Features ship their catalogs in ``<package>/<feature>/i18n/`` (found by path, not import)."""


def available_locales() -> tuple[str, ...]:
    """Locales that ship a core catalog."""
    folder = resources.files("bot.i18n") / "catalogs"
    names = (p.name for p in folder.iterdir())
    return tuple(sorted(n.removesuffix(".toml") for n in names if n.endswith(".toml")))


def feature_catalog_folders() -> Iterator[Path]:
    """Every feature's ``i18n`` folder, in name order."""
    spec = importlib.util.find_spec(FEATURE_PACKAGE)
    for root in (spec.submodule_search_locations or []) if spec else []:
        yield from sorted(p for p in Path(root).glob("*/i18n") if p.is_dir())


@cache
def load_catalog(locale: str) -> Mapping[str, Entry]:
    """Flattened catalog of one locale: the core's and every feature's (cached)."""
    core = resources.files("bot.i18n") / "catalogs" / f"{locale}.toml"
    try:
        text = core.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"no catalog for locale {locale!r}") from None
    flat: dict[str, Entry] = {}
    _merge(text, f"catalogs/{locale}.toml", flat)
    for folder in feature_catalog_folders():
        path = folder / f"{locale}.toml"
        if path.is_file():
            _merge(
                path.read_text(encoding="utf-8"), f"{folder.parent.name}/i18n/{path.name}", flat
            )
    return flat


def _merge(text: str, where: str, out: dict[str, Entry]) -> None:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{where}: {exc}") from None
    found: dict[str, Entry] = {}
    _flatten(data, "", found, where)
    twice = sorted(set(found) & set(out))
    if twice:
        raise CatalogError(f"{where}: keys defined in another catalog too: {', '.join(twice)}")
    out.update(found)


def _flatten(node: Mapping[str, Any], prefix: str, out: dict[str, Entry], where: str) -> None:
    for key, value in node.items():
        full = f"{prefix}{key}"
        if isinstance(value, str):
            out[full] = value
        elif isinstance(value, dict) and value and set(value) <= PLURAL_FORMS:
            if "other" not in value or not all(isinstance(v, str) for v in value.values()):
                raise CatalogError(f"{where}: {full}: plural table needs 'other'")
            out[full] = dict(value)
        elif isinstance(value, dict):
            _flatten(value, full + ".", out, where)
        else:
            raise CatalogError(f"{where}: {full}: expected text or a table")


@dataclass(frozen=True, slots=True)
class Text:
    """A catalog key to render in the reader's language, usable as another key's parameter
    (an error's reason, say), so no fragment stays in the language of the code."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class Localized(Protocol):
    """A parameter that renders itself in the reader's language (a command's usage line)."""

    def localized(self, t: Translator) -> str: ...


class Translator:
    """Renders catalog keys for one locale."""

    def __init__(self, locale: str = DEFAULT_LOCALE) -> None:
        self.locale = locale
        self._babel = Locale.parse(locale)
        self._catalog = load_catalog(locale)
        self._fallback = load_catalog(DEFAULT_LOCALE)

    def __call__(self, key: str, /, **params: Any) -> str:
        entry = self._catalog.get(key)
        babel_locale = self._babel
        if entry is None:
            entry = self._fallback.get(key)
            babel_locale = Locale.parse(DEFAULT_LOCALE)
        if entry is None:
            raise KeyError(f"translation key {key!r} is not in the English catalog")
        params = {name: self._rendered(value) for name, value in params.items()}
        if isinstance(entry, dict):
            count = params.get("count")
            if not isinstance(count, int):
                raise TypeError(f"translation key {key!r} is plural and needs an int 'count'")
            form = babel_locale.plural_form(abs(count))
            entry = entry.get(form, entry["other"])
        try:
            return entry.format(**params)
        except (KeyError, IndexError) as exc:
            raise KeyError(f"translation {key!r} ({self.locale}) needs parameter {exc}") from None

    def _rendered(self, value: Any) -> Any:
        """Parameters that read differently per language: catalog text and durations."""
        if isinstance(value, str | int):  # most are: skip the protocol check below
            return value
        if isinstance(value, Text):
            return self(value.key, **value.params)
        if isinstance(value, timedelta):
            return self.duration(value)
        if isinstance(value, Localized):
            return value.localized(self)
        return value

    def has(self, key: str) -> bool:
        return key in self._fallback or key in self._catalog

    def duration(self, delta: timedelta) -> str:
        """A duration in words, exact to its two largest units: ``2 hours``, ``1 day, 12
        hours``, ``1 день 12 часов``; whole weeks as weeks. Nominative forms: put it after a
        colon or dash in sentences of inflected languages, not after a preposition."""
        total = max(0, round(delta.total_seconds()))
        if total and total % WEEK == 0:
            return self._unit(total // WEEK, "week")
        parts = []
        for size, unit in ((DAY, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
            if total >= size:
                parts.append(self._unit(total // size, unit))
                total %= size
        if not parts:
            return self._unit(0, "second")
        return format_list(parts[:2], style="unit", locale=self._babel)

    def _unit(self, value: int, unit: str) -> str:
        return format_unit(value, f"duration-{unit}", length="long", locale=self._babel)

    def datetime(self, when: datetime, tz: Any) -> str:
        """A date and time in the community's time zone, in the locale's own order, without
        seconds and with the zone: ``Dec 1, 2026, 10:12 PM GMT+04:00``."""
        local = when.astimezone(tz)
        date = format_date(local, "medium", locale=self._babel)
        time = format_time(local, "short", locale=self._babel)
        pattern = str(self._babel.datetime_formats["medium"])
        offset = local.utcoffset()
        zone = "UTC" if not offset else get_timezone_gmt(local, "long", locale=self._babel)
        return f"{pattern.format(time, date)} {zone}"

    def short_date(self, when: dt.datetime, tz: Any) -> str:
        """A day and month as the locale writes them: ``Nov 30``, ``30 нояб.``."""
        return str(format_skeleton("MMMd", when.astimezone(tz), locale=self._babel))

    def month(self, when: dt.datetime) -> str:
        """A month and year, standing alone: ``November 2026``, ``ноябрь 2026 г.``."""
        return str(format_skeleton("yMMMM", when, locale=self._babel))

    def date_range(self, start: dt.datetime, end: dt.datetime, tz: Any) -> str:
        """Two days as the locale writes a range: ``Nov 23 – 30``, ``23—30 нояб.``."""
        first, last = start.astimezone(tz), end.astimezone(tz)
        skeleton = "yMMMd" if first.year != last.year else "MMMd"
        return str(format_interval(first, last, skeleton, locale=self._babel))


DAY = 86400
WEEK = 7 * DAY


@cache
def translator(locale: str) -> Translator:
    """A shared translator per locale."""
    return Translator(locale)
