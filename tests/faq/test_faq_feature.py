"""FAQ answers in chat through the neutral core: feedback, helpers, suggestions, cooldown,
human replies first, quick replies, reloads, and what gets recorded for the metrics."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.config import Config
from bot.core.clock import FakeClock
from cogs.faq import Faq
from cogs.faq.store import answers, votes

ROOT = Path(__file__).resolve().parents[2]


def last_lines(platform: ConsolePlatform, count: int = 8) -> str:
    return "\n".join(platform.transcript[-count:])


async def rows(app: BotApp) -> list[dict[str, object]]:
    async with app.db.read() as conn:
        result = await conn.execute(select(answers).order_by(answers.c.id))
        return [dict(r) for r in result.mappings()]


def with_faq(config: Config, **changes: object) -> Config:
    return config.with_section("faq", Faq.settings_from(config).updated(**changes))


async def test_answer_with_feedback_and_a_miss_reaching_helpers(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "how do I reset my password?")
    answer = last_lines(platform, 4)
    assert "bot → alice: How do I reset my password?" in answer
    assert "[👍 Helped] [👎 Didn't help]" in answer
    await platform.press("bob", "Didn't help")  # not bob's question: no false alarm
    assert "Only the member who asked can rate" in platform.transcript[-1]
    await platform.press("alice", "Didn't help")
    helpers = [line for line in platform.transcript if line.startswith("#helpers bot:")]
    assert len(helpers) == 1 and "(password) did not help alice in #general" in helpers[0]
    await platform.press("alice", "Helped")
    assert "already given feedback" in platform.transcript[-1]
    await platform.press("helper", "Didn't help")  # helpers may rate; told once per answer
    assert len([x for x in platform.transcript if x.startswith("#helpers")]) == 1
    [row] = await rows(app)
    assert row["decision"] == "answer" and row["entry_id"] == "password"
    assert row["helped"] == 0 and row["not_helped"] == 2 and row["helpers_told_at"] is not None
    async with app.db.read() as conn:
        assert len((await conn.execute(select(votes))).all()) == 2


def test_links_in_answers_carry_utm(example_config: Config, clock: FakeClock) -> None:
    from bot.core.richtext import Link
    from cogs.faq.entries import FaqLibrary
    from cogs.faq.service import FaqService

    library = FaqLibrary(ROOT / "faq")
    library.reload()
    service = FaqService(library, Faq.settings_from(example_config), clock)
    [appeal] = [e for e in library.entries if e.id == "appeal" and e.lang == "en"]
    entry = appeal.__class__(
        id="appeal",
        questions=appeal.questions,
        answer="Use [the form](https://ex.org/a?x=1).",
    )
    links = [s for s in service.render_answer(entry).spans if isinstance(s, Link)]
    assert [link.url for link in links] == [
        "https://ex.org/a?x=1&utm_source=community&utm_medium=faq&utm_campaign=appeal"
    ]


async def test_chat_and_off_topic_get_no_answer(app: BotApp, platform: ConsolePlatform) -> None:
    for line in ("good morning everyone!", "lol that stream was wild",
                 "what is the capital of australia?"):  # fmt: skip
        await platform.post("erin", "general", line)
        assert platform.transcript[-1].startswith("#general erin:")
    decisions = [r["decision"] for r in await rows(app)]
    assert decisions == ["silent"]  # only the question is recorded (deflection's denominator)


async def test_suggestion_buttons_answer_when_picked(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("dave", "general", "can i post an ad for my shop")
    assert "Did you mean one of these?" in platform.transcript[-1]
    await platform.press("dave", "Can I advertise my channel here?")
    out = last_lines(platform, 6)
    assert "bot → dave: Can I advertise my channel here?" in out
    assert "dave picked: Can I advertise my channel here?" in out
    assert not await platform.press("erin", "Can I advertise")  # the buttons are gone
    decisions = [(r["decision"], r["outcome"]) for r in await rows(app)]
    assert decisions == [("suggest", "picked:self-promo"), ("picked", None)]


async def test_same_entry_within_cooldown_points_to_the_answer(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "how do I reset my password?")
    first = max(platform.messages, key=int)
    await platform.post("bob", "general", "I forgot my password, what do I do?")
    assert "bob, this was answered a moment ago" in platform.transcript[-1]
    pointer = platform.messages[max(platform.messages, key=int)]
    assert pointer.reply_to is not None and pointer.reply_to.id == first
    await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=31))
    await platform.post("carol", "general", "how do I reset my password?")
    assert "[👍 Helped]" in last_lines(platform, 2)


async def test_cooldown_points_only_at_an_answer_in_the_askers_language(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "how do I reset my password?")
    await platform.post("boris", "general", "Как сбросить пароль?")
    answer = last_lines(platform, 3)
    assert "a moment ago" not in answer and "Забыли пароль" in answer  # the Russian version
    russian = max(platform.messages, key=int)
    await platform.post("vera", "general", "я забыла пароль, что делать?")
    pointer = platform.messages[max(platform.messages, key=int)]
    assert pointer.reply_to is not None and pointer.reply_to.id == russian
    assert [r["lang"] for r in await rows(app)] == ["en", "ru", "ru"]


async def test_members_talking_to_each_other_are_left_alone(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("bob", "general", "I changed my settings yesterday")
    await platform.post("alice", "general", "how do I reset my password?", reply_to_member="bob")
    assert platform.transcript[-1].startswith("#general alice → bob:")


async def test_only_enabled_channels(
    example_config: Config, make_app: Callable[..., BotApp]
) -> None:
    app = make_app(with_faq(example_config, channels={"console:console": ["help"]}))
    await app.start()
    try:
        platform = app.console_platform()
        await platform.post("alice", "general", "how do I reset my password?")
        assert platform.transcript[-1].startswith("#general alice:")
        await platform.post("alice", "help", "how do I reset my password?")
        assert "bot → alice: How do I reset my password?" in last_lines(platform, 4)
    finally:
        await app.close()


async def test_a_human_reply_before_the_delay_keeps_the_bot_silent(
    example_config: Config, make_app: Callable[..., BotApp]
) -> None:
    app = make_app(with_faq(example_config, answer_delay="2m"))
    await app.start()
    try:
        platform = app.console_platform()
        await platform.post("alice", "general", "how do I reset my password?")
        await platform.post(
            "bob", "general", "use the forgot password link", reply_to_member="alice"
        )
        await platform.post("carol", "general", "how can I report spam to the moderators?")
        assert not any("bot →" in line for line in platform.transcript)
        await app.scheduler.advance_to(app.clock.now() + timedelta(minutes=3))
        answered = [line for line in platform.transcript if "bot →" in line]
        assert len(answered) == 1 and "bot → carol" in answered[0]
    finally:
        await app.close()


async def test_delayed_answer_survives_a_restart(
    example_config: Config, make_app: Callable[..., BotApp]
) -> None:
    config = with_faq(example_config, answer_delay="1m")
    first = make_app(config)
    await first.start()
    await first.console_platform().post("alice", "general", "how do I reset my password?")
    await first.close()
    second = make_app(config)
    await second.start()
    try:
        platform = second.console_platform()
        await second.scheduler.advance_to(second.clock.now() + timedelta(minutes=2))
        # A new console does not know the old message, so the reply shows without an arrow.
        answered = [x for x in platform.transcript if "bot: How do I reset my password?" in x]
        assert len(answered) == 1, platform.transcript
        await second.scheduler.advance_to(second.clock.now() + timedelta(minutes=5))
        assert len([x for x in platform.transcript if "How do I reset" in x]) == 1
    finally:
        await second.close()


async def test_quick_reply_by_a_helper(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("alice", "general", "my order arrived broken")
    await platform.post("mod", "general", "/quick refund", reply_to_member="alice")
    out = last_lines(platform, 5)
    assert "bot → alice: How do I get a refund?" in out and "[👍 Helped]" in out
    await platform.post("bob", "general", "/quick refund", reply_to_member="alice")
    assert "/quick is for the helper team" in platform.transcript[-1]
    await platform.post("mod", "general", "/quick nosuch", reply_to_member="alice")
    assert "There is no FAQ entry “nosuch”" in platform.transcript[-1]
    await platform.post("mod", "general", "/quick refund")
    assert "Reply to the member's message" in platform.transcript[-1]
    quick = [r for r in await rows(app) if r["decision"] == "quick"]
    assert len(quick) == 1 and quick[0]["asker"] == "alice" and quick[0]["answered_by"] == "mod"
    await platform.post("mod", "general", "/quick refund @alice")  # named instead of replied to
    assert "@alice, here is the answer:" in last_lines(platform, 5)


async def test_faq_command_search_and_topics(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("alice", "general", "/faq")
    topics = last_lines(platform, 20)
    assert "FAQ topics" in topics and "How do I reset my password?" in topics
    assert "(password)" not in topics  # ids are for staff, who use them with /quick
    await platform.post("mod", "general", "/faq")
    assert "How do I reset my password? (password)" in last_lines(platform, 20)
    await platform.post("alice", "general", "/faq reset password")
    assert "How do I reset my password?" in last_lines(platform, 4)
    await platform.post("alice", "general", "/faq quantum chromodynamics lattice")
    assert "I found nothing in the FAQ" in platform.transcript[-1]


@pytest.fixture
def faq_copy(tmp_path: Path, example_config: Config) -> tuple[Path, Config]:
    folder = tmp_path / "faq"
    shutil.copytree(ROOT / "faq", folder)
    content = example_config.content.model_copy(update={"faq": str(folder)})
    return folder, example_config.model_copy(update={"content": content})


async def test_reload_picks_up_new_entries_and_keeps_broken_ones(
    faq_copy: tuple[Path, Config], make_app: Callable[..., BotApp]
) -> None:
    folder, config = faq_copy
    app = make_app(config)
    await app.start()
    try:
        platform = app.console_platform()
        (folder / "parking.md").write_text(
            '+++\nid = "parking"\nquestions = ["Where can I park my car at the office?"]\n+++\n'
            "Level -2 of the garage, spots 10 to 40.\n",
            encoding="utf-8",
        )
        (folder / "password.md").write_text("broken now\n", encoding="utf-8")
        await platform.post("mod", "general", "/faqreload")
        out = last_lines(platform, 4)
        assert "FAQ reloaded: 29 entries" in out and "password.md:1:" in out
        await platform.post("alice", "general", "where do I park my car near the office?")
        assert "Level -2 of the garage" in last_lines(platform, 3)
        await platform.post("alice", "general", "how do I reset my password?")
        assert "How do I reset my password?" in last_lines(platform, 3)  # last good version
        await platform.post("bob", "general", "/faqreload")
        assert "/faqreload is for the moderator team" in platform.transcript[-1]
    finally:
        await app.close()


async def test_files_changed_on_disk_are_picked_up_without_a_command(
    faq_copy: tuple[Path, Config], make_app: Callable[..., BotApp]
) -> None:
    folder, config = faq_copy
    app = make_app(config)
    await app.start()
    try:
        platform = app.console_platform()
        (folder / "parking.md").write_text(
            '+++\nid = "parking"\nquestions = ["Where can I park my car at the office?"]\n+++\n'
            "Level -2 of the garage.\n",
            encoding="utf-8",
        )
        await platform.post("alice", "general", "where do I park my car near the office?")
        assert "garage" not in last_lines(platform, 3)  # not checked again yet
        await app.scheduler.advance_to(app.clock.now() + timedelta(seconds=11))
        await platform.post("alice", "general", "where do I park my car near the office?")
        assert "Level -2 of the garage." in last_lines(platform, 3)
    finally:
        await app.close()


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("როგორ აღვადგინო პაროლი?", "შესვლის გვერდზე"),  # an entry's own wording
        ("სად წავიკითხო ჩატის წესები?", "ჩვენი წესები მოკლეა"),
    ],
)
async def test_a_georgian_question_gets_the_georgian_answer(
    app: BotApp, platform: ConsolePlatform, question: str, answer: str
) -> None:
    await platform.post("nino", "general", question)
    assert answer in last_lines(platform)


async def test_georgian_chat_gets_no_answer(app: BotApp, platform: ConsolePlatform) -> None:
    for line in ("გამარჯობა ყველას!", "დღეს ძალიან ცხელა", "ხვალ შევხვდებით ქალაქში"):
        await platform.post("nino", "general", line)
        assert platform.transcript[-1].startswith("#general nino:")


async def test_an_off_topic_georgian_question_is_not_answered(
    app: BotApp, platform: ConsolePlatform
) -> None:
    """The model scores unrelated Georgian questions high: unless the best entry stands out
    from the rest (matcher.UNCALIBRATED_LEAD) the bot says nothing at all — in Georgian
    letters or typed in Latin ones."""
    for question in ("რა ამინდია ხვალ თბილისში?", "როდის დაიწყება კონცერტი?",
                     "xval wvima iqneba tbilisshi?", "ra xdeba bichebo?"):  # fmt: skip
        await platform.post("nino", "general", question)
        assert platform.transcript[-1] == f"#general nino: {question}", question


async def test_georgian_typed_in_latin_letters_gets_the_georgian_answer(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("nino", "help", "rogor aghvadgino paroli?")
    assert "შესვლის გვერდზე" in last_lines(platform)  # faq/ka/password.md
    await platform.post("nino", "help", "How do I reset my password?")
    assert "Use Forgot password" in last_lines(platform)  # English stays English
