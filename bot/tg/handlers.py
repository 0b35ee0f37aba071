"""PTB handlers: read each kind of update into a :class:`DialogueRequest` and hand it over.

Only private chats reach the dialogue; the staff group belongs to the hand-off desk, whose
handlers (:func:`bot.tg.desk.staff_handlers`) come before these. A button pressed anywhere else
is answered silently and goes no further. What a person writes or sends is a :class:`Written`
request: while they have an open case it goes to their advocate, not to the flow. Every kind
of message gets an answer: what the flow cannot take is explained, then the person sees the
current question again. A shared location, venue or contact is also deleted from the chat, so
that it does not stay on a phone someone else may look at. Commands are matched whatever their
case, as Telegram clients send them (``/Back``).

Every message the person sends is handed over with its id (:class:`Incoming`), so /hide can
delete it later. /hide, the "Hide this chat" button, /forget and its answer go to
:class:`bot.tg.quick_exit.QuickExit`, before anything else: an open case does not hold them up.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.engine import Chose, LanguageChosen, Navigated, Navigation, TypedText

from .callback_data import (
    Answer,
    ForgetPress,
    HidePress,
    LanguagePick,
    NavigationPress,
    TicketPress,
    parse,
)
from .conversations import Conversations
from .media import kind_of
from .presses import PressesIn
from .requests import (
    DialogueRequest,
    ExitRequest,
    ForgetAsked,
    ForgetConfirmed,
    Hide,
    Incoming,
    Notice,
    Respond,
    StartRequested,
    TicketButton,
    Written,
)
from .texts import (
    BUTTON_GONE,
    EDITED_MESSAGE,
    FORGET_KEPT,
    HELP,
    NOT_STORED,
    ONLY_TEXT,
    TOO_LONG_MESSAGE,
    UNKNOWN_COMMAND,
)

__all__ = ["ALLOWED_UPDATES", "MAX_TEXT_LENGTH", "dialogue_handlers"]

log = logging.getLogger(__name__)

#: Longer texts are refused before they reach a flow (Telegram itself stops at 4,096).
MAX_TEXT_LENGTH = 4096

#: The update types the handlers take: Telegram is asked for these and no others.
ALLOWED_UPDATES = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
)

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
        # A new message of the person's (not an edit: its id is noted already, nor a press).
        message = update.message
        incoming = Incoming(message.message_id, message.date) if message else None
        await conversations.handle(
            conversations.sender(update.get_bot()),
            update.update_id,
            chat.id,
            user.language_code if user else None,
            request,
            username=user.username if user else None,
            incoming=incoming,
        )

    async def leave(update: Update, request: ExitRequest) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        await conversations.quick_exit.handle(
            conversations.sender(update.get_bot()),
            update.update_id,
            chat.id,
            user.language_code if user else None,
            request,
        )

    async def hide(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None:
            await leave(update, Hide(message.message_id))

    async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None:
            await leave(update, ForgetAsked(Incoming(message.message_id, message.date)))

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        payload = context.args[0] if context.args else None
        await run(update, StartRequested(payload))

    async def navigate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        command = (message.text or "").split()[0].lstrip("/").split("@")[0] if message else ""
        # PTB matches commands whatever their case: /Back is /back.
        await run(update, Respond(Navigated(_NAVIGATION_COMMANDS[command.lower()])))

    async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await run(update, Notice(HELP))

    async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await run(update, Notice(UNKNOWN_COMMAND))

    async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        typed = message.text or ""
        if len(typed) > MAX_TEXT_LENGTH:
            await run(update, Notice(TOO_LONG_MESSAGE))
            return
        written = Written(message.message_id, Respond(TypedText(typed)), "text", typed)
        await run(update, written)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        press = parse(query.data)
        message = query.message
        if isinstance(press, HidePress | ForgetPress) and message is not None:
            await _answer(update)
            if isinstance(press, HidePress):
                await leave(update, Hide(message.message_id))
            elif press.erase:
                await leave(update, ForgetConfirmed(message.message_id))
            else:
                await run(update, Notice(FORGET_KEPT))
                await conversations.sender(update.get_bot()).retire_keyboard(
                    message.chat.id, message.message_id
                )
            return
        request: DialogueRequest
        match press:
            case Answer(turn=turn, key=key):
                request = Respond(Chose(turn, key))
            case NavigationPress(turn=turn, action=action):
                request = Respond(Navigated(action, turn=turn or None))
            case LanguagePick(language=language) if language in offered:
                request = Respond(LanguageChosen(language))
            case TicketPress():
                request = TicketButton(press)
            case _:
                # Forged, from an older release, or a language no longer offered.
                request = Notice(BUTTON_GONE)
        await _answer(update)  # first: the button shows a spinner until then
        await run(update, request)

    async def elsewhere(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # A press outside a private chat (a group, an inline message): not the dialogue's.
        await _answer(update)

    async def not_stored(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await run(update, Notice(NOT_STORED))
        finally:
            # Off the phone too: a bot may delete a person's message in a private chat.
            message = update.effective_message
            if message is not None:
                try:
                    await message.delete()
                except TelegramError as error:
                    log.info("shared personal data not deleted: %s", type(error).__name__)

    async def member_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        if change is None or change.chat.type != ChatType.PRIVATE:
            return
        if change.new_chat_member.status == ChatMember.BANNED:  # the person blocked the bot
            await conversations.blocked(change.chat.id)

    async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await run(update, Notice(EDITED_MESSAGE))

    async def other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # A photo, file, voice message or sticker: the flows take only text, an advocate all.
        message = update.effective_message
        if message is None:
            return
        written = Written(message.message_id, Notice(ONLY_TEXT), kind_of(message), message.caption)
        await run(update, written)

    new_message = filters.UpdateType.MESSAGE & _PRIVATE
    return [
        # Leaving first: nothing may stand in the way of the quick exit.
        CommandHandler("hide", hide, filters=new_message),
        CommandHandler("forget", forget, filters=new_message),
        CommandHandler("start", start, filters=new_message),
        CommandHandler(list(_NAVIGATION_COMMANDS), navigate, filters=new_message),
        CommandHandler("help", help_, filters=new_message),
        MessageHandler(new_message & filters.COMMAND, unknown_command),
        MessageHandler(new_message & filters.TEXT, text),
        PressesIn(lambda chat: chat.type == ChatType.PRIVATE, button),
        CallbackQueryHandler(elsewhere),
        MessageHandler(new_message & _PERSONAL, not_stored),
        MessageHandler(filters.UpdateType.EDITED & _PRIVATE, edited),
        MessageHandler(new_message, other),
        ChatMemberHandler(member_changed, ChatMemberHandler.MY_CHAT_MEMBER),
    ]


async def _answer(update: Update) -> None:
    """Answer a press without text: Telegram shows a spinner on the button until then.

    Only a nicety: a query too old to answer (pressed while the bot was down, or delivered
    twice), or an answer that fails on the way, must not stop the press from being handled.
    """
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer()
    except TelegramError as error:
        log.info("callback query not answered: %s", type(error).__name__)
