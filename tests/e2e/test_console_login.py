"""Signing in to the web console with a one-time link from the bot, in Debian's Chromium.

The real bot (``bot.app.serve``) runs against the sandbox, by polling and by webhook, with
CONSOLE_URL set to its own server. Operators are added and removed as ``haven operators``
does; a person who is not one gets exactly the answer to an unknown command. The links are
taken from the bot's messages in the sandbox, and opened in the browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, expect

from bot.console.signing import ConsoleSigner
from bot.console.store import ConsoleStore
from bot.handoff import HandoffStore
from bot.handoff.audit import refused
from bot.privacy import load_keys
from bot.sandbox import SandboxUser
from bot.storage import Storage
from bot.tg.console_command import CONSOLE_LINK, CONSOLE_NOT_SET_UP
from bot.tg.texts import UNKNOWN_COMMAND
from bot.web.console.words import WORDS
from tests.e2e.accessibility import assert_accessible
from tests.e2e.runtime_fixtures import MODES, TIMEOUT, Haven, harness
from tests.e2e.web_fixtures import PHONE, ROOT, WAIT_MS, launched_chromium
from tests.keys import PSEUDONYMS, SEALER

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCREENSHOT = ROOT / "docs" / "console-home.png"
_LINK = re.compile(r"(http://\S+/console/login/(\S+))")


@pytest_asyncio.fixture(name="haven", scope="module", loop_scope="module", params=MODES)
async def haven_fixture(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Haven]:
    """One running bot for the module, in each mode, its console at its own address."""
    async with harness(request.param, tmp_path_factory.mktemp(request.param)) as haven:
        haven.overrides["console_url"] = haven.base_url
        await haven.start()
        yield haven
        assert not haven.log.errors()


@pytest_asyncio.fixture(name="browser", scope="module", loop_scope="module")
async def browser_fixture() -> AsyncIterator[Browser]:
    """Debian's Chromium, for the whole module (on the module's event loop, as the bot)."""
    async with launched_chromium() as chromium:
        yield chromium


@contextlib.asynccontextmanager
async def console_of(haven: Haven) -> AsyncIterator[ConsoleStore]:
    """The bot's console store, through a storage of the test's own."""
    signing = load_keys(haven.settings()).signing
    async with await Storage.open(haven.database_url, sealer=SEALER) as storage:
        yield ConsoleStore(HandoffStore(storage, pseudonyms=PSEUDONYMS), ConsoleSigner(signing))


async def operator(haven: Haven, alias: str, languages: list[str]) -> SandboxUser:
    """A new sandbox user whom ``haven operators add`` made an operator."""
    user = haven.new_user(languages[0])
    await haven.add_operator(user.user_id, alias, languages)
    return user


async def link_for(user: SandboxUser) -> tuple[str, str]:
    """Send /console as ``user``; the link the bot answers with, and its token."""
    await user.send_command("/console")
    [message] = await user.wait_for_bot_messages(1, timeout=TIMEOUT)
    found = _LINK.search(message.plain_text)
    assert found is not None, message.plain_text
    return found.group(1), found.group(2)


async def settled(*users: SandboxUser) -> None:
    """Wait until the bot has sent ``users`` nothing more for a while."""
    counts: list[int] = []
    quiet = 0
    async with asyncio.timeout(TIMEOUT):
        while quiet < 5:
            await asyncio.sleep(0.1)
            now = [len(user.bot_messages) for user in users]
            quiet = quiet + 1 if now == counts else 0
            counts = now


async def new_page(browser: Browser, locale: str = "en-US") -> tuple[BrowserContext, Page]:
    """A fresh phone-sized browser (no cookies) and a page in it."""
    context = await browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale=locale,
        color_scheme="light",
        reduced_motion="reduce",
    )
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    return context, page


async def sign_in(browser: Browser, link: str) -> tuple[BrowserContext, Page]:
    """Open ``link`` in a fresh browser and press its button: the console's home page."""
    context, page = await new_page(browser)
    response = await page.goto(link)
    assert response is not None and response.status == 200
    await page.get_by_role("button", name=WORDS["login_button"]).click()
    await expect(page).to_have_url(re.compile(r"/console$"))
    return context, page


async def assert_link_refused(page: Page, link: str) -> None:
    response = await page.goto(link)
    assert response is not None and response.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text(WORDS["link_heading"])
    await expect(page.get_by_text(WORDS["link_text"])).to_be_visible()
    assert await page.get_by_role("button").count() == 0


async def test_an_operator_signs_in_with_the_link_from_the_bot(
    haven: Haven, browser: Browser
) -> None:
    anna = await operator(haven, "Anna", ["en"])
    link, _ = await link_for(anna)
    assert link.startswith(f"{haven.base_url}/console/login/")
    [message] = anna.bot_messages
    assert message.plain_text == CONSOLE_LINK.replace("{link}", link)
    [sent] = [c for c in haven.sandbox.calls_of("sendMessage") if c["chat_id"] == anna.user_id]
    assert sent["link_preview_options"] == {"is_disabled": True}
    assert sent["protect_content"] is True

    context, page = await new_page(browser)
    response = await page.goto(link)
    assert response is not None and response.status == 200
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]  # default-src 'none'
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in as Anna?")
    await assert_accessible(page)
    assert await context.cookies() == []  # opening the link signs nobody in

    await page.get_by_role("button", name=WORDS["login_button"]).click()
    await expect(page).to_have_url(f"{haven.base_url}/console")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Anna")
    await expect(page.get_by_text("operator", exact=True)).to_be_visible()
    await assert_accessible(page)
    [cookie] = await context.cookies()
    assert cookie["name"] == "haven_console"  # plain http on loopback: not Secure
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/console")
    assert cookie["secure"] is False
    assert await page.evaluate("document.cookie") == ""  # never readable by scripts
    if haven.mode == "polling":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        await page.screenshot(path=str(SCREENSHOT), full_page=True)
        assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    async with console_of(haven) as console, console.transaction() as tx:
        actions = [entry.action for entry in await tx.handoff.audit.list(actor=anna.user_id)]
    assert actions == ["console-link", "console-login", "console-view"]
    await context.close()


async def test_a_used_link_is_refused(haven: Haven, browser: Browser) -> None:
    boris = await operator(haven, "Boris", ["en"])
    link, _ = await link_for(boris)
    # Opened in two browsers: the first to press signs in, the other is refused.
    late_context, late = await new_page(browser)
    await late.goto(link)
    context, _ = await sign_in(browser, link)
    await late.get_by_role("button", name=WORDS["login_button"]).click()
    await expect(late.get_by_role("heading", level=1)).to_have_text(WORDS["link_heading"])
    assert await late_context.cookies() == []
    await assert_link_refused(late, link)
    async with console_of(haven) as console, console.transaction() as tx:
        entries = await tx.handoff.audit.list(actor=boris.user_id)
    assert entries[-1].action == refused("console-login")
    await context.close()
    await late_context.close()


async def test_an_expired_link_is_refused(haven: Haven, browser: Browser) -> None:
    clara = await operator(haven, "Clara", ["en"])
    link, token = await link_for(clara)
    async with console_of(haven) as console, console.transaction() as tx:
        assert await tx.links.expire(token)
    context, page = await new_page(browser)
    await assert_link_refused(page, link)
    assert await context.cookies() == []
    await context.close()


async def test_a_forged_link_is_refused(haven: Haven, browser: Browser) -> None:
    dana = await operator(haven, "Dana", ["en"])
    link, token = await link_for(dana)
    changed = "A" if token[-3] != "A" else "B"
    forged = link[:-3] + changed + link[-2:]  # one character of the signature
    context, page = await new_page(browser)
    await assert_link_refused(page, forged)
    await assert_accessible(page)
    # Posting it is refused too, and the real link still works.
    await page.goto(link)
    await page.evaluate(
        "f => document.querySelector('form').setAttribute('action', f)",
        forged.removeprefix(haven.base_url),
    )
    await page.get_by_role("button", name=WORDS["login_button"]).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(WORDS["link_heading"])
    await context.close()
    context, page = await sign_in(browser, link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Dana")
    await context.close()


async def test_a_stranger_gets_the_answer_to_an_unknown_command(haven: Haven) -> None:
    stranger, control = haven.new_user("en"), haven.new_user("en")
    await stranger.send_command("/console")
    await control.send_command("/nosuchcommand")
    await stranger.wait_for_bot_messages(1, timeout=TIMEOUT)
    await control.wait_for_bot_messages(1, timeout=TIMEOUT)
    await settled(stranger, control)
    answer = [m.plain_text for m in stranger.bot_messages]
    assert answer == [m.plain_text for m in control.bot_messages]
    assert answer[0].startswith(haven.expected.ui("en", UNKNOWN_COMMAND))
    assert not any("/console/login/" in text for text in answer)
    sent = [c for c in haven.sandbox.calls_of("sendMessage") if c["chat_id"] == stranger.user_id]
    assert sent and not any(c.get("protect_content") for c in sent)


async def test_a_form_without_its_token_is_refused(haven: Haven, browser: Browser) -> None:
    emil = await operator(haven, "Emil", ["en"])
    link, _ = await link_for(emil)
    context, page = await sign_in(browser, link)
    # Without the hidden field, then with another session's value: both refused.
    await page.evaluate("document.querySelector('.logout input[name=csrf]').remove()")
    await page.get_by_role("button", name=WORDS["logout"]).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(WORDS["form_heading"])
    response = await page.goto(f"{haven.base_url}/console")
    assert response is not None and response.status == 200  # still signed in
    await page.evaluate("document.querySelector('.logout input[name=csrf]').value = 'x'")
    async with page.expect_response(re.compile(r"/console/logout$")) as posted:
        await page.get_by_role("button", name=WORDS["logout"]).click()
    assert (await posted.value).status == 403

    # A post from another site, with the browser's cookie, is refused as well.
    cookie = {c["name"]: c["value"] for c in await context.cookies()}
    async with httpx.AsyncClient(base_url=haven.base_url, cookies=cookie) as client:
        home = await client.get("/console")
        csrf = re.search(r'name="csrf" value="([^"]+)"', home.text)
        assert csrf is not None
        other_site = await client.post(
            "/console/logout",
            data={"csrf": csrf.group(1)},
            headers={"Origin": "https://elsewhere.example", "Sec-Fetch-Site": "cross-site"},
        )
        assert other_site.status_code == 403
        assert (await client.get("/console")).status_code == 200
    await context.close()


async def test_a_removed_operator_is_refused_at_once(haven: Haven, browser: Browser) -> None:
    fiona = await operator(haven, "Fiona", ["en"])
    link, _ = await link_for(fiona)
    context, page = await sign_in(browser, link)
    async with console_of(haven) as console, console.transaction() as tx:
        assert await tx.handoff.operators.remove(fiona.user_id)
    response = await page.reload()
    assert response is not None and response.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text(WORDS["signed_out_heading"])
    async with console_of(haven) as console, console.transaction() as tx:
        assert await tx.sessions.count(fiona.user_id) == 0
    await context.close()


async def test_logout_ends_the_session(haven: Haven, browser: Browser) -> None:
    gina = await operator(haven, "Gina", ["en"])
    link, _ = await link_for(gina)
    context, page = await sign_in(browser, link)
    await page.get_by_role("button", name=WORDS["logout"]).focus()
    await page.keyboard.press("Enter")  # by keyboard
    await expect(page.get_by_role("heading", level=1)).to_have_text(WORDS["goodbye_heading"])
    assert await context.cookies() == []
    response = await page.goto(f"{haven.base_url}/console")
    assert response is not None and response.status == 403
    async with console_of(haven) as console, console.transaction() as tx:
        assert await tx.sessions.count(gina.user_id) == 0
    await context.close()


async def test_the_console_speaks_the_operators_language(haven: Haven, browser: Browser) -> None:
    ivan = await operator(haven, "Иван", ["ru"])
    link, _ = await link_for(ivan)
    context, page = await new_page(browser, locale="en-US")
    await page.goto(link)
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
    await assert_accessible(page)
    await page.locator("form button").click()
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
    await expect(page.get_by_role("button", name="Русский")).to_have_attribute(
        "aria-pressed", "true"
    )
    await assert_accessible(page)
    await page.get_by_role("button", name="Deutsch").click()
    await expect(page.locator("html")).to_have_attribute("lang", "de")
    await expect(page.get_by_role("button", name="Deutsch")).to_have_attribute(
        "aria-pressed", "true"
    )
    await assert_accessible(page)
    await context.close()


async def test_without_console_url_operators_are_told_it_is_not_set_up(tmp_path: Path) -> None:
    async with harness("polling", tmp_path) as haven:
        await haven.start()
        hana = await operator(haven, "Hana", ["en"])
        await hana.send_command("/console")
        [message] = await hana.wait_for_bot_messages(1, timeout=TIMEOUT)
        assert message.plain_text == CONSOLE_NOT_SET_UP
        async with console_of(haven) as console, console.transaction() as tx:
            assert await tx.handoff.audit.list(actor=hana.user_id) == []  # no link was made
        # The console itself is served all the same.
        async with httpx.AsyncClient(base_url=haven.base_url) as client:
            assert (await client.get("/console")).status_code == 403
        assert not haven.log.errors()
