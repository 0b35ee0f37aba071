"""Property: whatever reaches the real Application, the bot never fails and always answers.

Hypothesis draws sequences of what a person, a modified client or Telegram itself can send: any
text (control characters, bidirectional and zero-width marks, markup look-alikes, empty and over
4,096 characters), commands (known, unknown, with arguments, in any case, addressed to another
bot), stickers, photos, documents, voice, locations, contacts, edits, presses of the buttons the
bot showed (current, stale and mutated) and of forged data, and odd but valid raw updates posted
to the webhook as Telegram would (unknown fields, optional fields left out, messages in groups,
channel posts, presses outside any private chat, update types the bot never asked for).

They run against one real bot for the module: ``bot.app.serve`` in webhook mode (raw updates
go where Telegram posts them), over real HTTP against the sandbox, with real SQLite (and
PostgreSQL when TEST_DATABASE_URL is set) and a staff group, so that a request for an advocate
opens a real case. Each example is a new person, so no example comes near the per-chat flood
limit. After every action:

- no update failed and nothing was logged at WARNING or above by the ``bot`` and ``telegram``
  loggers (a failed update reaches the Application's error handler, which only logs it);
- the person was answered within :data:`TIMEOUT`: a new message in their chat, their press
  answered, or, while their case is open, what they wrote copied to the staff group;
- the bot wrote nothing into a group or channel that a raw update came from;
- the stored conversation is readable through the Storage, round-trips through JSON, and waits
  at a node of a loaded flow (at a question while it is active);
- every message the bot sent has 1 to 4,096 characters and every button's data 1 to 64 bytes;
- after /hide, "Hide this chat" or "Erase everything", the chat shows only the bot's parting
  words, and a conversation is only ever gone after one of those.

At the end, /start still shows the start menu (after cancelling an open case, whose reminder
/start would otherwise get).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import json
import logging
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.engine import ConversationState, Question
from bot.handoff import HandoffStore
from bot.sandbox import Sandbox, SandboxMessage, SandboxUser
from bot.storage import Storage, parse_url
from bot.tg.callback_data import ForgetPress, HidePress, parse
from bot.tg.texts import FORGOTTEN, NEUTRAL
from bot.web.webhook import SECRET_HEADER
from tests.e2e.runtime_fixtures import SECRET, TIMEOUT, Expected, Haven, harness
from tests.keys import PSEUDONYMS, SEALER

pytestmark = pytest.mark.asyncio(loop_scope="module")

STAFF_CHAT_ID = -1009000000077
#: How long a chat must stay unchanged before the next action: the last step's messages and
#: the retiring of its old keyboard have all arrived by then.
QUIET = 0.05
#: Raw updates get ids far above the sandbox's own, which count from 1.
RAW_UPDATE_IDS = 1_000_000_000
#: Telegram's limits on what the bot sends.
MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
#: Examples per run, each a person's whole session: 12 under the ``ci`` profile (seconds), 125
#: under ``thorough`` (a few minutes); see conftest.py.
EXAMPLES = max(5, settings().max_examples // 8)

# --- What a person can do -------------------------------------------------------------------

#: Characters a Telegram client can send: any Unicode scalar value (lone surrogates cannot be
#: encoded in UTF-8, so they never reach a bot).
CHARACTERS = st.characters(codec="utf-8")
ODD_TEXTS = [
    "", " ", "\n", "\t", "\x00", "\u200b", "\u200d", "\u200e", "\u200f", "\u202e", "\ufeff",
    "\u2066x\u2069", "<b>", "</b>", "<b>bold", "<a href='tg://user?id=1'>x</a>", "&amp;",
    "&lt;", "&", "<", ">", "*_[`", "_*bold*_", "[x](http://example.org)", "```code", "||x||",
    "1", "0", "-1", "99999999999999999999", "nan", "yes", "да", "🙂" * 300, "👨‍👩‍👧‍👦",
    "a" * MAX_TEXT, "a" * (MAX_TEXT + 1), "я" * 5000, "/", "@haven_e2e_bot",
]  # fmt: skip
TEXTS = st.one_of(
    st.text(CHARACTERS, max_size=120),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), min_size=1, max_size=30),
    st.sampled_from(ODD_TEXTS),
    # Around Telegram's length limit, without asking Hypothesis for thousands of characters.
    st.tuples(st.text(CHARACTERS, min_size=1, max_size=8), st.integers(4000, 4200)).map(
        lambda pair: (pair[0] * pair[1])[: pair[1]]
    ),
)
KNOWN_COMMANDS = ["start", "back", "restart", "human", "language", "help"]
COMMAND_NAMES = st.one_of(
    st.sampled_from(KNOWN_COMMANDS),
    st.sampled_from(["hide", "forget"]),
    st.sampled_from(["frobnicate", "stop", "settings", "start_", "Start", "STARTS", "menu"]),
    st.from_regex(r"[A-Za-z0-9_]{1,32}", fullmatch=True),
)
CASES: dict[str, Callable[[str], str]] = {"same": str, "upper": str.upper, "title": str.title}
ADDRESSEES = ["", "", "@haven_e2e_bot", "@HAVEN_E2E_BOT", "@otherbot", "@"]
PAYLOADS = st.one_of(
    st.just(""),
    st.sampled_from(["eu", "start", "situation", "talk_to_advocate", "x" * 64, "a b c"]),
    st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True),
    st.text(CHARACTERS, max_size=40),
)


@dataclass(frozen=True)
class Text:
    """The person writes ``text``."""

    text: str


@dataclass(frozen=True)
class Command:
    """The person sends ``/name@addressee payload``."""

    name: str
    case: str
    addressee: str
    payload: str

    @property
    def text(self) -> str:
        command = f"/{CASES[self.case](self.name)}{self.addressee}"
        return f"{command} {self.payload}" if self.payload else command


@dataclass(frozen=True)
class Media:
    """The person sends something that is not text."""

    kind: str
    caption: str
    number: float


@dataclass(frozen=True)
class Edit:
    """The person edits one of their own text messages (the ``which``-th, modulo)."""

    which: int
    text: str


@dataclass(frozen=True)
class Press:
    """The person presses a button the bot showed, with its data possibly changed.

    ``which`` picks a message with buttons and ``button`` one of its buttons (modulo); the
    newest message is the current question, older ones are stale. ``mutation`` says how the
    data is changed, ``noise`` is what a mutation puts in.
    """

    which: int
    button: int
    mutation: str
    noise: str
    number: int


@dataclass(frozen=True)
class Raw:
    """An update posted to the webhook as Telegram would post it.

    ``kind`` is what it is: ``again`` (the person's last real update once more under a new
    update id, changed as ``drop`` and ``extra`` say), ``group``, ``supergroup``, ``channel``,
    ``edited_channel``, ``group_press``, ``inline_press``, ``member`` (the bot added to a group)
    or ``unknown`` (an update type the bot never asked for).
    """

    kind: str
    text: str
    chat: int
    drop: frozenset[str]
    extra: dict[str, Any]


Action = Text | Command | Media | Edit | Press | Raw

MUTATIONS = ["same", "same", "same", "random", "long", "turn", "key", "flip", "cut", "append",
             "upper", "empty"]  # fmt: skip
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(CHARACTERS, max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
#: Fields Telegram may add one day: a bot must ignore what it does not know.
EXTRA_FIELDS = st.dictionaries(
    st.from_regex(r"future_[a-z_]{1,12}", fullmatch=True), JSON_VALUES, max_size=3
)
OPTIONAL_FIELDS = ["from", "entities", "text", "language_code", "username", "last_name",
                   "first_name", "reply_markup", "date_zero"]  # fmt: skip
RAW_KINDS = ["again", "again", "again", "group", "supergroup", "channel", "edited_channel",
             "group_press", "inline_press", "member", "unknown"]  # fmt: skip
MEDIA_KINDS = ["sticker", "photo", "document", "voice", "location", "contact"]

ACTIONS: st.SearchStrategy[Action] = st.one_of(
    st.builds(Text, TEXTS),
    st.builds(Command, COMMAND_NAMES, st.sampled_from(list(CASES)), st.sampled_from(ADDRESSEES),
              PAYLOADS),
    st.builds(Media, st.sampled_from(MEDIA_KINDS), st.one_of(st.just(""), TEXTS),
              st.floats(-90, 90, allow_nan=False)),
    st.builds(Edit, st.integers(0, 20), TEXTS),
    st.builds(Press, st.integers(0, 20), st.integers(0, 20), st.sampled_from(MUTATIONS),
              st.text(CHARACTERS, max_size=70), st.integers(-5, 10**12)),
    st.builds(Raw, st.sampled_from(RAW_KINDS), TEXTS, st.integers(1, 10**12),
              st.frozensets(st.sampled_from(OPTIONAL_FIELDS), max_size=3), EXTRA_FIELDS),
)  # fmt: skip
LANGUAGE_CODES = st.sampled_from(["en", "ru", "de", "fr", None, "es", "pt-br", "RU", "zh-hans"])


def mutate(data: str, press: Press) -> str:
    """``data`` changed as ``press.mutation`` says (stale or forged data from a client)."""
    head = data.rpartition(":")[0]
    match press.mutation:
        case "random":
            return press.noise.encode()[:MAX_CALLBACK_BYTES].decode(errors="ignore")
        case "long":
            return data + "x" * MAX_CALLBACK_BYTES
        case "turn":
            parts = data.split(":")
            return ":".join(str(press.number) if part.isdigit() else part for part in parts)
        case "key":
            return f"{head}:{press.noise[:10]}" if head else press.noise[:10]
        case "flip" if data:
            at = press.number % len(data)
            return data[:at] + (press.noise[:1] or "?") + data[at + 1 :]
        case "cut":
            return data[: press.number % (len(data) + 1)]
        case "append":
            return data + press.noise[:8]
        case "upper":
            return data.upper()
        case "empty":
            return ""
    return data


# --- The bot under test ---------------------------------------------------------------------


#: Loggers besides ``bot`` (which the harness records) where a failure would show: PTB's own,
#: asyncio's (a task that died with an exception) and the web servers' (a request that raised).
OTHER_LOGGERS = ("telegram", "asyncio", "uvicorn.error")


class Warnings(logging.Handler):
    """Records at WARNING or above from :data:`OTHER_LOGGERS`."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Rig:
    """The module's running bot and what the checks need beside it."""

    haven: Haven
    storage: Storage
    expected: Expected
    client: httpx.AsyncClient
    others_log: Warnings
    raw_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(RAW_UPDATE_IDS))

    @property
    def parting_words(self) -> set[str]:
        """What /hide leaves in a chat, and what /forget does, in every language."""
        languages = ["en", *self.expected.catalogs.languages]
        return {NEUTRAL} | {self.expected.ui(language, FORGOTTEN) for language in languages}

    @property
    def sandbox(self) -> Sandbox:
        return self.haven.sandbox

    def warnings(self, since: tuple[int, int]) -> list[str]:
        """What was logged at WARNING or above since the mark ``since`` (see :meth:`mark`)."""
        ours, theirs = since
        records = self.haven.log.records[ours:] + self.others_log.records[theirs:]
        return [
            f"{record.name}: {record.getMessage()}"
            for record in records
            if record.levelno >= logging.WARNING
        ]

    def mark(self) -> tuple[int, int]:
        return len(self.haven.log.records), len(self.others_log.records)

    async def post(self, update: dict[str, Any]) -> None:
        """Post a raw update to the bot's webhook, as Telegram does."""
        response = await self.client.post(
            f"{self.haven.base_url}/telegram",
            content=json.dumps(update),
            headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"},
        )
        assert response.status_code == 200, (response.status_code, update)

    def copied(self, chat_id: int, message_id: int) -> bool:
        """Whether the bot has copied the person's message into the staff group."""
        return any(
            params.get("from_chat_id") == chat_id and params.get("message_id") == message_id
            for params in self.sandbox.calls_of("copyMessage")
        )

    def answered(self, query_id: str) -> bool:
        """Whether the bot called answerCallbackQuery for ``query_id`` (even if refused)."""
        return any(
            params.get("callback_query_id") == query_id
            for params in self.sandbox.calls_of("answerCallbackQuery")
        )

    def calls_into(self, chat_ids: set[int]) -> list[str]:
        """The Bot API calls that targeted one of ``chat_ids``."""
        return [
            method
            for method, params in self.sandbox.calls
            if params.get("chat_id") in chat_ids or params.get("from_chat_id") in chat_ids
        ]


@contextlib.asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A fresh PostgreSQL database on the server of TEST_DATABASE_URL, migrated, then dropped."""
    base = parse_url(os.environ["TEST_DATABASE_URL"])
    name = f"haven_updates_{uuid.uuid4().hex[:12]}"
    # CREATE and DROP DATABASE refuse to run inside a transaction.
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
        # The bot migrates only SQLite by itself: a PostgreSQL schema is the deployment's job.
        async with await Storage.open(url, sealer=SEALER, migrate=True):
            pass
        yield url
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


#: SQLite always; PostgreSQL too where there is a server (CI sets TEST_DATABASE_URL).
BACKENDS = ["sqlite", *(["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])]


@pytest_asyncio.fixture(name="rig", scope="module", loop_scope="module", params=BACKENDS)
async def rig_fixture(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Rig]:
    """One bot in webhook mode, with a staff group, for the whole module, on each backend."""
    directory: Path = tmp_path_factory.mktemp("updates")
    others = Warnings()
    loggers = [logging.getLogger(name) for name in OTHER_LOGGERS]
    async with contextlib.AsyncExitStack() as stack:
        haven = await stack.enter_async_context(harness("webhook", directory))
        if request.param == "postgresql":
            haven.database_url = await stack.enter_async_context(postgres_database())
        haven.sandbox.supergroup(STAFF_CHAT_ID, "Advocates", forum=True)
        haven.overrides = {"operator_chat_id": STAFF_CHAT_ID, "staff_rate_limit": "200/1"}
        await haven.start()
        # Only now: starting a web server configures uvicorn's loggers afresh.
        for logger in loggers:
            logger.addHandler(others)
        try:
            async with (
                await Storage.open(haven.database_url, sealer=SEALER) as storage,
                httpx.AsyncClient(timeout=TIMEOUT) as client,
            ):
                yield Rig(haven, storage, haven.expected, client, others)
        finally:
            for logger in loggers:
                logger.removeHandler(others)
            await haven.stop()  # before its database may be dropped


# --- One person's session -------------------------------------------------------------------


@dataclass
class Session:
    """One example: a new person, what they did, and the chats raw updates came from."""

    rig: Rig
    user: SandboxUser
    foreign_chats: set[int] = field(default_factory=set)
    had_conversation: bool = False
    leaving: bool = False  # the last action was the quick exit, or erasing everything

    @property
    def chat_id(self) -> int:
        return self.user.chat_id

    def bot_messages(self, since: int = 0) -> list[SandboxMessage]:
        """The bot's messages in the chat from the ``since``-th message on, deleted or not."""
        return [m for m in self.user.messages[since:] if m.from_bot]

    def live_messages(self) -> list[SandboxMessage]:
        """What the chat shows: every message not deleted, both sides."""
        return [m for m in self.user.messages if not m.deleted]

    def hidden(self) -> bool:
        """Whether the chat shows only what /hide or /forget leave: the bot's parting words.

        One message, as promised, would be stricter; but the parting message is noted nowhere,
        so a second /hide leaves a second one (test_found_hide_twice.py).
        """
        shown = self.live_messages()
        words = self.rig.parting_words
        return bool(shown) and all(m.from_bot and m.plain_text in words for m in shown)

    async def settle(self) -> None:
        """Wait until the person's chat has stayed unchanged for :data:`QUIET` seconds."""
        chat = self.user.chat
        while True:
            version = chat.version
            await asyncio.sleep(QUIET)
            if chat.version == version:
                return

    async def until(self, condition: Callable[[], bool | Awaitable[bool]], what: str) -> None:
        """Wait until ``condition()`` holds (it may be a coroutine function), at most TIMEOUT."""

        async def holds() -> bool:
            outcome = condition()
            return await outcome if inspect.isawaitable(outcome) else outcome

        try:
            async with asyncio.timeout(TIMEOUT):
                while not await holds():
                    await asyncio.sleep(0.01)
        except TimeoutError:
            raise AssertionError(f"no answer within {TIMEOUT}s: {what}") from None

    async def is_keyboard(self, message_id: int) -> bool:
        """Whether the stored conversation has ``message_id`` as its current keyboard."""
        async with self.rig.storage.transaction() as tx:
            stored = await tx.conversation(self.chat_id)
        return stored is not None and stored.keyboard_message_id == message_id

    async def case_open(self) -> bool:
        async with HandoffStore(self.rig.storage, pseudonyms=PSEUDONYMS).transaction() as tx:
            return await tx.tickets.open_for(self.chat_id) is not None

    async def act(self, action: Action) -> None:
        """Do ``action``, then wait until the person has been answered (when they should be)."""
        before = len(self.user.messages)
        new_message = lambda: bool(self.bot_messages(before))  # noqa: E731
        self.leaving = False
        match action:
            case Text(text=text) | Command(text=text):
                await self.user.send_text(text)
                self.leaving = _is_hide(action)
                await self.written(before, new_message, repr(action)[:200])
            case Media():
                await self.send_media(action)
                await self.written(before, new_message, repr(action)[:200])
            case Edit(which=which, text=text):
                own = [m for m in self.user.messages if not m.from_bot and m.kind == "text"]
                own = [m for m in own if not m.deleted]
                if not own:
                    return
                await self.user.edit_text(own[which % len(own)].message_id, text)
                await self.until(new_message, f"edit: {action!r}"[:200])
            case Press():
                await self.press(action, before)
            case Raw():
                await self.raw(action, before)
        await self.settle()

    async def written(self, before: int, new_message: Callable[[], bool], what: str) -> None:
        """Wait for the answer to a message: a reply, or its copy to the advocate."""
        sent = self.user.messages[before]
        await self.until(
            lambda: new_message() or self.rig.copied(self.chat_id, sent.message_id), what
        )

    async def send_media(self, media: Media) -> None:
        user, caption = self.user, media.caption or None
        match media.kind:
            case "sticker":
                await user.send_sticker(media.caption[:2] or "👍")
            case "photo":
                await user.send_photo(caption=caption)
            case "document":
                name = f"{media.caption[:20]}.pdf" if media.caption.strip() else "file.pdf"
                await user.send_document(file_name=name, caption=caption)
            case "voice":
                await user.send_voice(int(abs(media.number)))
            case "location":
                await user.send_location(media.number, media.number * 2)
            case "contact":
                await user.send_contact(f"+7900{int(abs(media.number) * 1000):07d}", "Ivan")

    async def press(self, press: Press, before: int) -> None:
        with_buttons = [m for m in self.bot_messages() if m.buttons and not m.deleted]
        if with_buttons:
            # Newest first: ``which`` 0 is the current question, the rest are stale.
            message = with_buttons[::-1][press.which % len(with_buttons)]
            pressable = [b for b in message.buttons if "callback_data" in b]
            data = pressable[press.button % len(pressable)]["callback_data"] if pressable else ""
        elif self.live_messages():
            message, data = self.live_messages()[-1], ""  # forged: nothing to start from
        else:
            return
        data = mutate(data, press)
        await self.user.press(message.message_id, data)
        self.leaving = parse(data) in (HidePress(), ForgetPress(erase=True))
        query_id = self.rig.sandbox.updates[-1]["callback_query"]["id"]
        await self.until(
            lambda: any(a["callback_query_id"] == query_id for a in self.user.callback_answers),
            f"press not answered: {press!r}"[:200],
        )
        await self.until(lambda: bool(self.bot_messages(before)), f"press: {press!r}"[:200])

    async def raw(self, raw: Raw, before: int) -> None:
        rig, user = self.rig, self.user
        update_id = next(rig.raw_ids)
        person = _without(
            {"id": user.user_id, "is_bot": False, "first_name": user.first_name,
             "language_code": user.language_code, "username": "someone"},
            raw.drop,
        )  # fmt: skip
        person.setdefault("first_name", "X")  # required
        group = -(10**12) - raw.chat  # never the staff group, never a private chat
        group_chat = {"id": group, "type": "group", "title": raw.text[:100] or "G"}
        text = raw.text or "x"
        match raw.kind:
            case "again":
                await self.again(raw, update_id, before)
                return
            case "group" | "supergroup":
                chat = group_chat | {"type": raw.kind}
                message = {"message_id": 1, "date": 1, "chat": chat, "from": person, "text": text}
                update = {"message": message | raw.extra}
            case "channel" | "edited_channel":
                chat = {"id": group, "type": "channel", "title": "C"}
                message = {"message_id": 1, "date": 1, "chat": chat, "sender_chat": chat,
                           "text": text}  # fmt: skip
                key = "channel_post" if raw.kind == "channel" else "edited_channel_post"
                update = {key: message | raw.extra}
            case "group_press" | "inline_press":
                query: dict[str, Any] = {"id": f"raw{update_id}", "from": person,
                                         "chat_instance": "1", "data": text[:64]}  # fmt: skip
                if raw.kind == "group_press":
                    query["message"] = {"message_id": 1, "date": 1, "chat": group_chat}
                else:
                    query["inline_message_id"] = f"inline{update_id}"
                await rig.post({"update_id": update_id, "callback_query": query | raw.extra})
                self.foreign_chats.add(group)
                await self.until(lambda: rig.answered(query["id"]), f"raw press: {raw!r}"[:200])
                return
            case "member":
                bot = {"id": rig.sandbox.bot_id, "is_bot": True, "first_name": "Haven"}
                change = {"chat": group_chat, "from": person, "date": 1,
                          "old_chat_member": {"status": "left", "user": bot},
                          "new_chat_member": {"status": "member", "user": bot}}  # fmt: skip
                update = {"my_chat_member": change | raw.extra}
            case _:
                update = {"future_update_kind": raw.extra or {"x": 1}}
        self.foreign_chats.add(group)
        await rig.post({"update_id": update_id, **update})

    async def again(self, raw: Raw, update_id: int, before: int) -> None:
        """The person's last real update once more, as a new update with changed fields."""
        rig = self.rig
        mine = [update for update in rig.sandbox.updates if _chat_of(update) == self.chat_id]
        if not mine:
            return
        update = json.loads(json.dumps(mine[-1]))  # a deep copy: the history is the sandbox's
        update["update_id"] = update_id
        key = "message" if "message" in update else "edited_message"
        if key in update:
            message = update[key]
            sent = message["message_id"]
            update[key] = _changed(message, raw) | raw.extra
            await rig.post(update)
            await self.until(
                lambda: bool(self.bot_messages(before)) or rig.copied(self.chat_id, sent),
                f"raw message: {raw!r}"[:200],
            )
        else:
            query = update["callback_query"]
            query["id"] = f"raw{update_id}"
            if "message" in query:
                query["message"] = _changed(query["message"], raw)
            await rig.post({"update_id": update_id, "callback_query": query | raw.extra})
            await self.until(lambda: rig.answered(query["id"]), f"raw press: {raw!r}"[:200])
            await self.until(lambda: bool(self.bot_messages(before)), f"raw press: {raw!r}"[:200])

    # --- The properties -------------------------------------------------------------------

    async def check(self, since: tuple[int, int], action: Action | None = None) -> None:
        """Everything that must hold after any action (``action``, when it was one)."""
        rig = self.rig
        assert not rig.warnings(since), rig.warnings(since)
        assert not rig.calls_into(self.foreign_chats), "the bot wrote into a group or channel"
        for message in self.bot_messages():
            if message.deleted:
                continue
            assert message.kind != "text" or 0 < len(message.plain_text) <= MAX_TEXT
            for button in message.buttons:
                data = button.get("callback_data")
                assert data is None or 0 < len(data.encode()) <= MAX_CALLBACK_BYTES, button
                assert data is not None or button.get("url"), button
        if self.leaving:
            assert self.hidden(), f"the chat was not hidden: {action!r}"[:200]
        async with rig.storage.transaction() as tx:
            stored = await tx.conversation(self.chat_id)
        if stored is None:
            # Only the quick exit and /forget end a conversation (an unreadable state is
            # logged, which fails the check above).
            assert not self.had_conversation or self.hidden(), "the conversation is gone"
            self.had_conversation = False
            return
        self.had_conversation = True
        state = stored.state
        again = ConversationState.from_json(state.to_json())
        assert again.to_dict() == state.to_dict()
        assert stored.status in ("active", "ended"), stored.status
        flow = rig.expected.flows.get(state.flow)
        assert flow is not None, state.flow
        assert state.node in flow.nodes, (state.flow, state.node)
        if state.status == "active":
            assert isinstance(flow.nodes[state.node], Question), (state.flow, state.node)

    async def still_starts(self) -> None:
        """/start shows the start menu, in the person's language (after ending a case)."""
        self.leaving = False
        if await self.case_open():
            cancels = [
                (message, button["callback_data"])
                for message in self.bot_messages()
                for button in message.buttons
                if button.get("callback_data", "").startswith("t:cancel:")
            ]
            assert cancels, "a case is open but the person has no button to cancel it"
            message, data = cancels[-1]
            before = len(self.user.messages)
            await self.user.press(message.message_id, data)
            await self.until(lambda: bool(self.bot_messages(before)), "the case's cancel button")
            await self.settle()
            assert not await self.case_open(), "cancelling the case did not close it"
        before = len(self.user.messages)
        await self.user.send_command("/start")
        await self.until(lambda: bool(self.bot_messages(before)), "/start")
        await self.settle()
        async with self.rig.storage.transaction() as tx:
            stored = await tx.conversation(self.chat_id)
        assert stored is not None, "/start left no conversation"
        state = stored.state
        assert (state.flow, state.node, stored.status) == ("start", "menu", "active")
        menu = self.bot_messages(before)[-1]
        assert menu.plain_text == self.rig.expected.flow(state.language, "start", "menu")
        assert menu.buttons, "the start menu has no buttons"
        # The menu's keyboard is recorded after it is sent: it may take a moment more.
        await self.until(
            lambda: self.is_keyboard(menu.message_id), "the menu's keyboard was not recorded"
        )


def _is_hide(action: Text | Command) -> bool:
    """Whether the person sent /hide (to this bot, in whatever case, with anything after it)."""
    return (
        isinstance(action, Command)
        and action.name.lower() == "hide"
        # "/hide@" is "/hide" and an "@": clients mark only "/hide" as the command.
        and action.addressee.lower() in ("", "@", "@haven_e2e_bot")
    )


def _without(fields: dict[str, Any], drop: frozenset[str]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if key not in drop and value is not None}


def _changed(message: dict[str, Any], raw: Raw) -> dict[str, Any]:
    """A message without the optional fields named in ``raw.drop``, its sender's and chat's too."""
    changed = _without(message, raw.drop)
    if isinstance(changed.get("from"), dict):
        changed["from"] = {"first_name": "X"} | _without(changed["from"], raw.drop)
    changed["chat"] = _without(changed["chat"], raw.drop)
    if "date_zero" in raw.drop:
        changed["date"] = 0  # what Telegram sends for a message the bot can no longer access
    return changed


def _chat_of(update: dict[str, Any]) -> int | None:
    """The chat of a message, an edit or a press under a message; None for other updates."""
    for key in ("message", "edited_message"):
        if key in update:
            return int(update[key]["chat"]["id"])
    query = update.get("callback_query")
    if query and "message" in query:
        return int(query["message"]["chat"]["id"])
    return None


@settings(max_examples=EXAMPLES)
@given(
    language=LANGUAGE_CODES,
    opened=st.booleans(),
    actions=st.lists(ACTIONS, min_size=1, max_size=10),
)
async def test_any_updates_leave_the_bot_answering(
    rig: Rig, language: str | None, opened: bool, actions: list[Action]
) -> None:
    session = Session(rig, rig.haven.new_user(language))
    if opened:  # most people begin with /start; then there are buttons to press at once
        actions = [Command("start", "same", "", ""), *actions]
    for action in actions:
        mark = rig.mark()
        await session.act(action)
        await session.check(mark, action)
    mark = rig.mark()
    await session.still_starts()
    await session.check(mark)
