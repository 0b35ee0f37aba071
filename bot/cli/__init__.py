"""The ``haven`` command line: ``haven flows check|graph|chat|test|facts``.

Each subcommand lives in its own module with ``add_parser(commands)`` (which sets ``run`` as
the parser's default) and ``run(args) -> int`` (the exit code): 0 success, 1 the command found
problems, 2 usage errors (argparse's convention).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bot import __version__

from . import (
    analytics,
    audit,
    config_cmd,
    db,
    flows_chat,
    flows_check,
    flows_facts,
    flows_graph,
    flows_test,
    keys,
    operators,
    serve,
)

__all__ = ["build_parser", "main"]

FLOWS_COMMANDS = (flows_check, flows_graph, flows_chat, flows_test, flows_facts)


def build_parser() -> argparse.ArgumentParser:
    """The full ``haven`` parser."""
    parser = argparse.ArgumentParser(
        prog="haven", description="Haven: a guidance bot for people seeking protection."
    )
    parser.add_argument("--version", action="version", version=f"haven {__version__}")
    groups = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    flows = groups.add_parser(
        "flows",
        help="check, draw, try and test the dialogue flows; list their facts",
        description="Work with the flow files in flows/.",
    )
    commands = flows.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for module in FLOWS_COMMANDS:
        module.add_parser(commands)
    config_cmd.add_parser(groups)
    db.add_parser(groups)
    keys.add_parser(groups)
    operators.add_parser(groups)
    audit.add_parser(groups)
    analytics.add_parser(groups)
    serve.add_parser(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``haven`` console script."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code
