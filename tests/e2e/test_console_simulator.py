"""The console's simulator in Debian's Chromium: a walk in Russian, a jump, a reload, a transcript.

The real bot (``bot.app.serve``) runs against the sandbox, by polling, on a copy of the
repository's flows that the tests edit as a maintainer would. Maintainers sign in with the link
from the bot's /console; the console speaks their language. Expected texts come from the
catalogs (:class:`~tests.e2e.runtime_fixtures.Expected`), never written here in Russian.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Locator, Page, expect

from bot.engine import NAVIGATION_LABELS
from bot.engine.nodes.input import YES
from bot.handoff import OperatorRole
from bot.handoff.audit import refused
from bot.i18n.chrome import ADVOCATE_ASKED
from bot.library import load_project
from bot.transcripts import load_transcript, run_transcript
from bot.web.console.simulator_words import SIMULATOR_WORDS
from bot.web.console.words import WORDS
from tests.e2e.accessibility import assert_accessible
from tests.e2e.runtime_fixtures import Haven, harness
from tests.e2e.test_console_login import console_of, link_for, new_page
from tests.e2e.web_fixtures import DESKTOP, PHONE, ROOT, WAIT_MS, launched_chromium

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCREENSHOT = ROOT / "docs" / "console-simulator.png"
SIMULATOR = "/console/simulator"


@pytest_asyncio.fixture(name="haven", scope="module", loop_scope="module")
async def haven_fixture(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Haven]:
    """One running bot on an editable copy of the flows, its console at its own address."""
    async with harness("polling", tmp_path_factory.mktemp("simulator")) as haven:
        haven.copy_project()
        haven.overrides["console_url"] = haven.base_url
        await haven.start()
        yield haven
        assert not haven.log.errors()


@pytest_asyncio.fixture(name="browser", scope="module", loop_scope="module")
async def browser_fixture() -> AsyncIterator[Browser]:
    async with launched_chromium() as chromium:
        yield chromium


class Console:
    """The simulator's page as one operator sees it, in their language."""

    def __init__(self, haven: Haven, page: Page, language: str, user_id: int) -> None:
        self.haven = haven
        self.page = page
        self.language = language
        self.user_id = user_id
        self.said = haven.expected

    def word(self, key: str) -> str:
        """A console word in the operator's language."""
        words = {**WORDS, **SIMULATOR_WORDS}
        return self.said.ui(self.language, words[key])

    async def open(self) -> None:
        response = await self.page.goto(f"{self.haven.base_url}{SIMULATOR}")
        assert response is not None and response.status == 200

    @property
    def bubbles(self) -> Locator:
        return self.page.locator(".sim-dialogue > li")

    @property
    def panel(self) -> Locator:
        return self.page.locator("aside.sim-panel")

    def button(self, label: str) -> Locator:
        return self.page.locator(".sim-actions").get_by_role("button", name=label, exact=True)

    async def press(self, label: str) -> None:
        await self.button(label).click()
        await expect(self.page).to_have_url(re.compile(r"/console/simulator#latest$"))

    async def at(self, node: str) -> None:
        """The side panel says the dialogue waits at ``node``."""
        await expect(self.panel.locator(".sim-facts a code")).to_have_text(node)

    async def variables(self, *pairs: str) -> None:
        await expect(self.panel.locator(".sim-variables li")).to_have_text(list(pairs))

    async def last_bot_texts(self, count: int) -> list[str]:
        texts = await self.page.locator(".sim-dialogue .sim-bot .sim-text").all_inner_texts()
        return [" ".join(text.split()) for text in texts[-count:]]


async def console_for(
    haven: Haven,
    browser: Browser,
    alias: str,
    language: str,
    role: OperatorRole = "maintainer",
    color_scheme: str = "light",
) -> Console:
    """A browser page of a new operator of ``role``, signed in, the console in ``language``."""
    user = haven.new_user(language)
    await haven.add_operator(user.user_id, alias, [language], role=role)
    link, _ = await link_for(user)
    context = await browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-US" if language == "en" else f"{language}-{language.upper()}",
        color_scheme=color_scheme,  # type: ignore[arg-type]
        reduced_motion="reduce",
    )
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    response = await page.goto(link)
    assert response is not None and response.status == 200
    said = haven.expected
    await page.get_by_role("button", name=said.ui(language, WORDS["login_button"])).click()
    await expect(page).to_have_url(re.compile(r"/console$"))
    return Console(haven, page, language, user.user_id)


def flow_text(haven: Haven, language: str, flow: str, node: str, field: str = "text") -> str:
    return " ".join(haven.expected.flow(language, flow, node, field).split())


async def no_sideways_scrolling(page: Page) -> None:
    wide = await page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, "the page scrolls sideways"


async def test_a_maintainer_walks_jumps_reloads_and_saves_a_test_in_russian(
    haven: Haven, browser: Browser
) -> None:
    ru = await console_for(haven, browser, "Mila", "ru")
    page, said = ru.page, ru.said

    # The start page speaks Russian (the console's words that are translated are).
    await page.get_by_role("link", name=ru.word("simulator")).click()
    await expect(page).to_have_url(f"{haven.base_url}{SIMULATOR}")
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
    await expect(page.get_by_role("heading", level=1)).to_have_text(ru.word("simulator"))
    await expect(page.get_by_role("link", name=ru.word("home_link"))).to_be_visible()
    assert ru.word("home_link") != WORDS["home_link"]
    start_title = said.flow("ru", "start", "_flow", "title")
    await expect(page.get_by_label(ru.word("sim_flow"))).to_have_value("start")
    await expect(page.locator("#sim-flow option:checked")).to_contain_text(start_title)
    await expect(page.get_by_label(ru.word("sim_language"))).to_have_value("ru")
    await assert_accessible(page)
    await no_sideways_scrolling(page)

    # a. The walk: the welcome and the menu in Russian, then three buttons and a typed answer.
    await page.get_by_label(ru.word("sim_flow")).select_option("start")
    await page.get_by_role("button", name=ru.word("sim_start"), exact=True).click()
    await expect(page).to_have_url(re.compile(r"#latest$"))
    welcome = [flow_text(haven, "ru", "start", node) for node in ("welcome", "not_advice")]
    await expect(ru.bubbles.first).to_contain_text(welcome[0])
    await ru.at("menu")
    await ru.variables()
    assert await ru.last_bot_texts(1) == [flow_text(haven, "ru", "start", "menu")]
    await assert_accessible(page)
    # Keyboard: the first answer button follows the newest message.
    await page.keyboard.press("Tab")
    first_answer = flow_text(haven, "ru", "start", "menu", "option.situation")
    focused = await page.evaluate("document.activeElement.textContent.trim()")
    assert focused == first_answer

    await ru.press(first_answer)
    await ru.at("where")
    await expect(ru.panel.locator(".sim-facts")).to_contain_text("situation")
    await expect(ru.panel.locator(".sim-stack li")).to_have_text(["start/menu"])
    assert await ru.last_bot_texts(2) == [
        flow_text(haven, "ru", "situation", "intro"),
        flow_text(haven, "ru", "situation", "where"),
    ]
    await expect(page.locator(".sim-person .sim-text").last).to_have_text(first_answer)

    await ru.press(flow_text(haven, "ru", "situation", "where", "option.eu"))
    await ru.at("passport")
    await ru.variables("location = eu")
    # The documentation's picture: a phone; a question, the answer, the next question, its
    # buttons, and the top of the panel.
    await page.evaluate(
        "(items => items[items.length - 3].scrollIntoView({block: 'start'}))"
        "(document.querySelectorAll('.sim-dialogue > li'))"
    )
    SCREENSHOT.parent.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    await ru.press(said.ui("ru", YES))
    await ru.at("days")
    await ru.variables("location = eu", "has_passport = true")
    answer = page.get_by_label(ru.word("sim_answer"))
    await answer.fill("30")
    await page.get_by_role("button", name=ru.word("sim_send"), exact=True).click()
    await ru.at("offer")
    await ru.variables("location = eu", "has_passport = true", "days_here = 30")
    await expect(page.locator(".sim-person .sim-text").last).to_have_text("30")
    protection = page.locator(
        ".sim-bot", has_text=flow_text(haven, "ru", "situation", "protection")
    )
    await expect(protection.locator(".sim-links a")).to_have_attribute("rel", "noopener noreferrer")
    await expect(protection.locator(".sim-footer")).to_contain_text(said.ui("ru", "Sources:"))
    await assert_accessible(page)
    await no_sideways_scrolling(page)

    # Back returns to the question before, with the variables as they were.
    await ru.press(said.ui("ru", NAVIGATION_LABELS["back"]))
    await ru.at("days")
    await ru.variables("location = eu", "has_passport = true")

    # The transcript so far is offered (its replay is checked in d).
    await expect(page.locator("a.sim-download")).to_have_text(
        ru.word("sim_transcript_download").replace("{file}", "start_ru.yaml")
    )

    # b. A jump: the node's text shows, the variables stay, and the recording ends.
    await page.get_by_label(ru.word("sim_jump_node")).select_option("situation/internal_only")
    await page.get_by_role("button", name=ru.word("sim_jump"), exact=True).click()
    await expect(page).to_have_url(re.compile(r"#latest$"))
    jumped_text = flow_text(haven, "ru", "situation", "internal_only")
    await expect(page.locator(".sim-bot", has_text=jumped_text)).to_have_count(1)
    await expect(page.locator(".sim-note").last).to_contain_text("situation/internal_only")
    await ru.at("offer")  # the facts said, the flow waits at its next question
    await ru.variables("location = eu", "has_passport = true")
    await expect(page.locator("a.sim-download")).to_have_count(0)
    await expect(ru.panel).to_contain_text(ru.word("sim_unrecorded_jumped"))

    # c. A broken edit: the issue inline with its file and line; the last good flows run on.
    flows = haven.flows_dir
    start_file = flows / "start.yaml"
    good_start = start_file.read_text(encoding="utf-8")
    broken = good_start.replace("next: not_advice", "next: nowhere", 1)
    assert broken != good_start
    line = 1 + broken[: broken.index("next: nowhere")].count("\n")
    start_file.write_text(broken, encoding="utf-8")
    await page.get_by_role("button", name=ru.word("sim_reload"), exact=True).click()
    await expect(page).to_have_url(re.compile(r"#sim-files$"))
    alert = page.get_by_role("alert")
    await expect(alert).to_have_text(ru.word("sim_kept"))
    issue = page.locator(".sim-issue-error", has_text="E101")
    await expect(issue.locator(".sim-where")).to_have_text(f"start.yaml:{line}")
    await expect(issue).to_contain_text("nowhere")
    assert str(flows) not in await page.content()  # no machine paths
    await ru.press(flow_text(haven, "ru", "situation", "offer", "option.later"))
    await ru.at("menu")  # the jump kept the way back to the menu (it stayed in its flow)
    await ru.press(flow_text(haven, "ru", "start", "menu", "option.done"))
    await expect(ru.panel).to_contain_text(ru.word("sim_ended"))

    # Fixed, with a new text (translated as a translator would): no errors, the new text shows.
    situation_file = flows / "situation.yaml"
    situation = situation_file.read_text(encoding="utf-8")
    new_intro = "A few short questions follow."
    edited = re.sub(
        r"(id: intro\n    type: message\n    text: >-\n)(      .*\n)+",
        rf"\g<1>      {new_intro}\n",
        situation,
        count=1,
    )
    assert edited != situation
    start_file.write_text(good_start, encoding="utf-8")
    situation_file.write_text(edited, encoding="utf-8")
    haven.translate_missing()
    await page.get_by_role("button", name=ru.word("sim_reload"), exact=True).click()
    await expect(page).to_have_url(re.compile(r"#sim-files$"))
    await expect(page.get_by_role("alert")).to_have_count(0)
    await expect(page.locator(".sim-issue-error")).to_have_count(0)
    await expect(page.locator(".sim-files")).to_contain_text(ru.word("sim_no_issues"))

    # d. Restart records afresh; the saved transcript replays green on the same flows.
    await ru.press(said.ui("ru", NAVIGATION_LABELS["restart"]))
    await ru.at("menu")
    await ru.press(flow_text(haven, "ru", "start", "menu", "option.situation"))
    intro_now = haven.expected.flow("ru", "situation", "intro")
    assert intro_now == f"[ru] {new_intro}"
    assert (await ru.last_bot_texts(2))[0] == intro_now
    await ru.press(flow_text(haven, "ru", "situation", "where", "option.russia"))
    await ru.press(said.ui("ru", NAVIGATION_LABELS["human"]))
    await expect(page.locator(".sim-notice .sim-text").last).to_have_text(
        said.ui("ru", ADVOCATE_ASKED)
    )
    await expect(page.locator(".sim-note").last).to_have_text(
        ru.word("sim_note_handoff")
        .replace("{topic}", "general")
        .replace("{shared}", ru.word("sim_note_nothing"))
    )
    link = page.locator("a.sim-download")
    async with page.expect_download() as download_info:
        await link.click()
    download = await download_info.value
    assert download.suggested_filename == "start_ru.yaml"
    saved = Path(await download.path())
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# Recorded in the console's simulator: flow start, language ru\n")
    assert "Mila" not in text and str(flows) not in text
    transcript = load_transcript(saved, "start_ru.yaml")
    assert transcript.flow == "start" and transcript.languages == ("ru",)
    assert [s.action is None for s in transcript.steps] == [True, False, False, False]
    project = load_project([flows], haven.locales_dir)

    def run(path: Path) -> bool:
        run = run_transcript(
            load_transcript(path), "ru", project.flow_set.engine_flows, project.catalogs,
            directory=project.directory,
        )  # fmt: skip
        return run.passed

    assert run(saved)
    # Not vacuous: an expectation changed, or a text that was never said, fails.
    changed = saved.with_name("changed.yaml")
    changed.write_text(
        text.replace("offers: situation/passport", "offers: situation/days", 1), encoding="utf-8"
    )
    assert changed.read_text(encoding="utf-8") != text
    assert not run(changed)
    wrong_text = text.replace(
        "offers: situation/passport", "offers: situation/passport\n      text: {ru: Нет такого}", 1
    )
    changed.write_text(wrong_text, encoding="utf-8")
    assert not run(changed)

    async with console_of(haven) as console, console.transaction() as tx:
        entries = await tx.handoff.audit.list(actor=ru.user_id)
    views = [entry.detail for entry in entries if entry.action == "console-view"]
    assert views[:2] == ["home", "simulator"]
    assert set(views) == {"home", "simulator", "simulator-transcript"}
    assert views.count("simulator") >= 10
    await page.context.close()


async def test_in_english_on_a_desktop_and_in_the_dark_every_view_is_accessible(
    haven: Haven, browser: Browser
) -> None:
    for viewport, scheme in ((DESKTOP, "light"), (PHONE, "dark")):
        en = await console_for(haven, browser, f"Noor-{scheme}", "en", color_scheme=scheme)
        page, said = en.page, en.said
        await page.set_viewport_size(viewport)
        await en.open()
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await expect(page.get_by_label(en.word("sim_language"))).to_have_value("en")
        await assert_accessible(page)
        await page.get_by_role("button", name=en.word("sim_start"), exact=True).click()
        await en.at("menu")
        await assert_accessible(page)
        await en.press(said.flow("en", "start", "menu", "option.situation"))
        await en.press(said.flow("en", "situation", "where", "option.eu"))
        await en.press(said.ui("en", NAVIGATION_LABELS["language"]))
        # The language picker: each language named in itself, instead of the answers.
        picker = page.locator(".sim-actions").get_by_role("button")
        await expect(picker).to_have_text(["English", "Deutsch", "Français", "Русский"])
        await assert_accessible(page)
        await en.press("Deutsch")
        await en.at("passport")
        assert await en.last_bot_texts(1) == [flow_text(haven, "de", "situation", "passport")]
        await expect(page.locator(".sim-person .sim-text").last).to_have_text("Deutsch")
        await page.get_by_label(en.word("sim_jump_node")).select_option("situation/handoff_now")
        await page.get_by_role("button", name=en.word("sim_jump"), exact=True).click()
        await expect(page.locator(".sim-note").last).to_have_text(en.word("sim_note_handed_off"))
        await expect(page.locator(".sim-note").nth(-2)).to_have_text(
            en.word("sim_note_handoff")
            .replace("{topic}", "situation")
            .replace("{shared}", "location=eu")
        )
        # The end: only Restart, in the dialogue's language.
        await expect(page.locator(".sim-actions").get_by_role("button")).to_have_text(
            [said.ui("de", NAVIGATION_LABELS["restart"])]
        )
        await expect(en.panel).to_contain_text(en.word("sim_ended"))
        await assert_accessible(page)
        await page.set_viewport_size({"width": 360, "height": 740})
        await no_sideways_scrolling(page)
        await page.context.close()
    # Nothing reached the database: no case was opened by any of the handoffs above.
    async with console_of(haven) as console, console.transaction() as tx:
        assert await tx.handoff.tickets.queue(timedelta(hours=1)) == []


async def test_operators_and_signed_out_browsers_are_refused(
    haven: Haven, browser: Browser
) -> None:
    olga = await console_for(haven, browser, "Olga", "en", role="operator")
    page = olga.page
    await expect(page.get_by_role("link", name=olga.word("simulator"))).to_have_count(0)
    for path in (SIMULATOR, f"{SIMULATOR}/transcript.yaml"):
        response = await page.goto(f"{haven.base_url}{path}")
        assert response is not None and response.status == 403
        await expect(page.get_by_role("heading", level=1)).to_have_text(
            WORDS["role_refused_heading"]
        )
    # A post is refused as well, however well formed (the home page's form token).
    await page.goto(f"{haven.base_url}/console")
    csrf = await page.locator('input[name="csrf"]').first.get_attribute("value")
    posted = await page.request.post(
        f"{haven.base_url}{SIMULATOR}/start",
        form={"csrf": csrf or "", "flow": "start", "language": "en"},
        headers={"Sec-Fetch-Site": "same-origin"},
        max_redirects=0,
    )
    assert posted.status == 403
    async with console_of(haven) as console, console.transaction() as tx:
        entries = await tx.handoff.audit.list(actor=olga.user_id)
    refusals = [(e.action, e.detail) for e in entries if e.action.startswith("refused:")]
    assert refusals == [(refused("console-view"), "simulator")] * 3
    await page.context.close()

    context, page = await new_page(browser)
    for path in (SIMULATOR, f"{SIMULATOR}/transcript.yaml"):
        response = await page.goto(f"{haven.base_url}{path}")
        assert response is not None and response.status == 403
        await expect(page.get_by_role("heading", level=1)).to_have_text(WORDS["signed_out_heading"])
    posted = await page.request.post(
        f"{haven.base_url}{SIMULATOR}/reload", form={}, max_redirects=0
    )
    assert posted.status == 403
    await context.close()


async def test_a_form_without_its_token_changes_nothing(haven: Haven, browser: Browser) -> None:
    max_ = await console_for(haven, browser, "Max", "en")
    page = max_.page
    await max_.open()
    posted = await page.request.post(
        f"{haven.base_url}{SIMULATOR}/start",
        form={"csrf": "forged", "flow": "start", "language": "en"},
        headers={"Sec-Fetch-Site": "same-origin"},
        max_redirects=0,
    )
    assert posted.status == 403
    await max_.open()
    await expect(page.locator(".sim-dialogue")).to_have_count(0)  # nothing started
    await page.context.close()
