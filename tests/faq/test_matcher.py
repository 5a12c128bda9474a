"""Matching paraphrases with both matchers, the calibrated decision, and stable ranking."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pytest

from cogs.faq import semantic
from cogs.faq.entries import FaqEntry, FaqLibrary
from cogs.faq.matcher import (
    CALIBRATIONS,
    MARGINS,
    Decision,
    FaqIndex,
    Thresholds,
    resolve_kind,
)

ROOT = Path(__file__).resolve().parents[2]
THRESHOLDS = Thresholds(0.9, 0.5)
needs_semantic = pytest.mark.skipif(not semantic.available(), reason="semantic extra missing")


@pytest.fixture(scope="module")
def entries() -> list[FaqEntry]:
    return FaqLibrary(ROOT / "faq").reload().entries


@pytest.fixture(scope="module")
def lexical(entries: list[FaqEntry]) -> FaqIndex:
    return FaqIndex(entries, "lexical")


@pytest.fixture(scope="module")
def semantic_index(entries: list[FaqEntry]) -> FaqIndex:
    if not semantic.available():
        pytest.skip("semantic extra missing")
    return FaqIndex(entries, "semantic")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("how do I reset my password?", "password"),
        ("forgot my password, help", "password"),
        ("how can I report spam to the moderators?", "report"),
        ("как сбросить пароль?", "password"),
        ("where can i see upcoming events?", "events"),
    ],
)
def test_lexical_finds_close_wordings(lexical: FaqIndex, message: str, expected: str) -> None:
    assert lexical.search(message, 1)[0][0] == expected


@needs_semantic
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("i joined but i only see one channel, how do i unlock the rest", "verify"),
        ("someone keeps spamming scam links, how do i report them?", "report"),
        ("i got banned by mistake, how can i get unbanned", "appeal"),
        ("не помню пароль, как восстановить?", "password"),
        ("как стать модератором?", "become-mod"),
        ("wie kann ich mein Passwort zurücksetzen?", "password"),
    ],
)
def test_semantic_understands_paraphrases_and_languages(
    semantic_index: FaqIndex, message: str, expected: str
) -> None:
    match = semantic_index.decide(message, THRESHOLDS)
    assert match.entry_id == expected
    assert match.decision is not Decision.SILENT


@needs_semantic
@pytest.mark.parametrize(
    "message",
    ["what is the capital of australia?", "how do i cook pasta al dente?",
     "какая погода в москве?", "lol nice stream", "thanks, that worked"],
)  # fmt: skip
def test_off_topic_and_chat_stay_silent(semantic_index: FaqIndex, message: str) -> None:
    match = semantic_index.decide(message, THRESHOLDS)
    assert match.decision is Decision.SILENT and match.entry_id is None


def test_not_a_question_is_not_matched(lexical: FaqIndex) -> None:
    match = lexical.decide("my password is great", THRESHOLDS)
    assert not match.is_question and match.decision is Decision.SILENT
    assert match.candidates == ()
    assert lexical.decide("my password is great", THRESHOLDS, require_question=False).candidates
    # A caller that already checked (the FAQ service) passes its verdict on.
    told = lexical.decide("my password is great", THRESHOLDS, is_question=True)
    assert told.is_question and told.candidates


def test_thresholds_split_answer_suggest_silent(lexical: FaqIndex) -> None:
    message = "how do I reset my password?"
    confidence = lexical.search(message, 1)[0][1]
    assert lexical.decide(message, Thresholds(confidence, confidence / 2)).decision == "answer"
    above = min(1.0, confidence + 0.01)
    assert lexical.decide(message, Thresholds(above, confidence)).decision == "suggest"
    assert lexical.decide(message, Thresholds(above, above)).decision == "silent"


def test_calibrations_are_increasing() -> None:
    for calibrate in CALIBRATIONS.values():
        values = [calibrate(x / 100) for x in range(101)]
        assert values == sorted(values) and 0 < values[0] < values[-1] < 1


def test_ties_rank_by_id_and_empty_index_is_silent() -> None:
    twins = [
        FaqEntry(id="b-entry", questions=("How do I pin a message?",), answer="B"),
        FaqEntry(id="a-entry", questions=("How do I pin a message?",), answer="B"),
    ]
    index = FaqIndex(twins, "lexical")
    assert [e for e, _ in index.search("how do i pin a message?", 2)] == ["a-entry", "b-entry"]
    empty = FaqIndex([], "lexical")
    assert empty.decide("how do I pin a message?", THRESHOLDS).decision is Decision.SILENT


def test_language_versions(entries: list[FaqEntry]) -> None:
    index = FaqIndex(entries, "lexical")
    russian = index.entry("password", "ru")
    english = index.entry("password", "en")
    assert russian is not None and russian.lang == "ru"
    assert english is not None and english.lang == "en"
    only_english = index.entry("pricing", "ru", "en")
    assert only_english is not None and only_english.lang == "en"


def test_auto_picks_what_is_installed() -> None:
    assert resolve_kind("auto") == ("semantic" if semantic.available() else "lexical")
    assert resolve_kind("lexical") == "lexical"


@needs_semantic
def test_embeddings_persist_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["A phrasing only this test uses: where is the lighthouse?"]
    first = semantic.embed(texts)
    semantic._cache.clear()  # a new process: only the disk cache is left

    def no_model() -> None:
        raise AssertionError("the model should not run for a cached text")

    monkeypatch.setattr(semantic, "_model", no_model)
    assert (semantic.embed(texts) == first).all()
    path = semantic.cache_path()
    assert path is not None and path.exists()
    monkeypatch.setenv("COMMUNITY_BOT_CACHE", "")
    assert semantic.cache_path() is None


def test_a_repeated_question_is_embedded_once_and_the_cache_stays_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    class Model:
        def query(self, text: str) -> list[float]:
            calls.append(text)
            return [float(len(calls))]

    monkeypatch.setattr(semantic, "_model", Model)
    monkeypatch.setattr(semantic, "_queries", OrderedDict())
    monkeypatch.setattr(semantic, "QUERY_CACHE_SIZE", 3)
    first = semantic.embed_query("how do I  verify?")
    assert semantic.embed_query(" how do I verify? ") is first  # same words, same vector
    assert calls == ["how do I verify?"]
    for n in range(5):
        semantic.embed_query(f"question {n}")
    assert len(semantic._queries) == 3
    semantic.embed_query("how do I verify?")  # pushed out: embedded again
    assert calls[-1] == "how do I verify?" and len(calls) == 7


def two_close_entries() -> list[FaqEntry]:
    return [
        FaqEntry("freeze-card", ("How do I freeze my card?", "Can I lock my card for a while?"),
                 "Cards → Freeze.", "en"),
        FaqEntry("account-blocked", ("Why is my account blocked?", "My account was suspended"),
                 "A check is needed.", "en"),
        FaqEntry("fees", ("What are your fees?", "Is the account free?"), "Free.", "en"),
    ]  # fmt: skip


@pytest.mark.parametrize("kind", ["lexical", "semantic"])
def test_a_close_runner_up_is_offered_beside_the_best_not_answered_over(kind: str) -> None:
    if kind == "semantic" and not semantic.available():
        pytest.skip("semantic extra missing")
    index = FaqIndex(two_close_entries(), kind)  # type: ignore[arg-type]
    ranked = index._ranked("lock my card please", 3)
    match = index.decide("lock my card please", Thresholds(answer=0.0, suggest=0.0))
    gap = ranked[0][2] - ranked[1][2]
    if gap < MARGINS[kind]:
        assert match.decision is Decision.SUGGEST and match.close_call
        assert match.offered(0.2) == (ranked[0][0], ranked[1][0])
    else:
        assert match.decision is Decision.ANSWER and not match.close_call
    assert len(match.offered(0.2)) <= 2  # never more than two buttons


def test_offered_keeps_two_at_most_and_drops_a_far_runner_up() -> None:
    from cogs.faq.matcher import Match

    far = Match("a", 0.5, Decision.SUGGEST, (("a", 0.5), ("b", 0.05), ("c", 0.04)), True)
    assert far.offered(0.2) == ("a",)
    near = Match("a", 0.5, Decision.SUGGEST, (("a", 0.5), ("b", 0.3), ("c", 0.29)), True)
    assert near.offered(0.2) == ("a", "b")
    answered = Match("a", 0.95, Decision.ANSWER, (("a", 0.95), ("b", 0.3)), True)
    assert answered.offered(0.2) == ()
