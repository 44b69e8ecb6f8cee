"""Our workbench settings plus Django's LocaleMiddleware, so a browser's Accept-Language
(Playwright's ``locale``) picks the block language: the en and ar runs use the same server."""

from xblock_plchoice.workbench.settings import *  # noqa: F403
from xblock_plchoice.workbench.settings import MIDDLEWARE

if "django.middleware.locale.LocaleMiddleware" not in MIDDLEWARE:
    _at = MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1
    MIDDLEWARE = [*MIDDLEWARE[:_at], "django.middleware.locale.LocaleMiddleware", *MIDDLEWARE[_at:]]
