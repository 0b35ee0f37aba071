"""The flows and translations a bot or a command works with: loaded, validated, reloadable.

:func:`load_project` reads a flows directory, its directory of organisations and its catalogs,
and validates them in every shipped language. :class:`FlowLibrary` is what a running bot holds:
the last good flows, organisations and catalogs, and an engine over them; a reload that finds
errors (in any of them) is refused and the bot keeps running what it had.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import bot
from bot.definitions import FlowSet, Issue, load_flows
from bot.definitions.directory import LoadedDirectory, load_project_directory
from bot.definitions.validation import DEFAULT_REVIEW_AGE_DAYS, Limits, validate
from bot.engine import Directory, Engine, Translator
from bot.i18n.catalogs import CatalogError, Catalogs, default_locales_dir

__all__ = [
    "FlowLibrary",
    "LibraryError",
    "Project",
    "default_flows_dir",
    "default_locales",
    "load_project",
]

log = logging.getLogger(__name__)


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


@dataclass
class Project:
    """Loaded flows, organisations and catalogs, and every issue found on the way.

    ``loaded_directory`` is the directory file as read (None when the flows have none).
    """

    flow_set: FlowSet
    catalogs: Catalogs
    issues: list[Issue]
    loaded_directory: LoadedDirectory | None = None

    @property
    def directory(self) -> Directory:
        """The organisations, as the engine takes them (none when there is no directory)."""
        loaded = self.loaded_directory
        return loaded.directory if loaded is not None else Directory()

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
    today: date | None = None,
) -> Project:
    """Load the flows under ``paths``, their organisations and the catalogs, and validate them.

    Without ``locales``, the catalogs are :func:`default_locales` of the first path's directory
    (none if there are none); a ``locales`` given that cannot be read is an E152 issue. The
    organisations come from ``directory/organisations.yaml`` in the flows directory, if there.
    """
    if locales is None and paths:
        first = paths[0]
        locales = default_locales(first if first.is_dir() else first.parent)
    flow_set = load_flows(paths)
    directory = load_project_directory(paths)
    catalogs, catalog_issues = _load_catalogs(locales)
    issues = validate(
        flow_set,
        today=today or date.today(),
        catalogs=catalogs,
        languages=catalogs.languages if catalogs else (),
        limits=Limits(review_age_days=max_review_age),
        directory=directory,
    )
    return Project(flow_set, catalogs or Catalogs({}), catalog_issues + issues, directory)


def _load_catalogs(locales: Path | None) -> tuple[Catalogs | None, list[Issue]]:
    if locales is None:
        return None, []
    try:
        return Catalogs.load(locales), []
    except CatalogError as error:
        where, line, reason = error.path, error.line or 0, error.reason
    except FileNotFoundError as error:
        where, line, reason = locales, 0, str(error)
    return None, [Issue("E152", reason, str(where), line)]


class LibraryError(Exception):
    """The flows cannot run; ``issues`` say why (the first load only: reloads keep the old)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(f"{len(issues)} error(s) in the flows")
        self.issues = issues


class FlowLibrary:
    """The live flows, organisations and catalogs of a running bot, and an engine over them.

    Args:
        flows_dir: the flow files (and ``directory/organisations.yaml``, the organisations).
        locales_dir: the catalogs (None: the default beside the flows).
        clock: handed to the engine.
        source_language: the flows' source language, offered first.
    """

    def __init__(
        self,
        flows_dir: Path,
        locales_dir: Path | None,
        clock: Callable[[], datetime],
        source_language: str = "en",
    ) -> None:
        self.flows_dir = flows_dir
        self.locales_dir = locales_dir
        self.clock = clock
        self.source_language = source_language
        project = self._load()
        if project.errors:
            raise LibraryError(project.errors)
        self._install(project)

    @property
    def engine(self) -> Engine:
        """The engine over the current flows (replaced, never changed, by a reload)."""
        return self._engine

    @property
    def catalogs(self) -> Catalogs:
        """The current catalogs (the same object for a whole reload generation)."""
        return self._catalogs

    @property
    def project(self) -> Project:
        """The live flows, catalogs and the warnings found in them (the console's flow map)."""
        return self._project

    @property
    def translator(self) -> Translator:
        """A translator that always uses the current catalogs (it follows reloads)."""
        return _LiveTranslator(self)

    @property
    def languages(self) -> tuple[str, ...]:
        """The source language, then every language with catalogs."""
        others = [lang for lang in self._catalogs.languages if lang != self.source_language]
        return (self.source_language, *others)

    def reload(self) -> list[Issue]:
        """Load the files again; install them only if they have no errors.

        Returns:
            The errors that made the reload fail (empty when the new flows are live).
        """
        project = self._load()
        if project.errors:
            log.warning("flow reload refused: %d error(s); the last good flows stay live",
                        len(project.errors))  # fmt: skip
            for issue in project.errors:
                log.warning("%s:%d: %s %s", issue.path, issue.line, issue.code, issue.message)
            return project.errors
        self._install(project)
        flows, organisations = len(project.flow_set.flows), len(project.directory.organisations)
        log.info("flows reloaded: %d flows, %d organisations", flows, organisations)
        return []

    def _load(self) -> Project:
        return load_project([self.flows_dir], self.locales_dir)

    def _install(self, project: Project) -> None:
        self._project = project
        self._catalogs = project.catalogs
        self._engine = Engine(
            project.flow_set.engine_flows,
            project.catalogs,
            clock=self.clock,
            directory=project.directory,
        )


class _LiveTranslator:
    """Looks up text in whatever catalogs the library holds at the time of the call."""

    def __init__(self, library: FlowLibrary) -> None:
        self._library = library

    def flow_text(self, language: str, context: str, source: str) -> str:
        return self._library.catalogs.flow_text(language, context, source)

    def ui_text(self, language: str, message: str) -> str:
        return self._library.catalogs.ui_text(language, message)
