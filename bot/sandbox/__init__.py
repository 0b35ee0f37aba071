"""A local Bot API emulator: local mode without a token, and the tests' Telegram.

:class:`Sandbox` keeps an in-memory Telegram (users, private chats, supergroups with forum
topics, pending updates) and serves it as a Starlette app::

    sandbox = Sandbox(token="123456:SANDBOX", bot_username="haven_sandbox_bot")
    user = sandbox.user(user_id=1001, first_name="Test", language_code="ru")
    async with sandbox.serve() as url:              # uvicorn on 127.0.0.1, a free port
        bot = telegram.Bot(sandbox.token, base_url=f"{url}/bot")
        await user.send_command("/start")
        replies = await user.wait_for_bot_messages(1)

Bot API (``GET|POST /bot{token}/{method}``; JSON, form-urlencoded or multipart bodies):
getMe, getChat, getUpdates (long polling; ``offset`` confirms; 409 while a webhook is set or
when a newer poll replaces a waiting one), setWebhook / deleteWebhook / getWebhookInfo
(updates are POSTed as JSON in order with the ``X-Telegram-Bot-Api-Secret-Token`` header,
failed deliveries retried with bounded backoff; plain http URLs are allowed), sendMessage,
copyMessage, sendPhoto, sendDocument, editMessageText, editMessageReplyMarkup, deleteMessage,
deleteMessages, answerCallbackQuery, setMyCommands / getMyCommands / deleteMyCommands,
createForumTopic / editForumTopic / closeForumTopic / reopenForumTopic / deleteForumTopic
(which deletes the topic's messages too). copyMessage keeps the kind of what it copies; a
``caption`` replaces a media message's caption and is ignored for a text message (Telegram
documents it for media only). Errors have Telegram's shape and wording,
e.g. ``{"ok": false, "error_code": 400, "description": "Bad Request: message is too long"}``;
a wrong token is 401 "Unauthorized", an unknown method 404 "Not Found". In a private chat, a
message older than 48 hours (by its date, on the sandbox's clock: ``Sandbox(clock=...)``, or
``sandbox.advance_clock(seconds)``) cannot be deleted: deleteMessage answers 400 "message
can't be deleted for everyone", and deleteMessages refuses the whole call the same way when one
of the messages it finds is too old (ids it cannot find are skipped), as the Bot API server
does. Deviations: callback query expiry is not modelled; HTML nesting restrictions between
entity types are not checked; Markdown is accepted unchecked.

Client HTTP API (JSON) under ``/sandbox``; a user is created on first use, taking
``language_code`` (and ``first_name``, ``last_name``, ``username``) from the query string or
body, and an existing user's ``language_code`` is updated when one is given:

``GET /sandbox/users/{user_id}`` and ``POST /sandbox/users/{user_id}`` ``{"language_code"}``
    The user: ``{"user_id", "first_name", "last_name", "username", "language_code",
    "blocked"}``.
``POST /sandbox/users/{user_id}/messages`` ``{"text"}``
    The user writes; returns ``{"update_id", "message"}``.
``POST /sandbox/users/{user_id}/press`` ``{"message_id", "callback_data"}``
    The user presses a button in their private chat; returns ``{"update_id",
    "callback_query_id"}``.
``GET /sandbox/users/{user_id}/messages?since=<version>&wait=<seconds>``
    The private chat. Every change in a chat (new message, edit, deletion, callback answer)
    increments the chat's ``version``, and each message carries the version of its last
    change. The reply is ``{"chat_id", "version", "messages", "callback_answers"}`` with the
    messages and answers changed after ``since`` (all when ``since`` is absent); with
    ``wait`` it is a long poll that returns as soon as there is something newer (at most 60
    s). A client keeps the returned ``version`` and passes it as the next ``since``, and
    replaces its copy of each returned message by ``message_id``: that is how it sees edits
    and deletions (``"deleted": true``). ``after=<message_id>`` instead returns only
    messages with a greater id (new messages, not changes); ``live=1`` returns only the
    messages still in the chat (not deleted), what the person's phone shows.
``GET /sandbox/chats/{chat_id}/messages?since=&wait=``
    The same for any chat, e.g. a staff supergroup (each message with its
    ``message_thread_id``); ``callback_answers`` holds the answers to presses in this chat by
    anyone, each with the presser's ``user_id``.
``POST /sandbox/chats/{chat_id}/messages`` ``{"user_id", "text", "message_thread_id",
"reply_to_message_id"}``
    A user writes in a group (a leading "/word" is a command), e.g. an operator answering in
    a ticket's topic; returns ``{"update_id", "message"}``. ``from_user_id`` is accepted for
    ``user_id``.
``POST /sandbox/chats/{chat_id}/press`` ``{"user_id", "message_id", "callback_data"}``
    A user presses a button of a message in the chat; returns ``{"update_id",
    "callback_query_id"}``.
``GET /sandbox/chats/{chat_id}/topics``
    ``{"chat_id", "title", "is_forum", "version", "topics"}``, the forum topics in order of
    creation, each ``{"message_thread_id", "name", "closed", "icon_color",
    "icon_custom_emoji_id"}``. A topic's creation, renaming, closing and reopening each add a
    ``forum_topic_*`` service message, so a reader of the messages knows when to ask again.

Client errors are ``{"ok": false, "error": "..."}`` with a 4xx status.

A message as JSON: ``{"message_id", "from_bot", "kind", "text" (as sent, HTML source when
parse_mode is HTML), "plain_text" (as shown), "parse_mode", "entities", "reply_markup",
"deleted", "edited", "date", "edit_date", "sender_id", "message_thread_id",
"reply_to_message_id", "media", "version", "sender_name"}`` (``sender_name``: the bot's or
the user's display name).

Flood control: with ``Sandbox(group_limit=GroupLimit(messages=20, seconds=60))`` (or the
settable ``sandbox.group_limit``), the bot's messages into a group beyond the limit within a
sliding window are refused with 429 "Too Many Requests: retry after N" and
``parameters.retry_after``, as Telegram does; ``sandbox.flood_refusals`` lists the refusals and
``SandboxMessage.posted_at`` gives each message's monotonic time. Off by default.
"""

from bot.sandbox.chats import ForumTopic
from bot.sandbox.errors import SandboxError
from bot.sandbox.flood import GroupLimit
from bot.sandbox.groups import SandboxSupergroup
from bot.sandbox.messages import MessageKind, SandboxMessage
from bot.sandbox.sandbox import Sandbox
from bot.sandbox.users import SandboxUser
from bot.sandbox.webhook import RetryPolicy

__all__ = [
    "ForumTopic",
    "GroupLimit",
    "MessageKind",
    "RetryPolicy",
    "Sandbox",
    "SandboxError",
    "SandboxMessage",
    "SandboxSupergroup",
    "SandboxUser",
]
