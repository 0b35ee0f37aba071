"""Translations: the shipped catalogs, the user's language, and extraction of what to translate.

Two gettext domains live under ``locales/``:

* ``flows``: every user-visible string of the flow YAML files, with
  ``msgctxt = "<flow>/<node>/<field>"`` (:mod:`bot.i18n.extractor`);
* ``bot``: the bot's own words, marked with ``N_(...)`` in the Python code (navigation, retry
  prompts, :mod:`bot.i18n.chrome`).

Catalogs are read straight from the ``.po`` files (:class:`Catalogs`); nothing is compiled.

Refresh the templates and catalogs from the repository root::

    # flows: babel.cfg maps **.yaml (relative to flows/) to the haven_flows extractor
    pybabel extract -F babel.cfg --project=Haven --copyright-holder="Haven contributors" \\
        -o locales/flows.pot flows/
    pybabel update -D flows -i locales/flows.pot -d locales --previous

    # bot: only N_ marks the bot's words; "# TRANSLATORS:" comments become translator notes
    pybabel extract --no-default-keywords -k N_ -c TRANSLATORS: -s --project=Haven \\
        --copyright-holder="Haven contributors" -o locales/bot.pot bot/
    pybabel update -D bot -i locales/bot.pot -d locales

A new language starts with ``pybabel init -D flows -i locales/flows.pot -d locales -l <lang>``
(and the same with ``-D bot``). When the English of an entry changes, ``pybabel update``
carries over the translation of the most similar old text as a fuzzy guess (``--previous``
shows the old English beside it); a rewrite beyond recognition gets no guess and is missing.
A fuzzy or missing flow translation fails ``haven flows check``; at run time the English shows.

The extractor needs the package installed (``pip install -e .``) so that Babel finds the
``haven_flows`` entry point, and Babel's default keywords (it reports a string with its context
the way ``pgettext`` does), so do not pass ``--no-default-keywords`` for the flows domain.
"""

from __future__ import annotations

from bot.i18n.catalogs import DOMAINS, CatalogError, Catalogs, Status, default_locales_dir
from bot.i18n.negotiation import DEFAULT_ALIASES, language_name, negotiate, parse_language_tag

__all__ = [
    "DEFAULT_ALIASES",
    "DOMAINS",
    "CatalogError",
    "Catalogs",
    "Status",
    "default_locales_dir",
    "language_name",
    "negotiate",
    "parse_language_tag",
]
