"""Database URLs: the default, the drivers they map to, and a form that is safe to print.

Haven talks to its database through asyncio drivers only, so the URLs people write by habit
(``sqlite:///...``, ``postgresql://...``, Heroku-style ``postgres://...``) are mapped to
``sqlite+aiosqlite`` and ``postgresql+asyncpg``; any other driver is refused up front rather
than failing later inside an async call.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from .errors import StorageError

__all__ = [
    "DEFAULT_DATABASE_URL",
    "default_database_url",
    "display_url",
    "ensure_sqlite_folder",
    "parse_url",
]

BOT_DATABASE_FILE = "haven.sqlite3"
"""The default SQLite file of a bot with a Telegram token."""

LOCAL_DATABASE_FILE = "haven-local.sqlite3"
"""The default SQLite file in local mode (no token), kept apart from a real bot's."""

DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///data/{BOT_DATABASE_FILE}"
"""A bot's SQLite file under ``data/`` in the working directory (relative, as in SQLAlchemy
URLs). Commands take the default from :mod:`bot.config` instead, which follows ``DATA_DIR``
and the mode (see :func:`default_database_url`)."""


def default_database_url(data_dir: Path, *, local: bool) -> str:
    """The SQLite database used when ``DATABASE_URL`` is not set.

    Args:
        data_dir: The data directory (``DATA_DIR``).
        local: True in local mode (no Telegram token): its conversations with the sandbox go
            to a file of their own, so they never mix with a real bot's.

    Returns:
        A ``sqlite+aiosqlite`` URL of ``haven-local.sqlite3`` or ``haven.sqlite3`` in
        ``data_dir``.
    """
    name = LOCAL_DATABASE_FILE if local else BOT_DATABASE_FILE
    return f"sqlite+aiosqlite:///{data_dir / name}"


_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


def parse_url(url: str | URL) -> URL:
    """Parse a database URL and map it to Haven's async driver for its database.

    Args:
        url: A SQLAlchemy database URL, with or without a driver.

    Returns:
        The URL with ``sqlite+aiosqlite`` or ``postgresql+asyncpg`` as its driver.

    Raises:
        StorageError: The URL does not parse, or names a database Haven does not support.
    """
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError) as error:
        # The error text may quote the URL, password included: say what is wrong without it.
        raise StorageError(
            "malformed database URL (expected sqlite+aiosqlite:///PATH or "
            "postgresql+asyncpg://USER@HOST/DB)"
        ) from error
    driver = _DRIVERS.get(parsed.drivername)
    if driver is None:
        raise StorageError(
            f"unsupported database URL scheme {parsed.drivername!r} "
            "(use sqlite+aiosqlite or postgresql+asyncpg)"
        )
    if driver == "postgresql+asyncpg" and not parsed.database:
        raise StorageError(f"the database URL names no database: {display_url(parsed)}")
    return parsed.set(drivername=driver)


def display_url(url: str | URL) -> str:
    """The URL with its password masked, for messages and logs."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError):
        return "<malformed URL>"
    return parsed.render_as_string(hide_password=True)


def ensure_sqlite_folder(url: URL) -> None:
    """Create the folder of a SQLite file, so a fresh checkout can start without a setup step.

    Args:
        url: A parsed URL; anything but a SQLite file is left alone.

    Raises:
        StorageError: The folder cannot be created.
    """
    if not url.drivername.startswith("sqlite"):
        return
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return
    folder = Path(database).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError(
            f"cannot create the folder {folder} for the SQLite database: {error.strerror}"
        ) from error
