"""The 60-day rollout (doctrine §12) as a checklist: which parts a community has configured and
what is missing, with where to read about it. ``/setup`` in chat, ``community-bot setup``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import Config
from bot.core.ids import CommunityRef

DOCS = "docs/"


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    """``studio.setup.<key>``: what the step is."""
    weeks: str
    done: bool
    doc: str


def _section(config: Config, name: str) -> Any:
    return getattr(config, name, None) if name in config.features.enabled else None


def _has_files(folder: Path, pattern: str) -> bool:
    return folder.is_dir() and any(folder.glob(pattern))


def rollout(config: Config, community: CommunityRef) -> list[Step]:
    """The steps in their order, each done or not for ``community``."""
    desk, ideas = _section(config, "desk"), _section(config, "ideas")
    digest, studio = _section(config, "digest"), _section(config, "studio")
    moderation = "moderation" in config.features.enabled

    def keyed(value: Any, attribute: str) -> bool:
        return value is not None and community in getattr(value, attribute, {})

    columns = studio is not None and any(c.community == community for c in studio.columns)
    return [
        Step("rules", "1-2", moderation and _has_files(config.rules_dir, "*.toml"),
             "rules/README.md"),
        Step("faq", "1-2", _has_files(config.faq_dir, "*.md"), DOCS + "faq.md"),
        Step("quick_replies", "1-2", desk is not None and bool(desk.snippets), DOCS + "desk.md"),
        Step("columns", "3-4", columns, DOCS + "studio.md"),
        Step("sla", "3-4", keyed(desk, "staff_channels"), DOCS + "desk.md"),
        Step("ideas", "3-4", keyed(ideas, "board_channels"), DOCS + "ideas.md"),
        Step("digest", "5-8", keyed(digest, "channels"), DOCS + "metrics.md"),
        Step("help_routes", "5-8", studio is not None and bool(studio.help_routes),
             DOCS + "studio.md"),
        Step("loop", "5-8", keyed(ideas, "loop_channels") or keyed(ideas, "board_channels"),
             DOCS + "ideas.md"),
    ]  # fmt: skip
