"""Fixtures: a sandbox served on loopback and a real PTB Bot talking to it over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram

from bot.sandbox import Sandbox, SandboxUser

TOKEN = "123456:SANDBOX"


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(token=TOKEN, bot_username="haven_sandbox_bot")


@pytest.fixture
async def url(sandbox: Sandbox) -> AsyncIterator[str]:
    async with sandbox.serve() as base_url:
        yield base_url


@pytest.fixture
async def bot(sandbox: Sandbox, url: str) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(TOKEN, base_url=f"{url}/bot") as ptb_bot:
        yield ptb_bot


@pytest.fixture
def user(sandbox: Sandbox) -> SandboxUser:
    return sandbox.user(user_id=1001, first_name="Test", language_code="ru")
