"""How the console's pages are rendered: one Jinja template each, in the operator's language.

A page's language is the one chosen on the console (a cookie), else the operator's first
language that the bot speaks, else the first of the browser's; its words (:mod:`.words`) are
translated through the ``bot`` catalogs on every request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from importlib.resources import files
from typing import Final

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.engine.translation import SourceText, Translator
from bot.i18n import negotiate
from bot.web.pages import language_choice, preferred_language

from .case_words import CASE_WORDS
from .security import CONSOLE_HEADERS
from .simulator_words import SIMULATOR_WORDS
from .words import ROLE_WORDS, WORDS

__all__ = ["STATIC_PATH", "ConsolePages"]

#: Where the console's static files are served.
STATIC_PATH: Final = "/console/static"
_STATIC_FILES = ("console.css", "favicon.svg")

_ENVIRONMENT = Environment(
    loader=PackageLoader("bot.web", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


class ConsolePages:
    """The console's templates, languages and words.

    Args:
        languages: The bot's languages, the source language first.
        translator: Translates the words; without one the pages speak the source text.
    """

    def __init__(self, languages: Sequence[str], translator: Translator | None = None) -> None:
        self.choices = [language_choice(code) for code in languages] or [language_choice("en")]
        self.codes = [choice["code"] for choice in self.choices]
        self._translator = translator or SourceText()
        folder = files("bot.web") / "static"
        self._static = {
            name: f"{STATIC_PATH}/{name}?v="
            + hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest()[:12]
            for name in _STATIC_FILES
        }

    def language(
        self, request: Request, chosen: str | None, operator_languages: Sequence[str] = ()
    ) -> dict[str, str]:
        """The picker entry of the page's language (see the module's description)."""
        code: str | None = chosen if chosen in self.codes else None
        for preferred in operator_languages:
            if code is not None:
                break
            code = negotiate(preferred, self.codes)
        if code is None:
            code = preferred_language(request.headers.get("accept-language", ""), self.codes)
        return next(choice for choice in self.choices if choice["code"] == code)

    def words(self, language: str) -> dict[str, str]:
        """The console's words in ``language``, the roles' under ``role_<name>``."""
        roles = {f"role_{name}": text for name, text in ROLE_WORDS.items()}
        words = {**WORDS, **SIMULATOR_WORDS, **CASE_WORDS, **roles}
        return {key: self._translator.ui_text(language, text) for key, text in words.items()}

    def render(
        self,
        template: str,
        language: Mapping[str, str],
        *,
        status_code: int = 200,
        **context: object,
    ) -> HTMLResponse:
        """The page ``console/<template>.html`` in ``language``, with the console's headers."""
        body = _ENVIRONMENT.get_template(f"console/{template}.html").render(
            context,
            language=language,
            words=self.words(language["code"]),
            choices=self.choices,
            static=self._static,
        )
        return HTMLResponse(body, status_code=status_code, headers=dict(CONSOLE_HEADERS))
