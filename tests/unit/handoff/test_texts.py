"""The hand-off's own words: marked for translation, explained to translators, placeholders fit."""

from __future__ import annotations

from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import extract_from_file

from bot.handoff import texts

SOURCE = Path(texts.__file__)
CONSTANTS = {name: getattr(texts, name) for name in texts.__all__}

# What the adapters fill in; a translation must keep exactly these.
PLACEHOLDERS = {
    "REQUEST_PASSED": {"case", "hours"},
    "ALREADY_WITH_ADVOCATE": {"case"},
    "CASE_CLOSED": {"case"},
    "CLAIMED_BY": {"alias"},
    "CLOSED_WITH_REASON": {"reason"},
    "USERNAME_REVEALED": {"username"},
    "UNKNOWN_CANNED_REPLY": {"name", "names"},
    "CASE_REOPENED": {"case"},
    "ALREADY_CLAIMED": {"alias"},
    "OTHER_CASE_OPEN": {"case"},
    "CANNED_USAGE": {"names"},
    "REPLIED_FROM_CONSOLE": {"alias"},
}


def extracted() -> dict[str, list[str]]:
    """Each marked string and its translator comments, as ``pybabel extract -c TRANSLATORS:``."""
    found = extract_from_file(
        "python",
        SOURCE,
        keywords={"N_": None},
        comment_tags=["TRANSLATORS:"],
        strip_comment_tags=True,
    )
    return {message: comments for _, message, comments, _ in found}


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def test_every_constant_is_marked_and_explained() -> None:
    marked = extracted()
    assert set(CONSTANTS.values()) == set(marked)  # and nothing marked is left out of __all__
    for name, text in CONSTANTS.items():
        assert marked[text], f"{name} has no TRANSLATORS comment"


@pytest.mark.parametrize("name", sorted(CONSTANTS))
def test_placeholders(name: str) -> None:
    assert placeholders(CONSTANTS[name]) == PLACEHOLDERS.get(name, set())


def test_texts_are_distinct() -> None:
    # One msgid is one catalog entry: two constants with the same English would share it.
    assert len(set(CONSTANTS.values())) == len(CONSTANTS)


def test_confirmation_reads_well() -> None:
    text = texts.REQUEST_PASSED.format(case=42, hours="Mon–Fri, 9:00 AM – 6:00 PM (UTC)")
    assert text == (
        "Your request has been passed to an advocate. Case #42. "
        "Working hours: Mon–Fri, 9:00 AM – 6:00 PM (UTC)."
    )


@pytest.mark.parametrize("name", ["CANCEL_BUTTON", "REVEAL_BUTTON", "CLAIM_BUTTON", "CLOSE_BUTTON"])
def test_buttons_are_short(name: str) -> None:
    # Telegram cuts long button labels on a phone; translations get room to be longer.
    assert len(CONSTANTS[name]) <= 20
