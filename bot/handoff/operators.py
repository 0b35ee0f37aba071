"""Who may act in the staff group: operators, with the alias users see and their languages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import cast

from sqlalchemy import Table, delete, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import Clock

from ._sql import dump_json, insert_for, rowcount
from .records import (
    OPERATOR_ROLES,
    Operator,
    OperatorRole,
    check_alias,
    check_user_id,
    normalize_languages,
)
from .tables import OperatorRow

__all__ = ["Operators"]

_OPERATORS = cast(Table, OperatorRow.__table__)  # type: ignore[attr-defined]


class Operators:
    """The operators repository of one transaction; get it as ``HandoffSession.operators``."""

    def __init__(self, connection: AsyncConnection, clock: Clock) -> None:
        """Work on ``connection``, which is inside a transaction; timestamps come from ``clock``."""
        self._connection = connection
        self._clock = clock

    async def add(
        self,
        user_id: int,
        *,
        alias: str,
        languages: Iterable[str],
        role: OperatorRole = "operator",
    ) -> tuple[Operator, bool]:
        """Add an operator, or replace the alias, languages and role of an existing one.

        Args:
            user_id: Their Telegram user id.
            alias: The name users see on relayed messages (blanks around it are dropped).
            languages: Language codes such as ``ru`` or ``de-AT``, normalized to ``de_AT``.
            role: ``operator`` or ``admin``.

        Returns:
            The operator as stored, and True if they were added now (False: updated).

        Raises:
            ValueError: A bad user id, alias, language code or role (one line, for people).
        """
        check_user_id(user_id)
        alias = check_alias(alias)
        codes = normalize_languages(languages)
        if role not in OPERATOR_ROLES:
            raise ValueError(f"unknown role {role!r} (use operator or admin)")
        existed = await self.get(user_id) is not None
        statement = insert_for(self._connection)(_OPERATORS).values(
            telegram_user_id=user_id,
            alias=alias,
            languages=dump_json(list(codes)),
            role=role,
            created_at=self._clock(),
        )
        # An upsert, so two admins adding the same person at once cannot fail; created_at
        # keeps the first addition.
        statement = statement.on_conflict_do_update(
            index_elements=["telegram_user_id"],
            set_={name: statement.excluded[name] for name in ("alias", "languages", "role")},
        ).returning(*_OPERATORS.c)
        row = (await self._connection.execute(statement)).mappings().one()
        return _operator(row), not existed

    async def remove(self, user_id: int) -> bool:
        """Remove an operator; their past tickets keep them as assignee.

        Returns:
            True if they were an operator.
        """
        statement = delete(_OPERATORS).where(_OPERATORS.c.telegram_user_id == user_id)
        return rowcount(await self._connection.execute(statement)) == 1

    async def get(self, user_id: int) -> Operator | None:
        """The operator with this Telegram user id, or None: the check before every action."""
        result = await self._connection.execute(
            select(_OPERATORS).where(_OPERATORS.c.telegram_user_id == user_id)
        )
        row = result.mappings().one_or_none()
        return None if row is None else _operator(row)

    async def list(self) -> list[Operator]:
        """Every operator, by alias (ignoring case), then user id."""
        result = await self._connection.execute(select(_OPERATORS))
        operators = [_operator(row) for row in result.mappings()]
        # Sorted here: the databases' collations order text differently.
        return sorted(operators, key=lambda operator: (operator.alias.casefold(), operator.user_id))


def _operator(row: RowMapping) -> Operator:
    return Operator(
        user_id=row["telegram_user_id"],
        alias=row["alias"],
        languages=tuple(json.loads(row["languages"])),
        role=row["role"],
        created_at=row["created_at"],
    )
