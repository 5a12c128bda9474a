"""Every per-message path reads a bounded part of a message: its cost cannot grow with length."""

from __future__ import annotations

from pathlib import Path

from cogs.faq.entries import FaqLibrary
from cogs.faq.matcher import MAX_QUESTION_CHARS, FaqIndex, Thresholds
from cogs.moderation.matcher import MAX_SCAN_CHARS
from cogs.moderation.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]


def test_moderation_reads_a_bounded_prefix() -> None:
    rules = load_rules(ROOT / "rules")
    padding = "fine words " * (MAX_SCAN_CHARS // 10)
    assert rules.matcher.scan("you idiot " + padding).flagged
    # Beyond what any platform sends in one message, nothing more is read.
    assert not rules.matcher.scan(padding + " you idiot").flagged


def test_the_faq_reads_the_start_of_a_message() -> None:
    library = FaqLibrary(ROOT / "faq")
    index = FaqIndex(library.reload(force=True).entries, "lexical")
    question = "how do I reset my password?"
    long = question + " " + "and more words follow here " * 2000
    thresholds = Thresholds(0.9, 0.2)
    assert index.decide(long, thresholds) == index.decide(long[:MAX_QUESTION_CHARS], thresholds)
    assert index.search(long) == index.search(long[:MAX_QUESTION_CHARS])
