"""Sealing: the free text people and advocates write is encrypted before it reaches the database.

A sealed value is ``s1:`` followed by a Fernet token (AES-128-CBC with an HMAC-SHA256, from the
``cryptography`` package), so a copy of the database, a backup or a seized disk reveals no
answer, summary, note or relayed message without the key. The prefix names the format's
version and tells a sealed value from a plain one written before sealing existed: plain values
are read as they are, and ``haven keys rotate`` seals them.

Several keys may be given, newest first (:class:`~cryptography.fernet.MultiFernet`): the first
seals, every one opens, so a new key can be put in front and the old ones dropped once
``haven keys rotate`` has re-sealed every row with the new one.

A Fernet token carries the second it was made in the clear; the rows beside it hold their own
timestamps anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["SEALED_PREFIX", "SealError", "Sealer"]

SEALED_PREFIX = "s1:"
"""What a sealed value starts with: version 1, a Fernet token."""


class SealError(Exception):
    """A sealed value that none of the keys opens (a wrong or missing key, or a damaged value).

    The message never holds the value, sealed or not.
    """

    def __init__(self) -> None:
        """Say what is wrong and what to check."""
        super().__init__(
            "a sealed value cannot be opened with any of the keys in HAVEN_SECRET_KEY "
            "(a key is missing, or the value is damaged)"
        )


class Sealer:
    """Seals and opens text with one or more Fernet keys: the first seals, each one opens.

    Args:
        keys: Fernet keys (url-safe base64 of 32 bytes, as ``haven keys generate`` prints
            them), newest first.

    Raises:
        ValueError: No key, or one that is not a Fernet key (the message never quotes it).
    """

    def __init__(self, keys: Sequence[str]) -> None:
        """Check the keys and keep them only inside the Fernet objects."""
        if isinstance(keys, str) or not keys:
            raise ValueError("at least one key is needed, as a sequence of keys")
        fernets: list[Fernet] = []
        for number, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.strip()))
            except (ValueError, TypeError):
                raise ValueError(
                    f"key {number} is not a Fernet key (44 characters of url-safe base64, as "
                    "`haven keys generate` prints)"
                ) from None
        self._first = fernets[0]
        self._all = MultiFernet(fernets)
        self._count = len(fernets)

    def __repr__(self) -> str:
        """The number of keys, never a key."""
        return f"Sealer(<{self._count} key(s)>)"

    @property
    def key_count(self) -> int:
        """How many keys open sealed values."""
        return self._count

    @staticmethod
    def is_sealed(value: str) -> bool:
        """Whether ``value`` is sealed (else it is plain text from before sealing)."""
        return value.startswith(SEALED_PREFIX)

    def seal(self, text: str) -> str:
        """``text`` sealed with the first key: ``s1:`` and a token of url-safe ASCII."""
        return SEALED_PREFIX + self._first.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, value: str) -> str:
        """The text of a sealed value; a plain (legacy) value is returned as it is.

        Raises:
            SealError: The value is sealed, but no key opens it.
        """
        if not self.is_sealed(value):
            return value
        try:
            return self._all.decrypt(_token(value)).decode("utf-8")
        except (InvalidToken, UnicodeDecodeError):
            raise SealError() from None

    def is_current(self, value: str) -> bool:
        """Whether ``value`` is sealed with the first key, so rotating would not change it.

        Raises:
            SealError: The value is sealed, but no key opens it.
        """
        if not self.is_sealed(value):
            return False
        try:
            self._first.decrypt(_token(value))
        except InvalidToken:
            self.open(value)  # another key's, or no key's: the latter raises
            return False
        return True

    def rotate(self, value: str) -> str:
        """``value`` sealed with the first key: a sealed one re-sealed (keeping its token's
        time), a plain one sealed.

        Raises:
            SealError: The value is sealed, but no key opens it.
        """
        if not self.is_sealed(value):
            return self.seal(value)
        try:
            return SEALED_PREFIX + self._all.rotate(_token(value)).decode("ascii")
        except InvalidToken:
            raise SealError() from None


def _token(value: str) -> bytes:
    # A Fernet token is url-safe base64; anything else cannot be one, and must fail as a bad
    # token (not as an encoding error that could quote it).
    try:
        return value[len(SEALED_PREFIX) :].encode("ascii")
    except UnicodeEncodeError:
        raise SealError() from None
