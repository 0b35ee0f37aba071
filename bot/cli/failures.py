"""How the database commands report what stops them: one line per problem, exit code 1.

Shared by every command that opens the database (``haven db``, ``keys``, ``operators``,
``audit``), so they all say it the same way and never quote more than the URL shown safely.
"""

from __future__ import annotations

import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError
from bot.storage import StorageError, describe_error, display_url

__all__ = ["DATABASE_ERRORS", "config_failed", "database_failed"]

#: What opening or using the database may raise that a command reports rather than crashes on.
DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    StorageError,
    SQLAlchemyError,
    OSError,
    TimeoutError,
)


def config_failed(prog: str, error: ConfigError) -> int:
    """Print each of the settings' problems; returns the exit code, 1."""
    for problem in error.problems:
        print(f"{prog}: error: {problem}", file=sys.stderr)
    return 1


def database_failed(prog: str, url: str, error: BaseException) -> int:
    """Print why the database at ``url`` could not be used; returns the exit code, 1.

    A :class:`StorageError` says it in its own words (they are meant for people); anything
    else is named with the URL (its password masked) and the error's description.
    """
    if isinstance(error, StorageError):
        print(f"{prog}: error: {error}", file=sys.stderr)
    else:
        print(
            f"{prog}: error: cannot use the database {display_url(url)}: {describe_error(error)}",
            file=sys.stderr,
        )
    return 1
