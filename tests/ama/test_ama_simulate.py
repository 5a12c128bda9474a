"""AMA through `community-bot simulate`: collection, upvotes, ranking, weekly AMAs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]


def results_posts(out: str) -> list[str]:
    return [line for line in out.splitlines() if "📊 Results:" in line]


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
