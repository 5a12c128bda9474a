"""Text that every encoder accepts.

Lone surrogates reach the bot from bytes that are not UTF-8 (the console's input, command-line
arguments) and from JSON escapes such as ``"\\ud800"`` in a platform payload. No encoder can
write them, so a message carrying one would fail in moderation's regular expressions, the
database or the platform's API: they become U+FFFD before anything reads the text.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")

GEORGIAN = re.compile("[\u10d0-\u10ff\u1c90-\u1cbf]")
"""Georgian letters: Mkhedruli, and Mtavruli capitals (case folding turns them into
Mkhedruli). Moderation reads Georgian words with it, the FAQ picks Georgian answers."""


def valid_text(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD (unchanged, and cheap, when valid)."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text
