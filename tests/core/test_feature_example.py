"""The example feature of ``cogs/README.md``, written from that page alone, runs in
``simulate`` without editing anything under ``bot/``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import cogs
from bot.cli import main
from tests.conftest import ROOT, example_config_in


def blocks(language: str) -> list[str]:
    page = (ROOT / "cogs" / "README.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", page, re.S)


def clear_caches() -> None:
    from bot.config import config_model
    from bot.features import catalog
    from bot.i18n import load_catalog, translator

    for cached in (catalog, config_model, load_catalog, translator):
        cached.cache_clear()


@pytest.fixture
def remind_feature(tmp_path: Path) -> Iterator[Path]:
    """The page's code and strings as a feature folder outside the source tree."""
    extra = tmp_path / "extra"
    folder = extra / "remind"
    (folder / "i18n").mkdir(parents=True)
    (folder / "__init__.py").write_text(blocks("python")[0], encoding="utf-8")
    (folder / "i18n" / "en.toml").write_text(blocks("toml")[0], encoding="utf-8")
    cogs.__path__.append(str(extra))
    clear_caches()
    yield folder
    cogs.__path__.remove(str(extra))
    import sys

    sys.modules.pop("cogs.remind", None)
    clear_caches()


def test_the_example_feature_works(
    remind_feature: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = example_config_in(tmp_path)
    text = config.read_text(encoding="utf-8")
    text = text.replace('"privacy"]', '"privacy", "remind"]', 1) + "\n[remind]\nmax_length = 100\n"
    config.write_text(text, encoding="utf-8")
    script = tmp_path / "demo.txt"
    script.write_text("alice: /remind 10m call the venue\n~ 11m\nbob [Done]\n", encoding="utf-8")
    database = str(tmp_path / "sim.sqlite3")
    code = main(["simulate", str(script), "--config", str(config),
                 "--database", database, "--start", "2026-11-27T10:00"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "#general bot → alice: I will remind you in 10 minutes." in out
    assert (
        "[2026-11-27 10:10:00] #general bot: ⏰ Reminder from alice: call the venue [✅ Done]"
        in out
    )
    assert "Marked as done. Thanks!" in out
    # The core's files are untouched: the feature lives outside bot/ (and outside cogs/).
    assert not (ROOT / "cogs" / "remind").exists()


def test_its_settings_are_checked_like_the_core_s(
    remind_feature: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = example_config_in(tmp_path)
    text = config.read_text(encoding="utf-8") + "\n[remind]\nmax_lenght = 100\n"
    config.write_text(text, encoding="utf-8")
    assert main(["check", "--config", str(config)]) == 2
    assert "remind.max_lenght: unknown key" in capsys.readouterr().err
