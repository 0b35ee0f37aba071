"""Sealing: Fernet under a versioned prefix; the first key seals, every key opens."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.privacy import SEALED_PREFIX, Sealer, SealError
from tests.keys import NEW_SECRET_KEY, SECRET_KEY

CANARY = "Меня ищут, 🙂 «повестка» <b>&amp;"


@pytest.mark.parametrize("text", [CANARY, "", "x" * 100_000, '{"json": true}\n\t'])
def test_a_sealed_text_opens_to_itself_and_shows_nothing_of_it(text: str) -> None:
    sealer = Sealer([SECRET_KEY])
    sealed = sealer.seal(text)
    assert sealed.startswith(SEALED_PREFIX) and Sealer.is_sealed(sealed)
    assert sealed.isascii()
    assert sealer.open(sealed) == text
    if text:
        assert text not in sealed and "повестка" not in sealed


def test_sealing_twice_gives_different_tokens() -> None:
    sealer = Sealer([SECRET_KEY])
    first, second = sealer.seal(CANARY), sealer.seal(CANARY)
    assert first != second  # a random IV: equal answers do not look equal at rest
    assert sealer.open(first) == sealer.open(second) == CANARY


@pytest.mark.parametrize("plain", ['{"format":1}', "[]", "", "s1", "S1:upper is not the prefix"])
def test_a_plain_value_from_before_sealing_is_read_as_it_is(plain: str) -> None:
    sealer = Sealer([SECRET_KEY])
    assert not Sealer.is_sealed(plain)
    assert sealer.open(plain) == plain
    assert not sealer.is_current(plain)


def test_the_first_key_seals_and_every_key_opens() -> None:
    old = Sealer([SECRET_KEY]).seal("old")
    both = Sealer([NEW_SECRET_KEY, SECRET_KEY])
    new = both.seal("new")
    assert both.open(old) == "old" and both.open(new) == "new"
    assert Sealer([NEW_SECRET_KEY]).open(new) == "new"  # sealed with the first key...
    with pytest.raises(SealError):
        Sealer([SECRET_KEY]).open(new)  # ...and not with the second
    assert Sealer([SECRET_KEY, NEW_SECRET_KEY]).open(new) == "new"  # order only picks the sealer


def test_rotate_reseals_with_the_first_key_and_seals_plain_values() -> None:
    old = Sealer([SECRET_KEY]).seal(CANARY)
    both = Sealer([NEW_SECRET_KEY, SECRET_KEY])
    assert not both.is_current(old)
    rotated = both.rotate(old)
    assert both.is_current(rotated)
    assert Sealer([NEW_SECRET_KEY]).open(rotated) == CANARY
    # Fernet's rotation keeps the token's time: the value's age is not reset.
    raw = rotated.removeprefix(SEALED_PREFIX).encode()
    assert Fernet(NEW_SECRET_KEY).extract_timestamp(raw) == Fernet(SECRET_KEY).extract_timestamp(
        old.removeprefix(SEALED_PREFIX).encode()
    )
    sealed_plain = both.rotate("plain")
    assert both.is_current(sealed_plain) and Sealer([NEW_SECRET_KEY]).open(sealed_plain) == "plain"


@pytest.mark.parametrize(
    "damage",
    [
        lambda sealed: sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"),
        lambda sealed: sealed[:20],
        lambda sealed: SEALED_PREFIX + "not a token",
        lambda sealed: SEALED_PREFIX + "ключ",  # not even ASCII
        lambda sealed: SEALED_PREFIX,
    ],
)
def test_a_damaged_value_is_a_seal_error(damage) -> None:
    sealer = Sealer([SECRET_KEY])
    damaged = damage(sealer.seal(CANARY))
    for action in (sealer.open, sealer.rotate, sealer.is_current):
        with pytest.raises(SealError):
            action(damaged)


def test_a_value_no_key_opens_says_so_without_quoting_it() -> None:
    sealed = Sealer([SECRET_KEY]).seal(CANARY)
    other = Sealer([NEW_SECRET_KEY])
    with pytest.raises(SealError) as raised:
        other.open(sealed)
    message = str(raised.value)
    assert "HAVEN_SECRET_KEY" in message
    assert sealed[len(SEALED_PREFIX) :][:12] not in message and "повестка" not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    with pytest.raises(SealError):
        other.rotate(sealed)
    with pytest.raises(SealError):
        other.is_current(sealed)


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ([], "at least one key"),
        (SECRET_KEY, "sequence of keys"),  # a str is a sequence of one-letter "keys"
        (["not-a-key"], "key 1 is not a Fernet key"),
        ([SECRET_KEY, SECRET_KEY[:-2]], "key 2 is not a Fernet key"),
    ],
)
def test_bad_keys_are_refused_without_being_quoted(keys, message: str) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        Sealer(keys)
    assert SECRET_KEY[:10] not in str(raised.value)


def test_keys_are_never_shown() -> None:
    sealer = Sealer([NEW_SECRET_KEY, SECRET_KEY])
    assert sealer.key_count == 2
    assert SECRET_KEY not in repr(sealer) and NEW_SECRET_KEY not in repr(sealer)
    assert repr(sealer) == "Sealer(<2 key(s)>)"
