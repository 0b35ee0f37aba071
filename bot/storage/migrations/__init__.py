"""Alembic migrations; run them with ``haven db upgrade`` (see :mod:`bot.storage.schema`)."""
