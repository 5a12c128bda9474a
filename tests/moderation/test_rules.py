"""The rules folder: the shipped one is valid; every mistake is named with file and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Config
from bot.core.permissions import Level
from cogs.moderation.rules import RulesError, load_rules
from tests.conftest import SameDatabase, in_locale

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target)
    return target


def problems(folder: Path) -> str:
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    return "\n".join(caught.value.problems)


def test_shipped_rules_load() -> None:
    rules = load_rules(ROOT / "rules")
    assert rules.rules[1].startswith("Be respectful")
    assert rules.policy.exempt_level is Level.HELPER
    assert set(rules.policy.lists) == {"profanity", "spam"}
    assert [s.points for s in rules.policy.warnings.ladder] == [3, 5, 8]


def test_allow_list_exempts(rules_dir: Path) -> None:
    rules = load_rules(rules_dir)
    assert rules.matcher.scan("хуй").flagged
    assert not rules.matcher.scan("застрахуйте машину").flagged


def test_bad_list_line_is_named(rules_dir: Path) -> None:
    path = rules_dir / "stopwords" / "profanity.txt"
    path.write_text(path.read_text(encoding="utf-8") + "bad*word\nre:(oops\n", encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    found = problems(rules_dir)
    assert f"profanity.txt:{len(lines) - 1}: '*' may only start or end" in found
    assert f"profanity.txt:{len(lines)}: bad regular expression" in found


def test_policy_errors_are_named(rules_dir: Path) -> None:
    path = rules_dir / "moderation.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('action = "warn"', 'action = "shout"').replace("rule = 2", "rule = 9")
    text = text.replace("messages = 6", "mesages = 6")
    path.write_text(text, encoding="utf-8")
    found = problems(rules_dir)
    assert "lists.profanity.action" in found and "'delete', 'warn', 'mute' or 'escalate'" in found
    assert "frequency.mesages: unknown key" in found
    line = text.splitlines().index("mesages = 6") + 1
    assert f"moderation.toml:{line}:" in found


def test_cross_references_are_checked(rules_dir: Path) -> None:
    path = rules_dir / "moderation.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("rule = 2", "rule = 9")
        + "\n[lists.ghost]\naction = 'delete'\n",
        encoding="utf-8",
    )
    (rules_dir / "stopwords" / "orphan.txt").write_text("word\n", encoding="utf-8")
    found = problems(rules_dir)
    assert "lists.spam.rule = 9, but community-rules.md has no rule 9" in found
    assert "no stop-word list stopwords/ghost.txt" in found
    assert "no [lists.orphan] for stopwords/orphan.txt" in found


def test_rules_numbering_and_missing_files(rules_dir: Path) -> None:
    (rules_dir / "community-rules.md").write_text("1. One\n3. Three\n", encoding="utf-8")
    assert "community-rules.md:2: rule 3 should be number 2" in problems(rules_dir)
    (rules_dir / "moderation.toml").unlink()
    assert "moderation.toml: missing" in problems(rules_dir)


def test_start_up_refuses_broken_rules(
    rules_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (rules_dir / "stopwords" / "spam.txt").write_text("re:[\n", encoding="utf-8")
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(example.replace('rules = "rules"', f'rules = "{rules_dir}"'))
    script = tmp_path / "s.txt"
    script.write_text("alice: hi\n", encoding="utf-8")
    assert main(["simulate", str(script), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "spam.txt:1: bad regular expression" in err and "nothing started" in err
    assert main(["check", "--config", str(config)]) == 2


def run_rules_test(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["rules", "test", *args, "--json"]) == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


def test_rules_test_json(capsys: pytest.CaptureFixture[str]) -> None:
    rules = str(ROOT / "rules")
    verdict = run_rules_test(capsys, "you are a f*cking 1d10t", "--rules", rules)
    assert verdict["flagged"] is True and verdict["list"] == "profanity"
    assert verdict["action"] == "warn" and verdict["entry"] in ("fuck*", "idiot*")
    assert verdict["normalized"] == "you are a f*cking idiot"
    clean = run_rules_test(capsys, "Class assessment in Scunthorpe", "--rules", rules)
    assert clean == {**clean, "flagged": False, "list": None, "entry": None, "action": None}


def test_rules_test_with_only_a_word_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "insults.txt").write_text("# mine\nstupid*\ndummy\n", encoding="utf-8")
    for where in (tmp_path, tmp_path / "insults.txt"):
        verdict = run_rules_test(capsys, "ur st.u.p.i.d", "--rules", str(where))
        assert verdict["flagged"] is True and verdict["list"] == "insults"
        assert verdict["entry"] == "stupid*" and verdict["action"] == "delete"
    (tmp_path / "broken.txt").write_text("re:(\n", encoding="utf-8")
    assert main(["rules", "test", "x", "--rules", str(tmp_path), "--json"]) == 2
    assert "broken.txt:1: bad regular expression" in capsys.readouterr().err


def test_rules_in_other_languages_keep_every_number(rules_dir: Path) -> None:
    rules = load_rules(rules_dir)
    assert rules.rule_text(1, "ru") == rules.in_language("ru")[1]
    assert rules.rule_text(1, "ru").startswith("Уважайте")  # type: ignore[union-attr]
    assert rules.rule_text(1, "ka").startswith("პატივი")  # type: ignore[union-attr]
    assert rules.rule_text(1, "de") == rules.rule_text(1)  # no German file: the default
    (rules_dir / "community-rules.ru.md").write_text("1. Только одно правило\n", "utf-8")
    (rules_dir / "community-rules.xx-yy.md").write_text("1. ?\n", "utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(rules_dir)
    problems = "\n".join(caught.value.problems)
    assert "community-rules.ru.md: has rules [1], community-rules.md has [1, 2, 3, 4, 5]" in (
        problems
    )
    assert "community-rules.xx-yy.md: 'xx-yy' is not a language code" in problems


async def test_a_russian_community_reads_its_rules_in_russian(
    example_config: Config, same_database: SameDatabase
) -> None:
    [app] = await same_database.start(in_locale(example_config, "ru"), 1)
    platform = app.console_platform()
    await platform.post("alice", "general", "/rules")
    assert "1. Уважайте друг друга" in "\n".join(platform.transcript[-8:])
    await platform.post("alice", "general", "ты идиот")
    assert "Уважайте друг друга" in "\n".join(platform.transcript[-6:])  # the rule quoted
