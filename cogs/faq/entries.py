"""FAQ entries as content: one Markdown file per entry with a TOML front matter between ``+++``.

``load_folder`` reads every ``*.md`` file under ``faq/`` (not ``README.md``, not ``drafts/``) and
returns the entries and the problems as ``file:line: problem``. :class:`FaqLibrary` keeps the
last good version of a file that later breaks, so a typo never takes an answer out of service.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content import toml_problem
from cogs.faq import markdown

ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
MAX_ANSWER = 1800
"""Characters of an answer: leaves room for the bot's own lines under Discord's 2,000 limit."""
KEYS = {"id", "questions", "lang", "tags", "links"}
SKIPPED_DIRS = {"drafts"}


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """One language version of an FAQ entry."""

    id: str
    questions: tuple[str, ...]
    answer: str
    """The Markdown body (comments removed)."""
    lang: str | None = None
    tags: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    path: Path = field(default=Path("."), compare=False)

    @property
    def title(self) -> str:
        return self.questions[0]


class FaqFileError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def entry_files(folder: Path) -> list[Path]:
    """The entry files of an FAQ folder, in a stable order."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*.md"):
        relative = path.relative_to(folder)
        if relative.parts[0] in SKIPPED_DIRS or any(p.startswith(".") for p in relative.parts):
            continue
        if len(relative.parts) == 1 and path.name.lower() == "readme.md":
            continue
        if path.is_file():
            found.append(path)
    return sorted(found)


def parse_entry(path: Path, source: str | None = None) -> FaqEntry:
    """Parse one entry file; raises :class:`FaqFileError` with ``file:line: problem`` lines."""
    try:
        raw = path.read_text(encoding="utf-8") if source is None else source
    except (OSError, UnicodeDecodeError) as exc:
        raise FaqFileError([f"{path}:1: cannot read the file: {exc}"]) from exc
    lines = raw.splitlines()
    if not lines or lines[0].strip() != "+++":
        raise FaqFileError(
            [f"{path}:1: the file must start with a '+++' line (TOML front matter)"]
        )
    try:
        closing = next(n for n in range(1, len(lines)) if lines[n].strip() == "+++")
    except StopIteration:
        raise FaqFileError(
            [f"{path}:1: the front matter is not closed: add a '+++' line before the answer"]
        ) from None
    try:
        meta = tomllib.loads("\n".join(lines[1:closing]))
    except tomllib.TOMLDecodeError as exc:
        at, reason = toml_problem(exc)
        # "at end of document" has no line: point at the last line of the front matter.
        line = at + 1 if at is not None else max(2, closing)
        raise FaqFileError([f"{path}:{line}: front matter is not valid TOML: {reason}"]) from exc
    body_start = closing + 2
    body = "\n".join(lines[closing + 1 :])
    problems = [f"{path}:{line}: {problem}" for line, problem in _meta_problems(meta, lines)]
    answer = markdown.strip_comments(body)
    if not answer:
        problems.append(f"{path}:{body_start}: the answer is empty: write it after the '+++' line")
    elif len(answer) > MAX_ANSWER:
        problems.append(
            f"{path}:{body_start}: the answer has {len(answer)} characters; keep it under"
            f" {MAX_ANSWER} and link to the details"
        )
    problems += [f"{path}:{line}: {p}" for line, p in markdown.problems(body, body_start)]
    if problems:
        raise FaqFileError(problems)
    return FaqEntry(
        id=meta["id"],
        questions=tuple(q.strip() for q in meta["questions"]),
        answer=answer,
        lang=meta.get("lang"),
        tags=tuple(meta.get("tags", ())),
        links=tuple(meta.get("links", ())),
        path=path,
    )


def _line_of(lines: list[str], key: str) -> int:
    for number, line in enumerate(lines, start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return 2


def _meta_problems(meta: dict[str, Any], lines: list[str]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for key in sorted(set(meta) - KEYS):
        found.append(
            (_line_of(lines, key), f"unknown key {key!r} (allowed: {', '.join(sorted(KEYS))})")
        )
    entry_id = meta.get("id")
    if entry_id is None:
        found.append((2, "'id' is missing (lower-case letters, digits, '-' or '_')"))
    elif not isinstance(entry_id, str) or not ID.match(entry_id):
        found.append(
            (
                _line_of(lines, "id"),
                f"id {entry_id!r}: use lower-case letters, digits, '-' or '_' (max 40)",
            )
        )
    questions = meta.get("questions")
    if questions is None:
        found.append((2, "'questions' is missing: list the ways members ask this"))
    elif (
        not isinstance(questions, list)
        or not questions
        or not all(isinstance(q, str) and q.strip() for q in questions)
    ):
        found.append(
            (_line_of(lines, "questions"), "'questions' must be a non-empty list of texts")
        )
    elif any(len(q) > 300 for q in questions):
        found.append((_line_of(lines, "questions"), "a question is longer than 300 characters"))
    lang = meta.get("lang")
    if lang is not None and (not isinstance(lang, str) or not LANG.match(lang)):
        found.append(
            (_line_of(lines, "lang"), f"lang {lang!r}: use a language code such as 'en' or 'ru'")
        )
    for key in ("tags", "links"):
        value = meta.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            found.append((_line_of(lines, key), f"'{key}' must be a list of texts"))
    links = meta.get("links", [])
    if isinstance(links, list):
        for link in links:
            if isinstance(link, str) and not link.startswith(("http://", "https://", "tg://")):
                found.append((_line_of(lines, "links"), f"link {link!r} is not an http(s) URL"))
    return found


@dataclass(slots=True)
class LoadResult:
    entries: list[FaqEntry]
    problems: list[str]
    changed: bool = True


class FaqLibrary:
    """The FAQ in service: reloads changed files and keeps the last good version of broken ones."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._good: dict[Path, FaqEntry] = {}
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self.problems: list[str] = []
        self.version = 0

    @property
    def entries(self) -> list[FaqEntry]:
        return list(self._good.values())

    def _current_signature(self) -> tuple[tuple[str, int, int], ...]:
        signature = []
        for path in entry_files(self.folder):
            try:
                stat = path.stat()
            except OSError:
                continue
            signature.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(signature)

    def reload(self, *, force: bool = False) -> LoadResult:
        """Re-read the folder if a file changed (or ``force``); returns the problems found."""
        signature = self._current_signature()
        if not force and signature == self._signature:
            return LoadResult(self.entries, self.problems, changed=False)
        self._signature = signature
        good: dict[Path, FaqEntry] = {}
        problems: list[str] = []
        for path in entry_files(self.folder):
            try:
                good[path] = parse_entry(path)
            except FaqFileError as exc:
                problems.extend(exc.problems)
                if path in self._good:
                    good[path] = self._good[path]  # the last good version stays in service
        problems.extend(_duplicates(good))
        for path in _duplicate_paths(good):
            del good[path]  # the first file (in path order) keeps the id
        changed = good != self._good
        self._good = good
        self.problems = problems
        if changed:
            self.version += 1
        return LoadResult(self.entries, problems, changed)


def _keyed(good: dict[Path, FaqEntry]) -> dict[tuple[str, str | None], list[Path]]:
    by_key: dict[tuple[str, str | None], list[Path]] = {}
    for path, entry in good.items():
        by_key.setdefault((entry.id, entry.lang), []).append(path)
    return by_key


def _duplicates(good: dict[Path, FaqEntry]) -> list[str]:
    problems = []
    for (entry_id, lang), paths in _keyed(good).items():
        for path in paths[1:]:
            where = f" for lang {lang!r}" if lang else ""
            problems.append(f"{path}:2: id {entry_id!r}{where} is already used by {paths[0]}")
    return problems


def _duplicate_paths(good: dict[Path, FaqEntry]) -> list[Path]:
    return [path for paths in _keyed(good).values() for path in paths[1:]]


def check_folder(folder: Path) -> list[str]:
    """Every problem of the FAQ folder (what ``community-bot check`` prints)."""
    return FaqLibrary(folder).reload(force=True).problems
