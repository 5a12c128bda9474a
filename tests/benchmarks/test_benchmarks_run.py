"""The benchmark scripts keep working (tiny sizes; no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_pipeline_benchmark_runs() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "benchmarks/pipeline.py",
            "--messages",
            "300",
            "--baseline-messages",
            "30",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "messages/s" in result.stdout and "speed-up over baseline" in result.stdout


def test_moderation_benchmark_runs() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/moderation.py", "--messages", "400", "--members", "500"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "recall per evasion" in result.stdout and "bytes per tracked member" in result.stdout


def test_faq_benchmark_runs() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/faq.py", "--matcher", "lexical", "--distractors", "20",
         "--queries", "10"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "rapidfuzz token_set (base)" in result.stdout and "lexical: per query" in result.stdout


def test_digest_benchmark_runs() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/digest.py", "--events", "3000", "--members", "200",
         "--days", "35", "--no-baseline"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "all metrics:" in result.stdout and "baseline: 28-day engaged members" in result.stdout


def test_long_messages_benchmark_runs() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/long_messages.py", "--rounds", "2", "--length", "4096"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "4,096-character message" in result.stdout and "ratio:" in result.stdout


def test_pipeline_mix_benchmark_runs() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/pipeline_mix.py", "--messages", "200", "--queued", "10",
         "--rounds", "2", "--matcher", "lexical"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "realistic mix" in result.stdout and "stop word behind 10 questions" in result.stdout


def test_memory_members_benchmark_runs() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/memory_members.py", "--members", "800", "--step", "200"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "after     800 members" in result.stdout and "peak, first half" in result.stdout
