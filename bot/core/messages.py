"""Outbound message shapes: rich text with buttons, and polls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.core.richtext import RichText

# Telegram allows 64 bytes of callback data; Discord 100 characters of custom_id.
# The neutral model keeps to the smaller limit so a button works on every platform.
MAX_BUTTON_DATA_BYTES = 64


class ButtonStyle(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    SUCCESS = "success"
    DANGER = "danger"
    LINK = "link"


@dataclass(frozen=True, slots=True)
class Button:
    """A button. Pressing it sends ``ButtonPressed(action, payload)``; a LINK button opens ``url``.

    ``action`` names the handler (``"faq.helped"``); ``payload`` is a short key, never state:
    long state lives in the database.
    """

    label: str
    action: str = ""
    payload: str = ""
    style: ButtonStyle = ButtonStyle.SECONDARY
    url: str | None = None

    def __post_init__(self) -> None:
        if self.style is ButtonStyle.LINK or self.url is not None:
            if not self.url:
                raise ValueError("a link button needs a url")
            return
        if not self.action or ":" in self.action:
            raise ValueError(f"button action must be non-empty without ':' (got {self.action!r})")
        if len(self.data.encode()) > MAX_BUTTON_DATA_BYTES:
            raise ValueError(
                f"button data {self.data!r} is over {MAX_BUTTON_DATA_BYTES} bytes;"
                " keep state in the database and pass its key"
            )

    @property
    def data(self) -> str:
        """The wire form adapters put in callback data / custom ids."""
        return f"{self.action}:{self.payload}"

    @staticmethod
    def parse_data(data: str) -> tuple[str, str]:
        """Split wire data back into (action, payload)."""
        action, _, payload = data.partition(":")
        return action, payload


@dataclass(frozen=True, slots=True)
class Attachment:
    """An image sent with a message (a chart); the text becomes its caption where it fits."""

    filename: str
    data: bytes
    mime: str = "image/png"


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """What a feature sends. ``ephemeral`` is honoured where the platform can (Discord
    interaction replies) and otherwise falls back to a normal reply."""

    text: RichText
    buttons: tuple[Button, ...] = ()
    ephemeral: bool = False
    attachment: Attachment | None = None


@dataclass(frozen=True, slots=True)
class PollSpec:
    """A poll or quiz (``correct_option`` set) to send natively where the platform fits."""

    question: str
    options: tuple[str, ...]
    multiple_choice: bool = False
    anonymous: bool = False
    closes_at: datetime | None = None
    correct_option: int | None = None
    explanation: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 2 <= len(self.options) <= 10:
            raise ValueError("a poll has 2 to 10 options")
        if self.correct_option is not None and not 0 <= self.correct_option < len(self.options):
            raise ValueError("the correct option must be one of the options")
