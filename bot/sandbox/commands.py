"""The bot's command lists, per scope and language, as setMyCommands leaves them."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.sandbox.errors import bad_request

__all__ = ["CommandBook"]

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_MAX_COMMANDS = 100


def _scope_key(scope: object) -> str:
    if scope is None:
        scope = {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    return json.dumps(scope, sort_keys=True)


def _language(code: object) -> str | None:
    if code is None or code == "":
        return None
    if not isinstance(code, str) or not _LANGUAGE.fullmatch(code):
        raise bad_request("invalid language code specified")
    return code


def _checked(commands: object) -> list[dict[str, Any]]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > _MAX_COMMANDS:
        raise bad_request("too many commands specified")
    checked = []
    for entry in commands:
        if not isinstance(entry, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command, description = entry.get("command"), entry.get("description")
        if not isinstance(command, str) or not _COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": command, "description": description})
    return checked


class CommandBook:
    """Command lists keyed by scope and language, as Telegram keeps them."""

    def __init__(self) -> None:
        """Create an empty book (no commands anywhere)."""
        self._lists: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        self._latest: dict[str | None, tuple[str, list[dict[str, Any]]]] = {}

    def set(self, commands: object, scope: object, language_code: object) -> None:
        """Replace the list of one scope and language (setMyCommands).

        Raises:
            SandboxError: 400 for a malformed scope, language code or command.
        """
        key = (_scope_key(scope), _language(language_code))
        checked = _checked(commands)
        if not checked:
            self.delete(scope, language_code)
            return
        self._lists[key] = checked
        self._latest[key[1]] = (key[0], checked)

    def get(self, scope: object, language_code: object) -> list[dict[str, Any]]:
        """Return the list of exactly this scope and language (getMyCommands)."""
        return list(self._lists.get((_scope_key(scope), _language(language_code)), []))

    def delete(self, scope: object, language_code: object) -> None:
        """Remove the list of one scope and language (deleteMyCommands)."""
        scope_key, language = _scope_key(scope), _language(language_code)
        self._lists.pop((scope_key, language), None)
        latest = self._latest.get(language)
        if latest is not None and latest[0] == scope_key:
            del self._latest[language]

    def by_language(self) -> dict[str | None, list[dict[str, Any]]]:
        """Return, for each language (None: all languages), the list set last for it.

        Any scope counts: a bot that registers its commands for private chats only still
        shows them here; :meth:`get` distinguishes scopes.
        """
        return {language: list(commands) for language, (_, commands) in self._latest.items()}
