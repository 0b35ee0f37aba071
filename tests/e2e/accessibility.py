"""The accessibility check of the browser tests: axe-core (bundled by axe-playwright-python) on a
page, failing on any violation of WCAG 2 A or AA (2.0, 2.1 and 2.2)."""

from __future__ import annotations

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

__all__ = ["WCAG_TAGS", "assert_accessible"]

#: The rules checked: axe-core's tags of WCAG 2 levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_AXE = Axe()


async def assert_accessible(page: Page) -> None:
    """Fail, with axe's report, if the page as it is now breaks any WCAG 2 A/AA rule."""
    results = await _AXE.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, results.generate_report()
    # A check that ran no rule would pass anything.
    assert results.response["testEngine"]["name"] == "axe-core"
    assert results.response["toolOptions"]["runOnly"]["values"] == WCAG_TAGS
