"""Validation of the content community managers edit (``rules/``, ``faq/``).

Features add validators with :func:`content_validator`; ``community-bot check`` runs them all
and lists every problem as ``file:line: problem``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


class ContentError(Exception):
    """Content a feature needs is invalid; ``problems`` are ``file:line: problem`` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


Validator = Callable[[Path], list[str]]
"""Takes a content folder, returns problems as ``file:line: message`` strings."""

_VALIDATORS: dict[str, list[Validator]] = {"rules": [], "faq": [], "quizzes": []}


def content_validator(folder: str) -> Callable[[Validator], Validator]:
    """Register a validator for ``rules`` or ``faq``."""

    def register(func: Validator) -> Validator:
        _VALIDATORS[folder].append(func)
        return func

    return register


def check_text_files(folder: Path) -> list[str]:
    """Every file is readable UTF-8 text (what every other validator relies on)."""
    problems = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            line = path.read_bytes()[: exc.start].count(b"\n") + 1
            problems.append(f"{path}:{line}: not UTF-8 text ({exc.reason})")
        except OSError as exc:
            problems.append(f"{path}: cannot read: {exc.strerror}")
    return problems


def check_content(rules: Path, faq: Path, quizzes: Path | None = None) -> list[str]:
    """Run every validator on the content folders (quizzes are optional)."""
    problems: list[str] = []
    folders = [("rules", rules), ("faq", faq)]
    if quizzes is not None and quizzes.is_dir():
        folders.append(("quizzes", quizzes))
    for name, folder in folders:
        if not folder.is_dir():
            problems.append(f"{folder}: the {name} folder does not exist")
            continue
        problems.extend(check_text_files(folder))
        for validator in _VALIDATORS[name]:
            problems.extend(validator(folder))
    return problems
