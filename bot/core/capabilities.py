"""What a platform can do natively, so a feature can choose a designed fallback."""

from __future__ import annotations

from enum import Flag, auto


class Capability(Flag):
    """Capability flags declared by each platform port."""

    NONE = 0
    NATIVE_SLOW_MODE = auto()
    """The platform enforces a per-channel posting interval itself."""
    NATIVE_POLLS = auto()
    """The platform has polls that members vote in natively."""
    NATIVE_QUIZZES = auto()
    """Native polls can have a correct answer (quiz mode)."""
    TIMEOUTS = auto()
    """Members can be muted until a time (Discord timeout, Telegram restriction)."""
    BUTTONS = auto()
    """Messages can carry buttons that report presses back."""
    REACTIONS = auto()
    """Reactions on messages are reported."""
    EDIT_MESSAGES = auto()
    """The bot can edit its own messages."""
    DIRECT_MESSAGES = auto()
    """The bot can write to a member privately."""
    THREADS = auto()
    """Channels have threads or forum topics."""
    ROLES = auto()
    """Members can be given platform roles."""
    PRIVATE_ROOMS = auto()
    """The bot can open a private room for one member's conversation with staff (Discord: a
    private thread the member is added to; Telegram: a topic in the staff forum group, the
    member talking through a private chat with the bot)."""
