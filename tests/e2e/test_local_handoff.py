"""The whole hand-off in local mode, in two browser windows: a person and an advocate.

``haven serve`` without a token runs the sandbox's staff group too, with one advocate whom the
staff page (/staff) plays. A person asks for a human in the web chat; the advocate sees the
case's topic, claims it and answers; the person answers back; the advocate closes the case and
the person gets the feedback question. Nothing of it needs Telegram.

The staff page's screenshot in the README (docs/images/staff-page.png) is taken here;
``HAVEN_UPDATE_SCREENSHOTS=1`` writes it into docs/.
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Browser, Locator, Page, expect

from tests.e2e.web_fixtures import (  # noqa: F401
    DESKTOP,
    ROOT,
    browser_fixture,
    local_haven_fixture,
    open_page,
)

SCREENSHOT = ROOT / "docs" / "images" / "staff-page.png"


def _bot_says(page: Page, text: str) -> Locator:
    return page.locator(".from-bot .bubble", has_text=text)


async def test_a_person_and_an_advocate_talk_through_the_local_sandbox(
    local_haven: str, browser: Browser, tmp_path: Path
) -> None:
    chat, chat_errors = await open_page(browser, local_haven)
    await chat.locator("#start").click()
    await expect(_bot_says(chat, "What would you like to do?")).to_be_visible()
    box = chat.get_by_role("textbox", name="Message")
    await box.fill("/human")
    await box.press("Enter")
    await expect(_bot_says(chat, "Case #1")).to_be_visible()
    await expect(chat.get_by_role("button", name="Cancel request")).to_be_visible()

    staff, staff_errors = await open_page(browser, f"{local_haven}/staff", DESKTOP)
    topic = staff.locator("#topics .topic", has_text="#1 · en · general")
    await topic.click()
    summary = staff.locator("#messages > li", has_text="The person shared no answers.")
    await expect(summary).to_be_visible()
    await summary.get_by_role("button", name="Claim").click()
    await expect(staff.locator("#messages", has_text="Claimed by Local advocate.")).to_be_visible()
    await expect(_bot_says(chat, "An advocate has joined the conversation.")).to_be_visible()

    reply = staff.get_by_role("textbox", name="Your message in this topic")
    await reply.fill("Hello, I am here to help. Where are you now, roughly?")
    await reply.press("Enter")
    answer = _bot_says(chat, "Hello, I am here to help.")
    await expect(answer).to_contain_text("Local advocate:")

    await box.fill("In Kazakhstan, since last week")
    await box.press("Enter")
    await expect(
        staff.locator("#messages", has_text="In Kazakhstan, since last week")
    ).to_be_visible()
    await reply.fill("/note asked about the 90-day rule")
    await reply.press("Enter")
    await expect(staff.locator("#messages", has_text="Note saved")).to_be_visible()
    await expect(staff.locator(".key.pending")).to_have_count(0)  # Claim's spinner is gone
    shot = SCREENSHOT if os.environ.get("HAVEN_UPDATE_SCREENSHOTS") else tmp_path / "staff.png"
    await staff.screenshot(path=str(shot))
    assert shot.stat().st_size < 300_000, "the README's screenshot must stay small"

    await reply.fill("/close")
    await reply.press("Enter")
    await expect(_bot_says(chat, "Your case #1 is closed.")).to_be_visible()
    await expect(
        _bot_says(chat, "Did the conversation with the advocate help you?")
    ).to_be_visible()
    await expect(chat.locator("#messages")).not_to_contain_text("90-day rule")
    assert chat_errors == [] and staff_errors == []
