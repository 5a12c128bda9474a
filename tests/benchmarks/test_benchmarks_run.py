"""The benchmark scripts keep working (tiny sizes; no timing is asserted).

Each script runs in this process as ``__main__`` with its own arguments: the libraries it
needs are loaded already, so the check costs the work, not a new interpreter.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def run(
    script: str, *args: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> str:
    monkeypatch.setattr(sys, "argv", [script, *args])
    monkeypatch.chdir(ROOT)
    runpy.run_path(str(ROOT / "benchmarks" / script), run_name="__main__")
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("script", "args", "expected"),
    [
        ("desk.py", ("--cases", "200", "--spans", "50", "--baseline-spans", "2"),
         ("business elapsed", "speed-up", "KPIs for 200 cases")),
        ("ideas.py", ("--ideas", "60", "--votes", "6", "--no-baseline"),
         ("vote on a board of 60 ideas", "near-duplicate check")),
        ("pipeline.py", ("--messages", "300", "--baseline-messages", "30"),
         ("messages/s", "speed-up over baseline")),
        ("moderation.py", ("--messages", "400", "--members", "500"),
         ("recall per evasion", "bytes per tracked member", "catastrophic re: entries")),
        ("faq.py", ("--matcher", "lexical", "--distractors", "20", "--queries", "10"),
         ("rapidfuzz token_set (base)", "lexical: per query")),
        ("digest.py", ("--events", "3000", "--members", "200", "--days", "35", "--no-baseline"),
         ("all metrics:", "baseline: 28-day engaged members")),
        ("long_messages.py", ("--rounds", "1", "--length", "4096"),
         ("4,096-character message", "ratio:")),
        ("pipeline_mix.py", ("--messages", "200", "--queued", "10", "--rounds", "2",
                             "--matcher", "lexical"),
         ("realistic mix", "stop word behind 10 questions")),
        ("memory_members.py", ("--members", "800", "--step", "200"),
         ("after     800 members", "peak, first half")),
    ],
    ids=lambda value: value if isinstance(value, str) and value.endswith(".py") else "",
)  # fmt: skip
def test_benchmark_runs(
    script: str,
    args: tuple[str, ...],
    expected: tuple[str, ...],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = run(script, *args, capsys=capsys, monkeypatch=monkeypatch)
    for text in expected:
        assert text in out, (script, text, out[-2000:])
