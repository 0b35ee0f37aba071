"""Haven's configuration, read from the environment (and a ``.env`` file, when there is one).

Every setting is an environment variable named like the :class:`Settings` field in capitals
(``PORT`` -> ``port``). An empty variable counts as unset, so ``TELEGRAM_BOT_TOKEN=`` in a
compose file means local mode, not an invalid token. :func:`load_settings` is what commands
call: it turns pydantic's validation errors into a :class:`ConfigError` of one line per
problem, naming the variable and never repeating a secret.

The mode follows from what is set: no token -> ``local`` (the sandbox and a web chat), a token
-> ``polling``, a token and ``WEBHOOK_URL`` -> ``webhook``. The default database follows the
mode too: local mode and a real bot keep their conversations in different SQLite files.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote_plus, urlsplit

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

__all__ = [
    "SECRET_SETTINGS",
    "ConfigError",
    "Mode",
    "Settings",
    "Source",
    "load_settings",
    "mask_url",
]

Mode = Literal["local", "polling", "webhook"]
Source = Literal["argument", "env", ".env", "default"]

#: Fields whose values are never shown, logged or put in an error message.
SECRET_SETTINGS = frozenset(
    {"telegram_bot_token", "webhook_secret", "haven_secret_key", "haven_pseudonym_key"}
)

# Telegram's own rules: a token is "<bot id>:<key>"; the secret_token of setWebhook is
# 1-256 characters of A-Z, a-z, 0-9, _ and -; webhooks are delivered to these ports only.
_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_WEBHOOK_PORTS = (443, 80, 88, 8443)
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_MAX_SHOWN = 80  # characters of a rejected value quoted in an error message
_MAX_RETENTION_DAYS = 36500
_MASK = "***"
# The password in a URL's userinfo: scheme://user:PASSWORD@host. Up to the last "@" before
# the query: a password may hold an unencoded "@" or "/", and masking too much is harmless.
_USERINFO_PASSWORD = re.compile(r"^(?P<before>[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@]*):[^?#]*@")
# Query parameters whose values are secrets (?password=..., ?sslpassword=..., ?token=...).
_SECRET_QUERY_KEY = re.compile(r"pass|pwd|secret|token|key|auth|credential", re.IGNORECASE)


class ConfigError(Exception):
    """The configuration is invalid; ``str()`` is one line per problem, naming the variable.

    Attributes:
        problems: The lines, e.g. ``"PORT: must be between 1 and 65535 (got '99999')"``.
    """

    def __init__(self, problems: list[str]) -> None:
        """Keep the problem lines; the message is the lines joined."""
        super().__init__("\n".join(problems))
        self.problems = problems


def _default_flows_dir() -> Path:
    # Imported here, not at the top: bot.library loads the flow engine, which most users of
    # the settings never need.
    from bot.library import default_flows_dir

    return default_flows_dir().resolve()


def _default_locales_dir() -> Path:
    from bot.i18n.catalogs import default_locales_dir

    return default_locales_dir().resolve()


def _default_database_url(data: dict[str, Any]) -> str:
    # Imported here: bot.storage loads SQLAlchemy and SQLModel.
    from bot.storage.urls import default_database_url

    data_dir = Path(data.get("data_dir", "data")).resolve()
    return default_database_url(data_dir, local=data.get("telegram_bot_token") is None)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_rate_limit(text: str) -> tuple[int, float]:
    """``"20/60"`` as ``(20, 60.0)``: at most 20 messages in any 60 seconds.

    Raises:
        ValueError: Not two positive numbers around a slash.
    """
    messages, _, seconds = text.strip().partition("/")
    try:
        limit = (int(messages), float(seconds))
    except ValueError:
        raise ValueError("must be <messages>/<seconds>, such as 20/60") from None
    if limit[0] < 1 or not limit[1] > 0:
        raise ValueError("must be <messages>/<seconds> with both above zero, such as 20/60")
    return limit


class Settings(BaseSettings):
    """The effective settings of one Haven process.

    Attributes:
        telegram_bot_token: ``TELEGRAM_BOT_TOKEN`` from @BotFather; None means local mode.
        telegram_api_url: ``TELEGRAM_API_URL``, the Bot API server without a trailing slash;
            the bot calls ``{telegram_api_url}/bot<token>/<method>``.
        data_dir: ``DATA_DIR``, where the default SQLite database lives (created at start).
        database_url: ``DATABASE_URL``, a SQLAlchemy URL with its async driver filled in:
            ``sqlite+aiosqlite:///...`` or ``postgresql+asyncpg://user:password@host/db``.
            The default is a SQLite file in the data directory: ``haven.sqlite3`` with a
            ``TELEGRAM_BOT_TOKEN``, ``haven-local.sqlite3`` without one, so trying Haven out
            locally never mixes its test conversations into a real bot's database.
        webhook_url: ``WEBHOOK_URL``, the public HTTPS address Telegram posts updates to;
            with a token it selects webhook mode. Plain HTTP is accepted on loopback only,
            where the local sandbox, not Telegram, delivers the updates. Its path often holds
            a secret, so only its scheme and host are ever shown.
        webhook_secret: ``WEBHOOK_SECRET``, required with ``WEBHOOK_URL``; Telegram sends it
            back in the ``X-Telegram-Bot-Api-Secret-Token`` header of every delivery.
        console_url: ``CONSOLE_URL``, the public address of the web console's server, which
            /console puts in its login links (``<CONSOLE_URL>/console/login/...``). HTTPS, or
            plain HTTP on loopback only. Local mode defaults to ``http://127.0.0.1:PORT``;
            with a token and without it, /console tells operators the console is not set up.
        host: ``HOST``, the address the HTTP server listens on.
        port: ``PORT``, its port.
        flows_dir: ``FLOWS_DIR``, the flow YAML (default: the project's ``flows/``).
        locales_dir: ``LOCALES_DIR``, the gettext catalogs (default: the project's
            ``locales/``).
        log_format: ``LOG_FORMAT``, ``text`` for people or ``json`` for log collectors.
        log_level: ``LOG_LEVEL``, a :mod:`logging` level name.
        operator_chat_id: ``OPERATOR_CHAT_ID``, the advocates' supergroup with topics (a
            negative id such as ``-1001234567890``). Without it nobody can answer a request
            for an advocate, and people are told so. Local mode uses the sandbox's group.
        staff_language: ``STAFF_LANGUAGE``, the language of what the bot posts in the staff
            group on its own (summaries, the person's actions).
        working_hours: ``WORKING_HOURS``, when advocates answer, e.g. ``Mon-Fri 09:00-18:00
            Europe/Berlin``; people are told it in their language.
        handoff_overdue_minutes: ``HANDOFF_OVERDUE_MINUTES``, how long a case may wait for an
            advocate before the person is reassured and /queue marks it overdue.
        handoff_follow_up_flow: ``HANDOFF_FOLLOW_UP_FLOW``, the flow a closed case starts
            (e.g. a one-question feedback); empty: the person sees where they were.
        staff_rate_limit: ``STAFF_RATE_LIMIT``, at most this many messages to the staff group
            per period, as ``<messages>/<seconds>`` (Telegram allows about 20 a minute).
        retention_conversation_days: ``RETENTION_CONVERSATION_DAYS``, how long a person's
            conversation (where they are in a flow, their answers) is kept after they last
            wrote; then the retention sweeper deletes it and they start afresh.
        retention_closed_ticket_days: ``RETENTION_CLOSED_TICKET_DAYS``, how long a closed
            case keeps its content (what the person shared, notes, the chat it came from, its
            topic in the staff group); then it is erased and only its anonymous counts stay.
        retention_outbox_days: ``RETENTION_OUTBOX_DAYS``, how long a delivered (or given-up)
            relay stays in the outbox; it may hold an advocate's words.
        retention_audit_days: ``RETENTION_AUDIT_DAYS``, how long the audit log of operators'
            actions is kept.
        retention_events_days: ``RETENTION_EVENTS_DAYS``, how long the pseudonymous analytics
            events (which nodes conversations reached, hand-off topics, languages) are kept.
        flood_limit: ``FLOOD_LIMIT``, at most this many updates of one person are read per
            period, as ``<messages>/<seconds>``; beyond it they are ignored and the person is
            told once (:mod:`bot.tg.flood_limit`).
        haven_secret_key: ``HAVEN_SECRET_KEY``, one or more Fernet keys separated by commas,
            newest first: the first seals the free text written to the database, every one
            opens it (``haven keys generate`` makes one, ``haven keys rotate`` re-seals with
            the first). Required with a token; local mode generates it into a key file in
            ``DATA_DIR`` (see :mod:`bot.privacy.keys`).
        haven_pseudonym_key: ``HAVEN_PSEUDONYM_KEY``, the key of the keyed hashes that stand
            for chat ids where a record must not name a person (bans). Required with a token,
            generated locally like the secret key; never rotated, or every ban is lifted.
    """

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        case_sensitive=False,
        # A .env file may hold other tools' variables (POSTGRES_PASSWORD for compose).
        extra="ignore",
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    data_dir: Path = Path("data")
    database_url: str = Field(
        default_factory=_default_database_url,
        description="SQLAlchemy URL of the database. Default: a SQLite file in DATA_DIR, "
        "haven.sqlite3 with a TELEGRAM_BOT_TOKEN and haven-local.sqlite3 without one (local "
        "mode), so the local sandbox and a real bot never share conversations.",
    )
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    console_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    flows_dir: Path = Field(default_factory=_default_flows_dir)
    locales_dir: Path = Field(default_factory=_default_locales_dir)
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    operator_chat_id: int | None = None
    staff_language: str = "en"
    working_hours: str = "Mon-Fri 09:00-18:00 Europe/Berlin"
    handoff_overdue_minutes: int = 30
    handoff_follow_up_flow: str | None = "feedback"
    staff_rate_limit: str = "20/60"
    flood_limit: str = "20/60"
    retention_conversation_days: int = 30
    retention_closed_ticket_days: int = 90
    retention_outbox_days: int = 1
    retention_audit_days: int = 365
    retention_events_days: int = 365
    haven_secret_key: SecretStr | None = None
    haven_pseudonym_key: SecretStr | None = None

    _arguments: frozenset[str] = PrivateAttr(default=frozenset())

    @field_validator("telegram_bot_token")
    @classmethod
    def _check_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        token = value.get_secret_value().strip()  # a newline pasted from a secrets file
        if not _TOKEN.fullmatch(token):
            raise ValueError(
                "must look like 123456789:AAE... (the bot's id, a colon, then letters, digits,"
                " _ or -) as @BotFather gives it"
            )
        return SecretStr(token)

    @field_validator("telegram_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL")
        if parts.query or parts.fragment:
            raise ValueError("must not have a query or a fragment")
        return value.strip().rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        # The storage layer owns the accepted URLs (it maps sqlite://, postgresql:// and
        # postgres:// to the async drivers); imported here because it loads SQLModel.
        from bot.storage import StorageError, parse_url

        try:
            url = parse_url(value.strip())
        except StorageError as error:
            raise ValueError(str(error)) from None
        return url.render_as_string(hide_password=False)

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        try:
            port = parts.port
        except ValueError:
            raise ValueError("has an invalid port") from None
        host = parts.hostname or ""
        if parts.scheme == "http" and _is_loopback(host):
            return value.strip()  # the local sandbox delivers to loopback over plain HTTP
        if parts.scheme != "https" or not host:
            raise ValueError("must be an https:// URL (Telegram delivers webhooks over HTTPS)")
        if port is not None and port not in _WEBHOOK_PORTS:
            allowed = ", ".join(str(p) for p in _WEBHOOK_PORTS)
            raise ValueError(f"Telegram delivers webhooks to ports {allowed} only")
        return value.strip()

    @field_validator("console_url")
    @classmethod
    def _check_console_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        try:
            parts.port  # noqa: B018 (raises on a bad port)
        except ValueError:
            raise ValueError("has an invalid port") from None
        host = parts.hostname or ""
        # The login links and the session cookie travel in it: HTTPS, unless they never leave
        # this machine.
        if not (parts.scheme == "https" and host) and not (
            parts.scheme == "http" and _is_loopback(host)
        ):
            raise ValueError("must be an https:// URL (plain http:// only on loopback)")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("must not have a user, a query or a fragment")
        if parts.path not in ("", "/"):
            # The console is served at /console, and its cookie is for that path only.
            raise ValueError("must be the server's address alone, without a path")
        return value.strip().rstrip("/")

    @field_validator("webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("host")
    @classmethod
    def _check_host(cls, value: str) -> str:
        if not value.strip() or any(c.isspace() for c in value.strip()):
            raise ValueError("must be an address or a host name, such as 127.0.0.1 or 0.0.0.0")
        return value.strip()

    @field_validator("port")
    @classmethod
    def _check_port(cls, value: int) -> int:
        if not 1 <= value <= 65535:
            raise ValueError("must be between 1 and 65535")
        return value

    @field_validator("data_dir")
    @classmethod
    def _check_data_dir(cls, value: Path) -> Path:
        if value.exists() and not value.is_dir():
            raise ValueError("exists but is not a directory")
        return value.resolve()

    @field_validator("flows_dir", "locales_dir")
    @classmethod
    def _check_directory(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError("no such directory")
        return value.resolve()

    @field_validator("operator_chat_id")
    @classmethod
    def _check_operator_chat(cls, value: int | None) -> int | None:
        if value is not None and value >= 0:
            raise ValueError("must be a group's id, which is negative (e.g. -1001234567890)")
        return value

    @field_validator("staff_language")
    @classmethod
    def _check_staff_language(cls, value: str) -> str:
        from bot.handoff import normalize_languages

        (language,) = normalize_languages([value])
        return language

    @field_validator("working_hours")
    @classmethod
    def _check_working_hours(cls, value: str) -> str:
        from bot.handoff.hours import WorkingHours

        return str(WorkingHours.parse(value))

    @field_validator("handoff_overdue_minutes")
    @classmethod
    def _check_overdue(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1 minute")
        return value

    @field_validator(
        "retention_conversation_days",
        "retention_closed_ticket_days",
        "retention_outbox_days",
        "retention_audit_days",
        "retention_events_days",
    )
    @classmethod
    def _check_retention(cls, value: int) -> int:
        # Zero would delete what is still in use (a conversation mid-flow, a relay in flight);
        # the cap keeps the cutoff a date (a century back, not before the year 1).
        if not 1 <= value <= _MAX_RETENTION_DAYS:
            raise ValueError(f"must be between 1 and {_MAX_RETENTION_DAYS} days")
        return value

    @field_validator("staff_rate_limit", "flood_limit")
    @classmethod
    def _check_rate_limit(cls, value: str) -> str:
        parse_rate_limit(value)
        return value.strip()

    @property
    def staff_limit(self) -> tuple[int, float]:
        """``STAFF_RATE_LIMIT`` as ``(messages, seconds)``."""
        return parse_rate_limit(self.staff_rate_limit)

    @property
    def flood_rate(self) -> tuple[int, float]:
        """``FLOOD_LIMIT`` as ``(updates, seconds)``."""
        return parse_rate_limit(self.flood_limit)

    @field_validator("haven_secret_key")
    @classmethod
    def _check_secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        from bot.privacy.keys import parse_secret_keys

        if value is None:
            return None
        return SecretStr(",".join(parse_secret_keys(value.get_secret_value())))

    @field_validator("haven_pseudonym_key")
    @classmethod
    def _check_pseudonym_key(cls, value: SecretStr | None) -> SecretStr | None:
        from bot.privacy.keys import parse_pseudonym_key

        if value is None:
            return None
        return SecretStr(parse_pseudonym_key(value.get_secret_value()))

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in _LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}")
        return level

    @model_validator(mode="after")
    def _check_webhook(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            # No field location: load_settings prints this line as it is.
            raise ValueError(
                "WEBHOOK_SECRET: required when WEBHOOK_URL is set "
                "(1 to 256 characters of A-Z, a-z, 0-9, _ and -)"
            )
        return self

    @property
    def mode(self) -> Mode:
        """``local`` without a token, else ``webhook`` when WEBHOOK_URL is set, else
        ``polling``."""
        if self.telegram_bot_token is None:
            return "local"
        return "webhook" if self.webhook_url is not None else "polling"

    def source(self, field: str) -> Source:
        """Where a field's value came from: an ``argument`` of :func:`load_settings`, the
        process ``env``, the ``.env`` file, or the ``default``."""
        if field in self._arguments:
            return "argument"
        if field not in self.model_fields_set:
            return "default"
        names = {name.upper() for name, value in os.environ.items() if value}
        return "env" if field.upper() in names else ".env"

    def masked(self) -> dict[str, str | int | None]:
        """Every setting by environment variable name, safe to print or log.

        Secrets are ``"set"`` or ``"not set"``; in DATABASE_URL and TELEGRAM_API_URL a
        password, in the userinfo or in the query (``?password=...``), is ``***``; WEBHOOK_URL
        is ``scheme://host/***``, as its path often holds a secret. Other unset values are
        None.
        """
        shown: dict[str, str | int | None] = {}
        for field in type(self).model_fields:
            value = getattr(self, field)
            if field in SECRET_SETTINGS:
                shown[field.upper()] = "not set" if value is None else "set"
            elif field in _URL_SETTINGS and value is not None:
                shown[field.upper()] = _shown_url(field, value)
            elif isinstance(value, Path):
                shown[field.upper()] = str(value)
            else:
                shown[field.upper()] = value
        return shown


_URL_SETTINGS = frozenset({"database_url", "telegram_api_url", "webhook_url"})


def mask_url(url: str) -> str:
    """The URL with its secrets replaced by ``***``, for messages and logs.

    The password in the userinfo (``https://user:PASSWORD@host``) and the values of query
    parameters named like a password, secret, token or key (``?password=...``) are masked;
    everything else is kept as written.
    """
    masked = _USERINFO_PASSWORD.sub(rf"\g<before>:{_MASK}@", url, count=1)
    rest, hash_, fragment = masked.partition("#")
    base, question, query = rest.partition("?")
    if not question:
        return masked
    pairs = []
    for pair in query.split("&"):
        key, equals, _ = pair.partition("=")
        secret = bool(equals) and _SECRET_QUERY_KEY.search(unquote_plus(key)) is not None
        pairs.append(f"{key}={_MASK}" if secret else pair)
    return f"{base}?{'&'.join(pairs)}{hash_}{fragment}"


def _mask_webhook_url(url: str) -> str:
    """``scheme://host[:port]/***``: the path of a webhook URL often is its secret."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}/{_MASK}" if parts.scheme and host else "(not a URL)"


def _shown_url(field: str, url: str) -> str:
    if field == "webhook_url":
        return _mask_webhook_url(url)
    if field == "database_url":
        # SQLAlchemy's own parsing finds the password wherever it accepts one; an unparseable
        # URL could hide it where the patterns do not look.
        try:
            url = make_url(url).render_as_string(hide_password=True)
        except (ArgumentError, ValueError):
            return "(not a URL)"
    return mask_url(url)


def _describe(error: ErrorDetails) -> str:
    """One line for one pydantic error: ``VARIABLE: what is wrong (got 'value')``."""
    location = error["loc"]
    if error["type"] == "value_error":
        reason = str(error.get("ctx", {}).get("error", error["msg"]))
    else:
        reason = str(error["msg"]).replace("Input should be", "must be")
    if not location:  # a model-level check, whose message names its variable
        return reason
    field = str(location[0])
    line = f"{field.upper()}: {reason}"
    value = error.get("input")
    if field in SECRET_SETTINGS or not isinstance(value, str | int):
        return line  # never repeat a secret, and say nothing about non-scalar input
    shown = _shown_url(field, str(value)) if field in _URL_SETTINGS else str(value)
    if shown == "(not a URL)" and field in _URL_SETTINGS:
        return line  # an unparseable URL could still carry a password: do not echo it
    if len(shown) > _MAX_SHOWN:
        shown = shown[: _MAX_SHOWN - 3] + "..."
    return f"{line} (got {shown!r})"


def load_settings(**overrides: Any) -> Settings:
    """Read the settings from the environment and ``.env``.

    Args:
        **overrides: Field values that take precedence over the environment (tests, and
            command-line options such as ``--port``).

    Returns:
        The validated settings.

    Raises:
        ConfigError: One line per invalid or missing setting.
    """
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        # A default computed from another field (DATABASE_URL from DATA_DIR) is not computed
        # after an earlier error; that error is the one to report.
        problems = [
            _describe(item)
            for item in error.errors()
            if item["type"] != "default_factory_not_called"
        ]
        raise ConfigError(list(dict.fromkeys(problems))) from None
    except (OSError, UnicodeDecodeError) as error:
        # Only the .env file is read from disk here.
        reason = "not UTF-8" if isinstance(error, UnicodeDecodeError) else error.strerror
        raise ConfigError([f".env: cannot be read ({reason})"]) from None
    settings._arguments = frozenset(overrides)
    return settings
