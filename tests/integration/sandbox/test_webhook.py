"""Webhook delivery to a small Starlette receiver on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import telegram
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.sandbox import RetryPolicy, Sandbox, SandboxUser
from bot.sandbox.server import serve_app

SECRET = "s3cret-Token_1"


@dataclass
class Receiver:
    """Records deliveries; answers 500 to the first ``failures`` of them."""

    failures: int = 0
    deliveries: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)
    url: str = ""

    async def endpoint(self, request: Request) -> Response:
        self.deliveries.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        if self.failures:
            self.failures -= 1
            return Response(status_code=500)
        return Response()

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(3):
            while len(self.deliveries) < count:
                await asyncio.sleep(0.01)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    app = Starlette(routes=[Route("/hook", found.endpoint, methods=["POST"])])
    async with serve_app(app, "127.0.0.1", 0) as base:
        found.url = f"{base}/hook"
        yield found


async def test_updates_are_posted_in_order_with_the_secret(
    bot: telegram.Bot, sandbox: Sandbox, user: SandboxUser, receiver: Receiver
) -> None:
    await user.send_text("before")  # pending updates are delivered once the webhook is set
    assert await bot.set_webhook(receiver.url, secret_token=SECRET)
    await user.send_text("after")
    sent = await bot.send_message(user.chat_id, "Q")
    await user.press(sent.message_id, "go")
    await receiver.wait_for(3)
    assert [secret for secret, _ in receiver.deliveries] == [SECRET] * 3
    updates = [telegram.Update.de_json(body, bot) for _, body in receiver.deliveries]
    assert [u.update_id for u in updates] == sorted(u.update_id for u in updates)
    assert [u.message.text for u in updates[:2]] == ["before", "after"]
    assert updates[2].callback_query.data == "go"
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == (receiver.url, 0)
    assert sandbox.webhook_url == receiver.url


async def test_a_failed_delivery_is_retried_before_the_next_update(
    bot: telegram.Bot, user: SandboxUser, receiver: Receiver
) -> None:
    receiver.failures = 2
    await bot.set_webhook(receiver.url)
    await user.send_text("first")
    await user.send_text("second")
    await receiver.wait_for(4)
    texts = [body["message"]["text"] for _, body in receiver.deliveries]
    assert texts == ["first", "first", "first", "second"]
    assert receiver.deliveries[0][0] is None  # no secret set, no header
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.pending_update_count == 0


async def test_delivery_gives_up_after_bounded_attempts(receiver: Receiver) -> None:
    sandbox = Sandbox(webhook_policy=RetryPolicy(attempts=2, first_delay=0.01))
    user = sandbox.user(7)
    receiver.failures = 10
    async with sandbox.serve() as url, telegram.Bot(sandbox.token, base_url=f"{url}/bot") as bot:
        await bot.set_webhook(receiver.url)
        await user.send_text("lost")
        await user.send_text("next")
        await receiver.wait_for(4)
        assert [body["message"]["text"] for _, body in receiver.deliveries] == ["lost"] * 2 + [
            "next"
        ] * 2


async def test_drop_pending_updates_and_back_to_polling(
    bot: telegram.Bot, sandbox: Sandbox, user: SandboxUser
) -> None:
    await user.send_text("stale")
    await bot.set_webhook("http://127.0.0.1:9/none", drop_pending_updates=True)
    assert sandbox.pending_updates == []
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    await user.send_text("fresh")
    [update] = await bot.get_updates()
    assert update.message.text == "fresh"


async def test_bad_webhook_settings_are_refused(bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)https url must be provided"):
        await bot.set_webhook("ftp://example.org/hook")
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)unallowed characters"):
        await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="not allowed!")
