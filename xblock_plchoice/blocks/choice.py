"""``plchoice``: learners choose how to show their learning; staff review and grade in the LMS."""

from __future__ import annotations

from typing import Any

from xblock.fields import Scope, String

from ..core.activity import default_choice_definition
from ..core.context import Actor
from ..core.i18n import gettext_noop as _
from .base import PLBlockBase
from .grading import SubmissionsGradeSink, integer_points
from .scenarios import choice_scenarios


class PLChoiceBlock(PLBlockBase):
    """Choose-your-demonstration: an objective, shared criteria, 2-5 ways to show it, mastery review."""

    KIND = "choice"
    has_score = True
    icon_class = "problem"

    display_name = String(display_name=_("Display name"), scope=Scope.settings, default=_("Show what you know"),
                          help=_("The name learners see in the course navigation."))

    @classmethod
    def default_definition(cls) -> dict[str, Any]:
        return default_choice_definition()

    def max_score(self) -> float:
        """Raw points possible, as edx-submissions records them (the course weight scales them)."""
        points = self.activity().policies.points
        return integer_points(points, points)[1]

    def grade_sink(self, actor: Actor) -> SubmissionsGradeSink:
        return SubmissionsGradeSink(self.course_key(), self.activity_key(),
                                    publish_completion=self.publish_completion, current_user_id=actor.user_id)

    @staticmethod
    def workbench_scenarios() -> list[tuple[str, str]]:
        return choice_scenarios()
