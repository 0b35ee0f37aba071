"""Local mode's web chat (being built): for now the routes are empty."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute

__all__ = ["chat_routes"]


def chat_routes(languages: Sequence[str]) -> list[BaseRoute]:
    """The web chat's routes."""
    return []
