"""A Georgian community's week through ``simulate`` with ``locale = "ka"``: every line the bot
writes (its messages and what the console shows it doing) is Georgian — no English fragment,
no catalog key — apart from what members typed, names, commands and their typed arguments."""

from __future__ import annotations

import re
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

import pytest

from bot.cli import main

pytestmark = pytest.mark.slow  # a simulated week

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "georgian" / "community_week.txt"
# Typed as they are in any language: command arguments (subcommands, flags, levels, on/off),
# brand and format names, the example community's name and its stop-word list's file name.
TYPED_AS_IS = frozenset(
    [
        "open",
        "close",
        "top",
        "answer",
        "remove",
        "preview",
        "topic",
        "on",
        "off",
        "now",
        "lock",
        "unlock",
        "newcomer",
        "activist",
        "expert",
        "claim",
        "note",
        "wait",
        "close",
        "tag",
        "escalate",
        "sla",
        "transcript",
        "multi",
        "reactions",
        "anonymous",
        "explain",
        "CSV",
        "Telegram",
        "Discord",
        "GMT",
        "UTC",
        "KB",
        "png",
        "Example",
        "Community",
        "profanity",
        "txt",
    ]
)
_BOT_LINE = re.compile(
    r"^\[[^\]]+\] (?:#[\w-]+ bot(?: → [^:(]+(?:\([^)]*\))?)?|\[direct\] bot → [^:]+|\* bot): (.*)$"
)
_CONTINUED = re.compile(r"^\[[^\]]+\]     (.*)$")
# A command with the Latin words typed after it ("/post approve 1", "/raid off"), links,
# channels, mentions, image names, flags.
_IGNORED = re.compile(r"https?://\S+|/[a-z_]+(?: [a-z_]+)*|#[\w-]+|@\w+|[\w.-]+\.png|--\w+")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_]*")


def run_week(tmp_path: Path) -> str:
    from tests.conftest import example_config_in

    args = ["simulate", str(SCRIPT), "--config", str(example_config_in(tmp_path)),
            "--database", str(tmp_path / "ka.sqlite3"), "--start", "2026-11-27T10:00",
            "--set", 'community.locale="ka"']  # fmt: skip
    out = StringIO()
    with redirect_stdout(out):
        assert main(args) == 0
    return out.getvalue()


def bot_texts(transcript: str) -> list[str]:
    """The bot's lines: its messages with their continuation lines, and its actions."""
    texts: list[str] = []
    inside = False
    for line in transcript.splitlines():
        if found := _BOT_LINE.match(line):
            texts.append(found.group(1))
            inside = True
        elif inside and (more := _CONTINUED.match(line)):
            texts.append(more.group(1))
        else:
            inside = False
    return texts


def _typed(word: str, typed: set[str]) -> bool:
    """A member's words come back in quotes and evidence, a matched stem among them."""
    return any(word.casefold() in w.casefold() for w in typed)


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory) -> str:
    return run_week(tmp_path_factory.mktemp("ka"))


def test_every_bot_line_is_georgian(transcript: str) -> None:
    typed = set(_LATIN_WORD.findall(SCRIPT.read_text(encoding="utf-8")))
    texts = bot_texts(transcript)
    assert len(texts) > 150  # the week covers every feature
    english = []
    for text in texts:
        words = _LATIN_WORD.findall(_IGNORED.sub(" ", text))
        foreign = [w for w in words if not _typed(w, typed) and w not in TYPED_AS_IS]
        if foreign:
            english.append(f"{foreign}: {text}")
    assert not english, "English in a Georgian community:\n" + "\n".join(english)


def test_dates_numbers_and_durations_read_naturally(transcript: str) -> None:
    assert "28 ნოე. 2026, 10:17 GMT+04:00" not in transcript  # the poll's "1სთ" was read
    assert "ამ დრომდე: 27 ნოე. 2026, 11:17 GMT+04:00" in transcript
    assert "ვადა: 30 წუთი" in transcript  # the rules gate
    assert "ამ არხში ნელი რეჟიმი გამორთულია." in transcript  # /slowmode გამორთვა
    assert "📰 კვირის დაიჯესტი · Example Community · 23–30 ნოე" in transcript
    assert "/mute <წევრი> <ხანგრძლივობა> [მიზეზი]" in transcript
    # Nouns stay singular after numbers: "2 კითხვა", never a plural ending after a count.
    assert "2 კითხვა" in transcript
    assert not re.search(r"(?<![#\d])\d+ [ა-ჰ]+ები\b", transcript)


def test_georgian_typed_in_latin_letters_is_answered_in_georgian(transcript: str) -> None:
    asked = transcript.split("#help giorgi: ratom damadumes?")[1]
    assert "ყოველი დადუმების მიზეზსა" in asked.split("#help giorgi:")[0]  # faq/ka/muted.md


def test_georgian_content_versions_are_used(transcript: str) -> None:
    """quizzes/georgia.ka.toml and content/templates/question_of_the_week.ka.md."""
    assert "🧠 საქართველო: საფუძვლები" in transcript
    assert "კითხვა საზოგადოებისთვის?" in transcript  # the template's Georgian prompt


def test_a_georgian_stop_word_is_caught_in_every_script(transcript: str) -> None:
    assert "„შე ნაბიჭვარო“" in transcript and "„she nabiwvaro“" in transcript
    assert transcript.count("თქვენი შეტყობინება წაიშალა და მიიღეთ გაფრთხილება") == 2
