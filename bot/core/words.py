"""Command words members type in their own language: ``/raid გამორთვა`` is ``/raid off``,
``/post schedule 3 сейчас`` is ``now``. Commands compare the canonical English word."""

from __future__ import annotations

SAME_AS = {
    "вкл": "on", "включить": "on", "ჩართვა": "on", "ჩართე": "on",
    "выкл": "off", "выключить": "off", "გამორთვა": "off", "გამორთე": "off",
    "да": "yes", "კი": "yes", "нет": "no", "არა": "no",
    "сейчас": "now", "ახლა": "now",
}  # fmt: skip


def canonical(word: str) -> str:
    """A typed command word in lower case, the English one for its translations."""
    lowered = word.strip().lower()
    return SAME_AS.get(lowered, lowered)
