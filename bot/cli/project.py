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
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import bot
from bot.definitions import FlowSet, Issue, load_flows
from bot.definitions.validation import DEFAULT_REVIEW_AGE_DAYS, Limits, validate
from bot.i18n.catalogs import CatalogError, Catalogs, default_locales_dir

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


def default_flows_dir() -> Path:
    """``flows/`` in the current directory if there is one, else the one shipped with Haven."""
    here = Path("flows")
    return here if here.is_dir() else Path(bot.__file__).resolve().parent.parent / "flows"


def default_locales(flows_dir: Path) -> Path | None:
    """``locales/`` beside ``flows_dir`` if there is one, else the project's (None if neither)."""
    beside = flows_dir.parent / "locales"
    if beside.is_dir():
        return beside
    project = default_locales_dir()
    return project if project.is_dir() else None


def display_path(path: Path) -> str:
    """``path`` relative to the current directory when it is below it (as ruff shows paths)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class Project:
    """Loaded flows and catalogs, and every issue found on the way."""

    flow_set: FlowSet
    catalogs: Catalogs
    issues: list[Issue]

    @property
    def errors(self) -> list[Issue]:
        """The issues that make a flow set unfit to ship."""
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def blocking(self) -> list[Issue]:
        """The errors that stop the engine from running the flows.

        Problems of one language (a missing translation, a label too long in German) do not:
        the bot shows the source text there, and transcripts report it in that language.
        """
        return [issue for issue in self.errors if issue.language is None]


def load_project(
    paths: Sequence[Path],
    locales: Path | None = None,
    max_review_age: int = DEFAULT_REVIEW_AGE_DAYS,
) -> Project:
    """Load the flows under ``paths`` and the catalogs, and validate them in every language.

    Without ``locales``, the catalogs are :func:`default_locales` of the first path's directory
    (none if there are none); a ``locales`` given that cannot be read is an E152 issue.
    """
    if locales is None and paths:
        first = paths[0]
        locales = default_locales(first if first.is_dir() else first.parent)
    flow_set = load_flows([Path(display_path(p)) if p.exists() else p for p in paths])
    catalogs, catalog_issues = _load_catalogs(locales)
    issues = validate(
        flow_set,
        today=date.today(),
        catalogs=catalogs,
        languages=catalogs.languages if catalogs else (),
        limits=Limits(review_age_days=max_review_age),
    )
    return Project(flow_set, catalogs or Catalogs({}), catalog_issues + issues)


def _load_catalogs(locales: Path | None) -> tuple[Catalogs | None, list[Issue]]:
    if locales is None:
        return None, []
    try:
        return Catalogs.load(locales), []
    except CatalogError as error:
        where, line, reason = error.path, error.line or 0, error.reason
    except FileNotFoundError as error:
        where, line, reason = locales, 0, str(error)
    return None, [Issue("E152", reason, display_path(Path(where)), line)]


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
