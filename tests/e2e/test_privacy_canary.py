"""Canaries: what a person or an advocate writes is never logged, nor stored in clear.

Distinctive strings go through every path that carries words: the person's name and username,
an answer typed into a flow, the hand-off relay in both directions (text and a caption), an
advocate's internal note and a close reason. The real bot runs against the sandbox with every
logger at DEBUG, as a deployment with ``LOG_LEVEL=DEBUG`` would. Afterwards:

- no log record, formatted as text or as JSON, holds a canary or the person's Telegram id;
- no column of any table holds a canary, and the person's id appears only where messages are
  routed from (conversations, tickets, the /hide message log);
- the database file itself, copied as it is, holds no canary: it is what a stolen disk or
  backup would reveal without the key.

The sandbox plays Telegram, so the staff group does see the relayed words; that is the point
of the relay, and what the staff group may see is checked in test_telegram_handoff.py.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.handoff import texts
from bot.logs import JsonFormatter, TextFormatter, configure_logging
from bot.privacy import Sealer, SealError
from bot.sandbox import SandboxMessage, SandboxSupergroup
from tests.e2e.runtime_fixtures import MODES, Haven, callback_of, eventually, harness, press_button
from tests.keys import NEW_SECRET_KEY, SEALER

pytestmark = pytest.mark.asyncio(loop_scope="module")

STAFF_CHAT_ID = -1009000000002
ADVOCATE = 7101
#: Telegram-sized ids, so that finding one in a log line is never a coincidence.
PERSON = 5_837_201_946

#: Letters only: the note refuses long digit runs, and JSON never escapes ASCII letters.
NAME = "Zorvathine"
USERNAME = "qelmirandu"
FLOW_INPUT = "canaryFlowInputVexmorQ"
RELAY_IN = "canaryRelayInTulbraK"
CAPTION = "canaryCaptionPriswenJ"
RELAY_OUT = "canaryRelayOutDromelyX"
NOTE = "canaryNoteWistharoZ"
CLOSE_REASON = "canaryCloseReasonHubrelM"
CANARIES = (NAME, USERNAME, FLOW_INPUT, RELAY_IN, CAPTION, RELAY_OUT, NOTE, CLOSE_REASON)

#: Where the person's chat id is kept on purpose: to route messages to them.
ROUTING_COLUMNS = {
    ("conversations", "chat_id"),
    ("tickets", "chat_id"),
    ("chat_messages", "chat_id"),
}


class LogCapture(logging.Handler):
    """Every record, formatted the two ways ``haven serve`` can write it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self._formats = (TextFormatter(), JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("bot.sandbox"):
            return  # the sandbox plays Telegram: its logs are not Haven's
        self.lines.extend(form.format(record) for form in self._formats)


@pytest.fixture(name="logs", scope="module")
def logs_fixture() -> Iterator[LogCapture]:
    """Logging as ``haven serve --log-level DEBUG`` sets it up, captured."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    saved_levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    configure_logging("json", "DEBUG")
    capture = LogCapture()
    root.handlers[:] = [capture]
    try:
        yield capture
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)


@pytest_asyncio.fixture(name="haven", scope="module", loop_scope="module", params=MODES)
async def haven_fixture(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, logs: LogCapture
) -> AsyncIterator[Haven]:
    async with harness(request.param, tmp_path_factory.mktemp(request.param)) as haven:
        logging.getLogger("bot").setLevel(logging.DEBUG)  # the harness's INFO, lowered
        haven.overrides = {"operator_chat_id": STAFF_CHAT_ID, "staff_rate_limit": "200/1"}
        await haven.add_operator(ADVOCATE, "Advocate", ["en"])
        yield haven


async def walk_every_path(haven: Haven) -> None:
    """The person writes a note in a flow and talks with an advocate, who notes and closes."""
    said, sandbox = haven.expected, haven.sandbox
    staff = sandbox.supergroup(STAFF_CHAT_ID, "Advocates", forum=True)
    advocate = sandbox.user(ADVOCATE, "Advocate", language_code="en")
    person = sandbox.user(PERSON, NAME, language_code="en", username=USERNAME)
    await haven.start()

    await person.send_command("/start")
    *_, menu = await person.wait_for_bot_messages(4)
    await press_button(person, menu, said.flow("en", "start", "menu", "option.advocate"))
    *_, topic = await person.wait_for_bot_messages(2)
    await press_button(person, topic, said.flow("en", "talk_to_advocate", "topic", "option.other"))
    [want_note] = await person.wait_for_bot_messages(1)
    await press_button(
        person, want_note, said.flow("en", "talk_to_advocate", "want_note", "option.write")
    )
    await person.wait_for_bot_messages(1)
    await person.send_text(f"Please help. {FLOW_INPUT}")
    await person.wait_for_bot_messages(3)  # sent, the case number, the case's buttons

    thread = await topic_with_summary(staff)
    summary = next(m for m in staff.thread_messages(thread) if m.buttons)
    claim = callback_of(summary, said.ui("en", texts.CLAIM_BUTTON))
    await staff.press(advocate, summary.message_id, claim)
    await person.wait_for_bot_messages(1)  # an advocate joined

    await person.send_text(f"Hello there {RELAY_IN}")
    await person.send_photo(caption=f"a paper {CAPTION}")
    await eventually(lambda: any(CAPTION in m.plain_text for m in staff.thread_messages(thread)))
    await staff.send_text(advocate, f"We can help {RELAY_OUT}", message_thread_id=thread)
    await person.wait_for_bot_messages(1)
    await staff.send_command(advocate, "/note", f"seems worried {NOTE}", message_thread_id=thread)
    await staff.send_command(advocate, "/close", f"done {CLOSE_REASON}", message_thread_id=thread)
    await person.wait_for_bot_messages(2)  # closed, the follow-up question
    await haven.stop()  # the database is closed: its file is what would be copied


async def topic_with_summary(staff: SandboxSupergroup) -> int:
    found: list[SandboxMessage] = []

    def posted() -> bool:
        found[:] = [m for m in staff.messages if m.from_bot and m.buttons]
        return bool(found)

    await eventually(posted)
    thread = found[0].message_thread_id
    assert thread is not None
    return thread


@pytest_asyncio.fixture(name="walked", scope="module", loop_scope="module")
async def walked_fixture(haven: Haven, logs: LogCapture) -> Haven:
    before = len(logs.lines)
    await walk_every_path(haven)
    assert len(logs.lines) > before, "the bot logged nothing: the capture is not working"
    return haven


async def test_no_log_line_holds_what_was_written_or_who_wrote_it(
    walked: Haven, logs: LogCapture
) -> None:
    for line in logs.lines:
        for secret in (*CANARIES, str(PERSON)):
            assert secret not in line, f"{secret!r} was logged: {line[:200]}"


async def test_no_column_holds_the_words_and_the_id_only_routes(walked: Haven) -> None:
    database = walked.data_dir / "haven.sqlite3"
    rows_seen = 0
    with sqlite3.connect(database) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        assert {"conversations", "tickets", "ticket_notes", "outbox"} <= set(tables)
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}"')
            columns = [description[0] for description in cursor.description]
            for row in cursor:
                rows_seen += 1
                for column, value in zip(columns, row, strict=True):
                    text = (
                        value.decode(errors="replace") if isinstance(value, bytes) else str(value)
                    )
                    for canary in CANARIES:
                        assert canary not in text, f"{canary!r} in clear in {table}.{column}"
                    if (table, column) not in ROUTING_COLUMNS:
                        assert str(PERSON) not in text, f"the person's id in {table}.{column}"
    assert rows_seen > 10, "the walk left (almost) nothing in the database: nothing was checked"


async def test_the_database_file_reveals_nothing_without_the_key(walked: Haven) -> None:
    files = sorted(walked.data_dir.glob("haven.sqlite3*"))
    assert files, "no database file"
    for path in files:
        content = path.read_bytes()
        for canary in CANARIES:
            assert canary.encode() not in content, f"{canary!r} readable in {path.name}"


async def test_the_words_are_there_for_whoever_holds_the_key(walked: Haven) -> None:
    """The checks above would pass on an empty database: the walk did store the words, sealed."""
    database = walked.data_dir / "haven.sqlite3"
    with sqlite3.connect(database) as connection:
        [(summary, reason)] = connection.execute("SELECT summary, close_reason FROM tickets")
        [(note,)] = connection.execute("SELECT text FROM ticket_notes")
    assert FLOW_INPUT in SEALER.open(summary)  # the note the person typed, shared
    assert CLOSE_REASON in SEALER.open(reason)
    assert NOTE in SEALER.open(note)
    with pytest.raises(SealError):
        Sealer([NEW_SECRET_KEY]).open(note)  # another key opens nothing


async def test_the_canaries_are_distinct_from_the_bots_own_texts() -> None:
    """A canary that the bot itself says would fail the log check for the wrong reason."""
    repository = Path(__file__).resolve().parents[2]
    shipped = " ".join(
        path.read_text(encoding="utf-8")
        for folder in ("flows", "locales")
        for path in (repository / folder).rglob("*")
        if path.is_file() and path.suffix in {".yaml", ".po", ".pot"}
    )
    for canary in CANARIES:
        assert canary not in shipped
