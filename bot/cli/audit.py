"""``haven audit``: what operators did and viewed, and what was refused, oldest first.

Prints the audit log (:mod:`bot.handoff.audit`): the time (UTC), who (the operator's current
alias and Telegram user id; only the id for someone who is not, or no longer, an operator), the
action (``refused:...`` when it was refused), the case and a short detail. The log holds no free
text, so neither does this output.

The database is ``--database-url``, else ``DATABASE_URL``, else the default SQLite file, as for
``haven operators``. Exit codes: 0 printed (also when there is nothing to print), 1 the
database cannot be used, 2 usage errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import ConfigError, load_settings
from bot.handoff import HandoffStore
from bot.handoff.audit import AuditEntry
from bot.privacy import Keys, load_keys
from bot.storage import Storage

from .db import database_url
from .failures import DATABASE_ERRORS, config_failed, database_failed

__all__ = ["add_parser", "parse_since", "run"]

_PROG = "haven audit"
_URL_HELP = (
    "the database, e.g. postgresql+asyncpg://USER@HOST/DB or sqlite+aiosqlite:///PATH "
    "(default: the one `haven serve` uses: DATABASE_URL, else the SQLite file in DATA_DIR)"
)
_AGE = re.compile(r"(?P<amount>[0-9]+)(?P<unit>[mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def add_parser(groups: Any) -> None:
    """Register the ``audit`` command."""
    audit: argparse.ArgumentParser = groups.add_parser(
        "audit",
        help="show what operators did and viewed, and what was refused",
        description="Print the audit log of the staff group, oldest first: operators' actions "
        "(claim, reply, close, note...) and views (/queue, summaries), and every refused "
        "attempt, also by members who are not operators. Times are UTC.",
        epilog="exit codes: 0 printed, 1 the database cannot be used, 2 usage error",
    )
    audit.add_argument(
        "--since",
        type=_since,
        metavar="WHEN",
        help="only records since then: an age such as 30m, 12h, 7d or 2w, or an ISO date or "
        "time such as 2026-11-20 or 2026-11-20T14:00+01:00 (UTC when no offset is given)",
    )
    audit.add_argument(
        "--operator", type=_positive, metavar="USER_ID", help="only this Telegram user's records"
    )
    audit.add_argument("--case", type=_positive, metavar="N", help="only records about case N")
    audit.add_argument(
        "--limit",
        type=_positive,
        metavar="N",
        help="only the newest N records (still oldest first)",
    )
    audit.add_argument("--format", choices=("text", "json"), default="text")
    audit.add_argument("--database-url", metavar="URL", help=_URL_HELP)
    audit.set_defaults(run=run)


def parse_since(text: str, now: datetime) -> datetime:
    """``--since``: an age back from ``now`` (``7d``, ``12h``, ``30m``, ``2w``) or an ISO time.

    Raises:
        ValueError: Neither.
    """
    text = text.strip()
    age = _AGE.fullmatch(text)
    if age is not None:
        return now - timedelta(**{_UNITS[age["unit"]]: int(age["amount"])})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an age such as 7d or an ISO date or time: {text!r}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def run(args: argparse.Namespace) -> int:
    """Print the records asked for, as a table or JSON."""
    try:
        url = database_url(args)
        keys = load_keys(load_settings())  # the store opens nothing without the bot's keys
    except ConfigError as error:
        return config_failed(_PROG, error)
    try:
        since = parse_since(args.since, datetime.now(UTC)) if args.since is not None else None
        rows = asyncio.run(_read(url, keys, since, args.operator, args.case, args.limit))
    except DATABASE_ERRORS as error:
        return database_failed(_PROG, url, error)
    if args.format == "json":
        print(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
    elif not rows:
        print("no audit records")
    else:
        print(_table(rows))
    return 0


@dataclass(frozen=True, slots=True)
class _Row:
    entry: AuditEntry
    alias: str | None

    def as_json(self) -> dict[str, Any]:
        entry = self.entry
        return {
            "at": entry.at.astimezone(UTC).isoformat(),
            "actor": entry.actor,
            "alias": self.alias,
            "action": entry.action,
            "case": entry.ticket_id,
            "detail": entry.detail,
        }

    def cells(self) -> tuple[str, str, str, str, str]:
        entry = self.entry
        who = f"{self.alias} ({entry.actor})" if self.alias is not None else str(entry.actor)
        return (
            entry.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            who,
            entry.action,
            f"#{entry.ticket_id}" if entry.ticket_id is not None else "-",
            entry.detail or "",
        )


async def _read(
    url: str,
    keys: Keys,
    since: datetime | None,
    actor: int | None,
    case: int | None,
    limit: int | None,
) -> list[_Row]:
    # As `haven serve` does: SQLite is migrated on the way, PostgreSQL is upgraded on purpose.
    storage = await Storage.open(url, sealer=keys.sealer, migrate=url.startswith("sqlite"))
    try:
        async with HandoffStore(storage, pseudonyms=keys.pseudonyms).transaction() as tx:
            entries = await tx.audit.list(since=since, actor=actor, ticket_id=case, limit=limit)
            aliases = {operator.user_id: operator.alias for operator in await tx.operators.list()}
    finally:
        await storage.close()
    return [_Row(entry, aliases.get(entry.actor)) for entry in entries]


def _table(rows: list[_Row]) -> str:
    lines = [("TIME (UTC)", "OPERATOR", "ACTION", "CASE", "DETAIL")]
    lines += [row.cells() for row in rows]
    widths = [max(len(line[column]) for line in lines) for column in range(4)]
    return "\n".join(
        (
            "  ".join(cell.ljust(width) for cell, width in zip(line[:4], widths, strict=True))
            + f"  {line[4]}"
        ).rstrip()
        for line in lines
    )


def _since(text: str) -> str:
    # Checked here, for argparse's usage error; read against the clock when the command runs.
    try:
        parse_since(text, datetime.now(UTC))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return number
