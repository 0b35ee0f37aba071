"""The webhook endpoint: Telegram POSTs updates here; only requests with the secret count.

The secret token header is compared in constant time. A body over :data:`MAX_BODY` is refused
(413) by its declared length before it is read, and reading stops as soon as it passes the cap.
A valid update is queued for the Application and answered 200 at once: Telegram retries
anything slower or not 2xx, which would deliver the update again (the dialogue ignores a second
delivery of an update id anyway). While the Application is not running (shutting down), updates
are refused with 503 so that Telegram keeps them, rather than acknowledged and dropped.
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
        body = await _capped_body(request)
        if body is None:
            return Response(status_code=413)
        try:
            data = json.loads(body)
            # Valid JSON of another shape makes de_json fail in other ways, or pass (a string
            # update_id) and fail later in the dialogue: check the frame here.
            if not isinstance(data, dict) or type(data.get("update_id")) is not int:
                raise TypeError("not an update")
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("webhook body is not an update")
            return Response(status_code=400)
        if not application.running:
            # Stopping (or not started): the Application drops what is queued now, yet a 200
            # would tell Telegram the update was taken. A 503 makes Telegram deliver it again.
            return Response(status_code=503)
        await application.update_queue.put(update)  # unbounded: no await between check and put
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"])


async def _capped_body(request: Request) -> bytes | None:
    """The body, or None when it is over :data:`MAX_BODY` (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > MAX_BODY:
                return None
        except ValueError:
            pass  # not a number: the stream's own length decides
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)
