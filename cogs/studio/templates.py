"""Post templates as content files: ``content/templates/NAME.md``, TOML front matter between
``+++`` lines (``title``, ``heavy``, ``next_step``, ``locale``, ``[[fields]]`` with ``name`` and
``prompt``), then the body with ``{field}`` places. ``check`` names file and line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content import language_problem, language_version, version_names
from cogs.studio.draft import toml_line

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}(?:\.[a-z]{2,3})?$")
"""A template's file name, with an optional language: ``myth_vs_fact.ka.md``."""
_PLACE = re.compile(r"\{([a-z][a-z0-9_]{0,31})\}")
_FIELD = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    title: str
    body: str
    fields: tuple[tuple[str, str], ...]
    """(name, prompt) in the order they are asked."""
    heavy: bool = False
    next_step: str = ""
    locale: str = ""

    def missing(self, values: dict[str, str]) -> list[str]:
        return [name for name, _ in self.fields if not values.get(name, "").strip()]

    def fill(self, values: dict[str, str]) -> str:
        """The body with every field filled (unknown places stay as written)."""
        return _PLACE.sub(lambda m: values.get(m[1], m[0]), self.body)


def load_templates(folder: Path) -> tuple[dict[str, Template], list[str]]:
    """Every template of the folder, and the problems of the ones that could not be read."""
    found: dict[str, Template] = {}
    problems: list[str] = []
    if not folder.is_dir():
        return {}, []  # no templates yet: posts are written with /post edit
    for path in sorted(folder.glob("*.md")):
        if problem := language_problem(path, path.stem):
            problems.append(problem)
            continue
        try:
            found[path.stem] = _read(path)
        except _Problem as exc:
            problems.append(f"{path}:{exc.line}: {exc}")
    return found, problems


def version(templates: dict[str, Template], name: str, locale: str) -> Template | None:
    """The template a community fills for ``name`` (its language's, if any)."""
    return templates.get(language_version(templates, name, locale))


def template_names(templates: dict[str, Template]) -> list[str]:
    return version_names(templates)


def check_templates(folder: Path) -> list[str]:
    return load_templates(folder)[1]


class _Problem(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _read(path: Path) -> Template:
    if not _NAME.match(path.stem):
        raise _Problem(1, "name the file with lower case letters, digits, - and _ (it is its id)")
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _Problem(1, "not UTF-8 text") from None
    lines = source.splitlines()
    if not lines or lines[0].strip() != "+++":
        raise _Problem(1, "the file must start with a '+++' line (TOML front matter)")
    closing = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "+++"), None)
    if closing is None:
        raise _Problem(1, "the front matter is not closed: add a '+++' line before the body")
    try:
        meta: dict[str, Any] = tomllib.loads("\n".join(lines[1:closing]))
    except tomllib.TOMLDecodeError as exc:
        raise _Problem(1 + toml_line(exc), f"front matter: {exc}") from None
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _Problem(2, 'title = "..." is missing')
    fields = []
    for number, item in enumerate(meta.get("fields", []), start=1):
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not _FIELD.match(name):
            raise _Problem(2, f'field {number}: name = "lower_case" is missing or malformed')
        prompt = item.get("prompt", "")
        if not isinstance(prompt, str) or not prompt.strip():
            raise _Problem(2, f'field {name!r}: prompt = "..." (what to ask the author)')
        fields.append((name, prompt))
    body = "\n".join(lines[closing + 1 :]).strip()
    if not body:
        raise _Problem(closing + 2, "the template has no body")
    declared = {name for name, _ in fields}
    for offset, line in enumerate(lines[closing + 1 :], start=closing + 2):
        for place in _PLACE.findall(line):
            if place not in declared:
                raise _Problem(offset, f"{{{place}}} is not a declared field ([[fields]])")
    used = set(_PLACE.findall(body))
    for name in declared - used:
        raise _Problem(2, f"field {name!r} is declared but the body never uses {{{name}}}")
    return Template(
        name=path.stem, title=title.strip(), body=body, fields=tuple(fields),
        heavy=bool(meta.get("heavy", False)), next_step=str(meta.get("next_step", "")),
        locale=str(meta.get("locale", "")),
    )  # fmt: skip
