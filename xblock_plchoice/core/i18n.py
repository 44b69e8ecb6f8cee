"""Translation markers for the core.

The core marks strings for extraction but never translates them itself: it does
not know the reader's language. Adapters translate with their own ``gettext``
(the XBlock i18n service, or the LTI tool's catalog for the launch locale).
Both read the same catalogs in ``translations/<lang>/LC_MESSAGES/text.po``.
"""

from __future__ import annotations

import gettext as _gettext
from functools import lru_cache
from pathlib import Path

DOMAIN = "text"


def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction; return it unchanged."""
    return message


def translations_dir() -> Path:
    """Where the shared catalogs live, in a source tree or an installed wheel."""
    return Path(__file__).resolve().parent.parent / "translations"


@lru_cache(maxsize=32)
def translation_for(language: str) -> _gettext.NullTranslations:
    """The catalog for ``language`` (``ar``, ``es-419``, ``es_ES``...), or a null one.

    Used by the LTI tool and by tests; the XBlock asks the runtime's i18n service.
    """
    candidates = [language.replace("-", "_")]
    base = candidates[0].split("_")[0]
    if base not in candidates:
        candidates.append(base)
    return _gettext.translation(DOMAIN, localedir=str(translations_dir()),
                                languages=candidates, fallback=True)


RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur"})


def is_rtl(language: str) -> bool:
    return language.replace("_", "-").split("-")[0].lower() in RTL_LANGUAGES
