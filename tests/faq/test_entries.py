"""FAQ files: parsing, problems with file and line, last good version kept, reloads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cli import main
from cogs.faq.entries import FaqLibrary, check_folder, parse_entry

ROOT = Path(__file__).resolve().parents[2]

GOOD = """+++
id = "password"
questions = ["How do I reset my password?", "I forgot my password"]
lang = "en"
tags = ["account"]
links = ["https://example.org/reset"]
+++
Use *Forgot password* on the [sign-in page](https://example.org/login).
"""


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def test_a_good_entry(tmp_path: Path) -> None:
    entry = parse_entry(write(tmp_path, "password.md", GOOD))
    assert entry.id == "password"
    assert entry.questions == ("How do I reset my password?", "I forgot my password")
    assert entry.lang == "en" and entry.tags == ("account",)
    assert entry.answer.startswith("Use *Forgot password*")


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("id = 'x'\n", 1, "must start with a '+++' line"),
        ("+++\nid = 'x'\nquestions = ['a']\nAnswer\n", 1, "front matter is not closed"),
        ("+++\nid = 'x'\nquestions = ['a'\n+++\nAnswer\n", 3, "not valid TOML"),
        ("+++\nid = 'x'\nquestions = ['a']\nlang = \n+++\nAnswer\n", 4, "not valid TOML"),
        ("+++\nid = 'x'\nquestions = ['a']\ncolour = 'red'\n+++\nAnswer\n", 4, "unknown key"),
        ("+++\nid = 'Bad Id'\nquestions = ['a']\n+++\nAnswer\n", 2, "id 'Bad Id'"),
        ("+++\nquestions = ['a']\n+++\nAnswer\n", 2, "'id' is missing"),
        ("+++\nid = 'x'\nquestions = []\n+++\nAnswer\n", 3, "'questions' must be"),
        ("+++\nid = 'x'\nquestions = ['a']\nlang = 'english'\n+++\nA\n", 4, "lang 'english'"),
        ("+++\nid = 'x'\nquestions = ['a']\n+++\n\n", 5, "the answer is empty"),
        ("+++\nid = 'x'\nquestions = ['a']\n+++\nText\n![pic](https://x/y.png)\n", 6, "images"),
        ("+++\nid = 'x'\nquestions = ['a']\n+++\n<b>bold</b>\n", 5, "HTML"),
        ("+++\nid = 'x'\nquestions = ['a']\n+++\nA\n| a | b |\n", 6, "tables"),
        ("+++\nid = 'x'\nquestions = ['a']\n+++\nSee [docs](docs.md)\n", 5, "not an http"),
        ("+++\nid = 'x'\nquestions = ['a']\nlinks = ['ftp://x']\n+++\nA\n", 4, "not an http"),
    ],
)
def test_problems_name_the_file_and_line(tmp_path: Path, body: str, line: int, words: str) -> None:
    path = write(tmp_path, "entry.md", body)
    problems = check_folder(tmp_path)
    assert problems, body
    assert any(p.startswith(f"{path}:{line}: ") and words in p for p in problems), problems


def test_duplicate_ids_and_language_versions(tmp_path: Path) -> None:
    write(tmp_path, "a.md", GOOD)
    write(tmp_path, "b.md", GOOD)
    write(tmp_path, "ru/password.md", GOOD.replace('lang = "en"', 'lang = "ru"'))
    problems = check_folder(tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'b.md'}:2: id 'password'")
    library = FaqLibrary(tmp_path)
    library.reload()
    assert sorted(e.lang or "" for e in library.entries) == ["en", "ru"]


def test_readme_drafts_and_hidden_files_are_not_entries(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "# How to write entries\n")
    write(tmp_path, "drafts/ama-1-2.md", "+++\nnot finished\n")
    write(tmp_path, ".trash/old.md", "junk")
    write(tmp_path, "ok.md", GOOD)
    assert check_folder(tmp_path) == []
    assert [e.id for e in FaqLibrary(tmp_path).reload().entries] == ["password"]


def test_a_broken_file_keeps_its_last_good_version(tmp_path: Path) -> None:
    path = write(tmp_path, "password.md", GOOD)
    library = FaqLibrary(tmp_path)
    assert library.reload().problems == []
    version = library.version
    path.write_text(GOOD.replace("+++\nUse", "Use"), encoding="utf-8")  # front matter unclosed
    os.utime(path, ns=(1, 1))
    result = library.reload()
    assert result.problems and str(path) in result.problems[0]
    assert [e.id for e in library.entries] == ["password"]  # still answering
    assert library.version == version
    path.write_text(GOOD.replace("Use *Forgot", "Press *Forgot"), encoding="utf-8")
    os.utime(path, ns=(2, 2))
    assert library.reload().problems == []
    assert library.entries[0].answer.startswith("Press")
    assert library.version == version + 1
    assert library.reload().changed is False  # nothing changed: nothing re-read


def test_the_shipped_faq_is_valid_and_check_reports_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check_folder(ROOT / "faq") == []
    write(tmp_path, "bad.md", "+++\nid = 'x'\n+++\nA\n")
    code = main(["check", "--config", str(ROOT / "config.example.toml"), "--faq", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{tmp_path / 'bad.md'}:2: 'questions' is missing" in err
