"""``haven keys generate|rotate``: make a key; re-seal the database with the newest key.

Rotating the encryption key: put a new key (``haven keys generate``) in front of the old ones
in ``HAVEN_SECRET_KEY`` and restart the bot, which then seals with the new key and still opens
everything sealed with the old. ``haven keys rotate`` then re-seals every sealed value with the
new key (and seals any value written in the clear before sealing existed); afterwards the old
keys can be dropped. ``HAVEN_PSEUDONYM_KEY`` is never rotated: bans are kept under it.

The database is ``--database-url``, else the one ``haven serve`` uses; the keys are the ones
``haven serve`` uses (the variables, or local mode's key file). Values are re-sealed in batches,
one transaction each, so a long run can be stopped and started again; progress goes to standard
error. Nothing printed ever holds a value, sealed or not, or a chat id.

Exit codes: 0 done, 1 a value no key opens (each named by table, column and row) or the
database or settings cannot be used, 2 usage errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError, load_settings
from bot.handoff.tables import OutboxRow, TicketNoteRow, TicketRow
from bot.privacy import Sealer, SealError, generate_key, load_keys
from bot.storage import Storage
from bot.storage.tables import ConversationRow

from .db import database_url
from .failures import DATABASE_ERRORS, config_failed, database_failed

__all__ = ["SEALED_COLUMNS", "SealedColumn", "add_parser", "run_generate", "run_rotate"]

_PROG = "haven keys rotate"
_URL_HELP = (
    "the database, e.g. postgresql+asyncpg://USER@HOST/DB or sqlite+aiosqlite:///PATH "
    "(default: the one `haven serve` uses: DATABASE_URL, else the SQLite file in DATA_DIR)"
)
_BATCH_SIZE = 500


@dataclass(frozen=True, slots=True)
class SealedColumn:
    """A column whose values are sealed, and the column that names its rows.

    Attributes:
        table: The table.
        key: The row's identity, to update it by; printed, unless ``names_person``.
        column: The sealed column.
        names_person: The key is a person's chat id, which is never printed.
    """

    table: Table
    key: str
    column: str
    names_person: bool = False

    @property
    def name(self) -> str:
        """``table.column``."""
        return f"{self.table.name}.{self.column}"


def _table(row: type[Any]) -> Table:
    return cast(Table, row.__table__)


SEALED_COLUMNS: tuple[SealedColumn, ...] = (
    SealedColumn(_table(ConversationRow), "chat_id", "state", names_person=True),
    SealedColumn(_table(TicketRow), "id", "summary"),
    SealedColumn(_table(TicketRow), "id", "close_reason"),
    SealedColumn(_table(TicketNoteRow), "id", "text"),
    SealedColumn(_table(OutboxRow), "id", "payload"),
)
"""Every sealed column of every table: what ``haven keys rotate`` goes through."""


@dataclass(slots=True)
class _ColumnReport:
    """What rotating one column found (or, in a dry run, would change)."""

    column: SealedColumn
    rows: int = 0
    resealed: int = 0
    sealed_plain: int = 0
    unreadable: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "table": self.column.table.name,
            "column": self.column.column,
            "rows": self.rows,
            "resealed": self.resealed,
            "sealed_plain": self.sealed_plain,
            "unreadable": len(self.unreadable),
        }
        if not self.column.names_person:
            shown["unreadable_ids"] = self.unreadable
        return shown


def add_parser(groups: Any) -> None:
    """Register the ``keys`` command group and its subcommands."""
    keys: argparse.ArgumentParser = groups.add_parser(
        "keys",
        help="make encryption keys; re-seal the database with the newest key",
        description="Manage the keys that seal what people and advocates write "
        "(HAVEN_SECRET_KEY) and that bans are kept under (HAVEN_PSEUDONYM_KEY).",
    )
    commands = keys.add_subparsers(title="commands", metavar="COMMAND", required=True)

    generate: argparse.ArgumentParser = commands.add_parser(
        "generate",
        help="print a new random key",
        description="Print a new random key, for HAVEN_SECRET_KEY or HAVEN_PSEUDONYM_KEY. "
        "To rotate the secret key, put the new one first: HAVEN_SECRET_KEY=NEW,OLD.",
        epilog="exit codes: 0 done, 2 usage error",
    )
    generate.add_argument("--format", choices=("text", "json"), default="text")
    generate.set_defaults(run=run_generate)

    rotate: argparse.ArgumentParser = commands.add_parser(
        "rotate",
        help="re-seal every sealed value with the first key of HAVEN_SECRET_KEY",
        description="Re-seal every sealed value in the database with the first key of "
        "HAVEN_SECRET_KEY, and seal values stored in the clear before sealing existed. Run it "
        "after the bot runs with the new key first; then the old keys can be removed.",
        epilog="exit codes: 0 done, 1 a value no key opens (named by table, column and row) "
        "or the database cannot be used, 2 usage error",
    )
    rotate.add_argument(
        "--dry-run", action="store_true", help="count what would change; write nothing"
    )
    rotate.add_argument("--format", choices=("text", "json"), default="text")
    rotate.add_argument(
        "--batch-size",
        type=_batch_size,
        default=_BATCH_SIZE,
        metavar="ROWS",
        help=f"rows per transaction (default: {_BATCH_SIZE})",
    )
    rotate.add_argument("--database-url", metavar="URL", help=_URL_HELP)
    rotate.set_defaults(run=run_rotate)


def run_generate(args: argparse.Namespace) -> int:
    """Print a new key."""
    key = generate_key()
    print(json.dumps({"key": key}) if args.format == "json" else key)
    return 0


def run_rotate(args: argparse.Namespace) -> int:
    """Re-seal the database; 1 if a value cannot be opened with any key."""
    try:
        url = database_url(args)
        keys = load_keys(load_settings())
    except ConfigError as error:
        return config_failed(_PROG, error)
    try:
        reports = asyncio.run(
            _rotate(url, keys.sealer, dry_run=args.dry_run, batch_size=args.batch_size)
        )
    except DATABASE_ERRORS as error:
        return database_failed(_PROG, url, error)
    _print_summary(reports, dry_run=args.dry_run, as_json=args.format == "json")
    unreadable = [report for report in reports if report.unreadable]
    for report in unreadable:
        for line in _unreadable_lines(report):
            print(f"{_PROG}: error: {line}", file=sys.stderr)
    return 1 if unreadable else 0


def _batch_size(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        size = 0
    if size < 1:
        raise argparse.ArgumentTypeError(f"not a positive number of rows: {text!r}")
    return size


async def _rotate(
    url: str, sealer: Sealer, *, dry_run: bool, batch_size: int
) -> list[_ColumnReport]:
    # As `haven serve` does: SQLite is migrated on the way, PostgreSQL is upgraded on purpose.
    storage = await Storage.open(url, sealer=sealer, migrate=url.startswith("sqlite"))
    try:
        return [
            await _rotate_column(
                storage.engine, sealer, column, dry_run=dry_run, batch_size=batch_size
            )
            for column in SEALED_COLUMNS
        ]
    finally:
        await storage.close()


async def _rotate_column(
    engine: AsyncEngine, sealer: Sealer, sealed: SealedColumn, *, dry_run: bool, batch_size: int
) -> _ColumnReport:
    """Re-seal one column, ``batch_size`` rows per transaction, in the order of their key."""
    report = _ColumnReport(sealed)
    key, column = sealed.table.c[sealed.key], sealed.table.c[sealed.column]
    async with engine.connect() as connection:
        count = select(func.count()).select_from(sealed.table).where(column.is_not(None))
        total = int((await connection.execute(count)).scalar_one())
    last: int | None = None
    while True:
        async with engine.begin() as connection:
            query = select(key, column).where(column.is_not(None)).order_by(key).limit(batch_size)
            if last is not None:
                query = query.where(key > last)
            rows = (await connection.execute(query)).all()
            for row_key, stored in rows:
                try:
                    if sealer.is_current(stored):
                        continue
                    new = sealer.rotate(stored)
                except SealError:
                    report.unreadable.append(row_key)
                    continue
                report.resealed += 1
                report.sealed_plain += not Sealer.is_sealed(stored)
                if not dry_run:
                    # Only if unchanged since read: a value the bot rewrote meanwhile is its own.
                    await connection.execute(
                        update(sealed.table)
                        .where((key == row_key) & (column == stored))
                        .values({sealed.column: new})
                    )
        if not rows:
            break
        report.rows += len(rows)
        last = rows[-1][0]
        print(f"{sealed.name}: {report.rows}/{total}", file=sys.stderr)
    return report


def _print_summary(reports: list[_ColumnReport], *, dry_run: bool, as_json: bool) -> None:
    changed = sum(report.resealed for report in reports)
    unreadable = sum(len(report.unreadable) for report in reports)
    if as_json:
        summary = {
            "dry_run": dry_run,
            "resealed": changed,
            "unreadable": unreadable,
            "columns": [report.as_json() for report in reports],
        }
        print(json.dumps(summary, indent=2))
        return
    verb = "would be re-sealed" if dry_run else "re-sealed"
    for report in reports:
        print(
            f"{report.column.name}: {report.rows} value(s), {report.resealed} {verb} "
            f"({report.sealed_plain} of them plain), {len(report.unreadable)} unreadable"
        )
    if dry_run:
        print(f"dry run: {changed} value(s) would be re-sealed with the first key; nothing written")
    else:
        print(f"done: {changed} value(s) re-sealed with the first key")


def _unreadable_lines(report: _ColumnReport) -> list[str]:
    reason = "cannot be opened with any key in HAVEN_SECRET_KEY"
    if report.column.names_person:  # its key is a chat id: count, never name
        return [f"{report.column.name}: {len(report.unreadable)} value(s) {reason}"]
    return [f"{report.column.name} of row {row} {reason}" for row in report.unreadable]
