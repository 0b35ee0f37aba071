"""Logging for ``haven serve``: plain text or one JSON object per line.

What Haven logs never holds message text, names, usernames or ids (each module takes care);
this module also quietens libraries whose routine lines would: httpx logs every request URL,
and a Bot API URL contains the bot's token.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Literal

__all__ = ["JsonFormatter", "configure_logging"]

#: Libraries whose INFO lines carry URLs (with the token) or request details.
_CHATTY = ("httpx", "httpcore", "telegram", "apscheduler", "uvicorn.access")


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


def configure_logging(form: Literal["text", "json"] = "text", level: str = "INFO") -> None:
    """Send logs to stderr in ``form`` at ``level``; libraries only from WARNING up."""
    handler = logging.StreamHandler()
    if form == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
