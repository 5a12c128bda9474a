"""Identifiers as value objects: every id carries its platform, so ids never leak shape."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Platform(StrEnum):
    """A chat platform the bot can run on."""

    CONSOLE = "console"
    DISCORD = "discord"
    TELEGRAM = "telegram"


@dataclass(frozen=True, slots=True)
class CommunityRef:
    """A community: a Discord server (guild) or a Telegram group."""

    platform: Platform
    id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.id}"

    @classmethod
    def parse(cls, key: str) -> CommunityRef:
        """``"telegram:-1001234567890"`` -> a CommunityRef; ``ValueError`` when malformed."""
        platform, _, native = key.partition(":")
        try:
            return cls(Platform(platform), native) if native else cls._bad(key)
        except ValueError:
            return cls._bad(key)

    @staticmethod
    def _bad(key: str) -> CommunityRef:
        platforms = ", ".join(p.value for p in Platform)
        raise ValueError(
            f"{key!r} must be 'platform:id' (platform one of {platforms}),"
            " e.g. 'telegram:-1001234567890'"
        )


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel, or a thread/forum topic inside one (``thread`` set). ``direct`` marks a
    member's private chat with the bot (its community is then the chat, not a group)."""

    community: CommunityRef
    id: str
    thread: str | None = None
    direct: bool = False

    @property
    def platform(self) -> Platform:
        return self.community.platform


@dataclass(frozen=True, slots=True)
class MemberRef:
    """A person on a platform. User ids are global per platform on Discord and Telegram."""

    platform: Platform
    id: str


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message in a channel."""

    channel: ChannelRef
    id: str

    @property
    def platform(self) -> Platform:
        return self.channel.platform
