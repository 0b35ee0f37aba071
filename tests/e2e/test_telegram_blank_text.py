"""A message of only whitespace is answered like any text a question cannot take.

Found by the property tests (tests/property/test_application_updates.py): the flood limit asks
of every private text whether it is a way out (/hide, /forget) by its first word, and a text
with no word at all (a space, a line break, an ideographic space) once failed the whole update
before any handler ran, so the person got no answer.
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
        [answer] = await user.wait_for_bot_messages(1)  # pick a button, and the buttons again
        assert answer.plain_text != menu.plain_text
        assert [b["text"] for b in answer.buttons] == [b["text"] for b in menu.buttons]
        assert not haven.log.errors()
