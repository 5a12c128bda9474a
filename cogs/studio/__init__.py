"""Content studio: post templates as content files, the pre-publication checklist (next step,
ad label, accessibility, UTM, who answers, sensitive topics, length, markup), drafts approved by
a second person and published at their time exactly once with feedback buttons, the calendar
with rhythm warnings, and help routes for sensitive topics."""

from __future__ import annotations

import argparse

from bot.config import Config
from bot.content import ContentError
from bot.core.ids import MemberRef
from bot.core.reread import Reread
from cogs.studio import cli
from cogs.studio.guided import StudioGuided
from cogs.studio.templates import check_templates


class Studio(StudioGuided):
    """Posts that invite a next step, checked before they go out."""

    name = "studio"
    optional = ("faq",)  # the FAQ's Markdown subset renders posts

    async def start(self) -> None:
        problems = self.load()
        if problems:
            raise ContentError(problems)
        self.prompt_copy = Reread(
            self.load_prompts, self.clock, several=self.services.several_processes
        )
        await self.prompt_copy.now()

    async def forget_member(self, member: MemberRef) -> int:
        return await self.store.forget(member)

    @classmethod
    def content_problems(cls, config: Config) -> list[str]:
        settings = cls.settings_from(config)
        return check_templates(config.resolve(settings.templates))

    @classmethod
    def add_cli(cls, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        cli.add(commands)
