"""Local mode's web chat: a page where a person talks to the bot as they would in Telegram.

``GET /`` serves the page and ``/static/`` its script and style sheet (plain files, no build
step, nothing from the internet). The page itself is a client of the sandbox's client HTTP API
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

import hashlib
from collections.abc import Mapping, Sequence
from importlib.resources import files

from babel import Locale, UnknownLocaleError
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.engine.translation import N_, SourceText, Translator
from bot.i18n import language_name, negotiate

__all__ = ["PAGE_WORDS", "chat_routes"]

#: The page's own words, by the key the template and script use. English source text.
PAGE_WORDS: Mapping[str, str] = {
    # TRANSLATORS: the browser tab's title of the local web chat.
    "title": N_("Haven: local chat"),
    # TRANSLATORS: under the bot's name in the chat header, as Telegram shows "bot".
    "status_bot": N_("bot"),
    # TRANSLATORS: under the bot's name while the page cannot reach the local server.
    "status_offline": N_("connecting…"),
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
    # TRANSLATORS: placeholder and label of the box where the person types.
    "message": N_("Message"),
    # TRANSLATORS: the button that sends the typed message.
    "send": N_("Send"),
    # TRANSLATORS: read by screen readers before each of the person's own messages.
    "you": N_("You:"),
    # TRANSLATORS: a small mark on a message the bot has changed, as in Telegram.
    "edited": N_("edited"),
    # TRANSLATORS: the accessible name of the buttons under a bot message.
    "buttons": N_("Buttons"),
    # TRANSLATORS: added for screen readers to a link button.
    "new_tab": N_("(opens in a new tab)"),
    # TRANSLATORS: hidden text in a message; press to show it.
    "spoiler": N_("Hidden text: press to show"),
    # TRANSLATORS: a message or button press could not reach the local server.
    "failed": N_("That did not go through. Please try again."),
    # TRANSLATORS: in place of a picture or file, which the web chat does not show.
    "attachment": N_("[attachment]"),
    # TRANSLATORS: shown when the browser runs no scripts.
    "noscript": N_("This chat needs JavaScript."),
}

_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
_HEADERS = {
    "Content-Security-Policy": _CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_STATIC_FILES = ("chat.css", "chat.js", "favicon.svg")


def chat_routes(languages: Sequence[str], translator: Translator | None = None) -> list[BaseRoute]:
    """The web chat's routes: the page at ``/`` and its files under ``/static/``.

    Args:
        languages: The bot's languages, the source language first (as the picker lists them).
        translator: Translates the page's own words (:data:`PAGE_WORDS`); without one the page
            speaks the source text.

    Returns:
        The routes, to be placed before the sandbox's catch-all mount.
    """
    words_of = translator or SourceText()
    choices = [_language(code) for code in languages] or [_language("en")]
    codes = [choice["code"] for choice in choices]
    environment = Environment(
        loader=PackageLoader("bot.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("chat.html")
    static_urls = _static_urls()

    async def page(request: Request) -> HTMLResponse:
        initial = _preferred(request.headers.get("accept-language", ""), codes)
        # Read the catalogs per request: they follow flow reloads.
        words = {
            code: {key: words_of.ui_text(code, text) for key, text in PAGE_WORDS.items()}
            for code in codes
        }
        config = {"languages": choices, "words": words, "initial": initial}
        body = template.render(
            config=config,
            languages=choices,
            initial=next(choice for choice in choices if choice["code"] == initial),
            words=words[initial],
            static=static_urls,
        )
        return HTMLResponse(body, headers=_HEADERS)

    return [
        Route("/", page, methods=["GET"]),
        Mount("/static", app=StaticFiles(packages=[("bot.web", "static")]), name="static"),
    ]


def _language(code: str) -> dict[str, str]:
    """A picker entry: the catalog code, its IETF tag, its name in itself and its direction."""
    tag = code.replace("_", "-")
    try:
        direction = "rtl" if Locale.parse(code).character_order == "right-to-left" else "ltr"
    except (ValueError, TypeError, UnknownLocaleError):
        direction = "ltr"
    return {"code": code, "tag": tag, "name": language_name(code), "dir": direction}


def _preferred(accept_language: str, codes: Sequence[str]) -> str:
    """The first of the browser's languages (by weight) that the bot speaks, else the source."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, parameters = part.strip().partition(";")
        weight = 1.0
        if parameters.strip().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and tag != "*" and weight > 0:
            weighted.append((-weight, position, tag))
    for _, _, tag in sorted(weighted):
        found = negotiate(tag, codes)
        if found is not None:
            return found
    return codes[0]


def _static_urls() -> dict[str, str]:
    """URLs of the static files with a content hash, so a new version is never served stale."""
    folder = files("bot.web") / "static"
    urls: dict[str, str] = {}
    for name in _STATIC_FILES:
        digest = hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest()[:12]
        urls[name] = f"/static/{name}?v={digest}"
    return urls
