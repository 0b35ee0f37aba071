"""A real PTB Application against the sandbox, by polling and by webhook."""

from __future__ import annotations

from collections.abc import AsyncIterator
from http import HTTPStatus

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox import Sandbox, SandboxUser
from bot.sandbox.server import serve_app

SECRET = "app-secret"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    payload = " ".join(context.args or []) or "none"
    await update.effective_message.reply_text(
        f"<b>Welcome</b> ({payload})",
        parse_mode="HTML",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Next", callback_data="n")]]),
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text)


async def next_step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("OK")
    await query.edit_message_text("Step 2")


def build(sandbox: Sandbox, url: str) -> Application:
    builder = ApplicationBuilder().token(sandbox.token).base_url(f"{url}/bot")
    application = builder.build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(next_step))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return application


async def converse(user: SandboxUser) -> None:
    await user.send_command("/start", "eu")
    [welcome] = await user.wait_for_bot_messages(1)
    assert (welcome.plain_text, welcome.buttons[0]["text"]) == ("Welcome (eu)", "Next")
    await user.press(welcome.message_id, "n")
    await user.wait_until(lambda: welcome.text == "Step 2" and bool(user.callback_answers))
    assert welcome.reply_markup is None and user.callback_answers[0]["text"] == "OK"
    await user.send_text("hello")
    [reply] = await user.wait_for_bot_messages(1)
    assert reply.text == "hello"


async def test_application_by_polling(sandbox: Sandbox, url: str, user: SandboxUser) -> None:
    application = build(sandbox, url)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await converse(user)
        finally:
            await application.updater.stop()
            await application.stop()
    # On stop PTB confirms what it handled, so nothing is left for the next start.
    assert sandbox.pending_updates == []
    assert sandbox.calls[0][0] == "getMe"


@pytest.fixture
async def webhook_app(sandbox: Sandbox, url: str) -> AsyncIterator[tuple[Application, str]]:
    application = build(sandbox, url)

    async def receive(request: Request) -> Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != SECRET:
            return Response(status_code=HTTPStatus.FORBIDDEN)
        await application.update_queue.put(Update.de_json(await request.json(), application.bot))
        return Response()

    receiver = Starlette(routes=[Route("/telegram", receive, methods=["POST"])])
    async with serve_app(receiver, "127.0.0.1", 0) as base, application:
        await application.start()
        try:
            yield application, f"{base}/telegram"
        finally:
            await application.stop()


async def test_application_by_webhook(
    webhook_app: tuple[Application, str],
    sandbox: Sandbox,
    user: SandboxUser,
) -> None:
    application, webhook_url = webhook_app
    await application.bot.set_webhook(webhook_url, secret_token=SECRET)
    await converse(user)
    assert sandbox.pending_updates == []
