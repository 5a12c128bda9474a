"""Quiz series from files (like Red's trivia lists): ``quizzes/<name>.toml``."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.config import describe_validation_error
from bot.content import language_problem, language_version, toml_problem, version_names

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}(?:\.[a-z]{2,3})?$")
"""A series' file name, with an optional language: ``georgia.toml``, ``georgia.ka.toml``."""


class QuizQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    question: Annotated[str, Field(min_length=1, max_length=300)]
    options: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=100)]],
        Field(min_length=2, max_length=10),
    ]
    answer: str
    explanation: Annotated[str, Field(max_length=200)] | None = None

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> QuizQuestion:
        if self.answer not in self.options:
            raise ValueError(f"answer {self.answer!r} is not one of the options")
        if len({o.casefold() for o in self.options}) != len(self.options):
            raise ValueError("two options are the same")
        return self

    @property
    def correct(self) -> int:
        return self.options.index(self.answer)


class QuizSeries(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Annotated[str, Field(min_length=1, max_length=100)]
    seconds: Annotated[int, Field(ge=15, le=3600)] = 60
    questions: Annotated[list[QuizQuestion], Field(min_length=1, max_length=100)]


@dataclass(frozen=True, slots=True)
class SeriesFolder:
    """The series that load, and a ``file:line`` problem for each file that does not (a broken
    file is skipped; the others keep working)."""

    series: dict[str, QuizSeries]
    problems: dict[str, list[str]]
    """Problems by series name (the file's stem)."""
    exists: bool = True

    def all_problems(self) -> list[str]:
        return [problem for name in sorted(self.problems) for problem in self.problems[name]]

    def version(self, name: str, locale: str) -> str:
        """The file a community runs for ``/quizrun NAME`` (its language's, if any)."""
        return language_version(self.series.keys() | self.problems.keys(), name, locale)

    def names(self) -> list[str]:
        return version_names(self.series)


def load_series(folder: Path) -> SeriesFolder:
    """Every ``*.toml`` in the folder, by file name."""
    series: dict[str, QuizSeries] = {}
    problems: dict[str, list[str]] = {}
    if not folder.is_dir():
        return SeriesFolder(series, problems, exists=False)
    for path in sorted(folder.glob("*.toml")):
        if problem := language_problem(path, path.stem):
            problems[path.stem] = [problem]
            continue
        if not _NAME.match(path.stem):
            problems[path.stem] = [
                f"{path}:1: quiz names use lower-case letters, digits, '-' and '_', then an"
                " optional language (georgia.ka.toml)"
            ]
            continue
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems[path.stem] = [f"{path}:1: cannot read: {exc}"]
            continue
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            at, reason = toml_problem(exc)
            line = at if at is not None else max(1, raw.count("\n"))
            problems[path.stem] = [f"{path}:{line}: not valid TOML: {reason}"]
            continue
        try:
            series[path.stem] = QuizSeries.model_validate(data)
        except ValidationError as exc:
            problems[path.stem] = describe_validation_error(exc, path, raw)
    return SeriesFolder(series, problems)


def validate_series(folder: Path) -> list[str]:
    return load_series(folder).all_problems()
