"""Table headings and code-word cells in the reader's language (the CSV keeps the codes)."""

from __future__ import annotations

import re

from bot.i18n import Translator

# A code word alone, or with a count and idea numbers (a matrix cell): never members' text.
_WORD_VALUE = re.compile(r"^([a-z_]{2,20})(: \d+(?: #\d+)*)?$")


def value_label(t: Translator, value: str) -> str:
    """A table cell that is a code word (an action, a status, yes/no), or one with a count
    and idea numbers (``quick_win: 2 #4 #9``), in the reader's language; other cells
    (numbers, members' text) as they are."""
    found = _WORD_VALUE.match(value)
    if found is None:
        return value
    try:
        return t(f"dashboard.value.{found.group(1)}") + (found.group(2) or "")
    except KeyError:
        return value


def column_label(t: Translator, column: str) -> str:
    """A column's name in the reader's language (``stats export``'s name if it has none)."""
    try:
        return t(f"dashboard.col.{column}")
    except KeyError:
        return column
