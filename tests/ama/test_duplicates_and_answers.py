"""AMA through the neutral core: duplicates judged with the FAQ's matchers (never merged into
one's own question, shown when unsure), answers that must be links and reach the asker,
👍 reactions as upvotes, and presses that are not the author's."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from cogs.ama.duplicates import Verdict, verdict
from cogs.ama.store import pending, upvotes
from cogs.faq import semantic
from cogs.faq.api import Likeness, likeness


async def votes(app: BotApp) -> int:
    async with app.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(upvotes)) or 0)


async def held(app: BotApp) -> int:
    async with app.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(pending)) or 0)


async def held_ids(app: BotApp) -> list[int]:
    async with app.db.read() as conn:
        return [int(i) for (i,) in await conn.execute(select(pending.c.id))]


@pytest.fixture
async def ama(app: BotApp, platform: ConsolePlatform) -> ConsolePlatform:
    await platform.post("mod", "general", "/ama open 1h Product roadmap")
    return platform


def test_verdicts_on_the_pairs_that_went_wrong() -> None:
    same = likeness("When will the mobile app ship?", ["When is the mobile app shipping?"])[0]
    assert verdict(same, 0.6) is Verdict.SAME
    plans = likeness(
        "What is the price of the team plan?", ["What is the price of the pro plan?"]
    )[0]
    assert verdict(plans, 0.6) is Verdict.SIMILAR  # a word apart: the author decides
    other = likeness("Will you hire in Tbilisi?", ["When will the mobile app ship?"])[0]
    assert verdict(other, 0.6) is Verdict.NEW
    # The model alone never merges: a high cosine with few shared words only asks.
    assert verdict(Likeness(0.2, 0.99), 0.6) is Verdict.SIMILAR


async def test_a_members_own_question_is_never_merged_into_itself(
    app: BotApp, ama: ConsolePlatform
) -> None:
    await ama.post("alice", "general", "/ask When will the mobile app ship?")
    await ama.post("alice", "general", "/ask When is the mobile app shipping?")
    assert "You already asked that (#1" in ama.transcript[-1]
    assert "upvote" not in ama.transcript[-1] and await votes(app) == 0
    await ama.post("bob", "general", "/ask when does the mobile app ship")
    assert "I counted your upvote" in ama.transcript[-1] and await votes(app) == 1


async def test_a_similar_question_is_shown_to_its_author_who_decides(
    app: BotApp, ama: ConsolePlatform
) -> None:
    await ama.post("alice", "general", "/ask What is the price of the pro plan?")
    await ama.post("bob", "general", "/ask What is the price of the team plan?")
    assert "Is your question the same as #1" in "\n".join(ama.transcript[-3:])
    assert await held(app) == 1
    before = await held_ids(app)
    await ama.press("mallory", "Mine is different")  # not bob's: refused, still held
    assert "Only the member who asked" in ama.transcript[-1]
    assert await held_ids(app) == before  # the same row: bob's buttons still point at it
    await ama.press("bob", "Mine is different")
    assert "Question #2 from bob" in "\n".join(ama.transcript[-4:]) and await held(app) == 0
    await ama.press("bob", "Mine is different")  # replayed: nothing posted twice
    assert "no longer works" in ama.transcript[-1]
    await ama.post("carol", "general", "/ask What is the price of the enterprise plan?")
    assert "Is your question the same as" in "\n".join(ama.transcript[-3:])
    await ama.press("carol", "Same: upvote")
    assert "I counted your upvote" in ama.transcript[-1] and await votes(app) == 1


async def test_answers_need_a_real_question_and_a_link_and_reach_the_asker(
    ama: ConsolePlatform,
) -> None:
    await ama.post("alice", "general", "/ask Will there be a Linux version?")
    await ama.post("mod", "general", "/ama answer 99 https://example.org/a")
    assert "There is no question #99" in ama.transcript[-1]
    await ama.post("mod", "general", "/ama answer 1 not-a-link")
    assert "is not a link" in ama.transcript[-1]
    await ama.post("mod", "general", "/ama answer 1 https://example.org/linux")
    told = "\n".join(ama.transcript[-3:])
    assert "alice your question #1 was answered: https://example.org/linux" in told


async def test_top_while_collecting_invites_to_ask_now(ama: ConsolePlatform) -> None:
    await ama.post("alice", "general", "/ask Will there be a Linux version?")
    await ama.post("bob", "general", "/ama top")
    listing = "\n".join(ama.transcript[-4:])
    assert "Still collecting" in listing and "Missed it" not in listing


async def test_a_thumbs_up_on_a_question_is_an_upvote_but_not_ones_own(
    app: BotApp, ama: ConsolePlatform
) -> None:
    await ama.post("alice", "general", "/ask Will there be a Linux version?")
    await ama.react("bob", "👍", "bot")
    await ama.react("alice", "👍", "bot")
    await ama.react("carol", "🎉", "bot")
    assert await votes(app) == 1


async def test_a_host_the_bot_has_not_seen_is_named_all_the_same(
    platform: ConsolePlatform,
) -> None:
    await platform.post("mod", "general", "/ama open 1h @newcomer Ask the designer")
    out = "\n".join(platform.transcript[-3:])
    assert "AMA: Ask the designer with newcomer" in out and "moderators mark the answers" in out


@pytest.mark.skipif(not semantic.available(), reason="semantic extra missing")
async def test_the_same_question_in_another_language_is_shown(
    app: BotApp, ama: ConsolePlatform
) -> None:
    await ama.post("alice", "general", "/ask When will the mobile app ship?")
    await ama.post("boris", "general", "/ask Когда выйдет мобильное приложение?")
    assert "Is your question the same as #1" in "\n".join(ama.transcript[-3:])


def test_without_the_semantic_extra_wording_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(semantic, "available", lambda: False)
    [same] = likeness("When will the mobile app ship?", ["When is the mobile app shipping?"])
    assert same.meaning is None and verdict(same, 0.6) is Verdict.SAME
    [plans] = likeness(
        "What is the price of the team plan?", ["What is the price of the pro plan?"]
    )
    assert verdict(plans, 0.6) is Verdict.SIMILAR
