"""Validation of the content community managers edit (``rules/``, ``faq/``, ``quizzes/``).

Features declare their validators in ``content`` (folder name -> validator);
``community-bot check`` runs those of the enabled features and lists every problem as
``file:line: problem``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale, UnknownLocaleError

if TYPE_CHECKING:
    from bot.core.feature import Feature


class ContentError(Exception):
    """Content a feature needs is invalid; ``problems`` are ``file:line: problem`` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


Validator = Callable[[Path], list[str]]
"""Takes a content folder, returns problems as ``file:line: message`` strings."""


def read_texts(folder: Path) -> tuple[dict[Path, str], dict[Path, str]]:
    """Every file of the folder read once: (text by file, problem by unreadable file). Every
    other check relies on the files being UTF-8 text."""
    texts: dict[Path, str] = {}
    unreadable: dict[Path, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            texts[path] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            line = path.read_bytes()[: exc.start].count(b"\n") + 1
            unreadable[path] = f"{path}:{line}: not UTF-8 text ({exc.reason})"
        except OSError as exc:
            unreadable[path] = f"{path}: cannot read: {exc.strerror}"
    return texts, unreadable


PLATFORM_COMMANDS = frozenset({"start"})
"""Commands a platform sends on its own (Telegram's /start), known without a feature."""
_COMMAND_MENTION = re.compile(r"(?<![\w/.:@#-])/([a-z][a-z0-9_]{1,31})\b")


def command_names(features: Sequence[type[Feature[Any]]]) -> set[str]:
    """The slash commands the enabled features answer."""
    names = {
        str(declaration.target.name)
        for feature in features
        for declaration in feature.declarations
        if declaration.kind == "command"
    }
    return names | PLATFORM_COMMANDS


def check_command_mentions(texts: dict[Path, str], known: set[str]) -> list[str]:
    """Content must not send members to a command that is not enabled (``/ticket`` before
    the service desk exists): every ``/name`` outside a link is checked."""
    problems = []
    for path, text in texts.items():
        for number, line in enumerate(text.splitlines(), start=1):
            for name in _COMMAND_MENTION.findall(line):
                if name not in known:
                    problems.append(
                        f"{path}:{number}: /{name} is not a command of this bot with the enabled"
                        f" features (known: {', '.join('/' + n for n in sorted(known))})"
                    )
    return problems


def check_content(
    features: Sequence[type[Feature[Any]]], rules: Path, faq: Path, quizzes: Path | None = None
) -> list[str]:
    """Run the features' validators on the content folders (quizzes only when given: the
    caller passes them when the config names the folder or it exists)."""
    problems: list[str] = []
    folders = [("rules", rules), ("faq", faq)]
    if quizzes is not None:
        folders.append(("quizzes", quizzes))
    for name, folder in folders:
        if not folder.is_dir():
            problems.append(f"{folder}: the {name} folder does not exist")
            continue
        texts, unreadable = read_texts(folder)
        problems.extend(unreadable.values())
        problems.extend(check_command_mentions(texts, command_names(features)))
        # One message per problem: a validator that tried to read an unreadable file too
        # does not report it again.
        reported = {str(path) for path in unreadable}
        for feature in features:
            validator = feature.content.get(name)
            if validator is not None:
                problems.extend(p for p in validator(folder) if _file_of(p, reported) is None)
    return problems


def advise_content(
    features: Sequence[type[Feature[Any]]], folders: Sequence[tuple[str, Path]]
) -> list[str]:
    """The features' advice on content folders that exist (warnings, not problems)."""
    advice: list[str] = []
    for name, folder in folders:
        if folder.is_dir():
            for feature in features:
                adviser = feature.content_advice.get(name)
                if adviser is not None:
                    advice.extend(adviser(folder))
    return advice


def _file_of(problem: str, files: set[str]) -> str | None:
    """The file among ``files`` a ``file:line: message`` problem is about, if any."""
    return next((f for f in files if problem.startswith(f + ":")), None)


_TOML_AT = re.compile(r"\s*\(at line (\d+), column \d+\)")


def toml_problem(exc: Exception) -> tuple[int | None, str]:
    """The line of a ``tomllib`` error (``None`` when at the end of the document) and its
    reason without the "(at line, column)" tail, for ``file:line: problem`` messages."""
    found = _TOML_AT.search(str(exc))
    return (int(found.group(1)) if found else None), _TOML_AT.sub("", str(exc))


def language_version(available: Container[str], name: str, locale: str) -> str:
    """The content file a community uses for ``name``: its language's version
    (``georgia.ka``) when there is one, else ``name`` itself."""
    own = f"{name}.{locale}"
    return own if own in available else name


def version_names(available: Iterable[str]) -> list[str]:
    """Content names as people type them, language versions folded in."""
    return sorted({name.partition(".")[0] for name in available})


def language_problem(path: Path, stem: str) -> str | None:
    """``file:1: ...`` when ``NAME.LANG`` names no language (``georgia.kaa.toml``)."""
    _, dot, code = stem.partition(".")
    if not dot:
        return None
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return f"{path}:1: '{code}' is not a language code (a version is NAME.ka, NAME.ru ...)"
    return None
