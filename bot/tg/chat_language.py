"""The language to speak to a person in, outside a step of their dialogue."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import negotiate
from bot.storage import StorageSession

__all__ = ["chat_language"]


async def chat_language(
    tx: StorageSession, chat_id: int, language_code: str | None, languages: Sequence[str]
) -> str:
    """The chat's conversation's language; else Telegram's ``language_code``, negotiated
    among ``languages``; else the first of them, the flows' source language."""
    stored = await tx.conversation(chat_id)
    if stored is not None:
        return stored.state.language
    return negotiate(language_code, languages) or languages[0]
