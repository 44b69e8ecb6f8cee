"""xblock-sdk workbench settings for PL Choice: ``DJANGO_SETTINGS_MODULE=xblock_plchoice.workbench.settings``.

Adds what Open edX gives our blocks in production and the stock workbench
lacks: edx-submissions (grades), edx-completion (completion, with ``publish``
routed as the LMS routes it), our app (tables), a user service that knows
staff from learners (and masquerade), evidence limits and a storage alias. Everything the
workbench writes goes under ``$PLCHOICE_VAR_DIR`` (default ``./var``).
"""

from __future__ import annotations

import os
from pathlib import Path

from workbench.settings import *  # noqa: F403  (we extend the workbench's settings on purpose)
from workbench.settings import INSTALLED_APPS, LOGGING, MIDDLEWARE, WORKBENCH

VAR_DIR = Path(os.environ.get("PLCHOICE_VAR_DIR", "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("PLCHOICE_WORKBENCH_DB", str(VAR_DIR / "workbench.db")),
    },
}

# The browser's language picks the catalog, as in the LMS (es and ar ship complete).
_SESSION = "django.contrib.sessions.middleware.SessionMiddleware"
MIDDLEWARE = [*MIDDLEWARE[:MIDDLEWARE.index(_SESSION) + 1], "django.middleware.locale.LocaleMiddleware",
              *MIDDLEWARE[MIDDLEWARE.index(_SESSION) + 1:]]

INSTALLED_APPS = [*INSTALLED_APPS, "submissions", "waffle", "completion",
                  "eventtracking.django.apps.EventTrackingConfig", "xblock_plchoice.blocks.apps.PLChoiceConfig",
                  "xblock_plchoice.workbench.apps.WorkbenchWiringConfig"]

# Completion as an Open edX site runs it: edx-completion's tables, and its
# ``completion.enable_completion_tracking`` waffle switch on (a switch with no row
# in the database takes this default). The workbench app routes ``publish`` to it.
WAFFLE_SWITCH_DEFAULT = True
# edx-completion emits a tracking log per completion; as in the LMS, event-tracking sends it on
# (here to the ``tracking`` logger, i.e. var/workbench.log).
EVENT_TRACKING_ENABLED = True
EVENT_TRACKING_BACKENDS = {
    "logger": {"ENGINE": "eventtracking.backends.logger.LoggerBackend", "OPTIONS": {"name": "tracking"}},
}

LOGGING["handlers"]["logfile"]["filename"] = str(VAR_DIR / "workbench.log")

MEDIA_ROOT = str(VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "plchoice": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                 "OPTIONS": {"location": str(VAR_DIR / "plchoice-files")}},
}

WORKBENCH = {
    **WORKBENCH,
    "services": {
        **WORKBENCH.get("services", {}),
        "user": "xblock_plchoice.workbench.services.WorkbenchUserService",
    },
}

_LIMITS = {
    "file_max_bytes": int(os.environ.get("PLCHOICE_FILE_MAX_BYTES", 5 * 1024 * 1024)),
    "audio_max_bytes": int(os.environ.get("PLCHOICE_AUDIO_MAX_BYTES", 20 * 1024 * 1024)),
    "video_max_bytes": int(os.environ.get("PLCHOICE_VIDEO_MAX_BYTES", 50 * 1024 * 1024)),
}
XBLOCK_SETTINGS = {"PLChoiceBlock": dict(_LIMITS), "PLReflectionBlock": dict(_LIMITS)}

# Retirement in the workbench: anonymous ids are derived from the workbench user id.
PLCHOICE_ANONYMOUS_IDS_FOR_USER = "xblock_plchoice.workbench.services.anonymous_ids_for_user"

ROOT_URLCONF = "xblock_plchoice.workbench.urls"  # the workbench's URLs plus our favicon

LANGUAGES = [("en", "English"), ("es", "Español"), ("ar", "العربية")]
