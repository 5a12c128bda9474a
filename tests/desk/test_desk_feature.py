"""The desk through the neutral core, like an adversary: forged and copied buttons, cases of
another community, a member who rates twice or someone else's case, replayed deadlines,
restarts, platform-maximum texts, auto-close, reopening, and erasure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.config import Config
from bot.core.events import ButtonPressed
from bot.core.ids import MemberRef, Platform
from cogs.desk import Desk
from cogs.desk.payloads import EscalationDue
from cogs.desk.store import DeskStore
from cogs.desk.tables import cases, messages


@pytest.fixture
def example_config(example_config: Config) -> Config:
    """These cases live in the channel where they were opened (rooms: test_desk_rooms.py)."""
    desk = Desk.settings_from(example_config).updated(private_rooms=False)
    return example_config.with_section("desk", desk)


def desk_of(app: BotApp) -> Desk:
    feature = app.services.registry.features["desk"]
    assert isinstance(feature, Desk)
    return feature


async def forge(
    app: BotApp, platform: ConsolePlatform, who: str, action: str, payload: str
) -> None:
    latest = next(reversed(platform.messages.values()))
    await app.dispatcher.dispatch(
        ButtonPressed(
            community=platform.community, occurred_at=app.clock.now(),
            channel=latest.ref.channel, message=latest.ref, member=platform.actor(who),
            action=action, payload=payload,
        ),
        app.services.ports[Platform.CONSOLE],
    )  # fmt: skip


async def case_row(app: BotApp, number: int = 1) -> dict[str, object]:
    async with app.db.read() as conn:
        row = (await conn.execute(select(cases).where(cases.c.id == number))).mappings().one()
    return dict(row)


async def test_buttons_refuse_members_forgeries_and_other_communities(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "/ticket my invoice is wrong")
    assert "Case #1 is open" in platform.transcript[-1]
    await platform.press("bob", "I take it")  # a member cannot claim
    assert "helper" in platform.transcript[-1].lower()
    await platform.press("helper", "I take it")
    assert (await case_row(app))["assignee"] == "helper"
    # A rating button forged under the card: never carried by that message.
    await forge(app, platform, "alice", "desk.rate", "1:5")
    assert "no longer works" in platform.transcript[-1]
    await forge(app, platform, "helper", "desk.claim", "9" * 30)  # past any integer column
    assert "no longer works" in platform.transcript[-1]
    assert (await case_row(app))["satisfaction"] is None
    # The case moves to another community: its number means nothing here any more.
    async with app.db.transaction() as conn:
        await conn.execute(update(cases).values(community="elsewhere"))
    await platform.post("helper", "general", "/desk close 1 done")
    assert "There is no case #1 here." in platform.transcript[-1]
    await platform.press("helper", "I take it")
    assert "There is no case #1 here." in platform.transcript[-1]


async def test_rating_is_the_member_s_and_once(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("alice", "general", "/ticket the app crashes on start")
    await platform.post("helper", "general", "/desk close 1 fixed in 2.1")
    await platform.press("bob", "5")
    assert "Only the member who opened this case" in platform.transcript[-1]
    await platform.press("alice", "3")
    await platform.press("alice", "5")
    row = await case_row(app)
    assert row["satisfaction"] == 3 and row["status"] == "closed"
    # Reopen within the window: once; the second press finds it open.
    await platform.press("alice", "Reopen")
    assert "Case #1 is open again." in platform.transcript[-1]
    await platform.press("alice", "Reopen")
    assert "can no longer be reopened" in platform.transcript[-1]
    row = await case_row(app)
    assert row["status"] == "waiting_staff" and row["reopens"] == 1


async def test_reopening_after_the_window_is_refused(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "/ticket please reset my 2fa")
    await platform.post("helper", "general", "/desk close 1 done")
    await app.scheduler.advance_to(app.clock.now() + timedelta(days=8))
    await platform.press("alice", "Reopen")
    assert "can no longer be reopened" in platform.transcript[-1]


async def test_auto_close_after_silence_and_a_reply_cancels_it(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "/ticket where is my order 118?")
    await platform.post("helper", "general", "it shipped yesterday", reply_to_member="alice")
    assert (await case_row(app))["status"] == "waiting_member"
    await app.scheduler.advance_to(app.clock.now() + timedelta(days=2))
    await platform.post("alice", "general", "still not here", reply_to_member="helper")
    assert (await case_row(app))["status"] == "waiting_staff"
    await app.scheduler.advance_to(app.clock.now() + timedelta(days=2))
    assert (await case_row(app))["status"] == "waiting_staff"  # the member spoke: no auto-close
    await platform.post("helper", "general", "reshipped today", reply_to_member="alice")
    await app.scheduler.advance_to(app.clock.now() + timedelta(days=3, minutes=1))
    row = await case_row(app)
    assert row["status"] == "closed" and row["close_reason"] == "no reply from the member"


async def test_a_replayed_escalation_posts_nothing_twice(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "/ticket cannot log in at all")
    desk = desk_of(app)
    community = platform.community
    await desk.escalation_due(EscalationDue(community=community, case=1, step=1))
    await desk.escalation_due(EscalationDue(community=community, case=1, step=1))
    await desk.escalation_due(EscalationDue(community=community, case=1, step=2))
    await desk.escalation_due(EscalationDue(community=community, case=1, step=1))
    await desk.escalation_due(EscalationDue(community=community, case=1, step=99))
    posts = [line for line in platform.transcript if "is past its SLA" in line]
    assert len(posts) == 2 and "helpers" in posts[0] and "moderators" in posts[1]
    assert (await case_row(app))["escalations"] == 2


async def test_an_answer_stops_the_chain(app: BotApp, platform: ConsolePlatform) -> None:
    # 2026-11-27 10:00 Tbilisi is a Friday morning in the fixture's clock.
    await platform.post("alice", "general", "/ticket payment failed twice")
    await app.scheduler.advance_to(app.clock.now() + timedelta(hours=2, minutes=5))
    assert sum("is past its SLA" in line for line in platform.transcript) == 1
    await platform.post("mod", "general", "looking now", reply_to_member="alice")
    await app.scheduler.advance_to(app.clock.now() + timedelta(hours=8))
    assert sum("is past its SLA" in line for line in platform.transcript) == 1


async def test_longest_texts_are_kept_within_limits(
    app: BotApp, platform: ConsolePlatform
) -> None:
    subject = "ქართული " * 600  # Georgian, far past Telegram's 4096 characters
    await platform.post("alice", "general", f"/ticket {subject}")
    row = await case_row(app)
    assert len(str(row["subject"])) <= 200
    async with app.db.read() as conn:
        words = (await conn.execute(select(messages.c.text))).scalars().all()
    assert all(len(text) <= 4096 for text in words)


async def test_erasure_removes_cases_and_words(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("alice", "general", "/ticket my card was charged twice")
    await platform.post("helper", "general", "refund sent", reply_to_member="alice")
    await platform.post("bob", "general", "/ticket bob's own problem")
    removed = await desk_of(app).forget_member(MemberRef(Platform.CONSOLE, "alice"))
    assert removed >= 1
    store = DeskStore(app.db)
    assert await store.get(1) is None and await store.get(2) is not None
    async with app.db.read() as conn:
        authors = set((await conn.execute(select(messages.c.author))).scalars())
    assert "alice" not in authors


async def test_staff_restart_keeps_the_clocks(
    example_config: Config, make_app: Callable[..., BotApp]
) -> None:
    first = make_app(example_config)
    await first.start()
    await first.console_platform().post("alice", "general", "/ticket nothing loads")
    await first.close()
    second = make_app(example_config)
    await second.start()
    try:
        platform = second.console_platform()
        await second.scheduler.advance_to(second.clock.now() + timedelta(hours=3))
        assert sum("is past its SLA: helpers" in line for line in platform.transcript) == 1
        assert sum("⏳ Case #1" in line for line in platform.transcript) == 1
    finally:
        await second.close()


async def test_a_card_lost_with_its_process_is_posted_after_the_restart(
    example_config: Config, make_app: Callable[..., BotApp]
) -> None:
    """Death between opening a case and posting its card (the worst moment): the case is
    committed with a durable card deadline, so the next process posts the card, once."""
    first = make_app(example_config)
    await first.start()
    desk = desk_of(first)

    async def dies(case: object) -> None:
        raise RuntimeError("killed before the card went out")

    desk.post_card = dies  # type: ignore[method-assign]
    await first.console_platform().post("alice", "general", "/ticket nothing loads at all")
    await first.close()
    second = make_app(example_config)
    await second.start()
    try:
        platform = second.console_platform()
        await second.scheduler.advance_to(second.clock.now() + timedelta(minutes=2))
        cards = [line for line in platform.transcript if "📨 Case #1 from alice" in line]
        assert len(cards) == 1 and cards[0].startswith("#helpers bot:")
        await second.scheduler.advance_to(second.clock.now() + timedelta(minutes=5))
        assert sum("📨 Case #1 from alice" in line for line in platform.transcript) == 1
    finally:
        await second.close()


async def test_the_faq_offers_a_ticket_that_starts_from_the_question(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("carol", "help", "how can I get a refund for my subscription?")
    await platform.press("carol", "Didn't help")
    assert any("Someone from the team can take it from here" in line
               for line in platform.transcript[-2:])  # fmt: skip
    # A bystander's press opens their own ticket, without carol's words.
    await platform.press("bob", "Open a ticket")
    await platform.press("carol", "Open a ticket")
    # carol's question in the help channel is case #1 already: the same question is not
    # opened twice.
    assert "You already have case #1 open about this" in platform.transcript[-1]
    question_case, bob_case = await case_row(app, 1), await case_row(app, 2)
    assert (bob_case["requester"], bob_case["subject"]) == ("bob", "")
    assert question_case["requester"] == "carol"
    assert question_case["subject"] == "how can I get a refund for my subscription?"
    # A forged answer number is refused: the message never carried that button.
    await forge(app, platform, "dave", "desk.open", "2")
    assert "no longer works" in platform.transcript[-1]
    async with app.db.read() as conn:
        assert sorted((await conn.execute(select(cases.c.id))).scalars().all()) == [1, 2]
    # Outside the help channels the ticket starts from the question the FAQ missed.
    await platform.post("erin", "general", "how can I get a refund for my subscription?")
    await platform.press("erin", "Didn't help")
    await platform.press("erin", "Open a ticket")
    assert (await case_row(app, 3))["subject"] == "how can I get a refund for my subscription?"


async def test_merging_a_members_duplicate(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("alice", "help", "why does the csv export fail with error 42?")
    await platform.post("alice", "general", "/ticket csv export error 42")
    await platform.post("bob", "general", "/ticket my avatar")
    for wrong, reason in (
        ("/desk merge 2 2", "cannot be merged into itself"),
        ("/desk merge 2 3", "not the same member's"),
        ("/desk merge 2 99", "There is no case #99 here."),
        ("/desk merge 2", "Say which case to merge into"),
        ("/desk merge 2 " + "9" * 30, "Say which case to merge into"),
    ):
        await platform.post("helper", "general", wrong)
        assert reason in platform.transcript[-1], wrong
    await platform.post("helper", "general", "/desk merge 2 #1")
    assert "Case #2 is merged into case #1" in platform.transcript[-1]
    await platform.post("helper", "general", "/desk merge 2 1")
    assert "There is no case #2 here." in platform.transcript[-1]
    merged, kept = await case_row(app, 2), await case_row(app, 1)
    assert (merged["status"], merged["merged_into"]) == ("merged", 1)
    assert kept["status"] == "waiting_staff"
    async with app.db.read() as conn:
        owners = (await conn.execute(select(messages.c.case_id))).scalars().all()
    assert sorted(owners) == [1, 1, 3]
    figures = await desk_of(app).figures(
        platform.community, app.clock.now() - timedelta(days=1), app.clock.now() + timedelta(1)
    )
    assert (figures.opened, figures.backlog) == (2, 2)  # the duplicate counts once


async def test_per_helper_figures_and_the_fastest_helper_in_the_digest(
    app: BotApp, platform: ConsolePlatform
) -> None:
    # Friday 14:00 in Tbilisi: working hours. helper answers three cases in 10 min each,
    # mod one case in 30 min (too few to be thanked).
    for member in ("anna", "boris", "chen", "dana"):
        await platform.post(member, "general", f"/ticket {member}'s problem")
    await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=10))
    for number in (1, 2, 3):
        await platform.post("helper", "general", f"/snippet hello {number}")
    await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=20))
    await platform.post("mod", "general", "/snippet hello 4")
    await platform.post("mod", "general", "/snippet hello 4")  # a second answer: not a first
    await platform.post("mod", "general", "/stats 7d")
    stats = platform.transcript[-1]
    assert "First answers by helper: helper 3 (median 10 minutes); mod 1 (median 30 minutes)" in (
        stats
    )
    await platform.post("mod", "general", "/digest preview")
    preview = "\n".join(platform.transcript[-12:])
    assert "⚡ Fastest helper of the week" in preview
    assert "helper: first answers in a median 10 minutes across 3 cases. Thank you!" in preview
    # Forgotten, a helper's answers still count, without the name.
    await app.forget_member(platform.member("helper"))
    found = await desk_of(app).figures(
        platform.community, app.clock.now() - timedelta(days=1), app.clock.now()
    )
    assert [(h.name, h.answered) for h in found.helpers] == [("mod", 1)]


async def test_an_answer_that_raced_the_close_still_counts(
    app: BotApp, platform: ConsolePlatform
) -> None:
    """Discord delivers events in parallel: a staff answer written before the close may be
    handled after it; it is still the first response (one written after is not)."""
    await platform.post("alice", "general", "/ticket a question")
    written = app.clock.now() + timedelta(minutes=5)
    await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=6))
    await platform.post("helper", "general", "/desk close 1 answered in the thread")
    desk = desk_of(app)
    case = await desk.store.get(1)
    assert case is not None
    later = app.clock.now() + timedelta(minutes=1)
    await desk.responded(case, later, platform.actor("mod"), staff=True, words="late",
                         channel=platform.channel("general"), message=None)  # fmt: skip
    assert (await case_row(app))["first_response_at"] is None
    await desk.responded(case, written, platform.actor("helper"), staff=True, words="done",
                         channel=platform.channel("general"), message=None)  # fmt: skip
    row = await case_row(app)
    assert (row["first_response_at"], row["first_responder"]) == (written, "helper")
