"""The dialogue use case with a fake Telegram: failing engines, vanished flows, failed sends."""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram.error import BadRequest, TimedOut

from bot.engine import Engine, TypedText
from bot.library import FlowLibrary
from bot.logs import where
from bot.storage import Storage
from bot.tg import BotBlocked, Conversations, Outgoing, Renderer, preferred_flow
from bot.tg.requests import Notice, Respond, StartRequested
from bot.tg.texts import HELP, SOMETHING_WRONG
from tests.keys import SEALER

REPO = Path(__file__).resolve().parents[3]
NOW = datetime(2031, 1, 2, 3, 4, tzinfo=UTC)
CHAT = 1001
SECRET = "my name is Ivan"


class FakeSender:
    """Records what would go to Telegram; ``failure`` makes the next delivery raise it."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.retired: list[int] = []
        self.failure: Exception | None = None
        self._ids = itertools.count(100)

    async def deliver(self, chat_id: int, messages: Sequence[Outgoing]) -> int | None:
        if self.failure is not None:
            failure, self.failure = self.failure, None
            raise failure
        live = None
        for message in messages:
            self.sent.append(message)
            message_id = next(self._ids)
            if message.answers_back:
                live = message_id
        return live

    async def retire_keyboard(self, chat_id: int, message_id: int) -> None:
        self.retired.append(message_id)


class Engines:
    """What ``Conversations`` asks for the current engine; a test swaps it, as a reload does."""

    def __init__(self, engine: Any) -> None:
        self.current = engine

    def __call__(self) -> Any:
        return self.current


class FailingResume:
    """An engine whose resume has a bug that quotes what the person wrote."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.flows = engine.flows

    def start(self, *args: Any) -> Any:
        return self.engine.start(*args)

    def resume(self, state: Any, user_input: Any) -> Any:
        raise ValueError(f"cannot take {user_input!r}")


@pytest.fixture
def library() -> FlowLibrary:
    return FlowLibrary(REPO / "flows", REPO / "locales", lambda: NOW)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = await Storage.open(
        f"sqlite+aiosqlite:///{tmp_path / 'haven.sqlite3'}", sealer=SEALER, migrate=True
    )
    try:
        yield opened
    finally:
        await opened.close()


def conversations(storage: Storage, library: FlowLibrary, engines: Engines) -> Conversations:
    return Conversations(
        storage,
        engines,
        Renderer(library.translator, library.languages),
        library.translator,
        library.languages,
        preferred_flow("start"),
        lambda: NOW,
    )


def said(library: FlowLibrary, message: str) -> str:
    return library.translator.ui_text("en", message)


async def test_any_engine_error_restarts_with_an_apology_and_logs_no_message(
    storage: Storage, library: FlowLibrary, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    engines = Engines(FailingResume(library.engine))
    dialogue, sender = conversations(storage, library, engines), FakeSender()
    await dialogue.handle(sender, 1, CHAT, "en", StartRequested())
    welcome = len(sender.sent)
    await dialogue.handle(sender, 2, CHAT, "en", Respond(TypedText(SECRET)))
    apology, *again = sender.sent[welcome:]
    assert apology.html == said(library, SOMETHING_WRONG)
    assert len(again) == welcome  # the welcome once more: the conversation began again
    stored = await _stored(storage)
    assert (stored.state.flow, stored.state.node) == ("start", "menu")
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    message = record.getMessage()
    assert message.startswith("engine error, conversation restarted: ValueError at ")
    assert "tg/test_conversations.py:" in message and ":resume" in message
    assert "Ivan" not in caplog.text  # the exception's message is never logged
    # The next message works again (here: the same bug, the same recovery; never a dead end).
    await dialogue.handle(sender, 3, CHAT, "en", Notice(HELP))
    assert sender.sent[-len(again) - 1].html == said(library, SOMETHING_WRONG)


async def test_the_default_flow_follows_a_reload_that_removed_it(
    storage: Storage, library: FlowLibrary
) -> None:
    engine = library.engine
    engines = Engines(engine)
    dialogue, sender = conversations(storage, library, engines), FakeSender()
    # After a reload the flows have no "start" any more.
    remaining = {key: flow for key, flow in engine.flows.items() if key != "start"}
    engines.current = Engine(remaining, library.translator, clock=lambda: NOW)
    await dialogue.handle(sender, 1, CHAT, "en", StartRequested())
    stored = await _stored(storage)
    assert stored.state.flow == min(remaining)
    # A deep link to the vanished flow opens the default one too.
    await dialogue.handle(sender, 2, CHAT + 1, "en", StartRequested("start"))
    stored = await _stored(storage, CHAT + 1)
    assert stored.state.flow == min(remaining)
    # Back again: "start" is the default once more.
    engines.current = engine
    await dialogue.handle(sender, 3, CHAT + 2, "en", StartRequested())
    assert (await _stored(storage, CHAT + 2)).state.flow == "start"


@pytest.mark.parametrize(
    "failure", [TimedOut(), BadRequest("Bad Request: chat not found")], ids=["timeout", "400"]
)
async def test_a_step_not_delivered_keeps_the_old_keyboard(
    storage: Storage, library: FlowLibrary, caplog: pytest.LogCaptureFixture, failure: Exception
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    dialogue, sender = conversations(storage, library, Engines(library.engine)), FakeSender()
    await dialogue.handle(sender, 1, CHAT, "en", StartRequested())
    keyboard = (await _stored(storage)).keyboard_message_id
    assert keyboard is not None
    sender.failure = failure
    await dialogue.handle(sender, 2, CHAT, "en", Notice(HELP))
    stored = await _stored(storage)
    assert stored.keyboard_message_id == keyboard
    assert sender.retired == []  # the old buttons stay: they still lead back to the dialogue
    assert f"step not delivered: {type(failure).__name__}" in caplog.messages
    # The next step that goes out retires them.
    await dialogue.handle(sender, 3, CHAT, "en", Notice(HELP))
    assert sender.retired == [keyboard]
    assert (await _stored(storage)).keyboard_message_id not in (None, keyboard)


async def test_a_person_who_blocked_the_bot_is_marked(
    storage: Storage, library: FlowLibrary
) -> None:
    dialogue, sender = conversations(storage, library, Engines(library.engine)), FakeSender()
    await dialogue.handle(sender, 1, CHAT, "en", StartRequested())
    sender.failure = BotBlocked()  # what the Sender makes of Telegram's 403
    await dialogue.handle(sender, 2, CHAT, "en", Notice(HELP))
    assert (await _stored(storage)).status == "blocked"


def test_where_names_frames_but_not_the_message() -> None:
    def inner() -> None:
        raise RuntimeError(SECRET)

    try:
        inner()
    except RuntimeError as error:
        described = where(error)
    assert SECRET not in described
    assert described.startswith("tg/test_conversations.py:")
    assert ":inner < " in described and described.endswith(
        ":test_where_names_frames_but_not_the_message"
    )


async def _stored(storage: Storage, chat: int = CHAT) -> Any:
    async with storage.transaction() as session:
        stored = await session.conversation(chat)
    assert stored is not None
    return stored
