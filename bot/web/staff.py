"""Local mode's staff page: the staff supergroup as an operator sees it in Telegram.

``GET /staff`` serves the page and ``/staff/static/`` its files (:mod:`bot.web.pages` says which
are shared with the web chat). Like the web chat (:mod:`bot.web.chat`), the page is a client of
the sandbox's client HTTP API (:mod:`bot.sandbox`): it lists the group's forum topics and the
"General" topic, shows the chosen topic's messages, presses their inline buttons and writes in
the topic (text and /commands), all as one operator, a sandbox user. It long-polls the group
with the ``since`` version cursor, so it follows the bot's edits, deletions and topic changes as
Telegram would show them.

Messages are rendered from ``plain_text`` and ``entities`` into DOM nodes, never from HTML
source, so nothing a person or the bot writes can run in the page.

The page's own words are marked with ``N_`` and translated through the ``bot`` catalogs into
the first of the browser's languages that the bot speaks.

Each time the page is opened, the operator's view is recorded in the audit log
(:mod:`bot.handoff.audit`), as operators' views in Telegram are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute

from bot.engine.translation import N_, Translator
from bot.handoff import HandoffStore
from bot.web.pages import LocalPage

__all__ = ["PAGE_WORDS", "STAFF_PATH", "staff_routes"]

#: Where the page is served.
STAFF_PATH = "/staff"

#: The page's own words, by the key the template and script use. English source text. The
#: words of the messages themselves are :data:`bot.web.pages.MESSAGE_WORDS`.
PAGE_WORDS: Mapping[str, str] = {
    # TRANSLATORS: the browser tab's title of the local staff group page.
    "title": N_("Haven: staff group"),
    # TRANSLATORS: the header of the staff page until the group's title is known.
    "staff_group": N_("Staff group"),
    # TRANSLATORS: under the group's name in the staff page; {id} is the operator's user id.
    "as_operator": N_("you are operator {id}"),
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
    # TRANSLATORS: the sender of the operator's own messages, as Telegram shows "You".
    "you": N_("You"),
    # TRANSLATORS: read by screen readers before the quoted message that a message replies to.
    "reply_to": N_("In reply to"),
    # TRANSLATORS: in place of a photo, which the staff page does not show.
    "photo": N_("[photo]"),
    # TRANSLATORS: in place of a file; {name} is the file's name.
    "document": N_("[file: {name}]"),
    # TRANSLATORS: in place of a voice message, which the staff page does not play.
    "voice": N_("[voice message]"),
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


def staff_routes(
    staff_chat_id: int,
    operator_user_id: int,
    languages: Sequence[str],
    translator: Translator | None = None,
    handoff: HandoffStore | None = None,
) -> list[BaseRoute]:
    """The staff page's routes: the page at ``/staff`` and its files under ``/staff/static/``.

    Args:
        staff_chat_id: The sandbox supergroup the page shows (it must exist there; a forum).
        operator_user_id: The sandbox user the page acts as (created on its first action).
        languages: The bot's languages, the source language first.
        translator: Translates the page's own words (:data:`PAGE_WORDS`); without one the page
            speaks the source text.
        handoff: Where each opening of the page is recorded in the audit log; None: nowhere.

    Returns:
        The routes, to be placed before the sandbox's catch-all mount.
    """
    staff = LocalPage("staff", f"{STAFF_PATH}/static", languages, translator)

    async def page(request: Request) -> HTMLResponse:
        if handoff is not None:
            async with handoff.transaction() as tx:
                await tx.audit.record(operator_user_id, "staff-page")
        language = staff.language_of(request)
        words = staff.words(language["code"], PAGE_WORDS)
        config = {
            "chat_id": staff_chat_id,
            "operator_id": operator_user_id,
            "language": language["tag"],
            "words": words,
        }
        return staff.response(
            config=config,
            language=language,
            words=words,
            operator=words["as_operator"].replace("{id}", str(operator_user_id)),
        )

    return staff.routes(STAFF_PATH, page, static_name="staff-static")
