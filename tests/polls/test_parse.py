from __future__ import annotations

from datetime import timedelta

import pytest

from cogs.polls.logic import DEFAULT_DURATION, PollSyntaxError, bar_chart, parse_poll


def test_pipe_syntax_with_duration_and_flags() -> None:
    request = parse_poll("30s Pizza or sushi? | Pizza | Sushi --multi")
    assert request.question == "Pizza or sushi?"
    assert request.options == ("Pizza", "Sushi")
    assert request.duration == timedelta(seconds=30) and request.multiple
    assert not request.anonymous and not request.reactions


def test_quoted_syntax_duration_last_and_default() -> None:
    request = parse_poll('"Best day?" Friday "Saturday night" 2d --anonymous')
    assert request.options == ("Friday", "Saturday night")
    assert request.duration == timedelta(days=2) and request.anonymous
    assert parse_poll("Q? | A | B").duration == DEFAULT_DURATION


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("30s Question? | Only one", "polls.syntax"),
        ("30s Is this ambiguous yes no", "polls.syntax"),
        ("5s Q? | A | B", "polls.bad_duration"),
        ("Q? | A | a", "polls.duplicate_options"),
        ("Q? | " + " | ".join(str(n) for n in range(11)), "polls.too_many_options"),
        ("Q? | " + "x" * 101 + " | B", "polls.too_long"),
    ],
)
def test_bad_polls_name_the_problem(raw: str, key: str) -> None:
    with pytest.raises(PollSyntaxError) as caught:
        parse_poll(raw)
    assert caught.value.key == key


def test_bar_chart() -> None:
    lines = bar_chart(["Pizza", "Sushi"], [1, 3], width=4)
    assert lines == ["Pizza  █░░░  1 (25%)", "Sushi  ███░  3 (75%)"]
    assert bar_chart(["A"], [0], width=2) == ["A  ░░  0 (0%)"]


@pytest.mark.parametrize(
    "raw",
    ["-5m Negative? | a | b", "0s Zero? | a | b", "1.5h Half? | a | b", "Last? | a | b 0m",
     "+3d Plus? | a | b", "99w Long? | a | b", "5s Short? | a | b", "0წთ ნული? | ა | ბ",
     "1.5სთ ნახევარი? | ა | ბ", "10კვ გრძელი? | ა | ბ", "0ч Ноль? | а | б"],
)  # fmt: skip
def test_a_duration_that_does_not_work_is_an_error_not_part_of_the_question(raw: str) -> None:
    with pytest.raises(PollSyntaxError) as refused:
        parse_poll(raw)
    assert refused.value.key == "polls.bad_duration"


def test_ordinary_first_words_stay_in_the_question() -> None:
    assert parse_poll("3 musketeers or 4? | 3 | 4").question == "3 musketeers or 4?"
    assert parse_poll("1st choice? | a | b").question == "1st choice?"


@pytest.mark.parametrize(
    ("raw", "minutes"),
    [("1სთ რომელი ქალაქი? | თბილისი | ბათუმი", 60), ("რომელი? | ა | ბ 30წთ", 30),
     ("2 დღე", None), ("1ч30м Какой? | а | б", 90), ("Какой? | а | б 2д", 2880)],
)  # fmt: skip
def test_georgian_and_russian_units_set_the_duration(raw: str, minutes: int | None) -> None:
    if minutes is None:  # "2 დღე" (with a space) is words of the question, as "2 days" is
        with pytest.raises(PollSyntaxError):
            parse_poll(raw)
        return
    request = parse_poll(raw)
    assert request.duration.total_seconds() == minutes * 60
    assert not any(ch.isdigit() for ch in request.question)
