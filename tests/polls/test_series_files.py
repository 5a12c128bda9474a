"""Quiz series files: a broken one is skipped with file:line, the others keep working, and a
missing folder the config names is reported by check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import ROOT, example_config_in


def config_with_quizzes(folder: Path, quizzes: Path) -> Path:
    config = example_config_in(folder)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(repr(str(ROOT / "quizzes")), repr(str(quizzes))), "utf-8")
    return config


def simulate(capsys: pytest.CaptureFixture[str], config: Path, script: str, tmp: Path) -> str:
    path = tmp / "script.txt"
    path.write_text(script, encoding="utf-8")
    database = str(tmp / "db.sqlite3")
    code = main(["simulate", str(path), "--config", str(config),
                 "--database", database, "--start", "2026-11-27T10:00"])  # fmt: skip
    assert code == 0
    return capsys.readouterr().out


def test_a_broken_file_does_not_take_the_other_series_down(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    shutil.copy(ROOT / "quizzes" / "georgia.toml", quizzes / "georgia.toml")
    (quizzes / "broken.toml").write_text('title = "Broken"\nseconds = \n', encoding="utf-8")
    (quizzes / "empty.toml").write_text('title = "No questions"\n', encoding="utf-8")
    config = config_with_quizzes(tmp_path, quizzes)
    out = simulate(capsys, config, "mod: /quizrun georgia\nmod: /quizrun broken\n"
                   "mod: /quizrun empty\nmod: /quizrun nope\n", tmp_path)  # fmt: skip
    assert "Georgia basics" in out and "What is the capital of Georgia?" in out
    assert "broken.toml:2: not valid TOML" in out
    assert "empty.toml" in out and "questions" in out
    assert "There is no quiz series “nope”. Available: georgia." in out
    code = main(["check", "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2 and "broken.toml:2:" in err and "georgia" not in err


def test_check_reports_a_missing_quizzes_folder_the_config_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_with_quizzes(tmp_path, tmp_path / "missing")
    assert main(["check", "--config", str(config)]) == 2
    assert "the quizzes folder does not exist" in capsys.readouterr().err


def test_an_empty_folder_says_there_are_no_series_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "quizzes").mkdir()
    config = config_with_quizzes(tmp_path, tmp_path / "quizzes")
    out = simulate(capsys, config, "mod: /quizrun georgia\n", tmp_path)
    assert "the quizzes folder has none yet" in out and "Available: -" not in out


def test_a_georgian_community_runs_the_georgian_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``georgia.ka.toml`` beside ``georgia.toml``: /quizrun georgia in a ka community runs the
    Georgian file, in an English one the plain file; moderators see one series name."""
    quizzes = tmp_path / "quizzes"
    shutil.copytree(ROOT / "quizzes", quizzes)
    config = config_with_quizzes(tmp_path, quizzes)
    text = config.read_text(encoding="utf-8")
    georgian = tmp_path / "ka.toml"
    georgian.write_text(text.replace('locale = "en"', 'locale = "ka"', 1), encoding="utf-8")
    out = simulate(capsys, georgian, "mod: /quizrun georgia\nmod: /quizrun nope\n", tmp_path)
    assert "საქართველო: საფუძვლები" in out and "რომელია საქართველოს დედაქალაქი?" in out
    assert "What is the capital" not in out
    assert "ხელმისაწვდომია: georgia." in out  # one name, not georgia.ka
    english = tmp_path / "en"
    english.mkdir()
    out = simulate(capsys, config, "mod: /quizrun georgia\n", english)
    assert "Georgia basics" in out and "საქართველო" not in out


def test_a_version_in_no_language_is_named(tmp_path: Path) -> None:
    from cogs.polls.series import load_series

    shutil.copy(ROOT / "quizzes" / "georgia.toml", tmp_path / "georgia.xq.toml")
    shutil.copy(ROOT / "quizzes" / "georgia.ka.toml", tmp_path / "georgia.ka.toml")
    folder = load_series(tmp_path)
    assert folder.all_problems() == [
        f"{tmp_path / 'georgia.xq.toml'}:1: 'xq' is not a language code"
        " (a version is NAME.ka, NAME.ru ...)"
    ]
    assert "georgia.ka" in folder.series
