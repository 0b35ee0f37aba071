"""Logging setup: JSON lines, and no library line that could carry the bot token."""

from __future__ import annotations

import json
import logging

from bot.logs import JsonFormatter, TextFormatter, configure_logging


def test_json_lines_hold_no_exception_text():
    try:
        raise ValueError("what the person wrote")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, None)
        import sys

        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "failed"
    assert entry["exception"] == "ValueError"
    assert "what the person wrote" not in json.dumps(entry)


def test_request_urls_are_not_logged(capsys):
    configure_logging("text", "DEBUG")
    try:
        logging.getLogger("httpx").info(
            "HTTP Request: POST https://api.telegram.org/bot123:SECRET/getMe"
        )
        logging.getLogger("bot.example").info("kept")
        err = capsys.readouterr().err
        assert "SECRET" not in err
        assert "kept" in err
    finally:
        logging.getLogger().handlers.clear()
        logging.getLogger().setLevel(logging.WARNING)


def test_text_lines_hold_the_exception_type_and_place_but_not_its_text():
    import sys

    try:
        raise ValueError("what the person wrote")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, None)
        record.exc_info = sys.exc_info()
    line = TextFormatter().format(record)
    assert "failed" in line
    assert "ValueError at unit/test_logs.py:" in line
    assert "what the person wrote" not in line


def test_database_drivers_do_not_log_statements_even_at_debug(capsys):
    """aiosqlite and SQLAlchemy quote statements with their parameters (chat ids) at DEBUG."""
    configure_logging("json", "DEBUG")
    try:
        for name in ("aiosqlite", "asyncpg", "sqlalchemy.engine.Engine"):
            logging.getLogger(name).debug("executing INSERT ... (5837201946,)")
        logging.getLogger("bot.example").debug("kept")
        err = capsys.readouterr().err
        assert "5837201946" not in err
        assert "kept" in err
    finally:
        logging.getLogger().handlers.clear()
        logging.getLogger().setLevel(logging.WARNING)
