"""``haven db upgrade|current``: apply the database migrations and show the schema revision.

The database is ``--database-url``, else the one ``haven serve`` uses: ``DATABASE_URL`` from
the environment or ``.env``, else the default SQLite file in ``DATA_DIR`` (which depends on
whether ``TELEGRAM_BOT_TOKEN`` is set; see :mod:`bot.config`). Errors (a bad URL, a server
that does not answer, an invalid configuration) are one line each on standard error and exit
code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from alembic.util import CommandError
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, load_settings
from bot.storage import StorageError, describe_error, display_url, parse_url, schema
from bot.storage.engine import make_engine, read_only
from bot.storage.urls import ensure_sqlite_folder

__all__ = ["add_parser", "database_url", "run_current", "run_upgrade"]

_URL_HELP = (
    "the database, e.g. postgresql+asyncpg://USER@HOST/DB or sqlite+aiosqlite:///PATH "
    "(default: the one `haven serve` uses: DATABASE_URL from the environment or .env, else "
    "the SQLite file in DATA_DIR; `haven config` shows it)"
)


def add_parser(groups: Any) -> None:
    """Register the ``db`` command group and its subcommands."""
    db: argparse.ArgumentParser = groups.add_parser(
        "db",
        help="create and upgrade the database schema",
        description="Manage the database schema (Alembic migrations shipped with Haven).",
    )
    commands = db.add_subparsers(title="commands", metavar="COMMAND", required=True)
    upgrade: argparse.ArgumentParser = commands.add_parser(
        "upgrade",
        help="apply every migration not yet applied",
        description="Bring the database schema up to the newest revision; creates the tables "
        "on an empty database. Safe to run again: an up-to-date database is left alone.",
        epilog="exit codes: 0 done, 1 the database cannot be used, 2 usage error",
    )
    _add_url_option(upgrade)
    upgrade.set_defaults(run=run_upgrade)
    current: argparse.ArgumentParser = commands.add_parser(
        "current",
        help="show the schema revision of the database",
        description="Print the revision the database schema is at, and whether it is the newest.",
        epilog="exit codes: 0 shown, 1 the database cannot be used, 2 usage error",
    )
    _add_url_option(current)
    current.set_defaults(run=run_current)


def database_url(args: argparse.Namespace) -> str:
    """The URL a ``db`` command works on: the option, else the one ``haven serve`` would use.

    Raises:
        ConfigError: No option, and the settings (environment and ``.env``) are invalid.
    """
    if args.database_url:
        return str(args.database_url)
    return load_settings().database_url


def run_upgrade(args: argparse.Namespace) -> int:
    """Apply the migrations and print the revision reached."""
    return _run(args, _upgrade)


def run_current(args: argparse.Namespace) -> int:
    """Print the revision the database is at."""
    return _run(args, _current)


def _add_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", metavar="URL", help=_URL_HELP)


def _run(args: argparse.Namespace, action: Callable[[URL], Coroutine[Any, Any, str]]) -> int:
    try:
        raw_url = database_url(args)
    except ConfigError as error:
        for problem in error.problems:
            print(f"haven db: error: {problem}", file=sys.stderr)
        return 1
    try:
        url = parse_url(raw_url)
        print(asyncio.run(action(url)))
    except StorageError as error:
        print(f"haven db: error: {error}", file=sys.stderr)
        return 1
    except (SQLAlchemyError, OSError, TimeoutError, CommandError) as error:
        print(
            f"haven db: error: cannot use the database {display_url(raw_url)}: "
            f"{describe_error(error)}",
            file=sys.stderr,
        )
        return 1
    return 0


async def _upgrade(url: URL) -> str:
    ensure_sqlite_folder(url)
    engine = make_engine(url)
    try:
        before = await schema.current_revision(read_only(engine))
        after = await schema.upgrade(engine)
    finally:
        await engine.dispose()
    change = "already up to date" if before == after else f"upgraded from {before or 'empty'}"
    return f"{display_url(url)}: schema revision {after} (head), {change}"


async def _current(url: URL) -> str:
    head = schema.head_revision()
    if url.get_backend_name() == "sqlite" and not _sqlite_file_exists(url):
        # Connecting would create the file: a read-only command should leave no trace.
        return f"{display_url(url)}: no database yet (run `haven db upgrade`)"
    engine = make_engine(url)
    try:
        revision = await schema.current_revision(read_only(engine))
    finally:
        await engine.dispose()
    if revision == head:
        return f"{display_url(url)}: schema revision {revision} (head)"
    hint = "run `haven db upgrade`" if revision is None or revision < head else "newer Haven?"
    return f"{display_url(url)}: schema revision {revision or 'none'}, newest is {head} ({hint})"


def _sqlite_file_exists(url: URL) -> bool:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return True
    return Path(database).exists()
