"""Two Telegram webhook workers behind one URL, on one database: an update Telegram delivers
twice (to either worker, even at the same moment) is handled once, and the two keep together
within Telegram's sending budget."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.adapters.telegram.runner import SECRET_HEADER, TelegramRunner, outbound_limiter
from bot.app import BotApp
from bot.config import Config, TelegramConfig
from bot.core.clock import SystemClock
from bot.storage.database import Database
from bot.storage.update_ledger import Claim, UpdateLedger
from tests.adapters.telegram.fake_bot_api import FakeBotAPI, text_message, user
from tests.conftest import free_port

MEMBER = user(7, "Max", "max")
TOKEN = "123456:TEST-token"


class Workers:
    def __init__(self) -> None:
        self.fake = FakeBotAPI()
        self.apps: list[BotApp] = []
        self.runners: list[TelegramRunner] = []
        self.urls: list[str] = []


@pytest.fixture
async def workers(example_config: Config, db_url: str) -> AsyncIterator[Workers]:
    made = Workers()
    api = await made.fake.start()
    try:
        for _ in range(2):
            settings = TelegramConfig(
                enabled=True, api_base_url=api, mode="webhook", workers=2,
                webhook_url="https://bot.example.test/telegram", webhook_port=free_port(),
            )  # fmt: skip
            config = example_config.model_copy(update={"telegram": settings})
            app = BotApp(config, clock=SystemClock(), database_url=db_url)
            await app.db.migrate()
            runner = TelegramRunner(
                settings, TOKEN, app.services, app.dispatcher.dispatch, webhook_secret="s3cret"
            )
            await runner.start()
            await app.start()
            made.apps.append(app)
            made.runners.append(runner)
            made.urls.append(f"http://127.0.0.1:{runner.webhook_port}/telegram")
        yield made
    finally:
        for runner, app in zip(made.runners, made.apps, strict=True):
            await runner.stop()
            await app.close()
        await made.fake.stop()


async def deliver(http: aiohttp.ClientSession, url: str, update: dict[str, Any]) -> int:
    async with http.post(url, json=update, headers={SECRET_HEADER: "s3cret"}) as response:
        return response.status


def replies(fake: FakeBotAPI) -> list[dict[str, Any]]:
    return fake.called("sendMessage")


async def test_an_update_delivered_to_both_workers_is_handled_once(workers: Workers) -> None:
    update = {**text_message(MEMBER, "/help", message_id=70), "update_id": 501}
    async with aiohttp.ClientSession() as http:
        statuses = await asyncio.gather(*(deliver(http, url, update) for url in workers.urls))
        assert 200 in statuses and set(statuses) <= {200, 503}
        await workers.fake.wait_for("sendMessage")
        # Telegram delivers it again later, to either worker: nothing more is said.
        for url in workers.urls:
            assert await deliver(http, url, update) == 200
        other = {**text_message(MEMBER, "/help", message_id=71), "update_id": 502}
        assert await deliver(http, workers.urls[1], other) == 200
    assert [r["reply_parameters"]["message_id"] for r in replies(workers.fake)] == [70, 71]


def test_each_worker_keeps_to_its_share_of_the_budget() -> None:
    for count in (1, 2, 3):
        limiter = outbound_limiter(count)
        base = limiter._base_limiter  # PTB keeps the limits there
        assert base is not None
        assert base.max_rate * count == pytest.approx(30)
        assert limiter._group_max_rate * count == pytest.approx(20)


async def test_a_claim_of_a_dead_process_is_taken_over_after_the_lease(db: Database) -> None:
    first = UpdateLedger(db, "telegram", "123456")
    second = UpdateLedger(db, "telegram", "123456")
    other_bot = UpdateLedger(db, "telegram", "654321")
    start = SystemClock().now()
    assert await first.claim(9, start) is Claim.NEW  # ...and its process dies here
    assert await second.claim(9, start + timedelta(seconds=5)) is Claim.BUSY
    assert await other_bot.claim(9, start) is Claim.NEW  # another bot's update 9
    assert await second.claim(9, start + timedelta(seconds=61)) is Claim.NEW
    assert await first.claim(9, start + timedelta(seconds=62)) is Claim.BUSY
    await second.finish(9)
    assert await first.claim(9, start + timedelta(hours=1)) is Claim.DONE
    # A poller is the only consumer: it takes over at once.
    assert await first.claim(10, start) is Claim.NEW
    assert await second.claim(10, start, lease=timedelta(0)) is Claim.NEW
    assert await first.prune(start + timedelta(days=3)) == 2


async def test_polling_again_after_kill_skips_what_was_handled(
    example_config: Config, tmp_path: Path
) -> None:
    """The poller confirms updates after handling them; a process killed in between fetches
    them again on restart, and the ledger keeps them from being answered twice."""
    fake = FakeBotAPI()
    api = await fake.start()
    url = f"sqlite+aiosqlite:///{tmp_path / 'tg.sqlite3'}"
    settings = TelegramConfig(enabled=True, api_base_url=api, poll_timeout=1)
    config = example_config.model_copy(update={"telegram": settings})
    app = BotApp(config, clock=SystemClock(), database_url=url)
    await app.db.migrate()
    runner = TelegramRunner(settings, TOKEN, app.services, app.dispatcher.dispatch)
    try:
        await runner.start()
        await app.start()
        update = {**text_message(MEMBER, "/help", message_id=80), "update_id": 900}
        assert runner.ledger is not None
        handled = runner.receive(update)
        assert handled is not None and await handled is Claim.NEW
        again = runner.receive(update)  # fetched again after a restart
        assert again is not None and await again is Claim.DONE
        assert len(replies(fake)) == 1
    finally:
        await runner.stop()
        await app.close()
        await fake.stop()


async def test_a_poller_claims_its_batch_in_one_go(db: Database) -> None:
    poller = UpdateLedger(db, "telegram", "123456")
    start = SystemClock().now()
    assert await poller.claim_batch([1, 2, 3], start) == {1, 2, 3}
    await poller.finish_batch({1, 2})
    # Killed before finishing 3: the same batch comes again with a new update.
    assert await poller.claim_batch([1, 2, 3, 4], start) == {3, 4}
    await poller.finish_batch({3, 4})
    assert await poller.claim_batch([1, 2, 3, 4], start) == set()
    assert await poller.claim_batch([], start) == set()
