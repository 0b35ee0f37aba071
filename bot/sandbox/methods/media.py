"""sendPhoto and sendDocument: uploads (multipart) or file_id / URL strings."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Literal
from urllib.parse import urlsplit

from bot.sandbox.errors import bad_request
from bot.sandbox.files import StoredFile
from bot.sandbox.formatting import format_caption
from bot.sandbox.forms import Upload
from bot.sandbox.markup import validate_reply_markup
from bot.sandbox.messages import SandboxMessage
from bot.sandbox.methods.common import reply_target, send_target
from bot.sandbox.params import Params
from bot.sandbox.world import World

__all__ = ["send_document", "send_photo"]

FileKind = Literal["photo", "document"]


def _issue(
    world: World, kind: FileKind, name: str, mime_type: str, data: bytes | None
) -> StoredFile:
    size = len(data) if data is not None else 50_000
    if kind == "photo":
        return world.files.photo(size, data)
    return world.files.document(name or "file", mime_type, size, data)


def _resolve(world: World, kind: FileKind, value: Upload | str | None) -> StoredFile:
    if value is None or value == "":
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(value, Upload):
        return _issue(world, kind, value.filename, value.content_type, value.data)
    parts = urlsplit(value)
    if parts.scheme in {"http", "https"} and parts.hostname:
        # Telegram would download it; the sandbox never reaches the internet.
        return _issue(world, kind, PurePosixPath(parts.path).name, "application/octet-stream", None)
    stored = world.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
    return stored


async def _send_file(world: World, params: Params, kind: FileKind) -> object:
    chat, thread = send_target(world, params)
    stored = _resolve(world, kind, params.upload(kind))
    caption = format_caption(
        params.opt_string("caption"),
        params.opt_string("parse_mode"),
        params.structure("caption_entities"),
    )
    message = SandboxMessage(
        message_id=chat.next_message_id(),
        from_bot=True,
        text=caption.source,
        reply_markup=validate_reply_markup(params.structure("reply_markup")),
        kind=kind,
        parse_mode=caption.parse_mode,
        plain_text=caption.plain,
        entities=list(caption.entities),
        message_thread_id=thread,
        reply_to_message_id=reply_target(chat, params),
        media={kind: stored.media},
    )
    return world.message_json(chat, world.post_bot_message(chat, message))


async def send_photo(world: World, params: Params) -> object:
    """sendPhoto: a photo with an optional caption and keyboard."""
    return await _send_file(world, params, "photo")


async def send_document(world: World, params: Params) -> object:
    """sendDocument: a document with an optional caption and keyboard."""
    return await _send_file(world, params, "document")
