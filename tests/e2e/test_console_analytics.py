"""The console's analytics page in Debian's Chromium: the figures of scripted dialogues.

The real bot (``bot.app.serve``) runs against the sandbox, by polling and by webhook, and the
five people of :mod:`tests.e2e.test_analytics` talk to it the same way (six conversations).
Then their events are moved two hours into the past, as if the operator looked later (so every
conversation that did not end has stopped where it rests), and Dmitri's, the one in Russian,
ten days: the last 7 days hold five conversations, the last 30 all six. An operator signs in
with the bot's /console link and reads the page's figures from the DOM.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, expect
from sqlalchemy import Table, select, update

from bot.analytics.report import IDLE, Report
from bot.analytics.tables import EventRow
from bot.storage import Storage
from bot.web.console.analytics import PERIODS, analytics_view
from bot.web.console.pages import ConsolePages
from bot.web.console.words import WORDS
from tests.e2e.accessibility import assert_accessible
from tests.e2e.runtime_fixtures import MODES, Haven, harness
from tests.e2e.test_analytics import (
    AFTER_PASSPORT,
    LEAVING,
    WELCOME,
    hand_off,
    leave_in_russian,
    report_of,
    restart,
    stop_at_passport,
)
from tests.e2e.test_console_login import (  # noqa: F401
    browser_fixture,
    console_of,
    link_for,
    new_page,
    operator,
)
from tests.e2e.web_fixtures import ROOT
from tests.keys import PSEUDONYMS, SEALER

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCREENSHOT = ROOT / "docs" / "console-analytics.png"
LATER = timedelta(hours=2)  # more than the report's idle hour
DMITRI_AGO = timedelta(days=10)  # within 30 days, not within 7

_EVENTS = cast(Table, EventRow.__table__)  # type: ignore[attr-defined]

REACHED = (
    {("start", node): 6 for node in WELCOME}
    | {("start", "go_situation"): 4, ("situation", "intro"): 4}
    | {("situation", "where"): 4, ("situation", "passport"): 3}
    | {("situation", node): 2 for node in AFTER_PASSPORT}
    | {("start", "go_leaving"): 1, ("start", "bye"): 1}
    | {("leaving_without_passport", node): 1 for node in LEAVING}
)
STOPPED = {
    ("situation", "handoff_now"): 2,  # Alice and Bob, ended there
    ("situation", "passport"): 1,  # Carol
    ("situation", "where"): 1,  # Eve, before her restart
    ("start", "bye"): 1,  # Dmitri, ended there
    ("start", "menu"): 1,  # Eve, after her restart
}


class Scripted:
    """The running bot after the dialogues, and the day (UTC) of the two hand-offs."""

    def __init__(self, haven: Haven, handoff_day: date) -> None:
        self.haven = haven
        self.handoff_day = handoff_day


async def move_events(haven: Haven, back: timedelta, subject: str | None = None) -> None:
    """Move the events (all, or one person's) ``back`` into the past."""
    async with (
        await Storage.open(haven.database_url, sealer=SEALER) as storage,
        storage.engine.begin() as connection,
    ):
        e = _EVENTS.c
        query = select(e.id, e.at)
        if subject is not None:
            query = query.where(e.subject == subject)
        for row in (await connection.execute(query)).all():
            await connection.execute(update(_EVENTS).where(e.id == row[0]).values(at=row[1] - back))


@pytest_asyncio.fixture(name="scripted", scope="module", loop_scope="module", params=MODES)
async def scripted_fixture(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Scripted]:
    """One bot for the module, in each mode, after the scripted dialogues."""
    async with harness(request.param, tmp_path_factory.mktemp(request.param)) as haven:
        haven.overrides["console_url"] = haven.base_url
        await haven.start()
        await hand_off(haven)
        handoff_day = (datetime.now(UTC) - LATER).date()
        await hand_off(haven)
        await stop_at_passport(haven)
        dmitri = await leave_in_russian(haven)
        await restart(haven)
        await move_events(haven, LATER)
        await move_events(haven, DMITRI_AGO, PSEUDONYMS.of(dmitri.user_id))
        yield Scripted(haven, handoff_day)
        assert not haven.log.errors()


async def open_analytics(
    haven: Haven, browser: Browser, alias: str, languages: list[str]
) -> tuple[int, Page]:
    """A new operator signed in, on the analytics page reached from the home page."""
    user = await operator(haven, alias, languages)
    link, _ = await link_for(user)
    _context, page = await new_page(browser)
    await page.goto(link)
    await page.locator("form button").click()  # "Sign in", in the operator's language
    await expect(page).to_have_url(re.compile(r"/console$"))
    await page.locator("a[href='/console/analytics']").click()
    await expect(page).to_have_url(re.compile(r"/console/analytics$"))
    return user.user_id, page


async def figures(page: Page) -> dict[str, Any]:
    """The page's numbers, as its tables show them."""
    nodes = await page.locator("table.analytics-nodes tbody tr").evaluate_all(
        """rows => rows.map(r => [r.closest('table').dataset.flow, r.cells[0].innerText.trim(),
                                  r.cells[1].innerText.trim(), r.cells[2].innerText.trim()])"""
    )
    languages = await page.locator("#analytics-languages-table tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.language, r.cells[1].innerText.trim()])"
    )
    handoffs = await page.locator("#analytics-handoffs-table tbody tr").evaluate_all(
        """rows => rows.map(r => [r.querySelector('time').getAttribute('datetime'),
                                  r.cells[1].innerText.trim(), r.cells[2].innerText.trim()])"""
    )
    return {
        "conversations": int(await page.locator("#analytics-conversations").inner_text()),
        "flows": await page.locator("table.analytics-nodes").evaluate_all(
            "tables => tables.map(t => t.dataset.flow)"
        ),
        "reached": {(flow, node): int(reached) for flow, node, reached, _ in nodes},
        "stopped": {
            (flow, node): int(stopped) for flow, node, _, stopped in nodes if stopped != "0"
        },
        "languages": {language: int(count) for language, count in languages},
        "handoffs": [(day, topic, int(count)) for day, topic, count in handoffs],
    }


async def bar_of(page: Page, flow: str, node: str, part: str) -> dict[str, str | None]:
    """The ``reached`` or ``stopped`` part of a node's bar: its x and width."""
    rect = page.locator(f"table[data-flow='{flow}'] tbody tr", has_text=node).locator(
        f"rect.bar-{part}"
    )
    return {"x": await rect.get_attribute("x"), "width": await rect.get_attribute("width")}


async def audited(haven: Haven, user_id: int) -> list[tuple[str, str | None]]:
    async with console_of(haven) as console, console.transaction() as tx:
        entries = await tx.handoff.audit.list(actor=user_id)
    return [(entry.action, entry.detail) for entry in entries]


async def test_the_page_shows_the_scripted_dialogues(scripted: Scripted, browser: Browser) -> None:
    haven = scripted.haven
    user_id, page = await open_analytics(haven, browser, "Anna", ["en"])
    await expect(page.get_by_role("heading", level=1)).to_have_text(WORDS["analytics"])
    await expect(page.get_by_label(WORDS["analytics_period"])).to_have_value("30")
    await expect(page.get_by_label(WORDS["analytics_flow"])).to_have_value("")

    shown = await figures(page)
    assert shown["conversations"] == 6
    assert shown["reached"] == REACHED
    assert shown["stopped"] == STOPPED
    assert shown["flows"] == ["leaving_without_passport", "situation", "start"]
    assert shown["languages"] == {"en": 5, "ru": 1}
    assert shown["handoffs"] == [(scripted.handoff_day.isoformat(), "situation", 2)]
    # Language names in the page's language; one column in the day chart per day.
    await expect(page.locator("#analytics-languages-table tbody th")).to_have_text(
        ["English", "Russian"]
    )
    assert await page.locator("svg.columns rect").count() == 1

    # The bars: the flow's most reached is full; all who reached handoff_now stopped there,
    # so its dark part is the whole bar; a third of those at "passport" stopped there.
    assert await bar_of(page, "start", "welcome", "reached") == {"x": None, "width": "100.0"}
    assert await bar_of(page, "situation", "handoff_now", "stopped") == {
        "x": "0.0",
        "width": "50.0",
    }
    assert await bar_of(page, "situation", "passport", "stopped") == {"x": "50.0", "width": "25.0"}
    assert (
        await page.locator("table[data-flow='start'] tr", has_text="welcome")
        .locator("rect.bar-stopped")
        .count()
        == 0
    )

    await assert_accessible(page)
    if haven.mode == "polling":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        await page.screenshot(path=str(SCREENSHOT), full_page=True)
        assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (await audited(haven, user_id))[-2:] == [
        ("console-view", "home"),
        ("console-view", "analytics"),
    ]
    await page.context.close()


async def test_a_period_and_a_flow_are_chosen(scripted: Scripted, browser: Browser) -> None:
    haven = scripted.haven
    _user_id, page = await open_analytics(haven, browser, "Boris", ["en"])
    await page.get_by_label(WORDS["analytics_period"]).select_option("7")
    await page.get_by_role("button", name=WORDS["analytics_show"]).click()
    await expect(page).to_have_url(re.compile(r"/console/analytics\?days=7&flow=$"))
    shown = await figures(page)
    assert shown["conversations"] == 5  # without Dmitri's, ten days ago
    assert shown["languages"] == {"en": 5}
    assert shown["flows"] == ["situation", "start"]
    assert shown["reached"][("start", "welcome")] == 5
    assert ("start", "bye") not in shown["reached"]
    assert shown["stopped"] == {key: n for key, n in STOPPED.items() if key != ("start", "bye")}

    # One flow, by keyboard: only its nodes and the conversations that entered it.
    await page.get_by_label(WORDS["analytics_flow"]).select_option("situation")
    await page.get_by_role("button", name=WORDS["analytics_show"]).focus()
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"\?days=7&flow=situation$"))
    await expect(page.get_by_label(WORDS["analytics_period"])).to_have_value("7")
    shown = await figures(page)
    assert shown["conversations"] == 4
    assert shown["flows"] == ["situation"]
    assert shown["reached"] == {key: n for key, n in REACHED.items() if key[0] == "situation"}
    assert shown["handoffs"] == [(scripted.handoff_day.isoformat(), "situation", 2)]

    # A period or flow that is not offered falls back to the default.
    await page.goto(f"{haven.base_url}/console/analytics?days=5&flow=nosuchflow")
    await expect(page.get_by_label(WORDS["analytics_period"])).to_have_value("30")
    assert (await figures(page))["conversations"] == 6
    await page.context.close()


async def test_the_csv_download_is_the_report(scripted: Scripted, browser: Browser) -> None:
    haven = scripted.haven
    user_id, page = await open_analytics(haven, browser, "Clara", ["en"])
    for choose in ("", "situation"):
        await page.get_by_label(WORDS["analytics_flow"]).select_option(value=choose)
        await page.get_by_role("button", name=WORDS["analytics_show"]).click()
        await expect(page.get_by_label(WORDS["analytics_flow"])).to_have_value(choose)
        async with page.expect_download() as started:
            await page.get_by_role("link", name=WORDS["analytics_download_csv"]).click()
        download = await started.value
        today = datetime.now(UTC).date().isoformat()
        suffix = f"-{choose}" if choose else ""
        assert download.suggested_filename == f"haven-analytics-{today}-30d{suffix}.csv"
        saved = await download.path()
        since = datetime.now(UTC) - timedelta(days=30)
        report = await report_of(haven, since=since, flow=choose or None)
        assert saved.read_text(encoding="utf-8") == report.csv()
        rows = list(csv.reader(io.StringIO(report.csv())))
        assert len(rows) > 10
    assert [detail for _, detail in await audited(haven, user_id)][-2:] == [
        "analytics",
        "analytics-csv",
    ]

    # The download's headers, fetched with the browser's cookie.
    cookie = {c["name"]: c["value"] for c in await page.context.cookies()}
    async with httpx.AsyncClient(base_url=haven.base_url, cookies=cookie) as client:
        response = await client.get("/console/analytics.csv", params={"days": "7"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="')
    assert response.headers["cache-control"] == "no-store"
    assert "ru" not in {row[5] for row in csv.reader(io.StringIO(response.text))}
    await page.context.close()


async def test_the_page_in_russian_passes_the_accessibility_check(
    scripted: Scripted, browser: Browser
) -> None:
    _user_id, page = await open_analytics(scripted.haven, browser, "Иван", ["ru"])
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert (await figures(page))["reached"] == REACHED
    await assert_accessible(page)
    # The page's words are the operator's language's (the form's controls keep their ids).
    await page.locator("#analytics-flow").select_option(value="situation")
    await page.locator(".analytics-filters button").click()
    await expect(page).to_have_url(re.compile(r"flow=situation$"))
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
    await assert_accessible(page)
    await page.context.close()


async def test_only_signed_in_operators_see_the_numbers(scripted: Scripted) -> None:
    async with httpx.AsyncClient(base_url=scripted.haven.base_url) as client:
        for path in ("/console/analytics", "/console/analytics.csv"):
            response = await client.get(path)
            assert response.status_code == 403
            assert "situation" not in response.text
    forged = {"haven_console": "x" * 40}
    async with httpx.AsyncClient(base_url=scripted.haven.base_url, cookies=forged) as client:
        assert (await client.get("/console/analytics.csv")).status_code == 403


async def test_an_empty_period_says_so() -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    empty = Report(None, now, None, IDLE, 0, (), (), ())
    view = analytics_view(empty, days=7, flows=[], language="de", today=now.date())
    assert len(view.columns) == 8 and not any(column.height for column in view.columns)
    assert view.first_day == "18.11.2026"  # as German writes it
    pages = ConsolePages(["en", "de"])
    html = pages.render(
        "analytics",
        pages.choices[1],
        view=view,
        periods=PERIODS,
        chart_height=40,
        csv_url="/console/analytics.csv?days=7",
        csrf="token",
    ).body.decode()
    assert html.count(WORDS["analytics_no_events"]) == 3  # the totals, languages and nodes
    assert WORDS["analytics_no_handoffs"] in html
    assert "<table" not in html and "<svg" not in html
