"""The one exception the storage layer raises for problems a person has to fix."""

from __future__ import annotations

__all__ = ["StorageError"]


class StorageError(Exception):
    """The database cannot be used: a malformed URL, an unreachable server, an old schema.

    The message is one line meant for an operator's eyes; it never holds a password.
    """
