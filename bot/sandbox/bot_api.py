"""The Bot API endpoint: ``/bot<token>/<method>``, with recorded calls, injected failures and
flood control for groups."""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.sandbox.chats import ChatRecord
from bot.sandbox.errors import SandboxError
from bot.sandbox.flood import COUNTED_METHODS
from bot.sandbox.forms import read_values
from bot.sandbox.methods import METHODS, find_method
from bot.sandbox.params import Params, normalize
from bot.sandbox.world import World

__all__ = ["BotApi"]

_log = logging.getLogger(__name__)


class BotApi:
    """Answers Bot API requests for one token.

    Attributes:
        calls: Every accepted call as ``(method, params)``, in order; params are decoded to
            natural values (ints, dicts), uploads summarized as ``{"upload", "size"}``.
    """

    def __init__(self, world: World) -> None:
        """Serve the Bot API of ``world``."""
        self._world = world
        self.calls: list[tuple[str, dict[str, object]]] = []
        self._failures: defaultdict[str, deque[SandboxError]] = defaultdict(deque)

    def fail_next(self, method: str, error: SandboxError) -> None:
        """Make the next call of ``method`` fail with ``error`` (queued per method).

        Raises:
            ValueError: The sandbox does not know the method.
        """
        name = find_method(method)
        if name is None:
            raise ValueError(f"unknown Bot API method {method!r}")
        self._failures[name].append(error)

    async def endpoint(self, request: Request) -> Response:
        """Handle ``GET|POST /bot{token}/{method}``."""
        if request.path_params["token"] != self._world.token:
            return _error(SandboxError(HTTPStatus.UNAUTHORIZED, "Unauthorized"))
        name = find_method(request.path_params["method"])
        if name is None:
            return _error(SandboxError(HTTPStatus.NOT_FOUND, "Not Found"))
        try:
            params = Params(normalize(await read_values(request)))
            self.calls.append((name, params.recorded()))
            if self._failures[name]:
                raise self._failures[name].popleft()
            chat = self._target(params) if name in COUNTED_METHODS else None
            slot = self._world.flood.take(name, chat) if chat is not None else None
            try:
                result = await METHODS[name](self._world, params)
            except SandboxError:
                if chat is not None:
                    self._world.flood.release(chat, slot)  # nothing was posted
                raise
        except SandboxError as error:
            # Method and code only: parameters hold message texts and names.
            _log.debug("%s failed with %s", name, error.error_code)
            return _error(error)
        return JSONResponse({"ok": True, "result": result})

    def _target(self, params: Params) -> ChatRecord | None:
        """The chat a call writes to, if it names a known one (else the method will refuse)."""
        if not params.has("chat_id"):
            return None
        try:
            return self._world.chat(params.chat_id())
        except SandboxError:
            return None


def _error(error: SandboxError) -> Response:
    return JSONResponse(error.to_json(), status_code=error.error_code)
