"""Georgian stop words however written: recall on every inflected form of the shipped insults,
and false positives on ordinary Georgian words, per way of writing.

Usage: python -m benchmarks.moderation_georgian [--ordinary N]

The forms come from simplemma's Georgian lexicon (443,000 forms with lemmas, a test
dependency). The stems of the shipped list were chosen to cover the insults' forms in Mkhedruli
(so that column is by construction); the other writings — Mtavruli, Latin (national and chat),
Russian letters, a word with its second half in Latin, spaced out, stretched, symbols for
vowels — were not tuned on. Ordinary words are a fixed random sample of the other lemmas' forms.
The baseline column: the same lists with each Georgian entry only as written.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import patch

from cogs.moderation import rules
from cogs.moderation.georgian import chat_spelling, in_cyrillic, national
from cogs.moderation.matcher import Matcher
from cogs.moderation.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
INSULTS = ("ნაბიჭვარი", "ბოზი", "იდიოტი", "დებილი", "ნაძირალი", "ძაღლიშვილი", "ტრაკი", "ყლე",
           "ყლეობა", "ტყნავს", "მოტყნული", "დედამოტყნული", "მუტელი")  # fmt: skip
MTAVRULI = {chr(c): chr(c - 0x10D0 + 0x1C90) for c in range(0x10D0, 0x10FB)}


def mixed(word: str) -> str:
    half = len(word) // 2
    return word[:half] + national(word[half:])


def leet(word: str) -> str:
    return word.replace("ა", "@").replace("ო", "0")


WRITINGS: dict[str, Callable[[str], str]] = {
    "mkhedruli": lambda w: w,
    "mtavruli": lambda w: "".join(MTAVRULI.get(c, c) for c in w),
    "national": national,
    "chat": chat_spelling,
    "russian letters": in_cyrillic,
    "mixed scripts": mixed,
    "spaced": lambda w: " ".join(w),
    "stretched": lambda w: w[:2] + w[1] * 3 + w[2:],
    "symbols": leet,
}


def lexicon() -> dict[str, str]:
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    forms: dict[str, str] = {}
    raw: Any = DefaultDictionaryFactory().get_dictionary("ka")  # bytes or str by version
    for form, lemma in raw.items():
        form = form.decode() if isinstance(form, bytes) else form
        if form.isalpha():
            forms[form] = lemma.decode() if isinstance(lemma, bytes) else lemma
    return forms


def written_only() -> Matcher:
    """The baseline: the same lists with each Georgian entry only as written (no Latin or
    Russian-letter spellings), as a list without this module's spellings would work."""
    with patch.object(rules, "other_spellings", lambda word, stem: []):
        rules._spelled.cache_clear()
        matcher = load_rules(ROOT / "rules").matcher
    rules._spelled.cache_clear()
    return matcher


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ordinary", type=int, default=20_000)
    args = parser.parse_args()
    forms = lexicon()
    matcher = load_rules(ROOT / "rules").matcher
    baseline = written_only()
    insults = sorted(f for f, lemma in forms.items() if lemma in INSULTS)
    others = sorted(f for f, lemma in forms.items() if lemma not in INSULTS)
    ordinary = random.Random(23).sample(others, min(args.ordinary, len(others)))
    print(f"{len(insults)} forms of {len(INSULTS)} insults; {len(ordinary)} ordinary forms")
    head = f"{'writing':16s} {'recall':>7s} {'baseline':>8s} {'missed':>7s}"
    print(head + f" {'ordinary flagged':>17s} {'µs/word':>8s}")
    for name, write in WRITINGS.items():
        caught = [matcher.scan(write(form)).flagged for form in insults]
        started = time.perf_counter()
        flagged = [form for form in ordinary if matcher.scan(write(form)).flagged]
        took = (time.perf_counter() - started) / len(ordinary) * 1e6
        missed = [form for form, hit in zip(insults, caught, strict=True) if not hit]
        base = sum(baseline.scan(write(form)).flagged for form in insults) / len(insults)
        print(f"{name:16s} {sum(caught) / len(insults):7.3f} {base:8.3f} {len(missed):7d} "
              f"{len(flagged):9d} ({len(flagged) / len(ordinary):.4f}) {took:8.1f}"
              + (f"  e.g. {write(missed[0])}" if missed else "")
              + (f"  flagged e.g. {write(flagged[0])}" if flagged else ""))  # fmt: skip


if __name__ == "__main__":
    main()
