"""The community rules members read: ``community-rules.md`` (numbered) and its translations,
``community-rules.<language>.md``, which keep every number."""

from __future__ import annotations

import re
from pathlib import Path

from babel import Locale, UnknownLocaleError

from bot.i18n import available_locales

_RULE_LINE = re.compile(r"^\s*(\d+)[.)]\s+(.+?)\s*$")


def load_community_rules(path: Path, problems: list[str]) -> dict[int, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"{path}: missing (the numbered community rules members are shown)")
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: cannot read: {exc}")
        return {}
    rules: dict[int, str] = {}
    current: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _RULE_LINE.match(line)
        if match:
            value = int(match[1])
            if value != len(rules) + 1:
                problems.append(
                    f"{path}:{number}: rule {value} should be number {len(rules) + 1}"
                    " (rules are numbered 1, 2, 3 ...)"
                )
            rules[value] = match[2]
            current = value
        elif line.strip() and current is not None and line.startswith((" ", "\t")):
            rules[current] += " " + line.strip()
        elif not line.strip() or line.lstrip().startswith("#"):
            current = None if not line.strip() else current
    if not rules:
        problems.append(f"{path}: no numbered rules found (write them as '1. Be kind ...')")
    return rules


def load_translations(
    folder: Path, rules_file: str, rules: dict[int, str], problems: list[str]
) -> dict[str, dict[int, str]]:
    """``community-rules.LOCALE.md`` files: the same numbered rules in another language."""
    found: dict[str, dict[int, str]] = {}
    stem = rules_file.removesuffix(".md")
    for path in sorted(folder.glob(f"{stem}.*.md")):
        locale = path.name[len(stem) + 1 : -len(".md")]
        try:
            Locale.parse(locale)
        except (ValueError, UnknownLocaleError):
            problems.append(
                f"{path}: '{locale}' is not a language code (e.g. {rules_file[:-3]}.ru.md;"
                f" the bot speaks {', '.join(available_locales())})"
            )
            continue
        translated = load_community_rules(path, problems)
        if translated and rules and set(translated) != set(rules):
            problems.append(
                f"{path}: has rules {sorted(translated)}, {rules_file} has {sorted(rules)}:"
                " a translation keeps every number"
            )
        found[locale] = translated
    return found
