"""Text checks in every shipped language: lengths Telegram can show, and complete translations."""

from __future__ import annotations

from collections.abc import Iterator

from ..issues import Issue
from ..loader import LoadedFlow
from .context import ValidationContext

__all__ = ["check_texts"]


def check_texts(loaded: LoadedFlow, ctx: ValidationContext) -> Iterator[Issue]:
    """E132 empty text; E130/E131 too long in any language; E150/E151 missing/fuzzy translation."""
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
