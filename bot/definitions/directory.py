"""Load the deployment's directory of organisations, every problem reported with file and line.

The directory lives beside the flows, in ``<flows>/directory/organisations.yaml``; the flow
loader leaves that folder alone, so the data can never be mistaken for a flow (or clash with the
``organisations`` flow that shows it). It is read with the flows' YAML reader, so a duplicated
key is refused and every finding names its line::

    language: en                  # optional: the language every entry is written in
    organisations:
      - id: connection
        name: Connection e.V.     # or by language: {en: Ark (Kovcheg), ru: Ковчег}
        description:              # what it does, by language; the source language required
          en: Counselling for people who refuse military service and for deserters.
          ru: Консультации для отказников и дезертиров.
        needs: [legal, asylum]    # what it helps with: the ids organisations nodes ask for
        countries: [de]           # optional: where a person must be (empty: anywhere)
        website: https://connection-ev.org   # optional, https only
        telegram:                 # optional contact details a deployment fills in
        email:
        phone:
        sources: [...]            # optional, as on a node; then ``reviewed`` is required
        reviewed: 2026-11-24      # optional: when someone last checked the entry

Checks that need the flows, the catalogs or today's date (who asks for which need, the shipped
languages, how old a review is) are in :mod:`bot.definitions.validation.organisations`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.engine import Directory, Organisation

from .builder import ID_PATTERN
from .issues import Issue
from .yaml_source import MAX_FILE_BYTES, YamlDocument, YamlPath, YamlSourceError, read_yaml

__all__ = [
    "DIRECTORY_FILE",
    "DIRECTORY_FOLDER",
    "LoadedDirectory",
    "directory_root",
    "is_directory_file",
    "load_directory",
    "load_project_directory",
    "parse_directory",
]

#: The folder inside the flows directory that holds deployment data rather than flows.
DIRECTORY_FOLDER = "directory"
#: The directory's file in that folder.
DIRECTORY_FILE = "organisations.yaml"

_TOP_FIELDS = ("language", "organisations")
_FIELDS = (
    "id",
    "name",
    "description",
    "needs",
    "countries",
    "website",
    "telegram",
    "email",
    "phone",
    "sources",
    "reviewed",
)
# As the locales/ directories are spelled: "ru", "de", "pt_BR".
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")
_COUNTRY = re.compile(r"[a-z]{2}")  # ISO 3166-1 alpha-2, lowercase
_TELEGRAM = re.compile(r"@?[A-Za-z][A-Za-z0-9_]{4,31}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]{4,30}")
_CONTACTS = {
    "telegram": (_TELEGRAM, "a Telegram username such as @example (5-32 letters, digits, _)"),
    "email": (_EMAIL, "an email address"),
    "phone": (_PHONE, "a phone number such as +49 69 1234567"),
}


@dataclass(frozen=True, slots=True)
class LoadedDirectory:
    """A directory with where it came from, so later findings can name file and line.

    ``issues`` are the problems found reading it; an entry with an error is left out of
    ``directory`` (its problem is reported), so one mistake does not hide the others.
    """

    directory: Directory
    path: str
    document: YamlDocument | None = None
    index: Mapping[str, int] = field(default_factory=dict)
    issues: tuple[Issue, ...] = ()

    @property
    def has_errors(self) -> bool:
        """Whether any entry (or the whole file) could not be read."""
        return any(issue.severity == "error" for issue in self.issues)

    def line(self, organisation: str | None = None, *fields: str | int) -> int:
        """The line of the file, an organisation, or one of its fields (``"name", "ru"``)."""
        if self.document is None:
            return 0
        if organisation is None or organisation not in self.index:
            return self.document.line(())
        return self.document.line(("organisations", self.index[organisation], *fields))


class _Invalid(Exception):
    def __init__(self, code: str, message: str, path: YamlPath) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path


def is_directory_file(path: Path) -> bool:
    """Whether ``path`` is a directory file (``…/directory/organisations.yaml``), not a flow."""
    return path.name == DIRECTORY_FILE and path.parent.name == DIRECTORY_FOLDER


def directory_root(paths: Sequence[Path]) -> Path | None:
    """The flows directory whose directory file belongs to ``paths`` (as for the catalogs).

    That is the first path when it is a folder, else the folder of the first file; given the
    directory file itself (or its folder), the flows directory above it.
    """
    if not paths:
        return None
    first = paths[0]
    if is_directory_file(first):
        return first.parent.parent
    if first.is_dir():
        if first.name == DIRECTORY_FOLDER and (first / DIRECTORY_FILE).is_file():
            return first.parent
        return first
    return first.parent


def load_project_directory(paths: Sequence[Path]) -> LoadedDirectory | None:
    """The directory of the flows under ``paths``, or None when that folder has no file.

    Other YAML files in the directory folder are reported (W163): the flow loader skips the
    folder, so a flow saved there by mistake would silently never run.
    """
    root = directory_root(paths)
    if root is None:
        return None
    folder = root / DIRECTORY_FOLDER
    file = folder / DIRECTORY_FILE
    stray = (
        sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p != file)
        if folder.is_dir()
        else []
    )
    unread = [
        Issue(
            "W163",
            f"{p.name} is not read: {DIRECTORY_FOLDER}/ holds only {DIRECTORY_FILE}, and flows "
            f"in it are never loaded",
            str(p),
            1,
        )
        for p in stray
    ]
    if not file.is_file():
        if not unread:
            return None
        return LoadedDirectory(Directory(), str(file), issues=tuple(unread))
    loaded = load_directory(file)
    return LoadedDirectory(
        loaded.directory, loaded.path, loaded.document, loaded.index, (*loaded.issues, *unread)
    )


def load_directory(path: Path, display: str | None = None) -> LoadedDirectory:
    """Read and parse a directory file; ``display`` is the path shown in issues."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            message = f"file is {size:,} bytes; the directory is limited to {MAX_FILE_BYTES:,}"
            return LoadedDirectory(Directory(), shown, issues=(Issue("E001", message, shown),))
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        issue = Issue("E001", f"cannot read: {error.strerror}", shown)
        return LoadedDirectory(Directory(), shown, issues=(issue,))
    return parse_directory(raw, shown)


def parse_directory(source: str | bytes, path: str) -> LoadedDirectory:
    """Parse a directory file's content; problems are in ``issues``, never raised."""
    raw = source.encode("utf-8") if isinstance(source, str) else source
    try:
        document = read_yaml(raw)
    except YamlSourceError as error:
        issue = Issue(error.code, error.message, path, error.line)
        return LoadedDirectory(Directory(), path, issues=(issue,))
    issues: list[Issue] = []

    def report(code: str, message: str, where: YamlPath) -> None:
        issues.append(Issue(code, message, path, document.line(where)))

    data = document.data
    if not isinstance(data, dict):
        report("E012", "the directory must be a mapping with 'organisations'", ())
        return LoadedDirectory(Directory(), path, document, issues=tuple(issues))
    for key in data:
        if key not in _TOP_FIELDS:
            report("E011", _unknown(key, _TOP_FIELDS), (str(key),))
    language = data.get("language", "en")
    if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
        message = f"'language' must be a language code such as en, found {language!r}"
        report("E012", message, ("language",))
        language = "en"
    if "organisations" not in data:
        report("E010", "required field 'organisations' is missing", ())
        return LoadedDirectory(Directory(language=language), path, document, issues=tuple(issues))
    raw_list = data["organisations"]
    if raw_list is None:
        raw_list = []  # "organisations:" with nothing under it: a deployment without any
    if not isinstance(raw_list, list):
        report("E012", "'organisations' must be a list of organisations", ("organisations",))
        return LoadedDirectory(Directory(language=language), path, document, issues=tuple(issues))

    organisations: list[Organisation] = []
    index: dict[str, int] = {}
    for position, raw in enumerate(raw_list):
        where: YamlPath = ("organisations", position)
        try:
            organisation = _organisation(raw, where, language)
        except _Invalid as invalid:
            report(invalid.code, invalid.message, invalid.path)
            continue
        if organisation.id in index:
            first = document.line(("organisations", index[organisation.id]))
            message = f"duplicate organisation id {organisation.id!r} (first at line {first})"
            report("E160", message, (*where, "id"))
            continue
        index[organisation.id] = position
        organisations.append(organisation)
    directory = Directory(tuple(organisations), language)
    return LoadedDirectory(directory, path, document, index, tuple(issues))


def _organisation(raw: Any, where: YamlPath, language: str) -> Organisation:
    if not isinstance(raw, dict):
        raise _Invalid("E012", "each organisation must be a mapping with id, name, ...", where)
    for key in raw:
        if key not in _FIELDS:
            raise _Invalid("E011", _unknown(key, _FIELDS), (*where, str(key)))
    for key in ("id", "name", "description", "needs"):
        if key not in raw:
            raise _Invalid("E010", f"required field {key!r} is missing", where)
    organisation_id = raw["id"]
    if not isinstance(organisation_id, str) or not ID_PATTERN.fullmatch(organisation_id):
        raise _Invalid(
            "E014",
            f"invalid id {organisation_id!r}: use lowercase letters, digits and _, starting with"
            " a letter, at most 32 characters",
            (*where, "id"),
        )
    needs = _needs(raw["needs"], (*where, "needs"))
    if not needs:
        raise _Invalid("E012", "'needs' must list at least one need", (*where, "needs"))
    countries = _countries(raw.get("countries"), (*where, "countries"))
    sources = _texts(raw.get("sources"), (*where, "sources"))
    reviewed = raw.get("reviewed")
    if reviewed is not None and (not isinstance(reviewed, date) or isinstance(reviewed, datetime)):
        raise _Invalid(
            "E012", f"expected a date like 2026-11-20, found {reviewed!r}", (*where, "reviewed")
        )
    if sources and reviewed is None:
        raise _Invalid(
            "E140", "states facts (has sources) but has no 'reviewed' date", (*where, "sources")
        )
    contacts = {name: _contact(raw.get(name), (*where, name), name) for name in _CONTACTS}
    return Organisation(
        id=organisation_id,
        name=_by_language(raw["name"], (*where, "name"), language),
        description=_by_language(raw["description"], (*where, "description"), language),
        needs=needs,
        countries=countries,
        website=_website(raw.get("website"), (*where, "website")),
        sources=sources,
        reviewed=reviewed,
        **contacts,
    )


def _unknown(key: Any, allowed: Iterable[str]) -> str:
    return f"unknown field {key!r}; expected one of {', '.join(sorted(allowed))}"


def _text(value: Any, where: YamlPath) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float | date):
        raise _Invalid(
            "E012",
            f"expected text, found {value!r}: put it in quotes (YAML reads yes/no/on/off as"
            " true/false, and digits as numbers)",
            where,
        )
    raise _Invalid("E012", "expected text", where)


def _by_language(value: Any, where: YamlPath, source: str) -> dict[str, str]:
    """Text given once (the same in every language) or as a mapping by language."""
    if not isinstance(value, dict):
        texts = {source: _text(value, where)}
    else:
        texts = {}
        for language, text in value.items():
            here = (*where, str(language))
            if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
                raise _Invalid("E012", f"{language!r} is not a language code such as ru", here)
            texts[language] = _text(text, here)
        if source not in texts:
            message = f"{where[-1]} has no {source!r} text (the source language)"
            raise _Invalid("E010", message, where)
    for language, text in texts.items():
        if not text.strip():
            here = where if not isinstance(value, dict) else (*where, language)
            raise _Invalid("E132", f"empty {where[-1]} ({language})", here)
    return texts


def _needs(value: Any, where: YamlPath) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Invalid("E012", "'needs' must be a list of ids, such as [legal, asylum]", where)
    for position, item in enumerate(value):
        if not isinstance(item, str) or not ID_PATTERN.fullmatch(item):
            raise _Invalid(
                "E014",
                f"invalid need {item!r}: use lowercase letters, digits and _, starting with a"
                " letter",
                (*where, position),
            )
    return tuple(dict.fromkeys(value))


def _countries(value: Any, where: YamlPath) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Invalid("E012", "'countries' must be a list of country codes, such as [de]", where)
    for position, item in enumerate(value):
        if not isinstance(item, str) or not _COUNTRY.fullmatch(item):
            raise _Invalid(
                "E012",
                f"{item!r} is not a country code: two lowercase letters (ISO 3166), such as de",
                (*where, position),
            )
    return tuple(dict.fromkeys(value))


def _texts(value: Any, where: YamlPath) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Invalid("E012", "expected a list", where)
    return tuple(_text(item, (*where, position)) for position, item in enumerate(value))


def _website(value: Any, where: YamlPath) -> str | None:
    if value is None or value == "":
        return None
    url = _text(value, where)
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise _Invalid("E133", f"website {url!r} is not an https:// URL", where)
    return url


def _contact(value: Any, where: YamlPath, name: str) -> str | None:
    if value is None or value == "":
        return None  # left empty: the deployment has not filled it in
    text = _text(value, where).strip()
    pattern, expected = _CONTACTS[name]
    if not pattern.fullmatch(text):
        raise _Invalid("E012", f"{name} {text!r} is not {expected}", where)
    return text
