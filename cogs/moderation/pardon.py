"""Pardoning a case: the chat command ``/pardon`` and the dashboard both come here."""

from __future__ import annotations

from bot.core.errors import UserFacingError
from bot.core.events import Actor
from bot.core.ids import CommunityRef
from bot.core.port import PlatformPort
from bot.i18n import Translator
from cogs.moderation.service import ModerationService
from cogs.moderation.store import Case


async def pardon(
    mod: ModerationService,
    port: PlatformPort,
    t: Translator,
    community: CommunityRef,
    number: int,
    moderator: Actor,
    reason: str,
) -> Case:
    """Revoke case ``number`` (its points stop counting; metrics and the hero ignore it)
    and log the pardon as a case of its own, which is returned. The chat command and the
    dashboard both come here."""
    found = await mod.store.get_case(community, number)
    if found is None:
        raise UserFacingError("moderation.no_case", number=number)
    if not await mod.store.revoke_case(community, number, mod.clock.now()):
        raise UserFacingError("moderation.already_pardoned", number=number)
    case = await mod.store.add_case(
        community, mod.clock.now(), action="pardon", member=found.member,
        member_name=found.member_name, moderator=moderator.ref.id,
        moderator_name=moderator.display_name,
        reason=t("moderation.pardon_reason", case=number, reason=reason),
    )  # fmt: skip
    await mod.post_case(port, t, community, case)
    return case
