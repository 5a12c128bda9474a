"""The dashboard in a real headless Chromium (Playwright with the system's browser): sign in
through the one-time link, keyboard navigation, escaped member text, a reused link refused,
a helper kept off a moderator's page, and a revoke through the page's own form.

Skipped where no Chromium is installed, except in CI (``CI=true``), where it must run."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from tests.dashboard.test_dashboard import link_for, revoked, web_of

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.slow


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Chromium for the browser tests (apt-get install chromium)")
        pytest.skip("no Chromium installed")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        await launched.close()


async def sign_in(browser: Any, app: BotApp, platform: ConsolePlatform, who: str) -> Any:
    page = await browser.new_page()
    token = await link_for(platform, who)
    await page.goto(f"{web_of(app).base_url()}/login/{token}")
    await page.get_by_role("button").click()
    await page.wait_for_url("**/responses")
    return page


async def test_sign_in_navigate_and_revoke_in_a_browser(
    app: BotApp, platform: ConsolePlatform, browser: Any
) -> None:
    await platform.post("alice", "general", "hi")
    await platform.post("mod", "general", "/warn alice <img src=x onerror=alert(1)> rude")
    page = await sign_in(browser, app, platform, "mod")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    assert await page.get_by_role("heading", level=1).inner_text() == "Responses and SLA"
    assert await page.get_by_role("img").count() == 1  # the chart, by its accessible role
    # Keyboard only: the skip link first, then the navigation.
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Skip to the content"
    await page.get_by_role("link", name="Moderation").focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/moderation**")
    cell = page.get_by_role("cell", name="<img src=x onerror=alert(1)> rude", exact=False)
    assert await cell.count() == 1  # shown as text, never run
    await page.get_by_label("Reason").fill("my mistake")
    await page.get_by_role("button", name="Revoke case #1").click()
    await page.wait_for_url("**/moderation?revoked=1**")
    assert "Case #1 is revoked" in await page.get_by_role("status").inner_text()
    assert await revoked(app) == [1]
    assert errors == []


async def test_a_reused_link_and_a_helper_on_a_moderators_page(
    app: BotApp, platform: ConsolePlatform, browser: Any
) -> None:
    helper = await sign_in(browser, app, platform, "helper")
    response = await helper.goto(f"{web_of(app).base_url()}/moderation")
    assert response is not None and response.status == 403
    assert "for moderators" in await helper.get_by_role("alert").inner_text()
    token = await link_for(platform, "mod")
    first = await browser.new_page()
    await first.goto(f"{web_of(app).base_url()}/login/{token}")
    await first.get_by_role("button").click()
    await first.wait_for_url("**/responses")
    second = await browser.new_page()
    await second.goto(f"{web_of(app).base_url()}/login/{token}")
    await second.get_by_role("button").click()
    assert "used already or has expired" in await second.get_by_role("alert").inner_text()
