"""The translation layer: every user-facing string is a catalog key.

Catalogs are TOML files in ``bot/i18n/catalogs/<locale>.toml``; nested tables give
dotted keys (``[help] title = ...`` is ``help.title``). A value may be a table of CLDR
plural forms (``one``, ``few``, ``many``, ``other``) chosen by the ``count`` parameter.
A key missing in a locale falls back to English.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale
from babel.dates import format_datetime, format_timedelta

DEFAULT_LOCALE = "en"
PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})

Entry = str | dict[str, str]


class CatalogError(ValueError):
    """A catalog file is malformed."""


def available_locales() -> tuple[str, ...]:
    """Locales that ship a catalog."""
    folder = resources.files("bot.i18n") / "catalogs"
    names = (p.name for p in folder.iterdir())
    return tuple(sorted(n.removesuffix(".toml") for n in names if n.endswith(".toml")))


@cache
def load_catalog(locale: str) -> Mapping[str, Entry]:
    """Flattened catalog of one locale (cached: catalogs ship with the code)."""
    path = resources.files("bot.i18n") / "catalogs" / f"{locale}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"no catalog for locale {locale!r}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"catalogs/{locale}.toml: {exc}") from None
    flat: dict[str, Entry] = {}
    _flatten(data, "", flat, locale)
    return flat


def _flatten(node: Mapping[str, Any], prefix: str, out: dict[str, Entry], locale: str) -> None:
    for key, value in node.items():
        full = f"{prefix}{key}"
        if isinstance(value, str):
            out[full] = value
        elif isinstance(value, dict) and value and set(value) <= PLURAL_FORMS:
            if "other" not in value or not all(isinstance(v, str) for v in value.values()):
                raise CatalogError(f"catalogs/{locale}.toml: {full}: plural table needs 'other'")
            out[full] = dict(value)
        elif isinstance(value, dict):
            _flatten(value, full + ".", out, locale)
        else:
            raise CatalogError(f"catalogs/{locale}.toml: {full}: expected text or a table")


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

    def has(self, key: str) -> bool:
        return key in self._fallback or key in self._catalog

    def duration(self, delta: timedelta) -> str:
        """A duration in words: ``2 hours``, ``2 часа``."""
        return format_timedelta(delta, threshold=1.0, locale=self._babel, format="long")

    def datetime(self, when: datetime, tz: Any) -> str:
        """A date and time in the community's time zone, in the locale's medium format."""
        return format_datetime(when, format="medium", tzinfo=tz, locale=self._babel)


@cache
def translator(locale: str) -> Translator:
    """A shared translator per locale."""
    return Translator(locale)
