"""``/healthz``: whether this process can do its work (the database answers)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

__all__ = ["health_route"]


def health_route(database_ok: Callable[[], Awaitable[bool]]) -> Route:
    """A GET /healthz route: 200 when ``database_ok`` says yes, 503 otherwise."""

    async def healthz(request: Request) -> JSONResponse:
        healthy = await database_ok()
        body = {"status": "ok" if healthy else "unavailable", "database": healthy}
        return JSONResponse(body, status_code=200 if healthy else 503)

    return Route("/healthz", healthz, methods=["GET"])
