"""Polls and quizzes through `community-bot simulate`, restarts included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]


def results_posts(out: str) -> list[str]:
    return [line for line in out.splitlines() if "📊 Results:" in line]


def test_thirty_second_poll_posts_results_once(simulate) -> None:  # type: ignore[no-untyped-def]
    out = simulate(
        "alice: /poll 30s Pizza or sushi? | Pizza | Sushi\n"
        "bob [Pizza]\ncarol [Sushi]\ndave [Pizza]\nbob [Sushi]\n~ 1m\n~ 1h\n",
        "2026-11-27T10:00",
    )
    [results] = results_posts(out)
    assert results.startswith("[2026-11-27 10:00:30]")
    assert re.search(r"Pizza\s+█+░*\s+1 \(33%\)", out)
    assert re.search(r"Sushi\s+█+░*\s+2 \(67%\)", out)
    assert "Turnout: 3 voters" in out


def test_poll_that_closes_during_a_restart_posts_once(simulate) -> None:  # type: ignore[no-untyped-def]
    first = simulate(
        "alice: /poll 30s Tea or coffee? | Tea | Coffee\nbob [Tea]\n", "2040-01-01T10:00"
    )
    assert not results_posts(first)
    # The next run starts five minutes later: the poll fell due while the bot was down.
    second = simulate("carol: hello again\n~ 1m\n", "2040-01-01T10:05")
    [results] = results_posts(second)
    assert results.startswith("[2040-01-01 10:05:00]")
    third = simulate("~ 2h\n")
    assert not results_posts(third)


def test_poll_rules_and_quiz(simulate) -> None:  # type: ignore[no-untyped-def]
    out = simulate(
        "alice: /poll 30s Just one? | Only\n"
        "alice: /poll 10s Q? | A | B\n"
        "alice: /quiz 1m Q? | *A | B\n"
        "mod: /quiz 1m Capital of Georgia? | Batumi | *Tbilisi --explain Since the 5th century.\n"
        "bob [Tbilisi]\nbob [Batumi]\ncarol [Batumi]\n~ 2m\n",
        "2026-11-27T10:00",
    )
    assert "Write a poll as:" in out
    assert "A poll lasts from 15 seconds to 8 weeks." in out
    assert "/quiz is for the helper team" in out
    assert "Right: Tbilisi!" in out and "You have already answered this quiz." in out
    assert "Not quite — the answer is Tbilisi." in out
    assert "Right answer: Tbilisi" in out and "Since the 5th century." in out


def test_poll_creation_is_rate_limited(simulate) -> None:  # type: ignore[no-untyped-def]
    polls = "".join(f"alice: /poll 1h Q{n}? | A | B\n" for n in range(4))
    out = simulate(polls, "2026-11-27T10:00")
    assert out.count("📊 Q") == 3
    assert "You can start 3 polls an hour" in out


def test_quiz_series_from_a_file(simulate) -> None:  # type: ignore[no-untyped-def]
    out = simulate(
        "mod: /quizrun georgia\nalice [Tbilisi]\nbob [Batumi]\n~ 61s\n"
        "alice [Black Sea]\nbob [Black Sea]\n~ 61s\nalice [33]\n~ 2m\nmod: /quizrun nope\n",
        "2026-11-27T10:00",
    )
    assert "Georgia basics: 3 questions, one after another" in out
    assert out.count("🧠 Quiz results:") == 3
    scores = out[out.index("🏆 Georgia basics: the scores") :]
    assert "1. alice — 3 of 3 right" in scores and "2. bob — 1 of 3 right" in scores
    assert "There is no quiz series “nope”. Available: georgia." in out


def test_broken_quiz_file_is_reported_by_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    (quizzes / "bad.toml").write_text(
        'title = "Bad"\n[[questions]]\nquestion = "Q?"\noptions = ["A", "B"]\nanswer = "C"\n',
        encoding="utf-8",
    )
    config = tmp_path / "config.toml"
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    config.write_text(
        example.replace('rules = "rules"', f'rules = "{ROOT / "rules"}"').replace(
            'faq = "faq"', f'faq = "{ROOT / "faq"}"'
        ),
        encoding="utf-8",
    )
    assert main(["check", "--config", str(config)]) == 2
    assert (
        "bad.toml:2: questions.0: answer 'C' is not one of the options" in capsys.readouterr().err
    )
