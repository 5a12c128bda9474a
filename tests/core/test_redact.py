"""No token in any log line or printed error: registered secrets and token-shaped strings are
redacted at every level, in messages, arguments and tracebacks."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.core import redact

TELEGRAM = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq"
DISCORD = "MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl.abcdefghijklmnopqrstuvwxyz012345"
INTERACTION = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDoxMjM0NTY3ODkw"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)
    redact.install(["a-registered-webhook-secret"])
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR])
def test_tokens_never_reach_a_log_line(captured: io.StringIO, level: int) -> None:
    log = logging.getLogger("httpx")
    log.log(level, "HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TELEGRAM)
    log.log(level, "discord token %s", DISCORD)
    log.log(level, "POST /interactions/1234567890/%s/callback", INTERACTION)
    log.log(level, "POST /webhooks/1000/%s/messages/@original", INTERACTION)
    log.log(level, "secret a-registered-webhook-secret in a message")
    try:
        raise RuntimeError(f"Unauthorized for bot{TELEGRAM}")
    except RuntimeError:
        log.log(level, "failed", exc_info=True)
    out = captured.getvalue()
    for secret in (TELEGRAM, DISCORD, INTERACTION, "a-registered-webhook-secret"):
        assert secret not in out
    assert out.count(redact.MARK) >= 6
    assert "/interactions/1234567890/[redacted]/callback" in out


def test_printed_errors_are_redacted() -> None:
    message = f"Telegram refused to start: Invalid token {TELEGRAM} (Unauthorized)"
    assert TELEGRAM not in redact.redact(message)
    assert "Telegram refused to start" in redact.redact(message)


def test_ordinary_text_is_left_alone() -> None:
    text = "case #12 at 10:30:00, poll 123:456, https://example.org/a/b"
    assert redact.redact(text) == text
