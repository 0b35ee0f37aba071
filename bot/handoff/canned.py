"""Canned replies: short texts an operator sends with ``/canned <name>``, in the user's language.

The replies live in one YAML file beside the catalogs (``locales/canned_replies.yaml``), each
a name and its text per language::

    received:
      en: We have received your message. An advocate will answer you here within a day.
      ru: Мы получили ваше сообщение. Консультант ответит вам здесь в течение дня.

They are kept out of gettext on purpose: they are written by the advocates of a deployment, not
by the bot's translators, and change with the deployment rather than with the code. The file is
read with the flow files' YAML reader, so a duplicated name or language is refused and every
problem is reported with the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.definitions.yaml_source import YamlDocument, YamlSourceError, read_yaml

__all__ = [
    "CANNED_REPLIES_FILE",
    "MAX_REPLY_LENGTH",
    "CannedReplies",
    "CannedRepliesError",
]

#: The file's name in the locales directory.
CANNED_REPLIES_FILE = "canned_replies.yaml"

#: Telegram's limit for one message, counted as Telegram counts: in UTF-16 code units.
MAX_REPLY_LENGTH = 4096

_NAME = re.compile(r"[a-z][a-z0-9_]*")
# As the locales/ directories are spelled: "ru", "de", "pt_BR".
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")


class CannedRepliesError(Exception):
    """The canned replies file is unusable; ``str()`` is one ``file:line: problem`` per line.

    Attributes:
        problems: ``(line, message)`` pairs in line order; line 0 when no line applies.
    """

    def __init__(self, path: str, problems: list[tuple[int, str]]) -> None:
        """Keep the problems; the message names the file and line of each."""
        self.path = path
        self.problems = sorted(problems)
        super().__init__(
            "\n".join(
                f"{path}:{line}: {message}" if line else f"{path}: {message}"
                for line, message in self.problems
            )
        )


@dataclass(frozen=True, slots=True)
class CannedReplies:
    """The canned replies of a deployment: name -> language -> text.

    Attributes:
        replies: Every reply's texts by language, in the order of the file; every reply has a
            text in ``source_language``.
        source_language: The language every reply must have, and the fallback for the others.
    """

    replies: Mapping[str, Mapping[str, str]]
    source_language: str = "en"

    @classmethod
    def parse(
        cls, raw: bytes, path: str = CANNED_REPLIES_FILE, source_language: str = "en"
    ) -> CannedReplies:
        """Read canned replies from the bytes of a YAML file.

        Args:
            raw: The file's content.
            path: The file's name as shown in errors.
            source_language: The language every reply must have.

        Returns:
            The replies.

        Raises:
            CannedRepliesError: Every problem found, each with its line.
        """
        try:
            document = read_yaml(raw)
        except YamlSourceError as error:
            raise CannedRepliesError(path, [(error.line, error.message)]) from None
        problems: list[tuple[int, str]] = []
        replies = _replies(document, source_language, problems)
        if problems:
            raise CannedRepliesError(path, problems)
        return cls(replies, source_language)

    @classmethod
    def load(cls, path: Path, source_language: str = "en") -> CannedReplies:
        """Read canned replies from a file.

        Args:
            path: The YAML file, usually ``<locales>/canned_replies.yaml``.
            source_language: The language every reply must have.

        Returns:
            The replies.

        Raises:
            CannedRepliesError: The file cannot be read, or has problems (each with its line).
        """
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CannedRepliesError(str(path), [(0, f"cannot read: {error.strerror}")]) from None
        return cls.parse(raw, str(path), source_language)

    def names(self) -> tuple[str, ...]:
        """The replies' names in the order of the file (the order its authors chose)."""
        return tuple(self.replies)

    def get(self, name: str, language: str) -> str | None:
        """A reply in ``language``, or in the nearest language the reply has.

        Args:
            name: The reply's name.
            language: The user's language (``"ru"``, ``"pt_BR"``).

        Returns:
            The text in ``language``, else in its bare language (``pt`` for ``pt_BR``), else in
            the source language; None when there is no reply of that name.
        """
        texts = self.replies.get(name)
        if texts is None:
            return None
        for candidate in (language, language.split("_")[0], self.source_language):
            if candidate in texts:
                return texts[candidate]
        return None  # pragma: no cover - parse() guarantees the source language

    def missing(self, languages: Iterable[str]) -> list[tuple[str, str]]:
        """Which replies lack a text in which of ``languages`` (those fall back to the source).

        Args:
            languages: The languages a deployment ships.

        Returns:
            ``(name, language)`` pairs in the order of the file, then of ``languages``.
        """
        wanted = list(languages)
        return [
            (name, language)
            for name, texts in self.replies.items()
            for language in wanted
            if language not in texts
        ]


def _replies(
    document: YamlDocument, source_language: str, problems: list[tuple[int, str]]
) -> dict[str, dict[str, str]]:
    data = document.data
    if not isinstance(data, dict):
        problems.append(
            (document.line(()), "expected reply names, each with its text per language")
        )
        return {}
    replies: dict[str, dict[str, str]] = {}
    for name, texts in data.items():
        line = document.line((str(name),))
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            problems.append(
                (
                    line,
                    f"reply name {name!r} must start with a lower-case letter and hold only"
                    " lower-case letters, digits and _",
                )
            )
            continue
        if not isinstance(texts, dict):
            problems.append(
                (line, f"reply {name!r} must give its text per language, e.g. {source_language}:")
            )
            continue
        if source_language not in texts:
            problems.append(
                (line, f"reply {name!r} has no text in {source_language}, the source language")
            )
        replies[name] = {
            language: text
            for language, value in texts.items()
            if (text := _text(document, name, language, value, problems)) is not None
        }
    return replies


def _text(
    document: YamlDocument,
    name: str,
    language: Any,
    value: Any,
    problems: list[tuple[int, str]],
) -> str | None:
    line = document.line((name, str(language)))
    if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
        problems.append((line, f"{language!r} is not a language code like en, ru or pt_BR"))
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append((line, f"reply {name!r} in {language} must be text"))
        return None
    # Surrounding white space is an artefact of YAML block scalars, never meant to be sent.
    text = value.strip()
    length = len(text.encode("utf-16-le")) // 2
    if length > MAX_REPLY_LENGTH:
        problems.append(
            (
                line,
                f"reply {name!r} in {language} is {length} characters long; Telegram sends at"
                f" most {MAX_REPLY_LENGTH}",
            )
        )
        return None
    return text
