"""The JSON object of this request, read once for every JSON view of the tool (/api, deep linking).

Flask's ``get_json`` lets ``RecursionError`` from a deeply nested body through
(a 500) and keeps lone surrogates; the core's :func:`parse_object` bounds size
and depth and repairs text, exactly as the XBlock home does.
"""

from __future__ import annotations

from typing import Any

from flask import request

from xblock_plchoice.core.errors import MalformedPayload, PayloadTooLarge
from xblock_plchoice.core.i18n import gettext_noop as _
from xblock_plchoice.core.json_body import MAX_JSON_BYTES, parse_object


def json_object() -> dict[str, Any]:
    """The body as a JSON object; ``{}`` when empty. 413 over 2 MB (unread), 400 when not a JSON object."""
    if request.content_length and request.content_length > MAX_JSON_BYTES:
        raise PayloadTooLarge(limit="2 MB")
    raw = request.stream.read(MAX_JSON_BYTES + 1)  # a chunked body has no length to check first
    if raw.strip() and not request.is_json:
        raise MalformedPayload(_("Send the request body as application/json."))
    return parse_object(raw)
