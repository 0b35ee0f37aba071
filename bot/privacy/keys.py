"""Where the keys come from: ``HAVEN_SECRET_KEY`` and ``HAVEN_PSEUDONYM_KEY``, or a local key file.

``HAVEN_SECRET_KEY`` holds one or more Fernet keys separated by commas, newest first: the first
seals, all open (see :mod:`bot.privacy.sealing`). ``HAVEN_PSEUDONYM_KEY`` is the key of the
pseudonyms (see :mod:`bot.privacy.pseudonyms`); it is never rotated. ``haven keys generate``
makes a key of either kind.

With a ``TELEGRAM_BOT_TOKEN`` both are required: a real bot refuses to start without them.
Local mode (no token) needs no set-up: keys not set are generated once into
``DATA_DIR/haven-local.keys`` (created atomically, readable by its owner only) and read from
there afterwards, so the local SQLite file alone still reveals nothing.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet

from bot.config import ConfigError

from .pseudonyms import Pseudonyms
from .sealing import SEALED_PREFIX, Sealer, SealError

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage import Storage

__all__ = [
    "LOCAL_KEY_FILE",
    "PSEUDONYM_KEY_VARIABLE",
    "SECRET_KEY_VARIABLE",
    "Keys",
    "check_keys",
    "generate_key",
    "load_keys",
    "local_key_file",
    "parse_pseudonym_key",
    "parse_secret_keys",
]

log = logging.getLogger(__name__)

SECRET_KEY_VARIABLE = "HAVEN_SECRET_KEY"
PSEUDONYM_KEY_VARIABLE = "HAVEN_PSEUDONYM_KEY"
LOCAL_KEY_FILE = "haven-local.keys"
"""The key file of local mode, in ``DATA_DIR`` beside the local database."""

_KEY_FILE_HEADER = (
    "# Haven's keys for local mode (no TELEGRAM_BOT_TOKEN), made by `haven serve`.\n"
    "# Whoever has this file can read the local database: keep it readable by you alone.\n"
    "# Without it that database's conversations and cases cannot be read.\n"
)
_REQUIRED = {
    SECRET_KEY_VARIABLE: "it seals what people and advocates write in the database",
    PSEUDONYM_KEY_VARIABLE: "it keeps bans without chat ids; never change it",
}


@dataclass(frozen=True, slots=True)
class Keys:
    """What the keys are used for: sealing text, pseudonyms of chat ids, and signing.

    ``signing`` is derived from the first ``HAVEN_SECRET_KEY`` key (an HMAC of a fixed label),
    so it changes when that key is rotated; each use derives its own key from it in turn (the
    web console's login links and form tokens). It is never printed.
    """

    sealer: Sealer
    pseudonyms: Pseudonyms
    signing: bytes = field(repr=False)


def generate_key() -> str:
    """A new random key, valid for ``HAVEN_SECRET_KEY`` and ``HAVEN_PSEUDONYM_KEY`` alike."""
    return Fernet.generate_key().decode("ascii")


def parse_secret_keys(text: str) -> tuple[str, ...]:
    """The Fernet keys of a ``HAVEN_SECRET_KEY`` value, newest first.

    Blanks around keys and empty items (a trailing comma) are ignored.

    Raises:
        ValueError: No key, or an item that is not a Fernet key (its position is named, never
            its text).
    """
    keys = tuple(item.strip() for item in text.split(",") if item.strip())
    if not keys:
        raise ValueError("holds no key (make one with `haven keys generate`)")
    Sealer(keys)  # raises ValueError naming the bad key's position
    return keys


def parse_pseudonym_key(text: str) -> str:
    """A ``HAVEN_PSEUDONYM_KEY`` value, without surrounding blanks.

    Raises:
        ValueError: Not url-safe base64 of at least 32 bytes (never quoting it).
    """
    key = text.strip()
    Pseudonyms(key)
    return key


def local_key_file(data_dir: Path) -> Path:
    """Where local mode keeps its generated keys."""
    return data_dir / LOCAL_KEY_FILE


def load_keys(settings: Settings) -> Keys:
    """The keys of ``settings``: the variables, else (local mode only) the local key file.

    In local mode a key that is not set is read from ``DATA_DIR/haven-local.keys``, which is
    created with new keys the first time.

    Raises:
        ConfigError: With a token, a key is not set (the line names the variable and how to
            make one); or the local key file cannot be read, written or understood.
    """
    secret = settings.haven_secret_key
    pseudonym = settings.haven_pseudonym_key
    if secret is not None and pseudonym is not None:
        return _keys(secret.get_secret_value(), pseudonym.get_secret_value())
    if settings.mode != "local":
        missing = [SECRET_KEY_VARIABLE] if secret is None else []
        missing += [PSEUDONYM_KEY_VARIABLE] if pseudonym is None else []
        raise ConfigError(
            [
                f"{name}: required with TELEGRAM_BOT_TOKEN: {_REQUIRED[name]} "
                "(make a key with `haven keys generate`)"
                for name in missing
            ]
        )
    stored = _local_keys(local_key_file(settings.data_dir))
    return _keys(
        secret.get_secret_value() if secret is not None else stored[SECRET_KEY_VARIABLE],
        pseudonym.get_secret_value() if pseudonym is not None else stored[PSEUDONYM_KEY_VARIABLE],
    )


async def check_keys(storage: Storage) -> None:
    """Refuse keys that do not open what the database holds already.

    The newest sealed conversation state was sealed with the first key of the keys the bot
    last ran with. Should none of the present keys open it (a key was replaced instead of
    added in front), starting would fail every returning person's messages and seal new ones
    with a key the old rows know nothing of; so the bot does not start.

    Raises:
        ConfigError: No key opens the newest sealed state.
    """
    from sqlalchemy import select

    from bot.storage.tables import ConversationRow

    table = ConversationRow.__table__  # type: ignore[attr-defined]
    newest = (
        select(table.c.state)
        .where(table.c.state.startswith(SEALED_PREFIX))
        .order_by(table.c.updated_at.desc())
        .limit(1)
    )
    async with storage.engine.connect() as connection:
        sealed = (await connection.execute(newest)).scalar_one_or_none()
    if sealed is None:
        return
    try:
        storage.sealer.open(sealed)
    except SealError:
        raise ConfigError(
            [
                f"{SECRET_KEY_VARIABLE}: none of its keys opens what the database holds; "
                "to change the key, put the new one in front of the old one (NEW,OLD), then "
                "run `haven keys rotate`"
            ]
        ) from None


def _keys(secret: str, pseudonym: str) -> Keys:
    sealing_keys = parse_secret_keys(secret)
    first = base64.urlsafe_b64decode(sealing_keys[0])
    signing = hmac.new(first, b"haven signing key v1", hashlib.sha256).digest()
    return Keys(Sealer(sealing_keys), Pseudonyms(parse_pseudonym_key(pseudonym)), signing)


def _local_keys(path: Path) -> dict[str, str]:
    """The keys in the local key file, which is made first if there is none."""
    try:
        if not path.exists():
            _create_key_file(path)
        status = path.stat()
        if stat.S_IMODE(status.st_mode) & 0o077:
            log.warning("the local key file is readable by others: make it mode 600")
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError([f"{path}: cannot be used ({error.strerror})"]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: damaged (not text)"]) from None
    keys = _parse_key_file(text)
    problems = []
    for name, check in (
        (SECRET_KEY_VARIABLE, parse_secret_keys),
        (PSEUDONYM_KEY_VARIABLE, parse_pseudonym_key),
    ):
        try:
            check(keys.get(name, ""))
        except ValueError:
            problems.append(f"{path}: damaged ({name} missing or invalid); restore it: without "
                            "it the local database cannot be read")  # fmt: skip
    if problems:
        raise ConfigError(problems)
    return keys


def _parse_key_file(text: str) -> dict[str, str]:
    keys: dict[str, str] = {}
    for line in text.splitlines():
        name, equals, value = line.strip().partition("=")
        if equals and not name.startswith("#"):
            keys[name.strip()] = value.strip()
    return keys


def _create_key_file(path: Path) -> None:
    """Write new keys to ``path`` at once and only if it does not exist, mode 600.

    Written to a temporary file first and then linked into place, so nobody ever reads a half
    written file, and of two processes starting at once exactly one creates it (the other's
    link fails, and it reads the winner's keys).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    content = (
        f"{_KEY_FILE_HEADER}"
        f"{SECRET_KEY_VARIABLE}={generate_key()}\n"
        f"{PSEUDONYM_KEY_VARIABLE}={generate_key()}\n"
    )
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(temporary, path)
            _sync_folder(path.parent)
    finally:
        temporary.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    # The new name must survive a crash too, or the next start makes other keys.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
