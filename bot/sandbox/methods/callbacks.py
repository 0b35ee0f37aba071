"""answerCallbackQuery: each query answered once, with a short optional notification."""

from __future__ import annotations

from bot.sandbox.errors import bad_request
from bot.sandbox.params import Params
from bot.sandbox.world import World

__all__ = ["answer_callback_query"]

_MAX_TEXT = 200


async def answer_callback_query(world: World, params: Params) -> object:
    """answerCallbackQuery: the answer is recorded in the presser's ``callback_answers``.

    An unknown or already answered query gets Telegram's "query is too old" error. Telegram
    also expires unanswered queries after some seconds; the sandbox does not.
    """
    query = world.queries.get(params.string("callback_query_id"))
    if query is None or query.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = params.opt_string("text")
    if text is not None and len(text) > _MAX_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    answer = {
        "callback_query_id": query.id,
        "text": text,
        "show_alert": params.flag("show_alert"),
        "url": params.opt_string("url"),
        "cache_time": params.opt_integer("cache_time") or 0,
        "chat_id": query.chat_id,
        "message_id": query.message_id,
    }
    user = world.users.get(query.user_id)
    chat = world.chats.get(query.chat_id)
    if user is not None and chat is not None:
        user.record_answer(answer, chat)
    return True
