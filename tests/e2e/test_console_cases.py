"""The console's operator pages in Debian's Chromium: the list of cases, a case, and the actions.

The real bot (``bot.app.serve``) runs against the sandbox by polling, with a forum supergroup as
its staff group and its console at its own address. People ask for an advocate in the sandbox
as in test_telegram_handoff.py; operators sign in with the link from the bot's /console, as in
test_console_login.py. What a reply from the console does is checked where people see it: the
person's private chat (exactly what a reply in the case's topic gives) and the case's topic.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import pytest_asyncio
from babel.numbers import format_decimal
from playwright.async_api import Browser, Page, expect
from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import create_async_engine

from bot.handoff import HandoffStore, texts
from bot.handoff.audit import refused
from bot.handoff.authority import NOT_YOUR_CASE, TAKEN_OVER
from bot.handoff.canned import CannedReplies
from bot.handoff.tables import TicketRow
from bot.sandbox import SandboxMessage, SandboxUser
from bot.storage import Storage
from bot.web.console.case_words import CASE_WORDS
from bot.web.console.words import WORDS
from tests.e2e.accessibility import assert_accessible
from tests.e2e.runtime_fixtures import Haven, eventually, harness, open_menu
from tests.e2e.staff_group import StaffScene
from tests.e2e.test_console_login import link_for, new_page
from tests.e2e.test_telegram_handoff import (
    ask_for_advocate,
    case_number,
    hand_off_from_the_situation,
)
from tests.e2e.web_fixtures import DESKTOP, PHONE, ROOT, launched_chromium
from tests.keys import PSEUDONYMS, SEALER

pytestmark = pytest.mark.asyncio(loop_scope="module")

QUEUE_SCREENSHOT = ROOT / "docs" / "console-queue.png"
CASE_SCREENSHOT = ROOT / "docs" / "console-case.png"
STAFF_CHAT_ID = -1009000000007
STAFF_LANGUAGE = "en"
_TICKETS: Table = TicketRow.__table__  # type: ignore[attr-defined]


@dataclass
class Scene(StaffScene):
    """The bot, its staff group, a browser, and the operators' signed-in pages."""

    browser: Browser
    pages: dict[str, Page] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    async def operator(self, alias: str, role: str = "operator", language: str = "en") -> Page:
        """The console of the operator ``alias`` (added and signed in on first use)."""
        if alias not in self.pages:
            user = self.haven.new_user(language)
            await self.haven.add_operator(user.user_id, alias, [language], role=role)  # type: ignore[arg-type]
            link, _ = await link_for(user)
            _context, page = await new_page(self.browser)
            await page.goto(link)  # the sign-in page speaks the operator's language
            button = self.said.ui(language, WORDS["login_button"])
            await page.get_by_role("button", name=button).click()
            await expect(page).to_have_url(re.compile(r"/console$"))
            self.pages[alias], self.ids[alias] = page, user.user_id
        return self.pages[alias]

    async def case_page(self, alias: str, case: int) -> Page:
        page = await self.operator(alias)
        response = await page.goto(f"{self.haven.base_url}/console/cases/{case}")
        assert response is not None and response.status == 200
        await expect(page.get_by_role("heading", level=1)).to_have_text(f"Case #{case}")
        return page

    async def queue(self, alias: str, query: str = "") -> list[int]:
        """The case numbers the list shows the operator, in its order."""
        page = await self.operator(alias)
        response = await page.goto(f"{self.haven.base_url}/console/cases{query}")
        assert response is not None and response.status == 200
        return [int(n) for n in await page.locator("tbody tr").evaluate_all(_CASES)]

    async def audit(self, **narrowed: int) -> list[tuple[int, str, int | None, str | None]]:
        async with (
            await Storage.open(self.haven.database_url, sealer=SEALER) as storage,
            HandoffStore(storage, pseudonyms=PSEUDONYMS).transaction() as tx,
        ):
            entries = await tx.audit.list(**narrowed)
        return [(e.actor, e.action, e.ticket_id, e.detail) for e in entries]

    async def in_topic(self, case: int, text: str) -> None:
        """Wait until the bot has posted ``text`` in the case's topic."""
        thread = await self.topic_of(case)
        await eventually(lambda: text in self.bot_texts(thread))


_CASES = "rows => rows.map(row => row.dataset.case)"


@pytest_asyncio.fixture(name="scene", scope="module", loop_scope="module")
async def scene_fixture(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Scene]:
    async with harness("polling", tmp_path_factory.mktemp("cases")) as haven:
        staff = haven.sandbox.supergroup(STAFF_CHAT_ID, "Advocates", forum=True)
        haven.overrides = {
            "operator_chat_id": STAFF_CHAT_ID,
            "staff_language": STAFF_LANGUAGE,
            "staff_rate_limit": "200/1",
            "console_url": haven.base_url,
        }
        await haven.start()
        async with launched_chromium() as browser:
            yield Scene(haven, staff, browser)
        assert not haven.log.errors()


async def open_case(scene: Scene, language: str) -> tuple[SandboxUser, int]:
    """A new person asks for an advocate with /human; returns them and the case number."""
    user, _menu = await open_menu(scene.haven, language)
    case, _buttons = await ask_for_advocate(scene, user)  # type: ignore[arg-type]
    await scene.topic_of(case)
    return user, case


async def open_case_with_a_summary(scene: Scene, language: str) -> tuple[SandboxUser, int]:
    """A new person answers the situation's questions (a CIS country, a passport, 45 days),
    then asks for an advocate: a case whose summary holds answers."""
    user, menu = await open_menu(scene.haven, language)
    _text, confirmation, _buttons = await hand_off_from_the_situation(scene, user, menu)  # type: ignore[arg-type]
    case = case_number(confirmation)
    await scene.topic_of(case)
    return user, case


async def received(user: SandboxUser, text: str) -> SandboxMessage:
    """The bot's message to ``user`` whose text is ``text``, once it has arrived."""
    found: list[SandboxMessage] = []

    def arrived() -> bool:
        found[:] = [m for m in user.bot_messages if m.plain_text == text]
        return bool(found)

    await user.wait_until(arrived)
    return found[0]


async def backdate(haven: Haven, case: int, by: timedelta) -> None:
    """Make a case look opened ``by`` earlier (a clock cannot be moved in a running bot)."""
    engine = create_async_engine(haven.database_url)
    try:
        async with engine.begin() as connection:
            row = _TICKETS.c.id == case
            opened = (await connection.execute(select(_TICKETS.c.created_at).where(row))).one()
            await connection.execute(
                update(_TICKETS).where(row).values(created_at=opened.created_at - by)
            )
    finally:
        await engine.dispose()


async def fits_a_small_phone(page: Page) -> None:
    """At 360 px the page never scrolls sideways (a wide table scrolls in its own frame),
    and it passes the accessibility check in the dark scheme too."""
    size = page.viewport_size
    await page.set_viewport_size({"width": 360, "height": 740})
    sideways = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert await page.evaluate(sideways) == 0
    await page.emulate_media(color_scheme="dark")
    await assert_accessible(page)
    await page.emulate_media(color_scheme="light")
    assert size is not None
    await page.set_viewport_size(size)


async def submit(page: Page, button: str, *, status: int = 200) -> None:
    """Press a form's button and check the status of the page it leads to."""
    async with page.expect_navigation() as navigation:
        await page.get_by_role("button", name=button, exact=True).click()
    response = await navigation.value
    assert response is not None and response.status == status, await page.content()


async def test_the_queue_narrows_and_puts_overdue_cases_first(scene: Scene) -> None:
    russian, a = await open_case_with_a_summary(scene, "ru")
    anna = await scene.operator("Anna")
    await expect(anna.get_by_role("link", name=CASE_WORDS["cases"])).to_be_visible()

    # Anna claims A from its page: the person is told someone is there, the topic who.
    page = await scene.case_page("Anna", a)
    await submit(page, CASE_WORDS["case_claim"])
    await expect(page.get_by_role("status")).to_have_text(CASE_WORDS["case_done_claimed"])
    await expect(page.locator("#case-assignee")).to_have_text("Anna")
    await received(russian, scene.ui("ru", texts.ADVOCATE_JOINED))
    await scene.in_topic(a, scene.ui(STAFF_LANGUAGE, texts.CLAIMED_BY, alias="Anna"))

    _english, b = await open_case(scene, "en")
    _german, c = await open_case(scene, "de")
    # A was opened three hours ago but is claimed: never overdue. B waits for an hour:
    # overdue, so it comes first although A is older. C waits for minutes.
    await backdate(scene.haven, a, timedelta(hours=3))
    await backdate(scene.haven, b, timedelta(hours=1))
    mine = {a, b, c}

    async def listed(query: str = "") -> list[int]:
        return [case for case in await scene.queue("Anna", query) if case in mine]

    assert await listed() == [b, a, c]
    row_b = anna.locator(f'tr[data-case="{b}"]')
    await expect(row_b.locator("td").first).to_have_text(
        f"{CASE_WORDS['cases_status_open']} ⚠ {CASE_WORDS['cases_overdue']}"
    )
    await expect(row_b.locator("td").nth(3)).to_have_text(re.compile(r"^1\s?h$"))
    await expect(anna.locator(f'tr[data-case="{a}"] td').last).to_have_text("Anna")
    await expect(anna.locator(f'tr[data-case="{c}"] td').last).to_have_text(
        CASE_WORDS["cases_nobody"]
    )
    await expect(anna.locator(".overdue-mark")).to_have_count(1)
    await assert_accessible(anna)
    await fits_a_small_phone(anna)

    # The filters narrow in the database; the form shows what was chosen.
    assert await listed("?language=ru") == [a]
    await expect(anna.get_by_label(CASE_WORDS["cases_language"])).to_have_value("ru")
    assert await listed("?status=open") == [b, c]
    assert await listed("?status=claimed") == [a]
    assert await listed("?status=closed") == []
    assert await listed("?assignee=me") == [a]
    assert await listed("?assignee=nobody") == [b, c]
    assert await listed(f"?assignee={scene.ids['Anna']}") == [a]
    assert await listed("?topic=situation") == [a]
    assert await listed("?language=de&status=open") == [c]
    # A value that is not offered is ignored, never an error.
    assert await listed("?status=everything&language=xx") == [b, a, c]

    # The same choices through the form, by keyboard.
    await anna.goto(f"{scene.haven.base_url}/console/cases")
    await anna.get_by_label(CASE_WORDS["cases_assignee"]).select_option("nobody")
    await anna.get_by_role("button", name=CASE_WORDS["cases_show"]).press("Enter")
    await expect(anna).to_have_url(re.compile(r"assignee=nobody"))
    shown = [int(n) for n in await anna.locator("tbody tr").evaluate_all(_CASES)]
    assert [case for case in shown if case in mine] == [b, c]

    # The screenshot of the README: the list on a laptop's screen.
    await anna.goto(f"{scene.haven.base_url}/console/cases")
    await anna.set_viewport_size(DESKTOP)
    await assert_accessible(anna)
    QUEUE_SCREENSHOT.parent.mkdir(exist_ok=True)
    await anna.screenshot(path=str(QUEUE_SCREENSHOT))
    assert QUEUE_SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    await anna.set_viewport_size(PHONE)

    # Every view is in the audit log: the list, and each case with its number.
    views = [
        (case, detail)
        for actor, action, case, detail in await scene.audit(actor=scene.ids["Anna"])
        if action == "console-view"
    ]
    assert (None, "cases") in views
    assert (a, "case") in views


async def test_an_operator_answers_from_the_console(scene: Scene) -> None:
    said = scene.said
    person, case = await open_case_with_a_summary(scene, "ru")
    await person.send_text("Здравствуйте, мне нужна помощь")
    await scene.in_topic(case, "Здравствуйте, мне нужна помощь")
    await person.send_photo(caption="справка")
    thread = await scene.topic_of(case)
    await eventually(lambda: any(m.kind == "photo" for m in scene.staff.thread_messages(thread)))

    # The case page: what the person shared, in the operator's language, and their message.
    page = await scene.case_page("Dora", case)
    summary = page.locator(".case-summary")
    await expect(summary).to_contain_text(said.flow("en", "situation", "days"))
    await expect(summary).to_contain_text("→ 45")
    await expect(summary).to_contain_text(said.flow("en", "situation", "where", "option.cis"))
    words, photo = page.locator(".case-person").nth(-2), page.locator(".case-person").last
    # A photo is kept as its kind and caption only: the picture is in the topic, not here.
    await expect(photo.locator(".case-kind")).to_have_text(CASE_WORDS["case_kind_photo"])
    await expect(photo.locator(".case-text")).to_have_text("справка")
    await expect(photo.locator("img")).to_have_count(0)
    bubble = words
    await expect(bubble.locator(".case-author")).to_have_text(CASE_WORDS["case_person"])
    await expect(bubble.locator(".case-text")).to_have_text("Здравствуйте, мне нужна помощь")
    await expect(bubble.locator(".case-text")).to_have_attribute("lang", "ru")
    html = await page.content()
    assert str(person.user_id) not in html and "<script" not in html.lower()
    await assert_accessible(page)

    # A reply from the console: the person gets exactly what a reply in the topic gives
    # (the alias, bold, on the first line), the topic shows what was sent, and so does the page.
    reply = "Добрый день! Чем я могу помочь?"
    await page.get_by_role("textbox", name=CASE_WORDS["case_reply"]).fill(reply)
    await submit(page, CASE_WORDS["case_send"])
    await expect(page).to_have_url(re.compile(rf"/console/cases/{case}\?done=replied$"))
    await expect(page.get_by_role("status")).to_have_text(CASE_WORDS["case_done_replied"])
    await received(person, said.ui("ru", texts.ADVOCATE_JOINED))  # answering is claiming
    answer = await received(person, f"Dora:\n{reply}")
    assert {"type": "bold", "offset": 0, "length": len("Dora:")} in answer.entities
    mirror = said.ui(STAFF_LANGUAGE, texts.REPLIED_FROM_CONSOLE).format(alias="Dora")
    await scene.in_topic(case, f"↪ {mirror}\n{reply}")
    await expect(page.locator("#case-assignee")).to_have_text("Dora")
    mine = page.locator(".case-advocate").last
    await expect(mine.locator(".case-author")).to_have_text("Dora")
    await expect(mine.locator(".case-text")).to_have_text(reply)
    await expect(page.get_by_role("textbox", name=CASE_WORDS["case_reply"])).to_have_value("")
    await assert_accessible(page)
    await fits_a_small_phone(page)
    CASE_SCREENSHOT.parent.mkdir(exist_ok=True)
    await page.screenshot(path=str(CASE_SCREENSHOT), full_page=True)
    assert CASE_SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    views = await scene.audit(actor=scene.ids["Dora"], ticket_id=case)
    assert (scene.ids["Dora"], "console-view", case, "case") in views
    assert (scene.ids["Dora"], "reply", case, "console") in views


async def test_a_claimed_case_is_its_advocates_and_the_admins(scene: Scene) -> None:
    said = scene.said
    person, case = await open_case(scene, "ru")
    page = await scene.case_page("Anna", case)
    await submit(page, CASE_WORDS["case_claim"])
    await received(person, said.ui("ru", texts.ADVOCATE_JOINED))

    # Another operator may neither claim nor write: refused, the text kept, nothing sent.
    carl = await scene.case_page("Carl", case)
    await expect(carl.get_by_role("button", name=CASE_WORDS["case_claim"])).to_have_count(0)
    await expect(carl.get_by_role("button", name=CASE_WORDS["case_take_over"])).to_have_count(0)
    await carl.get_by_role("textbox", name=CASE_WORDS["case_reply"]).fill("Hello from Carl")
    await submit(carl, CASE_WORDS["case_send"], status=409)
    refusal = said.ui("en", NOT_YOUR_CASE).format(alias="Anna")
    await expect(carl.get_by_role("alert")).to_have_text(refusal)
    await expect(carl.get_by_role("textbox", name=CASE_WORDS["case_reply"])).to_have_value(
        "Hello from Carl"
    )
    await expect(carl.get_by_role("textbox", name=CASE_WORDS["case_reply"])).to_have_attribute(
        "aria-invalid", "true"
    )
    await assert_accessible(carl)
    assert (scene.ids["Carl"], refused("reply"), case, None) in await scene.audit(
        actor=scene.ids["Carl"]
    )

    # An admin takes it over; the whole team sees it in the topic.
    await scene.operator("Boris", role="admin")
    boris = await scene.case_page("Boris", case)
    await submit(boris, CASE_WORDS["case_take_over"])
    await expect(boris.get_by_role("status")).to_have_text(CASE_WORDS["case_done_claimed"])
    await expect(boris.locator("#case-assignee")).to_have_text("Boris")
    taken = said.ui(STAFF_LANGUAGE, TAKEN_OVER).format(alias="Boris", previous="Anna")
    await scene.in_topic(case, taken)

    # A canned reply reaches the person in their language, signed like any reply.
    canned = CannedReplies.load(scene.haven.locales_dir / "canned_replies.yaml")
    await boris.get_by_role("combobox", name=CASE_WORDS["case_canned"]).select_option("received")
    await submit(boris, CASE_WORDS["case_send_canned"])
    await expect(boris.get_by_role("status")).to_have_text(CASE_WORDS["case_done_canned"])
    text = canned.get("received", "ru")
    assert text is not None and text != canned.get("received", "en")
    await received(person, f"Boris:\n{text}")

    # A note stays with the advocates.
    before = len(person.bot_messages)
    await boris.get_by_label(CASE_WORDS["case_add_note"]).fill("звонил юрист\nвторая строка")
    await submit(boris, CASE_WORDS["case_save_note"])
    await expect(boris.get_by_role("status")).to_have_text(CASE_WORDS["case_done_noted"])
    note = boris.locator(".case-notes li").last
    await expect(note.locator(".case-author")).to_have_text("Boris")
    await expect(note.locator(".case-text")).to_have_text("звонил юрист\nвторая строка")

    # Closing tells the person (never the reason) and starts the feedback.
    await boris.get_by_label(CASE_WORDS["case_close_reason_label"]).fill("решено")
    await submit(boris, CASE_WORDS["case_close"])
    await expect(boris.get_by_role("status")).to_have_text(CASE_WORDS["case_done_closed"])
    await expect(boris.locator("#case-status")).to_have_text(CASE_WORDS["cases_status_closed"])
    await expect(boris.get_by_role("textbox", name=CASE_WORDS["case_reply"])).to_have_count(0)
    closed = await received(person, scene.ui("ru", texts.CASE_CLOSED, case=case))
    await received(person, said.flow("ru", "feedback", "helped"))
    after = person.bot_messages[before:]
    assert closed in after and not any("юрист" in m.plain_text for m in after)
    assert not any("решено" in m.plain_text for m in after)
    assert not any("Carl" in m.plain_text for m in person.bot_messages)
    await scene.in_topic(case, scene.ui(STAFF_LANGUAGE, texts.CLOSED_WITH_REASON, reason="решено"))
    assert case in await scene.queue("Boris", "?status=closed")
    assert case not in await scene.queue("Boris")


async def test_a_reply_of_telegrams_length_and_one_too_long(scene: Scene) -> None:
    person, case = await open_case(scene, "ru")
    page = await scene.case_page("Anna", case)
    field = page.get_by_role("textbox", name=CASE_WORDS["case_reply"])
    longest = ("Длинный ответ. " * 300)[:4096]
    await field.fill(longest)
    await submit(page, CASE_WORDS["case_send"])
    await expect(page.get_by_role("status")).to_have_text(CASE_WORDS["case_done_replied"])

    def parts() -> list[str]:
        return [m.plain_text for m in person.bot_messages if m.plain_text.startswith("Anna:\n")]

    def joined() -> str:  # split after a sentence, whose space each part drops
        return " ".join(part.removeprefix("Anna:\n") for part in parts())

    await person.wait_until(lambda: joined() == longest)
    assert len(parts()) == 2  # the alias does not fit beside 4,096 characters

    # One more character: refused with a message, the text still there, nothing sent.
    await page.goto(f"{scene.haven.base_url}/console/cases/{case}")
    field = page.get_by_role("textbox", name=CASE_WORDS["case_reply"])
    assert await field.get_attribute("maxlength") == "4096"
    await field.evaluate("element => element.removeAttribute('maxlength')")  # an old browser
    too_long = longest + "ж"
    await field.fill(too_long)
    await submit(page, CASE_WORDS["case_send"], status=422)
    message = (
        CASE_WORDS["case_text_too_long"]
        .replace("{length}", format_decimal(4097, locale="en"))
        .replace("{limit}", format_decimal(4096, locale="en"))
    )
    await expect(page.get_by_role("alert")).to_have_text(message)
    await expect(page.get_by_role("textbox", name=CASE_WORDS["case_reply"])).to_have_value(too_long)
    with contextlib.suppress(TimeoutError):
        await person.wait_until(lambda: len(parts()) > 2, timeout=1.0)
    assert len(parts()) == 2

    # A blank reply is refused too (a browser's "required" aside).
    await page.goto(f"{scene.haven.base_url}/console/cases/{case}")
    field = page.get_by_role("textbox", name=CASE_WORDS["case_reply"])
    await field.evaluate("element => element.removeAttribute('required')")
    await field.fill("   ")
    await submit(page, CASE_WORDS["case_send"], status=422)
    await expect(page.get_by_role("alert")).to_have_text(CASE_WORDS["case_text_blank"])


async def test_a_maintainer_is_refused(scene: Scene) -> None:
    _person, case = await open_case(scene, "en")
    mia = await scene.operator("Mia", role="maintainer")
    await expect(mia.get_by_role("link", name=CASE_WORDS["cases"])).to_have_count(0)
    for path in ("/console/cases", f"/console/cases/{case}"):
        response = await mia.goto(f"{scene.haven.base_url}{path}")
        assert response is not None and response.status == 403
        await expect(mia.get_by_role("heading", level=1)).to_have_text(
            WORDS["role_refused_heading"]
        )
        assert "Case #" not in await mia.content()
    entries = await scene.audit(actor=scene.ids["Mia"])
    assert entries.count((scene.ids["Mia"], refused("console-view"), None, "cases")) == 2
    assert not any(action == "console-view" for _, action, _, _ in entries[-2:])


async def test_the_pages_in_russian(scene: Scene) -> None:
    person, case = await open_case(scene, "ru")
    await person.send_text("Мне нужна помощь с документами")
    await scene.in_topic(case, "Мне нужна помощь с документами")
    olga = await scene.operator("Olga", language="ru")
    said = scene.said
    await scene.queue("Olga")
    await expect(olga.locator("html")).to_have_attribute("lang", "ru")
    await expect(olga.get_by_role("heading", level=1)).to_have_text(
        said.ui("ru", CASE_WORDS["cases"])
    )
    await assert_accessible(olga)
    page = await olga.context.new_page()
    await page.goto(f"{scene.haven.base_url}/console/cases/{case}")
    heading = said.ui("ru", CASE_WORDS["case_heading"]).replace("{case}", str(case))
    await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    await expect(page.locator(".case-person .case-text")).to_have_text(
        "Мне нужна помощь с документами"
    )
    await assert_accessible(page)
    await page.close()
