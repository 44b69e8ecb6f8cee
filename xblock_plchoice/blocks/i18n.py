"""Translation for the blocks: the runtime's i18n service first, our catalogs second.

In edx-platform, ``XBlockI18nService`` already loads this package's
``translations/<lang>/LC_MESSAGES/text.mo`` (domain ``text``). Runtimes whose
service only knows the host's catalogs (the workbench, some tests) fall back to
the same files through ``core.i18n.translation_for`` for the service's language.
"""

from __future__ import annotations

from typing import Any

from ..core.i18n import is_rtl, translation_for


class BlockTranslator:
    """``gettext`` and language facts for one request."""

    def __init__(self, block: Any) -> None:
        try:
            self.service = block.runtime.service(block, "i18n")
        except Exception:  # a runtime without i18n: English  # noqa: BLE001
            self.service = None
        self.language = self._language()
        self.catalog = translation_for(self.language)

    def _language(self) -> str:
        get_language = getattr(self.service, "get_language", None) if self.service is not None else None
        language = None
        if callable(get_language):
            try:
                language = get_language()
            except Exception:  # noqa: BLE001
                language = None
        return str(language or "en")

    @property
    def dir(self) -> str:
        return "rtl" if is_rtl(self.language) else "ltr"

    def gettext(self, message: str) -> str:
        if self.service is not None:
            translated = self.service.gettext(message)
            if translated != message:
                return translated
        return self.catalog.gettext(message)

    def catalog_messages(self) -> dict[str, str]:
        """Every translated message of the current language (for the JS strings)."""
        messages = getattr(self.catalog, "_catalog", None) or {}
        return {k: v for k, v in messages.items() if isinstance(k, str) and k and v}
