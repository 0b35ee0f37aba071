"""Files the sandbox has seen, under plausible Telegram file ids.

Users' stickers, voice notes, photos and documents, and the bot's uploads, get ids shaped like
Telegram's (a type-specific prefix, then URL-safe base64), so a bot can send a received
file_id back, and sending an id the sandbox never issued fails as it would on Telegram.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FileStore", "StoredFile"]

# The first bytes of real file ids differ by type; these mimic them.
_PREFIXES = {
    "photo": "AgACAgIAAxkBAAI",
    "document": "BQACAgIAAxkBAAI",
    "sticker": "CAACAgIAAxkBAAI",
    "voice": "AwACAgIAAxkBAAI",
}


@dataclass(frozen=True)
class StoredFile:
    """A file known to the sandbox.

    Attributes:
        kind: "photo", "document", "sticker" or "voice".
        media: The Telegram object(s) for the message field of that name (a list of PhotoSize
            for photos, a single object otherwise).
        data: The uploaded bytes, when the bot uploaded the file.
    """

    kind: str
    media: Any
    data: bytes | None = field(default=None, repr=False)


class FileStore:
    """Issues file ids and remembers what each one is."""

    def __init__(self) -> None:
        """Create an empty store."""
        self._files: dict[str, StoredFile] = {}
        self._counter = 0

    def _ids(self, kind: str) -> tuple[str, str]:
        self._counter += 1
        digest = hashlib.sha256(f"{kind}:{self._counter}".encode()).digest()
        body = base64.urlsafe_b64encode(digest).decode().rstrip("=")
        return _PREFIXES[kind] + body, "AQAD" + body[:12]

    def get(self, file_id: str) -> StoredFile | None:
        """Return the file with this id, or None if the sandbox never issued it."""
        return self._files.get(file_id)

    def _register(self, ids: list[str], stored: StoredFile) -> StoredFile:
        for file_id in ids:
            self._files[file_id] = stored
        return stored

    def photo(self, size: int = 48_000, data: bytes | None = None) -> StoredFile:
        """Issue a photo in two sizes, a thumbnail and the full picture."""
        sizes: list[dict[str, Any]] = []
        ids: list[str] = []
        for width, height, share in ((90, 67, 20), (800, 600, 1)):
            file_id, unique_id = self._ids("photo")
            ids.append(file_id)
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": unique_id,
                    "width": width,
                    "height": height,
                    "file_size": max(1, size // share),
                }
            )
        return self._register(ids, StoredFile("photo", sizes, data))

    def document(
        self,
        file_name: str,
        mime_type: str,
        size: int,
        data: bytes | None = None,
    ) -> StoredFile:
        """Issue a document."""
        file_id, unique_id = self._ids("document")
        media = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": size,
        }
        return self._register([file_id], StoredFile("document", media, data))

    def sticker(self, emoji: str) -> StoredFile:
        """Issue a regular static sticker."""
        file_id, unique_id = self._ids("sticker")
        media = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": 23_000,
        }
        return self._register([file_id], StoredFile("sticker", media))

    def voice(self, duration: int) -> StoredFile:
        """Issue a voice note."""
        file_id, unique_id = self._ids("voice")
        media = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 4_000 * max(1, duration),
        }
        return self._register([file_id], StoredFile("voice", media))
