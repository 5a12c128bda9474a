from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.commands import (
    MAX_INTEGER,
    CommandSpec,
    Param,
    ParamKind,
    ParamName,
    Usage,
    parse_arguments,
)
from bot.core.errors import UserFacingError
from bot.core.ids import MemberRef, Platform
from bot.core.permissions import Level
from bot.i18n import translator

MUTE = CommandSpec(
    "mute",
    "mod.mute",
    (
        Param("member", ParamKind.MEMBER, "p.member"),
        Param("duration", ParamKind.DURATION, "p.duration"),
        Param("reason", ParamKind.TEXT, "p.reason", required=False),
    ),
    level=Level.MODERATOR,
)
ALICE = MemberRef(Platform.CONSOLE, "alice")
BOB = MemberRef(Platform.CONSOLE, "bob")


async def resolve(token: str) -> MemberRef | None:
    return {"alice": ALICE, "bob": BOB}.get(token.removeprefix("@"))


async def test_parses_typed_arguments_and_keeps_free_text() -> None:
    args = await parse_arguments(MUTE, '@alice 1h30m spam  "links" again', resolve)
    assert args == {
        "member": ALICE,
        "duration": timedelta(hours=1, minutes=30),
        "reason": 'spam  "links" again',
    }


async def test_optional_text_may_be_absent() -> None:
    assert await parse_arguments(MUTE, "bob 10m", resolve) == {
        "member": BOB,
        "duration": timedelta(minutes=10),
    }


async def test_reply_target_fills_the_member_parameter() -> None:
    args = await parse_arguments(MUTE, "10m flood", resolve, reply_to_author=BOB)
    assert args["member"] == BOB and args["reason"] == "flood"
    # An explicit mention still wins over the replied-to author.
    args = await parse_arguments(MUTE, "@alice 10m", resolve, reply_to_author=BOB)
    assert args["member"] == ALICE


@pytest.mark.parametrize(
    ("raw", "key", "name"),
    [
        ("", "command.missing_argument", "member"),
        ("alice", "command.missing_argument", "duration"),
        ("carol 10m", "command.bad_argument", "member"),
        ("alice soon", "command.bad_argument", "duration"),
    ],
)
async def test_errors_name_the_parameter(raw: str, key: str, name: str) -> None:
    with pytest.raises(UserFacingError) as caught:
        await parse_arguments(MUTE, raw, resolve)
    assert caught.value.key == key
    assert caught.value.params["name"] == ParamName(name)
    assert caught.value.params["usage"] == Usage(MUTE)
    params = {"value": "x", "reason": "y", **caught.value.params}
    english = translator("en")(key, **params)
    assert "/mute <member> <duration> [reason]" in english
    georgian = translator("ka")(key, **params)
    assert "/mute <წევრი> <ხანგრძლივობა> [მიზეზი]" in georgian
    assert name not in georgian.replace("/mute", "")


async def test_integer_bounds_choices_and_extra_words() -> None:
    spec = CommandSpec(
        "purge",
        "d",
        (
            Param("count", ParamKind.INTEGER, "d", min_value=1, max_value=100),
            Param("scope", ParamKind.CHOICE, "d", choices=("all", "bots"), required=False),
        ),
    )
    assert await parse_arguments(spec, "5 BOTS", resolve) == {"count": 5, "scope": "bots"}
    for raw in ("0", "101", "five", "5 humans"):
        with pytest.raises(UserFacingError, match=r"command\.bad_argument"):
            await parse_arguments(spec, raw, resolve)
    with pytest.raises(UserFacingError, match=r"command\.too_many_arguments"):
        await parse_arguments(spec, "5 all extra", resolve)


async def test_an_unbounded_integer_stops_at_what_platforms_and_databases_hold() -> None:
    spec = CommandSpec("case", "d", (Param("number", ParamKind.INTEGER, "d"),))
    assert await parse_arguments(spec, str(MAX_INTEGER), resolve) == {"number": MAX_INTEGER}
    for raw in ("99999999999999999999999", str(-MAX_INTEGER - 1)):
        with pytest.raises(UserFacingError, match=r"command\.bad_argument"):
            await parse_arguments(spec, raw, resolve)


async def test_quoted_word_and_unbalanced_quote() -> None:
    spec = CommandSpec("tag", "d", (Param("name", ParamKind.WORD, "d"),))
    assert await parse_arguments(spec, '"two words"', resolve) == {"name": "two words"}
    assert await parse_arguments(spec, '"oops', resolve) == {"name": '"oops'}


def test_spec_validation() -> None:
    with pytest.raises(ValueError, match="bad command name"):
        CommandSpec("Bad-Name", "d")
    with pytest.raises(ValueError, match="last one"):
        CommandSpec("x", "d", (Param("a", ParamKind.TEXT, "d"), Param("b", ParamKind.WORD, "d")))
    with pytest.raises(ValueError, match="required parameter after an optional"):
        CommandSpec(
            "x",
            "d",
            (Param("a", ParamKind.WORD, "d", required=False), Param("b", ParamKind.WORD, "d")),
        )
    with pytest.raises(ValueError, match="needs choices"):
        Param("a", ParamKind.CHOICE, "d")


def test_level_parse() -> None:
    assert Level.parse(" Moderator ") is Level.MODERATOR
    with pytest.raises(ValueError, match="expected one of"):
        Level.parse("owner")


CLOSE = CommandSpec(
    "desk",
    "desk.cmd",
    (
        Param("action", ParamKind.CHOICE, "p.action", choices=("close",)),
        Param("number", ParamKind.INTEGER, "p.number", required=False, min_value=1),
        Param("details", ParamKind.TEXT, "p.details", required=False),
    ),
)


async def test_an_optional_number_before_free_text_may_be_left_out() -> None:
    assert await parse_arguments(CLOSE, "close fixed it", resolve) == {
        "action": "close", "details": "fixed it"}  # fmt: skip
    assert await parse_arguments(CLOSE, "close 12 fixed", resolve) == {
        "action": "close", "number": 12, "details": "fixed"}  # fmt: skip
    with pytest.raises(UserFacingError) as refused:
        await parse_arguments(CLOSE, "close 1x fixed", resolve)  # digits: meant as a number
    assert refused.value.key == "command.bad_argument"


@pytest.mark.parametrize(("typed", "value"), [("off", "off"), ("OFF", "off"),
                                              ("გამორთვა", "off"), ("выкл", "off"),
                                              ("ჩართვა", "on")])  # fmt: skip
async def test_choices_accept_the_words_in_other_languages(typed: str, value: str) -> None:
    spec = CommandSpec(
        "raid", "d", (Param("state", ParamKind.CHOICE, "p", choices=("on", "off")),)
    )
    assert (await parse_arguments(spec, typed, resolve))["state"] == value
