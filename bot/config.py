"""Configuration: one TOML file, validated at start-up; secrets only from the environment.

Every problem is reported with the file, the line (where it can be found), the dotted key
and what is wrong; the caller exits with status 2 and nothing starts.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.core.ids import CommunityRef, Platform
from bot.i18n import available_locales

DEFAULT_CONFIG = Path("config.toml")
EXAMPLE_CONFIG = Path("config.example.toml")


class ConfigError(Exception):
    """The configuration cannot be used; ``problems`` lists every reason, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r}; use an IANA name such as 'Asia/Tbilisi' or 'UTC'"
        ) from None
    return value


def _check_locale(value: str) -> str:
    if value not in available_locales():
        raise ValueError(
            f"no translations for locale {value!r}; available: {', '.join(available_locales())}"
        )
    return value


class CommunityOverride(_Section):
    locale: str | None = None
    timezone: str | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        return None if value is None else _check_timezone(value)

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str | None) -> str | None:
        return None if value is None else _check_locale(value)


class CommunityConfig(_Section):
    name: Annotated[str, Field(min_length=1, max_length=100)] = "Our community"
    timezone: str = "UTC"
    locale: str = "en"
    overrides: dict[str, CommunityOverride] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        return _check_timezone(value)

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        return _check_locale(value)

    @field_validator("overrides")
    @classmethod
    def _override_keys(cls, value: dict[str, CommunityOverride]) -> dict[str, CommunityOverride]:
        for key in value:
            CommunityRef.parse(key)
        return value

    def locale_for(self, community: CommunityRef) -> str:
        override = self.overrides.get(str(community))
        return override.locale if override and override.locale else self.locale

    def timezone_for(self, community: CommunityRef) -> ZoneInfo:
        override = self.overrides.get(str(community))
        return ZoneInfo(override.timezone if override and override.timezone else self.timezone)


class StorageConfig(_Section):
    database: Annotated[str, Field(min_length=1)] = "data/community-bot.sqlite3"
    """A SQLite file path (relative to the config file) or a SQLAlchemy async URL."""


class ContentConfig(_Section):
    rules: Annotated[str, Field(min_length=1)] = "rules"
    """The rules folder (relative to the config file)."""
    faq: Annotated[str, Field(min_length=1)] = "faq"
    """The FAQ folder (relative to the config file)."""
    quizzes: Annotated[str, Field(min_length=1)] = "quizzes"
    """Quiz series, one TOML file each (relative to the config file)."""


class EventLogConfig(_Section):
    store_text: bool = False
    flush_interval_seconds: Annotated[float, Field(gt=0, le=60)] = 1.0
    batch_size: Annotated[int, Field(ge=1, le=10_000)] = 500


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class FeaturesConfig(_Section):
    enabled: list[str] = Field(default_factory=lambda: ["help"])

    @field_validator("enabled")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        from cogs import FEATURES

        unknown = [name for name in value if name not in FEATURES]
        if unknown:
            raise ValueError(
                f"unknown feature(s) {', '.join(map(repr, unknown))}; known: {', '.join(FEATURES)}"
            )
        if len(set(value)) != len(value):
            raise ValueError("a feature is listed twice")
        return value


_NAME = re.compile(r"^[\w.-]{1,32}$")


def _names(values: Iterable[str], what: str) -> None:
    for value in values:
        if not _NAME.match(value):
            raise ValueError(f"{what} {value!r}: use letters, digits, '.', '-' or '_' (max 32)")


class ConsoleConfig(_Section):
    enabled: bool = True
    community: Annotated[str, Field(min_length=1, max_length=64)] = "console"
    bot_name: Annotated[str, Field(min_length=1, max_length=32)] = "bot"
    me: str = "you"
    channels: list[str] = Field(default_factory=lambda: ["general"])
    admins: list[str] = Field(default_factory=list)
    moderators: list[str] = Field(default_factory=list)
    helpers: list[str] = Field(default_factory=list)

    @field_validator("channels")
    @classmethod
    def _channels(cls, value: list[str]) -> list[str]:
        cleaned = [c.removeprefix("#") for c in value]
        _names(cleaned, "channel")
        if "general" not in cleaned:
            cleaned.insert(0, "general")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("a channel is listed twice")
        return cleaned

    @field_validator("admins", "moderators", "helpers")
    @classmethod
    def _people(cls, value: list[str]) -> list[str]:
        cleaned = [name.removeprefix("@") for name in value]
        _names(cleaned, "member name")
        return cleaned

    @field_validator("me")
    @classmethod
    def _me(cls, value: str) -> str:
        _names([value], "member name")
        return value


def _level_name(value: str) -> str:
    from bot.core.permissions import Level

    Level.parse(value)
    return value.strip().lower()


class PollsConfig(_Section):
    min_level: str = "member"
    """Who may create polls: member, helper, moderator or admin."""
    max_per_hour: Annotated[int, Field(ge=0, le=1000)] = 3
    """Polls one member may create per hour (moderators are not limited)."""
    quizzes: list[ScheduledQuiz] = Field(default_factory=list)
    """Quiz series run on a weekly schedule."""

    @field_validator("min_level")
    @classmethod
    def _level(cls, value: str) -> str:
        return _level_name(value)


_TIME = r"^([01]?\d|2[0-3]):[0-5]\d$"


def _community_key(value: str) -> str:
    CommunityRef.parse(value)
    return value


def _community_keys(value: dict[str, Any]) -> dict[str, Any]:
    """Every key of a per-community table is a ``platform:id`` community."""
    for key in value:
        _community_key(key)
    return value


class WeeklyAma(_Section):
    """A recurring AMA ("Friday AMA"): collection opens every week at the given time."""

    community: str
    channel: str
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    opens_at: Annotated[str, Field(pattern=_TIME)]
    collect_hours: Annotated[float, Field(gt=0, le=24 * 14)] = 24
    topic: Annotated[str, Field(min_length=1, max_length=200)]
    host: str
    """The host's member id on that platform (a console name, a Telegram user id)."""
    host_name: str = ""

    @field_validator("community")
    @classmethod
    def _community(cls, value: str) -> str:
        return _community_key(value)


class ScheduledQuiz(_Section):
    """A quiz series run every week at the given time."""

    community: str
    channel: str
    series: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    at: Annotated[str, Field(pattern=_TIME)]

    @field_validator("community")
    @classmethod
    def _community(cls, value: str) -> str:
        return _community_key(value)


class AmaConfig(_Section):
    max_questions: Annotated[int, Field(ge=1, le=100)] = 3
    """Questions one member may ask per AMA."""
    duplicate_similarity: Annotated[float, Field(gt=0, le=1)] = 0.6
    """Word overlap (0-1) above which a new question is merged into an earlier one."""
    drafts: str = "faq/drafts"
    """Where answered questions become FAQ drafts (relative to the config file)."""
    weekly: list[WeeklyAma] = Field(default_factory=list)


class OnboardingConfig(_Section):
    rules_gate: bool = True
    """New members can read but not post until they press "I accept the rules"."""
    accept_within: str = "30m"
    """Members who have not accepted by then are removed (kicked, not banned)."""
    question: str = ""
    """Optional question asked on acceptance (stops bots); answered with buttons."""
    answers: list[str] = Field(default_factory=list)
    """Accepted answers to the question."""
    decoys: list[str] = Field(default_factory=list)
    """Wrong answers shown beside them."""
    welcome: dict[str, str] = Field(default_factory=dict)
    """Your own welcome per community ("platform:id") or per locale ("en"), with {name},
    {community} and {within} placeholders."""

    @field_validator("welcome")
    @classmethod
    def _welcome(cls, value: dict[str, str]) -> dict[str, str]:
        import string

        platforms = {p.value for p in Platform}
        for locale, template in value.items():
            if locale.partition(":")[0] not in platforms:
                _check_locale(locale)  # else a community key: "telegram:-100123"
            try:
                fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            except ValueError as exc:
                raise ValueError(f"welcome.{locale}: {exc}") from None
            unknown = fields - {"name", "community", "within"}
            if unknown:
                raise ValueError(
                    f"welcome.{locale}: unknown placeholder(s) {sorted(unknown)};"
                    " use {name}, {community}, {within}"
                )
        return value

    @field_validator("accept_within")
    @classmethod
    def _duration(cls, value: str) -> str:
        from bot.core.durations import parse_duration

        parse_duration(value)
        return value

    @model_validator(mode="after")
    def _question_needs_answers(self) -> OnboardingConfig:
        if self.question and (not self.answers or not self.decoys):
            raise ValueError("a question needs at least one answer and one decoy")
        if len(self.answers) + len(self.decoys) > 8:
            raise ValueError("at most 8 answers and decoys together (they become buttons)")
        return self


class Requirements(_Section):
    days_active: Annotated[int, Field(ge=0, le=1000)] = 0
    replies: Annotated[int, Field(ge=0, le=100_000)] = 0
    reactions_received: Annotated[int, Field(ge=0, le=100_000)] = 0
    """Reactions from distinct other members to the member's messages."""
    ama_questions: Annotated[int, Field(ge=0, le=10_000)] = 0
    quiz_correct: Annotated[int, Field(ge=0, le=10_000)] = 0
    role: Annotated[str, Field(max_length=100)] = ""
    """The platform role given with this level (where the platform has roles)."""


def _earned_name(value: str) -> str:
    if value not in ("newcomer", "activist", "expert"):
        raise ValueError("one of: newcomer, activist, expert")
    return value


class RolesConfig(_Section):
    window_days: Annotated[int, Field(ge=1, le=365)] = 60
    """Activity counted over this many past days."""
    run_at: Annotated[str, Field(pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")] = "04:00"
    """Daily time (community time zone) when levels are recomputed."""
    grace_days: Annotated[int, Field(ge=0, le=365)] = 14
    """No demotion this many days after a promotion."""
    activist: Requirements = Field(
        default_factory=lambda: Requirements(
            days_active=3, replies=3, reactions_received=3, role="Activist"
        )
    )
    expert: Requirements = Field(
        default_factory=lambda: Requirements(
            days_active=10, replies=20, reactions_received=10, ama_questions=1, role="Expert"
        )
    )
    links_from: str = "newcomer"
    """The earned level from which members may post links (helpers and up always may)."""
    polls_from: str = "newcomer"
    """The earned level from which members may start polls."""

    @field_validator("links_from", "polls_from")
    @classmethod
    def _earned(cls, value: str) -> str:
        return _earned_name(value)


class TelegramConfig(_Section):
    enabled: bool = False
    api_base_url: Annotated[str, Field(pattern=r"^https?://")] = "https://api.telegram.org/bot"
    """The Bot API server (PTB's base_url); the token is appended unless it contains {token}."""
    mode: Literal["polling", "webhook"] = "polling"
    poll_timeout: Annotated[int, Field(ge=0, le=50)] = 30
    webhook_url: str = ""
    """Public HTTPS URL Telegram posts updates to (webhook mode)."""
    webhook_listen: str = "127.0.0.1"
    webhook_port: Annotated[int, Field(ge=1, le=65535)] = 8443
    webhook_path: Annotated[str, Field(pattern=r"^/[\w/.-]*$")] = "/telegram"
    chats: list[int] = Field(default_factory=list)
    """Groups to check the bot's rights in at start-up (it also checks when added to one)."""
    admins: list[int] = Field(default_factory=list)
    moderators: list[int] = Field(default_factory=list)
    helpers: list[int] = Field(default_factory=list)
    """User ids with levels beyond what their chat administrator status gives."""
    admin_cache_seconds: Annotated[int, Field(ge=0, le=86400)] = 600

    @model_validator(mode="after")
    def _webhook_needs_url(self) -> TelegramConfig:
        if self.enabled and self.mode == "webhook" and not self.webhook_url.startswith("https://"):
            raise ValueError("webhook mode needs webhook_url, a public https:// address")
        return self


class DiscordConfig(_Section):
    enabled: bool = False
    """Connect to Discord (the token comes from DISCORD_BOT_TOKEN)."""
    guilds: list[int] = Field(default_factory=list)
    """Servers to register slash commands in (instant); empty: global commands."""
    sharded: bool = False
    """Use AutoShardedClient (large bots: Discord assigns the shard count)."""
    helper_roles: list[str] = Field(default_factory=list)
    """Role names whose members are helpers (moderators and admins come from permissions)."""
    guild_ready_timeout: Annotated[float, Field(gt=0, le=60)] = 2.0
    """Seconds discord.py waits after the last server arrives before it is ready."""


def optional_duration(value: str) -> timedelta:
    """A duration where "0" (or "0s", "0m") means none."""
    from bot.core.durations import parse_duration

    if re.fullmatch(r"\s*0+\s*[smhdw]?\s*", value):
        return timedelta(0)
    return parse_duration(value)


class FaqConfig(_Section):
    matcher: Literal["auto", "lexical", "semantic"] = "auto"
    """auto: semantic when the 'semantic' extra is installed, else lexical."""
    answer_threshold: Annotated[float, Field(gt=0, le=1)] = 0.9
    """Confidence (0-1) from which the bot answers."""
    suggest_threshold: Annotated[float, Field(gt=0, le=1)] = 0.2
    """Confidence from which it offers "did you mean" buttons (below: silent)."""
    channels: dict[str, list[str]] = Field(default_factory=dict)
    """Channels with auto-answers per community ("platform:id"); a community not listed: all."""
    cooldown: str = "30m"
    """The same entry is not repeated in a channel within this time (the bot points to it)."""
    answer_delay: str = "0s"
    """Wait this long before answering; a human reply in the meantime keeps the bot silent."""
    helpers: dict[str, str] = Field(default_factory=dict)
    """Channel per community ("platform:id") told when an answer did not help."""
    utm: dict[str, str] = Field(default_factory=dict)
    """Parameters added to links in answers ({id} is the entry id)."""
    reload_seconds: Annotated[float, Field(ge=0, le=3600)] = 10
    """How often the FAQ folder is checked for changed files (0: only /faqreload)."""

    @field_validator("channels", "helpers")
    @classmethod
    def _communities(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _community_keys(value)

    @field_validator("cooldown", "answer_delay")
    @classmethod
    def _duration(cls, value: str) -> str:
        optional_duration(value)
        return value

    @field_validator("utm")
    @classmethod
    def _utm(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not key.startswith("utm_"):
                raise ValueError(f"utm key {key!r} must start with 'utm_' (utm_source, ...)")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> FaqConfig:
        if self.suggest_threshold > self.answer_threshold:
            raise ValueError("suggest_threshold must not be above answer_threshold")
        return self


class DigestConfig(_Section):
    channels: dict[str, str] = Field(default_factory=dict)
    """Where the weekly digest is posted, per community ("platform:id" = channel)."""
    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    at: Annotated[str, Field(pattern=_TIME)] = "10:00"
    """Local time (the community's time zone) of the digest."""
    max_late: str = "6h"
    """A digest missed while the bot was down is posted at start-up if less late than this."""
    report_channels: dict[str, str] = Field(default_factory=dict)
    """Where the weekly moderators' report (numbers and a chart) goes, per community."""
    hero_confirm: bool = False
    """A moderator confirms the hero (buttons in the report channel) before the digest goes out."""
    new_member_hours: Annotated[float, Field(ge=0, le=24 * 90)] = 24
    """Reactions from members who joined less than this before, and have not posted yet, earn
    the hero nothing."""
    min_points: Annotated[float, Field(ge=0)] = 5
    """Fewer points than this: no hero this week."""
    rotation_weeks: Annotated[int, Field(ge=0, le=52)] = 2
    """A hero cannot be hero again for this many weeks."""

    @field_validator("channels", "report_channels")
    @classmethod
    def _communities(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _community_keys(value)

    @field_validator("max_late")
    @classmethod
    def _duration(cls, value: str) -> str:
        optional_duration(value)
        return value


class Config(_Section):
    community: CommunityConfig = Field(default_factory=CommunityConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    content: ContentConfig = Field(default_factory=ContentConfig)
    eventlog: EventLogConfig = Field(default_factory=EventLogConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    features: FeaturesConfig = Field(default_factory=FeaturesConfig)
    console: ConsoleConfig = Field(default_factory=ConsoleConfig)
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    discord: DiscordConfig = Field(default_factory=DiscordConfig)
    polls: PollsConfig = Field(default_factory=PollsConfig)
    ama: AmaConfig = Field(default_factory=AmaConfig)
    onboarding: OnboardingConfig = Field(default_factory=OnboardingConfig)
    roles: RolesConfig = Field(default_factory=RolesConfig)
    faq: FaqConfig = Field(default_factory=FaqConfig)
    digest: DigestConfig = Field(default_factory=DigestConfig)

    source: Path | None = Field(default=None, exclude=True)
    """The file this was read from; relative paths in it are resolved against its folder."""

    def resolve(self, value: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        path = Path(value).expanduser()
        if not path.is_absolute() and self.source is not None:
            path = self.source.parent / path
        return path

    @property
    def rules_dir(self) -> Path:
        return self.resolve(self.content.rules)

    @property
    def faq_dir(self) -> Path:
        return self.resolve(self.content.faq)

    @property
    def quizzes_dir(self) -> Path:
        return self.resolve(self.content.quizzes)

    def database_url(self) -> str:
        value = self.storage.database
        if "://" in value:
            return value
        return f"sqlite+aiosqlite:///{self.resolve(value)}"


def default_config_path() -> Path:
    """``config.toml`` when it exists, otherwise ``config.example.toml``."""
    return DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else EXAMPLE_CONFIG


def load_config(path: Path) -> Config:
    """Read and validate a config file; raises ``ConfigError`` listing every problem."""
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read: {exc}"]) from None
    try:
        data = tomllib.loads(raw_text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"]) from None
    if "source" in data:
        data.pop("source")
        raise ConfigError([f"{path}: 'source' is not a configuration key"])
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, path, raw_text)) from None
    return config.model_copy(update={"source": path.resolve()})


def describe_validation_error(exc: ValidationError, path: Path, raw_text: str) -> list[str]:
    """One ``file:line: dotted.key: problem`` line per validation error of a TOML file."""
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        key = ".".join(loc)
        if error["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against the documented example)"
        elif error["type"] == "missing":
            message = "required key is missing"
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            if "input" in error and error["type"].endswith("_type"):
                message += f" (got {error['input']!r})"
        line = _find_line(raw_text, error["loc"])
        where = f"{path}:{line}" if line else str(path)
        problems.append(f"{where}: {key}: {message}")
    return problems


def _find_line(raw_text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line of a dotted key in the TOML text (for the error message)."""
    keys = [str(part) for part in loc if not isinstance(part, int)]
    if not keys:
        return None
    table: list[str] = []
    best: int | None = None
    for number, line in enumerate(raw_text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            name = stripped.strip("[]").strip()
            table = [part.strip().strip('"') for part in name.split(".")]
            if table == keys:
                best = number
            continue
        key, sep, _ = stripped.partition("=")
        if not sep:
            continue
        full = table + [part.strip().strip('"') for part in key.strip().split(".")]
        if full == keys:
            return number
        if keys[: len(full)] == full:
            best = number  # the error is inside this value (a list item, an inline table)
    return best
