from __future__ import annotations

from bot.adapters.telegram.render import MAX_LENGTH, render_html
from bot.core.ids import MemberRef, Platform
from bot.core.richtext import Code, Link, Mention, bold, italic, text


def test_escaping_and_markup() -> None:
    rich = text(
        "1 < 2 & 3 > 2 ",
        bold("b", italic("<i>")),
        " ",
        Code("x<y"),
        " ",
        Link("docs & more", 'https://x.test/?a=1&b="2"'),
        " ",
        Mention(MemberRef(Platform.TELEGRAM, "42"), "Ann <3"),
    )
    [html] = render_html(rich)
    assert html == (
        "1 &lt; 2 &amp; 3 &gt; 2 <b>b<i>&lt;i&gt;</i></b> <code>x&lt;y</code> "
        '<a href="https://x.test/?a=1&amp;b=&quot;2&quot;">docs &amp; more</a> '
        '<a href="tg://user?id=42">Ann &lt;3</a>'
    )


def test_long_text_is_split_at_the_limit_on_word_boundaries() -> None:
    words = " ".join(f"word{n}" for n in range(2000))  # 16,889 characters
    chunks = render_html(text(words, bold(" end")))
    assert len(chunks) == 5
    assert all(len(chunk) <= MAX_LENGTH for chunk in chunks[:-1])
    assert "".join(chunks).replace("<b>", "").replace("</b>", "") == words + " end"
    assert all(not c.startswith("ord") for c in chunks)  # never cut inside a word
    assert render_html(text()) == [""]


def test_lengths_are_counted_as_telegram_counts_them() -> None:
    from bot.adapters.telegram.render import MAX_LENGTH, units

    assert units("😀") == 2 and units("ქ") == 1 and units("a") == 1
    emoji_heavy = text("😀 " * 1500)  # 3,000 characters (under the limit), 4,500 units (over)
    chunks = render_html(emoji_heavy)
    assert len(chunks) == 2
    assert all(units(chunk) <= MAX_LENGTH for chunk in chunks)
    assert "".join(chunks) == "😀 " * 1500
