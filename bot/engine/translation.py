"""How the engine asks for text in the conversation's language, without knowing about gettext."""

from __future__ import annotations

from typing import Protocol

__all__ = ["N_", "SourceText", "Translator"]


def N_(message: str) -> str:
    """Mark the bot's own words for extraction into ``bot.pot``; translation happens later."""
    return message


class Translator(Protocol):
    """Looks up user-visible text in a language.

    ``flow_text`` translates a flow's own text; ``context`` is ``"<flow>/<node>/<field>"``, the
    msgctxt of the catalog entry. ``ui_text`` translates the bot's own words (navigation, retry
    prompts), keyed by their English source text. Both return the source when no translation
    exists, so a missing catalog degrades to the source language rather than to silence.
    """

    def flow_text(self, language: str, context: str, source: str) -> str: ...

    def ui_text(self, language: str, message: str) -> str: ...


class SourceText:
    """A translator that always answers with the source text (tests, and the source language)."""

    def flow_text(self, language: str, context: str, source: str) -> str:
        return source

    def ui_text(self, language: str, message: str) -> str:
        return message
