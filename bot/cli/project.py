"""Finding and loading the project's flows and translations for the CLI commands."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import bot
from bot.definitions import FlowSet, Issue, load_flows
from bot.definitions.validation import DEFAULT_REVIEW_AGE_DAYS, Limits, validate
from bot.i18n.catalogs import CatalogError, Catalogs, default_locales_dir

__all__ = ["Project", "add_project_options", "default_flows_dir", "display_path", "load_project"]


def default_flows_dir() -> Path:
    """``flows/`` in the current directory if there is one, else the one shipped with Haven."""
    here = Path("flows")
    return here if here.is_dir() else Path(bot.__file__).resolve().parent.parent / "flows"


def display_path(path: Path) -> str:
    """``path`` relative to the current directory when it is below it (as ruff shows paths)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def add_project_options(parser: argparse.ArgumentParser) -> None:
    """``--locales`` and ``--max-review-age``, shared by commands that load flows."""
    parser.add_argument(
        "--locales",
        type=Path,
        metavar="DIR",
        help="translation catalogs (default: the project's locales/)",
    )
    parser.add_argument(
        "--max-review-age",
        type=int,
        default=DEFAULT_REVIEW_AGE_DAYS,
        metavar="DAYS",
        help="warn about facts reviewed longer ago than this (default: %(default)s)",
    )


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


def load_project(
    paths: list[Path], locales: Path | None = None, max_review_age: int | None = None
) -> Project:
    """Load flows under ``paths`` and the catalogs, and validate them in every shipped language."""
    flow_set = load_flows([Path(display_path(p)) if p.exists() else p for p in paths])
    catalog_issues: list[Issue] = []
    try:
        catalogs = Catalogs.load(locales) if locales or default_locales_dir().is_dir() else None
    except (CatalogError, FileNotFoundError) as error:
        catalogs = None
        where = getattr(error, "path", locales or default_locales_dir())
        line = getattr(error, "line", None) or 0
        reason = getattr(error, "reason", str(error))
        catalog_issues.append(Issue("E152", reason, display_path(Path(where)), line))
    limits = Limits(review_age_days=max_review_age or DEFAULT_REVIEW_AGE_DAYS)
    issues = validate(
        flow_set,
        today=date.today(),
        catalogs=catalogs,
        languages=catalogs.languages if catalogs else (),
        limits=limits,
    )
    return Project(flow_set, catalogs or Catalogs({}), catalog_issues + issues)
