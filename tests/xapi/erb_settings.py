"""Workbench settings plus edx-event-routing-backends, with both plugins' settings applied as the LMS does."""

import sys

from event_routing_backends.settings.common import plugin_settings as routing_plugin_settings

from xblock_plchoice.blocks.plugin_settings import plugin_settings as plchoice_plugin_settings
from xblock_plchoice.workbench.settings import *  # noqa: F403
from xblock_plchoice.workbench.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "config_models", "celery_utils", "event_routing_backends"]
LMS_ROOT_URL = "https://lms.example.org"
RUNNING_WITH_TEST_SETTINGS = True

routing_plugin_settings(sys.modules[__name__])  # event routing first, as edx-platform may order them
plchoice_plugin_settings(sys.modules[__name__])
