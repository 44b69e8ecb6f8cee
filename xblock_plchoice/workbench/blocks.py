"""A workbench-only ``sequential`` that carries ``due`` and ``graceperiod``, as Open edX subsections do.

In Open edX, authors set the due date on the subsection and every block below
inherits ``due`` and ``graceperiod`` (``InheritanceMixin``). The stock workbench
has no block with those fields, so nothing could be inherited there. This one
has them, with the platform's names and OLX formats
(``<sequential due="2030-05-31T23:59:00Z" graceperiod="1 day 2 hours">``),
and is registered only by the workbench app (never as an ``xblock.v1`` entry
point, which would clash with the platform's own ``sequential``).
"""

from __future__ import annotations

from datetime import datetime
from importlib.metadata import EntryPoint
from typing import Any

from sample_xblocks.basic.structure import VerticalBlock
from xblock.core import XBlock
from xblock.fields import Date, Scope, String, Timedelta

TAG = "sequential"


class WorkbenchSequential(VerticalBlock):
    """Renders its children in order and carries the dates they inherit."""

    display_name = String(scope=Scope.settings, default="Subsection", help="The subsection's name.")
    due = Date(scope=Scope.settings, default=None, help="Date that this subsection is due by.")
    graceperiod = Timedelta(scope=Scope.settings, default=None,
                            help="Amount of time after the due date that submissions are still accepted.")

    def __setattr__(self, name: str, value: Any) -> None:
        # xblock-sdk's runtime stamps ``due = datetime.utcnow()`` and ``graceperiod = 0`` onto
        # every block it renders (a shim for the LTI consumer). On a parent that carries real
        # dates that stamp would close every child at once. Real dates are always time-zone
        # aware (the Date field makes them so), the stamp is naive: ignore the stamp.
        if name == "due" and isinstance(value, datetime) and value.tzinfo is None:
            object.__setattr__(self, "_workbench_stamp", True)
            return
        if name == "graceperiod" and self.__dict__.pop("_workbench_stamp", False):
            return
        super().__setattr__(name, value)

    @staticmethod
    def workbench_scenarios() -> list[tuple[str, str]]:
        return [("PL Choice: a subsection with a due date (inherited by both blocks)", DUE_SCENARIO)]


DUE_SCENARIO = """
<sequential display_name="Week 3" due="2030-05-31T23:59:00+00:00" graceperiod="1 day">
  <vertical_demo>
    <plreflection display_name="Before and after: reflect" />
    <plchoice display_name="Show what you know: photosynthesis" />
  </vertical_demo>
</sequential>
"""


def register() -> None:
    """Make ``<sequential>`` parse in the workbench (idempotent)."""
    if not any(name == TAG for name, _ in XBlock.extra_entry_points):
        XBlock.extra_entry_points.append(
            (TAG, EntryPoint(TAG, "xblock_plchoice.workbench.blocks:WorkbenchSequential", "xblock.v1")))
