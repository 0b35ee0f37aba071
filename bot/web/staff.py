"""Local mode's staff page: the staff supergroup as an operator sees it in Telegram.

``GET /staff`` serves the page and ``/staff/static/`` its script and style sheet (plain files,
no build step, nothing from the internet). Like the web chat (:mod:`bot.web.chat`), the page is
a client of the sandbox's client HTTP API (:mod:`bot.sandbox`): it lists the group's forum
topics and the "General" topic, shows the chosen topic's messages, presses their inline buttons
and writes in the topic (text and /commands), all as one operator, a sandbox user. It
long-polls the group with the ``since`` version cursor, so it follows the bot's edits,
deletions and topic changes as Telegram would show them.

Messages are rendered from ``plain_text`` and ``entities`` into DOM nodes, never from HTML
source, so nothing a person or the bot writes can run in the page.

The page's own words are marked with ``N_`` and translated through the ``bot`` catalogs into
the first of the browser's languages that the bot speaks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.engine.translation import N_, SourceText, Translator

# The web chat's language helpers: the staff page picks its language the same way.
from bot.web.chat import _language, _preferred

__all__ = ["PAGE_WORDS", "STAFF_PATH", "staff_routes"]

#: Where the page is served.
STAFF_PATH = "/staff"

#: The page's own words, by the key the template and script use. English source text.
PAGE_WORDS: Mapping[str, str] = {
    # TRANSLATORS: the browser tab's title of the local staff group page.
    "title": N_("Haven: staff group"),
    # TRANSLATORS: the header of the staff page until the group's title is known.
    "staff_group": N_("Staff group"),
    # TRANSLATORS: under the group's name in the staff page; {id} is the operator's user id.
    "as_operator": N_("you are operator {id}"),
    # TRANSLATORS: under the group's name while the page cannot reach the local server.
    "status_offline": N_("connecting…"),
    # TRANSLATORS: the banner of the staff page; "sandbox" = a safe place for trying out.
    "banner": N_(
        "Local test sandbox: you act as an operator in the staff group. Nothing leaves this "
        "computer."
    ),
    # TRANSLATORS: shown when the sandbox has no staff group with the configured id.
    "missing": N_("The staff group does not exist in this sandbox."),
    # TRANSLATORS: the heading of the list of forum topics (one topic per ticket).
    "topics": N_("Topics"),
    # TRANSLATORS: the name of a forum's general topic, as Telegram calls it.
    "general": N_("General"),
    # TRANSLATORS: a mark on a closed forum topic.
    "closed": N_("closed"),
    # TRANSLATORS: read by screen readers after a topic's count of unread messages.
    "unread": N_("unread"),
    # TRANSLATORS: the button that goes from a topic back to the list of topics (phones).
    "back": N_("Back to topics"),
    # TRANSLATORS: in a topic without messages.
    "empty": N_("No messages in this topic yet."),
    # TRANSLATORS: the hidden label of the box where the operator types, for screen readers.
    "message_label": N_("Your message in this topic"),
    # TRANSLATORS: placeholder of the box where the operator types.
    "message": N_("Message"),
    # TRANSLATORS: the button that sends the typed message.
    "send": N_("Send"),
    # TRANSLATORS: the sender of the operator's own messages, as Telegram shows "You".
    "you": N_("You"),
    # TRANSLATORS: a small mark on a message that has been changed, as in Telegram.
    "edited": N_("edited"),
    # TRANSLATORS: read by screen readers before the quoted message that a message replies to.
    "reply_to": N_("In reply to"),
    # TRANSLATORS: the accessible name of the buttons under a message.
    "buttons": N_("Buttons"),
    # TRANSLATORS: added for screen readers to a link button.
    "new_tab": N_("(opens in a new tab)"),
    # TRANSLATORS: hidden text in a message; press to show it.
    "spoiler": N_("Hidden text: press to show"),
    # TRANSLATORS: a message or button press could not reach the local server.
    "failed": N_("That did not go through. Please try again."),
    # TRANSLATORS: in place of a photo, which the staff page does not show.
    "photo": N_("[photo]"),
    # TRANSLATORS: in place of a file; {name} is the file's name.
    "document": N_("[file: {name}]"),
    # TRANSLATORS: in place of a voice message, which the staff page does not play.
    "voice": N_("[voice message]"),
    # TRANSLATORS: in place of a sticker, location or contact, which the page does not show.
    "attachment": N_("[attachment]"),
    # TRANSLATORS: a service line in a topic; {name} is the topic's name.
    "topic_created": N_("Topic created: {name}"),
    # TRANSLATORS: a service line in a topic; {name} is the topic's new name.
    "topic_edited": N_("Topic renamed: {name}"),
    # TRANSLATORS: a service line in a topic.
    "topic_closed": N_("Topic closed"),
    # TRANSLATORS: a service line in a topic.
    "topic_reopened": N_("Topic reopened"),
    # TRANSLATORS: shown when the browser runs no scripts.
    "noscript": N_("This page needs JavaScript."),
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
_STATIC_FILES = ("staff.css", "staff.js", "favicon.svg")


def staff_routes(
    staff_chat_id: int,
    operator_user_id: int,
    languages: Sequence[str],
    translator: Translator | None = None,
) -> list[BaseRoute]:
    """The staff page's routes: the page at ``/staff`` and its files under ``/staff/static/``.

    Args:
        staff_chat_id: The sandbox supergroup the page shows (it must exist there; a forum).
        operator_user_id: The sandbox user the page acts as (created on its first action).
        languages: The bot's languages, the source language first.
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
    template = environment.get_template("staff.html")
    static_urls = _static_urls()

    async def page(request: Request) -> HTMLResponse:
        code = _preferred(request.headers.get("accept-language", ""), codes)
        language = next(choice for choice in choices if choice["code"] == code)
        # Read the catalogs per request: they follow flow reloads.
        words = {key: words_of.ui_text(code, text) for key, text in PAGE_WORDS.items()}
        config = {
            "chat_id": staff_chat_id,
            "operator_id": operator_user_id,
            "language": language["tag"],
            "words": words,
        }
        body = template.render(
            config=config,
            language=language,
            words=words,
            operator=words["as_operator"].replace("{id}", str(operator_user_id)),
            static=static_urls,
        )
        return HTMLResponse(body, headers=_HEADERS)

    return [
        Route(STAFF_PATH, page, methods=["GET"]),
        Mount(
            f"{STAFF_PATH}/static",
            app=StaticFiles(packages=[("bot.web", "static")]),
            name="staff-static",
        ),
    ]


def _static_urls() -> dict[str, str]:
    """URLs of the static files with a content hash, so a new version is never served stale."""
    folder = files("bot.web") / "static"
    urls: dict[str, str] = {}
    for name in _STATIC_FILES:
        digest = hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest()[:12]
        urls[name] = f"{STAFF_PATH}/static/{name}?v={digest}"
    return urls
