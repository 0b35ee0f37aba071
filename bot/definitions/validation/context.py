"""What every check gets: the flows, the catalogs, the shipped languages and the limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.i18n.catalogs import Status

from ..directory import LoadedDirectory
from ..issues import Issue
from ..loader import FlowSet, LoadedFlow

__all__ = ["DEFAULT_REVIEW_AGE_DAYS", "Limits", "TranslationCatalogs", "ValidationContext"]


class TranslationCatalogs(Protocol):
    """The part of the i18n catalogs validation needs (see :class:`bot.i18n.Catalogs`)."""

    def flow_text(self, language: str, context: str, source: str) -> str: ...

    def status(self, language: str, context: str, source: str) -> Status: ...


#: Facts older than this (in days since ``reviewed``) get a W141 warning.
DEFAULT_REVIEW_AGE_DAYS = 365


@dataclass(frozen=True, slots=True)
class Limits:
    """Thresholds: Telegram's message limit, what a button shows well, how old a review may be."""

    label_length: int = 40
    message_length: int = 4096
    review_age_days: int = DEFAULT_REVIEW_AGE_DAYS


@dataclass(frozen=True, slots=True)
class ValidationContext:
    """Inputs shared by the checks. ``languages`` are the shipped translations to verify.

    ``directory`` is the deployment's directory of organisations, if it has one.
    """

    flow_set: FlowSet
    today: date
    catalogs: TranslationCatalogs | None = None
    languages: tuple[str, ...] = ()
    limits: Limits = Limits()
    directory: LoadedDirectory | None = None

    def issue(
        self,
        loaded: LoadedFlow,
        code: str,
        message: str,
        node: str | None = None,
        field: str | None = None,
        language: str | None = None,
    ) -> Issue:
        """An issue located at ``node``'s ``field`` in ``loaded``'s file."""
        return Issue(
            code,
            message,
            loaded.path,
            loaded.line(node, field),
            loaded.flow.id,
            node,
            language,
        )
