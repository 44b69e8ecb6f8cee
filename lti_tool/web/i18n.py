"""The reader's language for tool pages: the launch's locale when known, else the browser's."""

from __future__ import annotations

import functools
from collections.abc import Callable
from gettext import NullTranslations

from flask import request

from xblock_plchoice.core.i18n import is_rtl, translation_for


def request_language(locale: str | None = None) -> str:
    if locale:
        return locale
    best = request.accept_languages.best if request else None
    return best or "en"


def gettext_for(language: str) -> Callable[[str], str]:
    catalog: NullTranslations = translation_for(language)
    return catalog.gettext


def direction(language: str) -> str:
    return "rtl" if is_rtl(language) else "ltr"


@functools.cache
def catalog_messages(language: str) -> dict[str, str]:
    """Every translated message of ``language``: the front end's ``t()`` looks strings up here.

    Built once per language and process (the catalogs ship with the package); callers must not change it.
    """
    messages = getattr(translation_for(language), "_catalog", None) or {}
    return {k: v for k, v in messages.items() if isinstance(k, str) and k and isinstance(v, str) and v}
