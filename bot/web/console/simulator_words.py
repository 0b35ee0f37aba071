"""The simulator's words, by the key its templates use (see :mod:`.words`)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.translation import N_

__all__ = ["SIMULATOR_WORDS"]

SIMULATOR_WORDS: Mapping[str, str] = {
    # TRANSLATORS: the link to the simulator, and its heading: a page where maintainers try a
    # dialogue flow as a person on Telegram would.
    "simulator": N_("Simulator"),
}
