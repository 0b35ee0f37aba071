"""The Telegram adapter's own words: answers to what a flow cannot take, help, command menus.

English source text marked with ``N_`` for ``bot.pot``; shown through ``Catalogs.ui_text``.
"""

from __future__ import annotations

from bot.engine.translation import N_

__all__ = [
    "BUTTON_GONE",
    "COMMAND_DESCRIPTIONS",
    "EDITED_MESSAGE",
    "FLOW_UPDATED",
    "FORGET_ERASE",
    "FORGET_KEEP",
    "FORGET_KEPT",
    "FORGET_QUESTION",
    "FORGOTTEN",
    "HELP",
    "HIDE_BUTTON",
    "LEFT_QUICKLY",
    "NEUTRAL",
    "NOT_STORED",
    "ONLY_TEXT",
    "SOMETHING_WRONG",
    "START_AGAIN",
    "TOO_LONG_MESSAGE",
    "UNKNOWN_COMMAND",
]

# TRANSLATORS: the answer to /help. Keep the command names (/start ...) as they are.
HELP = N_(
    "I give general information about leaving safely and asking for protection. "
    "It is not legal advice.\n\n"
    "Use the buttons to answer. You can also send:\n"
    "/start – begin again from the start\n"
    "/back – go back one question\n"
    "/language – change the language\n"
    "/human – talk to a person, an advocate\n"
    "/hide – delete this chat from your phone now\n"
    "/forget – erase everything I keep about you\n\n"
    "You never need to tell me your name, your unit or any document numbers. "
    "You can delete this chat at any time."
)

# TRANSLATORS: after a command the bot does not know; the current question follows.
UNKNOWN_COMMAND = N_("I don't know this command. Send /help to see what I can do.")

# TRANSLATORS: after a sticker, voice message, photo, file and the like.
ONLY_TEXT = N_("I can only read text and button presses. Here is where we were.")

# TRANSLATORS: after someone shared their location or a contact. It reassures: nothing was kept.
NOT_STORED = N_(
    "I do not need this, and I have not stored it. For your safety, please do not share "
    "your location or contacts here."
)

# TRANSLATORS: after someone edited a message they had sent before.
EDITED_MESSAGE = N_("I can't take edited messages. Please send your answer as a new message.")

# TRANSLATORS: after a text far longer than any answer; the current question follows.
TOO_LONG_MESSAGE = N_("That message is too long for me. Here is where we were.")

# TRANSLATORS: a short toast when a button no longer works (an old or broken button).
BUTTON_GONE = N_("This button no longer works.")

# TRANSLATORS: when the guidance changed so much that the conversation must begin again.
FLOW_UPDATED = N_("Sorry: this guidance was updated, so we need to begin this topic again.")

# TRANSLATORS: after an internal error; the conversation begins again.
SOMETHING_WRONG = N_("Sorry, something went wrong on my side. Let's begin again.")

# TRANSLATORS: a button under "The conversation has ended" message.
START_AGAIN = N_("Start again")

# TRANSLATORS: the quick exit, a button under every menu: it deletes the chat's messages at
# once. Keep it short.
HIDE_BUTTON = N_("Hide this chat")

#: What /hide leaves in the chat: one message that says nothing about what Haven is. Not empty:
#: a bot chat without messages shows the bot's description and a Start button, which say
#: exactly what the chat was for. Not a word either: an emoji needs no translation, so it
#: cannot give away the person's language, and on an inspected phone it reads like any chat.
NEUTRAL = "🙂"

# TRANSLATORS: the answer to /forget, above two buttons (Erase everything / Keep).
FORGET_QUESTION = N_(
    "Erase everything I keep about you? That is where you are in this conversation, your "
    "requests to an advocate with their notes, and the messages of this chat that can still "
    "be deleted. This cannot be undone."
)

# TRANSLATORS: a button under the /forget question.
FORGET_ERASE = N_("Erase everything")

# TRANSLATORS: a button under the /forget question: nothing is erased.
FORGET_KEEP = N_("Keep")

# TRANSLATORS: after "Keep" under the /forget question; the current question follows.
FORGET_KEPT = N_("Nothing was erased.")

# TRANSLATORS: the last message after /forget erased everything. It stays in the chat: calm,
# and without naming the bot or its subject.
FORGOTTEN = N_("Done. Everything kept about you has been erased.")

# TRANSLATORS: to the advocates, in the case's topic: the person pressed "Hide this chat" (or
# sent /hide), which deleted their chat and ended the case.
LEFT_QUICKLY = N_("The person left with the quick exit. The case is closed.")

#: The commands shown in Telegram's menu, with their descriptions (translated per language).
#: The quick exit comes first, where a hurried thumb finds it.
COMMAND_DESCRIPTIONS: dict[str, str] = {
    # TRANSLATORS: Telegram command menu entries: short, no final full stop.
    "hide": N_("Delete this chat now"),
    "start": N_("Begin again from the start"),
    "back": N_("Go back one question"),
    "language": N_("Change the language"),
    "human": N_("Talk to a person"),
    "help": N_("What this bot can do"),
    "restart": N_("Restart this topic"),
    "forget": N_("Erase everything about me"),
}
