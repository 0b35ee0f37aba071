"""Leaving: the quick exit (/hide, "Hide this chat") and /forget.

Someone whose phone may be looked at needs the chat gone at once, from wherever they are in it.
/hide deletes every message of the chat that Telegram still allows (the person's and the
bot's, 48 hours back, from the message-id log), ends the session (the conversation row is
deleted; an open case is closed and its advocates told), forgets the ids, and leaves one
neutral message (:data:`~bot.tg.texts.NEUTRAL`, noted nowhere).

/forget asks first, with two buttons; "Erase everything" erases everything Haven keeps about
the person (:func:`bot.privacy.erasure.erase_person`), then clears the chat the way /hide does
and says, in the person's language, that it is done. The language is read before the erasure:
the conversation that holds it is erased too.

Both run in the chat's turn of the per-chat processor, like every update (they come through
the handlers), so no step of the same chat runs beside them. Failures of Telegram's deletions
never stop the rest. The log says what happened and how many messages went, never an id.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from telegram.error import TelegramError

from bot.engine import Translator
from bot.handoff import HandoffStore
from bot.logs import where
from bot.storage import Storage, StorageSession

from .callback_data import ForgetPress, encode
from .chat_language import chat_language
from .rendering import Button, Outgoing, Renderer
from .requests import ExitRequest, ForgetAsked, ForgetConfirmed, Hide
from .sender import BotBlocked, Sender
from .texts import (
    FORGET_ERASE,
    FORGET_KEEP,
    FORGET_QUESTION,
    FORGOTTEN,
    NEUTRAL,
    SOMETHING_WRONG,
)

if TYPE_CHECKING:
    from .desk import Desk

__all__ = ["Eraser", "QuickExit"]

log = logging.getLogger(__name__)


class Eraser(Protocol):
    """Erases everything about a person: :func:`bot.privacy.erasure.erase_person`."""

    async def __call__(
        self,
        storage: Storage,
        handoff: HandoffStore,
        chat_id: int,
        *,
        staff_chat_id: int | None,
        clock: Callable[[], datetime],
        translator: Translator | None = None,
        staff_language: str = "en",
    ) -> object:
        """Erase the person of ``chat_id``; returns what was erased."""
        ...


class QuickExit:
    """Hides a chat and erases a person, in the update's turn.

    Args:
        storage: The conversations and the message-id log.
        renderer: The exit button's row.
        translator: The bot's own words.
        languages: The languages offered, the flows' source language first.
        clock: The current time (timezone-aware).
        desk: The hand-off desk: an open case is closed when its person hides the chat.
        erase: The erasure for /forget; None (or no desk, whose store it erases in): /forget
            erases nothing and says that something went wrong.
    """

    def __init__(
        self,
        storage: Storage,
        renderer: Renderer,
        translator: Translator,
        languages: Sequence[str],
        clock: Callable[[], datetime],
        *,
        desk: Desk | None = None,
        erase: Eraser | None = None,
    ) -> None:
        self.storage = storage
        self.renderer = renderer
        self.translator = translator
        self.languages = tuple(languages)
        self.clock = clock
        self.desk = desk
        self.erase = erase

    async def handle(
        self,
        sender: Sender,
        update_id: int,
        chat_id: int,
        language_code: str | None,
        request: ExitRequest,
    ) -> None:
        """Take one update of ``chat_id``; a second delivery of ``update_id`` does nothing."""
        match request:
            case Hide(message_id=message_id):
                await self._hide(sender, update_id, chat_id, message_id)
            case ForgetAsked():
                await self._ask(sender, update_id, chat_id, language_code, request)
            case ForgetConfirmed(message_id=message_id):
                await self._forget(sender, update_id, chat_id, language_code, message_id)

    async def _hide(self, sender: Sender, update_id: int, chat_id: int, message_id: int) -> None:
        async with self.storage.transaction() as tx:
            if not await tx.claim_update(update_id):
                log.info("duplicate update ignored")
                return
            await self._end_case(tx, chat_id)
            await tx.delete_conversation(chat_id)
            ids = await tx.messages.deletable(chat_id, self.clock())
        if self.desk is not None:
            self.desk.wake()
        ids = sorted({*ids, message_id})
        deleted = await sender.delete(chat_id, ids)
        # Forgotten after the deletion, not with the session: should the process die in
        # between, a second /hide still knows what to delete. Only these ids: a reply the
        # outbox delivered meanwhile stays known to the next /hide.
        async with self.storage.transaction() as tx:
            await tx.messages.forget(chat_id, ids)
        await sender.leave(chat_id, Outgoing(NEUTRAL))
        log.info("chat hidden: %d of %d messages deleted", deleted, len(ids))

    async def _end_case(self, tx: StorageSession, chat_id: int) -> None:
        if self.desk is None:
            return
        handoff = self.desk.join(tx)
        ticket = await handoff.tickets.open_for(chat_id, lock=True)
        if ticket is not None:
            await self.desk.user.left(handoff, ticket)

    async def _ask(
        self,
        sender: Sender,
        update_id: int,
        chat_id: int,
        language_code: str | None,
        request: ForgetAsked,
    ) -> None:
        async with self.storage.transaction() as tx:
            if not await tx.claim_update(update_id):
                log.info("duplicate update ignored")
                return
            incoming = request.incoming
            await tx.messages.record(chat_id, [incoming.message_id], incoming.date)
            language = await chat_language(tx, chat_id, language_code, self.languages)
        say = self.translator.ui_text
        answers = (
            Button(say(language, FORGET_ERASE), encode(ForgetPress(erase=True))),
            Button(say(language, FORGET_KEEP), encode(ForgetPress(erase=False))),
        )
        text = html.escape(say(language, FORGET_QUESTION), quote=False)
        question = Outgoing(text, (answers, self.renderer.exit_row(language)))
        try:
            await sender.deliver(chat_id, [question])
        except (BotBlocked, TelegramError) as error:
            log.info("/forget question not sent: %s", type(error).__name__)

    async def _forget(
        self,
        sender: Sender,
        update_id: int,
        chat_id: int,
        language_code: str | None,
        message_id: int,
    ) -> None:
        async with self.storage.transaction() as tx:
            if not await tx.claim_update(update_id):
                log.info("duplicate update ignored")
                return
            # Before the erasure: the conversation holding the language is erased too.
            language = await chat_language(tx, chat_id, language_code, self.languages)
            ids = await tx.messages.deletable(chat_id, self.clock())
        if self.erase is None or self.desk is None:
            log.warning("/forget pressed, but this bot has no erasure wired")
            await sender.leave(chat_id, self._notice(SOMETHING_WRONG, language))
            return
        try:
            await self.erase(
                self.storage,
                self.desk.handoff,
                chat_id,
                staff_chat_id=self.desk.context.settings.staff_chat_id,
                clock=self.clock,
                translator=self.translator,
                staff_language=self.desk.context.settings.staff_language,
            )
        except Exception as error:
            # Nothing is deleted from the chat either: the question stays, so they can retry.
            log.error("erasure failed: %s at %s", type(error).__name__, where(error))
            await sender.leave(chat_id, self._notice(SOMETHING_WRONG, language))
            return
        self.desk.wake()
        ids = sorted({*ids, message_id})
        deleted = await sender.delete(chat_id, ids)
        # Sent directly, never noted: there is nothing left to note it in.
        await sender.leave(chat_id, self._notice(FORGOTTEN, language))
        log.info("person erased: %d of %d chat messages deleted", deleted, len(ids))

    def _notice(self, message: str, language: str) -> Outgoing:
        return self.renderer.notice(self.translator.ui_text(language, message))
