"""The operator pages over HTTP (no browser), on SQLite and PostgreSQL: without a staff group,
for a case that does not exist or was erased, and the size of the forms they take. The pages
themselves, and every action, are driven in ``tests/e2e/test_console_cases.py``."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import urlencode

import httpx
import pytest
from starlette.applications import Starlette

from bot.console.store import ConsoleStore
from bot.engine import Engine
from bot.engine.translation import SourceText
from bot.handoff.canned import CannedReplies
from bot.handoff.hours import WorkingHours
from bot.privacy.erasure import erase_ticket
from bot.tg.desk import Desk, DeskContext, DeskSettings
from bot.web.console import console_routes
from bot.web.console.case_words import CASE_WORDS
from bot.web.console.cases import MAX_TEXT, TEXT_FORM_BYTES
from tests.integration.console.conftest import OPERATOR
from tests.integration.handoff.helpers import open_ticket

HTTPS = "https://console.example.org"
SAME_SITE = {"Sec-Fetch-Site": "same-origin", "Origin": "null"}  # as Chromium sends them
STAFF = -1001234567890


def _desk(console: ConsoleStore, clock, staff_chat_id: int | None = STAFF) -> Desk:
    context = DeskContext(
        DeskSettings(
            staff_chat_id=staff_chat_id,
            staff_language="en",
            hours=WorkingHours.parse("Mon-Fri 09:00-18:00 Europe/Berlin"),
            overdue_after=timedelta(minutes=30),
        ),
        engine=lambda: Engine({}, clock=clock),
        translator=SourceText(),
        languages=("en",),
        canned=CannedReplies({"received": {"en": "We have your message."}}),
        clock=clock,
    )
    return Desk(console._handoff, context)


@pytest.fixture
async def client(console: ConsoleStore, request: pytest.FixtureRequest, clock) -> AsyncIterator:
    """A signed-in operator's client; ``desk`` (indirect) None: no desk, "no group": a desk
    without a staff group, else a desk with one."""
    choice = getattr(request, "param", "desk")
    desk = (
        None if choice is None else _desk(console, clock, None if choice == "no group" else STAFF)
    )
    routes = console_routes(console, languages=["en", "ru"], console_url=HTTPS, desk=desk)
    transport = httpx.ASGITransport(app=Starlette(routes=routes))
    async with httpx.AsyncClient(transport=transport, base_url=HTTPS) as client:
        async with console.transaction() as tx:
            token = await tx.links.create(OPERATOR)
        assert (await client.post(f"/console/login/{token}", headers=SAME_SITE)).status_code == 303
        yield client


async def _csrf(client: httpx.AsyncClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', (await client.get("/console")).text)
    assert found is not None
    return found.group(1)


async def _views(console: ConsoleStore) -> list[tuple[str, int | None, str | None]]:
    async with console.transaction() as tx:
        entries = await tx.handoff.audit.list(actor=OPERATOR)
    return [(e.action, e.ticket_id, e.detail) for e in entries if e.action != "console-login"]


@pytest.mark.parametrize("client", [None, "no group"], indirect=True)
async def test_without_a_staff_group_the_pages_say_so(
    client: httpx.AsyncClient, console: ConsoleStore
) -> None:
    csrf = await _csrf(client)
    for response in (
        await client.get("/console/cases"),
        await client.get("/console/cases/1"),
        await client.post(
            "/console/cases/1/reply", data={"csrf": csrf, "text": "hello"}, headers=SAME_SITE
        ),
    ):
        assert response.status_code == 200
        assert CASE_WORDS["cases_not_set_up_heading"] in response.text
        assert "<form" not in response.text
    assert (
        await _views(console)
        == [("console-view", None, "home")] + [("console-view", None, "cases")] * 3
    )


async def test_a_missing_case_is_not_found(
    client: httpx.AsyncClient, console: ConsoleStore
) -> None:
    csrf = await _csrf(client)
    for path in ("/console/cases/999", f"/console/cases/{2**63}"):
        response = await client.get(path)
        assert response.status_code == 404
        assert CASE_WORDS["case_missing_heading"] in response.text
    posted = await client.post("/console/cases/999/claim", data={"csrf": csrf}, headers=SAME_SITE)
    assert posted.status_code == 404
    assert [detail for _, _, detail in await _views(console)][1:] == ["case-missing"] * 3


async def test_an_erased_case_shows_nothing_and_takes_no_action(
    client: httpx.AsyncClient, console: ConsoleStore, clock
) -> None:
    async with console.transaction() as tx:
        ticket = await open_ticket(tx.handoff)
        await tx.handoff.tickets.add_note(ticket.id, OPERATOR, "secret note")
        await tx.handoff.relayed.record(ticket.id, "person", "text", "secret words")
        await erase_ticket(tx.handoff, ticket.id, now=clock.now, staff_chat_id=None)
    csrf = await _csrf(client)
    page = await client.get(f"/console/cases/{ticket.id}")
    assert page.status_code == 200
    assert CASE_WORDS["case_erased"].replace("'", "&#39;") in page.text
    assert "secret" not in page.text and 'name="text"' not in page.text
    for action, data in (("note", {"text": "late"}), ("claim", {}), ("reply", {"text": "hi"})):
        posted = await client.post(
            f"/console/cases/{ticket.id}/{action}", data={"csrf": csrf, **data}, headers=SAME_SITE
        )
        assert posted.status_code == 200
    async with console.transaction() as tx:
        assert await tx.handoff.tickets.notes(ticket.id) == []
        assert await tx.handoff.outbox.pending_count() == 0
        assert (await tx.handoff.tickets.get(ticket.id)).assignee is None


async def test_a_reply_form_takes_telegrams_longest_text(
    client: httpx.AsyncClient, console: ConsoleStore
) -> None:
    async with console.transaction() as tx:
        ticket = await open_ticket(tx.handoff)
    csrf = await _csrf(client)
    path = f"/console/cases/{ticket.id}/reply"
    headers = {**SAME_SITE, "Content-Type": "application/x-www-form-urlencoded"}
    # The widest a browser sends: 4,096 characters of three UTF-8 bytes, each URL-encoded.
    widest = urlencode({"csrf": csrf, "text": "€" * MAX_TEXT})
    assert len(widest) <= TEXT_FORM_BYTES
    too_long = urlencode({"csrf": csrf, "text": "€" * (MAX_TEXT + 1)})
    read = await client.post(path, content=widest, headers=headers)
    assert read.status_code == 303  # sent
    refused = await client.post(path, content=too_long, headers=headers)
    assert refused.status_code == 422  # read, and refused with a message
    assert 'role="alert"' in refused.text
    unread = urlencode({"csrf": csrf, "text": "x" * TEXT_FORM_BYTES})
    assert (await client.post(path, content=unread, headers=headers)).status_code == 403
    # Other forms keep the console's small limit.
    small = urlencode({"csrf": csrf, "name": "x" * 5000})
    claimed = await client.post(
        f"/console/cases/{ticket.id}/canned", content=small, headers=headers
    )
    assert claimed.status_code == 403
