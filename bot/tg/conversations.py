"""The dialogue use case: one update in, the engine's step saved and sent.

Order of work for each update: in one database transaction, claim the update id (a redelivered
update stops here), load the conversation, run the engine, save the new state. Only then send:
holding a write transaction open across network calls would stall every other chat on SQLite.
Then the new keyboard is recorded, and only then are the old buttons taken off. If sending fails
half-way, the state is already at the new question and the next tap on an older button is
answered as stale, so nothing is corrupted: the old keyboard stays recorded (and on screen)
until a later step is delivered.

While the person has an open case with an advocate (:mod:`bot.tg.desk`), the dialogue stands
aside: what they write goes to the advocate, and the flow's state is left as it was until the
case ends.

A failing step never leaves a person stuck either: whatever the engine raises, the person is
told something went wrong and the conversation begins again. The log gets the error's type
and where it was raised, never its message (it may quote what the person wrote).

Each step's analytics events (:mod:`bot.analytics.recorder`) are written in the transaction
that saves it, so the numbers count exactly the steps that were taken.

Every message of the chat is noted in the message-id log for /hide: the person's in the
update's transaction, the bot's by the :class:`Sender` once sent. Leaving (/hide, /forget) is
:class:`bot.tg.quick_exit.QuickExit`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.error import TelegramError

from bot.engine import Engine, Navigated, ShowAgain, Step, TicketOpened, Translator
from bot.i18n import negotiate
from bot.logs import where
from bot.storage import Storage, StorageSession, StoredConversation

from .quick_exit import Eraser, QuickExit
from .rendering import Outgoing, Renderer
from .requests import (
    DialogueRequest,
    Incoming,
    Notice,
    Respond,
    StartRequested,
    TicketButton,
    Written,
)
from .sender import BotBlocked, Sender
from .texts import BUTTON_GONE, SOMETHING_WRONG

if TYPE_CHECKING:
    from bot.analytics.recorder import Recorder

    from .desk import Desk

__all__ = ["Conversations", "preferred_flow"]

log = logging.getLogger(__name__)


def preferred_flow(flow: str) -> Callable[[Engine], str]:
    """The flow /start opens: ``flow`` while the engine has it, else its first flow by id.

    Asked of the engine in use at each step, so it follows reloads of the flows.
    """

    def choose(engine: Engine) -> str:
        return flow if flow in engine.flows else min(engine.flows)

    return choose


class Conversations:
    """Runs conversations for Telegram chats.

    Args:
        storage: where conversations and handled update ids live.
        engine: returns the current engine (flows may be reloaded while the bot runs).
        renderer: turns events into messages.
        translator: the bot's own words.
        languages: the languages offered, the flows' source language first.
        default_flow: the flow /start opens, chosen from the engine in use (see
            :func:`preferred_flow`).
        clock: the current time, for the stored timestamps.
        desk: the hand-off desk; None: requests for an advocate are only acknowledged (for
            tests of the dialogue alone).
        erase: erases everything about a person, for /forget
            (:func:`bot.privacy.erasure.erase_person`); None: /forget erases nothing and says
            so.
        recorder: writes each step's pseudonymous analytics events; None: none are kept.
    """

    def __init__(
        self,
        storage: Storage,
        engine: Callable[[], Engine],
        renderer: Renderer,
        translator: Translator,
        languages: Sequence[str],
        default_flow: Callable[[Engine], str],
        clock: Callable[[], datetime],
        desk: Desk | None = None,
        erase: Eraser | None = None,
        recorder: Recorder | None = None,
    ) -> None:
        self.storage = storage
        self.engine = engine
        self.renderer = renderer
        self.translator = translator
        self.languages = tuple(languages)
        self.default_flow = default_flow
        self.clock = clock
        self.desk = desk
        self.recorder = recorder
        self.quick_exit = QuickExit(
            storage, renderer, translator, self.languages, clock, desk=desk, erase=erase
        )

    def sender(self, bot: Bot) -> Sender:
        """A :class:`Sender` through ``bot`` that notes what it sends in the message-id log."""
        return Sender(bot, self._journal)

    async def _journal(self, chat_id: int, message_ids: Sequence[int], at: datetime) -> None:
        try:
            async with self.storage.transaction() as tx:
                await tx.messages.record(chat_id, message_ids, at)
        except Exception as error:
            # The messages are out; only a later /hide misses them. Never fail the step here.
            log.warning("sent message ids not recorded: %s", type(error).__name__)

    async def handle(
        self,
        sender: Sender,
        update_id: int,
        chat_id: int,
        language_code: str | None,
        request: DialogueRequest,
        *,
        username: str | None = None,
        incoming: Incoming | None = None,
    ) -> None:
        """Take one update of ``chat_id``; a second delivery of ``update_id`` does nothing.

        ``username`` is the person's Telegram username, used only if they choose to show it
        to their advocate: it then travels in that message through the outbox, which forgets
        delivered messages after a day, and is stored nowhere else. ``incoming`` is the
        person's message the update brings, noted for /hide.
        """
        try:
            async with self.storage.transaction() as tx:
                if not await tx.claim_update(update_id):
                    log.info("duplicate update ignored")
                    return
                if incoming is not None:
                    await tx.messages.record(chat_id, [incoming.message_id], incoming.date)
                stored = await tx.conversation(chat_id)
                messages = await self._take(tx, chat_id, stored, language_code, request, username)
        except Exception as error:
            # Nothing was saved (the update is not claimed either, so a redelivery tries
            # again); the person must not be left without an answer meanwhile.
            log.error("update not taken: %s at %s", type(error).__name__, where(error))
            language = negotiate(language_code, self.languages) or self.languages[0]
            await self._send(sender, chat_id, [self._notice(SOMETHING_WRONG, language)], None)
            return
        if self.desk is not None:
            self.desk.wake()
        previous = stored.keyboard_message_id if stored else None
        await self._send(sender, chat_id, messages, previous)

    async def resume(self, sender: Sender, chat_id: int, flow: str | None) -> None:
        """Show the person the dialogue again after their case ended.

        Starts ``flow`` (e.g. a one-question feedback) if it is loaded, else shows where they
        were. Nothing happens if they have a case open again, or no conversation.
        """
        async with self.storage.transaction() as tx:
            stored = await tx.conversation(chat_id)
            if stored is None or stored.status == "blocked":
                return
            if self.desk is not None and await self.desk.join(tx).tickets.open_for(chat_id):
                return
            engine = self.engine()
            state = stored.state
            if flow is not None and flow in engine.flows:
                step = engine.start(flow, state.language, state)
            else:
                step = engine.resume(state, ShowAgain())
            await self._save(tx, chat_id, stored, step)
        messages = self.renderer.render(step.events, step.state.language)
        await self._send(sender, chat_id, messages, stored.keyboard_message_id)

    async def _take(
        self,
        tx: StorageSession,
        chat_id: int,
        stored: StoredConversation | None,
        language_code: str | None,
        request: DialogueRequest,
        username: str | None,
    ) -> list[Outgoing]:
        """Work out the answer to ``request`` and save the new state, in ``tx``."""
        desk = self.desk
        if desk is not None:
            handoff = desk.join(tx)
            # Locked: a close by the advocate waits for this update (or this one sees it).
            ticket = await handoff.tickets.open_for(chat_id, lock=True)
            if ticket is not None:
                language = stored.state.language if stored else ticket.language
                return await desk.user.while_open(
                    handoff, ticket, request, language, username=username
                )
        match request:
            case Written(otherwise=otherwise):
                request = otherwise
            case TicketButton():
                request = Notice(BUTTON_GONE)  # a case that is closed already
        messages, step, pick_language = self._advance(stored, language_code, request)
        await self._save(tx, chat_id, stored, step)
        language = step.state.language
        messages += self.renderer.render(step.events, language)
        if pick_language:
            messages.insert(0, self.renderer.language_picker(language))
        for event in step.events:
            if isinstance(event, TicketOpened):
                messages += await self._open_case(tx, chat_id, language, event, username)
        return messages

    async def _open_case(
        self,
        tx: StorageSession,
        chat_id: int,
        language: str,
        event: TicketOpened,
        username: str | None,
    ) -> list[Outgoing]:
        if self.desk is None:
            return [self.renderer.advocate_asked(language)]
        handoff = self.desk.join(tx)
        return await self.desk.user.open(
            handoff, chat_id, language, event, has_username=username is not None
        )

    async def _save(
        self,
        tx: StorageSession,
        chat_id: int,
        stored: StoredConversation | None,
        step: Step,
    ) -> None:
        now = self.clock()
        if self.recorder is not None:
            await self.recorder.record(tx, chat_id, stored.state if stored else None, step, now)
        await tx.save(
            StoredConversation(
                chat_id=chat_id,
                state=step.state,
                status="ended" if step.state.status == "ended" else "active",
                keyboard_message_id=stored.keyboard_message_id if stored else None,
                created_at=stored.created_at if stored else now,
                updated_at=now,
            )
        )

    async def _send(
        self, sender: Sender, chat_id: int, messages: list[Outgoing], previous: int | None
    ) -> None:
        if not messages:
            return
        # Send first, retire the old keyboard after: a person is never left without buttons.
        try:
            live = await sender.deliver(chat_id, messages)
        except BotBlocked:
            await self.blocked(chat_id)
            return
        except TelegramError as error:
            # The old buttons stay on screen and recorded: a press on them is answered as out
            # of date, with the current question, so the chat recovers by itself.
            log.warning("step not delivered: %s", type(error).__name__)
            return
        if live is not None or previous is not None:
            await self.storage.set_keyboard_message(chat_id, live)
        if previous is not None and previous != live:
            await sender.retire_keyboard(chat_id, previous)

    def _advance(
        self,
        stored: StoredConversation | None,
        language_code: str | None,
        request: DialogueRequest,
    ) -> tuple[list[Outgoing], Step, bool]:
        """Run the engine: the notices to send first, the step, and whether to offer languages."""
        engine = self.engine()
        default_flow = self.default_flow(engine)
        state = stored.state if stored else None
        pick_language = False
        if state is None:
            chosen = negotiate(language_code, self.languages)
            pick_language = chosen is None  # nothing fits: show the picker above the welcome
            language = chosen or self.languages[0]
        else:
            language = state.language
        notices: list[Outgoing] = []
        try:
            match request:
                case StartRequested(flow=flow):
                    wanted = flow if flow is not None and flow in engine.flows else default_flow
                    return notices, engine.start(wanted, language, state), pick_language
                case Respond(user_input=Navigated(action="human")) if state is None:
                    # A first message asking for a person: the welcome (what the bot is and is
                    # not), and the request, which must work at any point.
                    welcome = engine.start(default_flow, language)
                    asked = engine.resume(welcome.state, Navigated("human"))
                    both = Step(
                        asked.state, welcome.events + asked.events, welcome.visited + asked.visited
                    )
                    return notices, both, pick_language
                case _ if state is None:
                    if isinstance(request, Notice):
                        notices.append(self._notice(request.message, language))
                    return notices, engine.start(default_flow, language), pick_language
                case Respond(user_input=user_input) if state is not None:
                    return notices, engine.resume(state, user_input), False
                case Notice(message=message, then=then) if state is not None:
                    notices.append(self._notice(message, language))
                    return notices, engine.resume(state, then), False
                case Written() | TicketButton():
                    raise AssertionError("unwrapped by _take")
        except Exception as error:
            # Broken flows (or a bug) must not leave a person stuck: say so and begin again.
            log.error(
                "engine error, conversation restarted: %s at %s", type(error).__name__, where(error)
            )
            notices = [self._notice(SOMETHING_WRONG, language)]
            return notices, engine.start(default_flow, language, state), False
        raise AssertionError(f"unhandled request {type(request).__name__}")

    async def blocked(self, chat_id: int) -> None:
        """The person blocked the bot (Telegram said so): nothing is sent to them any more.

        An open case says so too, and its advocates are told.
        """
        log.info("the user blocked the bot; conversation marked")
        await self.storage.mark_blocked(chat_id)
        if self.desk is not None:
            await self.desk.user_blocked(chat_id)

    def _notice(self, message: str, language: str) -> Outgoing:
        return self.renderer.notice(self.translator.ui_text(language, message))
