"""Every fixture in tests/data/broken_flows/ yields exactly the issues its comments announce.

A fixture marks each expected issue on its line with ``# <- CODE``; the check must report that
code on that line and nothing else, so a fixture can neither pass by accident nor drown in noise.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.definitions import load_flows
from bot.definitions.validation import validate

FIXTURES = Path(__file__).parents[2] / "data" / "broken_flows"
MARKER = re.compile(r"# <- ([EW]\d{3})")
TODAY = date(2026, 11, 24)


def expected_issues(path: Path) -> set[tuple[str, int]]:
    lines = path.read_bytes().decode("utf-8").splitlines()
    return {
        (match.group(1), number)
        for number, line in enumerate(lines, start=1)
        for match in MARKER.finditer(line)
    }


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.stem)
def test_fixture_reports_exactly_its_marked_issues(path: Path) -> None:
    expected = expected_issues(path)
    assert expected, f"{path.name} marks no expected issue"
    issues = validate(load_flows([path]), today=TODAY)
    assert {(i.code, i.line) for i in issues} == expected
    assert all(i.path == str(path) for i in issues)


def test_every_issue_code_has_a_fixture_or_a_dedicated_test() -> None:
    covered = {code for path in FIXTURES.glob("*.yaml") for code, _ in expected_issues(path)}
    # The directory of organisations has its own cases (test_broken_directories.py).
    directories = FIXTURES.parent / "broken_directories"
    covered |= {code for path in directories.rglob("*.yaml") for code, _ in expected_issues(path)}
    # Tested in test_loader.py / test_translations.py because they need bytes or catalogs.
    covered |= {"E001", "E016", "E150", "E151", "E152"}
    from bot.definitions import CODES

    assert set(CODES) - covered == set()
