"""PTB handlers of the staff group: read operators' updates and hand them to the desk.

They come before the dialogue's handlers (which leave group buttons unanswered) and take only
the configured staff group's updates. Every update is claimed once (a redelivery does nothing
twice) and its sender is looked up as an operator inside the same transaction: anyone else's
messages are ignored, their button presses refused. Fail closed: an operator removed a moment
ago is refused at their next action. What someone who is not an operator tries (a command
for the bot, a button, words in a case's topic) is recorded in the audit log as refused; their
talk in General is none of the log's business.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from bot.handoff.authority import advocate
from bot.handoff.texts import ONLY_OPERATORS
from bot.tg.callback_data import StaffPress, parse
from bot.tg.media import kind_of
from bot.tg.presses import PressesIn
from bot.tg.texts import BUTTON_GONE

from .staff_side import ACTING_COMMANDS, StaffMessage

if TYPE_CHECKING:
    from . import Desk

__all__ = ["staff_handlers"]

log = logging.getLogger(__name__)


def staff_handlers(desk: Desk, staff_chat_id: int) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The handlers of the staff group ``staff_chat_id``, to add before the dialogue's."""
    in_staff = filters.Chat(chat_id=staff_chat_id)

    async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or user.is_bot:
            return
        thread_id = message.message_thread_id if message.is_topic_message else None
        command = _command(message, context.bot.username)
        async with desk.handoff.transaction() as tx:
            if not await tx.storage.claim_update(update.update_id):
                return
            operator = advocate(await tx.operators.get(user.id))
            if operator is None:
                log.info("staff group: a message from someone who is not an operator ignored")
                attempt = _attempt(command, thread_id, _words(message))
                if attempt is not None:
                    await desk.staff.stranger(tx, user.id, attempt, thread_id=thread_id)
                return
            if command is not None:
                name, argument = command
                await desk.staff.command(tx, operator, name, argument, thread_id)
            elif not _words(message).startswith("/"):  # never relay another bot's command
                await desk.staff.message(tx, operator, _staff_message(message, thread_id))
        desk.wake()

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        press = parse(query.data)
        staff_language = desk.context.settings.staff_language
        answer: str | None = desk.context.say(staff_language, BUTTON_GONE)
        if isinstance(press, StaffPress):
            async with desk.handoff.transaction() as tx:
                if not await tx.storage.claim_update(update.update_id):
                    return
                operator = advocate(await tx.operators.get(user.id))
                if operator is None:
                    log.info("staff group: a button pressed by someone who is not an operator")
                    answer = desk.context.say(staff_language, ONLY_OPERATORS)
                    await desk.staff.stranger(tx, user.id, press.action, ticket_id=press.ticket_id)
                else:
                    answer = await desk.staff.press(tx, operator, press)
            desk.wake()
        try:
            await query.answer(answer, show_alert=answer is not None)
        except TelegramError as error:  # too old to answer: the press itself was handled
            log.info("staff button not answered: %s", type(error).__name__)

    async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not message.is_topic_message:
            return
        async with desk.handoff.transaction() as tx:
            if not await tx.storage.claim_update(update.update_id):
                return
            operator = advocate(await tx.operators.get(user.id))
            if operator is not None:
                await desk.staff.edited(tx, operator, message.message_thread_id)
        desk.wake()

    return [
        PressesIn(lambda chat: chat.id == staff_chat_id, on_press),
        MessageHandler(
            in_staff & filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL, on_message
        ),
        MessageHandler(in_staff & filters.UpdateType.EDITED_MESSAGE, on_edit),
    ]


def _words(message: Message) -> str:
    """A message's text, or a photo's or file's caption."""
    return message.text or message.caption or ""


def _attempt(command: tuple[str, str] | None, thread_id: int | None, words: str) -> str | None:
    """What a message of someone who is not an operator tried to make the bot do, if anything.

    A command that acts, or words in a topic (a reply, were they an operator); the desk finds
    out whether the topic is a case's.
    """
    if command is not None:
        return command[0] if command[0] in ACTING_COMMANDS else None
    if thread_id is not None and not words.startswith("/"):
        return "reply"
    return None


def _command(message: Message, bot_username: str | None) -> tuple[str, str] | None:
    """``(name, argument)`` of a command meant for this bot, else None.

    In a caption too: a screenshot captioned "/note ..." is a note, never a reply.
    """
    text = _words(message)
    if not text.startswith("/"):
        return None
    head, _, argument = text.partition(" ")
    name, _, addressee = head[1:].partition("@")
    if addressee and bot_username and addressee.lower() != bot_username.lower():
        return None  # another bot's command
    return name.lower(), argument.strip()


def _staff_message(message: Message, thread_id: int | None) -> StaffMessage:
    captioned = any(
        (message.photo, message.document, message.voice, message.video, message.audio,
         message.animation)
    )  # fmt: skip
    return StaffMessage(
        message_id=message.message_id,
        thread_id=thread_id,
        text=message.text,
        caption=message.caption,
        captioned=captioned,
        kind=kind_of(message),
    )
