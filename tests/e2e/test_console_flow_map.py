"""The console's flow map in Debian's Chromium: the flows, a flow drawn, a node in every language.

The real bot (``bot.app.serve``) runs against the sandbox on a copy of the repository's flows
in which one fact's review is years old (W141, a warning: a bot never runs flows with errors).
An operator signs in with the link from the bot's /console, as in test_console_login.py. The
console is the same in both modes, so one (polling) is enough here.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Locator, Page, expect

from bot.web.console.words import WORDS
from tests.e2e.accessibility import assert_accessible
from tests.e2e.runtime_fixtures import Haven, harness, open_menu
from tests.e2e.test_console_login import (
    console_of,
    link_for,
    new_page,
    operator,
    sign_in,
)
from tests.e2e.web_fixtures import PHONE, ROOT, launched_chromium

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCREENSHOT = ROOT / "docs" / "console-flow-map.png"
#: The flow and the fact node whose review the copy makes old.
FLOW, FACT = "asylum_on_territory", "territory"


@pytest_asyncio.fixture(name="haven", scope="module", loop_scope="module")
async def haven_fixture(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Haven]:
    """One running bot on a copy of the flows with an old review, its console at its address."""
    async with harness("polling", tmp_path_factory.mktemp("flow-map")) as haven:
        flows, _locales = haven.copy_project()
        path = flows / f"{FLOW}.yaml"
        text = path.read_text(encoding="utf-8")
        edited = re.sub(r"reviewed: \d{4}-\d\d-\d\d", "reviewed: 2019-03-01", text, count=1)
        assert edited != text
        path.write_text(edited, encoding="utf-8")
        haven.translate_missing()  # nothing to translate: only a date changed
        haven.overrides["console_url"] = haven.base_url
        await haven.start()
        yield haven
        assert not haven.log.errors()


@pytest_asyncio.fixture(name="browser", scope="module", loop_scope="module")
async def browser_fixture() -> AsyncIterator[Browser]:
    async with launched_chromium() as chromium:
        yield chromium


async def signed_in(haven: Haven, browser: Browser, alias: str) -> tuple[Page, int]:
    """A browser page of a new operator, signed in; and the operator's user id."""
    user = await operator(haven, alias, ["en"])
    link, _ = await link_for(user)
    _context, page = await sign_in(browser, link)
    return page, user.user_id


def row_of(page: Page, name: str) -> Locator:
    """The table row whose header cell links to ``name``."""
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


async def test_the_flows_a_flow_and_a_node(haven: Haven, browser: Browser) -> None:
    said = haven.expected
    await open_menu(haven)  # one conversation: the start flow's welcome is reached once
    page, user_id = await signed_in(haven, browser, "Dana")

    await page.get_by_role("link", name=WORDS["flows_heading"]).click()
    await expect(page).to_have_url(f"{haven.base_url}/console/flows")
    await expect(page.get_by_role("heading", level=1)).to_have_text(WORDS["flows_heading"])
    flows = said.flows
    assert await page.locator("tbody tr").count() == len(flows)
    title = said.flow("en", FLOW, "_flow", "title")
    broken = row_of(page, title)
    await expect(broken.locator("td")).to_have_text(
        [str(len(flows[FLOW].nodes)), "0", "1"]  # nodes, errors, warnings
    )
    await expect(
        row_of(page, said.flow("en", "start", "_flow", "title")).locator("td")
    ).to_have_text([str(len(flows["start"].nodes)), "0", "0"])
    await assert_accessible(page)

    # The start flow: one conversation reached its welcome (and is still going there).
    response = await page.goto(f"{haven.base_url}/console/flows/start")
    assert response is not None and response.status == 200
    assert "script-src" not in response.headers["content-security-policy"]
    html = await page.content()
    assert "<script" not in html.lower()
    graph = page.locator("figure.flow-graph svg")
    await expect(graph).to_have_attribute("aria-label", said.flow("en", "start", "_flow", "title"))
    for node in flows["start"].nodes:
        link = graph.locator(f'a[href="/console/flows/start/{node}"]')
        await expect(link).to_have_count(1)
    welcome = row_of(page, "welcome")
    await expect(welcome.locator("td").first).to_have_text("1")
    await expect(graph.locator('a[href="/console/flows/start/welcome"] text')).to_contain_text(
        ["Reached 1 · Stopped 0 (0%)"]
    )
    await assert_accessible(page)

    # The broken copy: its fact node is outlined and labelled with W141, in the drawing and
    # in the table.
    await page.goto(f"{haven.base_url}/console/flows/{FLOW}")
    node_link = page.locator(f'figure a[href="/console/flows/{FLOW}/{FACT}"]')
    await expect(node_link.locator("text")).to_contain_text(["⚠ W141"])
    outline = node_link.locator("polygon, path, ellipse").first
    await expect(outline).to_have_attribute("stroke", "#b45309")
    await expect(outline).to_have_attribute("stroke-width", "4")
    await expect(page.locator('figure [stroke="#b45309"]')).to_have_count(1)  # that node only
    await expect(row_of(page, FACT).locator("td").last).to_have_text("W141")
    await assert_accessible(page)
    # The documentation's picture: a laptop's screen, the marked node in sight.
    await page.set_viewport_size({"width": 1280, "height": 800})
    await node_link.scroll_into_view_if_needed()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    await page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    await page.set_viewport_size(PHONE)

    # The links of the drawing are reached by keyboard: tab until the fact node has focus.
    await page.locator("figure.flow-graph").scroll_into_view_if_needed()
    for _ in range(200):
        await page.keyboard.press("Tab")
        if await node_link.evaluate("link => link === document.activeElement"):
            break
    else:
        raise AssertionError("the fact node's link never got the focus")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"{haven.base_url}/console/flows/{FLOW}/{FACT}")

    # The node: its text in every language, its sources and review, its issue.
    await expect(page.get_by_role("heading", level=1)).to_have_text(FACT)
    for language in ("en", "ru", "de", "fr"):
        text = said.flow(language, FLOW, FACT)
        shown = page.locator(f'dd[lang="{language}"] .flow-text').first
        await expect(shown).to_have_text(" ".join(text.split()))
    assert said.flow("ru", FLOW, FACT) != said.flow("en", FLOW, FACT)
    sources = flows[FLOW].nodes[FACT].sources
    assert sources
    await expect(page.locator("ul.sources li")).to_have_text(list(sources))
    await expect(page.get_by_text("2019-03-01", exact=True)).to_be_visible()
    await expect(page.locator("ul.issues li")).to_contain_text(["W141"])
    await assert_accessible(page)

    async with console_of(haven) as console, console.transaction() as tx:
        entries = await tx.handoff.audit.list(actor=user_id)
    views = [entry.detail for entry in entries if entry.action == "console-view"]
    assert views == ["home", "flows", "flow", "flow", "node"]
    await page.context.close()


async def test_unknown_flows_and_nodes_are_not_found(haven: Haven, browser: Browser) -> None:
    page, _ = await signed_in(haven, browser, "Emil")
    for path in ("/console/flows/nowhere", f"/console/flows/{FLOW}/nowhere"):
        response = await page.goto(f"{haven.base_url}{path}")
        assert response is not None and response.status == 404
        await expect(page.get_by_role("heading", level=1)).to_have_text(
            WORDS["flows_missing_heading"]
        )
    await page.context.close()


async def test_the_flow_map_is_for_signed_in_operators_only(haven: Haven, browser: Browser) -> None:
    context, page = await new_page(browser)
    for path in ("/console/flows", f"/console/flows/{FLOW}", f"/console/flows/{FLOW}/{FACT}"):
        response = await page.goto(f"{haven.base_url}{path}")
        assert response is not None and response.status == 403
        await expect(page.get_by_role("heading", level=1)).to_have_text(WORDS["signed_out_heading"])
        assert await page.locator("svg, table").count() == 0
    await context.close()


async def test_without_graphviz_the_numbers_are_a_table(
    haven: Haven, browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page, _ = await signed_in(haven, browser, "Farid")
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot there (a missing dot is never cached)
    await page.goto(f"{haven.base_url}/console/flows/feedback")
    await expect(page.get_by_text(WORDS["flows_graph_missing"])).to_be_visible()
    assert await page.locator("svg").count() == 0
    nodes = haven.expected.flows["feedback"].nodes
    await expect(page.locator("tbody tr")).to_have_count(len(nodes))
    await assert_accessible(page)
    monkeypatch.undo()
    await page.reload()
    await expect(page.locator("figure.flow-graph svg a[href]")).to_have_count(len(nodes))
    await page.context.close()
