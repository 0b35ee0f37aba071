"""``haven flows check``: validate flow files and print the issues the way ruff prints findings."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bot.definitions import CODES, Issue

from .project import add_project_options, default_flows_dir, format_issue, load_project

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Register the ``check`` subcommand."""
    codes = "\n".join(f"  {code}  {summary}" for code, summary in CODES.items())
    parser: argparse.ArgumentParser = commands.add_parser(
        "check",
        help="validate flow files",
        description="Validate flow files and their translations in every shipped language.",
        epilog=f"exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error\n\n"
        f"issue codes:\n{codes}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="flow files or directories"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_project_options(parser, flows=False, review_age=True)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Validate and print; 1 if any error was found."""
    paths = args.paths or [default_flows_dir()]
    project = load_project(paths, args.locales, args.max_review_age)
    if args.format == "json":
        _print_json(project.issues, len(project.flow_set.flows))
    else:
        _print_text(project.issues, len(project.flow_set.flows))
    return 1 if project.errors else 0


def _print_text(issues: list[Issue], flows: int) -> None:
    for issue in issues:
        print(format_issue(issue))
    counts = Counter(issue.severity for issue in issues)
    if not issues:
        print(f"All checks passed ({flows} flows).")
        return
    summary = f"Found {counts['error']} error(s) and {counts['warning']} warning(s)"
    print(f"{summary} in {flows} flows.", file=sys.stderr if counts["error"] else sys.stdout)


def _print_json(issues: list[Issue], flows: int) -> None:
    counts = Counter(issue.severity for issue in issues)
    report = {
        "flows": flows,
        "errors": counts["error"],
        "warnings": counts["warning"],
        "issues": [issue.to_dict() for issue in issues],
    }
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    print()
