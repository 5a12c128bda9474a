"""Georgian typed in Latin letters: told from English and other languages written in Latin
letters, and read back in Georgian letters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.core.georgian_latin import looks_georgian, to_mkhedruli
from bot.i18n import load_catalog

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "text",
    ["rogor aghvadgino paroli?", "ra xdeba bichebo?", "gamarjoba", "ratom damadumes?",
     "vin moigo gushindeli matchi?", "ra wesebia am chatshi?", "kargi filmi xom ar icit?"],
)  # fmt: skip
def test_georgian_in_latin_letters(text: str) -> None:
    assert looks_georgian(text)


@pytest.mark.parametrize(
    "text",
    ["How do I reset my password?", "sad day", "ROM hack", "ver 2.1", "ara",
     "hola, ¿qué tal?", "Ciao, come stai?", "Bozeman Montana", "gamarjoba means hello",
     "რა ხდება?", "как дела"],
)  # fmt: skip
def test_other_text_is_not(text: str) -> None:
    assert not looks_georgian(text)


def test_no_english_question_or_message_of_the_project_looks_georgian() -> None:
    """The FAQ's English and Russian phrasings, the benchmark sets (English, Russian, Spanish,
    German, French, Portuguese) and every English catalog text."""
    texts: list[str] = []
    for path in (ROOT / "benchmarks" / "data").glob("*.jsonl"):
        if "faq_ka" in path.name:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append(str(row.get("text") or row.get("question") or ""))
    for path in (ROOT / "faq").glob("*.md"):
        texts += re.findall(r'^  "(.*)",$', path.read_text(encoding="utf-8"), re.M)
    for value in load_catalog("en").values():
        texts += list(value.values()) if isinstance(value, dict) else [value]
    assert len(texts) > 1000
    assert [t for t in texts if looks_georgian(t)] == []


def test_read_in_georgian_letters() -> None:
    assert to_mkhedruli("rogor aghvadgino paroli?") == "როგორ აღვადგინო პაროლი?"
    assert to_mkhedruli("ra xdeba, 3aghlo?") == "რა ხდება, ძაღლო?"
    assert to_mkhedruli("AMA-ze 5 kitxva") == "ამა-ზე 5 კიტხვა"
