"""The ``simulate`` script language, parsed in full before anything runs.

One step a line::

    +alice                      alice joins
    -alice                      alice leaves
    alice: text                 alice posts in #general (text starting with / is a command)
    alice #help: text           alice posts in #help
    alice #dm: text             alice writes to the bot privately
    bob #room-1: text           bob posts in the first private room the bot opened
    alice > bob: text           alice replies to bob's latest message (combines with #channel)
    alice [Label]               alice presses the button Label on the latest bot message with one
    alice +👍                   alice reacts to the latest message by someone else
    alice +👍 bob               ... to bob's latest message
    alice -👍 [bob]             alice takes that reaction back
    alice edit: new text        alice edits her latest message ("post clean, edit later")
    ~ 2h30m                     time passes (at most a year a line); scheduled jobs run
    # comment

Every malformed line is reported, not only the first; a member may not carry the bot's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from bot.core.durations import parse_duration

NAME = r"[\w.-]{1,32}"

_JOIN = re.compile(rf"^\+(?P<name>{NAME})$")
_LEAVE = re.compile(rf"^-(?P<name>{NAME})$")
_WAIT = re.compile(r"^~\s*(?P<duration>.*)$")
_PRESS = re.compile(rf"^(?P<name>{NAME})\s+\[(?P<label>[^\]]+)\]$")
_REACT = re.compile(rf"^(?P<name>{NAME})\s+\+(?P<emoji>\S+)(?:\s+@?(?P<target>{NAME}))?$")
_UNREACT = re.compile(rf"^(?P<name>{NAME})\s+-(?P<emoji>\S+)(?:\s+@?(?P<target>{NAME}))?$")
_EDIT = re.compile(rf"^(?P<name>{NAME})\s+edit\s*:(?P<text>.*)$")
_ROOM = re.compile(r"^room-\d{1,6}$")
"""Private rooms the bot opens while the script runs (``room-1``, ``room-2``...)."""
MAX_WAIT = timedelta(days=366)
"""The longest ``~`` a line may ask for: each scheduled slot in between runs."""
_POST = re.compile(
    rf"^(?P<name>{NAME})(?:\s+#(?P<channel>{NAME}))?(?:\s*>\s*@?(?P<target>{NAME}))?\s*:(?P<text>.*)$"
)

EXPECTED = (
    "expected one of: '+name', '-name', 'name: text', 'name #channel: text',"
    " 'name > other: text', 'name edit: text', 'name [Button]', 'name +emoji [other]',"
    " 'name -emoji [other]', '~ 2h30m', '# comment'"
)


class ScriptError(ValueError):
    """A malformed line: ``line`` is 1-based."""

    def __init__(self, line: int, message: str, source: str = "") -> None:
        super().__init__(f"line {line}: {message}" + (f"\n  {source}" if source else ""))
        self.line = line


class ScriptErrors(ValueError):
    """Every malformed line of a script, in order."""

    def __init__(self, errors: list[ScriptError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Join:
    line: int
    name: str


@dataclass(frozen=True, slots=True)
class Leave:
    line: int
    name: str


@dataclass(frozen=True, slots=True)
class Post:
    line: int
    name: str
    channel: str
    text: str
    reply_to: str | None = None


@dataclass(frozen=True, slots=True)
class Press:
    line: int
    name: str
    label: str


@dataclass(frozen=True, slots=True)
class React:
    line: int
    name: str
    emoji: str
    target: str | None = None
    taken_back: bool = False
    """``alice -👍``: the reaction is removed."""


@dataclass(frozen=True, slots=True)
class Wait:
    line: int
    duration: timedelta


@dataclass(frozen=True, slots=True)
class Edit:
    line: int
    name: str
    text: str


Step = Join | Leave | Post | Press | React | Edit | Wait


def parse_script(
    source: str, channels: Iterable[str] = ("general",), bot_name: str = "bot"
) -> list[Step]:
    """Parse a whole script; raises ``ScriptErrors`` listing every malformed line."""
    known = list(channels)
    steps: list[Step] = []
    errors: list[ScriptError] = []
    for number, raw in enumerate(source.splitlines(), start=1):
        try:
            step = parse_line(raw, number, known)
        except ScriptError as exc:
            errors.append(exc)
            continue
        if step is None:
            continue
        names = {step.name} if not isinstance(step, Wait) else set()
        target = getattr(step, "target", None) or getattr(step, "reply_to", None)
        if target:
            names.add(target)
        if any(name.casefold() == bot_name.casefold() for name in names):
            errors.append(ScriptError(
                number, f"'{bot_name}' is the bot's name in transcripts: pick another name", raw
            ))  # fmt: skip
            continue
        steps.append(step)
    if errors:
        raise ScriptErrors(errors)
    return steps


def parse_line(raw: str, number: int, channels: list[str]) -> Step | None:
    """Parse one line (``None`` for blanks and comments)."""
    line = raw.strip()
    if not line or line.startswith("#"):
        return None
    if match := _JOIN.match(line):
        return Join(number, match["name"])
    if match := _LEAVE.match(line):
        return Leave(number, match["name"])
    if match := _WAIT.match(line):
        try:
            duration = parse_duration(match["duration"])
        except ValueError:
            raise ScriptError(
                number, "'~' needs a duration such as 30s, 15m, 1h30m or 2d", raw
            ) from None
        if duration > MAX_WAIT:
            raise ScriptError(number, "'~' is at most 366d a line: split longer waits", raw)
        return Wait(number, duration)
    if match := _EDIT.match(line):
        text = match["text"].strip()
        if not text:
            raise ScriptError(number, "an edit needs the new text after ':'", raw)
        return Edit(number, match["name"], text)
    if match := _PRESS.match(line):
        return Press(number, match["name"], match["label"].strip())
    if match := _REACT.match(line):
        return React(number, match["name"], match["emoji"], match["target"])
    if match := _UNREACT.match(line):
        return React(number, match["name"], match["emoji"], match["target"], taken_back=True)
    if match := _POST.match(line):
        text = match["text"].strip()
        if not text:
            raise ScriptError(number, "a message needs text after ':'", raw)
        channel = match["channel"] or "general"
        if channel not in channels and channel != "dm" and not _ROOM.match(channel):
            raise ScriptError(
                number, f"there is no channel #{channel} (channels: {', '.join(channels)})", raw
            )
        return Post(number, match["name"], channel, text, match["target"])
    raise ScriptError(number, EXPECTED, raw)
