"""``/forget``: a moderator erases what the bot keeps about a member, on request.

Runs the same erasure as ``community-bot member forget PLATFORM:ID``: the event log, the
member directory and every enabled feature's ``forget_member``. The moderators' log keeps its
cases about the member (number, action, rule, reason, member id) without their name or words;
see the README's "Erasing a member's data".
"""

from __future__ import annotations

from bot.core.commands import CommandSpec, Param, ParamKind
from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.feature import Feature, NoSettings, command
from bot.core.ids import MemberRef
from bot.core.permissions import Level

FORGET = CommandSpec(
    "forget",
    "privacy.cmd_forget",
    (Param("member", ParamKind.MEMBER, "privacy.param_member"),),
    Level.MODERATOR,
)


class Privacy(Feature[NoSettings]):
    """Erasure of a member's data on request."""

    name = "privacy"

    @command(FORGET)
    async def forget(self, ctx: Context) -> None:
        member: MemberRef = ctx.args["member"]
        erase = self.services.forget_member
        if erase is None:
            raise UserFacingError("command.failed")
        erased = await erase(member)
        await ctx.reply(
            ctx.t("privacy.forgotten", member=member.id, rows=sum(erased.values())),
            ephemeral=True,
        )
