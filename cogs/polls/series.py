"""Quiz series from files (like Red's trivia lists): ``quizzes/<name>.toml``."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.config import describe_validation_error

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


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


class SeriesError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_series(folder: Path) -> dict[str, QuizSeries]:
    """Every ``*.toml`` in the folder, by file name; raises ``SeriesError`` listing problems."""
    series: dict[str, QuizSeries] = {}
    problems: list[str] = []
    if not folder.is_dir():
        return series
    for path in sorted(folder.glob("*.toml")):
        if not _NAME.match(path.stem):
            problems.append(f"{path}: quiz names use lower-case letters, digits, '-' and '_'")
            continue
        try:
            raw = path.read_text(encoding="utf-8")
            data = tomllib.loads(raw)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            problems.append(f"{path}: {exc}")
            continue
        try:
            series[path.stem] = QuizSeries.model_validate(data)
        except ValidationError as exc:
            problems.extend(describe_validation_error(exc, path, raw))
    if problems:
        raise SeriesError(problems)
    return series


def validate_series(folder: Path) -> list[str]:
    try:
        load_series(folder)
    except SeriesError as exc:
        return exc.problems
    return []
