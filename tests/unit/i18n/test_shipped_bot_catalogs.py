"""The shipped ``bot.pot`` is current, and ``bot.po`` is complete in every shipped language."""

from __future__ import annotations

from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import bot
from bot.engine import NAVIGATION_LABELS
from bot.i18n import Catalogs, chrome, default_locales_dir

LOCALES = default_locales_dir()
SHIPPED = ("de", "fr", "ru")


def read_catalog(path: Path) -> dict[str, tuple[str, set[str]]]:
    with path.open("rb") as stream:
        catalog = read_po(stream)
    return {m.id: (m.string, set(m.flags)) for m in catalog if m.id and isinstance(m.id, str)}


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


TEMPLATE = read_catalog(LOCALES / "bot.pot")


def test_template_holds_every_marked_string() -> None:
    # The same extraction as the documented pybabel command: N_ only, over the bot package.
    package = Path(bot.__file__).parent
    marked = {message for _, _, message, _, _ in extract_from_dir(package, keywords={"N_": None})}
    assert marked == set(TEMPLATE), "locales/bot.pot is stale: run pybabel extract (bot/i18n)"


def test_template_holds_navigation_and_chrome() -> None:
    chrome_texts = {getattr(chrome, name) for name in chrome.__all__ if name.isupper()}
    assert set(NAVIGATION_LABELS.values()) <= set(TEMPLATE)
    assert chrome_texts <= set(TEMPLATE)
    assert len(chrome_texts) == 7


@pytest.mark.parametrize("language", SHIPPED)
def test_catalog_is_complete(language: str) -> None:
    translated = read_catalog(LOCALES / language / "LC_MESSAGES" / "bot.po")
    assert set(translated) == set(TEMPLATE)
    for msgid, (msgstr, flags) in translated.items():
        assert msgstr.strip(), f"{language}: {msgid!r} is not translated"
        assert "fuzzy" not in flags, f"{language}: {msgid!r} is fuzzy"
        assert placeholders(msgstr) == placeholders(msgid), f"{language}: {msgid!r} placeholders"


@pytest.mark.parametrize("language", SHIPPED)
def test_placeholders_format(language: str) -> None:
    catalogs = Catalogs.load()
    too_long = catalogs.ui_text(
        language, "That is too long: please keep it under {limit} characters."
    )
    assert "500" in too_long.format(limit=500)
    assert "3" in catalogs.ui_text(language, chrome.REVIEWED_ON).format(date="3")


def test_shipped_languages() -> None:
    catalogs = Catalogs.load()
    assert set(SHIPPED) <= set(catalogs.languages)
    assert [catalogs.ui_text(lang, NAVIGATION_LABELS["back"]) for lang in SHIPPED] == [
        "Zurück",
        "Retour",
        "Назад",
    ]
