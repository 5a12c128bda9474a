"""Slash command definitions generated from the core's command specs, and their fingerprint.

Discord allows 200 command creations a day per server, so the definitions are only sent when
their fingerprint (a hash of the exact payload) differs from the one stored after the last sync.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bot.core.commands import CommandSpec, ParamKind
from bot.core.permissions import Level
from bot.i18n import Translator, available_locales, translator

STRING, INTEGER, USER = 3, 4, 6
OPTION_TYPES = {
    ParamKind.WORD: STRING, ParamKind.TEXT: STRING, ParamKind.DURATION: STRING,
    ParamKind.CHOICE: STRING, ParamKind.INTEGER: INTEGER, ParamKind.MEMBER: USER,
}  # fmt: skip
# Default permissions per level; server admins can change who sees a command, and the bot
# checks the level again at run time.
DEFAULT_PERMISSIONS = {
    Level.MODERATOR: str(1 << 13),  # MANAGE_MESSAGES
    Level.ADMIN: str(1 << 3),  # ADMINISTRATOR
}
# Our locales → Discord's locale codes. Discord has no Georgian: a Georgian community's
# commands are described in Georgian by default, and English and Russian clients get theirs.
DISCORD_LOCALES = {"en": ("en-US", "en-GB"), "ru": ("ru",)}


def localizations(default: str) -> dict[str, Translator]:
    """Translators keyed by Discord locale for every catalog other than ``default``."""
    return {
        code: translator(locale)
        for locale in available_locales()
        if locale != default
        for code in DISCORD_LOCALES.get(locale, ())
    }


def _cut(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def command_payload(
    specs: list[CommandSpec], t: Translator, others: dict[str, Translator] | None = None
) -> list[dict[str, Any]]:
    """The bulk-overwrite body for these commands, with descriptions in every catalog."""
    payload = []
    for spec in sorted(specs, key=lambda s: s.name):
        options = []
        for param in spec.params:
            option: dict[str, Any] = {
                "type": OPTION_TYPES[param.kind], "name": param.name,
                "description": _cut(t(param.description)), "required": param.required,
            }  # fmt: skip
            if param.kind is ParamKind.INTEGER:
                if param.min_value is not None:
                    option["min_value"] = param.min_value
                if param.max_value is not None:
                    option["max_value"] = param.max_value
            if param.kind is ParamKind.CHOICE and param.choices:
                option["choices"] = [{"name": c, "value": c} for c in param.choices[:25]]
            if others:
                option["description_localizations"] = {
                    code: _cut(other(param.description)) for code, other in others.items()
                }
            options.append(option)
        command: dict[str, Any] = {
            "type": 1, "name": spec.name, "description": _cut(t(spec.description)),
            "options": options, "default_member_permissions": DEFAULT_PERMISSIONS.get(spec.level),
            "contexts": [0], "nsfw": False,
        }  # fmt: skip
        if others:
            command["description_localizations"] = {
                code: _cut(other(spec.description)) for code, other in others.items()
            }
        payload.append(command)
    return payload


def fingerprint(payload: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
