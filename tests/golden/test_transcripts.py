"""Golden transcripts: ``simulate`` scripts across every feature must print exactly what they
printed before a refactoring (recorded in ``scripts/*.out``).

After an intended change of behaviour, record them again with
``python -m tests.golden.test_transcripts`` and review the diff.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from bot.cli import main

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCRIPTS = sorted((HERE / "scripts").glob("*.txt"))
START = "2026-11-27T10:00"
# Chart sizes depend on the installed matplotlib's PNG encoder, not on the bot.
_IMAGE = re.compile(r"\[image ([\w.-]+), \d+ KB\]")


def normalized(transcript: str) -> str:
    return _IMAGE.sub(r"[image \1, N KB]", transcript)


def run(script: Path, database: Path) -> tuple[int, str]:
    from tests.conftest import example_config_in

    args = ["simulate", str(script), "--config", str(example_config_in(database.parent)),
            "--database", str(database), "--start", START]  # fmt: skip
    from contextlib import redirect_stdout
    from io import StringIO

    out = StringIO()
    with redirect_stdout(out):
        code = main(args)
    return code, normalized(out.getvalue())


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_transcript_is_unchanged(script: Path, tmp_path: Path) -> None:
    code, transcript = run(script, tmp_path / "golden.sqlite3")
    assert code == 0
    expected = normalized(script.with_suffix(".out").read_text(encoding="utf-8"))
    assert transcript.splitlines() == expected.splitlines()


if __name__ == "__main__":  # pragma: no cover - re-recording by hand
    import tempfile

    for script in SCRIPTS:
        with tempfile.TemporaryDirectory() as folder:
            _, transcript = run(script, Path(folder) / "golden.sqlite3")
        script.with_suffix(".out").write_text(transcript, encoding="utf-8")
        print(f"recorded {script.with_suffix('.out').name}", file=sys.stderr)
