"""``haven config``: the effective settings, where each came from, and the mode they select.

Secrets are never printed, only whether they are set; passwords in DATABASE_URL and
TELEGRAM_API_URL (in the userinfo or the query) are masked, and of WEBHOOK_URL, whose path often
is a secret, only the scheme and host are shown.
An invalid configuration prints one line per problem and exits 1, so ``haven config`` is the
way to check a deployment's environment before ``haven serve``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.config import ConfigError, Settings, load_settings, mask_url

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Register the ``config`` command."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "config",
        help="show the effective settings (secrets masked)",
        description="Show the settings read from the environment and .env, with secrets "
        "masked, where each value came from, and the mode they select.",
        epilog="exit codes: 0 valid configuration, 1 invalid configuration, 2 usage error",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the settings; 1 (and one line per problem) if they are invalid."""
    try:
        settings = load_settings()
    except ConfigError as error:
        if args.format == "json":
            json.dump({"errors": error.problems}, sys.stdout, ensure_ascii=False, indent=2)
            print()
        else:
            for problem in error.problems:
                print(problem, file=sys.stderr)
        return 1
    if args.format == "json":
        _print_json(settings)
    else:
        _print_text(settings)
    return 0


def _describe_mode(settings: Settings) -> str:
    address = f"http://{settings.host}:{settings.port}"
    if settings.mode == "local":
        return f"local (no TELEGRAM_BOT_TOKEN: the built-in sandbox, web chat at {address})"
    if settings.mode == "webhook":
        return f"webhook (Telegram posts to WEBHOOK_URL; listening on {address})"
    return f"polling (long polling {mask_url(settings.telegram_api_url)})"


def _print_text(settings: Settings) -> None:
    shown = settings.masked()
    width = max(len(name) for name in shown)
    values = {name: "not set" if value is None else str(value) for name, value in shown.items()}
    value_width = max(len(value) for value in values.values())
    print(f"mode: {_describe_mode(settings)}")
    for name, value in values.items():
        source = settings.source(name.lower())
        print(f"{name:<{width}}  {value:<{value_width}}  ({source})".rstrip())


def _print_json(settings: Settings) -> None:
    report = {
        "mode": settings.mode,
        "settings": {
            name: {"value": value, "source": settings.source(name.lower())}
            for name, value in settings.masked().items()
        },
    }
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    print()
