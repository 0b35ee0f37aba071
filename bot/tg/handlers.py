"""PTB handlers: read each kind of update into a :class:`DialogueRequest` and hand it over.

Only private chats reach the dialogue; the staff group belongs to the hand-off (a later part).
Every kind of message gets an answer: what the flow cannot take is explained, then the person
sees the current question again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.engine import LanguageChosen, Navigated, Navigation, TypedText
from bot.engine.inputs import Chose

from .callback_data import Answer, LanguagePick, NavigationPress, parse
from .conversations import Conversations
from .requests import DialogueRequest, Notice, Respond, StartRequested
from .sender import Sender
from .texts import (
    BUTTON_GONE,
    EDITED_MESSAGE,
    HELP,
    NOT_STORED,
    ONLY_TEXT,
    TOO_LONG_MESSAGE,
    UNKNOWN_COMMAND,
)

__all__ = ["MAX_TEXT_LENGTH", "dialogue_handlers"]

log = logging.getLogger(__name__)

#: Longer texts are refused before they reach a flow (Telegram itself stops at 4,096).
MAX_TEXT_LENGTH = 4096

_PRIVATE = filters.ChatType.PRIVATE
#: What says where someone is or whom they know: never needed, never kept.
_PERSONAL = filters.LOCATION | filters.CONTACT | filters.VENUE
_NAVIGATION_COMMANDS: dict[str, Navigation] = {
    "back": "back",
    "restart": "restart",
    "human": "human",
    "language": "language",
}


def dialogue_handlers(conversations: Conversations, languages: Sequence[str]) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The handlers of the dialogue, in the order PTB must try them."""
    offered = set(languages)

    async def run(update: Update, request: DialogueRequest) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        await conversations.handle(
            Sender(update.get_bot()),
            update.update_id,
            chat.id,
            user.language_code if user else None,
            request,
        )

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        payload = context.args[0] if context.args else None
        await run(update, StartRequested(payload))

    async def navigate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        command = (message.text or "").split()[0].lstrip("/").split("@")[0] if message else ""
        await run(update, Respond(Navigated(_NAVIGATION_COMMANDS[command])))

    async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await run(update, Notice(HELP))

    async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await run(update, Notice(UNKNOWN_COMMAND))

    async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        typed = message.text if message and message.text else ""
        if len(typed) > MAX_TEXT_LENGTH:
            await run(update, Notice(TOO_LONG_MESSAGE))
            return
        await run(update, Respond(TypedText(typed)))

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        press = parse(query.data)
        request: DialogueRequest
        match press:
            case Answer(turn=turn, key=key):
                request = Respond(Chose(turn, key))
            case NavigationPress(turn=turn, action=action):
                request = Respond(Navigated(action, turn=turn or None))
            case LanguagePick(language=language) if language in offered:
                request = Respond(LanguageChosen(language))
            case _:
                # Forged, from an older release, or a language no longer offered.
                request = Notice(BUTTON_GONE)
        # Answer first: Telegram shows a spinner on the button until the query is answered.
        # Only a nicety: a query too old to answer (pressed while the bot was down, or
        # delivered twice) must still be handled, so a refusal here does not stop the press.
        try:
            await query.answer()
        except BadRequest as error:
            log.info("callback query not answered: %s", error.message)
        await run(update, request)

    async def not_stored(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await run(update, Notice(NOT_STORED))

    async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await run(update, Notice(EDITED_MESSAGE))

    async def other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await run(update, Notice(ONLY_TEXT))

    new_message = filters.UpdateType.MESSAGE & _PRIVATE
    return [
        CommandHandler("start", start, filters=new_message),
        CommandHandler(list(_NAVIGATION_COMMANDS), navigate, filters=new_message),
        CommandHandler("help", help_, filters=new_message),
        MessageHandler(new_message & filters.COMMAND, unknown_command),
        MessageHandler(new_message & filters.TEXT, text),
        CallbackQueryHandler(button),
        MessageHandler(
            new_message & (filters.LOCATION | filters.CONTACT | filters.VENUE), not_stored
        ),
        MessageHandler(filters.UpdateType.EDITED & _PRIVATE, edited),
        MessageHandler(new_message, other),
    ]
