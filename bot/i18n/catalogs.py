"""The translations the bot ships, read from gettext ``.po`` files at start-up.

The layout is Babel's: ``locales/<lang>/LC_MESSAGES/flows.po`` holds the flows' text (keyed by
msgctxt ``"<flow>/<node>/<field>"`` and the English source), ``bot.po`` the bot's own words
(keyed by the English source alone). The ``.po`` files are parsed directly, with no ``.mo``
compile step, so what reviewers read in a pull request is exactly what runs; they are parsed
once into plain dicts, so a lookup during a conversation is a dict access.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from babel.messages.pofile import PoFileError, read_po

import bot

__all__ = [
    "DOMAINS",
    "CatalogError",
    "Catalogs",
    "Status",
    "default_locales_dir",
]

#: The catalog domains: one ``<domain>.po`` per language.
DOMAINS: tuple[str, ...] = ("flows", "bot")

#: What flow validation learns about one string in one language.
Status = Literal["ok", "missing", "fuzzy"]

# A complete PO string: quotes around anything but an unescaped quote.
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"')

_KEYWORD = re.compile(r"msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\]")

# (msgctxt, msgid); bot.po entries have no msgctxt.
_Key = tuple[str | None, str]


class CatalogError(Exception):
    """A ``.po`` file could not be read; the message names the file and line."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Domain:
    """One ``.po`` file reduced to what the bot needs at run time."""

    # Only entries that may be shown: translated and not fuzzy.
    translations: Mapping[_Key, str] = field(default_factory=dict)
    # Entries a translator still has to confirm (``pybabel update`` guessed them).
    fuzzy: frozenset[_Key] = frozenset()


_EMPTY = _Domain()


def default_locales_dir(directory: str | Path | None = None) -> Path:
    """The ``locales/`` directory of the project, or ``directory`` when one is given.

    Args:
        directory: An explicit locales directory (configuration, tests).

    Returns:
        ``directory`` as a path, else ``locales/`` beside the ``bot`` package (the repository
        root in a checkout).
    """
    if directory is not None:
        return Path(directory)
    return Path(bot.__file__).resolve().parent.parent / "locales"


class Catalogs:
    """All shipped translations; implements the engine's ``Translator`` protocol.

    Lookups never fail: a missing, empty or fuzzy entry, or an unknown language, answers with
    the source text, so a gap in a catalog shows English rather than nothing. Flow validation
    uses :meth:`status` to make such gaps an error before they ship.
    """

    def __init__(self, domains: Mapping[str, Mapping[str, _Domain]]) -> None:
        """Wrap already parsed catalogs; use :meth:`load` to read a locales directory.

        Args:
            domains: Language -> domain name (``"flows"``, ``"bot"``) -> parsed catalog.
        """
        self._domains = {language: dict(parsed) for language, parsed in domains.items()}

    @classmethod
    def load(cls, directory: str | Path | None = None) -> Catalogs:
        """Read every ``<lang>/LC_MESSAGES/{flows,bot}.po`` under a locales directory.

        Args:
            directory: The locales directory; by default :func:`default_locales_dir`.

        Returns:
            The catalogs of every language that has at least one of the two files.

        Raises:
            FileNotFoundError: The directory does not exist (a deployment mistake that should
                stop the bot, not make it silently speak English).
            CatalogError: A ``.po`` file is malformed or not UTF-8 (pybabel writes UTF-8).
        """
        root = default_locales_dir(directory)
        if not root.is_dir():
            raise FileNotFoundError(f"locales directory not found: {root}")
        domains: dict[str, dict[str, _Domain]] = {}
        for language_dir in sorted(root.iterdir()):
            for domain in DOMAINS:
                path = language_dir / "LC_MESSAGES" / f"{domain}.po"
                if path.is_file():
                    domains.setdefault(language_dir.name, {})[domain] = _read(path)
        return cls(domains)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages that have catalogs, sorted (the source language is not among them)."""
        return tuple(sorted(self._domains))

    def flow_text(self, language: str, context: str, source: str) -> str:
        """A flow's string in ``language``, or ``source`` when there is no usable translation.

        Args:
            language: A language as in :attr:`languages`.
            context: The msgctxt, ``"<flow>/<node>/<field>"``.
            source: The text as written in the flow (the msgid).

        Returns:
            The translation, or ``source``.
        """
        return self._domain(language, "flows").translations.get((context, source), source)

    def ui_text(self, language: str, message: str) -> str:
        """The bot's own words (``bot.po``) in ``language``, or ``message`` untranslated.

        Args:
            language: A language as in :attr:`languages`.
            message: The English source, as marked with ``N_``.

        Returns:
            The translation, or ``message``.
        """
        return self._domain(language, "bot").translations.get((None, message), message)

    def status(self, language: str, context: str, source: str) -> Status:
        """Whether a flow's string is translated in ``language``, for flow validation.

        A changed source sentence no longer matches its old msgid, so it is ``"missing"`` until
        ``pybabel update`` carries the old translation over as a guess, which is ``"fuzzy"``
        until a translator confirms it. Neither is ever shown to users.

        Args:
            language: A language as in :attr:`languages`.
            context: The msgctxt, ``"<flow>/<node>/<field>"``.
            source: The text as written in the flow (the msgid).

        Returns:
            ``"ok"``, ``"fuzzy"`` or ``"missing"`` (also for a language without catalogs).
        """
        domain = self._domain(language, "flows")
        key = (context, source)
        if key in domain.translations:
            return "ok"
        if key in domain.fuzzy:
            return "fuzzy"
        return "missing"

    def _domain(self, language: str, domain: str) -> _Domain:
        return self._domains.get(language, {}).get(domain, _EMPTY)


def _read(path: Path) -> _Domain:
    """Parse one ``.po`` file; obsolete (``#~``) and plural entries are of no use and dropped."""
    data = path.read_bytes()
    try:
        # Decode here rather than in Babel so that a bad byte is reported with its line.
        # ``utf-8-sig``: tolerate the BOM some editors add. Split on "\n" only, as gettext does:
        # ``splitlines`` would also break a string at U+2028, NEL or a form feed inside it.
        lines = [line.removesuffix("\r") for line in data.decode("utf-8-sig").split("\n")]
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CatalogError(path, line, f"not valid UTF-8 ({error.reason})") from error
    _check_quoting(path, lines)
    try:
        # abort_invalid: Babel otherwise prints a warning for a malformed line and carries on,
        # which would ship a catalog with entries silently missing.
        catalog = read_po(lines, ignore_obsolete=True, abort_invalid=True)
    except PoFileError as error:
        # Babel counts lines from 0 and appends " on <n>" to its message.
        reason = str(error).removesuffix(f" on {error.lineno}")
        raise CatalogError(path, error.lineno + 1, reason) from error
    except (ValueError, LookupError) as error:
        # e.g. a broken Plural-Forms header
        raise CatalogError(path, None, str(error)) from error
    translations: dict[_Key, str] = {}
    fuzzy: set[_Key] = set()
    for message in catalog:
        # Skip the header (empty msgid) and plural entries: the bot has no plural lookups.
        if not message.id or not isinstance(message.id, str) or not isinstance(message.string, str):
            continue
        key = (message.context, message.id)
        if message.fuzzy:
            fuzzy.add(key)
        elif message.string:
            translations[key] = message.string
    return _Domain(translations, frozenset(fuzzy))


def _check_quoting(path: Path, lines: list[str]) -> None:
    """Reject a string with a missing or stray quote, which Babel would silently read as empty.

    Raises:
        CatalogError: naming the first badly quoted line.
    """
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line.startswith("#~"):
            line = line[2:].lstrip()
        elif not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            quoted = line
        else:
            keyword, _, quoted = line.partition(" ")
            if not _KEYWORD.fullmatch(keyword):
                continue  # Babel reports an unknown keyword itself, with its line
        if not _QUOTED.fullmatch(quoted.strip()):
            raise CatalogError(path, number, f"badly quoted string: {line}")
