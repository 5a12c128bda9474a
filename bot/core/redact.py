"""Secrets never reach a log line or an error message.

Platform libraries put the bot token in request URLs (Telegram's ``/bot<token>/``), echo it in
their errors, and Discord's interaction and webhook tokens travel in URL paths. A filter on
every handler of the root logger rewrites each record: registered secrets (the tokens the bot
runs with) and anything shaped like a token are replaced by ``[redacted]``, in the message, its
arguments and the formatted traceback. :func:`redact` does the same for text the CLI prints.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MARK = "[redacted]"

_PATTERNS = (
    # Telegram bot tokens: 123456789:AAH...
    re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}"),
    # Discord bot tokens: three base64url parts separated by dots.
    re.compile(r"\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"),
    # Discord interaction and webhook tokens in URL paths.
    re.compile(r"(?<=/interactions/)(\d+/)[^/\s?\"']+"),
    re.compile(r"(?<=/webhooks/)(\d+/)[^/\s?\"']+"),
)
_secrets: set[str] = set()


def register_secret(value: str) -> None:
    """Redact this exact value wherever it appears (the bot's tokens, webhook secrets)."""
    if len(value) >= 8:
        _secrets.add(value)


def redact(text: str) -> str:
    """``text`` with every registered secret and token-shaped string replaced."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MARK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.re.groups else "") + MARK, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites records so no handler writes a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install(secrets: Iterable[str] = ()) -> None:
    """Register ``secrets`` and put the filter on every handler of the root logger."""
    for value in secrets:
        if value:
            register_secret(value)
    root = logging.getLogger()
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
