"""Errors in the Bot API's own shape, so PTB raises what it would raise against Telegram."""

from __future__ import annotations

from http import HTTPStatus

__all__ = ["SandboxError", "bad_request", "forbidden"]


class SandboxError(Exception):
    """A Bot API error, or a misuse of the sandbox's client side.

    On the Bot API it becomes ``{"ok": false, "error_code", "description", "parameters"}`` with
    the same HTTP status, which is what PTB parses into ``BadRequest``, ``Forbidden``,
    ``RetryAfter`` and friends.

    Attributes:
        error_code: The HTTP status and ``error_code`` field, e.g. 400.
        description: Telegram's wording, e.g. ``"Bad Request: chat not found"``.
        retry_after: Seconds to wait, sent as ``parameters.retry_after`` (flood control).
    """

    def __init__(self, error_code: int, description: str, *, retry_after: int | None = None):
        """Create the error.

        Args:
            error_code: The HTTP status and ``error_code`` field.
            description: The human-readable description, in Telegram's wording.
            retry_after: Seconds to wait before retrying, for 429 errors.
        """
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, object]:
        """Return the error as the Bot API's JSON body."""
        body: dict[str, object] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> SandboxError:
    """Return a 400 error whose description is ``"Bad Request: <detail>"``."""
    return SandboxError(HTTPStatus.BAD_REQUEST, f"Bad Request: {detail}")


def forbidden(detail: str) -> SandboxError:
    """Return a 403 error whose description is ``"Forbidden: <detail>"``."""
    return SandboxError(HTTPStatus.FORBIDDEN, f"Forbidden: {detail}")
