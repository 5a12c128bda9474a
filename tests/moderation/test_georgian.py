"""Georgian stop words, written in Mkhedruli, in Mtavruli capitals, in Latin letters (the
national transliteration and keyboard/chat spellings: w for წ, q for ქ, x for ხ, 3 for ძ), in
Russian letters or with the scripts mixed — and the ordinary Georgian, English and Russian
words that must pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cogs.moderation.georgian import latin_spellings, national
from cogs.moderation.rules import RuleSet, load_rules

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules(ROOT / "rules")


@pytest.mark.parametrize(
    "message",
    [
        "შე ნაბიჭვარო",  # Mkhedruli, inflected
        "ᲜᲐᲑᲘᲭᲕᲐᲠᲝ",  # Mtavruli capitals
        "she nabichvaro",  # national transliteration
        "nabiwvaro",  # the keyboard's w for ჭ
        "Shobeldzaghlo!",
        "3aglishvilo",  # 3 for ძ, g for ღ
        "dzaghlishvilo",
        "mogitynav",  # y for ყ
        "ნაბიჭvaro",  # the scripts mixed in one word
        "ტრაkი",
        "b o z i",  # spaced out
        "n.a.b.i.ch.v.a.r.o",
        "debilo",
        "ნაბიჭვ@რო",  # symbols for Georgian vowels
        "ბ0ზი",
        "ნ ა ბ ი ჭ ვ ა რ ო",
        "ნააააბიჭვარო",  # stretched
        "ნა\u200bბიჭვარო",  # a zero-width space inside
        "ше набичваро",  # Georgian in Russian letters
        "дзаглишвило",
        "ნაბიჭ\u0432\u0430რო",  # Georgian and Cyrillic mixed in one word
    ],
)
def test_caught_however_written(rules: RuleSet, message: str) -> None:
    assert rules.matcher.scan(message).flagged, message


@pytest.mark.parametrize(
    "message",
    [
        "გამარჯობა, რა ხდება?",  # hello, what's up?
        "დედა მიყვარს",  # I love my mother
        "ძაღლი მყავს და ვირიც",  # I have a dog, and a donkey too
        "ბოზბაში გემრიელია",  # bozbashi (a soup) is tasty
        "სირიაში ვიყავი",  # I was in Syria
        "ტრაქტორი და ტრანსპორტი",
        "gamarjoba, ra xdeba?",
        "deda, dzaghli, viri, traktori",
        "a debilitating yield, mutely said by bozos",  # English around the Latin spellings
        "траки танка, Клео и бозбаши",  # Russian words that are spellings of Georgian entries
        "1 ბოძი და 2 სახლი",
    ],
)
def test_ordinary_words_pass(rules: RuleSet, message: str) -> None:
    assert not rules.matcher.scan(message).flagged, rules.matcher.scan(message).hits


def test_the_log_names_the_georgian_entry_and_the_spelling(rules: RuleSet) -> None:
    [hit] = rules.matcher.scan("nabiwvaro").hits
    assert hit.entry.text == "ნაბიჭვარ* (nabiwvar)"


def test_spellings_national_first_and_bounded() -> None:
    assert latin_spellings("შენი")[:2] == ["sheni", "seni"]
    assert latin_spellings("ძმა") == ["dzma", "zma", "3ma"]
    assert len(latin_spellings("ჭჭჭჭჭჭჭჭჭჭ")) == 64
    assert national("ყლe-ს") == "qle-s"


def test_a_communitys_own_georgian_word_is_caught_declined_and_in_other_letters(
    tmp_path: Path,
) -> None:
    """Written in its dictionary form, an entry also catches the noun's other forms (the
    vocative an insult is shouted in, the plural) in every script."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    with (tmp_path / "rules" / "stopwords" / "profanity.txt").open("a", encoding="utf-8") as f:
        f.write("\nსულელი\nბრიყვი\nჩერჩეტი\n")
    matcher = load_rules(tmp_path / "rules").matcher
    for message in ("შე სულელო!", "ბრიყვებო", "ჩერჩეტს ნუ უსმენთ", "suleli xar", "sulelo",
                    "she briyvo", "ᲡᲣᲚᲔᲚᲝ", "სულელo", "сулело"):  # fmt: skip
        assert matcher.scan(message).flagged, message
    for message in ("სული მტკივა", "სულ ერთია", "ბრინჯი და ყველი", "sul ertia", "sulit"):
        assert not matcher.scan(message).flagged, message
