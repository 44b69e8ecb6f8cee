"""The workbench-only Django app: wires the workbench runtime like the LMS (never installed in Open edX)."""

from __future__ import annotations

from django.apps import AppConfig


class WorkbenchWiringConfig(AppConfig):
    """Installs :func:`xblock_plchoice.workbench.publish.install` once Django's apps are ready."""

    name = "xblock_plchoice.workbench"
    label = "plchoice_workbench"
    verbose_name = "PL Choice workbench wiring"

    def ready(self) -> None:
        from . import publish

        publish.install()
