"""Config: the example is valid; every mistake names the key, the line and the problem."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, load_config
from bot.core.ids import CommunityRef, Platform

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "config.example.toml").read_text(encoding="utf-8")


def write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(content, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, content: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, content))
    return caught.value.problems


def test_example_config_is_valid_and_documented() -> None:
    config = load_config(ROOT / "config.example.toml")
    assert config.console.enabled and str(config.community.timezone) == "Asia/Tbilisi"
    assert config.database_url().endswith("/data/community-bot.sqlite3")
    # Every key of every section is present in the example (so every key is documented).
    lines = EXAMPLE.splitlines()
    for section, model in config:
        if section == "source":
            continue
        for key in type(model).model_fields:
            if key == "overrides":
                assert any("[community.overrides." in line for line in lines)
                continue
            documented = any(line.startswith(f"{key} =") for line in lines) or (
                f"[{section}.{key}]" in lines or f"[[{section}.{key}]]" in lines
            )
            assert documented, f"{section}.{key}"


def test_misspelled_key_is_named_with_its_line(tmp_path: Path) -> None:
    content = EXAMPLE.replace("store_text = false", "store_txt = false")
    line = content.splitlines().index("store_txt = false") + 1
    [problem] = problems_of(tmp_path, content)
    assert f"config.toml:{line}: eventlog.store_txt: unknown key" in problem


def test_wrong_type_is_named(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, EXAMPLE.replace("batch_size = 500", 'batch_size = "lots"'))
    assert "eventlog.batch_size" in problem and "integer" in problem


def test_every_problem_is_listed(tmp_path: Path) -> None:
    content = EXAMPLE.replace('timezone = "Asia/Tbilisi"', 'timezone = "Mars/Olympus"')
    content = content.replace('locale = "en"', 'locale = "xx"')
    content += "\n[nonsense]\nx = 1\n"
    problems = "\n".join(problems_of(tmp_path, content))
    assert "community.timezone: unknown time zone 'Mars/Olympus'" in problems
    assert "community.locale: no translations for locale 'xx'" in problems
    assert "nonsense: unknown key" in problems


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[features]\nenabled = ['help', 'teleport']\n", "unknown feature(s) 'teleport'"),
        ("[console]\nchannels = ['general', 'bad channel']\n", "console.channels"),
        ("[eventlog]\nflush_interval_seconds = 0\n", "eventlog.flush_interval_seconds"),
        ("[logging]\nlevel = 'LOUD'\n", "logging.level"),
        ("[community.overrides.'nowhere']\nlocale = 'ru'\n", "must be 'platform:id'"),
        ("this is not toml", "not valid TOML"),
    ],
)
def test_bad_values(tmp_path: Path, content: str, expected: str) -> None:
    assert expected in "\n".join(problems_of(tmp_path, content))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml")


def test_overrides_pick_locale_and_timezone(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[community.overrides.'telegram:-100123']\nlocale = 'ru'\ntimezone = 'Europe/Moscow'\n",
    )
    community = load_config(path).community
    group = CommunityRef(Platform.TELEGRAM, "-100123")
    other = CommunityRef(Platform.TELEGRAM, "-100999")
    assert community.locale_for(group) == "ru" and community.locale_for(other) == "en"
    assert str(community.timezone_for(group)) == "Europe/Moscow"


def test_cli_exits_2_and_names_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, EXAMPLE.replace("[console]\n", "[console]\nenabeld = true\n"))
    assert main(["--config", str(path), "check"]) == 2
    assert "console.enabeld: unknown key" in capsys.readouterr().err
    # --config also works after the command name.
    assert main(["check", "--config", str(path)]) == 2


def test_cli_check_accepts_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "check",
            "--config",
            str(ROOT / "config.example.toml"),
            "--rules",
            str(ROOT / "rules"),
            "--faq",
            str(ROOT / "faq"),
        ]
    )
    assert code == 0, capsys.readouterr().err


def test_cli_check_reports_bad_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.txt").write_bytes(b"fine\nbroken \xff here\n")
    code = main(
        [
            "check",
            "--config",
            str(ROOT / "config.example.toml"),
            "--rules",
            str(rules),
            "--faq",
            str(tmp_path / "missing"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "bad.txt:2: not UTF-8" in err and "faq folder does not exist" in err


def test_a_feature_without_what_it_reads_is_named_with_both(tmp_path: Path) -> None:
    content = EXAMPLE.replace(
        'enabled = ["help", "moderation", "welcome", "polls", "ama", "roles", "faq", "desk",'
        ' "ideas", "studio", "digest", "privacy"]',
        'enabled = ["help", "digest", "faq"]',
    )
    [problem] = problems_of(tmp_path, content)
    assert "features.enabled" in problem
    assert "feature 'digest' needs 'polls', 'ama', 'moderation'" in problem


def test_a_disabled_feature_s_section_is_still_checked(tmp_path: Path) -> None:
    content = EXAMPLE.replace('enabled = ["help", "moderation"', 'enabled = ["help"]\n#', 1)
    content = content.replace('accept_within = "30m"', 'accept_within = "soon"')
    [problem] = problems_of(tmp_path, content)
    assert "onboarding.accept_within: not a duration: 'soon'" in problem


def test_help_lists_what_the_enabled_features_add(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["--config", str(ROOT / "config.example.toml"), "--help"])
    full = capsys.readouterr().out
    for name in ("rules", "faq", "digest", "stats", "member", "simulate"):
        assert name in full
    only_help = write(tmp_path, '[features]\nenabled = ["help"]\n')
    with pytest.raises(SystemExit):
        main(["--config", str(only_help), "--help"])
    core = capsys.readouterr().out
    commands = set(re.findall(r"^    (\w+) ", core, re.M))
    assert {"run", "simulate", "check", "member"} <= commands
    assert not commands & {"faq", "rules", "digest", "stats"}
    with pytest.raises(SystemExit):
        main(["--config", str(only_help), "faq", "ask", "hi"])  # not a command without the FAQ


def test_a_binary_faq_file_is_reported_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    faq = tmp_path / "faq"
    shutil.copytree(ROOT / "faq", faq)
    (faq / "photo.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x9b binary")
    code = main(["check", "--config", str(ROOT / "config.example.toml"), "--faq", str(faq)])
    err = capsys.readouterr().err
    assert code == 2
    about = [line for line in err.splitlines() if "photo.md" in line]
    assert len(about) == 1 and "not UTF-8 text" in about[0], err
    assert "codec" not in err


def test_content_that_names_a_command_nobody_answers_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    faq = tmp_path / "faq"
    shutil.copytree(ROOT / "faq", faq)
    entry = faq / "support.md"
    entry.write_text(
        entry.read_text(encoding="utf-8")
        + "\nAsk for one with `/refund`, or see https://example.org/refund and /poll results.\n",
        encoding="utf-8",
    )
    code = main(["check", "--config", str(ROOT / "config.example.toml"), "--faq", str(faq)])
    err = capsys.readouterr().err
    assert code == 2
    [problem] = [line for line in err.splitlines() if "support.md" in line]
    assert "/refund is not a command of this bot" in problem and "support.md:14:" in problem
    # With polls disabled, content pointing at /poll is reported too.
    config = tmp_path / "no-polls.toml"
    config.write_text(
        EXAMPLE.replace(
            'enabled = ["help", "moderation", "welcome", "polls", "ama", "roles", "faq", "desk",'
            ' "ideas", "studio", "digest", "privacy"]',
            'enabled = ["help", "faq"]',
        ),
        encoding="utf-8",
    )
    main(["check", "--config", str(config), "--faq", str(faq)])
    assert "/poll is not a command" in capsys.readouterr().err


def test_the_shipped_content_names_only_enabled_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", "--config", str(ROOT / "config.example.toml")]) == 0


def test_set_changes_a_key_for_one_process(tmp_path: Path) -> None:
    path = write(tmp_path, EXAMPLE)
    config = load_config(path, [
        "discord.shard_count=4", "discord.shard_ids=[2, 3]", "discord.sync_commands=false",
        "health.listen=127.0.0.1:8081", "telegram.workers = 2",
    ])  # fmt: skip
    assert config.discord.shard_ids == [2, 3] and config.discord.shard_count == 4
    assert not config.discord.sync_commands and config.telegram.workers == 2
    assert config.health.listen == "127.0.0.1:8081"  # not TOML: taken as text


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ("discord", "expected SECTION.KEY=VALUE"),
        ("shard_ids=[1]", "expected SECTION.KEY=VALUE"),
        ("discord..x=1", "expected SECTION.KEY=VALUE"),
        ("logging.level.deep=1", "level is not a section"),
        ("discord.shard_ids=[9]", "--set: discord: shard_ids needs shard_count"),
        ("discord.shard_idz=[1]", "--set: discord.shard_idz: unknown key"),
        ("telegram.workers=0", "--set: telegram.workers: Input should be greater"),
    ],
)
def test_a_bad_set_is_named(tmp_path: Path, item: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, EXAMPLE), [item])
    assert any(problem in line for line in caught.value.problems), caught.value.problems


def test_set_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, EXAMPLE)
    assert main(["--config", str(path), "--set", "telegram.workers=101", "check"]) == 2
    assert "--set: telegram.workers: Input should be less than or equal to 100" in (
        capsys.readouterr().err
    )


def test_the_database_url_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql+asyncpg://bot:s3cret@db:5432/bot"
    monkeypatch.setenv("COMMUNITY_BOT_DATABASE_URL", url)
    assert load_config(write(tmp_path, EXAMPLE)).database_url() == url
    monkeypatch.setenv("COMMUNITY_BOT_DATABASE_URL", "  ")
    assert load_config(write(tmp_path, EXAMPLE)).database_url().endswith(".sqlite3")
