"""What the browser tests of the local web pages share: Debian's Chromium driven by Playwright.

Chromium is never downloaded: without /usr/bin/chromium the tests fail (``.ci/run`` installs
Debian's package). Tests import the fixture they use; it carries a suffix so that a test's
parameter does not shadow the import::

    from tests.e2e.web_fixtures import browser_fixture  # noqa: F401
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

__all__ = ["DESKTOP", "PHONE", "WAIT_MS", "browser_fixture", "open_page"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1024, "height": 760}
WAIT_MS = 10_000  # a page's answer takes well under a second; this is for a loaded machine


@pytest.fixture(name="browser")
async def browser_fixture() -> AsyncIterator[Browser]:
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: install Debian's chromium package (browsers are never "
        "downloaded for these tests)"
    )
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            await chromium.close()


async def open_page(
    browser: Browser, url: str, viewport: dict[str, int] = PHONE
) -> tuple[Page, list[str]]:
    """The page at ``url`` in a fresh context, and the script errors it reports (none allowed).

    The page is a phone's (touch, a dense screen) unless ``viewport`` is another; its headers
    must keep the page to its own scripts.
    """
    phone = viewport == PHONE
    context = await browser.new_context(
        viewport=viewport,
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
        locale="en-US",
        color_scheme="light",
        reduced_motion="reduce",
    )
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    response = await page.goto(url)
    assert response is not None and response.ok
    assert "script-src 'self'" in response.headers["content-security-policy"]
    return page, errors
