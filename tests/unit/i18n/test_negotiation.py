"""Choosing a shipped language from Telegram's ``language_code``, and naming languages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import DEFAULT_ALIASES, language_name, negotiate, parse_language_tag

AVAILABLE = ("de", "fr", "ru")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("de", "de"),
        ("de-AT", "de"),
        ("DE-at", "de"),
        ("de_AT", "de"),
        (" de ", "de"),
        ("fr-CA", "fr"),
        # Aliases: people from these countries usually read Russian.
        ("kk", "ru"),
        ("kk-KZ", "ru"),
        ("uk", "ru"),
        ("be", "ru"),
        ("ky", "ru"),
        ("hy", "ru"),
        # Nothing fits: the caller shows the language picker.
        ("en", None),
        ("es-MX", None),
        ("zz", None),
        ("!!", None),
        ("ru-", None),
        ("", None),
        (None, None),
    ],
)
def test_negotiate(code: str | None, expected: str | None) -> None:
    assert negotiate(code, AVAILABLE) == expected


def test_own_language_wins_over_its_alias() -> None:
    assert negotiate("uk", ["ru", "uk"]) == "uk"


def test_aliases_can_be_replaced() -> None:
    assert negotiate("kk", AVAILABLE, aliases={}) is None
    assert negotiate("kk", AVAILABLE, aliases={"kk": "de"}) == "de"


def test_default_aliases_point_to_russian() -> None:
    assert set(DEFAULT_ALIASES) == {"be", "kk", "ky", "hy", "uk"}
    assert set(DEFAULT_ALIASES.values()) == {"ru"}


def test_answer_is_spelled_as_available() -> None:
    assert negotiate("pt-br", ["de", "pt_BR"]) == "pt_BR"
    assert negotiate("PT-BR", ["pt-br"]) == "pt-br"


def test_bare_language_falls_back_to_a_regional_catalog() -> None:
    assert negotiate("pt", ["pt_PT", "pt_BR"]) == "pt_BR"
    assert negotiate("pt-PT", ["pt_BR", "pt"]) == "pt"


def test_script_and_territory() -> None:
    assert negotiate("zh-Hant-TW", ["zh_TW"]) == "zh_TW"


def test_nothing_available() -> None:
    assert negotiate("ru", []) is None


@given(st.one_of(st.none(), st.text(max_size=40)))
def test_negotiate_never_fails_and_answers_an_available_language(code: str | None) -> None:
    assert negotiate(code, AVAILABLE) in (*AVAILABLE, None)


def test_parse_language_tag() -> None:
    locale = parse_language_tag("pt-br")
    assert locale is not None
    assert (locale.language, locale.territory) == ("pt", "BR")
    assert parse_language_tag("not a tag") is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [("ru", "Русский"), ("de", "Deutsch"), ("fr", "Français"), ("en", "English")],
)
def test_language_name_in_its_own_language(code: str, expected: str) -> None:
    assert language_name(code) == expected


def test_language_name_in_another_language() -> None:
    assert language_name("ru", "en") == "Russian"
    assert language_name("de", "ru") == "Немецкий"


def test_language_name_of_an_unknown_code_is_the_code() -> None:
    assert language_name("zz") == "zz"
    assert language_name("ru", "!!") == "ru"
