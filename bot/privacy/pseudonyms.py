"""Pseudonyms: a keyed hash of a chat id, for records that must recognise a person, not name them.

A ban has to recognise the person again, and to outlive their /forget, but must not say who
they are: it keeps ``HMAC-SHA256(key, chat id)`` instead of the id. Without the key the hash
cannot be turned back into the id, nor checked against a list of suspected ids.

The key is ``HAVEN_PSEUDONYM_KEY``, not one of the encryption keys: those are rotated, and a
pseudonym must stay the same for as long as the records that hold it, or every ban is lifted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

__all__ = ["MIN_KEY_BYTES", "Pseudonyms"]

MIN_KEY_BYTES = 32
"""The shortest key accepted: as long as the hash, as HMAC's designers advise."""

# Domain separation: should the key ever hash anything else, a chat's pseudonym cannot equal
# that other thing's.
_CHAT = b"haven/chat:"


class Pseudonyms:
    """Keyed hashes of chat ids: the same id always gives the same pseudonym under one key.

    Args:
        key: Url-safe base64 of at least 32 random bytes, as ``haven keys generate`` prints.

    Raises:
        ValueError: Not base64, or too short (the message never quotes the key).
    """

    def __init__(self, key: str) -> None:
        """Decode and keep the key."""
        try:
            raw = base64.b64decode(key.strip(), altchars=b"-_", validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(
                "must be url-safe base64 (make a key with `haven keys generate`)"
            ) from None
        if len(raw) < MIN_KEY_BYTES:
            raise ValueError(
                f"must hold at least {MIN_KEY_BYTES} bytes (make a key with `haven keys generate`)"
            )
        self._key = raw

    def __repr__(self) -> str:
        """Never the key."""
        return "Pseudonyms(<key>)"

    def of(self, chat_id: int) -> str:
        """The chat's pseudonym: 64 lowercase hexadecimal digits.

        Raises:
            TypeError: ``chat_id`` is not an int.
        """
        if isinstance(chat_id, bool) or not isinstance(chat_id, int):
            raise TypeError("a chat id is an int")
        message = _CHAT + str(chat_id).encode("ascii")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()
