"""``haven analytics``: where conversations went and stopped, hand-offs, languages.

Prints the report of :mod:`bot.analytics.report` for a period (the last 30 days unless told):
per flow and node how many conversations reached it and how many stopped there, requests for
an advocate per day and topic, and conversations per language. It is counted from the
pseudonymous events only, so it names nobody and quotes nothing anyone wrote.

``--format csv`` writes the one long CSV of :meth:`bot.analytics.report.Report.csv` (a
``table`` column names each row's table), for a spreadsheet.

The database is ``--database-url``, else ``DATABASE_URL``, else the default SQLite file, as for
``haven audit``. Exit codes: 0 printed (also when there is nothing to count), 1 the database
cannot be used, 2 usage errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.analytics.report import IDLE, Report, read_report
from bot.config import ConfigError, load_settings
from bot.privacy import Keys, load_keys
from bot.storage import Storage

from .audit import parse_since
from .db import database_url
from .failures import DATABASE_ERRORS, config_failed, database_failed

__all__ = ["DEFAULT_PERIOD", "add_parser", "run"]

DEFAULT_PERIOD = timedelta(days=30)
"""The period counted without ``--since``."""

_PROG = "haven analytics"
_URL_HELP = (
    "the database, e.g. postgresql+asyncpg://USER@HOST/DB or sqlite+aiosqlite:///PATH "
    "(default: the one `haven serve` uses: DATABASE_URL, else the SQLite file in DATA_DIR)"
)
_WHEN = (
    "an age such as 30m, 12h, 7d or 2w, or an ISO date or time such as 2026-11-20 or "
    "2026-11-20T14:00+01:00 (UTC when no offset is given)"
)


def add_parser(groups: Any) -> None:
    """Register the ``analytics`` command."""
    analytics: argparse.ArgumentParser = groups.add_parser(
        "analytics",
        help="count where conversations went and stopped, hand-offs and languages",
        description="Print the pseudonymous analytics of a period: per flow and node, how many "
        "conversations reached it and how many stopped there (ended there, or idle for an "
        "hour); requests for an advocate per day (UTC) and topic; conversations per language.",
        epilog="exit codes: 0 printed, 1 the database cannot be used, 2 usage error",
    )
    analytics.add_argument(
        "--since", type=_when, metavar="WHEN", help=f"from then (default: 30d): {_WHEN}"
    )
    analytics.add_argument(
        "--until", type=_when, metavar="WHEN", help=f"up to then, excluded (default: now): {_WHEN}"
    )
    analytics.add_argument("--flow", metavar="ID", help="only this flow's nodes and events")
    analytics.add_argument("--format", choices=("text", "json", "csv"), default="text")
    analytics.add_argument("--database-url", metavar="URL", help=_URL_HELP)
    analytics.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the report asked for, as tables, JSON or CSV."""
    try:
        url = database_url(args)
        keys = load_keys(load_settings())  # the storage opens nothing without the bot's keys
    except ConfigError as error:
        return config_failed(_PROG, error)
    now = datetime.now(UTC)
    since = parse_since(args.since, now) if args.since is not None else now - DEFAULT_PERIOD
    until = parse_since(args.until, now) if args.until is not None else None
    try:
        report = asyncio.run(_read(url, keys, now, since, until, args.flow))
    except DATABASE_ERRORS as error:
        return database_failed(_PROG, url, error)
    if args.format == "json":
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    elif args.format == "csv":
        sys.stdout.write(report.csv())
    else:
        print(text(report))
    return 0


def text(report: Report) -> str:
    """The report as plain-text tables under a heading."""
    since = _moment(report.since) if report.since is not None else "the start"
    scope = f"flow {report.flow}" if report.flow is not None else "all flows"
    idle = int(report.idle.total_seconds() // 60)
    parts = [
        f"{report.conversations} conversations from {since} to {_moment(report.until)} "
        f"(UTC), {scope}; stopped: ended there, or idle for {idle} minutes",
        _table(
            ("FLOW", "NODE", "REACHED", "STOPPED"),
            [(n.flow, n.node, str(n.reached), str(n.stopped)) for n in report.nodes],
            numeric=2,
        ),
        _table(
            ("DAY", "TOPIC", "HANDOFFS"),
            [(h.day.isoformat(), h.topic, str(h.count)) for h in report.handoffs],
            numeric=1,
        ),
        _table(
            ("LANGUAGE", "CONVERSATIONS"),
            [(lang.language, str(lang.conversations)) for lang in report.languages],
            numeric=1,
        ),
    ]
    return "\n\n".join(parts)


def _moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _table(header: Sequence[str], rows: list[tuple[str, ...]], *, numeric: int) -> str:
    """Columns padded to their widest cell; the last ``numeric`` ones aligned right."""
    if not rows:
        return f"{header[0]}  (none)"
    lines = [tuple(header), *rows]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    first_number = len(header) - numeric
    return "\n".join(
        "  ".join(
            cell.rjust(width) if column >= first_number else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )


async def _read(
    url: str,
    keys: Keys,
    now: datetime,
    since: datetime,
    until: datetime | None,
    flow: str | None,
) -> Report:
    # As `haven serve` does: SQLite is migrated on the way, PostgreSQL is upgraded on purpose.
    storage = await Storage.open(url, sealer=keys.sealer, migrate=url.startswith("sqlite"))
    try:
        async with storage.transaction() as session:
            return await read_report(
                session, now=now, since=since, until=until, flow=flow, idle=IDLE
            )
    finally:
        await storage.close()


def _when(text: str) -> str:
    # Checked here, for argparse's usage error; read against the clock when the command runs.
    try:
        parse_since(text, datetime.now(UTC))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text
