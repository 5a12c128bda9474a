"""Errors with a meaning for the core."""

from __future__ import annotations

from typing import Any


class UserFacingError(Exception):
    """An error whose message is shown to the member, through the translation layer.

    ``key`` is a catalog key and ``params`` its placeholders.
    """

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotSupported(Exception):
    """The platform cannot carry out an action; features check capabilities first."""


class ActionRefused(UserFacingError):
    """The platform would refuse the action (the bot lacks a permission or is ranked too low).

    Raised by a port *before* calling the platform, with a catalog key saying what is missing:
    the moderator who asked is told in their language, the log gets a warning, not a traceback.
    """
