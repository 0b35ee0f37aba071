"""The local web chat in a real browser: Debian's Chromium driven by Playwright.

The real bot runs in local mode in this process (sandbox, Application and web chat on one
loopback port), and the browser talks to it as a person would: picks a language, presses
Start, presses buttons, types answers and switches the language mid-dialogue. A second test
has the bot API send formatting, a link and would-be markup straight into the chat, then edit
and delete it, to check what the page renders and that it follows edits and deletions.

The screenshot in the README (docs/images/web-chat.png) is taken here, on a phone-sized screen:
every run checks it can be taken; ``HAVEN_UPDATE_SCREENSHOTS=1`` writes it into docs/. The
browser comes from :mod:`tests.e2e.web_fixtures`.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
from playwright.async_api import Browser, Locator, Page, expect

from bot.app import LOCAL_TOKEN
from tests.e2e.web_fixtures import browser_fixture, local_haven_fixture, open_page  # noqa: F401

ROOT = Path(__file__).parents[2]
SCREENSHOT = ROOT / "docs" / "images" / "web-chat.png"


def _bot_says(page: Page, text: str) -> Locator:
    return page.locator(".from-bot .bubble", has_text=text)


def _key(page: Page, label: str) -> Locator:
    return page.locator("#messages").get_by_role("button", name=label, exact=True)


async def test_a_conversation_in_russian_with_buttons_typing_and_a_language_switch(
    local_haven: str, browser: Browser, tmp_path: Path
) -> None:
    page, errors = await open_page(browser, local_haven)

    # The page before the conversation: its language, the picker, the banner, Start.
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("log")).to_have_attribute("aria-live", "polite")
    picker = page.get_by_role("combobox", name="Language")
    names = [name.strip() for name in await picker.locator("option").all_inner_texts()]
    assert names == ["English", "Deutsch", "Français", "Русский"]
    await expect(page.locator(".banner")).to_contain_text("Nothing leaves it")
    user_id = await page.evaluate("sessionStorage.getItem('haven.webchat.user')")
    assert user_id and int(user_id) > 0
    assert await page.evaluate("localStorage.length") == 0

    await picker.select_option(label="Русский")
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
    await page.locator("#start").click()
    await expect(_bot_says(page, "Здравствуйте, это Haven")).to_be_visible()
    await expect(page.locator(".from-me .bubble", has_text="/start")).to_be_visible()

    # A choice button, then the location; each old keyboard goes away.
    await _key(page, "Разобрать мою ситуацию").click()
    await expect(_bot_says(page, "Где вы сейчас?")).to_be_visible()
    await expect(_key(page, "Разобрать мою ситуацию")).to_have_count(0)
    await _key(page, "В стране СНГ").click()
    await expect(_bot_says(page, "загранпаспорт")).to_be_visible()
    await expect(_key(page, "В России")).to_have_count(0)
    await expect(page.locator("#messages .keyboard")).to_have_count(1)
    shot = SCREENSHOT if os.environ.get("HAVEN_UPDATE_SCREENSHOTS") else tmp_path / "chat.png"
    await page.screenshot(path=str(shot))
    assert shot.stat().st_size < 300_000, "the README's screenshot must stay small"

    # The yes/no question answered from the keyboard alone: focus moves on to the next one.
    no = _key(page, "Нет")
    await no.focus()
    await page.keyboard.press("Enter")
    await expect(_bot_says(page, "Сколько примерно дней")).to_be_visible()
    await expect(no).to_have_count(0)
    focused = await page.evaluate("document.activeElement.closest('#messages, form')?.id")
    assert focused in ("messages", "composer")

    # A typed answer, sent with Enter.
    box = page.get_by_role("textbox", name="Сообщение")  # the page speaks the chosen language
    await box.fill("30")
    await box.press("Enter")
    # The message's text, exactly: a bubble's time (say 01:30) may hold the same digits.
    await expect(
        page.locator(".from-me .bubble .text").get_by_text("30", exact=True)
    ).to_be_visible()
    await expect(box).to_have_value("")
    await expect(_bot_says(page, "90 дней")).to_be_visible()

    # The bot's own language button and picker switch the conversation to German.
    change = _key(page, "Сменить язык").last
    await change.click()
    await expect(_bot_says(page, "Выберите язык:")).to_be_visible()
    await _key(page, "Deutsch").click()
    await expect(_key(page, "Sprache ändern").last).to_be_visible()
    await expect(_key(page, "Сменить язык")).to_have_count(0)

    # The id survives a reload of the tab (sessionStorage), and so does the chat.
    await page.reload()
    await expect(_bot_says(page, "Здравствуйте, это Haven")).to_be_visible()
    assert await page.evaluate("sessionStorage.getItem('haven.webchat.user')") == user_id

    # "New conversation" is a new user: an empty chat and Start again.
    await page.locator("#new-conversation").click()
    await expect(page.locator("#messages > li")).to_have_count(0)
    await expect(page.locator("#start")).to_be_visible()
    assert await page.evaluate("sessionStorage.getItem('haven.webchat.user')") != user_id
    assert errors == []


async def test_bot_html_is_rendered_safely_and_edits_and_deletions_show(
    local_haven: str, browser: Browser
) -> None:
    page, errors = await open_page(browser, local_haven)
    await page.locator("#start").click()
    await expect(page.locator(".from-bot").first).to_be_visible()
    chat_id = int(await page.evaluate("sessionStorage.getItem('haven.webchat.user')"))

    source = (
        '<b>Bold</b> <i>italic</i> <a href="https://example.org/page">a link</a> '
        '&lt;img src=x onerror="window.pwned=1"&gt; <code>code</code> '
        '<a href="javascript:window.pwned=1">not a link</a> <tg-spoiler>secret</tg-spoiler>'
    )
    markup = {"inline_keyboard": [[{"text": "Website", "url": "https://example.org/"}]]}
    async with httpx.AsyncClient(base_url=f"{local_haven}/bot{LOCAL_TOKEN}") as api:
        sent = await api.post(
            "/sendMessage",
            json={"chat_id": chat_id, "text": source, "parse_mode": "HTML", "reply_markup": markup},
        )
        assert sent.json()["ok"], sent.text
        message_id = sent.json()["result"]["message_id"]

        bubble = page.locator(f'#messages > li[data-message-id="{message_id}"]')
        await expect(bubble.locator("strong")).to_have_text("Bold")
        await expect(bubble.locator("em")).to_have_text("italic")
        await expect(bubble.locator("code")).to_have_text("code")
        link = bubble.locator(".bubble a")
        await expect(link).to_have_count(1)
        await expect(link).to_have_attribute("href", "https://example.org/page")
        await expect(link).to_have_attribute("target", "_blank")
        await expect(link).to_have_attribute("rel", "noopener noreferrer")
        await expect(bubble).to_contain_text('<img src=x onerror="window.pwned=1">')
        await expect(bubble).to_contain_text("not a link")
        assert await bubble.locator("img, script").count() == 0
        button = bubble.get_by_role("link", name="Website")
        await expect(button).to_have_attribute("href", "https://example.org/")
        await expect(button).to_have_attribute("rel", "noopener noreferrer")
        await expect(button).to_have_attribute("target", "_blank")
        spoiler = bubble.locator(".spoiler")
        await spoiler.focus()
        await page.keyboard.press("Enter")
        await expect(spoiler).to_have_class("spoiler revealed")
        assert await page.evaluate("window.pwned") is None

        edited = await api.post(
            "/editMessageText",
            json={"chat_id": chat_id, "message_id": message_id, "text": "Changed <b>text</b>",
                  "parse_mode": "HTML"},
        )  # fmt: skip
        assert edited.json()["ok"], edited.text
        await expect(bubble.locator(".text")).to_have_text("Changed text")
        await expect(bubble.locator(".edited")).to_have_text("edited")
        await expect(bubble.locator(".keyboard")).to_have_count(0)

        deleted = await api.post(
            "/deleteMessage", json={"chat_id": chat_id, "message_id": message_id}
        )
        assert deleted.json()["ok"], deleted.text
        await expect(bubble).to_have_count(0)
    assert errors == []
