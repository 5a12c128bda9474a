"""Masking, spacing and leetspeak work with every entry form (whole, prefix, suffix,
anywhere), in Latin and Cyrillic; and ordinary words stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from cogs.moderation.matcher import Matcher, parse_entry
from cogs.moderation.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = load_rules(ROOT / "rules").matcher


def matcher(*lines: str, allow: tuple[str, ...] = ()) -> Matcher:
    return Matcher(
        [parse_entry("test", line, "test.txt", n) for n, line in enumerate(lines, 1)],
        [parse_entry("test", line, "test.allow.txt", n) for n, line in enumerate(allow, 1)],
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("gorp", "you g*rp"),  # whole word
        ("gorp*", "such g*rping nonsense"),  # prefix, mask inside the prefix
        ("gorp*", "g**p"),  # prefix covering the whole word
        ("*gorp", "a megag*rp"),  # suffix
        ("*gorp*", "ultrag*rpish"),  # anywhere
        ("*gorp*", "what the g*rp"),
        ("gorp*", "g0rp1ng"),  # leetspeak with a prefix entry
        ("*gorp*", "ultra g o r p ish"),  # spaced letters: the run is joined
        ("блурк*", "бл*ркать"),  # Cyrillic prefix with a mask
        ("идиот*", "ид1от"),  # Cyrillic with a digit
        ("идиот*", "ид*от"),
        ("motherfrob*", "m*therfr*bber"),  # two masks read as markdown: still caught
    ],
)
def test_every_entry_form_sees_through_masks(entry: str, message: str) -> None:
    assert matcher(entry).scan(message).flagged, (entry, message)


@pytest.mark.parametrize(
    "message",
    ["f*ck", "what the f*ck", "f**k", "fu*k", "b**ch", "id**t", "a**hole", "m*therf*cker",
     "cyka", "fck", "phuck", "ид1от", "ид*от", "fvck off", "s**t", "ебаный", "заебанный"],
)  # fmt: skip
def test_the_shipped_lists_catch_the_known_evasions(message: str) -> None:
    assert SHIPPED.scan(message).flagged, message


@pytest.mark.parametrize(
    "message",
    ["колебания цен", "колебание", "хлебанул чаю", "fire retardant foam", "бляха",
     "who're you?", "застрахуйте", "психует", "class assessment in Scunthorpe",
     "a bastardized version", "Phuket trip", "hello *world* and **bold** text",
     "it's **really** fine", "сучков на доске"],
)  # fmt: skip
def test_ordinary_words_stay_clean(message: str) -> None:
    scan = SHIPPED.scan(message)
    assert not scan.flagged, [hit.entry.text for hit in scan.hits]


def test_allow_list_applies_to_masked_words() -> None:
    check = matcher("*gorp*", allow=("gorpeous",))
    assert not check.scan("g*rpeous").flagged
    assert check.scan("g*rpy").flagged


def test_a_right_to_left_override_is_read_as_shown() -> None:
    assert SHIPPED.scan("you are an \u202etoidi\u202c, ok").flagged  # shows "idiot"
    assert not SHIPPED.scan("\u202eolleh\u202c friends").flagged
