"""``community-bot run`` on the console: chat with the bot in the terminal."""

from __future__ import annotations

import asyncio
import shlex
import sys
from collections.abc import Callable

from bot.adapters.console.platform import ConsolePlatform
from bot.app import BotApp
from bot.core.unicode import valid_text
from bot.i18n import Translator


class ConsoleSession:
    """Reads lines, speaks as the current member in the current channel."""

    def __init__(
        self, app: BotApp, platform: ConsolePlatform, t: Translator, write: Callable[[str], None]
    ) -> None:
        self.app = app
        self.platform = platform
        self.t = t
        self.write = write
        self.me = app.config.console.me
        self.channel = platform.channels[0]

    def prompt(self) -> str:
        return f"{self.me} #{self.channel}> "

    async def handle(self, line: str) -> bool:
        """Handle one typed line; returns False when the session should end."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith(":"):
            await self.platform.post(self.me, self.channel, line)
            return True
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        match command:
            case ":quit" | ":q" | ":exit":
                return False
            case ":help":
                self.write(self.t("console.help", channels=self._channels()))
            case ":as" if rest:
                self.me = rest.removeprefix("@").split()[0]
                self.write(self.t("console.now_as", member=self.me))
            case ":in" if rest:
                channel = rest.removeprefix("#").split()[0]
                if channel not in self.platform.channels:
                    self.write(
                        self.t(
                            "console.unknown_channel", channel=channel, channels=self._channels()
                        )
                    )
                else:
                    self.channel = channel
                    self.write(self.t("console.now_in", channel=channel))
            case ":join" if rest:
                await self.platform.join(rest.removeprefix("@").split()[0])
            case ":leave":
                await self.platform.leave(rest.removeprefix("@") or self.me)
            case ":reply" if " " in rest:
                who, _, message = rest.partition(" ")
                await self.platform.post(
                    self.me, self.channel, message.strip(), reply_to_member=who.removeprefix("@")
                )
            case ":react" if rest:
                parts = shlex.split(rest)
                target = parts[1].removeprefix("@") if len(parts) > 1 else None
                await self.platform.react(self.me, parts[0], target)
            case ":press" if rest:
                await self.platform.press(self.me, rest.strip("[]"))
            case _:
                self.write(self.t("console.unknown_command", command=command))
        return True

    def _channels(self) -> str:
        return ", ".join(f"#{c}" for c in self.platform.channels)


def write(line: str) -> None:
    print(line, flush=True)


def connect_console(app: BotApp) -> ConsolePlatform:
    """The console platform, connected: call before ``app.start()`` so that work overdue from
    before a restart (a poll closing, a digest) finds the platform it posts to."""
    return app.console_platform(sink=write)


async def run_console(app: BotApp, platform: ConsolePlatform | None = None) -> None:
    """The interactive loop; ends on :quit, end of input or Ctrl-C."""
    console = app.config.console
    platform = platform or connect_console(app)
    t, _ = app.locale_for(platform.community)
    session = ConsoleSession(app, platform, t, write)
    write(
        t(
            "console.welcome",
            community=app.config.community.name,
            member=console.me,
            channel=session.channel,
        )
    )
    interactive = sys.stdin.isatty()
    while True:
        try:
            line = await asyncio.to_thread(_read, session.prompt() if interactive else "")
        except (EOFError, KeyboardInterrupt):
            break
        if not await session.handle(line):
            break


def _read(prompt: str) -> str:
    if prompt:
        return valid_text(input(prompt))
    line = valid_text(sys.stdin.readline())
    if not line:
        raise EOFError
    return line
