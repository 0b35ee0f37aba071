"""``haven operators add|remove|list``: who may act for Haven in the staff group.

The database is ``--database-url``, else ``DATABASE_URL``, else the default SQLite file, as for
``haven db``. Like ``haven serve``, a SQLite database is brought up to the newest schema on the
way; a PostgreSQL one must be upgraded first with ``haven db upgrade``.

Exit codes: 0 done, 1 the database cannot be used or there is no such operator, 2 usage errors
(a bad user id, alias, language or role). Errors are one line on standard error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from bot.config import ConfigError, load_settings
from bot.handoff import HandoffSession, HandoffStore, Operator, normalize_languages
from bot.handoff.records import OPERATOR_ROLES, check_alias, check_user_id
from bot.privacy import Keys, load_keys
from bot.storage import Storage

from .db import database_url
from .failures import DATABASE_ERRORS, config_failed, database_failed

__all__ = ["add_parser", "run_add", "run_list", "run_remove"]

_PROG = "haven operators"
_URL_HELP = (
    "the database, e.g. postgresql+asyncpg://USER@HOST/DB or sqlite+aiosqlite:///PATH "
    "(default: the one `haven serve` uses: DATABASE_URL, else the SQLite file in DATA_DIR)"
)
_EXIT_CODES = "exit codes: 0 done, 1 the database cannot be used{}, 2 usage error"


class _Failure(Exception):
    """A one-line reason to exit with 1 (e.g. no such operator)."""


def add_parser(groups: Any) -> None:
    """Register the ``operators`` command group and its subcommands."""
    operators: argparse.ArgumentParser = groups.add_parser(
        "operators",
        help="add, remove and list the operators (advocates) of the staff group",
        description="Manage who may act in the staff group. Operators are recognised by their "
        "Telegram user id; users see only their alias. Admins may also ban and unban.",
    )
    commands = operators.add_subparsers(title="commands", metavar="COMMAND", required=True)

    add: argparse.ArgumentParser = commands.add_parser(
        "add",
        help="add an operator, or change an existing one",
        description="Add an operator, or replace the alias, languages and role of one who "
        "exists already.",
        epilog=_EXIT_CODES.format(""),
    )
    add.add_argument("user_id", metavar="USER_ID", type=_user_id, help="their Telegram user id")
    add.add_argument(
        "--alias",
        required=True,
        type=_alias,
        help="the name users see on the operator's messages instead of their account",
    )
    add.add_argument(
        "--languages",
        required=True,
        type=_languages,
        metavar="CODES",
        help="the languages they work in, comma-separated, e.g. ru,de",
    )
    add.add_argument(
        "--role",
        choices=OPERATOR_ROLES,
        default="operator",
        help="operator; admin (may also ban and unban); or maintainer (the console's flow "
        "pages only, no cases); default: operator",
    )
    _add_url_option(add)
    add.set_defaults(run=run_add)

    remove: argparse.ArgumentParser = commands.add_parser(
        "remove",
        help="remove an operator",
        description="Remove an operator: they can no longer act in the staff group. Tickets "
        "they handled keep them on record.",
        epilog=_EXIT_CODES.format(" or there is no such operator"),
    )
    remove.add_argument("user_id", metavar="USER_ID", type=_user_id, help="their Telegram user id")
    _add_url_option(remove)
    remove.set_defaults(run=run_remove)

    list_: argparse.ArgumentParser = commands.add_parser(
        "list",
        help="list the operators",
        description="List the operators by alias: user id, role, alias and languages.",
        epilog=_EXIT_CODES.format(""),
    )
    list_.add_argument("--format", choices=("text", "json"), default="text")
    _add_url_option(list_)
    list_.set_defaults(run=run_list)


def run_add(args: argparse.Namespace) -> int:
    """Add or update the operator and say which it was."""

    async def add(session: HandoffSession) -> str:
        operator, created = await session.operators.add(
            args.user_id, alias=args.alias, languages=args.languages, role=args.role
        )
        verb = "added" if created else "updated"
        return f"{verb} operator {operator.user_id}: {_describe(operator)}"

    return _run(args, add)


def run_remove(args: argparse.Namespace) -> int:
    """Remove the operator; 1 if there is none with the id."""

    async def remove(session: HandoffSession) -> str:
        if not await session.operators.remove(args.user_id):
            raise _Failure(f"no operator with user id {args.user_id}")
        return f"removed operator {args.user_id}"

    return _run(args, remove)


def run_list(args: argparse.Namespace) -> int:
    """Print the operators as text or JSON."""

    async def list_operators(session: HandoffSession) -> str:
        operators = await session.operators.list()
        if args.format == "json":
            return json.dumps([_as_json(o) for o in operators], ensure_ascii=False, indent=2)
        if not operators:
            return "no operators yet (add one with `haven operators add`)"
        return _table(operators)

    return _run(args, list_operators)


def _add_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", metavar="URL", help=_URL_HELP)


def _user_id(text: str) -> int:
    try:
        return check_user_id(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a Telegram user id: {text!r}") from None


def _alias(text: str) -> str:
    try:
        return check_alias(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _languages(text: str) -> tuple[str, ...]:
    try:
        return normalize_languages(code for code in text.split(",") if code.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _run(args: argparse.Namespace, action: Callable[[HandoffSession], Awaitable[str]]) -> int:
    try:
        url = database_url(args)
        keys = load_keys(load_settings())  # the bot's: the store opens nothing without them
    except ConfigError as error:
        return config_failed(_PROG, error)
    try:
        print(asyncio.run(_in_transaction(url, keys, action)))
    except _Failure as failure:
        print(f"{_PROG}: error: {failure}", file=sys.stderr)
        return 1
    except DATABASE_ERRORS as error:
        return database_failed(_PROG, url, error)
    return 0


async def _in_transaction(
    url: str, keys: Keys, action: Callable[[HandoffSession], Awaitable[str]]
) -> str:
    # As `haven serve` does: SQLite is migrated on the way, PostgreSQL is upgraded on purpose.
    storage = await Storage.open(url, sealer=keys.sealer, migrate=url.startswith("sqlite"))
    try:
        async with HandoffStore(storage, pseudonyms=keys.pseudonyms).transaction() as session:
            return await action(session)
    finally:
        await storage.close()


def _describe(operator: Operator) -> str:
    return f"{operator.alias} ({operator.role}; {', '.join(operator.languages)})"


def _as_json(operator: Operator) -> dict[str, Any]:
    return {
        "user_id": operator.user_id,
        "alias": operator.alias,
        "languages": list(operator.languages),
        "role": operator.role,
        "created_at": operator.created_at.isoformat(),
    }


def _table(operators: list[Operator]) -> str:
    rows = [("USER ID", "ROLE", "ALIAS", "LANGUAGES")]
    rows += [(str(o.user_id), o.role, o.alias, ",".join(o.languages)) for o in operators]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    )
