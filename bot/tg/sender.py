"""The one place where the dialogue talks to the Bot API: send a step, retire the old keyboard.

The caller sends the new messages first and retires the old keyboard after: if sending fails (a
timeout, flood control beyond the retries, a refusal), the person still has the old buttons, and
a press on them is answered as out of date, followed by the current question.

Like aiogram_dialog's MessageManager: everything above it works with :class:`Outgoing`
messages and is testable without Telegram.

Every message sent is noted in the chat's message-id log (through the ``journal``), so that
/hide can delete it later; :meth:`Sender.delete` is that deletion.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from .rendering import Keyboard, Outgoing

__all__ = ["DELETE_BATCH", "BotBlocked", "Journal", "Sender"]

log = logging.getLogger(__name__)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

#: deleteMessages takes at most this many ids per call.
DELETE_BATCH = 100

Journal = Callable[[int, Sequence[int], datetime], Awaitable[None]]
"""Notes sent messages: the chat, their ids, when they were sent. It must not raise."""


class BotBlocked(Exception):
    """The user blocked the bot (Telegram answers 403): nothing can reach them any more."""


class Sender:
    """Sends rendered messages to a chat through ``bot``, noting each in ``journal``.

    Args:
        bot: The Bot (or ExtBot) to call.
        journal: Where sent messages are noted for /hide; None notes nothing (tests).
    """

    def __init__(self, bot: Bot, journal: Journal | None = None) -> None:
        self.bot = bot
        self.journal = journal

    async def deliver(self, chat_id: int, messages: Sequence[Outgoing]) -> int | None:
        """Send ``messages`` in order, and note the ones sent (also when a later one fails).

        Returns:
            The id of the sent message whose buttons answer back (the live keyboard), or None.

        Raises:
            BotBlocked: Telegram refused with 403; the caller marks the conversation.
            telegram.error.TelegramError: a message could not be sent (after the rate
                limiter's retries); the ones before it were.
        """
        sent: list[Message] = []
        try:
            live: int | None = None
            for outgoing in messages:
                message = await self._send(chat_id, outgoing)
                sent.append(message)
                if outgoing.answers_back:
                    live = message.message_id
            return live
        except Forbidden as error:
            raise BotBlocked from error
        finally:
            if sent and self.journal is not None:
                # The earliest date: Telegram's 48 hours for deleting run from there.
                first = min(message.date for message in sent)
                await self.journal(chat_id, [message.message_id for message in sent], first)

    async def leave(self, chat_id: int, outgoing: Outgoing) -> None:
        """Send the one message /hide or /forget leaves behind, and note it nowhere.

        After /hide nothing of the chat stays in Haven's log (not even its id): the message is
        harmless on the phone, and a chat id in the database would say that the person was
        here. Failures are logged, not raised: the chat is already cleared.
        """
        try:
            await self._send(chat_id, outgoing)
        except TelegramError as error:
            log.info("closing message not sent: %s", type(error).__name__)

    async def delete(self, chat_id: int, message_ids: Sequence[int]) -> int:
        """Delete messages of a private chat, in deleteMessages calls of at most 100 ids.

        Telegram skips ids it cannot find, but refuses a whole call (400) when one of its
        messages may not be deleted: one older than 48 hours, or a dice under 24 hours. A
        refused call is split in halves, down to single ids, so that one such message does not
        keep the others on the phone. Nothing stops the deletion but a blocked bot: every
        other failure is logged and the next batch goes on.

        Returns:
            How many of the ids were in calls that Telegram accepted (some may have been gone
            already).
        """
        ids = sorted(set(message_ids))
        deleted = 0
        try:
            for start in range(0, len(ids), DELETE_BATCH):
                deleted += await self._delete(chat_id, ids[start : start + DELETE_BATCH])
        except Forbidden as error:
            log.info("chat not cleared: %s", type(error).__name__)
        return deleted

    async def _delete(self, chat_id: int, ids: Sequence[int]) -> int:
        try:
            await self.bot.delete_messages(chat_id, ids)
        except BadRequest as error:
            if len(ids) == 1:
                log.debug("a message not deleted: %s", type(error).__name__)
                return 0
            half = len(ids) // 2
            return await self._delete(chat_id, ids[:half]) + await self._delete(chat_id, ids[half:])
        except Forbidden:
            raise
        except TelegramError as error:
            # A timeout, or flood control beyond the rate limiter's retries: the rest goes on.
            log.info("messages not deleted: %s", type(error).__name__)
            return 0
        return len(ids)

    async def _send(self, chat_id: int, outgoing: Outgoing) -> Message:
        return await self.bot.send_message(
            chat_id,
            outgoing.html,
            parse_mode=ParseMode.HTML,
            reply_markup=_markup(outgoing.keyboard),
            # No preview cards: they are big on a phone and reveal what was read.
            link_preview_options=_NO_PREVIEW,
        )

    async def retire_keyboard(self, chat_id: int, message_id: int) -> None:
        """Take the buttons off an older message, so they cannot be pressed by mistake.

        A message that is gone, too old or already bare is fine: only the buttons matter. Any
        other failure is only logged: the new step is out, and a press on a button left over
        is answered as out of date.
        """
        try:
            await self.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        except BadRequest as error:
            log.debug("old keyboard not removed: %s", type(error).__name__)
        except TelegramError as error:
            log.info("old keyboard not removed: %s", type(error).__name__)


def _markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(button.label, url=button.url)
                if button.url
                else InlineKeyboardButton(button.label, callback_data=button.callback_data)
                for button in row
            ]
            for row in keyboard
        ]
    )
