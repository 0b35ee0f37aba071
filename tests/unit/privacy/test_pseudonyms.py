"""Pseudonyms: HMAC-SHA256 of a chat id under HAVEN_PSEUDONYM_KEY, stable and keyed."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from bot.privacy import Pseudonyms, generate_key
from tests.keys import PSEUDONYM_KEY

CHAT = 2**40 + 12345


def test_the_pseudonym_is_hmac_sha256_of_the_chat_id() -> None:
    # Pinned: should this ever change, every stored ban would silently be lifted.
    key = base64.urlsafe_b64decode(PSEUDONYM_KEY)
    expected = hmac.new(key, f"haven/chat:{CHAT}".encode(), hashlib.sha256).hexdigest()
    assert Pseudonyms(PSEUDONYM_KEY).of(CHAT) == expected
    assert len(expected) == 64 and set(expected) <= set("0123456789abcdef")


def test_the_same_chat_always_has_the_same_pseudonym_under_one_key() -> None:
    first, second = Pseudonyms(PSEUDONYM_KEY), Pseudonyms(f"  {PSEUDONYM_KEY}\n")
    assert first.of(CHAT) == first.of(CHAT) == second.of(CHAT)


def test_chats_and_keys_give_different_pseudonyms() -> None:
    pseudonyms = Pseudonyms(PSEUDONYM_KEY)
    ids = [CHAT, CHAT + 1, -CHAT, 1, -1001234567890]
    assert len({pseudonyms.of(chat_id) for chat_id in ids}) == len(ids)
    assert Pseudonyms(generate_key()).of(CHAT) != pseudonyms.of(CHAT)


@pytest.mark.parametrize("chat_id", [True, "123", 1.0, None])
def test_only_int_chat_ids_are_hashed(chat_id) -> None:
    with pytest.raises(TypeError):
        Pseudonyms(PSEUDONYM_KEY).of(chat_id)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("not base64 at all!", "url-safe base64"),
        ("abc", "url-safe base64"),
        (base64.urlsafe_b64encode(b"k" * 31).decode(), "at least 32 bytes"),
        ("", "at least 32 bytes"),
    ],
)
def test_a_bad_key_is_refused_without_being_quoted(key: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        Pseudonyms(key)
    assert not key or key not in str(raised.value)


def test_the_key_is_never_shown() -> None:
    assert PSEUDONYM_KEY not in repr(Pseudonyms(PSEUDONYM_KEY))
