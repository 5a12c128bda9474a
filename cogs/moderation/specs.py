"""The moderation commands' specs: names, typed parameters and levels."""

from __future__ import annotations

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.permissions import Level

MOD = Level.MODERATOR
NATIVE_SLOWMODE_MAX = 6 * 3600


def _member(description: str = "moderation.param.member") -> Param:
    return Param("member", ParamKind.MEMBER, description)


def _reason() -> Param:
    return Param("reason", ParamKind.TEXT, "moderation.param.reason", required=False)


SPECS = {
    "warn": CommandSpec("warn", "moderation.cmd.warn", (_member(), _reason()), MOD),
    "mute": CommandSpec(
        "mute",
        "moderation.cmd.mute",
        (_member(), Param("duration", ParamKind.DURATION, "moderation.param.duration"), _reason()),
        MOD,
    ),
    "unmute": CommandSpec("unmute", "moderation.cmd.unmute", (_member(),), MOD),
    "kick": CommandSpec("kick", "moderation.cmd.kick", (_member(), _reason()), MOD),
    "ban": CommandSpec("ban", "moderation.cmd.ban", (_member(), _reason()), MOD),
    "unban": CommandSpec("unban", "moderation.cmd.unban", (_member(),), MOD),
    "slowmode": CommandSpec(
        "slowmode",
        "moderation.cmd.slowmode",
        (
            Param("interval", ParamKind.WORD, "moderation.param.interval"),
            Param("duration", ParamKind.DURATION, "moderation.param.for", required=False),
        ),
        MOD,
    ),
    "case": CommandSpec(
        "case",
        "moderation.cmd.case",
        (Param("number", ParamKind.INTEGER, "moderation.param.case", min_value=1), _reason()),
        MOD,
    ),
    "warnings": CommandSpec("warnings", "moderation.cmd.warnings", (_member(),), MOD),
    "purge": CommandSpec(
        "purge",
        "moderation.cmd.purge",
        (
            _member(),
            Param(
                "count",
                ParamKind.INTEGER,
                "moderation.param.count",
                required=False,
                min_value=1,
                max_value=100,
            ),
        ),
        MOD,
    ),
    "raid": CommandSpec(
        "raid",
        "moderation.cmd.raid",
        (Param("state", ParamKind.CHOICE, "moderation.param.state", choices=("on", "off")),),
        MOD,
    ),
    "admit": CommandSpec("admit", "moderation.cmd.admit", (_member(),), MOD),
    "pardon": CommandSpec(
        "pardon",
        "moderation.cmd.pardon",
        (Param("number", ParamKind.INTEGER, "moderation.param.case", min_value=1), _reason()),
        MOD,
    ),
    "resetwarns": CommandSpec(
        "resetwarns", "moderation.cmd.resetwarns", (_member(), _reason()), MOD
    ),
    "report": CommandSpec("report", "moderation.cmd.report", (_reason(),)),
    "rules": CommandSpec("rules", "moderation.cmd.rules", while_muted=True),
}
