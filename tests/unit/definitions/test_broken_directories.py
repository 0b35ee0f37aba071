"""Every case in tests/data/broken_directories/ yields exactly the issues its comments announce.

A case is a flows folder with a ``directory/organisations.yaml`` (and flows where it needs them).
As in ``broken_flows``, each expected issue is marked on its line with ``# <- CODE``, in whichever
file of the case it belongs to; the check must report that code on that line and nothing else.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.definitions import load_flows
from bot.definitions.directory import load_project_directory
from bot.definitions.validation import validate

CASES = Path(__file__).parents[2] / "data" / "broken_directories"
MARKER = re.compile(r"# <- ([EW]\d{3})")
TODAY = date(2026, 11, 24)


def expected_issues(case: Path) -> set[tuple[str, str, int]]:
    return {
        (str(path.relative_to(case)), match.group(1), number)
        for path in sorted(case.rglob("*.yaml"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for match in MARKER.finditer(line)
    }


@pytest.mark.parametrize(
    "case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_case_reports_exactly_its_marked_issues(case: Path) -> None:
    expected = expected_issues(case)
    assert expected, f"{case.name} marks no expected issue"
    issues = validate(load_flows([case]), today=TODAY, directory=load_project_directory([case]))
    found = {(str(Path(i.path).relative_to(case)), i.code, i.line) for i in issues}
    assert found == expected


def test_the_directory_codes_have_cases() -> None:
    covered = {code for case in CASES.iterdir() for _, code, _ in expected_issues(case)}
    assert {"E160", "W161", "W162", "W163"} <= covered
