"""Small SQL helpers shared by the handoff repositories."""

from __future__ import annotations

import json
from typing import Any, cast

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["dump_json", "insert_for", "rowcount"]


def insert_for(connection: AsyncConnection) -> Any:
    """The dialect's ``insert``: only those offer ``ON CONFLICT`` (same signature on both)."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched."""
    return cast(CursorResult[Any], result).rowcount


def dump_json(value: object) -> str:
    """Compact JSON that keeps non-Latin text readable; NaN is refused (not portable JSON).

    Raises:
        ValueError: The value cannot be written as standard JSON.
    """
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except TypeError as error:
        raise ValueError(f"cannot be stored as JSON: {error}") from error
