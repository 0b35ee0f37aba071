"""Bot API request bodies: JSON, form-urlencoded, multipart (file uploads) and query strings.

PTB posts form-urlencoded fields (multipart when it uploads files) whose non-string values
are JSON-encoded; other clients post JSON. Multipart is parsed here with the standard library
because the sandbox must not need a multipart package just to accept an upload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from urllib.parse import parse_qsl

from starlette.requests import Request

from bot.sandbox.errors import bad_request

__all__ = ["Upload", "read_values"]


@dataclass(frozen=True)
class Upload:
    """A file uploaded in a multipart request.

    Attributes:
        filename: The file name the client gave.
        content_type: The part's Content-Type.
        data: The file's bytes.
    """

    filename: str
    content_type: str
    data: bytes


def _header_params(value: str) -> Message:
    message = Message()
    message["content-type"] = value
    return message


def _multipart(content_type: str, body: bytes) -> dict[str, object]:
    boundary = _header_params(content_type).get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise bad_request("multipart boundary is missing")
    values: dict[str, object] = {}
    for chunk in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        head, _, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        headers = HeaderParser().parsestr(head.decode("utf-8", "replace"))
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        filename = headers.get_filename()
        if filename is None:
            values[name] = data.decode("utf-8", "replace")
        else:
            values[name] = Upload(
                filename, headers.get_content_type() or "application/octet-stream", data
            )
    return values


async def read_values(request: Request) -> dict[str, object]:
    """Return a request's parameters: the query string, overlaid by the body.

    Args:
        request: A Bot API request (GET or POST).

    Returns:
        Field name -> value: strings from forms, JSON values from a JSON body,
        :class:`Upload` for uploaded files.

    Raises:
        SandboxError: 400 when a JSON body is not an object or a multipart body is malformed.
    """
    values: dict[str, object] = dict(request.query_params)
    body = await request.body()
    if not body:
        return values
    content_type = request.headers.get("content-type", "")
    mime = content_type.partition(";")[0].strip().lower()
    if mime == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(decoded, dict):
            raise bad_request("JSON request body must be an object")
        values.update(decoded)
    elif mime == "application/x-www-form-urlencoded":
        values.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    elif mime == "multipart/form-data":
        values.update(_multipart(content_type, body))
    return values
