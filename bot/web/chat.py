"""Local mode's web chat: a page where a person talks to the bot as they would in Telegram.

``GET /`` serves the page and ``/static/`` its files (:mod:`bot.web.pages` says which are
shared with the staff page). The page itself is a client of the sandbox's client HTTP API
(:mod:`bot.sandbox`): it writes and presses buttons as a sandbox user, and long-polls the chat
with the ``since`` version cursor, so it sees the bot's edits and deletions as Telegram would
show them. The user id is random per browser tab (kept in ``sessionStorage``), and "New
conversation" starts again as a new user, in the language picked on the page.

The bot's messages are rendered from ``plain_text`` and ``entities`` into DOM nodes, never
from HTML source, so nothing the bot (or a flow author) writes can run in the page.

The page's own words are marked with ``N_`` and translated through the ``bot`` catalogs; every
language's words are sent with the page, so switching the picker needs no reload.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute

from bot.engine.translation import N_, Translator
from bot.web.pages import LocalPage

__all__ = ["PAGE_WORDS", "chat_routes"]

#: The page's own words, by the key the template and script use. English source text. The
#: words of the messages themselves are :data:`bot.web.pages.MESSAGE_WORDS`.
PAGE_WORDS: Mapping[str, str] = {
    # TRANSLATORS: the browser tab's title of the local web chat.
    "title": N_("Haven: local chat"),
    # TRANSLATORS: under the bot's name in the chat header, as Telegram shows "bot".
    "status_bot": N_("bot"),
    # TRANSLATORS: the banner of the local web chat; "sandbox" = a safe place for trying out.
    "banner": N_("Local test sandbox: this chat runs only on this computer. Nothing leaves it."),
    # TRANSLATORS: the label of the language picker of the web chat.
    "language": N_("Language"),
    # TRANSLATORS: a button that forgets this chat and starts again as a new user.
    "new_conversation": N_("New conversation"),
    # TRANSLATORS: shown after the language picker changed during a conversation.
    "language_later": N_("The new language applies to a new conversation."),
    # TRANSLATORS: above the first message, before the conversation starts.
    "intro": N_("Choose a language, then press Start."),
    # TRANSLATORS: the button that sends /start, as Telegram's START button.
    "start": N_("Start"),
    # TRANSLATORS: the hidden heading of the list of messages, for screen readers.
    "conversation": N_("Conversation with the bot"),
    # TRANSLATORS: read by screen readers before each of the person's own messages.
    "you": N_("You:"),
    # TRANSLATORS: shown when the browser runs no scripts.
    "noscript": N_("This chat needs JavaScript."),
}


def chat_routes(languages: Sequence[str], translator: Translator | None = None) -> list[BaseRoute]:
    """The web chat's routes: the page at ``/`` and its files under ``/static/``.

    Args:
        languages: The bot's languages, the source language first (as the picker lists them).
        translator: Translates the page's own words (:data:`PAGE_WORDS`); without one the page
            speaks the source text.

    Returns:
        The routes, to be placed before the sandbox's catch-all mount.
    """
    chat = LocalPage("chat", "/static", languages, translator)

    async def page(request: Request) -> HTMLResponse:
        initial = chat.language_of(request)
        words = {choice["code"]: chat.words(choice["code"], PAGE_WORDS) for choice in chat.choices}
        config = {"languages": chat.choices, "words": words, "initial": initial["code"]}
        return chat.response(
            config=config, language=initial, languages=chat.choices, words=words[initial["code"]]
        )

    return chat.routes("/", page, static_name="static")
