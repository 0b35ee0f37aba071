"""Webhook delivery: each update POSTed to the bot in order, retried with bounded backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from bot.sandbox.updates import UpdateQueue

__all__ = ["RetryPolicy", "WebhookDelivery"]

_log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class RetryPolicy:
    """How hard the sandbox tries to deliver one update before giving up on it.

    Telegram retries for a long while; tests need failures to settle in milliseconds, so the
    defaults are short. The delay doubles after each failed attempt, up to ``max_delay``.

    Attributes:
        attempts: Deliveries tried per update before it is dropped.
        first_delay: Seconds before the first retry.
        max_delay: The longest delay between two attempts.
        request_timeout: Seconds to wait for the bot to answer one delivery.
    """

    attempts: int = 5
    first_delay: float = 0.05
    max_delay: float = 1.0
    request_timeout: float = 10.0

    def delay(self, attempt: int) -> float:
        """Return the pause after failed attempt number ``attempt`` (0-based)."""
        return float(min(self.max_delay, self.first_delay * 2**attempt))


class WebhookDelivery:
    """Delivers the queue's updates to one webhook URL, one at a time, oldest first.

    One at a time keeps the order that update_id gives; Telegram's max_connections would allow
    parallel deliveries, which the bot must cope with anyway, but the sandbox keeps tests
    deterministic.
    """

    def __init__(
        self,
        queue: UpdateQueue,
        url: str,
        *,
        secret_token: str | None,
        policy: RetryPolicy,
        clock: Callable[[], float],
        max_connections: int = 40,
    ) -> None:
        """Configure delivery; call :meth:`start` from inside the running event loop.

        Args:
            queue: Where pending updates wait.
            url: The bot's webhook URL.
            secret_token: Sent in the X-Telegram-Bot-Api-Secret-Token header when set.
            policy: Retry limits.
            clock: Unix time, for last_error_date.
            max_connections: Reported by getWebhookInfo.
        """
        self.queue = queue
        self.url = url
        self.secret_token = secret_token
        self.policy = policy
        self.max_connections = max_connections
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._clock = clock
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start delivering in the background."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="sandbox-webhook")

    async def stop(self) -> None:
        """Stop delivering; an update being delivered stays pending."""
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def info(self) -> dict[str, object]:
        """Return the delivery's part of getWebhookInfo."""
        info: dict[str, object] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue.pending),
            "max_connections": self.max_connections,
        }
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        allowed = self.queue.allowed_updates
        if allowed:
            info["allowed_updates"] = allowed
        return info

    async def _run(self) -> None:
        headers = {SECRET_HEADER: self.secret_token} if self.secret_token else {}
        async with httpx.AsyncClient(timeout=self.policy.request_timeout) as client:
            while True:
                update = await self.queue.next_pending()
                if update is None:
                    return
                await self._deliver(client, update, headers)

    async def _deliver(
        self, client: httpx.AsyncClient, update: dict[str, object], headers: dict[str, str]
    ) -> None:
        update_id = int(str(update["update_id"]))
        for attempt in range(self.policy.attempts):
            try:
                response = await client.post(self.url, json=update, headers=headers)
            except httpx.HTTPError as exc:
                error = f"Connection failed: {type(exc).__name__}"
            else:
                if response.is_success:
                    self.queue.remove(update_id)
                    return
                error = f"Wrong response from the webhook: {response.status_code} "
                error += response.reason_phrase
            self.last_error_date = int(self._clock())
            self.last_error_message = error
            _log.debug("webhook delivery of update %s failed: %s", update_id, error)
            if attempt + 1 < self.policy.attempts:
                await asyncio.sleep(self.policy.delay(attempt))
        # Telegram also gives up on an update in the end; the next one must not wait for ever.
        _log.warning(
            "webhook gave up on update %s after %s attempts", update_id, self.policy.attempts
        )
        self.queue.remove(update_id)
