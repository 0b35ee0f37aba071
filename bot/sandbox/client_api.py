"""The client HTTP API under ``/sandbox/``: act as users and read chats (see the package doc)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.sandbox import actions
from bot.sandbox.chats import ChatRecord
from bot.sandbox.errors import SandboxError
from bot.sandbox.messages import SandboxMessage
from bot.sandbox.users import SandboxUser
from bot.sandbox.world import World

__all__ = ["MAX_WAIT", "client_routes"]

MAX_WAIT = 60.0
"""The longest long poll, in seconds."""

Handler = Callable[[Request], Awaitable[Response]]


def _fail(status: int, message: str) -> SandboxError:
    return SandboxError(status, message)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise _fail(HTTPStatus.BAD_REQUEST, "the body must be JSON") from None
    if not isinstance(body, dict):
        raise _fail(HTTPStatus.BAD_REQUEST, "the body must be a JSON object")
    return body


def _integer(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise _fail(HTTPStatus.BAD_REQUEST, f"{name} must be an integer")
    try:
        return int(str(value))
    except ValueError:
        raise _fail(HTTPStatus.BAD_REQUEST, f"{name} must be an integer") from None


def _optional_integer(value: object, name: str) -> int | None:
    return None if value is None or value == "" else _integer(value, name)


def _seconds(value: str | None) -> float:
    try:
        seconds = float(value or 0)
    except ValueError:
        raise _fail(HTTPStatus.BAD_REQUEST, "wait must be a number of seconds") from None
    return min(MAX_WAIT, max(0.0, seconds))


def _string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise _fail(HTTPStatus.BAD_REQUEST, f"{name} must be a non-empty string")
    return value


def _user_json(user: SandboxUser) -> dict[str, Any]:
    return {
        "user_id": user.user_id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
        "language_code": user.language_code,
        "blocked": user.blocked,
    }


class _ClientApi:
    def __init__(self, world: World) -> None:
        self.world = world

    async def user(self, request: Request, body: dict[str, Any]) -> SandboxUser:
        """Return the user of the path, created on first use (language from query or body)."""
        user_id = _integer(request.path_params["user_id"], "user_id")
        return self.person(user_id, {**request.query_params, **body})

    def person(self, user_id: int, fields: dict[str, Any]) -> SandboxUser:
        """Return a user, created on first use from ``fields`` (names, language_code)."""
        if user_id <= 0:
            raise _fail(HTTPStatus.BAD_REQUEST, "user_id must be positive")
        user = self.world.users.get(user_id)
        if user is None:
            user = SandboxUser(
                self.world,
                user_id,
                first_name=str(fields.get("first_name") or f"User {user_id}"),
                last_name=fields.get("last_name") or None,
                username=fields.get("username") or None,
                language_code=str(fields.get("language_code") or "en"),
            )
        elif fields.get("language_code"):
            user.language_code = str(fields["language_code"])
        return user

    def chat(self, request: Request) -> ChatRecord:
        chat = self.world.chats.get(_integer(request.path_params["chat_id"], "chat_id"))
        if chat is None:
            raise _fail(HTTPStatus.NOT_FOUND, "chat not found")
        return chat

    async def read(self, request: Request, chat: ChatRecord) -> dict[str, Any]:
        """List a chat's messages, waiting for a change when asked to (long poll)."""
        query = request.query_params
        since = _optional_integer(query.get("since"), "since")
        after = _optional_integer(query.get("after"), "after")
        wait = _seconds(query.get("wait"))
        live = query.get("live") in ("1", "true")

        def selected() -> list[Any]:
            if live:
                return chat.live_messages()
            if since is not None:
                return chat.changed_since(since)
            if after is not None:
                return [m for m in chat.messages if m.message_id > after]
            return list(chat.messages)

        if since is not None or after is not None:
            await chat.wait(lambda: bool(selected()) or self.world.closed, wait)
        return {
            "chat_id": chat.id,
            "version": chat.version,
            "messages": [self.message(m) for m in selected()],
        }

    def message(self, message: SandboxMessage) -> dict[str, Any]:
        """A message as JSON, with its sender's display name."""
        if message.from_bot:
            name = self.world.bot.first_name
        else:
            sender = self.world.users.get(message.sender_id or 0)
            parts = (sender.first_name, sender.last_name) if sender else ("Deleted", None)
            name = " ".join(part for part in parts if part)
        return message.to_dict() | {"sender_name": name}

    def answers(self, chat: ChatRecord, since: int) -> list[dict[str, Any]]:
        """The callback answers to presses in ``chat`` after version ``since``, in order."""
        found = [
            answer | {"user_id": user.user_id}
            for user in self.world.users.values()
            for answer in user.callback_answers
            if answer["chat_id"] == chat.id and answer["version"] > since
        ]
        return sorted(found, key=lambda answer: int(answer["version"]))

    async def get_user(self, request: Request) -> Response:
        return JSONResponse(_user_json(await self.user(request, {})))

    async def update_user(self, request: Request) -> Response:
        return JSONResponse(_user_json(await self.user(request, await _body(request))))

    async def user_messages(self, request: Request) -> Response:
        user = await self.user(request, {})
        reply = await self.read(request, user.chat)
        since = _optional_integer(request.query_params.get("since"), "since") or 0
        reply["callback_answers"] = [
            answer
            for answer in user.callback_answers
            # Answers to the user's presses in groups count their group's versions.
            if answer["chat_id"] == user.chat_id and answer["version"] > since
        ]
        return JSONResponse(reply)

    async def post_user_message(self, request: Request) -> Response:
        body = await _body(request)
        user = await self.user(request, body)
        update_id = await user.send_text(_string(body, "text"))
        return JSONResponse(
            {"update_id": update_id, "message": self.message(user.chat.messages[-1])}
        )

    async def press(self, request: Request) -> Response:
        body = await _body(request)
        user = await self.user(request, body)
        message_id = _integer(body.get("message_id"), "message_id")
        update_id = await user.press(message_id, _string(body, "callback_data"))
        # The update just emitted is the newest: nothing else ran in between.
        query_id = self.world.history[-1]["callback_query"]["id"]
        return JSONResponse({"update_id": update_id, "callback_query_id": query_id})

    async def chat_messages(self, request: Request) -> Response:
        chat = self.chat(request)
        reply = await self.read(request, chat)
        since = _optional_integer(request.query_params.get("since"), "since") or 0
        reply["callback_answers"] = self.answers(chat, since)
        return JSONResponse(reply)

    def member(self, body: dict[str, Any]) -> SandboxUser:
        """The user a group action names (``user_id``, formerly ``from_user_id``)."""
        key = "user_id" if "user_id" in body else "from_user_id"
        return self.person(_integer(body.get(key), "user_id"), body)

    async def post_chat_message(self, request: Request) -> Response:
        body = await _body(request)
        chat = self.chat(request)
        sender = self.member(body)
        update_id, message = actions.post(
            self.world,
            chat,
            sender,
            text=_string(body, "text"),
            thread_id=_optional_integer(body.get("message_thread_id"), "message_thread_id"),
            reply_to=_optional_integer(body.get("reply_to_message_id"), "reply_to_message_id"),
        )
        return JSONResponse({"update_id": update_id, "message": self.message(message)})

    async def press_in_chat(self, request: Request) -> Response:
        body = await _body(request)
        chat = self.chat(request)
        sender = self.member(body)
        message_id = _integer(body.get("message_id"), "message_id")
        update_id, query_id = actions.press(
            self.world, chat, sender, message_id, _string(body, "callback_data")
        )
        return JSONResponse({"update_id": update_id, "callback_query_id": query_id})

    async def topics(self, request: Request) -> Response:
        chat = self.chat(request)
        topics = [
            {
                "message_thread_id": topic.message_thread_id,
                "name": topic.name,
                "closed": topic.closed,
                "icon_color": topic.icon_color,
                "icon_custom_emoji_id": topic.icon_custom_emoji_id,
            }
            for topic in sorted(chat.topics.values(), key=lambda t: t.message_thread_id)
        ]
        return JSONResponse(
            {
                "chat_id": chat.id,
                "title": chat.title,
                "is_forum": chat.is_forum,
                "version": chat.version,
                "topics": topics,
            }
        )


def _guarded(handler: Handler) -> Handler:
    async def guarded(request: Request) -> Response:
        try:
            return await handler(request)
        except SandboxError as error:
            status = error.error_code if 400 <= error.error_code < 500 else HTTPStatus.BAD_REQUEST
            return JSONResponse({"ok": False, "error": error.description}, status_code=status)

    return guarded


def client_routes(world: World) -> list[Route]:
    """Return the routes of the client HTTP API, to be mounted at ``/sandbox``."""
    api = _ClientApi(world)
    return [
        Route("/users/{user_id}", _guarded(api.get_user), methods=["GET"]),
        Route("/users/{user_id}", _guarded(api.update_user), methods=["POST"]),
        Route("/users/{user_id}/messages", _guarded(api.user_messages), methods=["GET"]),
        Route("/users/{user_id}/messages", _guarded(api.post_user_message), methods=["POST"]),
        Route("/users/{user_id}/press", _guarded(api.press), methods=["POST"]),
        Route("/chats/{chat_id}/messages", _guarded(api.chat_messages), methods=["GET"]),
        Route("/chats/{chat_id}/messages", _guarded(api.post_chat_message), methods=["POST"]),
        Route("/chats/{chat_id}/press", _guarded(api.press_in_chat), methods=["POST"]),
        Route("/chats/{chat_id}/topics", _guarded(api.topics), methods=["GET"]),
    ]
