"""The simulator page's small helpers: what a posted form means, and how an issue's file shows."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.engine import Chose, LanguageChosen, Navigated, TypedText
from bot.web.console.simulator import MAX_TEXT, _input, shown_path

SIMULATION = SimpleNamespace(languages=("en", "ru"))


@pytest.mark.parametrize(
    ("form", "meant"),
    [
        ({"turn": "7", "choice": "eu"}, Chose(7, "eu")),
        ({"turn": "7", "nav": "back"}, Navigated("back", 7)),
        ({"nav": "restart"}, Navigated("restart", None)),
        ({"turn": "7", "language": "ru"}, LanguageChosen("ru")),
        ({"turn": "7", "text": "  30 "}, TypedText("30")),
        ({"turn": "7", "text": "я" * (MAX_TEXT + 5)}, TypedText("я" * MAX_TEXT)),
    ],
)
def test_a_form_is_what_a_person_did(form: dict[str, str], meant: object) -> None:
    assert _input(form, SIMULATION) == meant  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"choice": "eu"},  # a button without its turn cannot be told from a stale one
        {"turn": "seven", "choice": "eu"},
        {"turn": "7", "nav": "delete_everything"},
        {"turn": "7", "language": "xx"},  # not a language of the flow
        {"turn": "7", "text": "   "},
    ],
)
def test_a_form_that_means_nothing_is_ignored(form: dict[str, str]) -> None:
    assert _input(form, SIMULATION) is None  # type: ignore[arg-type]


def test_issue_files_show_without_the_machines_paths(tmp_path: Path) -> None:
    flows = tmp_path / "project" / "flows"
    flows.mkdir(parents=True)
    assert shown_path(str(flows / "start.yaml"), flows) == "start.yaml"
    assert shown_path(str(flows / "directory" / "organisations.yaml"), flows) == (
        "directory/organisations.yaml"
    )
    catalog = tmp_path / "project" / "locales" / "ru" / "LC_MESSAGES" / "flows.po"
    assert shown_path(str(catalog), flows) == "locales/ru/LC_MESSAGES/flows.po"
    assert shown_path("/elsewhere/entirely/bot.po", flows) == "bot.po"
