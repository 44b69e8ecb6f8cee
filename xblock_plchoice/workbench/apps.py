"""The workbench-only Django app: wires the workbench runtime like the LMS (never installed in Open edX)."""

from __future__ import annotations

from django.apps import AppConfig


class WorkbenchWiringConfig(AppConfig):
    """Routes ``publish`` like the LMS and registers the dated ``<sequential>`` once Django's apps are ready."""

    name = "xblock_plchoice.workbench"
    label = "plchoice_workbench"
    verbose_name = "PL Choice workbench wiring"

    def ready(self) -> None:
        from . import blocks, publish, scenario_lock

        publish.install()
        blocks.register()
        scenario_lock.install()
