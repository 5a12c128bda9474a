"""check warns about FAQ entries too alike to tell apart, and stays quiet about the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from cogs.faq import semantic
from cogs.faq.confusable import confusable_pairs
from cogs.faq.entries import FaqLibrary

ROOT = Path(__file__).resolve().parents[2]


def write_entry(folder: Path, entry_id: str, questions: list[str]) -> None:
    listed = "".join(f'  "{q}",\n' for q in questions)
    (folder / f"{entry_id}.md").write_text(
        f'+++\nid = "{entry_id}"\nquestions = [\n{listed}]\nlang = "en"\n+++\nThe answer.\n',
        encoding="utf-8",
    )


@pytest.fixture
def faq(tmp_path: Path) -> Path:
    folder = tmp_path / "faq"
    folder.mkdir()
    write_entry(folder, "card-delivery", ["When will my card arrive?",
                                          "My card hasn't been delivered yet"])  # fmt: skip
    write_entry(folder, "transfer-pending", ["How long do transfers take?",
                                             "My transfer hasn't arrived yet"])  # fmt: skip
    write_entry(folder, "fees", ["What are your fees?", "Is the account free?"])
    return folder


def test_two_entries_asked_in_nearly_the_same_words_are_named(faq: Path) -> None:
    if not semantic.available():
        pytest.skip("semantic extra missing")
    found = confusable_pairs(FaqLibrary(faq).reload(force=True).entries)
    assert {frozenset((c.entry, c.other)) for c in found} == {
        frozenset(("card-delivery", "transfer-pending"))
    }


def test_without_the_model_shared_words_decide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(semantic, "available", lambda: False)
    write_entry(tmp_path, "reset-pin", ["How do I reset my card PIN?", "PIN forgotten"])
    write_entry(tmp_path, "reset-password", ["How do I reset my card password?", "Lost password"])
    write_entry(tmp_path, "fees", ["What are your fees?", "Is the account free?"])
    found = confusable_pairs(FaqLibrary(tmp_path).reload(force=True).entries)
    assert {frozenset((c.entry, c.other)) for c in found} == {
        frozenset(("reset-pin", "reset-password"))
    }


def test_check_warns_but_passes(faq: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--config", str(ROOT / "config.example.toml"), "--faq", str(faq)])
    err = capsys.readouterr().err
    assert code == 0
    [warning] = [line for line in err.splitlines() if line.startswith("warning:")]
    assert "card-delivery and transfer-pending are confusable" in warning or (
        "transfer-pending and card-delivery are confusable" in warning
    )


def test_the_shipped_faq_has_no_confusable_entries(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--config", str(ROOT / "config.example.toml")]) == 0
    assert "warning:" not in capsys.readouterr().err
