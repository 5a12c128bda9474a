"""Question detection, stems, the Markdown subset and UTM links."""

from __future__ import annotations

import pytest

from bot.core.richtext import Bold, Code, Italic, Link
from cogs.faq import markdown
from cogs.faq.language import content_stems, looks_like_question


@pytest.mark.parametrize(
    "message",
    [
        "how do I reset my password",
        "Where is the event calendar?",
        "i joined but i only see one channel, how do i unlock the rest",
        "I forgot my password",
        "can't log in since yesterday",
        "when's the next meetup",
        "Как сбросить пароль",
        "не могу зайти в голосовой канал",
        "подскажите, где правила",
        "パスワードをリセットするには？",
        "the app keeps crashing on my phone",
        "игра вылетает сразу после старта",
        "hey guys, is the server down",
        "please remove all my personal data, how",
        "тут кто-то рассылает спам, как об этом сообщить модераторам",
        "not sure where to find the rules",
        "raise my credit limit please",
        "cancel my subscription",
        "my payment got declined at the shop",
        "still waiting for my order",
        "¿dónde está mi pedido?",
        "quiero cambiar mi contraseña",
        "Ich möchte mein Passwort ändern",
        "mon paiement a été refusé",
        "o aplicativo não funciona",
        "როგორ შევცვალო პაროლი",
        "нужна помощь с оплатой",
    ],
)
def test_questions_and_requests_for_help(message: str) -> None:
    assert looks_like_question(message)


@pytest.mark.parametrize(
    "message",
    ["lol that stream was wild", "good morning everyone!", "ok", "👍👍", "спасибо, всё работает",
     "question?", "/help", "see you tomorrow", "", "that is great news", "I know what you mean",
     "that's how it goes", "the stream was great, what a game", "я знаю, где это",
     "que bueno verte", "was a great stream", "muchas gracias amigos", "schönen Abend noch",
     "c'est génial", "obrigado a todos", "gracias por todo"],
)  # fmt: skip
def test_chat_is_not_a_question(message: str) -> None:
    assert not looks_like_question(message)


def test_stems_fold_inflections_in_both_languages() -> None:
    assert content_stems("Banned users") == content_stems("banning user")
    assert content_stems("пароля") == content_stems("пароль")
    assert content_stems("the password") == content_stems("password")  # function words dropped
    assert content_stems("ПАРОЛЁМ") == content_stems("паролем")


def test_markdown_subset_becomes_rich_text() -> None:
    body = (
        "# Title\n**Bold** and *it* and `code`\n- see [docs](https://x.org/a?b=1)\nhttps://y.org"
    )
    rendered = markdown.render(body, lambda url: url + "#t")
    spans = rendered.spans
    assert isinstance(spans[0], Bold)
    assert any(isinstance(s, Italic) for s in spans)
    assert Code("code") in spans
    assert Link("docs", "https://x.org/a?b=1#t") in spans
    assert Link("https://y.org", "https://y.org#t") in spans
    assert "• see docs" in rendered.plain()


def test_comments_are_dropped() -> None:
    assert markdown.render("<!-- note for editors -->\nHello").plain() == "Hello"


def test_utm_parameters_are_added_and_existing_ones_kept() -> None:
    params = {"utm_source": "community", "utm_medium": "faq"}
    assert (
        markdown.with_utm("https://x.org/p?a=1", params)
        == "https://x.org/p?a=1&utm_source=community&utm_medium=faq"
    )
    kept = markdown.with_utm("https://x.org/?utm_source=mail", params)
    assert kept == "https://x.org/?utm_source=mail&utm_medium=faq"
    assert markdown.with_utm("tg://resolve?domain=x", params) == "tg://resolve?domain=x"


@pytest.mark.parametrize(
    "text",
    [
        "როგორ შევცვალო პაროლი",  # how do I change my password
        "პაროლი დამავიწყდა",  # I forgot my password
        "აპლიკაცია არ მუშაობს",  # the app doesn't work
        "გამარჯობა, სად ვნახო წესები",  # hi, where can I see the rules
        "ბიჭებო რატომ დამბლოკეს",  # guys, why was I blocked
        "ვერ შევდივარ ანგარიშში",  # I can't get into my account
        "rogor shevcvalo paroli",  # the same in Latin letters
        "შეიძლება აქ რეკლამის დადება",  # may I post an ad here
    ],
)
def test_georgian_questions_and_requests(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize(
    "text",
    ["გამარჯობა ყველას", "კარგი დღეა დღეს", "მადლობა დიდი", "ხვალ შევხვდებით", "ძალიან მაგარია"],
)
def test_georgian_chat_is_no_question(text: str) -> None:
    assert not looks_like_question(text)
