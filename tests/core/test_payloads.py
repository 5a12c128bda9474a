"""Typed button and deadline payloads: packed within the platforms' limit, checked when a
class is declared, and refused (never crashing) when forged or truncated."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import Field

from bot.core.messages import MAX_BUTTON_DATA_BYTES, Button
from bot.core.payloads import ButtonData, CommunityDeadline, PayloadError, clip
from bot.features import catalog


class Pick(ButtonData):
    action = "test.pick"
    answer: int
    verdict: Literal["y", "n"]
    note: Annotated[str, Field(max_length=20)] | None = None


def test_round_trip_and_wire_form() -> None:
    data = Pick(answer=12, verdict="y", note="a:b")
    button = data.button("Yes")
    assert button.data == "test.pick:12:y:a:b"  # the last field may hold the separator
    action, payload = Button.parse_data(button.data)
    assert action == Pick.action and Pick.unpack(payload) == data


def test_trailing_optional_fields_may_be_left_off() -> None:
    assert Pick.unpack("3:n") == Pick(answer=3, verdict="n")
    assert Pick.unpack("3:n:") == Pick(answer=3, verdict="n")


@pytest.mark.parametrize(
    "forged",
    [
        "",
        "x:y",
        "12",
        "12:maybe",
        "-:y",
        "1e3:y",
        "12:y:" + "z" * 21,
        "99999999999999999999999:y",
        "99999999999999999999:y",
    ],
)
def test_forged_payloads_are_refused(forged: str) -> None:
    with pytest.raises(PayloadError):
        Pick.unpack(forged)


def test_a_payload_that_could_outgrow_the_limit_is_refused_at_declaration() -> None:
    with pytest.raises(TypeError, match="over the platforms' limit"):

        class TooBig(ButtonData):
            action = "test.big"
            first: Annotated[str, Field(max_length=40)]
            second: int

    with pytest.raises(TypeError, match="needs max_length"):

        class Unbounded(ButtonData):
            action = "test.unbounded"
            text: str

    with pytest.raises(TypeError, match="lower case"):

        class BadAction(ButtonData):
            action = "Test Action"


def test_every_shipped_payload_fits() -> None:
    for feature in catalog().values():
        for declared in feature.declarations:
            if declared.kind == "button":
                assert declared.target.max_bytes() <= MAX_BUTTON_DATA_BYTES


def test_non_ascii_text_is_cut_on_a_character_boundary() -> None:
    class Note(ButtonData):
        action = "test.note"
        text: Annotated[str, Field(max_length=10)]

    cut = clip("ქართული ენა", 10)
    assert len(cut.encode()) <= 10 and "ქართული ენა".startswith(cut)
    assert Note(text=cut).button("x").data.startswith("test.note:")
    with pytest.raises(ValueError, match="too long"):
        Note(text="ქართული").payload()  # 7 characters, 21 bytes


def test_deadline_rows_from_before_typed_payloads_still_read() -> None:
    class Quiet(CommunityDeadline):
        kind = "test.quiet"

    old = Quiet.unpack({"platform": "telegram", "community": "-100123"})
    new = Quiet.unpack(old.stored())
    assert str(old.community) == "telegram:-100123" and new == old
    with pytest.raises(PayloadError):
        Quiet.unpack({"community": "nowhere"})
