"""The pre-publication checklist on drafts it was not written against: each failing item is
named, passing drafts pass, the file format's mistakes name their line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.errors import UserFacingError
from cogs.studio.checklist import blocked, check
from cogs.studio.draft import DraftError, parse_post
from cogs.studio.posts import local_time
from cogs.studio.settings import HelpRoute, StudioSettings
from cogs.studio.templates import check_templates, load_templates, template_names, version

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = StudioSettings(
    utm_domains=["docs.example.org"],
    help_routes=[HelpRoute(name="money", keywords={"en": ["debt"], "ru": ["долг"]},
                           disclaimer="Money trouble? Free advice is available.",
                           links=["https://help.example.org/money"])],
)  # fmt: skip

GOOD = """+++
owner = "Nino"
answer_within = "2h"
images = [{ file = "chart.png", alt = "Sign-ups per week, rising from 40 to 90" }]
+++
**Sign-ups doubled in November.** What brought you here? Tell us in the replies.
The guide: https://docs.example.org/start?utm_source=tg
"""


def checks_of(source: str) -> set[str]:
    return {f.check for f in check(parse_post(source), SETTINGS)}


def test_a_good_post_passes() -> None:
    assert check(parse_post(GOOD), SETTINGS) == []


@pytest.mark.parametrize(
    ("source", "failing"),
    [
        ('+++\nowner = "A"\nanswer_within = "1h"\n+++\nWe updated the app.', {"next_step"}),
        (
            '+++\nsponsored = true\nowner = "A"\nanswer_within = "1h"\n+++\nTry it today?',
            {"ad_label"},
        ),
        (
            '+++\nowner = "A"\nanswer_within = "1h"\nimages = [{ file = "x.png" }]\n+++\nOk?',
            {"alt_text"},
        ),
        (
            '+++\nowner = "A"\nanswer_within = "1h"\nvideo = { subtitles = false }\n+++\nOk?',
            {"video"},
        ),
        (
            '+++\nowner = "A"\nanswer_within = "1h"\n+++\nThe ones marked in red are broken?',
            {"colour_only"},
        ),
        (
            '+++\nowner = "A"\nanswer_within = "1h"\n+++\nSee https://docs.example.org/a now',
            {"utm"},
        ),
        ("Questions?", {"owner"}),
        ('+++\nowner = "A"\n+++\nQuestions?', {"owner"}),
        (
            '+++\nowner = "A"\nanswer_within = "1h"\n+++\nStruggling with debt? Ask us.',
            {"sensitive"},
        ),
        (
            '+++\nowner = "A"\nanswer_within = "1h"\n+++\nКак не влезть в долги? Спросите.',
            {"sensitive"},
        ),
        ('+++\nowner = "A"\nanswer_within = "1h"\n+++\n' + "word " * 500 + "?", {"length"}),
        (
            '+++\nowner = "A"\nanswer_within = "1h"\n+++\n![chart](https://x.org/c.png) ?',
            {"markup"},
        ),
    ],
)
def test_each_failing_item_is_named(source: str, failing: set[str]) -> None:
    assert checks_of(source) == failing


GEORGIAN = '+++\nowner = "ნინო"\nanswer_within = "1h"\n'


@pytest.mark.parametrize(
    ("body", "failing"),
    [
        ("წითლად მონიშნული ველები სავალდებულოა. კითხვები?", {"colour_only"}),
        ("სწორი პასუხები მწვანე ფერითაა. კითხვები?", {"colour_only"}),
        ("წითელი ღვინის კვირა იწყება! რას დალევთ?", set()),
        ("აპლიკაცია განვაახლეთ.", {"next_step"}),
    ],
)
def test_georgian_posts(body: str, failing: set[str]) -> None:
    assert checks_of(GEORGIAN + "+++\n" + body) == failing


def test_a_georgian_ad_label_counts() -> None:
    sponsored = GEORGIAN + "sponsored = true\n+++\n"
    assert checks_of(sponsored + "ახალი ტარიფი! გამოიწერთ?") == {"ad_label"}
    assert checks_of(sponsored + "#რეკლამა ახალი ტარიფი! გამოიწერთ?") == set()


def test_disclaimer_present_and_checks_turned_off_or_down() -> None:
    source = ("+++\nowner = \"A\"\nanswer_within = \"1h\"\n+++\nIn debt? Ask us.\n"
              "Money trouble? Free advice is available.")  # fmt: skip
    assert checks_of(source) == set()
    relaxed = SETTINGS.model_copy(update={"checks": {"next_step": "warn", "owner": "off"}})
    findings = check(parse_post("We updated the app."), relaxed)
    assert [(f.check, f.verdict) for f in findings] == [("next_step", "warn")]
    assert not blocked(findings)


def test_a_file_s_mistakes_name_their_line() -> None:
    with pytest.raises(DraftError, match=r"^1: the front matter is not closed"):
        parse_post("+++\nowner = 'a'\n")
    with pytest.raises(DraftError, match="unknown key"):
        parse_post("+++\nownr = 'a'\n+++\nbody")
    with pytest.raises(DraftError, match=r"^3: front matter"):
        parse_post("+++\nowner = 'a'\nheavy = yes\n+++\nbody")


def test_shipped_templates_are_valid_and_broken_ones_are_named(tmp_path: Path) -> None:
    templates, problems = load_templates(ROOT / "content" / "templates")
    assert problems == [] and len(templates) >= 6
    assert templates["myth_vs_fact"].missing({"myth": "x"}) == ["fact", "source"]
    (tmp_path / "bad.md").write_text('+++\ntitle = "Bad"\n+++\nHello {who}\n', encoding="utf-8")
    (tmp_path / "Bad Name.md").write_text('+++\ntitle = "x"\n+++\nbody\n', encoding="utf-8")
    problems = check_templates(tmp_path)
    assert any(
        p.endswith("bad.md:4: {who} is not a declared field ([[fields]])") for p in problems
    )
    assert any("Bad Name.md:1: name the file" in p for p in problems)


def test_every_shipped_template_has_a_georgian_version_with_the_same_fields() -> None:
    templates, _ = load_templates(ROOT / "content" / "templates")
    plain = template_names(templates)
    for name in plain:
        georgian = version(templates, name, "ka")
        assert georgian is not None and georgian.name == f"{name}.ka", name
        assert [f for f, _ in georgian.fields] == [f for f, _ in templates[name].fields]
        assert version(templates, name, "en") is templates[name]
    assert "question_of_the_week.ka" not in plain


def test_times_in_the_community_zone_gaps_and_the_past() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2027, 3, 27, 12, 0, tzinfo=UTC)
    assert local_time("2027-03-28 10:00", now, berlin) == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)
    assert local_time("2h", now, berlin) == datetime(2027, 3, 27, 14, 0, tzinfo=UTC)
    assert local_time("ახლა", now, berlin) == now == local_time("сейчас", now, berlin)
    assert local_time("2სთ", now, berlin) == local_time("2h", now, berlin)
    for text, key in (("2027-03-28 02:30", "studio.time_gap"),
                      ("2027-03-01 10:00", "studio.time_past"),
                      ("next friday", "studio.bad_time")):  # fmt: skip
        with pytest.raises(UserFacingError) as refused:
            local_time(text, now, berlin)
        assert refused.value.key == key


def test_check_and_post_check_from_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main
    from tests.conftest import example_config_in

    config = example_config_in(tmp_path)
    good, bad, broken = tmp_path / "good.md", tmp_path / "bad.md", tmp_path / "broken.md"
    good.write_text(GOOD.replace("docs.example.org", "example.org"), encoding="utf-8")
    bad.write_text("We updated the app.", encoding="utf-8")
    broken.write_text("+++\nowner = 'x'\n", encoding="utf-8")
    assert main(["post", "check", str(good), "--config", str(config)]) == 0
    assert main(["post", "check", str(good), str(bad), str(broken), "--config", str(config)]) == 2
    out = capsys.readouterr()
    assert f"{good}: ok" in out.out and f"{bad}: blocked" in out.out
    assert "No next step" in out.out and f"{broken}:1: the front matter is not closed" in out.err
    # `check` validates the templates folder the config names.
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "qotw.md").write_text('+++\ntitle = "Q"\n+++\nAsk {who}\n', encoding="utf-8")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(str(ROOT / "content" / "templates"), str(templates)),
                      encoding="utf-8")  # fmt: skip
    assert main(["check", "--config", str(config)]) == 2
    assert "qotw.md:4: {who} is not a declared field" in capsys.readouterr().err


def test_the_rollout_checklist_per_community(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main
    from tests.conftest import example_config_in

    config = example_config_in(tmp_path)
    assert main(["setup", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "console:console:" in out and "8 of 9 in place" in out
    assert "⬜ weeks 3-4: columns" in out and "✅ weeks 1-2: the FAQ — docs/faq.md" in out
    assert main(["setup", "--community", "telegram:-100", "--config", str(config)]) == 0
    assert "⬜ weeks 3-4: response times (SLA)" in capsys.readouterr().out
    assert main(["setup", "--community", "nowhere", "--config", str(config)]) == 2
    assert "must be 'platform:id'" in capsys.readouterr().err
