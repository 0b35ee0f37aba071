"""The bot's own words around the flows ("chrome"), for adapters to show via ``ui_text``.

The engine marks its own words (navigation labels, retry prompts) where it uses them; these are
the ones only adapters need: stale buttons, the language picker, the hand-off and the footer
of fact messages. All are English source text, extracted with ``N_`` into ``bot.pot``;
translate them with ``Translator.ui_text(language, CONSTANT)``.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from bot.engine.translation import N_

__all__ = [
    "ADVOCATE_ASKED",
    "CHOOSE_LANGUAGE",
    "CONVERSATION_ENDED",
    "NOTHING_TO_GO_BACK_TO",
    "REVIEWED_ON",
    "SOURCES",
    "STALE_MENU",
    "localized_date",
]

# TRANSLATORS: after a button of an older message was pressed; the current question follows.
STALE_MENU = N_("This menu is out of date. Here is the current step again.")

# TRANSLATORS: the answer to "Back" at the first question.
NOTHING_TO_GO_BACK_TO = N_("There is no earlier question to go back to.")

# TRANSLATORS: heading of the language picker; each language is listed in its own name.
CHOOSE_LANGUAGE = N_("Choose your language:")

# TRANSLATORS: after asking for a person. Users fear being identified: keep "no name needed".
ADVOCATE_ASKED = N_("An advocate has been asked to join. You do not need to give your name.")

# TRANSLATORS: "/start" is a Telegram command: do not translate it.
CONVERSATION_ENDED = N_("The conversation has ended. Send /start to begin again.")

# TRANSLATORS: heading of the list of sources (links) under a message that states facts.
SOURCES = N_("Sources:")

# TRANSLATORS: under a message of facts; {date} is a date in your language, e.g. "3 March 2025".
REVIEWED_ON = N_("Reviewed on {date}")


def localized_date(day: date, language: str) -> str:
    """A date written out the way ``language`` writes it, for ``REVIEWED_ON``'s ``{date}``.

    Args:
        day: The date, e.g. a node's ``reviewed``.
        language: A language as in ``Catalogs.languages`` (``"ru"``), or the source ``"en"``.

    Returns:
        The long form, e.g. ``"3. März 2025"`` or ``"March 3, 2025"``: a month name cannot be
        misread the way 03/04 can between languages.
    """
    return format_date(day, format="long", locale=language)
