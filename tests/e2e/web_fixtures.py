"""What the browser tests of the local web pages share: Debian's Chromium driven by Playwright.

Chromium is never downloaded: without /usr/bin/chromium the tests fail (``.ci/run`` installs
Debian's package). Tests import the fixture they use; it carries a suffix so that a test's
parameter does not shadow the import::

    from tests.e2e.web_fixtures import browser_fixture  # noqa: F401

``local_haven`` runs the real bot in local mode in this process (sandbox, Application, web chat
and staff page on one loopback port), as ``haven serve`` does without a token.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from bot.app import serve
from bot.config import load_settings
from bot.sandbox import client_api

__all__ = [
    "DESKTOP",
    "PHONE",
    "ROOT",
    "WAIT_MS",
    "browser_fixture",
    "local_haven_fixture",
    "open_page",
]

ROOT = Path(__file__).parents[2]

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


@contextlib.asynccontextmanager
async def launched_chromium() -> AsyncIterator[Browser]:
    """Debian's Chromium, closed afterwards (browsers are never downloaded for these tests)."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install Debian's chromium package"
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture(name="browser")
async def browser_fixture() -> AsyncIterator[Browser]:
    async with launched_chromium() as chromium:
        yield chromium


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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(name="local_haven")
async def local_haven_fixture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    """The bot in local mode; yields its URL (the web chat at /, the staff page at /staff)."""
    # The pages long-poll for 25 s; shorter polls keep the server's shutdown short here.
    monkeypatch.setattr(client_api, "MAX_WAIT", 2.0)
    port = _free_port()
    settings = load_settings(
        telegram_bot_token=None,  # local mode, whatever the environment says
        webhook_url=None,
        operator_chat_id=None,  # the sandbox's staff group
        host="127.0.0.1",
        port=port,
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'haven.sqlite3'}",
        flows_dir=ROOT / "flows",
        locales_dir=ROOT / "locales",
    )
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(settings, stop=stop, started=started))
    waiting = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiting}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if not started.is_set():
        waiting.cancel()
        if task.done():
            task.result()  # raise why it did not start
        task.cancel()
        pytest.fail("the bot did not start in local mode within 30 s")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 30)
