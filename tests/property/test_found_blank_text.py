"""Found by test_application_updates.py: a message of only spaces fails the update.

The flood limit asks of every private text whether it is a way out (/hide, /forget) by taking
its first word, ``text.split(maxsplit=1)[0]``; a text with no word at all (a space, a line
break, any other whitespace) raises IndexError there, before any handler runs. The update fails
("update failed: IndexError") and the person gets no answer at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.runtime_fixtures import WELCOME, harness


@pytest.mark.parametrize("blank", [" ", "\n", "\u3000"])
async def test_a_blank_message_is_answered(tmp_path: Path, blank: str) -> None:
    async with harness("webhook", tmp_path) as haven:
        await haven.start()
        user = haven.new_user("en")
        await user.send_command("/start")
        *_, menu = await user.wait_for_bot_messages(len(WELCOME))
        await user.send_text(blank)
        [question] = await user.wait_for_bot_messages(1)  # the question again
        assert question.plain_text == menu.plain_text
        assert not haven.log.errors()
