"""Typed button and deadline payloads.

A button carries ``action:payload`` to the platform and back (Telegram allows 64 bytes of
callback data). A :class:`ButtonData` model names its action and packs its fields into the
payload, joined by ``sep``; the worst-case size is checked when the class is declared, so a
payload that could outgrow the limit is a programming error found at import, not a button
that fails in a chat. Unpacking validates the fields, so a forged or truncated payload is a
:class:`PayloadError`, never a crash deep inside a handler.

A :class:`DeadlineData` model names a deadline kind; its fields are the JSON payload stored
with the deadline row.
"""

from __future__ import annotations

import enum
import types
from typing import (
    Annotated,
    Any,
    ClassVar,
    Literal,
    NamedTuple,
    Self,
    Union,
    get_args,
    get_origin,
)

from annotated_types import MaxLen
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from bot.core.ids import ChannelRef
from bot.core.messages import MAX_BUTTON_DATA_BYTES, Button, ButtonStyle
from bot.core.permissions import Level
from bot.core.settings import CommunityKey

_INT_WIDTH = 20  # a signed 64-bit integer in decimal
_ACTION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


class PayloadError(ValueError):
    """A payload that does not unpack into its model (forged, truncated or from an old
    version)."""


class _WireField(NamedTuple):
    name: str
    width: int
    optional: bool


class ButtonData(BaseModel):
    """The payload of one button action; subclasses set ``action`` (and ``sep``).

    Field types: ``int``, ``bool``, enums, ``Literal`` of strings, and ``str`` with a
    ``max_length`` (counted in UTF-8 bytes); an optional field packs as an empty string.
    The last field may contain the separator; the others may not.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: ClassVar[str] = ""
    sep: ClassVar[str] = ":"
    pressed_by: ClassVar[Level] = Level.MEMBER
    """The lowest level that may press it; others are told it is not for them."""
    single_use: ClassVar[str] = ""
    """A group name: the first press of any button of that group under one message wins
    (a moderator's decision on an alert); later presses are told who decided."""
    _wire: ClassVar[tuple[_WireField, ...]] = ()
    """Per field, in order: name, widest wire form in bytes, optional (worked out once)."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if not cls.action:
            return  # a shared base of several actions
        cls._wire = tuple(
            _WireField(
                name,
                _width(cls.__name__, name, info.annotation, info.metadata),
                _optional(info.annotation),
            )
            for name, info in cls.model_fields.items()
        )
        if not set(cls.action) <= _ACTION_CHARS:
            raise TypeError(f"{cls.__name__}.action must be lower case letters, digits, . _ -")
        if len(cls.sep) != 1 or cls.sep in _ACTION_CHARS:
            raise TypeError(f"{cls.__name__}.sep must be one punctuation character")
        size = cls.max_bytes()
        if size > MAX_BUTTON_DATA_BYTES:
            raise TypeError(
                f"{cls.__name__}: up to {size} bytes of button data, over the platforms' limit"
                f" of {MAX_BUTTON_DATA_BYTES}; keep state in the database and pass its key"
            )

    @classmethod
    def max_bytes(cls) -> int:
        """The largest wire form ``action:f1<sep>f2...`` this model can produce."""
        widths = [field.width for field in cls._wire]
        return len(cls.action) + 1 + sum(widths) + max(len(widths) - 1, 0)

    def payload(self) -> str:
        """The packed fields (the part after ``action:``)."""
        cls = type(self)
        parts = [_pack(getattr(self, field.name)) for field in cls._wire]
        last = len(parts) - 1
        for index, (field, part) in enumerate(zip(cls._wire, parts, strict=True)):
            if index < last and self.sep in part:
                raise ValueError(f"{cls.__name__}.{field.name} may not contain {self.sep!r}")
            if len(part.encode()) > field.width:
                raise ValueError(f"{cls.__name__}.{field.name}: {part!r} is too long for a button")
        return self.sep.join(parts)

    def button(self, label: str, style: ButtonStyle = ButtonStyle.SECONDARY) -> Button:
        """A button that sends this payload back when pressed."""
        return Button(label, self.action, self.payload(), style)

    @classmethod
    def unpack(cls, payload: str) -> Self:
        """Validate a payload from the platform; :class:`PayloadError` when it does not fit."""
        fields = cls._wire
        if not fields:
            if payload:
                raise PayloadError(f"{cls.action}: expected no payload, got {payload!r}")
            return cls()
        parts = payload.split(cls.sep, len(fields) - 1)
        while len(parts) < len(fields) and fields[len(parts)].optional:
            parts.append("")  # trailing optional fields may be left off
        if len(parts) != len(fields):
            raise PayloadError(f"{cls.action}: expected {len(fields)} field(s) in {payload!r}")
        values: dict[str, Any] = {}
        for field, part in zip(fields, parts, strict=True):
            if len(part.encode()) > field.width:
                raise PayloadError(f"{cls.action}: {field.name} is too long in {payload!r}")
            if part != "" or not field.optional:
                values[field.name] = part
        try:
            data = cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            raise PayloadError(f"{cls.action}: {problems} in {payload!r}") from None
        for field in fields:
            value = getattr(data, field.name)
            if isinstance(value, int) and not -(2**63) <= value < 2**63:
                raise PayloadError(f"{cls.action}: {field.name} is out of range in {payload!r}")
        return data


class DeadlineData(BaseModel):
    """The payload of one deadline kind; subclasses set ``kind``. Stored as JSON."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: ClassVar[str] = ""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.kind and not set(cls.kind) <= _ACTION_CHARS:
            raise TypeError(f"{cls.__name__}.kind must be lower case letters, digits, . _ -")

    def stored(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def unpack(cls, payload: dict[str, Any]) -> Self:
        try:
            return cls.model_validate(payload)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            raise PayloadError(f"deadline {cls.kind}: {problems}") from None


class CommunityDeadline(DeadlineData):
    """A deadline about one community, stored as ``"platform:id"``.

    Rows written before typed payloads kept ``platform`` and ``community`` apart; they are
    read as the same community.
    """

    community: CommunityKey

    @model_validator(mode="before")
    @classmethod
    def _legacy_platform(cls, data: Any) -> Any:
        if isinstance(data, dict) and "platform" in data and "community" in data:
            data = dict(data)
            data["community"] = f"{data.pop('platform')}:{data['community']}"
        return data


class ChannelDeadline(CommunityDeadline):
    """A deadline about one channel (or a thread in it)."""

    channel: str
    thread: str | None = None

    @classmethod
    def of(cls, channel: ChannelRef, **fields: Any) -> Self:
        return cls(community=channel.community, channel=channel.id, thread=channel.thread,
                   **fields)  # fmt: skip

    @property
    def channel_ref(self) -> ChannelRef:
        return ChannelRef(self.community, self.channel, self.thread)


def clip(value: str, max_bytes: int) -> str:
    """``value`` cut to at most ``max_bytes`` of UTF-8, on a character boundary."""
    encoded = value.encode()
    if len(encoded) <= max_bytes:
        return value
    return encoded[:max_bytes].decode(errors="ignore")


def _pack(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _optional(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(
        annotation
    )


def _width(model: str, name: str, annotation: Any, metadata: list[Any]) -> int:
    if _optional(annotation):
        others = [a for a in get_args(annotation) if a is not type(None)]
        if len(others) != 1:
            raise TypeError(f"{model}.{name}: one type besides None")
        annotation = others[0]
    if get_origin(annotation) is Annotated:
        base, *extra = get_args(annotation)
        flat = list(metadata)
        for item in extra:
            flat.extend(getattr(item, "metadata", [item]))
        return _width(model, name, base, flat)
    if annotation is bool:
        return 1
    if annotation is int:
        return _INT_WIDTH  # int64 in decimal; pydantic bounds below keep values in range
    if get_origin(annotation) is Literal:
        return max(len(str(v).encode()) for v in get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return max(len(str(m.value).encode()) for m in annotation)
    if annotation is str:
        limits: list[object] = [m.max_length for m in metadata if isinstance(m, MaxLen)]
        limits += [getattr(m, "max_length", None) for m in metadata]
        known = [limit for limit in limits if isinstance(limit, int)]
        if not known:
            raise TypeError(f"{model}.{name}: a str field needs max_length (bytes on the wire)")
        return min(known)
    raise TypeError(f"{model}.{name}: {annotation!r} cannot travel in a button")
