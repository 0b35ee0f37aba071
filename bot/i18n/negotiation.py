"""Which of the shipped languages to speak to a user, and what each language is called.

Telegram reports the language of the user's app as an IETF tag (``ru``, ``de-AT``, ``pt-br``),
or nothing at all, and occasionally junk. Babel parses the tag and matches it against the
languages that have catalogs; when nothing fits the caller asks the user with a language picker
rather than guessing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from babel import Locale, UnknownLocaleError, negotiate_locale

__all__ = ["DEFAULT_ALIASES", "language_name", "negotiate", "parse_language_tag"]

#: Languages we do not ship, mapped to the language their speakers most likely read. People from
#: Belarus, Kazakhstan, Kyrgyzstan, Armenia and Ukraine who flee Russian military service usually
#: read Russian, and a Russian answer is better than a picker in a language they did not choose.
#: A language's own catalog always wins over its alias (see :func:`negotiate`).
DEFAULT_ALIASES: Mapping[str, str] = {
    "be": "ru",
    "kk": "ru",
    "ky": "ru",
    "hy": "ru",
    "uk": "ru",
}


def parse_language_tag(tag: str | None) -> Locale | None:
    """Parse a Telegram ``language_code`` into a Babel locale, or None if it is not one.

    Args:
        tag: An IETF language tag such as ``"de-AT"``; underscores (``"de_AT"``) are accepted too.

    Returns:
        The locale, or None for an empty, malformed or unknown tag.
    """
    if not tag:
        return None
    try:
        return Locale.parse(tag.strip().replace("_", "-"), sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        # UnknownLocaleError is a plain Exception, not a ValueError: catch both. A bad tag is
        # the user's app misbehaving, never a reason to fail the conversation.
        return None


def negotiate(
    language_code: str | None,
    available: Sequence[str],
    aliases: Mapping[str, str] = DEFAULT_ALIASES,
) -> str | None:
    """Choose the available language that best fits a Telegram ``language_code``.

    The order of preference is the exact locale (``pt_BR``), the bare language (``de`` for
    ``de-AT``), the language's alias (``ru`` for ``kk``), and finally any available regional
    variant of the language (``pt_BR`` for ``pt``).

    Args:
        language_code: The tag Telegram sent, possibly None or junk.
        available: The languages that have catalogs, spelled as their ``locales/`` directories
            (``"ru"``, ``"pt_BR"``).
        aliases: Bare language codes (lower case) mapped to the language to try instead.

    Returns:
        An element of ``available`` exactly as spelled there, or None when nothing fits (the
        caller then offers a language picker).
    """
    locale = parse_language_tag(language_code)
    if locale is None:
        return None
    # Babel compares case-insensitively but answers in the spelling of the *preferred* list;
    # the caller needs the spelling of ``available`` (it names a directory).
    spelled = {_normalise(code): code for code in available if code}
    preferred = [str(locale)]
    if locale.script and locale.territory:
        # zh_Hant_TW should still match a zh_TW catalog.
        preferred.append(f"{locale.language}_{locale.territory}")
    preferred.append(locale.language)
    found = negotiate_locale(
        preferred, list(spelled), aliases={k.lower(): v for k, v in aliases.items()}
    )
    if found is not None:
        return spelled.get(_normalise(found))
    variants = sorted(code for key, code in spelled.items() if key.split("_")[0] == locale.language)
    return variants[0] if variants else None


def language_name(code: str, in_language: str | None = None) -> str:
    """The name of a language for the language picker, e.g. ``"Русский"`` or ``"Deutsch"``.

    Args:
        code: The language, as in ``available`` (``"ru"``, ``"pt_BR"``).
        in_language: The language to name it in; by default the language itself, which is what
            a picker should show: someone looking for Russian recognises "Русский".

    Returns:
        The display name with its first letter capitalised (CLDR writes "русский" and
        "français" in lower case, as they are written mid-sentence), or ``code`` itself when
        Babel does not know the language, so a picker never fails over a name.
    """
    try:
        locale = Locale.parse(code.replace("-", "_"))
        name = locale.get_display_name(in_language or locale)
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    if not name:
        return code
    return name[:1].upper() + name[1:]


def _normalise(code: str) -> str:
    return code.replace("-", "_").lower()
