"""Validation: every check over a set of loaded flows, returning typed, located issues."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from ..directory import LoadedDirectory
from ..issues import Issue
from ..loader import FlowSet, LoadedFlow
from .context import DEFAULT_REVIEW_AGE_DAYS, Limits, TranslationCatalogs, ValidationContext
from .facts import check_facts
from .links import check_links
from .organisations import check_directory, check_organisation_nodes
from .structure import check_flow_graph, check_gotos
from .texts import check_texts
from .variables import check_validation_rules, check_variables

__all__ = [
    "DEFAULT_REVIEW_AGE_DAYS",
    "Limits",
    "TranslationCatalogs",
    "ValidationContext",
    "validate",
]

FlowCheck = Callable[[LoadedFlow, ValidationContext], Iterator[Issue]]

FLOW_CHECKS: tuple[FlowCheck, ...] = (
    check_flow_graph,
    check_variables,
    check_validation_rules,
    check_texts,
    check_facts,
    check_links,
    check_organisation_nodes,
)


def validate(
    flow_set: FlowSet,
    *,
    today: date,
    catalogs: TranslationCatalogs | None = None,
    languages: tuple[str, ...] = (),
    limits: Limits | None = None,
    directory: LoadedDirectory | None = None,
) -> list[Issue]:
    """All issues of ``flow_set`` (its load issues included), sorted by file and line.

    ``languages`` are the shipped translations; with ``catalogs`` each is checked for missing
    and fuzzy entries and for lengths. ``today`` is injected so review ages are reproducible.
    ``directory`` is the deployment's directory of organisations (its issues included).
    """
    ctx = ValidationContext(flow_set, today, catalogs, languages, limits or Limits(), directory)
    issues = list(flow_set.issues)
    for loaded in flow_set.flows.values():
        for check in FLOW_CHECKS:
            issues.extend(check(loaded, ctx))
    issues.extend(check_gotos(ctx))
    issues.extend(check_directory(ctx))
    return sorted(issues, key=Issue.sort_key)
