"""Configuration: one TOML file, validated at start-up; secrets only from the environment.

Every problem is reported with the file, the line (where it can be found), the dotted key
and what is wrong; the caller exits with status 2 and nothing starts.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from bot.core.ids import CommunityRef
from bot.core.settings import FeatureSettings, TimeZone
from bot.i18n import available_locales

T = TypeVar("T", bound=FeatureSettings)

DEFAULT_CONFIG = Path("config.toml")
EXAMPLE_CONFIG = Path("config.example.toml")


class ConfigError(Exception):
    """The configuration cannot be used; ``problems`` lists every reason, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_locale(value: str) -> str:
    """``value`` when the bot has translations for it, else ``ValueError``."""
    if value not in available_locales():
        raise ValueError(
            f"no translations for locale {value!r}; available: {', '.join(available_locales())}"
        )
    return value


class CommunityOverride(_Section):
    locale: str | None = None
    timezone: TimeZone | None = None

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str | None) -> str | None:
        return None if value is None else check_locale(value)


class CommunityConfig(_Section):
    name: Annotated[str, Field(min_length=1, max_length=100)] = "Our community"
    timezone: TimeZone = ZoneInfo("UTC")
    locale: str = "en"
    overrides: dict[str, CommunityOverride] = Field(default_factory=dict)

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        return check_locale(value)

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
        return override.timezone if override and override.timezone else self.timezone


class StorageConfig(_Section):
    database: Annotated[str, Field(min_length=1)] = "data/community-bot.sqlite3"
    """A SQLite file path (relative to the config file) or a SQLAlchemy async URL."""
    processes: Literal["auto", "one", "several"] = "auto"
    """How many bot processes serve the same communities: "several" counts per-member limits
    (message rate, slow mode, join bursts) in the database and re-reads what processes keep in
    memory (slow modes, open desk cases, post prompts) every few seconds; "one" keeps both in
    the process (fastest); "auto": several on PostgreSQL, one on SQLite."""

    def several(self, dialect: str) -> bool:
        return self.processes == "several" or (
            self.processes == "auto" and dialect == "postgresql"
        )


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


class HealthConfig(_Section):
    listen: Annotated[str, Field(pattern=r"^$|^(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$")] = ""
    """host:port for /healthz and /readyz (e.g. 127.0.0.1:8080); empty: not served."""


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class FeaturesConfig(_Section):
    enabled: list[str] = Field(default_factory=lambda: ["help"])
    """The features to run, in this order (handlers of the same event run in this order)."""

    @field_validator("enabled")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        from bot.features import catalog, requirement_problems

        known = catalog()
        unknown = [name for name in value if name not in known]
        if unknown:
            raise ValueError(
                f"unknown feature(s) {', '.join(map(repr, unknown))}; known: {', '.join(known)}"
            )
        if len(set(value)) != len(value):
            raise ValueError("a feature is listed twice")
        problems = requirement_problems(value)
        if problems:
            raise ValueError("; ".join(problems))
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
    workers: Annotated[int, Field(ge=1, le=100)] = 1
    """Processes that share this bot token (webhook workers behind one URL): each sends at
    most 1/workers of Telegram's budget (30 messages a second, 20 a minute per group)."""

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
    shard_count: Annotated[int, Field(ge=0, le=100_000)] = 0
    """Shards of the whole bot, when several processes split them (each runs ``shard_ids``);
    0: not split."""
    shard_ids: list[Annotated[int, Field(ge=0)]] = Field(default_factory=list)
    """The shards this process runs (needs shard_count); the one with shard 0 also gets
    private messages."""
    sync_commands: bool = True
    """Publish the slash commands at start-up: let exactly one process of several do it."""

    @model_validator(mode="after")
    def _shards(self) -> DiscordConfig:
        if self.shard_ids and not self.shard_count:
            raise ValueError("shard_ids needs shard_count (the shards of the whole bot)")
        if self.shard_count:
            outside = [i for i in self.shard_ids if i >= self.shard_count]
            if outside:
                raise ValueError(
                    f"shard_ids {outside} are not below shard_count = {self.shard_count}"
                )
            if len(set(self.shard_ids)) != len(self.shard_ids):
                raise ValueError("shard_ids lists a shard twice")
        return self


class Config(_Section):
    """The core's sections; :func:`load_config` adds one field per feature section."""

    community: CommunityConfig = Field(default_factory=CommunityConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    content: ContentConfig = Field(default_factory=ContentConfig)
    eventlog: EventLogConfig = Field(default_factory=EventLogConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    health: HealthConfig = Field(default_factory=HealthConfig)
    features: FeaturesConfig = Field(default_factory=FeaturesConfig)
    console: ConsoleConfig = Field(default_factory=ConsoleConfig)
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    discord: DiscordConfig = Field(default_factory=DiscordConfig)

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

    def section(self, name: str, model: type[T]) -> T:
        """A feature's parsed section (its defaults when the file has none)."""
        value = getattr(self, name, None)
        if value is None:
            return model()
        if not isinstance(value, model):
            raise TypeError(f"[{name}] is a {type(value).__name__}, not a {model.__name__}")
        return value

    def with_section(self, name: str, value: FeatureSettings) -> Config:
        """A copy with one feature section replaced (tests, CLI overrides)."""
        return self.model_copy(update={name: value})

    def database_url(self) -> str:
        value = self.storage.database
        if "://" in value:
            return value
        return f"sqlite+aiosqlite:///{self.resolve(value)}"


def default_config_path() -> Path:
    """``config.toml`` when it exists, otherwise ``config.example.toml``."""
    return DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else EXAMPLE_CONFIG


DATABASE_URL_ENV = "COMMUNITY_BOT_DATABASE_URL"
"""Overrides ``[storage] database``: a server URL carries a password, which belongs in the
environment (or a secrets file), not in the config file or on a command line."""


def apply_overrides(data: dict[str, Any], overrides: Sequence[str]) -> set[str]:
    """Set ``section.key=value`` pairs (``--set``) in the parsed file; the value is read as
    TOML (``[0, 1]``, ``true``, ``"text"``), else taken as plain text. Returns the keys set."""
    problems: list[str] = []
    changed: set[str] = set()
    for item in overrides:
        key, sep, raw = item.partition("=")
        parts = [part.strip() for part in key.split(".")]
        if not sep or len(parts) < 2 or not all(parts):
            problems.append(f"--set {item!r}: expected SECTION.KEY=VALUE, e.g. health.listen=")
            continue
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        table = data
        for part in parts[:-1]:
            inner = table.setdefault(part, {})
            if not isinstance(inner, dict):
                problems.append(f"--set {item!r}: {part} is not a section")
                break
            table = inner
        else:
            table[parts[-1]] = value
            changed.add(".".join(parts))
    if problems:
        raise ConfigError(problems)
    return changed


def load_config(path: Path, overrides: Sequence[str] = ()) -> Config:
    """Read and validate a config file (with ``--set`` overrides and the database URL from
    the environment); raises ``ConfigError`` listing every problem."""
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
    changed = apply_overrides(data, overrides)
    database = os.environ.get(DATABASE_URL_ENV, "").strip()
    if database:
        data.setdefault("storage", {})["database"] = database
    try:
        config = config_model().model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, path, raw_text, changed)) from None
    return switched_on(config).model_copy(update={"source": path.resolve()})


def switched_on(config: Config) -> Config:
    """A feature whose own section says ``enabled = true`` runs even when ``[features]
    enabled`` does not list it (after the listed ones)."""
    from bot.features import catalog

    listed = list(config.features.enabled)
    extra = [
        name for name, feature in catalog().items()
        if name not in listed and getattr(getattr(config, feature.section, None), "enabled", None)
        is True
    ]  # fmt: skip
    if not extra:
        return config
    features = config.features.model_copy(update={"enabled": [*listed, *extra]})
    return config.model_copy(update={"features": features})


def builtin_config(overrides: Sequence[str] = ()) -> Config:
    """The defaults with every shipped feature on, for a command run where no config file is
    (content folders relative to the current one)."""
    from bot.features import catalog

    # Every feature that needs nothing outside the process (the dashboard opens a port).
    data: dict[str, Any] = {"features": {"enabled": sorted(set(catalog()) - {"dashboard"})}}
    apply_overrides(data, overrides)
    try:
        return config_model().model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, Path("--set"), "")) from None


@functools.cache
def config_model() -> type[Config]:
    """The config model with a section for every feature that ships (enabled or not: a
    disabled feature's section is still checked, so enabling it later holds no surprise)."""
    from bot.features import catalog

    sections: dict[str, Any] = {}
    for feature in catalog().values():
        if feature.Settings.model_fields:
            sections[feature.section] = (feature.Settings, Field(default_factory=feature.Settings))
    model: type[Config] = create_model("Config", __base__=Config, **sections)
    return model


def describe_validation_error(
    exc: ValidationError, path: Path, raw_text: str, overridden: Collection[str] = ()
) -> list[str]:
    """One ``file:line: dotted.key: problem`` line per validation error of a TOML file
    (``--set: dotted.key: problem`` for a key set on the command line)."""
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
        if any(
            key == changed or key.startswith(f"{changed}.") or changed.startswith(f"{key}.")
            for changed in overridden
        ):
            where = "--set"
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
