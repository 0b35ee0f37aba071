"""``haven db upgrade|current|purge``: migrations, the schema revision, and retention.

The database is ``--database-url``, else the one ``haven serve`` uses: ``DATABASE_URL`` from
the environment or ``.env``, else the default SQLite file in ``DATA_DIR`` (which depends on
whether ``TELEGRAM_BOT_TOKEN`` is set; see :mod:`bot.config`). Errors (a bad URL, a server
that does not answer, an invalid configuration) are one line each on standard error and exit
code 1.

``haven db purge`` does now what the running bot's retention sweeper does every hour (see
:mod:`bot.privacy.retention`), with the periods of the ``RETENTION_*_DAYS`` settings;
``--dry-run`` lists what would go, by table, row id and age, and changes nothing. Like
``haven operators``, it brings a SQLite database up to the newest schema on the way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic.util import CommandError
from sqlalchemy.engine import URL

from bot.config import ConfigError, Settings, load_settings
from bot.handoff import HandoffStore
from bot.privacy import Keys, load_keys
from bot.privacy.retention import AT_EXPIRY, PurgeReport, RetentionPolicy, purge
from bot.storage import Storage, display_url, parse_url, schema
from bot.storage.engine import make_engine, read_only
from bot.storage.urls import ensure_sqlite_folder

from .failures import DATABASE_ERRORS, config_failed, database_failed

__all__ = ["add_parser", "database_url", "run_current", "run_purge", "run_upgrade"]

#: What a database command reports: the database's errors and Alembic's own.
_ERRORS: tuple[type[BaseException], ...] = (*DATABASE_ERRORS, CommandError)

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
    purge_: argparse.ArgumentParser = commands.add_parser(
        "purge",
        help="delete what has outlived its retention period",
        description="Delete every row kept longer than its retention period (RETENTION_*_DAYS; "
        "`haven config` shows them): idle conversations, the content of long-closed cases "
        "(their anonymous counts stay, their topics are deleted from the staff group), "
        "delivered relays, message ids, handled update ids and old audit records. The running "
        "bot does the same every hour.",
        epilog="exit codes: 0 done, 1 the database cannot be used, 2 usage error",
    )
    purge_.add_argument(
        "--dry-run",
        action="store_true",
        help="only list what would be deleted (table, row id, age); change nothing",
    )
    purge_.add_argument("--format", choices=("text", "json"), default="text")
    _add_url_option(purge_)
    purge_.set_defaults(run=run_purge)


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


def run_purge(args: argparse.Namespace) -> int:
    """Purge (or list, with ``--dry-run``) what has outlived its retention period."""
    try:
        # The periods are configuration too: an explicit URL still needs valid settings.
        overrides = {"database_url": args.database_url} if args.database_url else {}
        settings = load_settings(**overrides)
        url = parse_url(settings.database_url)
        # No database: nothing to purge, and nothing (a file, a local key file) is made to
        # find that out. Else the bot's keys: the store opens nothing without them.
        missing = url.get_backend_name() == "sqlite" and not _sqlite_file_exists(url)
        keys = None if missing else load_keys(settings)
    except ConfigError as error:
        return config_failed("haven db", error)

    async def action(url: URL) -> str:
        report = None if keys is None else await _purge(url, settings, keys, args.dry_run)
        if args.format == "json":
            return json.dumps(_as_json(display_url(url), args.dry_run, report), indent=2)
        return _as_text(display_url(url), args.dry_run, report)

    args.database_url = settings.database_url  # so _run does not read the settings again
    return _run(args, action)


def _add_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", metavar="URL", help=_URL_HELP)


def _run(args: argparse.Namespace, action: Callable[[URL], Coroutine[Any, Any, str]]) -> int:
    try:
        raw_url = database_url(args)
    except ConfigError as error:
        return config_failed("haven db", error)
    try:
        url = parse_url(raw_url)
        print(asyncio.run(action(url)))
    except _ERRORS as error:
        return database_failed("haven db", raw_url, error)
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


async def _purge(url: URL, settings: Settings, keys: Keys, dry_run: bool) -> PurgeReport:
    raw = url.render_as_string(hide_password=False)
    # As `haven serve` does: SQLite is migrated on the way, PostgreSQL upgraded on purpose.
    migrate = url.get_backend_name() == "sqlite"
    async with await Storage.open(raw, sealer=keys.sealer, migrate=migrate) as storage:
        return await purge(
            storage,
            HandoffStore(storage, pseudonyms=keys.pseudonyms),
            RetentionPolicy.from_settings(settings),
            now=datetime.now(UTC),
            dry_run=dry_run,
            staff_chat_id=settings.operator_chat_id,
        )


def _as_json(database: str, dry_run: bool, report: PurgeReport | None) -> dict[str, Any]:
    classes: list[dict[str, Any]] = []
    for purged in [] if report is None else report.classes:
        shown: dict[str, Any] = {
            "table": purged.name,
            "kept_seconds": int(purged.period.total_seconds()),
            "count": purged.count,
        }
        if dry_run:
            shown["rows"] = [
                {"id": row.id, "age_seconds": int(row.age.total_seconds())} for row in purged.rows
            ]
        classes.append(shown)
    return {"database": database, "dry_run": dry_run, "classes": classes}


def _as_text(database: str, dry_run: bool, report: PurgeReport | None) -> str:
    if report is None:
        return f"{database}: no database yet, nothing to purge"
    verb = "would delete" if dry_run else "deleted"
    heading = f"{database}: {verb} {report.total} rows" + (" (dry run)" if dry_run else "")
    lines = [heading, "", f"{'table':<16} {'kept for':>9} {verb:>12}"]
    lines += [f"{p.name:<16} {_duration(p.period):>9} {p.count:>12}" for p in report.classes]
    rows = [(p.name, row) for p in report.classes for row in p.rows]
    if dry_run and rows:
        lines += ["", f"{'table':<16} {'id':>12} {'age':>9}"]
        lines += [
            f"{name:<16} {'-' if row.id is None else row.id:>12} {_duration(row.age):>9}"
            for name, row in rows
        ]
    return "\n".join(lines)


def _duration(span: timedelta) -> str:
    """``90d``, ``48h`` or ``3d 04h``: whole days and hours, as people think of retention;
    ``expiry`` for rows that carry their own end."""
    if span == AT_EXPIRY:
        return "expiry"
    hours = int(span.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    if days and hours:
        return f"{days}d {hours:02d}h"
    return f"{days}d" if days else f"{hours}h"


def _sqlite_file_exists(url: URL) -> bool:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return True
    return Path(database).exists()
