"""Organisation checks: the nodes that list organisations, and the directory they list from.

The directory file's own problems (its schema, ids, websites, contact details) are found when it
is read (:mod:`bot.definitions.directory`); here are the checks that need the flows, the
shipped languages or today's date.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.engine.nodes import Organisations
from bot.engine.nodes.organisations import organisation_entry

from ..builder import ID_PATTERN
from ..directory import DIRECTORY_FILE, DIRECTORY_FOLDER, LoadedDirectory
from ..issues import Issue
from ..loader import LoadedFlow
from .context import ValidationContext

__all__ = ["check_directory", "check_organisation_nodes"]


def check_organisation_nodes(loaded: LoadedFlow, ctx: ValidationContext) -> Iterator[Issue]:
    """E012/E014 needs, E121 a country variable that cannot hold a country, W161 a need no
    organisation helps with, E131 a list too long for one message in some language."""
    flow = loaded.flow
    directory = ctx.directory
    for node in flow.nodes.values():
        if not isinstance(node, Organisations):
            continue
        if not node.needs:
            message = "'needs' must list at least one need"
            yield ctx.issue(loaded, "E012", message, node.id, "needs")
        for index, need in enumerate(node.needs):
            if not ID_PATTERN.fullmatch(need):
                message = f"invalid need {need!r}: lowercase letters, digits and _"
                yield ctx.issue(loaded, "E014", message, node.id, f"needs.{index}")
        variable = flow.variables.get(node.country) if node.country else None
        if variable is not None and variable.type not in ("text", "enum"):
            message = f"variable {variable.name!r} is {variable.type}; a country is text or enum"
            yield ctx.issue(loaded, "E121", message, node.id, "country")
        # A directory with errors lost the entries that have them: their needs are unknown.
        if directory is None or not directory.has_errors:
            offered = directory.directory.needs if directory else frozenset()
            for index, need in enumerate(node.needs):
                if need not in offered:
                    message = f"no organisation helps with {need!r}: {_where(directory)}"
                    yield ctx.issue(loaded, "W161", message, node.id, f"needs.{index}")
        if directory is not None:
            yield from _message_length(loaded, ctx, node, directory)


def _where(directory: LoadedDirectory | None) -> str:
    if directory is None:
        return f"there is no {DIRECTORY_FOLDER}/{DIRECTORY_FILE} beside the flows"
    return f"add one to {directory.path}, or ask for another need"


def _message_length(
    loaded: LoadedFlow, ctx: ValidationContext, node: Organisations, directory: LoadedDirectory
) -> Iterator[Issue]:
    """E131: the node's text and every organisation it can list, in each shipped language."""
    flow = loaded.flow
    found = directory.directory.matching(node.needs)
    if not found:
        return
    for language in (flow.language, *(lang for lang in ctx.languages if lang != flow.language)):
        text = node.text
        if language != flow.language and ctx.catalogs is not None:
            context = f"{flow.id}/{node.id}/text"
            text = ctx.catalogs.flow_text(language, context, node.text)
        entries = [organisation_entry(org, language, directory.directory) for org in found]
        length = len("\n\n".join([text, *entries]))
        if length > ctx.limits.message_length:
            message = (
                f"{language} text with its {len(found)} organisations is {length:,} characters;"
                f" Telegram allows {ctx.limits.message_length:,}: ask for fewer needs"
            )
            yield ctx.issue(loaded, "E131", message, node.id, "needs", language)


def check_directory(ctx: ValidationContext) -> Iterator[Issue]:
    """The directory's own issues; then E150 a description missing in a shipped language,
    E130 a name too long for its button, W141/W142 old or future reviews, and W162 a need
    that no ``organisations`` node asks for (so the organisation is never shown for it)."""
    loaded = ctx.directory
    if loaded is None:
        return
    yield from loaded.issues
    directory = loaded.directory
    limits = ctx.limits
    asked = {
        need
        for flow in ctx.flow_set.flows.values()
        for node in flow.flow.nodes.values()
        if isinstance(node, Organisations)
        for need in node.needs
    }
    for org in directory.organisations:
        issue = _Located(loaded, org.id)
        for language in ctx.languages:
            if language != directory.language and language not in org.description:
                message = f"missing {language} description of organisation {org.id!r}"
                yield issue("E150", message, "description", language=language)
        for language, name in org.name.items():
            if len(name) > limits.label_length:
                message = (
                    f"{language} name of {org.id!r} is {len(name)} characters; it labels the"
                    f" website button, and Telegram shows about {limits.label_length} well"
                )
                yield issue("E130", message, "name", language, language=language)
        if org.reviewed is not None:
            age = (ctx.today - org.reviewed).days
            if age > limits.review_age_days:
                message = (
                    f"{org.id!r} reviewed {age} days ago (limit {limits.review_age_days}):"
                    " check its details again"
                )
                yield issue("W141", message, "reviewed")
            elif age < 0:
                message = f"reviewed date {org.reviewed.isoformat()} is in the future"
                yield issue("W142", message, "reviewed")
        if asked:
            for index, need in enumerate(org.needs):
                if need not in asked:
                    message = (
                        f"no organisations node asks for {need!r}, so {org.id!r} is never"
                        " shown for it"
                    )
                    yield issue("W162", message, "needs", index)


class _Located:
    """Makes the issues of one organisation, each at the line of the field it concerns."""

    def __init__(self, loaded: LoadedDirectory, organisation: str) -> None:
        self.loaded = loaded
        self.organisation = organisation

    def __call__(
        self, code: str, message: str, *fields: str | int, language: str | None = None
    ) -> Issue:
        line = self.loaded.line(self.organisation, *fields)
        return Issue(code, message, self.loaded.path, line, language=language)
