"""A support week through `community-bot simulate`: business-hours SLA, escalation once per
step across a restart, notes that do not stop the clock, satisfaction recorded once, and the
KPIs in /stats, `sla explain` and `stats export` matching a hand count."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import Simulate, example_config_in

# 2026-12-04 is a Friday; the example community is in Tbilisi, hours Mon-Fri 09:00-18:00,
# the default policy answers within 2 business hours.
FRIDAY_EVENING = "2026-12-04T17:30"


def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    config = example_config_in(tmp_path)
    code = main([*args, "--config", str(config), "--database", str(tmp_path / "sim.sqlite3")])
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def test_a_support_week(
    simulate: Simulate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = simulate(
        "alice #help: why does the csv export fail with error 42?\n"
        "~ 2d16h30m\n"  # Monday 10:00
        "helper #help > alice: please send me the export id, I will look at it\n"
        "bob #help: can someone explain why my uploads are stuck at 99 percent?\n"
        "helper: /desk note 2 checking the upload logs first\n"
        "~ 10m\n"
        "alice #help > helper: it is 7781\n"
        "~ 20m\n"
        "helper #help > alice: fixed, the export works again\n"
        "mod: /desk close 1 fixed\n"
        "bob [1]\n"
        "alice [4]\n"
        "alice [5]\n"
        "~ 3h\n"
        "mod: /stats 7d\n",
        FRIDAY_EVENING,
    )
    # The Friday-evening question was answered on Monday at 10:00: 90 business minutes.
    explained = json.loads(cli(tmp_path, capsys, "sla", "explain", "1", "--json"))
    first = next(c for c in explained["clocks"] if c["clock"] == "first")
    assert first["counted_minutes"] == 90 and first["met"] is True
    # A note is not an answer: bob's case breached at 12:00 and climbed the chain once a step.
    assert out.count("is past its SLA: helpers") == 1
    assert out.count("is past its SLA: moderators") == 1
    assert "Case #2 from bob" in out.split("is past its SLA: helpers")[0].splitlines()[-1]
    second = json.loads(cli(tmp_path, capsys, "sla", "explain", "2", "--json"))
    assert [c["met"] for c in second["clocks"] if c["clock"] == "first"] == [False]
    # Satisfaction: only alice may rate, once.
    assert "Only the member who opened this case can do that." in out
    assert "Thank you for rating it 4 out of 5!" in out
    assert "Thank you for rating it 5" not in out
    listed = cli(tmp_path, capsys, "desk", "cases", "--all", "--json")
    cases = [json.loads(line) for line in listed.splitlines()]
    assert [(c["case"], c["status"], c["satisfaction"]) for c in cases] == [
        (1, "closed", 4),
        (2, "waiting_staff", None),
    ]
    # Hand count: 2 cases opened, 1 answered in 90 min, 1 breached -> 50 % within SLA;
    # 1 closed, never escalated -> 100 % without escalation.
    stats = out[out.index("mod: /stats 7d") :]
    assert "Support cases — opened: 2; closed: 1; open now: 1" in stats
    assert "median 1 hour, 30 minutes, 90% within 1 hour, 30 minutes" in stats
    assert "Answered within SLA: 50% of 2 decided cases (0 pending)" in stats
    assert "Closed without escalation: 100%" in stats
    assert "Satisfaction: 4.0 of 5" in stats
    # The export's weeks end at the digest's slot (Monday 10:00): alice's case falls in the
    # first, bob's (asked at 10:00) and the closing in the second.
    export = cli(tmp_path, capsys, "stats", "export", "--weeks", "2")
    before, current = list(csv.DictReader(io.StringIO(export)))
    assert (before["desk_cases_opened"], before["desk_within_sla"]) == ("1", "1.000")
    assert before["desk_frt_median_min"] == "90.0"
    assert (current["desk_cases_opened"], current["desk_within_sla"]) == ("1", "0.000")
    assert current["desk_frt_median_min"] == "" and current["desk_cases_closed"] == "1"
    assert current["desk_closed_without_escalation"] == "1.000"


def test_escalation_takes_each_step_once_across_restarts(simulate: Simulate) -> None:
    first = simulate(
        "~ 2d16h30m\n"  # Monday 10:00
        "bob: /ticket my uploads are stuck at 99 percent\n"
        "~ 2h5m\n",
        FRIDAY_EVENING,
    )
    assert first.count("is past its SLA") == 1 and "helpers, please take it" in first
    second = simulate("~ 5h\n")  # the bot restarts and runs on
    third = simulate("~ 1d\n")
    everything = first + second + third
    for rung in ("helpers", "moderators", "admins"):
        assert everything.count(f"is past its SLA: {rung}, please take it") == 1
    assert "is past its SLA" not in third


def test_an_answer_in_time_stops_the_chain_and_waiting_pauses_the_clock(
    simulate: Simulate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = simulate(
        "~ 2d16h30m\n"  # Monday 10:00
        "carol: /ticket refund for order 5521\n"
        "~ 1h\n"
        "mod > carol: which card did you pay with?\n"  # a staff reply: first response met
        "~ 2h\n"
        "carol > mod: the visa one\n"  # next response clock starts (4 business hours)
        "~ 1h\n"
        "mod: /desk wait 1\n"  # waiting for the member pauses it
        "~ 1d\n"
        "carol > mod: any news?\n"  # resumes
        "~ 30m\n",
        FRIDAY_EVENING,
    )
    assert "is past its SLA" not in out
    explained = json.loads(cli(tmp_path, capsys, "sla", "explain", "1", "--json"))
    clocks = {(c["clock"], c["round"]): c for c in explained["clocks"]}
    assert clocks[("first", 1)]["counted_minutes"] == 60 and clocks[("first", 1)]["met"]
    second = clocks[("next", 1)]
    assert second["counted_minutes"] == 90 and second["running"] and second["met"] is None
    assert len(clocks) == 2  # resuming a paused clock starts no new round


def test_ticket_limits_and_wrong_cases(simulate: Simulate) -> None:
    out = simulate(
        "dave: /ticket billing question\n"
        "dave: /ticket billing question\n"
        "dave: /ticket second thing\n"
        "dave: /ticket third thing\n"
        "dave: /ticket fourth thing\n"
        "dave [I take it]\n"
        "helper: /desk claim 99\n"
        "helper: /desk claim\n"
        "helper: /desk tag 1 Not_A_Tag!\n"
        "dave: /desk close 1\n"
        "helper: /desk close 1 done\n"
        "helper: /desk close 1 done\n",
        FRIDAY_EVENING,
    )
    assert "You already have case #1 open about this" in out
    assert "You can open 3 cases an hour" in out
    assert "There is no case #99 here." in out
    assert "Which case? Give its number" in out
    assert "Tags are short words" in out
    assert (
        "/desk is for the helpers and up" in out or "is for" in out.split("dave: /desk close 1")[1]
    )
    assert out.count("✅ Case #1 is closed") == 1
    assert "Case #1 is not open." in out


def test_a_ticket_rehearsed_through_its_room(
    simulate: Simulate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The console relays like Telegram: staff in #room-1, the member in #dm."""
    out = simulate(
        "alice: /ticket my invoice is wrong\n"
        "alice #dm: it charges me twice since May\n"
        "~ 10m\n"
        "helper #room-1: ! check the billing log\n"
        "helper #room-1: Refunded the second charge.\n"
        "helper #room-1: /desk close refunded\n"
        "alice [5]\n"
        "bob #dm: is anyone there?\n",
        "2026-12-07T10:00",
    )
    assert "[direct] bot → alice: 📨 Your case #1 “my invoice is wrong” is open." in out
    assert "#room-1 bot: alice: it charges me twice since May" in out
    assert "[direct] bot → alice: helper (support): Refunded the second charge." in out
    assert "billing log" not in out.split("! check the billing log")[1]
    assert "Thank you for rating it 5 out of 5!" in out
    assert "You have no open support case" in out
    explained = json.loads(cli(tmp_path, capsys, "sla", "explain", "1", "--json"))
    first = next(c for c in explained["clocks"] if c["clock"] == "first")
    assert first["counted_minutes"] == 10 and first["met"] is True


def test_transcripts_as_text_and_html_with_and_without_notes(
    simulate: Simulate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    simulate(
        "alice: /ticket <script>alert('x')</script> & co\n"
        "alice #dm: my id is <b>7781</b>\n"
        "helper #room-1: ! VIP customer\n"
        "helper #room-1: Thanks, on it\n",
        "2026-12-07T10:00",
    )
    text = cli(tmp_path, capsys, "desk", "transcript", "1")
    assert "[note] helper: ! VIP customer" in text and "my id is <b>7781</b>" in text
    page = cli(tmp_path, capsys, "desk", "transcript", "1", "--html")
    assert page.startswith("<!doctype html>") and '<html lang="en">' in page
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; co" in page
    assert "&lt;b&gt;7781&lt;/b&gt;" in page and 'class="message note"' in page
    seen = cli(tmp_path, capsys, "desk", "transcript", "1", "--html", "--member")
    assert "VIP customer" not in seen and "Thanks, on it" in seen
