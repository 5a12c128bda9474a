"""The moderation content in ``rules/``: loaded, validated, compiled.

* ``community-rules.md`` - the numbered rules members see;
* ``stopwords/<list>.txt`` - one entry a line, ``#`` comments; ``<list>.allow.txt`` beside it;
* ``moderation.toml`` - what each list does, frequency limits, the warnings ladder, raid mode,
  the moderators' log channels and per-channel overrides.

Every problem is reported as ``file:line: problem``; nothing half-loaded is ever used.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from bot.config import describe_validation_error
from bot.core.durations import parse_duration
from bot.core.permissions import Level
from cogs.moderation.georgian import declined, form_spellings, has_georgian, other_spellings
from cogs.moderation.matcher import Entry, EntryError, Kind, Matcher, parse_entry
from cogs.moderation.rules_text import load_community_rules, load_translations

RULES_FILE = "community-rules.md"
POLICY_FILE = "moderation.toml"
STOPWORDS = "stopwords"
ALLOW_SUFFIX = ".allow.txt"

_LIST_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class RulesError(Exception):
    """The rules folder cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError("a duration is text such as '10m', '1h30m' or '7d'")
    return parse_duration(value)


Duration = Annotated[timedelta, BeforeValidator(_duration)]
Sanction = Literal["delete", "warn", "mute", "escalate"]


def _level(value: object) -> Level:
    if isinstance(value, Level):
        return value
    if not isinstance(value, str):
        raise ValueError("a level is one of: member, helper, moderator, admin")
    return Level.parse(value)


LevelName = Annotated[Level, BeforeValidator(_level)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListPolicy(_Model):
    action: Sanction = "delete"
    rule: int | None = None
    points: Annotated[int, Field(ge=0, le=100)] = 1
    duration: Duration = timedelta(minutes=10)
    channels: list[str] = Field(default_factory=list)
    exempt_channels: list[str] = Field(default_factory=list)
    nicknames: bool = True

    def applies_in(self, channel: str) -> bool:
        if channel in self.exempt_channels:
            return False
        return not self.channels or channel in self.channels


class FrequencyPolicy(_Model):
    messages: Annotated[int, Field(ge=2, le=1000)] = 6
    per_seconds: Annotated[float, Field(gt=0, le=3600)] = 10
    duplicates: Annotated[int, Field(ge=2, le=1000)] = 3
    duplicate_seconds: Annotated[float, Field(gt=0, le=86400)] = 60
    mentions: Annotated[int, Field(ge=1, le=1000)] = 5
    links: Annotated[int, Field(ge=1, le=1000)] = 3
    action: Sanction = "mute"
    duration: Duration = timedelta(minutes=10)
    points: Annotated[int, Field(ge=0, le=100)] = 1
    rule: int | None = None


class LadderStep(_Model):
    points: Annotated[int, Field(ge=1, le=1000)]
    action: Literal["mute", "kick", "ban"]
    duration: Duration | None = None

    @model_validator(mode="after")
    def _mute_needs_duration(self) -> LadderStep:
        if self.action == "mute" and self.duration is None:
            raise ValueError("a mute step needs a duration, e.g. duration = '1h'")
        return self


class WarningsPolicy(_Model):
    expire_after: Duration = timedelta(days=30)
    ladder: list[LadderStep] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ascending(self) -> WarningsPolicy:
        points = [step.points for step in self.ladder]
        if points != sorted(set(points)):
            raise ValueError("ladder steps must have increasing, distinct points")
        return self


class RaidPolicy(_Model):
    joins: Annotated[int, Field(ge=2, le=10_000)] = 10
    per_seconds: Annotated[float, Field(gt=0, le=3600)] = 60
    quiet_minutes: Annotated[float, Field(gt=0, le=1440)] = 10


class ModlogPolicy(_Model):
    channels: dict[str, str] = Field(default_factory=dict)
    """Community (``platform:id``) -> channel id of the moderators' log."""


class ChannelOverride(_Model):
    channels: list[str] = Field(min_length=1)
    lists: list[str] | None = None
    """Lists that apply in these channels (default: every list that applies anyway)."""
    frequency: bool = True
    messages: Annotated[int, Field(ge=2, le=1000)] | None = None
    per_seconds: Annotated[float, Field(gt=0, le=3600)] | None = None
    links: Annotated[int, Field(ge=1, le=1000)] | None = None
    mentions: Annotated[int, Field(ge=1, le=1000)] | None = None


class Policy(_Model):
    exempt_level: LevelName = Level.HELPER
    lists: dict[str, ListPolicy] = Field(default_factory=dict)
    frequency: FrequencyPolicy = Field(default_factory=FrequencyPolicy)
    warnings: WarningsPolicy = Field(default_factory=WarningsPolicy)
    raid: RaidPolicy = Field(default_factory=RaidPolicy)
    modlog: ModlogPolicy = Field(default_factory=ModlogPolicy)
    overrides: list[ChannelOverride] = Field(default_factory=list)

    def override_for(self, channel: str) -> ChannelOverride | None:
        for override in self.overrides:
            if channel in override.channels:
                return override
        return None


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Everything moderation needs from ``rules/``."""

    rules: dict[int, str]
    policy: Policy
    matcher: Matcher
    folder: Path
    translations: dict[str, dict[int, str]] = field(default_factory=dict)
    """The same rules in other languages (``community-rules.ru.md`` ...), by locale."""

    def rule_text(self, number: int | None, locale: str | None = None) -> str | None:
        """Rule ``number`` in ``locale`` when the folder has that language, else the default."""
        if number is None:
            return None
        translated = self.translations.get(locale or "", {})
        return translated.get(number) or self.rules.get(number)

    def in_language(self, locale: str | None) -> dict[int, str]:
        """Every rule, in ``locale`` when the folder has that language."""
        return self.translations.get(locale or "") or self.rules


def load_rules(folder: Path, *, strict: bool = True) -> RuleSet:
    """Load and validate the rules folder; raises ``RulesError`` listing every problem.

    ``strict=False`` (for ``rules test``) accepts a folder with only stop-word lists, or a
    folder of ``.txt`` lists, or one list file: missing policy means every list deletes.
    """
    problems: list[str] = []
    if not strict:
        return _load_lenient(folder, problems)
    rules = load_community_rules(folder / RULES_FILE, problems)
    translations = load_translations(folder, RULES_FILE, rules, problems)
    policy, policy_text = _load_policy(folder / POLICY_FILE, problems)
    entries, allow, list_names = _load_lists(folder / STOPWORDS, problems)
    if policy is not None:
        _cross_check(folder / POLICY_FILE, policy_text, policy, rules, list_names, problems)
    if problems or policy is None:
        raise RulesError(problems)
    return RuleSet(rules, policy, Matcher(entries, allow), folder, translations)


def _load_lenient(path: Path, problems: list[str]) -> RuleSet:
    if path.is_file():
        lists_folder, files = path.parent, [path]
    else:
        lists_folder = path / STOPWORDS if (path / STOPWORDS).is_dir() else path
        files = None
    entries, allow, names = _load_lists(lists_folder, problems, files)
    rules: dict[int, str] = {}
    if (path / RULES_FILE).is_file():
        rules = load_community_rules(path / RULES_FILE, problems)
    policy: Policy | None = Policy()
    if (path / POLICY_FILE).is_file():
        policy, _ = _load_policy(path / POLICY_FILE, problems)
    if problems or policy is None:
        raise RulesError(problems)
    missing = {name: ListPolicy() for name in names if name not in policy.lists}
    if missing:
        policy = policy.model_copy(update={"lists": {**policy.lists, **missing}})
    return RuleSet(rules, policy, Matcher(entries, allow), path)


def validate_rules(folder: Path) -> list[str]:
    """For ``community-bot check``."""
    try:
        load_rules(folder)
    except RulesError as exc:
        return exc.problems
    return []


def _load_policy(path: Path, problems: list[str]) -> tuple[Policy | None, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"{path}: missing (what each stop-word list does, limits, ladder)")
        return None, ""
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: cannot read: {exc}")
        return None, ""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path}: not valid TOML: {exc}")
        return None, text
    try:
        return Policy.model_validate(data), text
    except ValidationError as exc:
        problems.extend(describe_validation_error(exc, path, text))
        return None, text


def _load_lists(
    folder: Path, problems: list[str], files: list[Path] | None = None
) -> tuple[list[Entry], list[Entry], set[str]]:
    entries: list[Entry] = []
    spellings: list[Entry] = []
    allow: list[Entry] = []
    names: set[str] = set()
    if files is None and not folder.is_dir():
        problems.append(f"{folder}: missing (one stop-word list per .txt file)")
        return entries, allow, names
    for path in files if files is not None else sorted(folder.glob("*.txt")):
        is_allow = path.name.endswith(ALLOW_SUFFIX)
        name = path.name.removesuffix(ALLOW_SUFFIX if is_allow else ".txt")
        if not _LIST_NAME.match(name):
            problems.append(f"{path}: list names use lower-case letters, digits, '-' and '_'")
            continue
        if is_allow and not (folder / f"{name}.txt").exists():
            problems.append(f"{path}: allow list without a list {name}.txt beside it")
            continue
        if not is_allow:
            names.add(name)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot read: {exc}")
            continue
        target = allow if is_allow else entries
        for number, line in enumerate(lines, start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            try:
                entry, *others = with_spellings(parse_entry(name, stripped, str(path), number))
            except EntryError as exc:
                problems.append(f"{path}:{number}: {exc}")
                continue
            target.append(entry)
            (allow if is_allow else spellings).extend(others)
    return without_covered(entries, spellings), allow, names


def with_spellings(entry: Entry) -> list[Entry]:
    """A Georgian entry, then the same entry for each way to write it in Latin or Russian
    letters (the log names the Georgian entry and the spelling that fired)."""
    if entry.kind is Kind.REGEX or not has_georgian(entry.plain):
        return [entry]
    return list(_spelled(entry))


@lru_cache(maxsize=1024)
def _spelled(entry: Entry) -> tuple[Entry, ...]:
    """Cached: a short stem has thousands of spellings, and every reload (and every bot a
    test starts) reads the same lines again."""
    stars = ("*" if entry.text.startswith("*") else "", "*" if entry.text.endswith("*") else "")
    out = [entry]
    for spelling, stem in other_spellings(entry.plain, stem=any(stars)):
        text = f"{stars[0]}{spelling}{stars[1]}" if stem else spelling
        try:
            variant = parse_entry(entry.list, text, entry.file, entry.line)
        except EntryError:
            continue
        out.append(replace(variant, text=f"{entry.text} ({spelling})"))
    if entry.kind is Kind.WHOLE and (forms := declined(entry.plain)):
        for form in forms + form_spellings(forms):
            with contextlib.suppress(EntryError):
                variant = parse_entry(entry.list, form, entry.file, entry.line)
                out.append(replace(variant, text=f"{entry.text} ({form})"))
    return tuple(out)


def without_covered(entries: list[Entry], spellings: list[Entry]) -> list[Entry]:
    """The entries, then the spellings of Georgian entries that no written entry of the same
    list already catches (the English ``idiot*`` catches ``idioti``), so a hit names the
    entry as written."""
    written = {(e.list, e.kind, e.key) for e in entries}
    stems = {(e.list, e.key) for e in entries if e.kind is Kind.PREFIX}

    def covered(e: Entry) -> bool:
        return (e.list, e.kind, e.key) in written or any(
            (e.list, e.key[:n]) in stems for n in range(1, len(e.key) + 1)
        )

    return entries + [e for e in spellings if not covered(e)]


def _cross_check(
    path: Path,
    text: str,
    policy: Policy,
    rules: dict[int, str],
    list_names: set[str],
    problems: list[str],
) -> None:
    def line_of(needle: str) -> str:
        for number, line in enumerate(text.splitlines(), start=1):
            if needle in line:
                return f"{path}:{number}"
        return str(path)

    for name, list_policy in policy.lists.items():
        if name not in list_names:
            problems.append(
                f"{line_of(f'[lists.{name}]')}: no stop-word list {STOPWORDS}/{name}.txt"
            )
        if list_policy.rule is not None and rules and list_policy.rule not in rules:
            problems.append(
                f"{line_of(f'[lists.{name}]')}: lists.{name}.rule = "
                f"{list_policy.rule}, but {RULES_FILE} has no rule {list_policy.rule}"
            )
    for name in sorted(list_names - set(policy.lists)):
        problems.append(
            f"{path}: no [lists.{name}] for {STOPWORDS}/{name}.txt "
            "(say what the list does: delete, warn, mute or escalate)"
        )
    rule = policy.frequency.rule
    if rule is not None and rules and rule not in rules:
        problems.append(
            f"{line_of('[frequency]')}: frequency.rule = {rule}, "
            f"but {RULES_FILE} has no rule {rule}"
        )
    for override in policy.overrides:
        for name in override.lists or ():
            if name not in list_names:
                problems.append(
                    f"{line_of('[[overrides]]')}: overrides name an unknown list {name!r}"
                )
