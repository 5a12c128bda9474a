"""Who may act on whom: nobody on the bot, on the owner, or on a member of equal or higher rank."""

from __future__ import annotations

from bot.core.port import Standing


def rank_refusal(actor: Standing, target: Standing) -> str | None:
    """The catalog key saying why ``actor`` may not act on ``target``, or None."""
    if target.is_self:
        return "refused.rank_bot"
    if target.is_owner:
        return "refused.rank_owner"
    if actor.is_owner:
        return None
    if target.level >= actor.level:
        return "refused.rank_level"
    if actor.rank is not None and target.rank is not None and target.rank >= actor.rank:
        return "refused.rank_role"
    return None
