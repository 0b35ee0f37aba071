"""What the ``flows`` commands share: their options, loading the project, reporting its issues.

Every command works on one flows directory (``--flows``, or for ``check`` the directory of its
first PATH) and on the translation catalogs in ``--locales``, by default ``locales/`` beside that
flows directory when there is one, else the project's. :func:`load_project` loads and validates
both; the errors that stop a command are printed by :func:`print_blocking`, as ruff prints
findings.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import library
from bot.definitions import Issue
from bot.definitions.validation import DEFAULT_REVIEW_AGE_DAYS
from bot.library import Project, default_flows_dir, default_locales

__all__ = [
    "Project",
    "add_project_options",
    "default_flows_dir",
    "default_locales",
    "display_path",
    "format_issue",
    "load_project",
    "print_blocking",
]


def add_project_options(
    parser: argparse.ArgumentParser, *, flows: bool = True, review_age: bool = False
) -> None:
    """Add ``--flows`` (unless the command takes flow paths), ``--locales`` and, for the
    commands that show validation warnings, ``--max-review-age``."""
    if flows:
        parser.add_argument(
            "--flows",
            type=Path,
            metavar="DIR",
            help="the flows directory (default: the project's flows/)",
        )
    parser.add_argument(
        "--locales",
        type=Path,
        metavar="DIR",
        help="translation catalogs (default: locales/ beside the flows directory, "
        "else the project's)",
    )
    if review_age:
        parser.add_argument(
            "--max-review-age",
            type=int,
            default=DEFAULT_REVIEW_AGE_DAYS,
            metavar="DAYS",
            help="warn about facts reviewed longer ago than this (default: %(default)s)",
        )


def display_path(path: Path) -> str:
    """``path`` relative to the current directory when it is below it (as ruff shows paths)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_project(
    paths: Sequence[Path],
    locales: Path | None = None,
    max_review_age: int = DEFAULT_REVIEW_AGE_DAYS,
) -> Project:
    """:func:`bot.library.load_project`, with paths shown relative to the current directory."""
    shown = [Path(display_path(p)) if p.exists() else p for p in paths]
    if locales is not None and locales.exists():
        locales = Path(display_path(locales))
    return library.load_project(shown, locales, max_review_age)


def format_issue(issue: Issue) -> str:
    """``path:line: CODE message``, the way ruff prints a finding."""
    where = f"{issue.path}:{issue.line}" if issue.line else issue.path
    return f"{where}: {issue.code} {issue.message}"


def print_blocking(issues: Sequence[Issue], conclusion: str | None = None) -> None:
    """Print the issues that stop a command on stderr, ruff-style, then ``conclusion``.

    The default conclusion counts the issues and says they stop the flows from running.
    """
    for issue in issues:
        print(format_issue(issue), file=sys.stderr)
    if conclusion is None:
        conclusion = f"Found {len(issues)} error(s): fix them before running the flows."
    print(conclusion, file=sys.stderr)
