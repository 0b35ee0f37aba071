"""What keeps the console's pages safe in a browser: headers, the cookie, and checks on posts.

* Every response carries :data:`CONSOLE_HEADERS`: the page's own files only and no inline
  script, no framing, no referrer (the sign-in URL holds a token) and nothing cached.
* The session cookie is HttpOnly, SameSite=Strict, for ``/console`` only, and Secure (with
  the ``__Secure-`` prefix) when the console is served over HTTPS. It cannot be a
  ``__Host-`` cookie, which must be for the whole site (``Path=/``), and the console shares
  its server with the webhook and the health check.
* Every POST must come from the console's own origin (``Sec-Fetch-Site``, else ``Origin``,
  which browsers set and pages cannot), and every form of a signed-in page carries a token
  derived from the session (:meth:`bot.console.signing.ConsoleSigner.form_token`). The
  sign-in form has no session yet: its link token is the secret it carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from bot.console.sessions import MAX_AGE

__all__ = [
    "CONSOLE_HEADERS",
    "COOKIE_PATH",
    "CSRF_FIELD",
    "MAX_FORM_BYTES",
    "CookiePolicy",
    "read_form",
    "same_origin",
]

#: The path of the console's cookies.
COOKIE_PATH: Final = "/console"
#: The name of the hidden form field that holds the form token.
CSRF_FIELD: Final = "csrf"
#: The console's forms are a few short fields; a longer body is refused unread.
MAX_FORM_BYTES: Final = 4096
_FORM_TYPE = "application/x-www-form-urlencoded"

_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

#: The headers of every console response.
CONSOLE_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": _CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@dataclass(frozen=True, slots=True)
class CookiePolicy:
    """The console's cookies: the session's and the chosen language's.

    Attributes:
        secure: Served over HTTPS: the cookies are Secure and the session's is prefixed.
    """

    secure: bool

    @classmethod
    def for_url(cls, console_url: str | None) -> CookiePolicy:
        """The policy of a console served at ``console_url``."""
        return cls(secure=console_url is not None and console_url.startswith("https://"))

    @property
    def session_name(self) -> str:
        """The session cookie's name."""
        return "__Secure-haven_console" if self.secure else "haven_console"

    @property
    def language_name(self) -> str:
        """The name of the cookie that keeps the language chosen on the console."""
        return "__Secure-haven_console_language" if self.secure else "haven_console_language"

    def session_of(self, request: Request) -> str | None:
        """The session token the browser sent, if any."""
        return request.cookies.get(self.session_name) or None

    def set_session(self, response: Response, token: str) -> None:
        """Give the browser its session token."""
        self._set(response, self.session_name, token)

    def set_language(self, response: Response, code: str) -> None:
        """Keep the language the operator chose."""
        self._set(response, self.language_name, code)

    def clear_session(self, response: Response) -> None:
        """Make the browser forget its session."""
        response.delete_cookie(
            self.session_name,
            path=COOKIE_PATH,
            secure=self.secure,
            httponly=True,
            samesite="strict",
        )

    def _set(self, response: Response, name: str, value: str) -> None:
        response.set_cookie(
            name,
            value,
            max_age=int(MAX_AGE.total_seconds()),
            path=COOKIE_PATH,
            secure=self.secure,
            httponly=True,
            samesite="strict",
        )


def same_origin(request: Request, console_url: str | None) -> bool:
    """Whether a POST comes from a page of the console itself.

    Browsers send ``Sec-Fetch-Site`` with every request, and a page cannot change it: when it
    is there, it decides. ``Origin`` is checked when it names a site: the console's
    (CONSOLE_URL's), or the one the request was sent to (its ``Host``: behind a proxy that
    ends HTTPS the scheme differs, the host not). Under ``Referrer-Policy: no-referrer`` a
    browser sends ``Origin: null`` even from the console's own pages, which says nothing.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    if console_url is not None:
        parts = urlsplit(console_url)
        if origin == f"{parts.scheme}://{parts.netloc}":
            return True
    host = request.headers.get("host")
    return host is not None and urlsplit(origin).netloc == host


async def read_form(request: Request, max_bytes: int = MAX_FORM_BYTES) -> dict[str, str] | None:
    """The fields of a posted form (the first value of each), or None if it is not one.

    Only ``application/x-www-form-urlencoded`` bodies of at most ``max_bytes`` are read, as
    the console's forms send (a form with a long text, such as a reply, allows more than
    :data:`MAX_FORM_BYTES`); the body is read in pieces and given up on at once when it grows
    too long.
    """
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != _FORM_TYPE:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            return None
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        return None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields
