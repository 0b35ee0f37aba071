"""Button presses in some chats only: PTB's CallbackQueryHandler has no chat filter."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Chat, Update
from telegram.ext import CallbackQueryHandler, ContextTypes

__all__ = ["PressesIn"]

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


class PressesIn(CallbackQueryHandler[ContextTypes.DEFAULT_TYPE, None]):
    """Button presses under a message in a chat that ``accepts``, and only those.

    Example:
        >>> PressesIn(lambda chat: chat.type == "private", on_press)  # doctest: +SKIP
    """

    def __init__(self, accepts: Callable[[Chat], bool], callback: Callback) -> None:
        super().__init__(callback)
        self._accepts = accepts

    def check_update(self, update: object) -> bool | object | None:
        if not isinstance(update, Update):
            return False
        chat = update.effective_chat
        if chat is None or not self._accepts(chat):
            return False
        return super().check_update(update)
