"""``haven serve``: run the bot (local sandbox without a token, else Telegram)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.config import ConfigError, load_settings
from bot.library import LibraryError
from bot.logs import configure_logging
from bot.storage import StorageError

from .project import format_issue

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Register the ``serve`` command."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "serve",
        help="run the bot (local web chat when there is no token)",
        description="Run the bot. Without TELEGRAM_BOT_TOKEN: local mode, a Telegram sandbox and "
        "a web chat at http://HOST:PORT. With a token: long polling, or a webhook when "
        "WEBHOOK_URL is set. Settings come from the environment (see `haven config`). "
        "SIGHUP reloads the flows; SIGTERM stops cleanly.",
        epilog="exit codes: 0 stopped cleanly, 1 could not start (settings, flows, database, "
        "port), 2 usage error",
    )
    parser.add_argument(
        "--watch-flows",
        action="store_true",
        help="reload the flows when a flow or catalog file changes (an invalid edit is "
        "refused and the last good flows stay live)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Start the bot and block until it is stopped."""
    from bot.app import serve  # the runtime's imports are heavy: only for this command

    try:
        settings = load_settings()
    except ConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    configure_logging(settings.log_format, settings.log_level)
    try:
        asyncio.run(serve(settings, watch_flows=args.watch_flows))
    except LibraryError as error:
        for issue in error.issues:
            print(format_issue(issue), file=sys.stderr)
        print(f"Found {len(error.issues)} error(s) in the flows: not starting.", file=sys.stderr)
        return 1
    except StorageError as error:
        print(f"database: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # e.g. the port is taken
        print(f"cannot serve on {settings.host}:{settings.port}: {error.strerror}", file=sys.stderr)
        return 1
    return 0
