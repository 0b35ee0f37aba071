"""Privacy: what is written at rest is sealed, and records that must not name a person don't.

:class:`Sealer` encrypts free text (conversation state, ticket summaries, close reasons,
notes, relayed messages) before it reaches the database; :class:`Pseudonyms` turns a chat id
into a keyed hash where a record must recognise a person without naming them (bans). The keys
come from ``HAVEN_SECRET_KEY`` and ``HAVEN_PSEUDONYM_KEY``, or in local mode from a key file
made on first start (:func:`load_keys`).

Example:
    >>> keys = load_keys(settings)  # doctest: +SKIP
    >>> storage = await Storage.open(url, sealer=keys.sealer)  # doctest: +SKIP
    >>> handoff = HandoffStore(storage, pseudonyms=keys.pseudonyms)  # doctest: +SKIP
"""

from __future__ import annotations

from .keys import Keys, check_keys, generate_key, load_keys
from .pseudonyms import Pseudonyms
from .sealing import SEALED_PREFIX, Sealer, SealError

__all__ = [
    "SEALED_PREFIX",
    "Keys",
    "Pseudonyms",
    "SealError",
    "Sealer",
    "check_keys",
    "generate_key",
    "load_keys",
]
