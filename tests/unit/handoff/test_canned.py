"""Canned replies: the shipped file, lookups with fallback, and errors that name file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import bot
from bot.handoff.canned import (
    CANNED_REPLIES_FILE,
    MAX_REPLY_LENGTH,
    CannedReplies,
    CannedRepliesError,
)
from bot.i18n import Catalogs

SHIPPED = Path(bot.__file__).resolve().parent.parent / "locales" / CANNED_REPLIES_FILE
LANGUAGES = ("ru", "de", "fr")

GOOD = """\
received:
  en: We have your message.
  ru: |
    Мы получили.
  pt: Recebemos.
wait:
  en: Please wait.
""".encode()


def parse(text: str) -> CannedReplies:
    return CannedReplies.parse(text.encode("utf-8"), "canned.yaml")


def problems(text: str) -> list[str]:
    with pytest.raises(CannedRepliesError) as error:
        parse(text)
    return str(error.value).splitlines()


# --- the shipped file -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> CannedReplies:
    return CannedReplies.load(SHIPPED)


def test_shipped_replies_are_complete(shipped: CannedReplies) -> None:
    assert len(shipped.names()) >= 3
    assert "received" in shipped.names()
    assert shipped.missing(LANGUAGES) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_shipped_replies_are_translated(shipped: CannedReplies, language: str) -> None:
    for name in shipped.names():
        english, text = shipped.get(name, "en"), shipped.get(name, language)
        assert text and english and text != english
        assert "\n" not in text  # folded YAML: one paragraph, no stray line breaks


# The informal "you" would be wrong towards a stranger asking for help: вы, Sie, vous.
INFORMAL = {
    "ru": r"\b(ты|тебя|тебе|тобой|твой|твоя|твоё|твои)\b",
    "de": r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner)\b",
    "fr": r"\b(tu|te|toi|ton|ta|tes|t’)\b",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_shipped_replies_address_people_formally(shipped: CannedReplies, language: str) -> None:
    for name in shipped.names():
        text = shipped.get(name, language) or ""
        assert not re.search(INFORMAL[language], text, re.IGNORECASE), (name, language)


def test_shipped_file_is_not_taken_for_a_language() -> None:
    # It lives in locales/ (the flow loader reads every YAML file under flows/); the catalogs
    # look for <language>/LC_MESSAGES/ there and must not mistake it for one.
    assert Catalogs.load(SHIPPED.parent).languages == ("de", "fr", "ru")


# --- lookups -------------------------------------------------------------------------------


def test_get_and_names() -> None:
    replies = CannedReplies.parse(GOOD)
    assert replies.names() == ("received", "wait")
    assert replies.get("received", "en") == "We have your message."
    assert replies.get("received", "ru") == "Мы получили."  # block scalar's newline dropped
    assert replies.get("received", "pt_BR") == "Recebemos."  # the bare language
    assert replies.get("wait", "ru") == "Please wait."  # the source language
    assert replies.get("nothing", "en") is None


def test_missing_lists_gaps_in_file_order() -> None:
    replies = CannedReplies.parse(GOOD)
    assert replies.missing(["ru", "de"]) == [("received", "de"), ("wait", "ru"), ("wait", "de")]


def test_another_source_language() -> None:
    replies = CannedReplies.parse("hello:\n  ru: Привет\n".encode(), source_language="ru")
    assert replies.get("hello", "de") == "Привет"
    with pytest.raises(CannedRepliesError, match="no text in ru, the source language"):
        CannedReplies.parse(b"hello:\n  en: Hello\n", source_language="ru")


def test_a_reply_of_the_longest_length_is_accepted() -> None:
    text = "я" * MAX_REPLY_LENGTH
    assert parse(f"long:\n  en: {text}\n").get("long", "en") == text


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ok:\n  en: Hi\nok:\n  en: Hello\n",
            "canned.yaml:3: duplicate key 'ok' (first at line 1)",
        ),
        (
            "ok:\n  en: Hi\n  en: Hello\n",
            "canned.yaml:3: duplicate key 'en' (first at line 2)",
        ),
        (
            "ok:\n  en: Hi\nNot OK:\n  en: Hello\n",
            "canned.yaml:3: reply name 'Not OK' must start with a lower-case letter and hold"
            " only lower-case letters, digits and _",
        ),
        ("1st:\n  en: Hi\n", "canned.yaml:1: reply name '1st' must start with"),
        ("ok:\n  ru: Привет\n", "canned.yaml:1: reply 'ok' has no text in en, the source language"),
        ("ok: Hello\n", "canned.yaml:1: reply 'ok' must give its text per language, e.g. en:"),
        ("ok:\n  en: Hi\n  EN: Hello\n", "canned.yaml:3: 'EN' is not a language code like en"),
        ("ok:\n  en: Hi\n  russian: Привет\n", "canned.yaml:3: 'russian' is not a language code"),
        ("ok:\n  en: 42\n", "canned.yaml:2: reply 'ok' in en must be text"),
        ("ok:\n  en: '  '\n", "canned.yaml:2: reply 'ok' in en must be text"),
        ("ok:\n  en:\n", "canned.yaml:2: reply 'ok' in en must be text"),
        ("- en: Hi\n", "canned.yaml:1: expected reply names, each with its text per language"),
        ("ok:\n  en: [Hi\n", "canned.yaml:3: YAML syntax error"),
        ("ok:\n\ten: Hi\n", "canned.yaml:2: tab character in indentation"),
        ("", "canned.yaml:1: the file is empty"),
    ],
)
def test_errors_name_the_line(text: str, expected: str) -> None:
    assert problems(text)[0].startswith(expected)


def test_length_is_counted_as_telegram_counts() -> None:
    # An emoji is one character in Python but two UTF-16 units in Telegram's 4096.
    text = "🙂" * (MAX_REPLY_LENGTH // 2 + 1)
    assert len(text) < MAX_REPLY_LENGTH
    (problem,) = problems(f"ok:\n  en: Hi\n  ru: {text}\n")
    assert problem == (
        f"canned.yaml:3: reply 'ok' in ru is {MAX_REPLY_LENGTH + 2} characters long;"
        f" Telegram sends at most {MAX_REPLY_LENGTH}"
    )


def test_every_problem_is_reported_in_line_order() -> None:
    text = "b:\n  ru: Привет\nBad:\n  en: Hi\na:\n  en: 1\n"
    assert problems(text) == [
        "canned.yaml:1: reply 'b' has no text in en, the source language",
        "canned.yaml:3: reply name 'Bad' must start with a lower-case letter and hold only"
        " lower-case letters, digits and _",
        "canned.yaml:6: reply 'a' in en must be text",
    ]


def test_errors_keep_their_parts() -> None:
    with pytest.raises(CannedRepliesError) as error:
        parse("ok:\n  ru: Привет\n")
    assert error.value.path == "canned.yaml"
    assert error.value.problems == [(1, "reply 'ok' has no text in en, the source language")]


def test_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    missing = tmp_path / CANNED_REPLIES_FILE
    with pytest.raises(CannedRepliesError, match=r"canned_replies\.yaml: cannot read: No such"):
        CannedReplies.load(missing)


def test_load_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / CANNED_REPLIES_FILE
    path.write_bytes(b"ok:\n  de: Hallo\n")
    with pytest.raises(CannedRepliesError) as error:
        CannedReplies.load(path)
    assert str(error.value) == f"{path}:1: reply 'ok' has no text in en, the source language"


def test_not_utf8() -> None:
    with pytest.raises(CannedRepliesError, match=r"canned\.yaml:2: not UTF-8"):
        CannedReplies.parse(b"ok:\n  en: caf\xe9\n", "canned.yaml")
