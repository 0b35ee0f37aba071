"""Logging for ``haven serve``: plain text or one JSON object per line.

What Haven logs never holds message text, names, usernames or ids (each module takes care);
this module also quietens libraries whose routine lines would: httpx logs every request URL,
and a Bot API URL contains the bot's token. And in both formats an exception is logged by its
type and where it was raised, never its message: a library's exception message may quote a
request, a token or what a person wrote.
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime
from pathlib import PurePath
from types import TracebackType
from typing import Literal

__all__ = ["JsonFormatter", "TextFormatter", "configure_logging", "where"]

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]

#: Libraries whose INFO lines carry URLs (with the token) or request details, and database
#: drivers whose DEBUG lines quote every statement with its parameters (chat ids among them).
_CHATTY = (
    "httpx",
    "httpcore",
    "telegram",
    "apscheduler",
    "uvicorn.access",
    "aiosqlite",
    "asyncpg",
    "sqlalchemy",
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and the exception type)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False)


def where(error: BaseException) -> str:
    """Where ``error`` was raised, as ``folder/file.py:line:function`` frames (no message)."""
    return _frames(error.__traceback__)


def _frames(trace: TracebackType | None) -> str:
    return " < ".join(
        f"{'/'.join(PurePath(frame.filename).parts[-2:])}:{frame.lineno}:{frame.name}"
        for frame in reversed(traceback.extract_tb(trace))
    )


class TextFormatter(logging.Formatter):
    """Lines for people; an exception shows as its type and frames, never its message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:
        kind, _error, trace = ei
        if kind is None:
            return ""
        frames = _frames(trace)
        return f"{kind.__name__} at {frames}" if frames else kind.__name__


def configure_logging(form: Literal["text", "json"] = "text", level: str = "INFO") -> None:
    """Send logs to stderr in ``form`` at ``level``; libraries only from WARNING up."""
    handler = logging.StreamHandler()
    if form == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
