"""The deployment examples in deploy/ stay true to the code: every process's --set options
load with the example config, the Discord processes cover every shard exactly once, the
secrets they pass are the ones the bot reads, and the Dockerfile copies what exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import DATABASE_URL_ENV, load_config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PUBLIC = "telegram.webhook_url=https://bot.example.org/telegram"  # what the operator sets


def processes() -> list[list[str]]:
    """The --set options of each process in docker-compose.yml (one block of lines each)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8").splitlines():
        found = re.fullmatch(r"\s+- --set=(\S+)", line)
        if found:
            current.append(found.group(1))
        elif current:
            blocks.append(current)
            current = []
    return blocks


def test_each_compose_process_loads() -> None:
    blocks = processes()
    assert len(blocks) == 3  # the Telegram worker (used twice) and two Discord processes
    shards: list[int] = []
    for options in blocks:
        config = load_config(ROOT / "config.example.toml", [*options, PUBLIC])
        assert config.health.listen == "0.0.0.0:8081" and not config.console.enabled
        if config.discord.enabled:
            shards += config.discord.shard_ids
            assert config.discord.shard_count == 2
        else:
            assert config.telegram.mode == "webhook" and config.telegram.workers == 2
    assert sorted(shards) == [0, 1]  # every shard once, in one process each


def test_the_systemd_example_loads(tmp_path: Path) -> None:
    unit = (DEPLOY / "community-bot@.service").read_text(encoding="utf-8")
    [args] = re.findall(r"#\s+ARGS=(.+)", unit)
    options = [item.removeprefix("--set=") for item in args.split()]
    config = load_config(ROOT / "config.example.toml", [*options, PUBLIC])
    assert config.telegram.workers == 2 and config.health.listen == "127.0.0.1:8081"


def test_the_secrets_passed_are_the_ones_read(monkeypatch: pytest.MonkeyPatch) -> None:
    compose = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    sources = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "bot").rglob("*.py"))
    for name in re.findall(r"^\s{4}([A-Z_]+):", compose, re.M):
        if name.startswith("POSTGRES_"):
            continue  # the database image's own
        assert f'"{name}"' in sources or name == DATABASE_URL_ENV, name
    url = "postgresql+asyncpg://bot:pw@postgres:5432/bot"
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    assert load_config(ROOT / "config.example.toml").database_url() == url
    env_example = (DEPLOY / "env.example").read_text(encoding="utf-8")
    for name in re.findall(r"\$\{([A-Z_]+)\}", compose):
        assert f"{name}=" in env_example, name


def test_the_dockerfile_copies_what_exists() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    for sources in re.findall(r"^COPY (.+) \S+$", dockerfile, re.M):
        for source in sources.split():
            assert (ROOT / source).exists(), source


def test_run_accepts_set_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    """The compose files put --set after `run`: a wrong one is refused there too."""
    assert main(["run", "--config", str(ROOT / "config.example.toml"),
                 "--set=discord.shard_ids=[3]"]) == 2  # fmt: skip
    assert "--set: discord: shard_ids needs shard_count" in capsys.readouterr().err
