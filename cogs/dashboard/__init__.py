"""The moderators' dashboard: responses and SLA, ideas, the moderators' log (with revoke) and
the audit of changes, as web pages served by the bot process itself (``docs/dashboard.md``).

``/dashboard`` sends a helper or moderator a one-time login link privately (10 minutes,
single use, bound to them and this community); the page's level is the member's level then.
Changes go through the features' own code (a revoke is ``/pardon``'s), and each is audited.
"""

from __future__ import annotations

from bot.core.commands import CommandSpec
from bot.core.context import Context
from bot.core.errors import UserFacingError
from bot.core.feature import Feature, command
from bot.core.ids import MemberRef
from bot.core.messages import OutgoingMessage
from bot.core.permissions import Level
from bot.core.richtext import text
from bot.i18n import Translator, translator
from cogs.dashboard.settings import DashboardSettings
from cogs.dashboard.store import LINK_LIFETIME, DashboardStore
from cogs.dashboard.web import DashboardWeb
from cogs.desk.api import DeskFiguresSource
from cogs.digest.api import WeeklyStats
from cogs.ideas.api import IdeasBoard
from cogs.moderation.api import CaseActions
from cogs.roles.api import LevelsOverTime
from cogs.studio.api import ContentCalendar

DASHBOARD = CommandSpec("dashboard", "dashboard.cmd", (), Level.HELPER)


class Dashboard(Feature[DashboardSettings]):
    """Web pages for helpers and moderators, reached with a link the bot sends privately."""

    name = "dashboard"
    optional = ("desk", "digest", "faq", "ideas", "moderation", "roles", "studio")

    async def start(self) -> None:
        self.store = DashboardStore(self.db)
        self.web = DashboardWeb(self)
        await self.web.start()

    async def stop(self) -> None:
        await self.web.stop()

    async def forget_member(self, member: MemberRef) -> int:
        return await self.store.forget(member.platform.value, member.id)

    def default_translator(self) -> Translator:
        return translator(self.config.community.locale)

    def desk(self) -> DeskFiguresSource | None:
        return self.peer("desk", DeskFiguresSource)

    def board(self) -> IdeasBoard | None:
        return self.peer("ideas", IdeasBoard)

    def calendar(self) -> ContentCalendar | None:
        return self.peer("studio", ContentCalendar)

    def levels(self) -> LevelsOverTime | None:
        return self.peer("roles", LevelsOverTime)

    def stats(self) -> WeeklyStats | None:
        return self.peer("digest", WeeklyStats)

    def moderation(self) -> CaseActions | None:
        return self.peer("moderation", CaseActions)

    @command(DASHBOARD)
    async def dashboard(self, ctx: Context) -> None:
        actor = ctx.event.actor
        assert actor is not None
        if not self.web.serving:
            raise UserFacingError("dashboard.off")
        community = ctx.event.community
        token = await self.store.issue_link(
            community, actor.ref.id, actor.display_name, actor.level, ctx.clock.now()
        )
        url = f"{self.web.base_url()}/login/{token}"
        lifetime = ctx.t.duration(LINK_LIFETIME)
        sent = await ctx.port.send_direct(
            community, actor.ref,
            OutgoingMessage(text(ctx.t("dashboard.link", url=url, lifetime=lifetime))),
        )  # fmt: skip
        if sent is None:
            raise UserFacingError("dashboard.no_dm")
        await ctx.reply(ctx.t("dashboard.link_sent"), ephemeral=True)
