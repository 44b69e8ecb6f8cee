"""Workbench scenarios: both blocks in one unit, as a course author would place them."""

from __future__ import annotations

UNIT = """
<vertical_demo>
  <plreflection display_name="Before and after: reflect" />
  <plchoice display_name="Show what you know: photosynthesis" weight="1" />
</vertical_demo>
"""

CHOICE_ONLY = '<plchoice display_name="Choose how to show it" />'

REFLECTION_ONLY = '<plreflection display_name="Reflect on your learning" />'


def choice_scenarios() -> list[tuple[str, str]]:
    """Listed under ``plchoice`` (the unit with both blocks comes first: ``/scenario/plchoice.0/``)."""
    return [
        ("PL Choice: reflection and choice in one unit", UNIT),
        ("PL Choice: choose your demonstration", CHOICE_ONLY),
    ]


def reflection_scenarios() -> list[tuple[str, str]]:
    return [("PL Choice: reflection", REFLECTION_ONLY)]
