"""/console: an operator asks the bot for a one-time link to the web console.

The command is not in any menu, and to anyone who is not an operator it is an unknown command:
its handler lets their update go on to the dialogue's handlers, which answer it as they answer
any command they do not know. So the bot does not tell strangers that a console exists.

An operator gets a link valid once, for ten minutes (:mod:`bot.console.links`), without a link
preview (a preview would have Telegram's servers fetch the link) and protected from
forwarding. The link is recorded in the audit log as ``console-link``.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import LinkPreviewOptions, Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, CommandHandler, ContextTypes, filters

from bot.console.store import ConsoleStore
from bot.engine.translation import N_, Translator
from bot.i18n import negotiate

__all__ = [
    "CONSOLE_COMMAND",
    "CONSOLE_GROUP",
    "CONSOLE_LINK",
    "CONSOLE_NOT_SET_UP",
    "LOGIN_PATH",
    "console_handlers",
]


CONSOLE_COMMAND = "console"
#: The handler group of /console: before the dialogue's (group 0), so that an operator's
#: command stops there and anyone else's goes on to the dialogue.
CONSOLE_GROUP = -1
#: Where a link leads, under CONSOLE_URL; the token follows.
LOGIN_PATH = "/console/login/"

# TRANSLATORS: the answer to an operator's /console. {link} is the sign-in link; keep it on a
# line of its own. "Haven" is the bot's name.
CONSOLE_LINK = N_(
    "Your link to the Haven web console:\n{link}\n\n"
    "It works once, within 10 minutes. Do not forward it: whoever opens it first signs in "
    "as you."
)
# TRANSLATORS: the answer to an operator's /console when the bot's web console has no address.
CONSOLE_NOT_SET_UP = N_(
    "The web console is not set up for this bot: its administrator has to set CONSOLE_URL."
)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def console_handlers(
    console: ConsoleStore,
    console_url: str | None,
    translator: Translator,
    languages: Sequence[str],
) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The /console handler, to add in group :data:`CONSOLE_GROUP`.

    Args:
        console: Where links are made and the operators looked up.
        console_url: The console server's address (no trailing slash); None: not set up.
        translator: Translates the answers.
        languages: The bot's languages, the source language first.
    """

    async def console_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        async with console.transaction() as tx:
            operator = await tx.handoff.operators.get(user.id)
            if operator is None:
                return  # the dialogue answers it as an unknown command
            # Claimed, so that a redelivered update does not send a second link.
            first = await tx.handoff.storage.claim_update(update.update_id)
            token = None
            if first and console_url is not None:
                token = await tx.links.create(operator.user_id)
                await tx.handoff.audit.record(operator.user_id, "console-link")
        if not first:
            raise ApplicationHandlerStop
        language = _language(operator.languages, languages)
        if token is None:
            text = translator.ui_text(language, CONSOLE_NOT_SET_UP)
        else:
            link = f"{console_url}{LOGIN_PATH}{token}"
            text = translator.ui_text(language, CONSOLE_LINK).replace("{link}", link)
        await context.bot.send_message(
            chat.id, text, link_preview_options=_NO_PREVIEW, protect_content=True
        )
        raise ApplicationHandlerStop

    private_message = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    return [CommandHandler(CONSOLE_COMMAND, console_command, filters=private_message)]


def _language(preferred: Sequence[str], languages: Sequence[str]) -> str:
    """The first of the operator's languages that the bot speaks, else its source language."""
    for code in preferred:
        found = negotiate(code, languages)
        if found is not None:
            return found
    return languages[0] if languages else "en"
