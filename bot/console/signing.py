"""The console's signatures: login link tokens, and the form tokens that stop cross-site posts.

Both rest on one key, :attr:`bot.privacy.Keys.signing` (derived from the first
``HAVEN_SECRET_KEY`` key), from which each use derives its own key with a label, so a
signature made for one use is worth nothing in another.

A link token is ``<nonce>.<signature>``: 32 random bytes and their HMAC-SHA256, both url-safe
base64. Its signature is checked before anything is looked up, so a forged or mistyped link
costs no database query. A form token is the HMAC of the session's token: it changes with
each session, and only pages of this session can hold it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from typing import Final

__all__ = ["ConsoleSigner", "token_hash"]

_NONCE_BYTES: Final = 32
_LINK_LABEL: Final = b"haven console login link v1"
_FORM_LABEL: Final = b"haven console form token v1"


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as the console's tables keep it (64 hexadecimal digits)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ConsoleSigner:
    """Signs and checks the console's link tokens and form tokens.

    Args:
        key: The deployment's signing key (:attr:`bot.privacy.Keys.signing`), at least 32
            bytes.

    Raises:
        ValueError: The key is too short.
    """

    def __init__(self, key: bytes) -> None:
        """Derive the link key and the form key from ``key``."""
        if len(key) < 32:
            raise ValueError("the console's signing key must hold at least 32 bytes")
        self._link_key = hmac.new(key, _LINK_LABEL, hashlib.sha256).digest()
        self._form_key = hmac.new(key, _FORM_LABEL, hashlib.sha256).digest()

    def __repr__(self) -> str:
        """Never the keys."""
        return "ConsoleSigner(<key>)"

    def new_link_token(self) -> str:
        """A fresh, signed link token."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return f"{_encode(nonce)}.{_encode(self._link_signature(nonce))}"

    def is_link_token(self, token: str) -> bool:
        """Whether ``token`` carries this key's signature (it may still be expired or used)."""
        if len(token) > 200 or not token.isascii():
            return False
        nonce_text, dot, signature_text = token.partition(".")
        nonce, signature = _decode(nonce_text), _decode(signature_text)
        if not dot or nonce is None or signature is None or len(nonce) != _NONCE_BYTES:
            return False
        # Only the canonical spelling: another base64 spelling of the same bytes would be
        # another token, with another hash.
        if _encode(nonce) != nonce_text:
            return False
        return hmac.compare_digest(signature, self._link_signature(nonce))

    def form_token(self, session_token: str) -> str:
        """The token that forms of the session ``session_token`` carry."""
        digest = hmac.new(self._form_key, session_token.encode("utf-8"), hashlib.sha256)
        return _encode(digest.digest())

    def is_form_token(self, session_token: str, given: str | None) -> bool:
        """Whether ``given`` is the form token of the session ``session_token``."""
        if not given:
            return False
        expected = self.form_token(session_token)
        return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8", "replace"))

    def _link_signature(self, nonce: bytes) -> bytes:
        return hmac.new(self._link_key, nonce, hashlib.sha256).digest()
