"""The adapters' strings and dates in the user's language."""

from __future__ import annotations

from datetime import date

import pytest

from bot.i18n.chrome import REVIEWED_ON, localized_date


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "March 3, 2025"),
        ("ru", "3 марта 2025\u202fг."),  # a narrow no-break space before the year mark
        ("de", "3. März 2025"),
        ("fr", "3 mars 2025"),
    ],
)
def test_localized_date(language: str, expected: str) -> None:
    assert localized_date(date(2025, 3, 3), language) == expected


def test_reviewed_on_takes_a_date() -> None:
    assert REVIEWED_ON.format(date="March 3, 2025") == "Reviewed on March 3, 2025"
