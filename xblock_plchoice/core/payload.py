"""Small readers for JSON payload fields, each raising a clear :class:`ValidationError`.

Payloads come from browsers and are hostile until read through here: a wrong
type is a 400 that names the field, never a ``KeyError`` turned into a 500.
"""

from __future__ import annotations

from typing import Any

from .errors import ValidationError
from .i18n import gettext_noop as _
from .json_body import repair_text


def text(payload: dict[str, Any], key: str, *, limit: int, required: bool = False, strip: bool = True) -> str:
    value = payload.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("This field must be text."), field=key)
    value = repair_text(value).replace("\r\n", "\n").replace("\x00", "")
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
    if isinstance(value, str):
        value = _ascii_integer(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(_("Use a whole number from %(low)d to %(high)d."), field=key, low=low, high=high)
    return value


def _ascii_integer(value: str) -> int | None:
    """``"12"`` -> 12; None for anything else. Only ASCII digits: ``str.isdigit`` and ``int`` also accept
    ``"²"`` (then ``int`` raises) and Arabic-Indic or full-width digits, which no client of ours sends."""
    value = value.strip()
    if not value or len(value) > 9 or not value.isascii() or not value.isdigit():
        return None
    return int(value)


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


def flag(payload: dict[str, Any], key: str, *, default: bool = False) -> bool:
    """A JSON true/false (absent or null: ``default``); anything else names the field."""
    value = payload.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ValidationError(_("Use true or false."), field=key)
    return value
