"""The python-telegram-bot adapter: handlers, rendering of events, per-chat ordering.

:class:`Conversations` is the use case (claim the update, run the engine, save, send);
:func:`dialogue_handlers` reads updates into requests for it; :class:`Renderer` turns events
into messages; :class:`Sender` is the only part that calls the Bot API for the dialogue;
:class:`PerChatUpdateProcessor` keeps each chat's updates in order.
"""

from .commands import register_commands
from .conversations import Conversations, preferred_flow
from .handlers import ALLOWED_UPDATES, dialogue_handlers
from .processor import PerChatUpdateProcessor
from .rendering import Button, Outgoing, Renderer, split_text
from .sender import BotBlocked, Sender

__all__ = [
    "ALLOWED_UPDATES",
    "BotBlocked",
    "Button",
    "Conversations",
    "Outgoing",
    "PerChatUpdateProcessor",
    "Renderer",
    "Sender",
    "dialogue_handlers",
    "preferred_flow",
    "register_commands",
    "split_text",
]
