"""Local mode's guards: the sandbox's client API lets whoever reaches it act as any user.

Local mode listens on loopback, yet a web page open in the developer's browser can still send
requests there. Two guards keep such pages out:

* only the names of this machine are accepted in the ``Host`` header, which stops DNS
  rebinding (a site whose name suddenly points at 127.0.0.1 sends its own name);
* a POST (or any other write) under ``/sandbox/`` must be ``application/json``. A page can send
  a form or plain text to another origin without asking, but JSON needs a CORS preflight,
  which the sandbox never grants. The web chat sends JSON.
"""

from __future__ import annotations

import ipaddress
import json

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["LOOPBACK_NAMES", "JsonWritesOnly", "allowed_hosts", "local_guards"]

#: Host names that always mean this machine.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
#: The sandbox's client API, which acts as users.
CLIENT_PREFIX = "/sandbox/"
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def allowed_hosts(host: str) -> list[str]:
    """The ``Host`` names local mode answers when it listens on ``host``.

    The loopback names, and ``host`` itself when it is a loopback name or an address (the bot
    reaches its own sandbox there; an address, unlike a name, cannot be rebound elsewhere).
    Wildcards such as 0.0.0.0 are reached on loopback, so they add nothing.
    """
    names = list(LOOPBACK_NAMES)
    if host.lower() == "localhost":
        return names
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return names
    if address.is_unspecified:
        return names
    name = f"[{address.compressed}]" if address.version == 6 else address.compressed
    if name not in names:
        names.append(name)
    return names


def local_guards(host: str) -> list[Middleware]:
    """The middleware of local mode, outermost first."""
    return [
        Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(host), www_redirect=False),
        Middleware(JsonWritesOnly),
    ]


class JsonWritesOnly:
    """Refuse (415) a write under ``/sandbox/`` whose body is not declared as JSON."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] not in _READS
            and str(scope["path"]).startswith(CLIENT_PREFIX)
        ):
            media_type = Headers(scope=scope).get("content-type", "").split(";")[0]
            if media_type.strip().lower() != "application/json":
                await _refuse(send)
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send) -> None:
    body = json.dumps({"ok": False, "error": "the body must be application/json"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 415,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
