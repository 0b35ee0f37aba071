"""The webhook endpoint: Telegram POSTs updates here; only requests with the secret count.

The secret token header is compared in constant time. A valid update is queued for the
Application and answered 200 at once: Telegram retries anything slower or not 2xx, which would
deliver the update again (the dialogue ignores a second delivery of an update id anyway).
"""

from __future__ import annotations

import hmac
import json
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

__all__ = ["SECRET_HEADER", "webhook_route"]

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: Telegram's updates are small; anything far larger is not from Telegram.
MAX_BODY = 1_000_000


def webhook_route(path: str, application: Application, secret: str) -> Route:  # type: ignore[type-arg]
    """A POST route at ``path`` that feeds ``application``'s update queue."""
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("webhook request without the right secret refused")
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        try:
            update = Update.de_json(json.loads(body), application.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("webhook body is not an update")
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"])
