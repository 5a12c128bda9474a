"""The dashboard over plain HTTP, like an adversary: spent and expired links, a change without
the CSRF token or from another origin, member-written text with markup, a helper on a
moderator's page, forged cookies, and the figures beside `stats export`'s."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.adapters.console.platform import ConsolePlatform
from bot.adapters.console.simulate import CLOCK_KEY
from bot.app import BotApp
from bot.config import Config
from bot.core.clock import FakeClock
from cogs.dashboard import Dashboard
from cogs.dashboard.pages import COLUMNS, retention_table
from cogs.digest.cli import stats_export
from cogs.moderation.api import cases
from tests.conftest import SameDatabase, in_locale

ROOT = Path(__file__).resolve().parents[2]


class Browser:
    """An HTTP client that keeps the session cookie by hand (cookie jars skip IP hosts)."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.base, self.cookie = http, base, ""

    async def get(self, path: str) -> tuple[int, str, Any]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        async with self.http.get(self.base + path, headers=headers,
                                 allow_redirects=False) as response:  # fmt: skip
            return response.status, await response.text(), response.headers

    async def post(
        self, path: str, data: dict[str, str], origin: str | None = None
    ) -> tuple[int, str, Any]:
        headers = {"Origin": self.base if origin is None else origin}
        if self.cookie:
            headers["Cookie"] = self.cookie
        async with self.http.post(self.base + path, data=data, headers=headers,
                                  allow_redirects=False) as response:  # fmt: skip
            cookie = response.headers.get("Set-Cookie", "")
            if cookie.startswith("cb_session="):
                self.cookie = cookie.split(";")[0]
            return response.status, await response.text(), response.headers


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def web_of(app: BotApp) -> Any:
    feature = app.services.registry.features["dashboard"]
    assert isinstance(feature, Dashboard)
    return feature.web


async def link_for(platform: ConsolePlatform, who: str) -> str:
    await platform.post(who, "general", "/dashboard")
    found = re.findall(r"http://127\.0\.0\.1:\d+/login/(\S+)", "\n".join(platform.transcript))
    assert found, platform.transcript[-3:]
    return str(found[-1])


async def signed_in(
    app: BotApp,
    platform: ConsolePlatform,
    http: aiohttp.ClientSession,
    who: str,
    button: str = "Sign in",
) -> Browser:
    browser = Browser(http, web_of(app).base_url())
    token = await link_for(platform, who)
    status, page, _ = await browser.get(f"/login/{token}")  # a link preview spends nothing
    assert status == 200 and 'name="token"' in page and button in page
    status, _, headers = await browser.post("/login", {"token": token})
    assert status == 303 and headers["Location"] == "/responses"
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    return browser


def csrf(page: str) -> str:
    return str(re.findall(r'name="csrf" value="([^"]+)"', page)[0])


async def test_a_link_is_single_use_and_expires(
    app: BotApp, platform: ConsolePlatform, http: aiohttp.ClientSession
) -> None:
    browser = await signed_in(app, platform, http, "mod")
    status, page, headers = await browser.get("/responses")
    assert status == 200 and "Responses and SLA" in page
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"] == "same-origin"
    assert "<script" not in page  # no script at all: the policy allows none
    token = await link_for(platform, "mod")
    again = Browser(http, browser.base)
    assert (await again.post("/login", {"token": token}))[0] == 303
    status, page, _ = await Browser(http, browser.base).post("/login", {"token": token})
    assert status == 403 and "used already or has expired" in page
    late = await link_for(platform, "mod")
    assert isinstance(app.clock, FakeClock)
    app.clock.advance(timedelta(minutes=10, seconds=1))
    assert (await Browser(http, browser.base).post("/login", {"token": late}))[0] == 403
    assert (await Browser(http, browser.base).post("/login", {"token": "x" * 43}))[0] == 403


async def test_without_a_session_or_with_a_forged_one(
    app: BotApp, http: aiohttp.ClientSession
) -> None:
    browser = Browser(http, web_of(app).base_url())
    assert (await browser.get("/responses"))[0] == 401
    browser.cookie = "cb_session=" + "A" * 43
    assert (await browser.get("/moderation"))[0] == 401
    browser.cookie = "cb_session=" + "A" * 5000
    assert (await browser.get("/moderation"))[0] in (400, 401)


async def test_members_cannot_ask_for_a_link(app: BotApp, platform: ConsolePlatform) -> None:
    await platform.post("alice", "general", "/dashboard")
    assert "/login/" not in "\n".join(platform.transcript)


async def test_a_helper_sees_responses_but_not_moderation(
    app: BotApp, platform: ConsolePlatform, http: aiohttp.ClientSession
) -> None:
    browser = await signed_in(app, platform, http, "helper")
    assert (await browser.get("/responses"))[0] == 200
    status, page, _ = await browser.get("/moderation")
    assert status == 403 and "for moderators" in page
    status, page, _ = await browser.get("/ideas")
    assert status == 200 and "Moderation" not in page  # not offered in the navigation


async def test_revoke_needs_the_token_and_this_origin_and_is_audited(
    app: BotApp, platform: ConsolePlatform, http: aiohttp.ClientSession
) -> None:
    await platform.post("alice", "general", "hi")
    await platform.post("mod", "general", "/warn alice <script>alert(1)</script> & spam")
    browser = await signed_in(app, platform, http, "mod")
    status, page, _ = await browser.get("/moderation?weeks=4")
    assert status == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; spam" in page
    assert "<script>alert(1)" not in page
    token = csrf(page)
    status, _, _ = await browser.post("/moderation/1/revoke", {"reason": "no"})
    assert status == 403
    status, _, _ = await browser.post(
        "/moderation/1/revoke", {"csrf": token, "reason": "x"}, origin="https://evil.example"
    )
    assert status == 403
    assert await revoked(app) == []
    status, _, headers = await browser.post(
        "/moderation/1/revoke", {"csrf": token, "reason": "a <b>mistake</b>"}
    )
    assert status == 303
    assert await revoked(app) == [1]
    status, page, _ = await browser.get(headers["Location"])
    assert "Case #1 is revoked (logged as case #2)" in page
    assert any("Case #2" in line and "pardon" in line for line in platform.transcript)
    status, again, _ = await browser.post("/moderation/1/revoke", {"csrf": token})
    assert status == 409 and "already" in again
    status, page, _ = await browser.get("/audit")
    assert "pardon" in page and "a &lt;b&gt;mistake&lt;/b&gt;" in page


async def revoked(app: BotApp) -> list[int]:
    async with app.db.read() as conn:
        rows = await conn.execute(select(cases.c.number).where(cases.c.revoked_at.is_not(None)))
        return [int(number) for (number,) in rows]


async def test_the_csv_matches_stats_export(
    app: BotApp, platform: ConsolePlatform, http: aiohttp.ClientSession
) -> None:
    await platform.post("alice", "general", "/ticket my invoice is wrong")
    assert isinstance(app.clock, FakeClock)
    app.clock.advance(timedelta(minutes=20))
    await platform.post("helper", "general", "looking", reply_to_member="alice")
    await platform.post("carol", "general", "how do I reset my password?")
    browser = await signed_in(app, platform, http, "mod")
    await app.eventlog.flush()
    # As after `community-bot simulate` (read by a bot started later, whose own clock is
    # elsewhere): the simulation's clock is "now" for stats export and for the pages.
    await app.db.set_meta(CLOCK_KEY, (app.clock.now() + timedelta(days=2)).isoformat())
    exported = await stats_export(app.config, app.db.url, None, 4, None)
    assert exported is not None
    weeks = list(csv.DictReader(io.StringIO(exported)))
    for name in ("responses", "health", "content", "ideas"):
        status, body, headers = await browser.get(f"/{name}?weeks=4&format=csv")
        assert status == 200 and headers["Content-Type"].startswith("text/csv")
        shown = list(csv.reader(io.StringIO(body)))
        header = shown[1]
        for line, week in zip(shown[2:6], weeks, strict=True):
            assert line[:2] == [week["start"][:10], week["end"][:10]]
            for column in COLUMNS[name]:
                assert line[header.index(column)] == week[column], (name, column)
    status, body, _ = await browser.get("/responses?weeks=1&format=csv")
    assert "20.0" in body.splitlines()[2]  # the first response, 20 minutes after the ticket
    assert "helper,1,20.0" in body.split("# helpers")[1]


async def test_logout_ends_the_session(
    app: BotApp, platform: ConsolePlatform, http: aiohttp.ClientSession
) -> None:
    browser = await signed_in(app, platform, http, "mod")
    _, page, _ = await browser.get("/responses")
    kept = browser.cookie
    assert (await browser.post("/logout", {"csrf": csrf(page)}))[0] == 303
    browser.cookie = kept
    assert (await browser.get("/responses"))[0] == 401


async def test_every_page_renders_with_its_chart_described(
    app: BotApp, platform: ConsolePlatform, http: aiohttp.ClientSession
) -> None:
    await platform.post("<b>Eve</b>", "general", "hello <i>all</i> https://example.org")
    browser = await signed_in(app, platform, http, "mod")
    for name in ("responses", "health", "content", "ideas"):
        status, page, _ = await browser.get(f"/{name}?weeks=4")
        assert status == 200, name
        assert '<svg role="img"' in page and "<desc>" in page and "<caption>" in page
    status, page, _ = await browser.get("/digest")
    assert status == 200 and '<pre class="digest">' in page
    assert "<b>Eve</b>" not in page and "<i>all</i>" not in page
    status, page, _ = await browser.get("/health?weeks=9999&action=<x>")
    assert status == 200 and "<x>" not in page  # an unknown period falls back to 1 week


async def test_the_moderators_log_filters_by_action(
    app: BotApp, platform: ConsolePlatform, http: aiohttp.ClientSession
) -> None:
    await platform.post("bob", "general", "hi")
    await platform.post("mod", "general", "/warn bob be nice")
    await platform.post("mod", "general", "/mute bob 1h calm down")
    browser = await signed_in(app, platform, http, "mod")
    _, everything, _ = await browser.get("/moderation")
    _, mutes, _ = await browser.get("/moderation?action=mute")
    assert "be nice" in everything and "calm down" in everything
    assert "be nice" not in mutes and "calm down" in mutes
    assert '<option value="mute" selected>' in mutes


async def test_the_ideas_board_and_its_matrix_with_markup_in_titles(
    app: BotApp, platform: ConsolePlatform, http: aiohttp.ClientSession
) -> None:
    await platform.post("alice", "general", "/idea Dark mode <script>alert(1)</script>")
    await platform.post("bob", "general", "/idea Export to CSV")
    await platform.post("mod", "general", "/ideas score 1 5 1")
    await platform.post("mod", "general", "/ideas score 2 2 5")
    browser = await signed_in(app, platform, http, "helper")
    status, page, _ = await browser.get("/ideas")
    assert status == 200
    assert "Dark mode &lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "quick win: 1 #1" in page and "money pit: 1 #2" in page and "high (3-5)" in page
    _, body, _ = await browser.get("/ideas?format=csv")
    board = body.split("# board")[1]
    assert "1,Dark mode <script>alert(1)</script>,new,0,5,1,quick_win" in board


async def test_content_shows_the_faq_misses_and_the_calendar(
    app: BotApp, platform: ConsolePlatform, http: aiohttp.ClientSession
) -> None:
    await platform.post("carol", "help", "how do I feed the <b>dragon</b> at night?")
    await platform.post("mod", "general", "/post new how_it_works")
    await platform.post("mod", "general", "/post edit 1 How the bot works, and what next?")
    await platform.post("admin", "general", "/post approve 1")
    await platform.post("admin", "general", "/post schedule 1 2026-11-30 11:00")
    browser = await signed_in(app, platform, http, "helper")
    status, page, _ = await browser.get("/content")
    assert status == 200
    assert "how do I feed the &lt;b&gt;dragon&lt;/b&gt; at night?" in page
    assert "Questions the FAQ missed" in page
    assert "post #1" in page or "#1" in page.split('<pre class="digest">')[1]


async def test_pages_read_in_russian_with_a_retention_heat_map(
    example_config: Config,
    clock: FakeClock,
    same_database: SameDatabase,
    http: aiohttp.ClientSession,
) -> None:
    [app] = await same_database.start(in_locale(example_config, "ru"), 1)
    platform = app.console_platform()
    await platform.join("dina")
    clock.advance(timedelta(days=8))
    await platform.post("dina", "general", "снова здесь")
    browser = await signed_in(app, platform, http, "mod", button="Войти")
    status, page, _ = await browser.get("/health?weeks=4")
    assert status == 200 and "Здоровье сообщества" in page
    assert "Доля активных, 7 дней" in page and "Удержание по неделе прихода" in page
    assert "<td>нет</td>" in page  # the week in progress is not complete, said in Russian
    _, body, _ = await browser.get("/health?weeks=4&format=csv")
    assert "active_share_7d" in body  # the CSV keeps stats export's names


async def test_every_page_reads_in_georgian(
    example_config: Config,
    clock: FakeClock,
    same_database: SameDatabase,
    http: aiohttp.ClientSession,
) -> None:
    """No English on any page of a Georgian community: headings, columns, code words in the
    cells (actions, statuses, quadrants), the filter, the period picker."""
    [app] = await same_database.start(in_locale(example_config, "ka"), 1)
    platform = app.console_platform()
    await platform.join("dina")  # held at the rules gate: the moderators' log has it
    await platform.post("nino", "general", "/idea მუქი თემა")
    await platform.post("mod", "general", "/ideas score 1 5 1")
    await platform.post("mod", "general", "/warn dina ფლუდი")
    await platform.post("dina", "help", "როგორ აღვადგინო პაროლი?")
    clock.advance(timedelta(days=8))
    browser = await signed_in(app, platform, http, "mod", button="შესვლა")
    # Names, channels, the time zone's GMT, CSV, and /faq misses (a command to type).
    typed = {
        "dina",
        "nino",
        "mod",
        "Example",
        "Community",
        "CSV",
        "GMT",
        "general",
        "help",
        "misses",
    }
    for path in ("/responses", "/health", "/content", "/ideas", "/digest", "/moderation",
                 "/audit"):  # fmt: skip
        status, page, _ = await browser.get(path)
        assert status == 200, path
        assert '<html lang="ka">' in page
        shown = re.sub(
            r"<(script|style)[^>]*>.*?</\1>|<[^>]+>|&\w+;|/[a-z]+", " ", page, flags=re.S
        )
        english = set(re.findall(r"[A-Za-z]{2,}", shown)) - typed
        assert not english, (path, sorted(english))
    _, ideas, _ = await browser.get("/ideas")
    assert "სწრაფი მოგება: 1 #1" in ideas and "მაღალი (3-5)" in ideas


def test_the_heat_map_says_each_share_in_words_and_shades_it() -> None:
    table = retention_table([
        {"end": "2026-11-30T10:00:00+04:00", "d7_cohort": "4", "d7_retained": "3",
         "d30_cohort": "0", "d30_retained": "0"},
        {"end": "2026-12-07T10:00:00+04:00", "d7_cohort": "10", "d7_retained": "0",
         "d30_cohort": "5", "d30_retained": "5"},
    ])  # fmt: skip
    assert table.rows == [
        ["2026-11-30", "3/4 (75%)", ""],
        ["2026-12-07", "0/10 (0%)", "5/5 (100%)"],
    ]
    assert table.shades == [["", "heat-3", ""], ["", "heat-0", "heat-4"]]


async def test_a_taken_port_leaves_the_bot_running_without_pages(
    app: BotApp, platform: ConsolePlatform, example_config: Config, clock: FakeClock, db_url: str
) -> None:
    taken = web_of(app).base_url().rsplit(":", 1)[1]
    settings = Dashboard.settings_from(example_config).updated(listen=f"127.0.0.1:{taken}")
    second = BotApp(example_config.with_section("dashboard", settings), clock=clock,
                    database_url=db_url)  # fmt: skip
    await second.start()
    try:
        other = second.console_platform()
        await other.post("mod", "general", "/dashboard")
        assert "The dashboard is not running" in other.transcript[-1]
        await other.post("alice", "general", "/help")
        assert "Send /help COMMAND for details." in other.transcript[-1]  # the bot runs on
    finally:
        await second.close()


def test_its_own_section_switches_it_on(tmp_path: Path) -> None:
    from bot.config import load_config

    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(text.replace("[dashboard]\n", "[dashboard]\nenabled = true\n", 1)
                    .replace("\nenabled = false\n", "\n", 1), encoding="utf-8")  # fmt: skip
    assert load_config(path).features.enabled[-1] == "dashboard"
    assert "dashboard" not in load_config(ROOT / "config.example.toml").features.enabled


async def test_health_counts_members_at_each_level_by_week(
    app: BotApp, platform: ConsolePlatform, http: aiohttp.ClientSession
) -> None:
    await platform.post("alice", "general", "hi")
    await platform.post("bob", "general", "hi")
    await platform.post("mod", "general", "/level alice activist lock")
    await platform.post("mod", "general", "/level bob expert lock")
    browser = await signed_in(app, platform, http, "helper")
    _, body, _ = await browser.get("/health?weeks=4&format=csv")
    levels = list(csv.reader(io.StringIO(body.split("# levels")[1])))
    assert levels[1] == ["week_end", "activist", "expert"]
    weeks = levels[2:6]
    assert [line[1:] for line in weeks[:-1]] == [["0", "0"]] * 3  # before they got there
    assert weeks[-1][1:] == ["1", "1"]  # the week in progress
