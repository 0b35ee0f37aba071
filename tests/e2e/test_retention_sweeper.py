"""The running bot's retention sweeper, end to end: an expired conversation is purged.

The real bot (``bot.app.serve``) runs against the sandbox, by polling and by webhook. A person
talks to it, the bot stops, and the database is left idle for longer than
``RETENTION_CONVERSATION_DAYS`` (their conversation's last change set back in time, as a
month of silence would). When the bot starts again its sweeper runs at once: the idle
conversation is gone, someone who wrote recently keeps theirs, and the person who comes back
is welcomed afresh.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bot.storage import Storage
from tests.e2e.runtime_fixtures import (  # noqa: F401
    TIMEOUT,
    WELCOME,
    Haven,
    eventually,
    haven_fixture,
    mode_fixture,
    open_menu,
)
from tests.keys import SEALER


async def set_back(haven: Haven, chat_id: int, days: int) -> None:
    """Make the chat's conversation look untouched for ``days`` days."""
    async with (
        await Storage.open(haven.database_url, sealer=SEALER) as storage,
        storage.engine.begin() as connection,
    ):
        await connection.execute(
            text("UPDATE conversations SET updated_at = :then WHERE chat_id = :chat"),
            {"then": datetime.now(UTC) - timedelta(days=days), "chat": chat_id},
        )


async def test_the_sweeper_purges_an_expired_conversation_at_start(haven: Haven) -> None:
    haven.overrides = {"retention_conversation_days": 10}
    await haven.start()
    gone, _ = await open_menu(haven)
    kept, _ = await open_menu(haven)
    assert await haven.conversation(gone.user_id) is not None
    await haven.stop()

    await set_back(haven, gone.user_id, days=11)
    await set_back(haven, kept.user_id, days=9)
    seen = len(haven.log.records)
    restarted = datetime.now(UTC)
    await haven.start()

    def swept() -> bool:
        return any(m.startswith("retention sweep deleted") for m in haven.log.messages(seen))

    await eventually(swept)
    [line] = [m for m in haven.log.messages(seen) if m.startswith("retention sweep deleted")]
    assert line.startswith("retention sweep deleted conversations=1 ")
    assert str(gone.user_id) not in line
    async with asyncio.timeout(TIMEOUT):
        assert await haven.conversation(gone.user_id) is None
        assert await haven.conversation(kept.user_id) is not None

    # Nothing of where they were is left: coming back starts a new conversation.
    await gone.send_command("/start")
    await gone.wait_for_bot_messages(len(WELCOME))
    again = await haven.conversation(gone.user_id)
    assert again is not None
    assert again.created_at >= restarted
    still = await haven.conversation(kept.user_id)
    assert still is not None
    assert still.created_at < restarted
