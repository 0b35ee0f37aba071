"""What local mode's two web pages share: the web chat (:mod:`bot.web.chat`) and the staff page
(:mod:`bot.web.staff`).

Both pages are one Jinja template each, extending ``page.html`` (the frame: head, top bar,
banner, toast) and using the macros of ``parts.html``, plus plain static files with no build
step and nothing from the internet:

* ``messages.css`` and ``messages.js``: the Telegram-like message look, and the script that
  renders messages, their entities and inline keyboards as DOM nodes (never HTML source), checks
  links and long-polls the sandbox's client HTTP API (:mod:`bot.sandbox`);
* ``framed.css``: the page as a window on a plain background, loaded only on screens wider
  than the page (each template says from which width);
* ``<page>.css`` and ``<page>.js``: what only that page has.

A :class:`LocalPage` holds one page's template and files and answers its requests: the page's
language is the first of the browser's languages that the bot speaks, and its words (marked
with ``N_`` in the page's module, the shared ones in :data:`MESSAGE_WORDS`) are translated
through the ``bot`` catalogs on every request, so they follow flow reloads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from importlib.resources import files

from babel import Locale, UnknownLocaleError
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.engine.translation import N_, SourceText, Translator
from bot.i18n import language_name, negotiate

__all__ = [
    "MESSAGE_WORDS",
    "PAGE_HEADERS",
    "LocalPage",
    "language_choice",
    "preferred_language",
]

#: The words of the shared message look (``messages.js``), by key. English source text.
MESSAGE_WORDS: Mapping[str, str] = {
    # TRANSLATORS: under the chat's name while the page cannot reach the local server.
    "status_offline": N_("connecting…"),
    # TRANSLATORS: placeholder of the box where one types a message.
    "message": N_("Message"),
    # TRANSLATORS: the button that sends the typed message.
    "send": N_("Send"),
    # TRANSLATORS: a small mark on a message that has been changed, as in Telegram.
    "edited": N_("edited"),
    # TRANSLATORS: the accessible name of the buttons under a message.
    "buttons": N_("Buttons"),
    # TRANSLATORS: added for screen readers to a link button.
    "new_tab": N_("(opens in a new tab)"),
    # TRANSLATORS: hidden text in a message; press to show it.
    "spoiler": N_("Hidden text: press to show"),
    # TRANSLATORS: a message or button press could not reach the local server.
    "failed": N_("That did not go through. Please try again."),
    # TRANSLATORS: in place of an attachment (a sticker, a location, ...) the page does not show.
    "attachment": N_("[attachment]"),
}

_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)

#: The headers of every page: its own files only, no framing, no referrer, never cached.
PAGE_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": _CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

#: The static files every page loads, besides its own ``<page>.css`` and ``<page>.js``.
_SHARED_FILES = ("favicon.svg", "messages.css", "framed.css", "messages.js")

_ENVIRONMENT = Environment(
    loader=PackageLoader("bot.web", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def language_choice(code: str) -> dict[str, str]:
    """A picker entry: the catalog code, its IETF tag, its name in itself and its direction."""
    tag = code.replace("_", "-")
    try:
        direction = "rtl" if Locale.parse(code).character_order == "right-to-left" else "ltr"
    except (ValueError, TypeError, UnknownLocaleError):
        direction = "ltr"
    return {"code": code, "tag": tag, "name": language_name(code), "dir": direction}


def preferred_language(accept_language: str, codes: Sequence[str]) -> str:
    """The first of the browser's languages (by weight) that the bot speaks, else the source."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, parameters = part.strip().partition(";")
        weight = 1.0
        if parameters.strip().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and tag != "*" and weight > 0:
            weighted.append((-weight, position, tag))
    for _, _, tag in sorted(weighted):
        found = negotiate(tag, codes)
        if found is not None:
            return found
    return codes[0]


class LocalPage:
    """One page: its template ``<name>.html``, its static files and its languages.

    Args:
        name: The page's name: its template and its own script and style sheet are named so.
        static_path: Where the page's routes serve the static files (``/static``).
        languages: The bot's languages, the source language first.
        translator: Translates the page's words; without one the page speaks the source text.
    """

    def __init__(
        self,
        name: str,
        static_path: str,
        languages: Sequence[str],
        translator: Translator | None = None,
    ) -> None:
        self.name = name
        self.static_path = static_path
        self.choices = [language_choice(code) for code in languages] or [language_choice("en")]
        self._translator = translator or SourceText()
        self._template = _ENVIRONMENT.get_template(f"{name}.html")
        self._static_urls = self._hashed_urls((*_SHARED_FILES, f"{name}.css", f"{name}.js"))

    def language_of(self, request: Request) -> dict[str, str]:
        """The picker entry of the language the page is first shown in, for this request."""
        codes = [choice["code"] for choice in self.choices]
        code = preferred_language(request.headers.get("accept-language", ""), codes)
        return next(choice for choice in self.choices if choice["code"] == code)

    def words(self, language: str, source: Mapping[str, str]) -> dict[str, str]:
        """``source`` and :data:`MESSAGE_WORDS` in ``language`` (read anew: flows reload)."""
        words = {**MESSAGE_WORDS, **source}
        return {key: self._translator.ui_text(language, text) for key, text in words.items()}

    def response(self, **context: object) -> HTMLResponse:
        """The page, rendered with ``context`` and the URLs of its static files."""
        body = self._template.render(context, page=self.name, static=self._static_urls)
        return HTMLResponse(body, headers=dict(PAGE_HEADERS))

    def routes(
        self,
        path: str,
        endpoint: Callable[[Request], Awaitable[HTMLResponse]],
        static_name: str,
    ) -> list[BaseRoute]:
        """The page at ``path`` and the static files under :attr:`static_path`."""
        return [
            Route(path, endpoint, methods=["GET"]),
            Mount(
                self.static_path,
                app=StaticFiles(packages=[("bot.web", "static")]),
                name=static_name,
            ),
        ]

    def _hashed_urls(self, names: Sequence[str]) -> dict[str, str]:
        """URLs of static files with a content hash, so a new version is never served stale."""
        folder = files("bot.web") / "static"
        urls: dict[str, str] = {}
        for name in names:
            digest = hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest()[:12]
            urls[name] = f"{self.static_path}/{name}?v={digest}"
        return urls
