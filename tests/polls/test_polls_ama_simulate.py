"""Polls and AMA through `community-bot simulate`, restarts included."""

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


def test_ama_collects_ranks_and_refuses_self_upvotes(simulate, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = simulate(
        "mod: /ama open 1h @mod Our roadmap\n"
        "alice: /ask When will the mobile app ship?\n"
        "bob [Upvote]\n"
        "alice [Upvote]\n"
        "bob: /ask Will there be a dark mode?\n"
        "carol: /ask Are you hiring in Tbilisi?\n"
        "alice [Upvote #3]\nbob [Upvote #3]\ncarol [Upvote #1]\n"
        "dave: /ask when does the mobile app ship\n"
        "bob [Upvote #3]\n"
        "~ 1h\n"
        "mod: /ama answer 3 https://example.test/jobs\n",
        "2026-11-27T10:00",
    )
    assert "You can't upvote your own question" in out
    assert "You have already upvoted this question." in out
    assert "Someone already asked that (#1" in out
    ranked = out[out.index("[2026-11-27 11:00:00] #general bot: 🎤 AMA") :]
    order = re.findall(r"\d+\. \[(\d+) 👍\] #(\d)", ranked)
    assert order[:3] == [("3", "1"), ("2", "3"), ("0", "2")]
    assert "Question #3 is answered" in out


def test_ama_needs_a_moderator_to_open(simulate) -> None:  # type: ignore[no-untyped-def]
    out = simulate("alice: /ama open 1h Me\nalice: /ask anything at all?\n")
    assert "/ama is for the moderator team" in out
    assert "There is no AMA collecting questions right now." in out


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


def test_opening_an_ama_closes_the_previous_one(simulate) -> None:  # type: ignore[no-untyped-def]
    out = simulate(
        "mod: /ama open 1h First\nalice: /ask a first question here?\n"
        "mod: /ama open 1h Second\nbob: /ask a second question here?\n~ 2h\n",
        "2026-11-27T10:00",
    )
    assert "The AMA “First” was still collecting questions" in out
    assert out.count("🎤 AMA “First”") == 1 and out.count("🎤 AMA “Second”") == 1


def test_weekly_ama_and_scheduled_quiz(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    example = example.replace('rules = "rules"', f'rules = "{ROOT / "rules"}"')
    example = example.replace('faq = "faq"', f'faq = "{ROOT / "faq"}"')
    example = example.replace('quizzes = "quizzes"', f'quizzes = "{ROOT / "quizzes"}"')
    example = example.replace(
        "\nweekly = []\n",
        '\nweekly = [{ community = "console:console", channel = "general", day = "fri",'
        ' opens_at = "12:00", collect_hours = 6, topic = "Friday AMA", host = "mod" }]\n',
    )
    example = example.replace(
        "\nquizzes = []\n",
        '\nquizzes = [{ community = "console:console", channel = "general",'
        ' series = "georgia", day = "fri", at = "19:00" }]\n',
    )
    config = tmp_path / "config.toml"
    config.write_text(example, encoding="utf-8")
    script = tmp_path / "s.txt"
    script.write_text("~ 3h\nalice: /ask What is on the roadmap?\n~ 7h\n", encoding="utf-8")
    # 2026-11-27 is a Friday; 09:00 in Tbilisi.
    code = main(
        [
            "simulate",
            str(script),
            "--config",
            str(config),
            "--database",
            str(tmp_path / "w.sqlite3"),
            "--start",
            "2026-11-27T09:00",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "[2026-11-27 12:00:00] #general bot: 🎤 AMA: Friday AMA with mod!" in out
    assert "Question #1 from alice" in out
    assert "[2026-11-27 18:00:00] #general bot: 🎤 AMA “Friday AMA”" in out
    assert "[2026-11-27 19:00:00] #general bot: 🧠 Quiz: What is the capital of Georgia?" in out
