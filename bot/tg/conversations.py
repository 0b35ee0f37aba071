"""The dialogue use case: one update in, the engine's step saved and sent.

Order of work for each update: in one database transaction, claim the update id (a redelivered
update stops here), load the conversation, run the engine, save the new state. Only then send:
holding a write transaction open across network calls would stall every other chat on SQLite.
If sending fails half-way, the state is already at the new question and the next tap on an
older button is answered as stale, so nothing is corrupted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.engine import (
    Engine,
    FlowLoopError,
    Step,
    Translator,
    UnknownFlowError,
)
from bot.i18n import negotiate
from bot.storage import Storage, StoredConversation

from .rendering import Outgoing, Renderer
from .requests import DialogueRequest, Notice, Respond, StartRequested
from .sender import BotBlocked, Sender
from .texts import SOMETHING_WRONG

__all__ = ["Conversations"]

log = logging.getLogger(__name__)


class Conversations:
    """Runs conversations for Telegram chats.

    Args:
        storage: where conversations and handled update ids live.
        engine: returns the current engine (flows may be reloaded while the bot runs).
        renderer: turns events into messages.
        translator: the bot's own words.
        languages: the languages offered, the flows' source language first.
        default_flow: the flow /start opens.
        clock: the current time, for the stored timestamps.
    """

    def __init__(
        self,
        storage: Storage,
        engine: Callable[[], Engine],
        renderer: Renderer,
        translator: Translator,
        languages: Sequence[str],
        default_flow: str,
        clock: Callable[[], datetime],
    ) -> None:
        self.storage = storage
        self.engine = engine
        self.renderer = renderer
        self.translator = translator
        self.languages = tuple(languages)
        self.default_flow = default_flow
        self.clock = clock

    async def handle(
        self,
        sender: Sender,
        update_id: int,
        chat_id: int,
        language_code: str | None,
        request: DialogueRequest,
    ) -> None:
        """Take one update of ``chat_id``; a second delivery of ``update_id`` does nothing."""
        async with self.storage.transaction() as tx:
            if not await tx.claim_update(update_id):
                log.info("duplicate update ignored")
                return
            stored = await tx.conversation(chat_id)
            messages, step, pick_language = self._advance(stored, language_code, request)
            now = self.clock()
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
        language = step.state.language
        messages += self.renderer.render(step.events, language)
        if pick_language:
            messages.insert(0, self.renderer.language_picker(language))
        previous = stored.keyboard_message_id if stored else None
        try:
            live = await sender.deliver(chat_id, messages, previous)
        except BotBlocked:
            log.info("the user blocked the bot; conversation marked")
            await self.storage.mark_blocked(chat_id)
            return
        if messages and (live is not None or previous is not None):
            await self.storage.set_keyboard_message(chat_id, live)

    def _advance(
        self,
        stored: StoredConversation | None,
        language_code: str | None,
        request: DialogueRequest,
    ) -> tuple[list[Outgoing], Step, bool]:
        """Run the engine: the notices to send first, the step, and whether to offer languages."""
        engine = self.engine()
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
                    wanted = (
                        flow if flow is not None and flow in engine.flows else self.default_flow
                    )
                    return notices, engine.start(wanted, language, state), pick_language
                case _ if state is None:
                    if isinstance(request, Notice):
                        notices.append(self._notice(request.message, language))
                    return notices, engine.start(self.default_flow, language), pick_language
                case Respond(user_input=user_input) if state is not None:
                    return notices, engine.resume(state, user_input), False
                case Notice(message=message, then=then) if state is not None:
                    notices.append(self._notice(message, language))
                    return notices, engine.resume(state, then), False
        except (FlowLoopError, UnknownFlowError) as error:
            # Broken flows must not leave a person stuck: say so and begin again.
            log.error("engine error, conversation restarted: %s", type(error).__name__)
            notices = [self._notice(SOMETHING_WRONG, language)]
            return notices, engine.start(self.default_flow, language, state), False
        raise AssertionError(f"unhandled request {type(request).__name__}")

    def _notice(self, message: str, language: str) -> Outgoing:
        return self.renderer.notice(self.translator.ui_text(language, message))
