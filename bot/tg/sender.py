"""The one place where the dialogue talks to the Bot API: send a step, retire the old keyboard.

The caller sends the new messages first and retires the old keyboard after: if sending fails (a
timeout, flood control beyond the retries, a refusal), the person still has the old buttons, and
a press on them is answered as out of date, followed by the current question.

Like aiogram_dialog's MessageManager: everything above it works with :class:`Outgoing`
messages and is testable without Telegram.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from .rendering import Keyboard, Outgoing

__all__ = ["BotBlocked", "Sender"]

log = logging.getLogger(__name__)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class BotBlocked(Exception):
    """The user blocked the bot (Telegram answers 403): nothing can reach them any more."""


class Sender:
    """Sends rendered messages to a chat through ``bot``."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def deliver(self, chat_id: int, messages: Sequence[Outgoing]) -> int | None:
        """Send ``messages`` in order.

        Returns:
            The id of the sent message whose buttons answer back (the live keyboard), or None.

        Raises:
            BotBlocked: Telegram refused with 403; the caller marks the conversation.
            telegram.error.TelegramError: a message could not be sent (after the rate
                limiter's retries); the ones before it were.
        """
        try:
            live: int | None = None
            for outgoing in messages:
                sent = await self.bot.send_message(
                    chat_id,
                    outgoing.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=_markup(outgoing.keyboard),
                    # No preview cards: they are big on a phone and reveal what was read.
                    link_preview_options=_NO_PREVIEW,
                )
                if outgoing.answers_back:
                    live = sent.message_id
            return live
        except Forbidden as error:
            raise BotBlocked from error

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
