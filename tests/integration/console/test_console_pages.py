"""The console's routes over HTTP (no browser), on SQLite and PostgreSQL: what a browser is sent
and what it may post. The browser itself is driven in ``tests/e2e/test_console_login.py``."""

from __future__ import annotations

import re

import httpx
from starlette.applications import Starlette

from bot.console.simulations import Simulations
from bot.console.store import ConsoleStore
from bot.library import FlowLibrary, default_flows_dir
from bot.web.console import console_routes
from bot.web.console.security import MAX_FORM_BYTES
from tests.integration.console.conftest import OPERATOR, OTHER_OPERATOR
from tests.integration.storage.conftest import FakeClock

HTTPS = "https://console.example.org"
SAME_SITE = {"Sec-Fetch-Site": "same-origin", "Origin": "null"}  # as Chromium sends them


def _client(console: ConsoleStore, console_url: str | None = HTTPS) -> httpx.AsyncClient:
    app = Starlette(routes=console_routes(console, languages=["en", "ru"], console_url=console_url))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=HTTPS)


async def _signed_in(client: httpx.AsyncClient, console: ConsoleStore) -> httpx.Response:
    async with console.transaction() as tx:
        token = await tx.links.create(OPERATOR)
    return await client.post(f"/console/login/{token}", headers=SAME_SITE)


async def test_over_https_the_cookie_is_secure_and_prefixed(console: ConsoleStore) -> None:
    async with _client(console) as client:
        response = await _signed_in(client, console)
    assert response.status_code == 303
    assert response.headers["location"] == "/console"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Secure-haven_console=")
    for flag in ("HttpOnly", "Path=/console", "SameSite=strict", "Secure", "Max-Age=43200"):
        assert flag.lower() in cookie.lower(), flag
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_a_post_from_another_site_is_refused(console: ConsoleStore) -> None:
    async with console.transaction() as tx:
        token = await tx.links.create(OPERATOR)
    async with _client(console) as client:
        for headers in (
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
            {"Origin": "https://elsewhere.example"},
        ):
            refused = await client.post(f"/console/login/{token}", headers=headers)
            assert refused.status_code == 403
            assert "set-cookie" not in refused.headers
        # The link was not used up by the refused posts.
        accepted = await client.post(f"/console/login/{token}", headers={"Origin": HTTPS})
        assert accepted.status_code == 303


async def test_forms_need_the_sessions_token(console: ConsoleStore) -> None:
    async with _client(console) as client:
        await _signed_in(client, console)
        home = await client.get("/console")
        assert home.status_code == 200
        found = re.search(r'name="csrf" value="([^"]+)"', home.text)
        assert found is not None
        csrf = found.group(1)
        for data in ({}, {"csrf": ""}, {"csrf": csrf[:-1]}, {"language": "ru"}):
            posted = await client.post("/console/language", data=data, headers=SAME_SITE)
            assert posted.status_code == 403
        too_long = {"csrf": csrf, "language": "x" * MAX_FORM_BYTES}
        posted = await client.post("/console/language", data=too_long, headers=SAME_SITE)
        assert posted.status_code == 403
        as_json = await client.post(
            "/console/language", json={"csrf": csrf, "language": "ru"}, headers=SAME_SITE
        )
        assert as_json.status_code == 403
        chosen = await client.post(
            "/console/language", data={"csrf": csrf, "language": "ru"}, headers=SAME_SITE
        )
        assert chosen.status_code == 303
        assert '<html lang="ru"' in (await client.get("/console")).text


async def test_pages_without_a_session_are_refused(console: ConsoleStore) -> None:
    async with _client(console, console_url=None) as client:
        assert (await client.get("/console")).status_code == 403
        client.cookies.set("haven_console", "made-up", path="/console")
        home = await client.get("/console")
        assert home.status_code == 403
        assert home.headers["x-frame-options"] == "DENY"
        assert home.headers["cache-control"] == "no-store"
        assert (await client.post("/console/logout", headers=SAME_SITE)).status_code == 403
        assert (await client.get("/console/login/nonsense")).status_code == 403


async def test_signing_out_drops_the_sessions_simulation(
    console: ConsoleStore, clock: FakeClock
) -> None:
    simulations = Simulations(clock)
    library = FlowLibrary(default_flows_dir(), None, clock)
    routes = console_routes(
        console, languages=["en", "ru"], console_url=HTTPS, library=library, simulations=simulations
    )
    transport = httpx.ASGITransport(app=Starlette(routes=routes))
    async with httpx.AsyncClient(transport=transport, base_url=HTTPS) as client:
        async with console.transaction() as tx:
            link = await tx.links.create(OTHER_OPERATOR)  # an admin: the simulator is theirs
        await client.post(f"/console/login/{link}", headers=SAME_SITE)
        found = re.search(r'name="csrf" value="([^"]+)"', (await client.get("/console")).text)
        assert found is not None
        csrf = found.group(1)
        started = await client.post(
            "/console/simulator/start",
            data={"csrf": csrf, "flow": "start", "language": "en"},
            headers=SAME_SITE,
        )
        assert started.status_code == 303
        assert len(simulations) == 1  # not vacuous: the session has a dialogue
        signed_out = await client.post("/console/logout", data={"csrf": csrf}, headers=SAME_SITE)
        assert signed_out.status_code == 303
    assert len(simulations) == 0
