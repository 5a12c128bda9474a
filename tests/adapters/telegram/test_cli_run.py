"""`community-bot run` with [telegram] enabled, as a deployment runs it (a separate process)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.adapters.telegram.fake_bot_api import FakeBotAPI, text_message, user
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[3]


def set_key(config: str, section: str, key: str, value: str) -> str:
    """Set ``key`` in ``[section]`` of a TOML text (the example documents every key)."""
    lines = config.splitlines()
    current = ""
    for index, line in enumerate(lines):
        if line.startswith("["):
            current = line.strip("[] ")
        elif current == section and line.split("=")[0].strip() == key:
            lines[index] = f"{key} = {value}"
            return "\n".join(lines) + "\n"
    raise KeyError(f"{section}.{key}")


def make_config(tmp_path: Path, url: str, *extra: tuple[str, str, str]) -> Path:
    config = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for section, key, value in (
        *extra,
        ("content", "rules", f'"{ROOT / "rules"}"'),
        ("content", "faq", f'"{ROOT / "faq"}"'),
        ("storage", "database", '"bot.sqlite3"'),
        ("telegram", "enabled", "true"),
        ("telegram", "api_base_url", f'"{url}"'),
        ("telegram", "poll_timeout", "1"),
    ):
        config = set_key(config, section, key, value)
    path = tmp_path / "config.toml"
    path.write_text(config, encoding="utf-8")
    return path


@pytest.mark.slow
async def test_run_polls_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    """The console stays enabled as in the example: without a terminal the bot runs as a
    service (it does not stop at the end of input) until SIGTERM."""
    fake = FakeBotAPI()
    url = await fake.start()
    port = free_port()
    path = make_config(tmp_path, url, ("health", "listen", f'"127.0.0.1:{port}"'))
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "42:abc"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(path),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake.wait_for("getUpdates", within=30)
        await fake.push(text_message(user(7, "Max"), "/help", message_id=5))
        [reply] = await fake.wait_for("sendMessage", within=30)
        assert "Commands you can use here:" in reply["text"]
        health = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{health}/healthz") as alive:
                assert alive.status == 200
            for _ in range(100):  # a probe asks again until start-up has finished
                async with http.get(f"{health}/readyz") as ready:
                    body = await ready.json()
                if ready.status == 200:
                    break
                await asyncio.sleep(0.1)
            assert ready.status == 200, body
            assert body["checks"] == {"database": "ok", "telegram": "ok", "scheduler": "ok"}
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, stderr.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()


async def test_run_without_a_token_exits_2(tmp_path: Path) -> None:
    path = make_config(tmp_path, "http://127.0.0.1:9/bot")
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(path), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert b"TELEGRAM_BOT_TOKEN is not set" in stderr


@pytest.mark.parametrize("secret", ["", "short", "has spaces in it, twenty+"])
def test_webhook_mode_refuses_to_start_without_a_proper_secret(
    tmp_path: Path, secret: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from bot.cli import main

    path = make_config(tmp_path, "http://127.0.0.1:9/bot")
    text = set_key(path.read_text(encoding="utf-8"), "telegram", "mode", '"webhook"')
    text = set_key(text, "telegram", "webhook_url", '"https://bot.example.test/telegram"')
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", secret)
    assert main(["run", "--config", str(path)]) == 2
    assert "needs TELEGRAM_WEBHOOK_SECRET" in capsys.readouterr().err


async def test_a_rejected_token_is_never_printed(tmp_path: Path) -> None:
    """At DEBUG the HTTP client logs every URL (with the token in it) and the library's error
    repeats it: neither reaches the output."""
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq"
    fake = FakeBotAPI()
    url = await fake.start()
    fake.fail_next("getMe", 401, description=f"Unauthorized: bot{token} is not valid")
    path = make_config(tmp_path, url)
    path.write_text(set_key(path.read_text(encoding="utf-8"), "logging", "level", '"DEBUG"'))
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": token}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(path),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        await fake.stop()
    output = (stdout + stderr).decode()
    assert process.returncode == 2, output
    assert "Telegram refused to start" in output and "getMe" in output
    assert token not in output and token.split(":")[1] not in output
