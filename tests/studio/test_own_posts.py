"""The checklist also holds for the bot's own public posts: a week of community life through the
neutral core (welcome, a poll, an idea's card, the roadmap, "you asked — we did", the digest,
the monthly roundup), and every post the bot made in a public channel passes it (the bot's
posts carry their next step as buttons; they have no human owner to name)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from cogs.studio.checklist import check
from cogs.studio.draft import Post
from cogs.studio.settings import StudioSettings

pytestmark = pytest.mark.slow  # eight simulated days of scheduled jobs
STAFF_CHANNELS = ("helpers", "mod-log")


async def test_every_public_post_of_the_bot_passes_the_checklist(
    app: BotApp, platform: ConsolePlatform
) -> None:
    await platform.join("dave")
    for member in ("alice", "bob", "carol"):
        await platform.post(
            member, "general", f"hello, {member} here: how do I change my nickname?"
        )
    await platform.post("alice", "general", "/idea Dark theme | easier at night")
    await platform.post("mod", "general", "/ideas status 1 done shipped in 2.3")
    await platform.post("mod", "general", "/ideas loop")
    await platform.press("mod", "Approve and post")
    await platform.post("mod", "general", "/poll 1h Lunch today? | Pizza | Soup")
    await app.scheduler.advance_to(app.clock.now() + timedelta(days=8))
    settings = StudioSettings(checks={"owner": "off"})
    posts = [
        action.details for action in platform.actions
        if action.kind == "send" and action.details.get("reply_to") is None
        and action.details["channel"] not in STAFF_CHANNELS
        and not str(action.details["channel"]).startswith("@")
    ]  # fmt: skip
    kinds = " ".join(str(p["text"])[:12] for p in posts)
    assert all(word in kinds for word in ("📊", "📰", "💡", "✅", "📦"))
    for post in posts:
        steps = "buttons" if post.get("buttons") else ""
        findings = check(Post(body=str(post["text"]), next_step=steps), settings)
        assert findings == [], (post["text"], findings)
