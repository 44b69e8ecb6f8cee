"""The Django app that holds PL Choice's tables in Open edX (LMS and Studio).

edx-platform installs it through the ``lms.djangoapp`` / ``cms.djangoapp`` entry
points in setup.py; ``plugin_app`` tells the platform's plugin machinery which
settings module to apply. The retirement receiver is connected in :meth:`ready`
so that it works both inside the platform and in the workbench.
"""

from __future__ import annotations

from django.apps import AppConfig

# Plain strings instead of edx_django_utils.plugins constants: the package must
# import (and its tests run) without edx-platform's plugin helpers installed.
_COMMON_SETTINGS = {"common": {"relative_path": "plugin_settings"}}


class PLChoiceConfig(AppConfig):
    """PL Choice: learner records, counters, reflections, profiles and evidence files."""

    name = "xblock_plchoice.blocks"
    label = "plchoice"
    verbose_name = "PL Choice"
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app = {
        "settings_config": {
            "lms.djangoapp": _COMMON_SETTINGS,
            "cms.djangoapp": _COMMON_SETTINGS,
        },
    }

    def ready(self) -> None:
        from . import grading, retirement

        retirement.connect()
        grading.connect()
        from django.apps import apps

        # xAPI for sites with event routing (edx-event-routing-backends installed as an app)
        if apps.is_installed("event_routing_backends"):
            from . import xapi_transformers  # noqa: F401  (registers the transformers)
