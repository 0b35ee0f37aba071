"""``haven serve``: run the bot (local sandbox without a token, else Telegram)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any
from urllib.parse import urlsplit

import httpx
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError

from bot.config import ConfigError, Settings, load_settings
from bot.handoff.canned import CannedRepliesError
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
        "port, Telegram), 2 usage error",
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
    except ConfigError as error:  # the keys: checked at start, where local mode makes them
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except LibraryError as error:
        for issue in error.issues:
            print(format_issue(issue), file=sys.stderr)
        print(f"Found {len(error.issues)} error(s) in the flows: not starting.", file=sys.stderr)
        return 1
    except StorageError as error:
        print(f"database: {error}", file=sys.stderr)
        return 1
    except CannedRepliesError as error:
        print(error, file=sys.stderr)
        print("The canned replies have errors: not starting.", file=sys.stderr)
        return 1
    except (TelegramError, httpx.HTTPError) as error:
        print(telegram_problem(error, settings), file=sys.stderr)
        return 1
    except OSError as error:  # e.g. the port is taken
        print(f"cannot serve on {settings.host}:{settings.port}: {error.strerror}", file=sys.stderr)
        return 1
    return 0


def telegram_problem(error: TelegramError | httpx.HTTPError, settings: Settings) -> str:
    """One line on why the Bot API could not be used at start, naming the error's type only.

    Never the error's text: PTB's messages quote the token, and a refusal may quote anything.
    """
    kind = type(error).__name__
    if isinstance(error, InvalidToken):
        return f"Telegram refused the token ({kind}): check TELEGRAM_BOT_TOKEN"
    if isinstance(error, NetworkError | httpx.HTTPError) and not isinstance(error, BadRequest):
        return f"cannot reach the Bot API at {_api_address(settings)}: {kind}"
    return f"the Bot API at {_api_address(settings)} refused to start the bot: {kind}"


def _api_address(settings: Settings) -> str:
    """Where the bot talks to the Bot API, without any credentials written into the URL."""
    if settings.mode == "local":
        return f"the local sandbox on {settings.host}:{settings.port}"
    parts = urlsplit(settings.telegram_api_url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"
