"""The Telegram end-to-end harness: ``haven serve`` against the sandbox, over real HTTP.

The real Application runs through :func:`bot.app.serve`, by polling and by webhook, against a
sandbox served on a free loopback port, with its own SQLite file. Two ways to get one:

``haven``
    A bot of the test's own, not yet started (``await haven.start()``): for tests that edit
    its flows, restart it or break it. Runs in both modes through the ``mode`` fixture.
``bot``
    One running bot on the repository's flows, shared by the tests of a module (each test
    talks to it as users of its own), in both modes. It keeps the suite fast; such modules
    run on the module's event loop: ``pytestmark = pytest.mark.asyncio(loop_scope="module")``.

Either fails the test if the bot logged an error meanwhile (a failed update is only logged).
Tests import the fixtures they use; the functions carry a suffix so that a test's parameter
does not shadow an import::

    from tests.e2e.runtime_fixtures import haven_fixture, mode_fixture  # noqa: F401
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import shutil
import signal
import socket
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from bot.app import serve
from bot.config import Settings, load_settings
from bot.definitions import load_flows
from bot.handoff import HandoffStore, OperatorRole
from bot.i18n.catalogs import Catalogs
from bot.sandbox import RetryPolicy, Sandbox, SandboxMessage, SandboxUser
from bot.storage import Storage, StoredConversation
from bot.tg.texts import HELP
from tests.keys import KEY_SETTINGS, PSEUDONYMS, SEALER

__all__ = [
    "MODES",
    "REPO",
    "SECRET",
    "TIMEOUT",
    "WELCOME",
    "Expected",
    "Haven",
    "bot_fixture",
    "button_texts",
    "eventually",
    "harness",
    "haven_fixture",
    "keyboard_retired",
    "mode_fixture",
    "nothing_more",
    "open_menu",
    "press_button",
    "reach_passport",
    "shared_haven_fixture",
]

REPO = Path(__file__).resolve().parents[2]
MODES = ("polling", "webhook")
TOKEN = "123456789:HavenEndToEndSandboxToken"
SECRET = "e2e-webhook-secret"
#: The messages of the welcome: three texts, then the menu with its buttons.
WELCOME = ("welcome", "not_advice", "safety", "menu")
#: Bounds every wait: a broken bot fails a test in seconds, never hangs the suite.
TIMEOUT = 5.0

# Variables that would change what load_settings() returns (an override wins over them anyway,
# but a stray LOG_LEVEL or DATA_DIR must not leak into the runs either).
_ENVIRONMENT = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_URL",
    "DATABASE_URL",
    "DATA_DIR",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "HOST",
    "PORT",
    "FLOWS_DIR",
    "LOCALES_DIR",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "OPERATOR_CHAT_ID",
    "STAFF_LANGUAGE",
    "WORKING_HOURS",
    "HANDOFF_OVERDUE_MINUTES",
    "HANDOFF_FOLLOW_UP_FLOW",
    "STAFF_RATE_LIMIT",
    "HAVEN_SECRET_KEY",
    "HAVEN_PSEUDONYM_KEY",
)


def _po(text: str) -> str:
    """``text`` as a quoted .po string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def button_texts(message: SandboxMessage) -> list[str]:
    """The labels of a message's inline keyboard, row by row."""
    return [button["text"] for button in message.buttons]


def callback_of(message: SandboxMessage, label: str) -> str:
    """The callback data of the button labelled ``label``."""
    for button in message.buttons:
        if button["text"] == label:
            data: str = button["callback_data"]
            return data
    raise AssertionError(f"no button {label!r} in {button_texts(message)}")


async def press_button(user: SandboxUser, message: SandboxMessage, label: str) -> int:
    """Press the button labelled ``label`` under ``message``; returns the update id."""
    return await user.press(message.message_id, callback_of(message, label))


async def keyboard_retired(user: SandboxUser, message: SandboxMessage) -> None:
    """Wait until the bot has taken the buttons off ``message``.

    The bot sends a step first and retires the old keyboard after, so the old buttons may still
    be there when the new messages have arrived.
    """
    await user.wait_until(lambda: message.reply_markup is None)


async def nothing_more(haven: Haven, user: SandboxUser, last: SandboxMessage) -> None:
    """Check that the bot sent ``user`` nothing after ``last`` (say, a step sent twice).

    Sends /help as a marker: a chat's updates are handled in order, so whatever the earlier
    ones still cause arrives before the answer to /help, which must come right after ``last``.
    It shows the current question again, so call it at the end of a test.
    """
    language = user.language_code or "en"
    await user.send_command("/help")
    help_, _question = await user.wait_for_bot_messages(2)
    assert help_.plain_text == haven.expected.ui(language, HELP)
    chat = user.messages
    after = chat[chat.index(last) + 1 : chat.index(help_)]
    extra = [message.plain_text[:40] for message in after if message.from_bot]
    assert not extra, f"the bot sent more than expected: {extra}"


async def open_menu(haven: Haven, language: str = "en") -> tuple[SandboxUser, SandboxMessage]:
    """A new user sends /start; returns the user and the menu (the welcome's last message)."""
    user = haven.new_user(language)
    await user.send_command("/start")
    *_, menu = await user.wait_for_bot_messages(len(WELCOME))
    return user, menu


async def reach_passport(haven: Haven, language: str = "en") -> tuple[SandboxUser, SandboxMessage]:
    """/start, "Look at my situation", "In Russia": returns the user and the passport question."""
    said = haven.expected
    user, menu = await open_menu(haven, language)
    await press_button(user, menu, said.flow(language, "start", "menu", "option.situation"))
    _intro, where = await user.wait_for_bot_messages(2)
    await press_button(user, where, said.flow(language, "situation", "where", "option.russia"))
    [passport] = await user.wait_for_bot_messages(1)
    return user, passport


class Expected:
    """The texts a user should see, looked up the way the bot looks them up."""

    def __init__(self, flows_dir: Path, locales_dir: Path) -> None:
        self.catalogs = Catalogs.load(locales_dir)
        self.flows = load_flows([flows_dir]).engine_flows

    def ui(self, language: str, message: str) -> str:
        """The bot's own words (bot.po) in ``language``."""
        return self.catalogs.ui_text(language, message)

    def flow(self, language: str, flow: str, node: str, field: str = "text") -> str:
        """A flow's text (flows.po) in ``language``."""
        for node_id, context, text in self.flows[flow].texts():
            if node_id == node and text.field == field:
                return self.catalogs.flow_text(language, context, text.text)
        raise KeyError(f"{flow}/{node}/{field}")


class Haven:
    """One bot process (``bot.app.serve``) against one served sandbox.

    Attributes:
        mode: ``polling`` or ``webhook``.
        sandbox: the Telegram the bot talks to.
        flows_dir: the flows the bot serves (the repository's unless :meth:`copy_project`).
        locales_dir: its catalogs.
    """

    def __init__(
        self, mode: str, sandbox: Sandbox, api_url: str, data_dir: Path, log: LogBook
    ) -> None:
        self.mode = mode
        self.log = log
        self.sandbox = sandbox
        self.api_url = api_url
        self.data_dir = data_dir
        self.port = free_port()
        self.flows_dir = REPO / "flows"
        self.locales_dir = REPO / "locales"
        self.database_url = f"sqlite+aiosqlite:///{data_dir / 'haven.sqlite3'}"
        #: Settings of this bot on top of the harness's own (e.g. ``operator_chat_id``).
        self.overrides: dict[str, Any] = {}
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._users = itertools.count(1001)

    def new_user(self, language_code: str | None = "en") -> SandboxUser:
        """A person the bot has never talked to."""
        return self.sandbox.user(next(self._users), language_code=language_code)

    @property
    def base_url(self) -> str:
        """Where the bot's own web server listens (/healthz, the webhook)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def expected(self) -> Expected:
        """What the bot should say, read from the flows and catalogs it runs with now."""
        return Expected(self.flows_dir, self.locales_dir)

    def settings(self) -> Settings:
        """The settings of this run, as ``haven serve`` would read them from the environment."""
        webhook: dict[str, Any] = {"webhook_url": None, "webhook_secret": None}
        if self.mode == "webhook":
            webhook = {"webhook_url": f"{self.base_url}/telegram", "webhook_secret": SECRET}
        return load_settings(
            telegram_bot_token=TOKEN,
            telegram_api_url=self.api_url,
            data_dir=self.data_dir,
            database_url=self.database_url,
            host="127.0.0.1",
            port=self.port,
            flows_dir=self.flows_dir,
            locales_dir=self.locales_dir,
            **KEY_SETTINGS,  # a bot with a token refuses to start without keys
            **webhook,
            **self.overrides,
        )

    def copy_project(self) -> tuple[Path, Path]:
        """Serve a copy of the repository's flows and locales, which a test may edit."""
        root = self.data_dir / "project"
        shutil.copytree(REPO / "flows", root / "flows")
        shutil.copytree(REPO / "locales", root / "locales")
        self.flows_dir, self.locales_dir = root / "flows", root / "locales"
        return self.flows_dir, self.locales_dir

    def translate_missing(self) -> None:
        """Give every flow text without a translation one (``"[ru] <English>"``), as a
        translator would before shipping an edited flow; without it the flows are refused."""
        said = self.expected
        for language in said.catalogs.languages:
            entries = [
                f"msgctxt {_po(context)}\nmsgid {_po(text.text)}\n"
                f"msgstr {_po(f'[{language}] {text.text}')}\n"
                for flow in said.flows.values()
                for _, context, text in flow.texts()
                if said.catalogs.status(language, context, text.text) == "missing"
            ]
            if entries:
                catalog = self.locales_dir / language / "LC_MESSAGES" / "flows.po"
                with catalog.open("a", encoding="utf-8") as po:
                    po.write("".join(f"\n{entry}" for entry in entries))

    async def start(self, *, watch_flows: bool = False) -> None:
        """Run ``serve`` in the background until it says it has started."""
        assert self._task is None, "already running"
        settings = self.settings()
        assert settings.mode == self.mode
        self._stop = asyncio.Event()
        started = asyncio.Event()
        self._task = asyncio.create_task(
            serve(settings, watch_flows=watch_flows, stop=self._stop, started=started)
        )
        waiter = asyncio.create_task(started.wait())
        try:
            done, _ = await asyncio.wait(
                {self._task, waiter}, timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            waiter.cancel()
        if self._task in done:
            task, self._task = self._task, None
            task.result()  # raises why serve ended
            raise AssertionError("serve returned before it started")
        assert started.is_set(), "the bot did not start in time"
        # serve() takes Ctrl-C to stop the bot; in a test run it must stop pytest instead.
        asyncio.get_running_loop().remove_signal_handler(signal.SIGINT)

    async def stop(self) -> None:
        """Ask ``serve`` to stop and wait until it has (it closes the database)."""
        if self._task is None:
            return
        task, self._task = self._task, None
        self._stop.set()
        await asyncio.wait_for(task, TIMEOUT)

    async def reload_flows(self) -> bool:
        """What an operator's ``kill -HUP`` does; returns whether the new flows were taken."""
        # serve() installs its signal handlers only on the main thread; without them SIGHUP
        # would end the test process.
        assert threading.current_thread() is threading.main_thread()
        seen = len(self.log.records)
        os.kill(os.getpid(), signal.SIGHUP)
        return await self.reloaded(since=seen)

    async def reloaded(self, since: int) -> bool:
        """Wait for the next reload after log record ``since``: True if taken, False if refused."""
        outcomes: list[bool] = []

        def outcome() -> bool:
            for message in self.log.messages(since):
                if message.startswith(("flows reloaded", "flow reload refused")):
                    outcomes.append(message.startswith("flows reloaded"))
                    return True
            return False

        await eventually(outcome)
        return outcomes[0]

    async def conversation(self, chat_id: int) -> StoredConversation | None:
        """The chat's conversation as stored, read through a storage of the test's own."""
        async with (
            await Storage.open(self.database_url, sealer=SEALER) as storage,
            storage.transaction() as session,
        ):
            return await session.conversation(chat_id)

    async def add_operator(
        self, user_id: int, alias: str, languages: list[str], role: OperatorRole = "operator"
    ) -> None:
        """Make someone an operator, as ``haven operators add`` does (the bot need not run)."""
        async with (
            await Storage.open(self.database_url, sealer=SEALER, migrate=True) as storage,
            HandoffStore(storage, pseudonyms=PSEUDONYMS).transaction() as tx,
        ):
            await tx.operators.add(user_id, alias=alias, languages=languages, role=role)

    async def healthz(self) -> httpx.Response:
        """GET /healthz on the bot's web server."""
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            return await client.get(f"{self.base_url}/healthz")


async def eventually(condition: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    """Wait until ``condition()`` holds (for what is not a chat message, e.g. a log line)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


class LogBook(logging.Handler):
    """Haven's log records of one harness: reloads are awaited on them, errors checked."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, since: int = 0) -> list[str]:
        return [record.getMessage() for record in self.records[since:]]

    def errors(self, since: int = 0) -> list[str]:
        # A failed update is only logged by the Application: it must not pass unnoticed.
        return [r.getMessage() for r in self.records[since:] if r.levelno >= logging.ERROR]


@contextlib.asynccontextmanager
async def harness(mode: str, directory: Path) -> AsyncIterator[Haven]:
    """A served sandbox and a harness for the bot (not started) in a clean environment."""
    logger = logging.getLogger("bot")
    book, level = LogBook(), logger.level
    logger.addHandler(book)
    logger.setLevel(logging.INFO)
    # Telegram retries a webhook delivery for hours; enough retries here to outlast a restart.
    patience = RetryPolicy(attempts=100, first_delay=0.02, max_delay=0.1)
    sandbox = Sandbox(token=TOKEN, bot_username="haven_e2e_bot", webhook_policy=patience)
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name in _ENVIRONMENT:
                patch.delenv(name, raising=False)
            patch.chdir(directory)  # so that no developer's .env file is read
            async with sandbox.serve() as api_url:
                harness = Haven(mode, sandbox, api_url, directory, book)
                try:
                    yield harness
                finally:
                    await harness.stop()
    finally:
        logger.removeHandler(book)
        logger.setLevel(level)


@pytest.fixture(name="mode", params=MODES)
def mode_fixture(request: pytest.FixtureRequest) -> str:
    """Every test that uses the bot runs once by polling and once by webhook."""
    param: str = request.param
    return param


@pytest.fixture(name="haven")
async def haven_fixture(mode: str, tmp_path: Path) -> AsyncIterator[Haven]:
    """A bot of the test's own, not yet started (``await haven.start()``): for tests that
    edit its flows, restart it or break it."""
    async with harness(mode, tmp_path) as haven:
        yield haven
        assert not haven.log.errors()


@pytest_asyncio.fixture(name="shared_haven", scope="module", loop_scope="module", params=MODES)
async def shared_haven_fixture(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Haven]:
    """One running bot on the repository's flows for a whole module, in each mode."""
    async with harness(request.param, tmp_path_factory.mktemp(request.param)) as haven:
        await haven.start()
        yield haven


@pytest_asyncio.fixture(name="bot", loop_scope="module")
async def bot_fixture(shared_haven: Haven) -> AsyncIterator[Haven]:
    """The module's running bot; the test talks to it as users of its own (``new_user``)."""
    seen = len(shared_haven.log.records)
    yield shared_haven
    assert not shared_haven.log.errors(seen)
