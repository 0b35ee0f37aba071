"""The operator pages' words (the queue, a case), by the key their templates use (see
:mod:`.words`)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.translation import N_

__all__ = ["CASE_WORDS"]

CASE_WORDS: Mapping[str, str] = {
    # TRANSLATORS: the link to the list of cases (people who asked for an advocate), and its
    # heading.
    "cases": N_("Cases"),
}
