"""Catalogs stay complete and consistent; every key the code uses exists."""

from __future__ import annotations

import re
import string
from datetime import timedelta
from pathlib import Path

import pytest

from bot.i18n import Translator, available_locales, load_catalog

ROOT = Path(__file__).resolve().parents[2]
KEY_LITERAL = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
SPEC_KEY = re.compile(r"""["']((?:[a-z_]+\.)+(?:description|param\.[a-z_]+))["']""")


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def keys_used_in_code() -> set[str]:
    keys: set[str] = set()
    for path in list((ROOT / "bot").rglob("*.py")) + list((ROOT / "cogs").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        keys.update(KEY_LITERAL.findall(source))
        keys.update(SPEC_KEY.findall(source))
    return keys


def test_english_and_russian_ship() -> None:
    assert {"en", "ru"} <= set(available_locales())


@pytest.mark.parametrize("locale", [loc for loc in available_locales() if loc != "en"])
def test_catalog_matches_english(locale: str) -> None:
    english, other = load_catalog("en"), load_catalog(locale)
    assert set(other) == set(english), "keys differ from en.toml"
    for key, value in english.items():
        theirs = other[key]
        texts_en = value.values() if isinstance(value, dict) else [value]
        texts_other = theirs.values() if isinstance(theirs, dict) else [theirs]
        wanted = set().union(*(placeholders(v) for v in texts_en))
        for text in texts_other:
            assert placeholders(text) <= wanted, f"{locale}:{key} has unknown placeholders"


def test_every_key_used_in_code_is_in_english() -> None:
    used = keys_used_in_code()
    assert "help.title" in used and "command.unknown" in used  # the scanner works
    missing = sorted(k for k in used if k not in load_catalog("en"))
    assert not missing


PARAM_NAME = re.compile(r"""Param\(\s*["']([a-z_]+)["']""")


def test_every_parameter_name_has_a_label() -> None:
    """Usage lines name parameters in the reader's language: ``/mute <წევრი> ...``."""
    names: set[str] = set()
    for path in list((ROOT / "bot").rglob("*.py")) + list((ROOT / "cogs").rglob("*.py")):
        names.update(PARAM_NAME.findall(path.read_text(encoding="utf-8")))
    assert {"member", "duration", "reason"} <= names  # the scanner works
    missing = sorted(n for n in names if f"usage.{n}" not in load_catalog("en"))
    assert not missing


def test_plural_forms_and_fallback(tmp_path: Path) -> None:
    ru = Translator("ru")
    assert ru("command.unknown", name="x").startswith("Я не знаю команду /x")
    assert "2" in ru.duration(timedelta(hours=2)) and "час" in ru.duration(timedelta(hours=2))
    assert Translator("en").duration(timedelta(minutes=5)) == "5 minutes"
    with pytest.raises(KeyError, match="not in the English catalog"):
        ru("no.such.key")
    with pytest.raises(KeyError, match="needs parameter"):
        ru("command.unknown")
