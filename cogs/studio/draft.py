"""A post as a file: TOML front matter between ``+++`` lines, then the Markdown body.

Front matter keys (all optional): ``template``, ``title``, ``heavy`` (a guide or long read),
``sponsored``, ``owner`` (who answers questions under it), ``answer_within`` ("2h"),
``next_step`` (what the reader is invited to do, when the body does not show it),
``images = [{ file = "...", alt = "..." }]``, ``video = { subtitles = true, timecodes = true }``,
``channels = ["news"]``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any


def toml_line(exc: tomllib.TOMLDecodeError) -> int:
    """The front matter's line of a TOML error (Python 3.11 only says it in the message)."""
    found = re.search(r"at line (\d+)", str(exc))
    return int(found[1]) if found else 1


class DraftError(ValueError):
    """A post file that cannot be read: ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"{line}: {message}")
        self.line = line


@dataclass(frozen=True, slots=True)
class Image:
    file: str
    alt: str


@dataclass(frozen=True, slots=True)
class Post:
    """What the checklist reads: the body and what the author said about it."""

    body: str
    body_line: int = 1
    """The file line the body starts on (for problems that name a line)."""
    title: str = ""
    template: str = ""
    heavy: bool = False
    sponsored: bool = False
    owner: str = ""
    answer_within: str = ""
    next_step: str = ""
    images: tuple[Image, ...] = ()
    video: dict[str, bool] | None = None
    channels: tuple[str, ...] = field(default_factory=tuple)


_KNOWN = {"template", "title", "heavy", "sponsored", "owner", "answer_within", "next_step",
          "images", "video", "channels"}  # fmt: skip


def parse_post(source: str) -> Post:
    """A post file (or a bare body without front matter)."""
    lines = source.splitlines()
    if not lines or lines[0].strip() != "+++":
        return Post(body=source.strip())
    try:
        closing = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "+++")
    except StopIteration:
        raise DraftError(1, "the front matter is not closed: add a '+++' line") from None
    try:
        meta: dict[str, Any] = tomllib.loads("\n".join(lines[1:closing]))
    except tomllib.TOMLDecodeError as exc:
        raise DraftError(1 + toml_line(exc), f"front matter: {exc}") from None
    unknown = sorted(set(meta) - _KNOWN)
    if unknown:
        raise DraftError(
            2, f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KNOWN))}"
        )
    images = []
    for item in meta.get("images", []):
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            raise DraftError(2, 'images: each is { file = "...", alt = "..." }')
        images.append(Image(item["file"], str(item.get("alt", "")).strip()))
    video = meta.get("video")
    if video is not None and not isinstance(video, dict):
        raise DraftError(2, "video: { subtitles = true, timecodes = true }")
    channels = meta.get("channels", [])
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise DraftError(2, "channels: a list of channel names")
    return Post(
        body="\n".join(lines[closing + 1 :]).strip(), body_line=closing + 2,
        title=str(meta.get("title", "")), template=str(meta.get("template", "")),
        heavy=bool(meta.get("heavy", False)), sponsored=bool(meta.get("sponsored", False)),
        owner=str(meta.get("owner", "")), answer_within=str(meta.get("answer_within", "")),
        next_step=str(meta.get("next_step", "")), images=tuple(images),
        video={k: bool(v) for k, v in video.items()} if video else None,
        channels=tuple(channels),
    )  # fmt: skip
