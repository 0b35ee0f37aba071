"""Text checks in every shipped language: lengths Telegram can show, and complete translations.

A translation may not add a link: Telegram clients turn a URL, a ``t.me`` address or an
``@username`` written in a message into something a frightened person taps. Links and contacts
are reviewed in the English source; a translation that brings in one the source does not have
(a trap, or just a mistake) is an error, E153.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..issues import Issue
from ..loader import LoadedFlow
from .context import ValidationContext

__all__ = ["check_texts", "contacts_in"]

#: What Telegram clients make tappable: URLs (with a scheme, www., or t.me), e-mail addresses
#: and @usernames (5-32 characters, the form Telegram allows).
_CONTACT = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.|t\.me/|telegram\.me/)[^\s<>\"']+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w@])@[A-Za-z][A-Za-z0-9_]{4,31}\b",
    re.IGNORECASE,
)


def contacts_in(text: str) -> set[str]:
    """The links, e-mail addresses and @usernames in ``text``, lower-cased, end punctuation cut."""
    return {match.group(0).rstrip(".,;:!?)»").lower() for match in _CONTACT.finditer(text)}


def check_texts(loaded: LoadedFlow, ctx: ValidationContext) -> Iterator[Issue]:
    """E132 empty text; E130/E131 too long in any language; E150/E151 missing/fuzzy translation;
    E153 a translation with a link, address or @username its source does not have."""
    flow = loaded.flow
    limits = ctx.limits
    languages = [flow.language, *(lang for lang in ctx.languages if lang != flow.language)]
    for node_id, context, text in flow.texts():
        if not text.text.strip():
            yield ctx.issue(loaded, "E132", f"empty {text.field}", node_id, text.field)
            continue
        for language in languages:
            shown = text.text
            if language != flow.language and ctx.catalogs is not None:
                status = ctx.catalogs.status(language, context, text.text)
                if status != "ok":
                    code, what = ("E150", "missing") if status == "missing" else ("E151", "fuzzy")
                    message = f"{what} {language} translation of {context!r}"
                    yield ctx.issue(loaded, code, message, node_id, text.field, language)
                    continue
                shown = ctx.catalogs.flow_text(language, context, text.text)
                added = sorted(contacts_in(shown) - contacts_in(text.text))
                if added:
                    message = (
                        f"{language} translation of {context!r} adds what the source does not"
                        f" have: {', '.join(added)}"
                    )
                    yield ctx.issue(loaded, "E153", message, node_id, text.field, language)
            if text.kind == "label" and len(shown) > limits.label_length:
                message = (
                    f"{language} button label is {len(shown)} characters;"
                    f" Telegram shows about {limits.label_length} well"
                )
                yield ctx.issue(loaded, "E130", message, node_id, text.field, language)
            elif len(shown) > limits.message_length:
                message = (
                    f"{language} text is {len(shown):,} characters;"
                    f" Telegram allows {limits.message_length:,}"
                )
                yield ctx.issue(loaded, "E131", message, node_id, text.field, language)
