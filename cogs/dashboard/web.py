"""The dashboard's HTTP side: aiohttp in the bot's own event loop, Jinja2 pages (autoescaped).

Security, for every request: a strict Content-Security-Policy (nothing but this origin's
stylesheet; no script at all), no framing, no referrer to other sites (a login link never
leaks; same-origin keeps the Origin header a browser sends with a form), no caching.
A session is an opaque random id in an ``HttpOnly; SameSite=Strict`` cookie (``Secure`` behind
HTTPS). Every change (POST) needs the session's CSRF token and an Origin (or Referer) of this
dashboard. A login link is spent by a POST from its own page, so a link preview that fetches
it does not use it up.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.clitools import database_now
from bot.core.errors import UserFacingError
from bot.core.events import Actor
from bot.core.ids import CommunityRef, MemberRef
from bot.core.permissions import Level
from bot.i18n import Translator
from cogs.dashboard import pages
from cogs.dashboard.labels import column_label, value_label
from cogs.dashboard.store import Session
from cogs.dashboard.svg import bar_chart
from cogs.desk.api import desk_figures
from cogs.faq.api import faq_misses

if TYPE_CHECKING:
    from cogs.dashboard import Dashboard

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
COOKIE = "cb_session"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
PAGES = {
    "responses": Level.HELPER, "health": Level.HELPER, "content": Level.HELPER,
    "ideas": Level.HELPER, "digest": Level.HELPER, "moderation": Level.MODERATOR,
    "audit": Level.MODERATOR,
}  # fmt: skip
ACTIONS = ("warn", "mute", "kick", "ban", "delete", "alert", "report", "pardon", "unmute", "unban",
           "resetwarns")  # fmt: skip
"""The moderators' log's filter."""
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


SECURITY = {
    "Content-Security-Policy": CSP, "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
}  # fmt: skip


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITY)
        raise
    response.headers.update(SECURITY)
    return response


def see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


class DashboardWeb:
    """The pages of one bot process; state lives in the database (any process can serve)."""

    def __init__(self, feature: Dashboard) -> None:
        self.feature = feature
        self.settings = feature.settings
        self.secure = self.settings.base_url().startswith("https://")
        self.origin = _origin(self.settings.base_url())
        self.jinja = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
        )
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.serving = False

    def app(self) -> web.Application:
        app = web.Application(middlewares=[headers], client_max_size=64 * 1024)
        app.router.add_get("/", self.home)
        app.router.add_get("/login/{token}", self.login_page)
        app.router.add_post("/login", self.login)
        app.router.add_post("/logout", self.logout)
        app.router.add_get("/static/dashboard.css", self.stylesheet)
        for name in PAGES:
            app.router.add_get(f"/{name}", self.page)
        app.router.add_post("/moderation/{number}/revoke", self.revoke)
        return app

    async def start(self) -> None:
        host, _, port = self.settings.listen.rpartition(":")
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host.strip("[]"), int(port))
        try:
            await site.start()
        except OSError as exc:  # the port is taken: the bot runs on, without its pages
            listen = self.settings.listen
            log.error("dashboard: cannot listen on %s: %s; the pages are off", listen, exc)
            await self.stop()
            return
        self.serving = True
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or ()
        self.port = int(sockets[0].getsockname()[1]) if sockets else int(port)
        if not self.settings.public_url:  # the port the system gave (listen on port 0)
            self.origin = f"http://{host}:{self.port}"
        if host.strip("[]") not in ("127.0.0.1", "::1", "localhost") and not self.secure:
            log.warning(
                "dashboard: listening on %s without an https:// public_url: put a reverse"
                " proxy with HTTPS in front (docs/dashboard.md)", host,
            )  # fmt: skip
        log.info("dashboard: %s (listening on %s:%s)", self.base_url(), host, self.port)

    def base_url(self) -> str:
        """Where moderators open the pages (login links start with it)."""
        return self.settings.public_url or self.origin

    async def stop(self) -> None:
        self.serving = False
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- login ----------------------------------------------------------------------------

    def translator(self, session: Session | None) -> Translator:
        if session is None:
            return self.feature.default_translator()
        return self.feature.locale_for(session.community)[0]

    async def login_page(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        return self.render("login.html", None, token=token[:100])

    async def login(self, request: web.Request) -> web.Response:
        self.same_origin(request)
        form = await request.post()
        token = str(form.get("token", ""))
        now = self.feature.clock.now()
        opened = await self.feature.store.use_link(token, now, self.settings.session_hours)
        if opened is None:
            t = self.translator(None)
            return self.render("message.html", None, status=403,
                               message=t("dashboard.link_spent"))  # fmt: skip
        session_id, session = opened
        response = see_other("/responses")
        response.set_cookie(
            COOKIE, session_id, httponly=True, samesite="Strict", secure=self.secure, path="/",
            max_age=int(timedelta(hours=self.settings.session_hours).total_seconds()),
        )  # fmt: skip
        await self.feature.store.record(session, "login", "", "", now)
        return response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        session = await self.change_allowed(request)
        await self.feature.store.end(session)
        response = see_other("/")
        response.del_cookie(COOKIE, path="/")
        return response

    # -- checks ---------------------------------------------------------------------------

    async def session_of(self, request: web.Request) -> Session | None:
        cookie = request.cookies.get(COOKIE, "")
        if not cookie or len(cookie) > 100:
            return None
        return await self.feature.store.session(
            cookie, self.feature.clock.now(), self.settings.session_hours
        )

    async def require(self, request: web.Request, level: Level) -> Session:
        session = await self.session_of(request)
        t = self.translator(session)
        if session is None:
            raise self.refusal(401, t("dashboard.log_in_first"), None)
        if session.level < level:
            raise self.refusal(403, t("dashboard.not_for_you"), session)
        return session

    def same_origin(self, request: web.Request) -> None:
        """Changes only from this dashboard's own pages (Origin, else Referer)."""
        origin = request.headers.get("Origin") or _origin(request.headers.get("Referer", ""))
        if origin != self.origin:
            log.warning("dashboard: a change from origin %r refused", origin)
            raise self.refusal(403, self.translator(None)("dashboard.bad_origin"), None)

    async def change_allowed(self, request: web.Request, level: Level = Level.HELPER) -> Session:
        self.same_origin(request)
        session = await self.require(request, level)
        form = await request.post()
        if not hmac.compare_digest(str(form.get("csrf", "")).encode(), session.csrf.encode()):
            raise self.refusal(403, self.translator(session)("dashboard.bad_csrf"), session)
        return session

    def refusal(self, status: int, message: str, session: Session | None) -> web.HTTPException:
        body = self.body("message.html", session, message=message, title=message)
        error = web.HTTPException(text=body, content_type="text/html")
        error.set_status(status)
        return error

    # -- pages ----------------------------------------------------------------------------

    async def home(self, request: web.Request) -> web.StreamResponse:
        session = await self.session_of(request)
        if session is None:
            t = self.translator(None)
            return self.render("message.html", None, status=401,
                               message=t("dashboard.log_in_first"))  # fmt: skip
        return see_other("/responses")

    async def page(self, request: web.Request) -> web.StreamResponse:
        name = request.path.strip("/")
        session = await self.require(request, PAGES[name])
        t = self.translator(session)
        weeks = _weeks(request.query.get("weeks"))
        action = request.query.get("action", "")[:20] or None
        built = await self.build(name, session, weeks, action)
        if request.query.get("format") == "csv":
            return web.Response(
                text=pages.as_csv(built.tables), content_type="text/csv", charset="utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}-{weeks}w.csv"'},
            )  # fmt: skip
        charts = []
        if built.chart is not None:
            column, labels, values = built.chart
            title = t("dashboard.chart_of", column=column_label(t, column))
            charts.append(bar_chart(title, labels, values))
        return self.render(
            "page.html", session, title=t(f"dashboard.page.{name}"), page=name, weeks=weeks,
            tables=built.tables, charts=charts, text=built.text, action=action or "",
            revoke=name == "moderation", message=self.done(t, request), actions=ACTIONS,
        )  # fmt: skip

    @staticmethod
    def done(t: Translator, request: web.Request) -> str:
        """The note after a change (numbers only in the address: no text is reflected)."""
        revoked, logged = request.query.get("revoked", ""), request.query.get("logged", "")
        if revoked.isdigit() and logged.isdigit():
            return t("dashboard.revoked", case=int(revoked), logged=int(logged))
        return ""

    async def build(
        self, name: str, session: Session, weeks: int, action: str | None
    ) -> pages.Page:
        """A page's content: ``now`` is where a simulation that wrote the database stopped,
        as for ``stats export`` (else the bot's clock)."""
        feature = self.feature
        community = session.community
        now = await database_now(feature.db, feature.clock.now())
        stats = feature.stats()
        if name in pages.COLUMNS or name == "digest":
            if stats is None:
                return pages.Page([pages.Table("off", ["feature"], [["digest"]])])
            if name == "digest":
                return pages.Page(text=await stats.next_digest(community, now))
            rows = await stats.weekly_rows(community, weeks, now)
            built = pages.weekly(name, rows)
            if name == "responses" and feature.desk() is not None:
                # Read as stats export reads it: at the database's "now".
                found = await desk_figures(
                    feature.db, feature.config, community, now - timedelta(weeks=weeks), now, now
                )
                built.tables.append(pages.helpers_table([
                    (h.name, h.answered, h.frt_median.total_seconds() / 60)
                    for h in found.helpers
                ]))  # fmt: skip
            if name == "content":
                await self.content_extras(built, community, weeks, now)
            levels = feature.levels()
            if name == "health" and levels is not None:
                ends = [datetime.fromisoformat(row["end"]) for row in rows if row.get("end")]
                counts = await levels.levels_by(community, ends)
                built.tables.append(pages.levels_table(ends, counts))
            board = feature.board()
            if name == "ideas" and board is not None:
                built.tables.extend(pages.board_tables(await board.board_of(community)))
            return built
        if name == "moderation":
            start = now - timedelta(weeks=weeks)
            return await pages.moderation(feature.db, community, start, now, action)
        table = pages.Table("audit", ["at", "who", "action", "target", "detail"])
        for line in await feature.store.audit_lines(community):
            table.rows.append([f"{line['at']:%Y-%m-%d %H:%M}", str(line["member_name"]),
                               str(line["action"]), str(line["target"] or ""),
                               str(line["detail"])])  # fmt: skip
        return pages.Page([table])

    async def content_extras(
        self, built: pages.Page, community: CommunityRef, weeks: int, now: datetime
    ) -> None:
        """The FAQ's misses of the period (when the FAQ is on) and the content calendar."""
        feature = self.feature
        if "faq" in feature.config.features.enabled:
            found = await faq_misses(feature.db, community, now - timedelta(weeks=weeks))
            built.tables.append(pages.misses_table(found))
        calendar = feature.calendar()
        if calendar is not None:
            built.text = await calendar.calendar_text(community, now)

    async def revoke(self, request: web.Request) -> web.StreamResponse:
        session = await self.change_allowed(request, Level.MODERATOR)
        t = self.translator(session)
        try:
            number = int(request.match_info["number"])
        except ValueError:
            raise self.refusal(404, t("dashboard.nothing"), session) from None
        form = await request.post()
        reason = " ".join(str(form.get("reason", "")).split())[:500] or t("moderation.no_reason")
        actions = self.feature.moderation()
        if actions is None:
            raise self.refusal(404, t("dashboard.nothing"), session)
        moderator = Actor(MemberRef(session.community.platform, session.member),
                          session.member_name, level=session.level)  # fmt: skip
        try:
            logged = await actions.pardon_case(session.community, number, moderator, reason)
        except UserFacingError as exc:
            raise self.refusal(409, t(exc.key, **exc.params), session) from None
        await self.feature.store.record(session, "pardon", str(number), reason,
                                        self.feature.clock.now())  # fmt: skip
        return see_other(f"/moderation?revoked={number}&logged={logged}")

    async def stylesheet(self, _request: web.Request) -> web.StreamResponse:
        return web.FileResponse(HERE / "static" / "dashboard.css")

    def render(
        self, template: str, session: Session | None, *, status: int = 200, **values: Any
    ) -> web.Response:
        body = self.body(template, session, **values)
        return web.Response(text=body, content_type="text/html", status=status)

    def body(self, template: str, session: Session | None, **values: Any) -> str:
        """A page in the reader's language, with the navigation their level allows."""
        t = self.translator(session)
        nav = [(name, t(f"dashboard.page.{name}")) for name, level in PAGES.items()
               if session is not None and session.level >= level]  # fmt: skip
        # The community's name; its platform and id ("telegram:-100...") tell communities of
        # one deployment apart, on hover.
        community = self.feature.config.community.name if session is not None else ""
        community_ref = str(session.community) if session is not None else ""
        return self.jinja.get_template(template).render(
            t=t,
            session=session,
            nav=nav,
            community=community,
            community_ref=community_ref,
            periods=pages.PERIODS,
            label=lambda column: column_label(t, column),
            value=lambda cell: value_label(t, cell),
            **{"title": values.pop("title", t("dashboard.name")), **values},
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _weeks(raw: str | None) -> int:
    try:
        weeks = int(raw or 1)
    except ValueError:
        return 1
    return weeks if weeks in pages.PERIODS else 1
