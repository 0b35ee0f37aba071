"""The deployment's directory of organisations: who helps with what, and how to reach them.

The directory is data a deployment fills in, not dialogue: names, websites and contact details
change with the deployment, so flows never write them into their text. The engine is handed a
:class:`Directory` (like the translator and the clock) and the ``organisations`` node lists the
entries that help with what a person needs.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

__all__ = ["Directory", "Organisation"]


@dataclass(frozen=True, slots=True)
class Organisation:
    """One organisation of the directory.

    ``name`` and ``description`` hold the text by language; the directory's source language
    is always there, and is shown where a language is missing. ``needs`` are ids of what the
    organisation helps with (``legal``, ``asylum``...); ``countries`` are where a person must be
    for it to help (empty: wherever they are). ``telegram``, ``email`` and ``phone`` are
    contact details a deployment may add; ``sources`` and ``reviewed`` work as on a node.
    """

    id: str
    name: Mapping[str, str]
    description: Mapping[str, str]
    needs: tuple[str, ...]
    countries: tuple[str, ...] = ()
    website: str | None = None
    telegram: str | None = None
    email: str | None = None
    phone: str | None = None
    sources: tuple[str, ...] = ()
    reviewed: date | None = None

    def name_in(self, language: str, source: str = "en") -> str:
        """The name in ``language``, else in the ``source`` language."""
        return _in(self.name, language, source)

    def description_in(self, language: str, source: str = "en") -> str:
        """What the organisation does, in ``language``, else in the ``source`` language."""
        return _in(self.description, language, source)

    @property
    def contacts(self) -> tuple[str, ...]:
        """The contact details to show, as written (Telegram makes each one tappable)."""
        handle = f"@{self.telegram.removeprefix('@')}" if self.telegram else None
        return tuple(value for value in (handle, self.email, self.phone) if value)

    def helps_with(self, needs: Collection[str]) -> bool:
        """Whether it helps with at least one of ``needs``."""
        return any(need in needs for need in self.needs)

    def works_in(self, country: str | None) -> bool:
        """Whether it helps a person in ``country`` (None: the country is not known)."""
        return country is None or not self.countries or country.lower() in self.countries


@dataclass(frozen=True, slots=True)
class Directory:
    """The organisations a deployment lists, in the order it lists them.

    ``language`` is the language every entry is written in (the fallback for the others).
    """

    organisations: tuple[Organisation, ...] = ()
    language: str = "en"

    @property
    def needs(self) -> frozenset[str]:
        """Every need some organisation helps with."""
        return frozenset(need for org in self.organisations for need in org.needs)

    def matching(
        self, needs: Collection[str], country: str | None = None
    ) -> tuple[Organisation, ...]:
        """The organisations that help with any of ``needs`` (in ``country``, when given)."""
        return tuple(
            org for org in self.organisations if org.helps_with(needs) and org.works_in(country)
        )


def _in(texts: Mapping[str, str], language: str, source: str) -> str:
    text = texts.get(language)
    if text:
        return text
    return texts.get(source) or next(iter(texts.values()), "")
