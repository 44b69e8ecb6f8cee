"""Request bodies as JSON objects, read the same way in both homes, before any command sees them.

Valid JSON can still break a server: 100,000 nested ``[`` exhaust the parser's
recursion (a 500), and ``"\\ud800"`` decodes to a lone surrogate that no UTF-8
writer (the database driver, the CSV stream) can encode. So a body is bounded in
size and depth, ``NaN``/``Infinity`` (not JSON) are refused, and lone surrogates
are *repaired* to U+FFFD on arrival: a learner's text survives, minus a
character no one could read anyway.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import MalformedPayload, PayloadTooLarge
from .i18n import gettext_noop as _

#: Commands carry text and ids; the largest (a studio definition) is far below this.
MAX_JSON_BYTES = 2 * 1024 * 1024
#: Deepest real payload: studio definition > options > option > evidence_kinds (~5). Generous margin.
MAX_DEPTH = 32

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def repair_text(value: str) -> str:
    """``value`` with each lone surrogate replaced by U+FFFD, so it encodes to UTF-8."""
    return _LONE_SURROGATE.sub("\ufffd", value)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_object(raw: bytes) -> dict[str, Any]:
    """``raw`` as a JSON object (``{}`` when empty); raises :class:`PayloadTooLarge` or :class:`MalformedPayload`."""
    if len(raw) > MAX_JSON_BYTES:
        raise PayloadTooLarge(limit="2 MB")
    if not raw.strip():
        return {}
    try:
        payload = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except RecursionError as error:
        raise MalformedPayload(_("The request body is nested too deeply.")) from error
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedPayload(_("The request body is not valid JSON.")) from error
    if not isinstance(payload, dict):
        raise MalformedPayload(_("The request body must be a JSON object."))
    return _checked(payload)


def _checked(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with text repaired, walked without recursion; refused if nested deeper than MAX_DEPTH."""
    root = [payload]
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        container, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise MalformedPayload(_("The request body is nested too deeply."))
        if isinstance(container, dict):
            items = list(container.items())
            container.clear()
            for key, value in items:
                container[repair_text(key)] = _leaf(value, depth, stack)
        else:
            for index, value in enumerate(container):
                container[index] = _leaf(value, depth, stack)
    return root[0]


def _leaf(value: Any, depth: int, stack: list[tuple[Any, int]]) -> Any:
    if isinstance(value, str):
        return repair_text(value)
    if isinstance(value, (dict, list)):
        stack.append((value, depth + 1))
    return value
