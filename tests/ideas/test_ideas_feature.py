"""Ideas through the neutral core, like an adversary: own votes, a duplicate merged without
counting a member twice, statuses with reasons, notices batched and sent once across a restart,
"you asked — we did" approved and posted once, forged and wrong-community presses, limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.config import Config
from bot.core.events import ButtonPressed
from bot.core.ids import Platform
from cogs.ideas import Ideas
from cogs.ideas.store import IdeaStore
from cogs.ideas.tables import notices, votes
from tests.conftest import since


def ideas_of(app: BotApp) -> Ideas:
    feature = app.services.registry.features["ideas"]
    assert isinstance(feature, Ideas)
    return feature


def direct(platform: ConsolePlatform, member: str) -> list[str]:
    """Each private message to ``member``, with its continuation lines."""
    found: list[str] = []
    inside = False
    for line in platform.transcript:
        if f"[direct] bot → {member}:" in line:
            found.append(line)
            inside = True
        elif inside and line.startswith("    "):
            found[-1] += "\n" + line
        else:
            inside = False
    return found


async def voters(app: BotApp, idea: int) -> list[str]:
    return await IdeaStore(app.db).voters(idea)


async def press_on(app: BotApp, platform: ConsolePlatform, who: str, action: str, payload: str,
                   card: str | None = None) -> None:  # fmt: skip
    """Press a button with this data on the newest bot message that carries it (or, for a
    button taken away since, the newest message whose text starts with ``card``)."""
    wire = f"{action}:{payload}"
    message = next(
        m for m in reversed(platform.messages.values())
        if any(b.data == wire for b in m.buttons)
        or (card is not None and m.text.startswith(card))
    )  # fmt: skip
    await app.dispatcher.dispatch(
        ButtonPressed(
            community=platform.community, occurred_at=app.clock.now(),
            channel=message.ref.channel, message=message.ref, member=platform.actor(who),
            action=action, payload=payload,
        ),
        app.services.ports[Platform.CONSOLE],
    )  # fmt: skip


async def test_votes_duplicates_and_merging(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("alice", "general", "/idea Dark theme for the app | easier at night")
    assert "Idea #1 is on the board" in platform.transcript[-1]
    assert any(line.startswith("#ideas bot: 💡 Idea #1: Dark theme for the app")
               for line in platform.transcript)  # fmt: skip
    await press_on(app, platform, "alice", "idea.vote", "1")
    assert "cannot vote for your own idea" in platform.transcript[-1]
    await press_on(app, platform, "bob", "idea.vote", "1")
    await press_on(app, platform, "bob", "idea.vote", "1")  # taken back
    assert "taken back" in platform.transcript[-1]
    await press_on(app, platform, "bob", "idea.vote", "1")
    assert await voters(app, 1) == ["bob"]
    # A near-duplicate is offered first; carol posts hers anyway.
    await platform.post("carol", "general", "/idea A dark theme mode for the app")
    assert "Is it one of these?" in platform.transcript[-1]
    assert "[👍 #1 Dark theme for the app]" in platform.transcript[-1]
    await press_on(app, platform, "dave", "idea.post", "2")  # not dave's draft
    assert "belongs to whoever wrote that idea" in platform.transcript[-1]
    await press_on(app, platform, "carol", "idea.post", "2")
    assert "Idea #2 is on the board" in platform.transcript[-1]
    for member in ("bob", "dave", "alice"):
        await press_on(app, platform, member, "idea.vote", "2")
    # Merged: bob voted for both and counts once; alice's vote does not land on her own idea.
    await platform.post("mod", "general", "/ideas merge 2 1")
    assert "Idea #2 is merged into #1" in platform.transcript[-1]
    assert await voters(app, 1) == ["bob", "dave"]
    assert await voters(app, 2) == []
    await platform.post("mod", "general", "/ideas merge 2 1")
    assert "no longer open for votes" in platform.transcript[-1]
    # A press kept from before the merge (the card has no buttons now) changes nothing.
    await press_on(app, platform, "erin", "idea.vote", "2", card="💡 Idea #2:")
    assert "no longer open" in platform.transcript[-1]
    assert await voters(app, 2) == []


async def test_statuses_notices_and_the_loop_once_across_a_restart(
    example_config: Config, make_app: Callable[..., BotApp]
) -> None:
    first = make_app(example_config)
    await first.start()
    platform = first.console_platform()
    await platform.post("alice", "general", "/idea Export to CSV | for the monthly report")
    for member in ("bob", "dave"):
        await press_on(first, platform, member, "idea.vote", "1")
    await press_on(first, platform, "carol", "idea.follow", "1")
    await platform.post("bob", "general", "/ideas status 1 planned")
    assert "for moderators" in platform.transcript[-1]
    await platform.post("mod", "general", "/ideas status 1 declined")
    assert "needs its reason" in platform.transcript[-1]
    await platform.post("mod", "general", "/ideas status 1 planned next sprint")
    assert "Idea #1 is now: planned." in platform.transcript[-1]
    await first.scheduler.run_pending()
    for member in ("alice", "bob", "carol", "dave"):
        [notice] = direct(platform, member)
        assert "#1 Export to CSV: planned — next sprint" in notice
    assert direct(platform, "mod") == []
    await platform.post("mod", "general", "/ideas status 1 done shipped in 2.3")
    await first.scheduler.run_pending()
    assert all(len(direct(platform, m)) == 1 for m in ("alice", "bob", "carol", "dave"))
    await first.close()  # the batched notices are durable deadlines

    second = make_app(example_config)
    await second.start()
    try:
        platform = second.console_platform()
        await second.scheduler.advance_to(second.clock.now() + timedelta(days=1, minutes=1))
        for member in ("alice", "bob", "carol", "dave"):
            [notice] = direct(platform, member)
            assert "#1 Export to CSV: done — shipped in 2.3" in notice
        await second.scheduler.advance_to(second.clock.now() + timedelta(days=3))
        async with second.db.read() as conn:
            sent = (await conn.execute(select(notices.c.outcome))).scalars().all()
        assert sorted(sent) == ["sent"] * 8
        await platform.post("mod", "general", "/ideas loop")
        assert "✅ You asked — we did" in since(platform, "/ideas loop")
        assert "#1 Export to CSV: shipped in 2.3" in since(platform, "/ideas loop")
        await platform.post("mod", "general", "/ideas loop We shipped CSV export: try it!")
        await platform.press("bob", "Approve and post")
        assert "This button is for moderators." in platform.transcript[-1]
        await platform.press("mod", "Approve and post")
        await platform.press("mod", "Approve and post")
        posts = [line for line in platform.transcript if line.startswith("#ideas bot: ✅")]
        assert len(posts) == 1
        assert "We shipped CSV export: try it!" in "\n".join(platform.transcript)
        assert "Thank you for the ideas, @alice!" in "\n".join(platform.transcript)
        await platform.post("mod", "general", "/ideas loop")
        assert "No shipped idea is waiting" in platform.transcript[-1]
    finally:
        await second.close()


async def test_limits_priority_and_wrong_input(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("alice", "general", "/idea " + "x" * 151)
    assert "too long (length 151, at most 150)" in platform.transcript[-1]
    await platform.post("alice", "general", "/idea Short title\n" + "y" * 2001)
    assert "details are too long" in platform.transcript[-1]
    await platform.post("alice", "general", "/idea   ")
    assert "Missing text. Usage: /idea <text>" in platform.transcript[-1]
    for off in ("off", "выкл", "გამორთვა"):
        await platform.post("erin", "general", f"/ideas notices {off}")
        assert "no private notices about ideas" in platform.transcript[-1]
    await platform.post("erin", "general", "/ideas notices on")
    assert "You will get private notices" in platform.transcript[-1]
    await platform.post("alice", "general", "/idea Offline mode | read without a network")
    await platform.post("bob", "general", "/idea Weekly office hours with the team")
    await platform.post("mod", "general", "/ideas score 1 5 1")
    await platform.post("mod", "general", "/ideas score 2 2 5")
    await platform.post("mod", "general", "/ideas score 2 9 1")
    assert "from 1 to 5" in platform.transcript[-1]
    await platform.post("erin", "general", "/ideas quickwins")
    quick = since(platform, "/ideas quickwins")
    assert "#1 Offline mode" in quick and "quick win" in quick and "#2 " not in quick
    await platform.post("erin", "general", "/ideas top")
    top = since(platform, "/ideas top")
    assert top.index("#1 Offline mode") < top.index("#2 Weekly office hours")
    assert "money pit" in top
    await platform.post("mod", "general", "/ideas status 99 planned soon")
    assert "There is no idea #99 here." in platform.transcript[-1]
    await platform.post("mod", "general", "/ideas status 1 shipped")
    assert "Say the new status" in platform.transcript[-1]
    # Drafts count too: "is it one of these?" is no way around the limit.
    for n in range(5):
        await platform.post("frank", "general", f"/idea Completely different thing number {n}")
    await platform.post("frank", "general", "/idea One too many for today")
    assert "You can post 5 ideas a day" in platform.transcript[-1]
    async with app.db.read() as conn:
        assert (await conn.execute(select(votes.c.member))).scalars().all() == []


async def test_a_members_message_becomes_their_idea_and_forget_erases(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "we really need a search in the archive")
    await platform.post("mod", "general", "/ideas from Archive search")  # not a reply
    assert "Reply to the member's message" in platform.transcript[-1]
    await platform.post("mod", "general", "/ideas from Archive search", reply_to_member="alice")
    assert "Idea #1 is on the board, credited to alice" in platform.transcript[-1]
    idea = await IdeaStore(app.db).get(1)
    assert idea is not None and (idea.author, idea.origin) == ("alice", "staff")
    await press_on(app, platform, "bob", "idea.vote", "1")
    await app.forget_member(platform.member("alice"))
    assert await IdeaStore(app.db).get(1) is None


async def test_the_survey_by_hand_and_never_twice_a_period(
    app: BotApp, platform: ConsolePlatform
) -> None:
    members = ("anna", "boris", "chen", "dana", "emil")
    for member in members:
        await platform.post(member, "general", f"hello from {member}")
    await platform.post("mod", "general", "moderators are not asked")
    await app.services.flush_events()  # type: ignore[misc]
    ideas = ideas_of(app)
    nps = ideas.settings.nps.model_copy(update={"sample": 4})
    ideas.settings = ideas.settings.model_copy(update={"nps": nps})
    asked = await ideas.run_survey(platform.community, app.clock.now())
    assert asked == 4
    assert direct(platform, "mod") == []
    got = [m for m in members if direct(platform, m)]
    assert len(got) == 4 and all("How likely are you to recommend" in direct(platform, m)[0]
                                 for m in got)  # fmt: skip
    period = f"{app.clock.now():%Y-%m}"
    for member, score in zip(got, (10, 9, 7, 3), strict=True):
        await press_on(app, platform, member, "nps.score", f"{score}:{period}:console",
                       card=None)  # fmt: skip
    # A second press, and a member never asked, change nothing.
    await press_on(app, platform, got[0], "nps.score", f"0:{period}:console")
    assert "answered this survey already" in platform.transcript[-1]
    left_out = next(m for m in members if m not in got)
    await press_on(app, platform, left_out, "nps.score", f"0:{period}:console")
    found = await ideas.figures(platform.community, app.clock.now() - timedelta(days=1),
                                app.clock.now() + timedelta(days=1))  # fmt: skip
    assert (found.nps, found.nps_answers) == (25.0, 4)  # (2 promoters - 1 detractor) / 4
    # Run again in the same month: nobody is asked twice; one more member is, once.
    await ideas.run_survey(platform.community, app.clock.now() + timedelta(hours=1))
    assert [len(direct(platform, m)) for m in members].count(1) == 5
    await platform.post("mod", "general", "/stats 7d")
    assert "NPS: +25 (4 answers)" in since(platform, "/stats 7d")
    await platform.post(got[3], "general", "/why the app crashes too often")
    assert "we read every answer" in platform.transcript[-1]


async def test_a_deleted_card_a_leaver_and_closed_private_messages(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.post("alice", "general", "/idea Archive search | find old threads")
    await press_on(app, platform, "bob", "idea.vote", "1")
    card = next(m for m in platform.messages.values() if m.text.startswith("💡 Idea #1:"))
    await platform.delete(card.ref)  # a moderator deleted the card by hand
    card.deleted = True

    async def refuses(*args: object, **kw: object) -> None:
        return None

    platform.send_direct = refuses  # type: ignore[method-assign]
    await platform.post("mod", "general", "/ideas status 1 done search ships today")
    await app.scheduler.run_pending()
    cards = [m for m in platform.messages.values() if m.text.startswith("💡 Idea #1:")]
    assert len(cards) == 2 and not cards[-1].deleted  # posted again, with the new status
    assert "done — search ships today" in cards[-1].text
    async with app.db.read() as conn:
        outcomes = (await conn.execute(select(notices.c.outcome))).scalars().all()
    assert sorted(outcomes) == ["refused", "refused"]  # alice and bob: recorded, not retried
    await app.scheduler.advance_to(app.clock.now() + timedelta(days=2))
    async with app.db.read() as conn:
        assert len((await conn.execute(select(notices.c.id))).scalars().all()) == 2
    await platform.leave("alice")
    await app.services.flush_events()  # type: ignore[misc]
    await platform.post("mod", "general", "/ideas loop")
    preview = since(platform, "/ideas loop")
    assert "Thank you for the ideas, alice!" in preview and "@alice" not in preview
