"""The shipped stop-word lists against ordinary vocabulary: 200,000 common English and
Russian words (wordfreq's frequency lists) and every Georgian word form simplemma knows (its
lexicon: wordfreq has no Georgian), both test dependencies.

Every word an entry fires on must be a profane form reviewed by a person
(``data/reviewed_hits.tsv``); an ordinary word that an entry catches goes into the list's
``.allow.txt`` with the reason, or the entry changes. A new entry, or a change to the
normalization, that starts catching ordinary words fails here, naming the entry and the words.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cogs.moderation.georgian import chat_spelling, in_cyrillic, national
from cogs.moderation.rules import load_rules

wordfreq = pytest.importorskip("wordfreq")

ROOT = Path(__file__).resolve().parents[2]
REVIEWED = Path(__file__).resolve().parent / "data" / "reviewed_hits.tsv"
WORDS_PER_LANGUAGE = 200_000
CHUNK = 300


def vocabulary_hits() -> set[tuple[str, str]]:
    """(entry, word) for every word an entry fires on. Words are scanned in chunks first
    (one scan per 300 words: a chunk finds at least what its words find alone), then one by
    one only in the few chunks with a hit."""
    matcher = load_rules(ROOT / "rules").matcher
    found: set[tuple[str, str]] = set()
    for language in ("en", "ru"):
        words = wordfreq.top_n_list(language, WORDS_PER_LANGUAGE)
        for start in range(0, len(words), CHUNK):
            chunk = words[start : start + CHUNK]
            if not matcher.scan(" ; ".join(chunk)).flagged:
                continue
            for word in chunk:
                for hit in matcher.scan(word).hits:
                    found.add((hit.entry.text, word))
    return found


def reviewed() -> set[tuple[str, str]]:
    pairs = set()
    for line in REVIEWED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            entry, word = line.split("\t")[:2]
            pairs.add((entry, word))
    return pairs


def test_no_entry_fires_on_an_ordinary_word() -> None:
    unexpected = sorted(vocabulary_hits() - reviewed())
    assert not unexpected, (
        "stop-word entries fire on words nobody reviewed as profane; allow them (with the"
        " reason) in rules/stopwords/*.allow.txt, or add them to tests/moderation/data/"
        "reviewed_hits.tsv if they are profane:\n"
        + "\n".join(f"  {entry}\t{word}" for entry, word in unexpected)
    )


REVIEWED_KA = Path(__file__).resolve().parent / "data" / "reviewed_hits_ka.tsv"
_SPELLING = re.compile(r" \(.*\)$")


def georgian_lexicon() -> dict[str, str]:
    """Every Georgian word form simplemma knows (443,000), with its lemma."""
    simplemma = pytest.importorskip("simplemma.strategies.dictionaries.dictionary_factory")
    raw = simplemma.DefaultDictionaryFactory().get_dictionary("ka")
    forms: dict[str, str] = {}
    for form, lemma in raw.items():
        form = form.decode() if isinstance(form, bytes) else form
        if form.isalpha():
            forms[form] = lemma.decode() if isinstance(lemma, bytes) else lemma
    return forms


# Russian entries that Georgian written in Russian letters trips, and why; left as they are
# (allowing the endings would let the Russian forms through), a Georgian community that writes
# in Russian letters can allow them. Measured: 346 of 443,000 forms.
CYRILLIC_COLLISIONS = {
    "*ебан*": "the literary plural -ებანი (ბრძანებანი) reads -ебани",
    "*хуе*": "ჩიხუახუები (chihuahuas) reads чихуахуеби",
}


def georgian_hits() -> tuple[set[tuple[str, str]], set[str]]:
    """(entry, lemma) for every Georgian form an entry fires on, written in Mkhedruli, in the
    national transliteration, in a chat spelling or in Russian letters (a spelling's entry is
    named by its Georgian entry); and the Russian entries that Georgian in Russian letters
    trips with a known collision."""
    matcher = load_rules(ROOT / "rules").matcher
    lexicon = georgian_lexicon()
    forms = sorted(lexicon)
    found: set[tuple[str, str]] = set()
    russian: set[str] = set()
    for write in (str, national, chat_spelling, in_cyrillic):
        written = [write(form) for form in forms]
        for start in range(0, len(written), CHUNK):
            chunk = written[start : start + CHUNK]
            if not matcher.scan(" ; ".join(chunk)).flagged:
                continue
            for word, form in zip(chunk, forms[start : start + CHUNK], strict=True):
                for hit in matcher.scan(word).hits:
                    if write is in_cyrillic and hit.entry.text in CYRILLIC_COLLISIONS:
                        russian.add(hit.entry.text)
                    else:
                        found.add((_SPELLING.sub("", hit.entry.text), lexicon[form]))
    return found, russian


@pytest.mark.slow
def test_no_entry_fires_on_an_ordinary_georgian_word() -> None:
    """Georgian, however written, against every entry (the Latin spellings of the Georgian
    entries and the English ones included): what fires must be a reviewed lemma."""
    pairs = set()
    for line in REVIEWED_KA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            entry, lemma = line.split("\t")[:2]
            pairs.add((entry, lemma))
    hits, russian = georgian_hits()
    assert ("ნაბიჭვარ*", "ნაბიჭვარი") in hits  # the lexicon has the profane words too
    assert russian == set(CYRILLIC_COLLISIONS)  # a collision gone: drop it from the table
    unexpected = sorted(hits - pairs)
    assert not unexpected, (
        "stop-word entries fire on Georgian words nobody reviewed as profane; allow them or"
        " narrow the entry, or add them to tests/moderation/data/reviewed_hits_ka.tsv if"
        " they are profane:\n" + "\n".join(f"  {entry}\t{lemma}" for entry, lemma in unexpected)
    )
