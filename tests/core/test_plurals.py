"""Every number a member reads goes through plural rules: each plural key renders for 0, 1, 2,
5 and 21 in each locale, and no plain string puts a count right before a noun."""

from __future__ import annotations

import re
import string
from datetime import timedelta

import pytest

from bot.i18n import load_catalog, translator

LOCALES = ("en", "ru", "ka")
# Georgian nouns stay singular after every number ("5 დღე"), so a count may stand before a
# noun in a plain string there.
AGREEING = ("en", "ru")
COUNTS = (0, 1, 2, 5, 21)
QUANTITIES = frozenset(
    [
        "count",
        "joins",
        "seconds",
        "points",
        "rows",
        "days",
        "votes",
        "voters",
        "right",
        "questions",
        "posts",
        "polls",
        "quizzes",
        "members",
        "cohort",
        "limit",
        "hours",
        "minutes",
        "messages",
        "links",
        "mentions",
        "times",
        "entries",
    ]
)
# "3 of 7", "3 из 7": the noun, if any, is elsewhere and the number needs no agreement.
AFTER_ANY_NUMBER = frozenset({"of", "из", "от"})
_AFTER = re.compile(r"\{(\w+)\}\s+([^\W\d_]+)")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def plural_keys(locale: str) -> list[str]:
    return sorted(k for k, v in load_catalog(locale).items() if isinstance(v, dict))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_plural_key_renders_for_every_count(locale: str) -> None:
    t = translator(locale)
    catalog = load_catalog(locale)
    for key in plural_keys(locale):
        names = set().union(*(fields(form) for form in catalog[key].values()))  # type: ignore[union-attr]
        for count in COUNTS:
            params = {name: "x" for name in names} | {"count": count}
            rendered = t(key, **params)
            if count != 1:  # "a new member" may stand for 1; every other count is shown
                assert str(count) in rendered, (locale, key, count)
            assert "{" not in rendered, (locale, key, rendered)


def test_georgian_keeps_the_noun_singular_after_numbers() -> None:
    t = translator("ka")
    assert t("ideas.card_votes", count=1) == "👍 1 ხმა"
    assert t("ideas.card_votes", count=21) == "👍 21 ხმა"
    assert t.duration(timedelta(days=2, hours=3)) == "2 დღე, 3 საათი"


def test_russian_picks_the_form_each_count_needs() -> None:
    t = translator("ru")
    forms = [t("moderation.reason.links", count=n) for n in COUNTS]
    assert forms == [
        "больше 0 ссылок в одном сообщении",
        "больше 1 ссылки в одном сообщении",
        "больше 2 ссылок в одном сообщении",
        "больше 5 ссылок в одном сообщении",
        "больше 21 ссылки в одном сообщении",
    ]
    assert t("roles.profile_head", count=21, name="a", level="b").endswith("(последний 21 день):")


@pytest.mark.parametrize("locale", AGREEING)
def test_no_plain_string_puts_a_count_before_a_noun(locale: str) -> None:
    offenders = []
    for key, value in load_catalog(locale).items():
        if isinstance(value, dict):
            continue
        for name, word in _AFTER.findall(value):
            if name in QUANTITIES and word.casefold() not in AFTER_ANY_NUMBER:
                offenders.append(f"{key}: {{{name}}} {word}")
    assert not offenders, "use a plural table (one/few/many/other):\n" + "\n".join(offenders)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_same_plural_keys_in_every_locale(locale: str) -> None:
    assert set(plural_keys(locale)) <= set(plural_keys("en")) | set(load_catalog("en"))
