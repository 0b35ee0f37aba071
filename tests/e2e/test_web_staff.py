"""The local staff page in a real browser: Debian's Chromium driven by Playwright.

No bot runs here: the app is the sandbox plus the staff page, and the test itself plays the
bot through a real ``telegram.Bot`` (it creates a ticket's topic, posts a message with a Claim
button, answers, edits and closes). The browser plays the operator: it picks the topic, presses
the button and writes in the topic, and the test checks the updates the bot receives.

The browser comes from :mod:`tests.e2e.web_fixtures`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import NamedTuple

import pytest
import telegram
from playwright.async_api import Browser, Page, expect
from starlette.applications import Starlette
from starlette.routing import Mount
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox import Sandbox, SandboxSupergroup, client_api
from bot.sandbox.server import serve_app
from bot.web.staff import staff_routes
from tests.e2e.web_fixtures import DESKTOP, browser_fixture, open_page  # noqa: F401

TOKEN = "123456:SANDBOX"
STAFF = -100_777_000
OPERATOR = 7001
TOPIC = "#12 · ru · asylum"


class Site(NamedTuple):
    sandbox: Sandbox
    staff: SandboxSupergroup
    url: str


@pytest.fixture
async def site(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Site]:
    """The sandbox (with a forum staff group) and the staff page on one loopback port."""
    # The page long-polls for 25 s; shorter polls keep the server's shutdown short here.
    monkeypatch.setattr(client_api, "MAX_WAIT", 2.0)
    sandbox = Sandbox(token=TOKEN)
    staff = sandbox.supergroup(STAFF, "Haven staff", forum=True)
    routes = staff_routes(STAFF, OPERATOR, ["en", "de", "fr", "ru"])
    app = Starlette(routes=[*routes, Mount("/", app=sandbox.app)])
    async with serve_app(app, "127.0.0.1", 0) as url:
        sandbox.attach(url)
        try:
            yield Site(sandbox, staff, url)
        finally:
            await sandbox.close()


@pytest.fixture
async def bot(site: Site) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(TOKEN, base_url=f"{site.url}/bot") as ptb_bot:
        yield ptb_bot


async def _next_update(
    bot: telegram.Bot, wanted: Callable[[telegram.Update], bool]
) -> telegram.Update:
    """The first new update the bot receives that ``wanted`` accepts (others are confirmed)."""
    offset = None
    for _ in range(10):
        for update in await bot.get_updates(offset=offset, timeout=2):
            offset = update.update_id + 1
            if wanted(update):
                await bot.get_updates(offset=offset, timeout=0)  # confirm it
                return update
    raise AssertionError("the bot did not receive the expected update")


def _topic(page: Page, name: str):
    return page.locator("#topics .topic", has_text=name)


async def test_an_operator_claims_and_answers_in_a_ticket_topic_on_a_phone(
    site: Site, bot: telegram.Bot, browser: Browser
) -> None:
    url = site.url
    thread = (await bot.create_forum_topic(STAFF, TOPIC)).message_thread_id
    claim = InlineKeyboardMarkup([[InlineKeyboardButton("Claim", callback_data="claim:12")]])
    request = await bot.send_message(
        STAFF,
        "<b>New request</b> from a person writing in Russian",
        parse_mode="HTML",
        message_thread_id=thread,
        reply_markup=claim,
    )
    await bot.send_message(STAFF, "Daily summary: 1 open ticket")  # the General topic

    page, errors = await open_page(browser, f"{url}/staff")
    # The list of topics first, as Telegram shows a forum on a phone: General on top.
    topics = page.get_by_role("navigation", name="Topics")
    await expect(topics).to_be_visible()
    await expect(page.locator("#peer-name")).to_have_text("Haven staff")
    await expect(page.locator("#status")).to_have_text(f"you are operator {OPERATOR}")
    await expect(page.locator("#topics .topic")).to_have_count(2)
    await expect(page.locator("#topics .topic").first).to_contain_text("General")
    await expect(_topic(page, TOPIC)).to_contain_text("New request from a person")
    await expect(page.locator(".thread-pane")).to_be_hidden()

    await _topic(page, TOPIC).click()
    await expect(page.locator("#thread-heading")).to_have_text(TOPIC)
    await expect(topics).to_be_hidden()
    bubble = page.locator(f'#messages > li[data-message-id="{request.message_id}"]')
    await expect(bubble.locator(".sender")).to_have_text("Haven Sandbox")
    await expect(bubble.locator("strong")).to_have_text("New request")
    await expect(page.locator("#messages .service")).to_have_text(f"Topic created: {TOPIC}")
    await expect(page.locator("#messages")).not_to_contain_text("Daily summary")
    box = page.get_by_role("textbox", name="Your message in this topic")
    await expect(box).to_be_focused()

    # Pressing Claim is a callback query from the operator; the bot's answer shows as a toast.
    await bubble.get_by_role("button", name="Claim").click()
    pressed = await _next_update(bot, lambda u: u.callback_query is not None)
    query = pressed.callback_query
    assert (query.from_user.id, query.data) == (OPERATOR, "claim:12")
    assert (query.message.message_id, query.message.message_thread_id) == (
        request.message_id,
        thread,
    )
    await query.answer("You took ticket #12")
    await expect(page.locator("#toast")).to_have_text("You took ticket #12")
    await bot.edit_message_text(
        "New request: claimed by you", chat_id=STAFF, message_id=request.message_id
    )
    await expect(bubble.locator(".text")).to_have_text("New request: claimed by you")
    await expect(bubble.locator(".edited")).to_have_text("edited")
    await expect(bubble.locator(".keyboard")).to_have_count(0)

    # Typing in the page is a message from the operator in that topic; a command stays one.
    await box.fill("/note Called back, all fine")
    await box.press("Enter")
    written = await _next_update(bot, lambda u: u.message is not None)
    assert written.message.from_user.id == OPERATOR
    assert (written.message.text, written.message.message_thread_id) == (
        "/note Called back, all fine",
        thread,
    )
    assert written.message.entities[0].type == "bot_command"
    await expect(box).to_have_value("")
    await expect(page.locator(".from-me .bubble", has_text="/note Called back")).to_be_visible()

    # Something new in General while the operator is in the topic: a badge in the list.
    await bot.send_message(STAFF, "Reminder: ticket #9 waits")
    await page.get_by_role("button", name="Back to topics").click()
    general = page.locator("#topics .topic").first
    await expect(general.locator(".badge")).to_have_text("1 unread")
    await expect(_topic(page, TOPIC)).to_be_focused()

    # By keyboard alone: to General, read it, write there (no topic id).
    await general.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#thread-heading")).to_have_text("General")
    await expect(page.locator("#messages")).to_contain_text("Reminder: ticket #9 waits")
    await expect(box).to_be_focused()
    await page.keyboard.type("Who takes #9?")
    await page.keyboard.press("Enter")
    in_general = await _next_update(bot, lambda u: u.message is not None)
    assert (in_general.message.text, in_general.message.message_thread_id) == (
        "Who takes #9?",
        None,
    )
    await page.keyboard.press("Escape")
    await expect(topics).to_be_visible()
    await expect(general.locator(".badge")).to_have_count(0)
    assert errors == []


async def test_the_page_follows_topics_media_and_untrusted_text_on_a_wide_screen(
    site: Site, bot: telegram.Bot, browser: Browser
) -> None:
    sandbox, staff, url = site
    first = (await bot.create_forum_topic(STAFF, "#3 · de · work")).message_thread_id
    page, errors = await open_page(browser, f"{url}/staff", DESKTOP)
    # Both panes at once; General is shown until a topic is picked.
    await expect(page.get_by_role("navigation", name="Topics")).to_be_visible()
    await expect(page.locator("#thread-heading")).to_have_text("General")
    await expect(page.get_by_role("button", name="Back to topics")).to_be_hidden()
    await expect(page.locator("#empty")).to_have_text("No messages in this topic yet.")

    # A topic created while the page is open appears; so do renaming and closing.
    second = (await bot.create_forum_topic(STAFF, "#4 · fr · family")).message_thread_id
    await expect(_topic(page, "#4 · fr · family")).to_be_visible()
    await expect(page.locator("#topics .topic").nth(1)).to_contain_text("#4 · fr · family")
    await _topic(page, "#3 · de · work").click()
    await expect(page.locator("#thread-heading")).to_have_text("#3 · de · work")
    await bot.edit_forum_topic(STAFF, first, name="#3 · de · study")
    await bot.close_forum_topic(STAFF, first)
    await expect(page.locator("#thread-heading")).to_have_text("#3 · de · study")
    await expect(page.locator("#thread-closed")).to_be_visible()
    await expect(_topic(page, "#3 · de · study").locator(".closed-mark")).to_have_text("closed")
    await expect(page.locator("#messages .service")).to_have_text(
        ["Topic created: #3 · de · work", "Topic renamed: #3 · de · study", "Topic closed"]
    )

    # A colleague's photo and a user's relayed document, each with a caption.
    colleague = sandbox.user(7002, "Ada")
    person = sandbox.user(9001, "Someone")
    await person.send_document("passport.pdf", caption="my passport")
    await bot.copy_message(STAFF, person.chat_id, 1, message_thread_id=first)
    await staff.send_photo(colleague, "scan", message_thread_id=first)
    photo = staff.messages[-1].message_id
    relayed = page.locator("#messages .message").nth(0)
    await expect(relayed).to_contain_text("[file: passport.pdf]")
    await expect(relayed).to_contain_text("my passport")
    shared = page.locator(f'#messages > li[data-message-id="{photo}"]')
    await expect(shared.locator(".sender")).to_have_text("Ada")
    await expect(shared).to_contain_text("[photo]")

    # Whatever the bot relays is text, never markup.
    await bot.send_message(
        STAFF,
        '&lt;img src=x onerror="window.pwned=1"&gt; <a href="javascript:window.pwned=1">x</a>',
        parse_mode="HTML",
        message_thread_id=first,
    )
    await expect(page.locator("#messages")).to_contain_text('<img src=x onerror="window.pwned=1">')
    assert await page.locator("#messages img, #messages script").count() == 0
    assert await page.evaluate("window.pwned") is None

    # A reload keeps the chosen topic; the other topic holds only its service message.
    await page.reload()
    await expect(page.locator("#thread-heading")).to_have_text("#3 · de · study")
    await _topic(page, "#4 · fr · family").click()
    await expect(page.locator("#messages > li")).to_have_text(["Topic created: #4 · fr · family"])
    assert second != first
    assert errors == []
