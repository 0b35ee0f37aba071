"""getUpdates and the webhook methods: how updates reach the bot."""

from __future__ import annotations

import re
from http import HTTPStatus
from urllib.parse import urlsplit

from bot.sandbox.errors import SandboxError, bad_request
from bot.sandbox.params import Params
from bot.sandbox.webhook import WebhookDelivery
from bot.sandbox.world import World

__all__ = ["delete_webhook", "get_updates", "get_webhook_info", "set_webhook"]

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


def _allowed(params: Params) -> list[str] | None:
    allowed = params.structure("allowed_updates")
    if allowed is None:
        return None
    if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
        raise bad_request("can't parse allowed_updates JSON object")
    return allowed


async def get_updates(world: World, params: Params) -> object:
    """getUpdates: long polling with offset confirmation.

    Waits up to ``timeout`` seconds for an update; 409 while a webhook is set, and 409 for a
    poll that a newer one replaced (one consumer at a time, as on Telegram).
    """
    limit = params.opt_integer("limit") or 100
    if not 1 <= limit <= 100:
        limit = 100  # Telegram clamps rather than refuses
    timeout = max(0, params.opt_integer("timeout") or 0)
    world.updates.set_allowed(_allowed(params))

    def conflict() -> SandboxError | None:
        if world.webhook is None:
            return None
        return SandboxError(HTTPStatus.CONFLICT, _WEBHOOK_ACTIVE)

    if (error := conflict()) is not None:
        raise error
    return await world.updates.poll(
        offset=params.opt_integer("offset"), limit=limit, timeout=timeout, conflict=conflict
    )


async def set_webhook(world: World, params: Params) -> object:
    """setWebhook: deliver updates by POST from now on (an empty url removes the webhook).

    Unlike Telegram, plain http URLs are accepted: the bot listens on loopback in tests.
    """
    url = params.opt_string("url") or ""
    if not url:
        return await delete_webhook(world, params)
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.opt_string("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = params.opt_integer("max_connections") or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: invalid max_connections")
    if params.flag("drop_pending_updates"):
        world.updates.clear()
    world.updates.set_allowed(_allowed(params))
    delivery = WebhookDelivery(
        world.updates,
        url,
        secret_token=secret,
        policy=world.policy,
        clock=world.clock,
        max_connections=max_connections,
    )
    await world.set_webhook(delivery)
    return True


async def delete_webhook(world: World, params: Params) -> object:
    """deleteWebhook: back to getUpdates; drop_pending_updates clears the queue."""
    if params.flag("drop_pending_updates"):
        world.updates.clear()
    await world.set_webhook(None)
    return True


async def get_webhook_info(world: World, params: Params) -> object:
    """getWebhookInfo: the URL (empty when polling), pending count and last error."""
    if world.webhook is not None:
        return world.webhook.info()
    return {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": len(world.updates.pending),
    }
