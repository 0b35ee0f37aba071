"""The Sandbox: an in-memory Telegram that a bot talks to over HTTP, and tests act in."""

from __future__ import annotations

import contextlib
import enum
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.routing import Mount, Route

from bot.sandbox.bot_api import BotApi
from bot.sandbox.client_api import client_routes
from bot.sandbox.errors import SandboxError
from bot.sandbox.flood import GroupLimit
from bot.sandbox.groups import SandboxSupergroup
from bot.sandbox.objects import BotProfile
from bot.sandbox.server import serve_app
from bot.sandbox.users import SandboxUser
from bot.sandbox.webhook import RetryPolicy
from bot.sandbox.world import World

__all__ = ["Sandbox"]


class _Keep(enum.Enum):
    """Marks an argument left out, where None is a meaningful value."""

    KEEP = enum.auto()


def _bot_id(token: str) -> int:
    head = token.partition(":")[0]
    return int(head) if head.isdigit() else 1


class Sandbox:
    """A local Bot API emulator with users and groups that tests (or a web chat) drive.

    Example:
        >>> sandbox = Sandbox(token="123456:SANDBOX", bot_username="haven_sandbox_bot")
        >>> user = sandbox.user(user_id=1001, first_name="Test", language_code="ru")
        >>> # async with sandbox.serve() as url: Bot(token, base_url=f"{url}/bot") ...
    """

    def __init__(
        self,
        token: str = "123456:SANDBOX",
        bot_username: str = "haven_sandbox_bot",
        *,
        bot_first_name: str = "Haven Sandbox",
        clock: Callable[[], float] = time.time,
        webhook_policy: RetryPolicy | None = None,
        group_limit: GroupLimit | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create an empty Telegram with one bot.

        Args:
            token: The only token the Bot API accepts; its numeric head is the bot's id.
            bot_username: The bot's username without "@".
            bot_first_name: The bot's display name.
            clock: Unix time in seconds, for message dates.
            webhook_policy: Retry limits for webhook delivery.
            group_limit: Flood control for groups (see :attr:`group_limit`); None is off.
            monotonic: A monotonic clock in seconds, for flood control and
                ``SandboxMessage.posted_at``.
        """
        self._world = World(
            token=token,
            bot=BotProfile(_bot_id(token), bot_first_name, bot_username),
            clock=clock,
            policy=webhook_policy or RetryPolicy(),
            monotonic=monotonic,
        )
        self._world.flood.limit = group_limit
        self._bot_api = BotApi(self._world)
        self._app: Starlette | None = None
        self._api_url: str | None = None

    @property
    def token(self) -> str:
        """The bot's token."""
        return self._world.token

    @property
    def bot_id(self) -> int:
        """The bot's user id."""
        return self._world.bot.id

    @property
    def bot_username(self) -> str:
        """The bot's username, without "@"."""
        return self._world.bot.username

    @property
    def app(self) -> Starlette:
        """The ASGI app: the Bot API at ``/bot{token}/{method}``, the client API at ``/sandbox/``.

        Mount it into another app to share a port; then call :meth:`attach` with the URL it
        is reachable at, and :meth:`close` on shutdown.
        """
        if self._app is None:
            self._app = Starlette(
                routes=[
                    Route("/bot{token}/{method}", self._bot_api.endpoint, methods=["GET", "POST"]),
                    Mount("/sandbox", routes=client_routes(self._world)),
                ]
            )
        return self._app

    @property
    def api_url(self) -> str:
        """The base URL the bot uses: PTB gets ``base_url=f"{api_url}/bot"``.

        Raises:
            SandboxError: Neither :meth:`serve` nor :meth:`attach` has set it.
        """
        if self._api_url is None:
            raise SandboxError(500, "the sandbox is not served: use serve() or attach()")
        return self._api_url

    def attach(self, api_url: str) -> None:
        """Declare where :attr:`app` is reachable when another server hosts it.

        Call it from the event loop that serves the app: a webhook set before a
        :meth:`close` resumes delivering in that loop.

        Args:
            api_url: The URL of the app's root, e.g. ``"http://127.0.0.1:8080"``.
        """
        self._api_url = api_url.rstrip("/")
        self._world.reopen()

    @contextlib.asynccontextmanager
    async def serve(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
        """Run the app with uvicorn in the current event loop until the block ends.

        Args:
            host: The interface; keep it loopback.
            port: The port; 0 picks a free one.

        Yields:
            The base URL, also available as :attr:`api_url`.
        """
        async with serve_app(self.app, host, port) as url:
            self.attach(url)
            try:
                yield url
            finally:
                # Long polls and the webhook worker must end before uvicorn waits for them.
                await self.close()
                self._api_url = None

    async def close(self) -> None:
        """Stop webhook delivery and release every long poll (for a host that mounted app)."""
        await self._world.close()

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | Literal[_Keep.KEEP] | None = _Keep.KEEP,
    ) -> SandboxUser:
        """Return the user with this id, creating them and their private chat on first use.

        For an existing user, only ``language_code`` is updated, and only when given (the
        user may switch their Telegram language between actions).

        Args:
            user_id: A positive id; the private chat has the same id.
            first_name: The first name.
            last_name: The last name.
            username: The username without "@".
            language_code: What Telegram reports as the user's language ("en" for a new
                user when left out); None for a client that reports none.
        """
        user = self._world.users.get(user_id)
        if user is None:
            return SandboxUser(
                self._world,
                user_id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code="en" if language_code is _Keep.KEEP else language_code,
            )
        if language_code is not _Keep.KEEP:
            user.language_code = language_code
        return user

    def supergroup(
        self,
        chat_id: int,
        title: str = "Group",
        *,
        forum: bool = False,
        username: str | None = None,
    ) -> SandboxSupergroup:
        """Create a supergroup the bot administers (with topics when ``forum``).

        Args:
            chat_id: A negative id, conventionally ``-100...``.
            title: The title.
            forum: Whether the group has forum topics.
            username: A public username without "@".
        """
        if chat_id in self._world.chats:
            raise SandboxError(400, f"chat {chat_id} already exists")
        return SandboxSupergroup(self._world, chat_id, title=title, forum=forum, username=username)

    @property
    def users(self) -> dict[int, SandboxUser]:
        """Every user by id."""
        return dict(self._world.users)

    @property
    def commands(self) -> dict[str | None, list[dict[str, Any]]]:
        """The commands set last per language_code (None: all languages), any scope."""
        return self._world.commands.by_language()

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str | None = None
    ) -> list[dict[str, Any]]:
        """The commands of exactly one scope and language, as getMyCommands returns them."""
        return self._world.commands.get(scope, language_code)

    @property
    def calls(self) -> list[tuple[str, dict[str, object]]]:
        """Every Bot API call as ``(method, params)``, in order."""
        return list(self._bot_api.calls)

    def calls_of(self, method: str) -> list[dict[str, object]]:
        """The params of every call of one method, in order."""
        return [params for name, params in self._bot_api.calls if name == method]

    @property
    def updates(self) -> list[dict[str, Any]]:
        """Every update created, in order, delivered or not."""
        return list(self._world.history)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """The updates not yet confirmed by the bot."""
        return self._world.updates.pending

    @property
    def webhook_url(self) -> str | None:
        """The webhook URL, or None while the bot polls."""
        return self._world.webhook.url if self._world.webhook else None

    def fail_next(
        self, method: str, error_code: int, description: str, retry_after: int | None = None
    ) -> None:
        """Make the next call of ``method`` fail (each call queues one failure).

        Args:
            method: A Bot API method name, e.g. "sendMessage".
            error_code: e.g. 403, or 429 with ``retry_after``.
            description: e.g. "Forbidden: bot was blocked by the user".
            retry_after: Seconds, sent as ``parameters.retry_after``.
        """
        self._bot_api.fail_next(
            method, SandboxError(error_code, description, retry_after=retry_after)
        )

    @property
    def group_limit(self) -> GroupLimit | None:
        """Flood control for groups, as Telegram's "about 20 messages a minute per group".

        While set, every message the bot creates in a supergroup (sendMessage, copyMessage,
        sendPhoto, sendDocument, and createForumTopic's service message) is counted per chat
        in a sliding window; the call that would exceed ``messages`` within ``seconds`` is
        refused with 429 "Too Many Requests: retry after N" (``parameters.retry_after`` = N,
        whole seconds until the oldest counted message leaves the window) and posts nothing.
        Private chats are not limited. Messages sent while it was None are not counted.
        """
        return self._world.flood.limit

    @group_limit.setter
    def group_limit(self, limit: GroupLimit | None) -> None:
        self._world.flood.limit = limit

    @property
    def flood_refusals(self) -> list[tuple[str, int]]:
        """Every call refused by :attr:`group_limit`, as ``(method, chat_id)``, in order."""
        return list(self._world.flood.refusals)

    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox's Unix clock (message dates, the 48-hour deletion limit) forward.

        Messages already in the chats keep their dates, so they grow older at once: e.g.
        ``advance_clock(49 * 3600)`` makes every private-chat message too old to delete.
        """
        clock = self._world.clock
        self._world.clock = lambda: clock() + seconds

    def block(self, user_id: int) -> int:
        """The user blocks the bot; sends to them fail with 403. Returns the update id."""
        return self._user(user_id).block()

    def unblock(self, user_id: int) -> int:
        """The user unblocks the bot. Returns the my_chat_member update id."""
        return self._user(user_id).unblock()

    async def redeliver(self, update_id: int) -> None:
        """Deliver an update again, as when the bot's confirmation was lost.

        Polling hands it out once more even though its offset was confirmed; a webhook
        receives it again. The bot must recognize it by update_id and do nothing twice.
        """
        for update in self._world.history:
            if update["update_id"] == update_id:
                self._world.updates.put(update, redelivered=True)
                return
        raise SandboxError(404, f"no update {update_id}")

    def _user(self, user_id: int) -> SandboxUser:
        user = self._world.users.get(user_id)
        if user is None:
            raise SandboxError(404, f"no user {user_id}")
        return user
