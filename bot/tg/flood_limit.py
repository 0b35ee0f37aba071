"""The per-person flood limit: at most ``limit`` updates of one private chat in ``period`` s.

Someone who sends very fast, by panic or to bury the advocates, must not tie up the bot or,
through an open case, the staff group's shared pace. Updates beyond the limit are not read at
all: neither the flow nor the hand-off relay gets them, and the person is told so once per
period, kindly (they may simply be frightened), in their language.

The window is strict and sliding, like :mod:`bot.tg.rate_window`: an update is read only if
fewer than ``limit`` updates were read in the ``period`` seconds before it, wherever that span
starts. Updates that were not read do not count, so whoever slows down is read again at once.

It lives in memory: a chat is forgotten once it has been idle for a period (nothing about it
could matter any more), and at most ``max_chats`` chats are remembered, so memory is bounded
by the activity of one period. Several workers each keep their own count, which is the right
price for keeping no record of who writes when. Time is monotonic and injectable.
"""

from __future__ import annotations

import html
import logging
import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from telegram import Update
from telegram.constants import ChatType

from bot.engine.translation import N_, Translator
from bot.storage import Storage

from .callback_data import ForgetPress, HidePress, parse
from .chat_language import chat_language
from .rendering import Outgoing
from .sender import BotBlocked, Sender

__all__ = [
    "FLOODING",
    "MAX_CHATS",
    "FloodLimit",
    "FloodNotice",
    "Verdict",
    "limited_chat",
]

log = logging.getLogger(__name__)

#: How many chats the limit remembers at most; the least recently seen go first.
MAX_CHATS = 100_000

# TRANSLATORS: sent once when someone sends many messages within a minute; what they send
# until then is ignored. They may be frightened, not hostile: calm, no blame.
FLOODING = N_(
    "You are sending messages very fast, so I have paused for a moment. Please wait a minute "
    "before writing again: messages sent until then were not read."
)


class Verdict(Enum):
    """What to do with one update of a private chat."""

    READ = "read"
    """Within the limit: handle it."""
    NOTIFY = "notify"
    """Over the limit, for the first time this period: drop it and tell the person."""
    DROP = "drop"
    """Over the limit, and the person was told: drop it silently."""


@dataclass(slots=True)
class _Chat:
    # The times of the last `limit` updates read: the next is read only when the oldest of
    # them is a full period old.
    read: deque[float]
    last_seen: float
    noticed_at: float | None = field(default=None)


class FloodLimit:
    """At most ``limit`` updates read per chat in any ``period`` seconds.

    Example:
        >>> limit = FloodLimit(2, 60.0, clock=lambda: 0.0)
        >>> [limit.check(1).value for _ in range(4)]
        ['read', 'read', 'notify', 'drop']
    """

    def __init__(
        self,
        limit: int,
        period: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_chats: int = MAX_CHATS,
    ) -> None:
        """Read ``limit`` updates per chat in ``period`` seconds, timed by ``clock``.

        Args:
            limit: How many updates of one chat any span of ``period`` seconds may hold.
            period: The span, in seconds; also how often the person is told at most.
            clock: Seconds from any fixed point that never goes back (monotonic time).
            max_chats: How many chats are remembered at most.

        Raises:
            ValueError: ``limit`` or ``max_chats`` below 1, or ``period`` not a positive
                finite number.
        """
        if isinstance(limit, bool) or limit < 1:
            raise ValueError("a flood limit needs a limit of at least 1")
        if not (period > 0 and math.isfinite(period)):
            raise ValueError("a flood limit needs a positive, finite period")
        if max_chats < 1:
            raise ValueError("a flood limit must remember at least one chat")
        self._limit = limit
        self._period = float(period)
        self._clock = clock
        self._max_chats = max_chats
        # Least recently seen first: idle chats are forgotten from the front.
        self._chats: OrderedDict[int, _Chat] = OrderedDict()

    @property
    def limit(self) -> int:
        """How many updates of one chat a period may hold."""
        return self._limit

    @property
    def period(self) -> float:
        """The span in seconds."""
        return self._period

    def __len__(self) -> int:
        """How many chats are remembered now."""
        return len(self._chats)

    def check(self, chat_id: int) -> Verdict:
        """Count an update of ``chat_id`` that arrives now, and say what to do with it."""
        now = self._clock()
        self._forget_idle(now)
        chat = self._chats.pop(chat_id, None)
        if chat is None:
            chat = _Chat(read=deque(maxlen=self._limit), last_seen=now)
        self._chats[chat_id] = chat  # now the most recently seen
        chat.last_seen = now
        if len(self._chats) > self._max_chats:
            self._chats.popitem(last=False)
        if len(chat.read) < self._limit or now - chat.read[0] >= self._period:
            chat.read.append(now)
            return Verdict.READ
        if chat.noticed_at is None or now - chat.noticed_at >= self._period:
            chat.noticed_at = now
            return Verdict.NOTIFY
        return Verdict.DROP

    def _forget_idle(self, now: float) -> None:
        """Drop the chats not seen for a period: their windows and notices have lapsed."""
        while self._chats:
            chat = next(iter(self._chats.values()))
            if now - chat.last_seen < self._period:
                return
            self._chats.popitem(last=False)


#: Commands never held back by the limit.
_WAYS_OUT = frozenset({"/hide", "/forget"})


def limited_chat(update: object) -> int | None:
    """The private chat whose flood limit ``update`` counts against, or None if it is exempt.

    What a person sends or presses counts; the staff group, other groups, and Telegram's own
    notes about the chat (the person blocked the bot) do not: those are never floods to stop.
    Neither do the ways out (/hide, "Hide this chat", /forget and its answer): someone tapping
    in a panic at a border must never be told to wait. They cost little to repeat, since a
    second /hide finds nothing left to delete.
    """
    if not isinstance(update, Update):
        return None
    if update.message is None and update.edited_message is None and update.callback_query is None:
        return None
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE or _is_a_way_out(update):
        return None
    return chat.id


def _is_a_way_out(update: Update) -> bool:
    if update.callback_query is not None:
        pressed = parse(update.callback_query.data or "")
        return isinstance(pressed, HidePress | ForgetPress)
    if update.message is None or update.message.text is None:
        return False
    words = update.message.text.split(maxsplit=1)
    return bool(words) and words[0].split("@", 1)[0].lower() in _WAYS_OUT


class FloodNotice:
    """Tells a person, in their language, that what they send now is not read.

    Sent straight through the Bot API, not through the flow: the flow's state stays as it was.
    The language is the stored conversation's, else negotiated from Telegram's
    ``language_code``, else the source language.

    Args:
        storage: Where the person's conversation (and so their language) is kept.
        translator: The bot's words.
        languages: The languages the bot speaks, the source language first.
    """

    def __init__(self, storage: Storage, translator: Translator, languages: Sequence[str]) -> None:
        self.storage = storage
        self.translator = translator
        self.languages = tuple(languages)

    async def __call__(self, update: Update) -> None:
        """Send the notice to the chat of ``update``; a failure is only logged."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        log.info("a chat sent too fast: its updates are not read for a while")
        try:
            language = await self._language(chat.id, user.language_code if user else None)
            text = html.escape(self.translator.ui_text(language, FLOODING), quote=False)
            await Sender(update.get_bot()).deliver(chat.id, [Outgoing(text)])
        except BotBlocked:
            pass  # nobody to tell; the next update the person sends marks the block as usual
        except Exception as error:  # a notice is a courtesy: never a reason for an error
            log.warning("flood notice not sent: %s", type(error).__name__)

    async def _language(self, chat_id: int, language_code: str | None) -> str:
        async with self.storage.transaction() as tx:
            return await chat_language(tx, chat_id, language_code, self.languages)
