"""Rich text to Discord markdown: escaping, mentions, and the 2,000-character split."""

from __future__ import annotations

from bot.adapters.discord.commands import command_payload, fingerprint, localizations
from bot.adapters.discord.render import MAX_LENGTH, escape, render_markdown
from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.ids import MemberRef, Platform
from bot.core.permissions import Level
from bot.core.richtext import Code, Link, Mention, bold, italic, text
from bot.i18n import translator


def test_markdown_is_escaped_and_mass_mentions_defused() -> None:
    assert escape("**not bold** _x_ `c` @everyone") == (
        "\\*\\*not bold\\*\\* \\_x\\_ \\`c\\` @\u200beveryone"
    )
    rendered = render_markdown(
        text(
            bold("Hi"),
            " ",
            italic("there"),
            " ",
            Code("a`b"),
            " ",
            Link("docs", "https://x.org/a_b"),
            " ",
            Mention(MemberRef(Platform.DISCORD, "42"), "Al"),
        )
    )
    assert rendered == ["**Hi** *there* `aˋb` [docs](<https://x.org/a_b>) <@42>"]


def test_long_text_is_split_at_2000_characters() -> None:
    paragraph = ("word " * 30 + "\n") * 40
    chunks = render_markdown(text(paragraph))
    assert len(chunks) > 1 and all(len(c) <= MAX_LENGTH for c in chunks)
    assert "".join(chunks).replace("\\", "") == paragraph
    assert render_markdown(text("")) == [""]


def test_command_payload_types_and_permissions() -> None:
    specs = [
        CommandSpec(
            "mute",
            "moderation.cmd.mute",
            (
                Param("member", ParamKind.MEMBER, "moderation.param.member"),
                Param("duration", ParamKind.DURATION, "moderation.param.duration"),
            ),
            Level.MODERATOR,
        ),
        CommandSpec(
            "ama",
            "ama.cmd.ama",
            (
                Param(
                    "action",
                    ParamKind.CHOICE,
                    "ama.param.action",
                    required=False,
                    choices=("open", "close"),
                ),
            ),
        ),
    ]
    payload = command_payload(specs, translator("en"), {"ru": translator("ru")})
    ama, mute = payload
    assert mute["default_member_permissions"] == str(1 << 13)
    assert [o["type"] for o in mute["options"]] == [6, 3]
    assert ama["default_member_permissions"] is None
    assert ama["options"][0]["choices"] == [
        {"name": "open", "value": "open"},
        {"name": "close", "value": "close"},
    ]
    assert "ru" in mute["description_localizations"]
    assert fingerprint(payload) == fingerprint(
        command_payload(specs, translator("en"), {"ru": translator("ru")})
    )
    assert fingerprint(payload) != fingerprint(payload[:1])


def test_a_georgian_community_describes_commands_in_georgian() -> None:
    """Discord has no Georgian locale: the default text is the community's language, and
    English and Russian clients get theirs."""
    optional = Param("command", ParamKind.WORD, "help.param.command", required=False)
    spec = CommandSpec("help", "help.description", (optional,))
    others = localizations("ka")
    assert set(others) == {"en-US", "en-GB", "ru"}
    [command] = command_payload([spec], translator("ka"), others)
    assert command["description"] == translator("ka")("help.description")
    assert command["description_localizations"]["en-US"] == translator("en")("help.description")
    assert command["options"][0]["description_localizations"]["ru"].startswith("команда")
    assert set(localizations("en")) == {"ru"}  # English is the default text there
