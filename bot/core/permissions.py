"""Neutral permission levels; adapters map platform roles and admin rights onto them."""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    """What a member may do. Higher levels include the lower ones."""

    MEMBER = 0
    HELPER = 1
    MODERATOR = 2
    ADMIN = 3

    @classmethod
    def parse(cls, name: str) -> Level:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            choices = ", ".join(level.name.lower() for level in cls)
            raise ValueError(f"unknown level {name!r} (expected one of: {choices})") from None
