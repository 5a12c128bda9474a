"""Commands declared once by a feature; each adapter renders them natively.

A ``CommandSpec`` names the command, its typed parameters and the level needed to use it.
Discord turns it into a slash command with typed options; Telegram and the console parse
the text after the command with :func:`parse_arguments`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from bot.core.durations import parse_duration
from bot.core.errors import UserFacingError
from bot.core.ids import MemberRef
from bot.core.permissions import Level
from bot.core.words import canonical
from bot.i18n import Text, Translator

MAX_INTEGER = 2**53 - 1
"""The largest integer argument: Discord's limit for integer options."""
COMMAND_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# A double- or single-quoted phrase, or a run of non-space characters.
_TOKEN = re.compile(r"\"([^\"]*)\"|'([^']*)'|(\S+)")


class ParamKind(StrEnum):
    WORD = "word"
    """One word (or a quoted phrase)."""
    TEXT = "text"
    """The rest of the line; only as the last parameter."""
    INTEGER = "integer"
    MEMBER = "member"
    """A member: a mention/id, or on text platforms the author of the replied-to message."""
    DURATION = "duration"
    """``30s``, ``15m``, ``1h30m``, ``2d``."""
    CHOICE = "choice"
    """One of ``choices``."""


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: ParamKind
    description: str
    """Catalog key of the parameter's description."""
    required: bool = True
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None

    def __post_init__(self) -> None:
        if not COMMAND_NAME.match(self.name):
            raise ValueError(f"bad parameter name {self.name!r}")
        if self.kind is ParamKind.CHOICE and not self.choices:
            raise ValueError(f"choice parameter {self.name!r} needs choices")


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A command: ``name`` (lower case, no slash), ``description`` (catalog key), params, level."""

    name: str
    description: str
    params: tuple[Param, ...] = ()
    level: Level = Level.MEMBER
    feature: str = field(default="", compare=False)
    while_muted: bool = field(default=False, kw_only=True)
    """May be used by a muted member: it posts nothing publicly and alerts nobody."""

    def __post_init__(self) -> None:
        if not COMMAND_NAME.match(self.name):
            raise ValueError(f"bad command name {self.name!r}: lower case letters, digits and _")
        for param in self.params[:-1]:
            if param.kind is ParamKind.TEXT:
                raise ValueError(f"/{self.name}: a text parameter must be the last one")
        seen_optional = False
        for param in self.params:
            if seen_optional and param.required:
                raise ValueError(f"/{self.name}: required parameter after an optional one")
            seen_optional = seen_optional or not param.required

    def usage(self, t: Translator | None = None) -> str:
        """``/mute <member> <duration> [reason]``, the parameters named in ``t``'s language."""
        parts = [f"/{self.name}"]
        for param in self.params:
            name = param_label(param.name, t)
            parts.append(f"<{name}>" if param.required else f"[{name}]")
        return " ".join(parts)


def param_label(name: str, t: Translator | None) -> str:
    """A parameter's name as readers see it: ``usage.<name>`` in the catalogs (the core has
    the common ones; a feature adds its own), else the name itself."""
    key = f"usage.{name}"
    return t(key) if t is not None and t.has(key) else name


@dataclass(frozen=True, slots=True)
class Usage:
    """A usage line rendered when the message is, in the reader's language."""

    spec: CommandSpec

    def localized(self, t: Translator) -> str:
        return self.spec.usage(t)


@dataclass(frozen=True, slots=True)
class ParamName:
    """A parameter's name rendered in the reader's language."""

    name: str

    def localized(self, t: Translator) -> str:
        return param_label(self.name, t)


MemberResolver = Callable[[str], Awaitable[MemberRef | None]]


async def parse_arguments(
    spec: CommandSpec,
    raw: str,
    resolve_member: MemberResolver,
    *,
    reply_to_author: MemberRef | None = None,
) -> dict[str, Any]:
    """Parse the text after a command against its spec.

    Raises ``UserFacingError`` with key ``command.bad_argument`` / ``command.missing_argument``
    naming the parameter, so the member learns what to fix.
    """
    matches = list(_TOKEN.finditer(raw))
    tokens = [next(g for g in m.groups() if g is not None) for m in matches]
    values: dict[str, Any] = {}
    position = 0
    for index, param in enumerate(spec.params):
        if param.kind is ParamKind.MEMBER and reply_to_author is not None:
            # Telegram and console: the target is the author of the message replied to,
            # unless the member also typed a mention in this position.
            if position < len(tokens) and _looks_like_member(tokens[position]):
                member = await resolve_member(tokens[position])
                if member is not None:
                    values[param.name] = member
                    position += 1
                    continue
            values[param.name] = reply_to_author
            continue
        if position >= len(tokens):
            if param.required:
                raise UserFacingError(
                    "command.missing_argument", name=ParamName(param.name), usage=Usage(spec)
                )
            continue
        if param.kind is ParamKind.TEXT and index == len(spec.params) - 1:
            values[param.name] = raw[matches[position].start() :].strip()
            position = len(tokens)
            continue
        if _skips(spec, index, tokens[position]):
            continue  # "/desk close fixed it": the optional number is left out, the text given
        values[param.name] = await _convert(spec, param, tokens[position], resolve_member)
        position += 1
    if position < len(tokens):
        raise UserFacingError("command.too_many_arguments", usage=Usage(spec))
    return values


def _skips(spec: CommandSpec, index: int, token: str) -> bool:
    """An optional integer followed by a free-text parameter is left out when the token has
    no digit at all: the words belong to the text (a token with digits is still checked)."""
    param = spec.params[index]
    if param.required or param.kind is not ParamKind.INTEGER:
        return False
    rest = spec.params[index + 1 :]
    return bool(rest) and rest[-1].kind is ParamKind.TEXT and not any(c.isdigit() for c in token)


def _looks_like_member(token: str) -> bool:
    return token.startswith("@") or token.isdigit()


async def _convert(
    spec: CommandSpec, param: Param, token: str, resolve_member: MemberResolver
) -> Any:
    def bad(reason: Text) -> UserFacingError:
        return UserFacingError(
            "command.bad_argument",
            name=ParamName(param.name),
            value=token,
            reason=reason,
            usage=Usage(spec),
        )

    match param.kind:
        case ParamKind.WORD | ParamKind.TEXT:
            return token
        case ParamKind.INTEGER:
            try:
                number = int(token)
            except ValueError:
                raise bad(Text("command.reason.whole_number")) from None
            # Unbounded parameters still stop where Discord's integer options (and every
            # database's 64-bit columns) do, so "/case 9999…9" is refused, never a crash.
            lowest = -MAX_INTEGER if param.min_value is None else param.min_value
            highest = MAX_INTEGER if param.max_value is None else param.max_value
            if number < lowest:
                raise bad(Text("command.reason.at_least", {"value": lowest}))
            if number > highest:
                raise bad(Text("command.reason.at_most", {"value": highest}))
            return number
        case ParamKind.DURATION:
            try:
                duration: timedelta = parse_duration(token)
            except ValueError:
                raise bad(Text("command.reason.duration")) from None
            return duration
        case ParamKind.CHOICE:
            lowered = canonical(token)
            if lowered not in param.choices:
                raise bad(Text("command.reason.one_of", {"choices": ", ".join(param.choices)}))
            return lowered
        case ParamKind.MEMBER:
            member = await resolve_member(token)
            if member is None:
                raise bad(Text("command.reason.no_member"))
            return member
    raise AssertionError(param.kind)  # pragma: no cover


def format_args_for_log(args: Mapping[str, Any]) -> str:
    """A short, stable rendering of parsed arguments for logs and transcripts."""
    return " ".join(f"{key}={value}" for key, value in sorted(args.items()))
