"""Small readers for JSON payload fields, each raising a clear :class:`ValidationError`.

Payloads come from browsers and are hostile until read through here: a wrong
type is a 400 that names the field, never a ``KeyError`` turned into a 500.
"""

from __future__ import annotations

from typing import Any

from .errors import ValidationError
from .i18n import gettext_noop as _


def text(payload: dict[str, Any], key: str, *, limit: int, required: bool = False, strip: bool = True) -> str:
    value = payload.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("This field must be text."), field=key)
    value = value.replace("\r\n", "\n").replace("\x00", "")
    if strip:
        value = value.strip()
    if required and not value:
        raise ValidationError(_("This field is required."), field=key)
    if len(value) > limit:
        raise ValidationError(_("Keep this under %(max)d characters."), field=key, max=limit)
    return value


def integer(payload: dict[str, Any], key: str, *, default: int | None = None, low: int = 0,
            high: int = 1_000_000) -> int:
    value = payload.get(key, default)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(_("Use a whole number from %(low)d to %(high)d."), field=key, low=low, high=high)
    return value


def choice(payload: dict[str, Any], key: str, allowed: tuple[str, ...] | list[str], *,
           optional: bool = False) -> str | None:
    value = payload.get(key)
    if optional and value in (None, "", "all"):
        return None
    if value not in allowed:
        raise ValidationError(_("Choose one of: %(allowed)s."), field=key, allowed=", ".join(allowed))
    return value


def identifier(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > 255:
        raise ValidationError(_("This field is required."), field=key)
    return value
