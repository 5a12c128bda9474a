from __future__ import annotations

from datetime import timedelta

import pytest

from bot.adapters.console.script import (
    Join,
    Leave,
    Post,
    Press,
    React,
    ScriptErrors,
    Wait,
    parse_script,
)

CHANNELS = ["general", "help"]


def test_every_line_form() -> None:
    script = """
    # a comment
    +alice
    -bob
    alice: hello: with colons
    alice: /warn @bob spam
    alice #help: how do I?
    alice > bob: hi
    alice #help > bob: there
    alice [I accept the rules]
    alice +👍
    alice +🎉 bob
    ~ 2h30m
    """
    assert parse_script(script, CHANNELS) == [
        Join(3, "alice"),
        Leave(4, "bob"),
        Post(5, "alice", "general", "hello: with colons"),
        Post(6, "alice", "general", "/warn @bob spam"),
        Post(7, "alice", "help", "how do I?"),
        Post(8, "alice", "general", "hi", "bob"),
        Post(9, "alice", "help", "there", "bob"),
        Press(10, "alice", "I accept the rules"),
        React(11, "alice", "👍"),
        React(12, "alice", "🎉", "bob"),
        Wait(13, timedelta(hours=2, minutes=30)),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("alice says hi", "expected one of"),
        ("~ soon", "needs a duration"),
        ("alice:", "needs text"),
        ("alice #random: hi", "no channel #random"),
        ("+", "expected one of"),
    ],
)
def test_malformed_line_is_reported_with_its_number(line: str, message: str) -> None:
    with pytest.raises(ScriptErrors) as caught:
        parse_script(f"+alice\n\n{line}\nalice: fine", CHANNELS)
    [error] = caught.value.errors
    assert error.line == 3
    assert str(error).startswith("line 3: ")
    assert message in str(error)


def test_every_bad_line_is_reported_at_once() -> None:
    source = "alice says hi\nbob: fine\n~ 99999d\nbot: I am not the bot\nalice > bot: hi\n~ soon"
    with pytest.raises(ScriptErrors) as caught:
        parse_script(source, CHANNELS)
    assert [e.line for e in caught.value.errors] == [1, 3, 4, 5, 6]
    assert "at most 366d" in str(caught.value.errors[1])
    assert "the bot's name" in str(caught.value.errors[2])


def test_edits_and_taking_a_reaction_back() -> None:
    steps = parse_script(
        "alice: clean\nalice edit: now rude\nbob +👍 alice\nbob -👍 alice", CHANNELS
    )
    assert [type(s).__name__ for s in steps] == ["Post", "Edit", "React", "React"]
    given, taken_back = steps[2], steps[3]
    assert isinstance(given, React) and isinstance(taken_back, React)
    assert taken_back.taken_back and not given.taken_back
